// Image helpers (see image.hpp).
#include "media/image.hpp"

namespace quarry::media {

int32_t Image::mode() const {
  switch (channels) {
    case 1:
      return kModeGray;
    case 3:
      return kModeBgr;
    case 4:
      return kModeBgra;
    default:
      return kModeInvalid;
  }
}

}  // namespace quarry::media
