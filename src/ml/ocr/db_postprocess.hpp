// The text detector's postprocessing (Differentiable Binarization, as PaddleOCR's DBPostProcess with
// its PP-OCRv4 defaults, "fast" box scores, quadrilateral boxes): from the detector's per-pixel text
// probability map to text boxes in the original image's coordinates. Thread-safe.
//
// Steps and thresholds:
//   - binarize the map at kBinaryThreshold (0.3): pixels above it are text;
//   - find connected regions (their outer and inner contours), at most kMaxCandidates (1000);
//   - take each region's minimum-area rectangle; drop it when its shorter side is < kMinSide (3 map
//     pixels);
//   - score it: the mean probability inside the rectangle; drop it when < kBoxScoreThreshold (0.6);
//   - unclip: the detector marks only the core of each text line, so grow the rectangle outwards by
//     area * kUnclipRatio (1.5) / perimeter on every side. (PaddleOCR offsets the rectangle polygon
//     with round joins and takes the minimum-area rectangle of the result: that is this rectangle);
//     drop it when its shorter side is then < kMinSide + 2;
//   - scale the corners to the image's size, round and clip them to the image; drop boxes whose
//     top or left side is then shorter than kMinFinalSide (4 pixels, as PaddleOCR's "<= 3").
#pragma once

#include <cstdint>
#include <vector>

#include "ml/ocr/box_geometry.hpp"

namespace quarry::ml::ocr {

inline constexpr float kBinaryThreshold = 0.3f;
inline constexpr float kBoxScoreThreshold = 0.6f;
inline constexpr int kMaxCandidates = 1000;
inline constexpr float kUnclipRatio = 1.5f;
inline constexpr float kMinSide = 3.0f;
inline constexpr float kMinFinalSide = 4.0f;

struct DetectedBox {
  Quad quad;        // corners in the image's pixel coordinates, clockwise from the top-left
  float score = 0;  // mean text probability inside the box before unclipping
};

// The boxes in `probabilities` (map_height rows of map_width values in [0, 1]) for an image of
// image_width × image_height pixels, in the order the regions were found (not reading order).
std::vector<DetectedBox> BoxesFromProbabilityMap(const float* probabilities, int32_t map_width, int32_t map_height,
                                                 int32_t image_width, int32_t image_height);

}  // namespace quarry::ml::ocr
