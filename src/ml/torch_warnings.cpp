// A warning handler that drops libtorch's warnings (see torch_warnings.hpp).
#include "ml/torch_warnings.hpp"

#include <c10/util/Exception.h>

#include <mutex>

namespace quarry::ml {
namespace {

class QuietWarningHandler final : public c10::WarningHandler {
 public:
  void process(const c10::SourceLocation&, const std::string&, const bool) override {}
};

}  // namespace

void SilenceTorchWarnings() {
  static std::once_flag once;
  std::call_once(once, [] {
    static QuietWarningHandler handler;  // lives for the process, as libtorch requires
    c10::Warning::set_warning_handler(&handler);
  });
}

}  // namespace quarry::ml
