// EXIF orientation: reading the Orientation tag (0x0112) from EXIF data and turning an Image upright
// by it, for DecodeOptions::auto_orient. Values follow EXIF/TIFF: 1 upright, 2 mirrored, 3 rotated
// 180°, 4 flipped, 5 transposed, 6 needs 90° clockwise, 7 transversed, 8 needs 90° counter-clockwise
// (the same transforms as Pillow's ImageOps.exif_transpose). Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "media/image.hpp"

namespace quarry::media {

constexpr int kOrientationUpright = 1;

// The Orientation tag of IFD0 in `exif`, the TIFF structure that follows "Exif\0\0" in a JPEG APP1
// segment (byte-order mark first). 1 when absent, out of range or unreadable; never reads past `exif`.
int ParseExifOrientation(std::span<const uint8_t> exif);

// Whether `orientation` (5..8) swaps width and height.
bool OrientationSwapsAxes(int orientation);

// `image` turned upright for `orientation`; values outside 2..8 return it unchanged.
Image ApplyOrientation(Image image, int orientation);

}  // namespace quarry::media
