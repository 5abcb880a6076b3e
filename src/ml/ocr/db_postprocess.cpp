// From a text probability map to boxes (see db_postprocess.hpp).
#include "ml/ocr/db_postprocess.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace quarry::ml::ocr {
namespace {

// The rectangle's corners clockwise from the top-left: as PaddleOCR's get_mini_boxes, the two
// leftmost corners (by x) give the top-left (smaller y) and bottom-left, the other two the top-right
// and bottom-right.
Quad OrderedCorners(const cv::RotatedRect& rectangle) {
  std::array<cv::Point2f, 4> corners;
  rectangle.points(corners.data());
  std::stable_sort(corners.begin(), corners.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
  const auto& [top_left, bottom_left] =
      corners[1].y > corners[0].y ? std::pair(corners[0], corners[1]) : std::pair(corners[1], corners[0]);
  const auto& [top_right, bottom_right] =
      corners[3].y > corners[2].y ? std::pair(corners[2], corners[3]) : std::pair(corners[3], corners[2]);
  return {Point{top_left.x, top_left.y}, Point{top_right.x, top_right.y}, Point{bottom_right.x, bottom_right.y},
          Point{bottom_left.x, bottom_left.y}};
}

float ShorterSide(const cv::RotatedRect& rectangle) {
  return std::min(rectangle.size.width, rectangle.size.height);
}

// The mean of `map` inside `quad` (its corners truncated to integers, filled as a polygon), over the
// quad's bounding box clipped to the map.
float MeanInside(const cv::Mat& map, const Quad& quad) {
  float min_x = quad[0].x, max_x = quad[0].x, min_y = quad[0].y, max_y = quad[0].y;
  for (const Point& corner : quad) {
    min_x = std::min(min_x, corner.x), max_x = std::max(max_x, corner.x);
    min_y = std::min(min_y, corner.y), max_y = std::max(max_y, corner.y);
  }
  const int left = std::clamp(static_cast<int>(std::floor(min_x)), 0, map.cols - 1);
  const int right = std::clamp(static_cast<int>(std::ceil(max_x)), 0, map.cols - 1);
  const int top = std::clamp(static_cast<int>(std::floor(min_y)), 0, map.rows - 1);
  const int bottom = std::clamp(static_cast<int>(std::ceil(max_y)), 0, map.rows - 1);
  cv::Mat mask = cv::Mat::zeros(bottom - top + 1, right - left + 1, CV_8U);
  std::vector<cv::Point> polygon;
  for (const Point& corner : quad) {
    polygon.emplace_back(static_cast<int>(corner.x - static_cast<float>(left)),
                         static_cast<int>(corner.y - static_cast<float>(top)));
  }
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(1));
  return static_cast<float>(cv::mean(map(cv::Rect(left, top, mask.cols, mask.rows)), mask)[0]);
}

// The rectangle grown by area * kUnclipRatio / perimeter on every side.
cv::RotatedRect Unclip(const cv::RotatedRect& rectangle) {
  const float area = rectangle.size.area();
  const float perimeter = 2 * (rectangle.size.width + rectangle.size.height);
  const float distance = perimeter > 0 ? area * kUnclipRatio / perimeter : 0;
  return cv::RotatedRect(rectangle.center,
                         cv::Size2f(rectangle.size.width + 2 * distance, rectangle.size.height + 2 * distance),
                         rectangle.angle);
}

// `quad` from map to image coordinates: scaled, rounded, clipped to the image.
Quad ToImageCoordinates(const Quad& quad, float scale_x, float scale_y, int32_t image_width, int32_t image_height) {
  Quad scaled;
  for (size_t i = 0; i < 4; i++) {
    scaled[i].x = std::clamp(std::round(quad[i].x * scale_x), 0.0f, static_cast<float>(image_width - 1));
    scaled[i].y = std::clamp(std::round(quad[i].y * scale_y), 0.0f, static_cast<float>(image_height - 1));
  }
  return scaled;
}

float SideLength(const Point& a, const Point& b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

}  // namespace

std::vector<DetectedBox> BoxesFromProbabilityMap(const float* probabilities, int32_t map_width, int32_t map_height,
                                                 int32_t image_width, int32_t image_height) {
  std::vector<DetectedBox> boxes;
  if (map_width <= 0 || map_height <= 0 || image_width <= 0 || image_height <= 0) return boxes;
  const cv::Mat map(map_height, map_width, CV_32F, const_cast<float*>(probabilities));
  const cv::Mat bitmap = map > kBinaryThreshold;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const float scale_x = static_cast<float>(image_width) / static_cast<float>(map_width);
  const float scale_y = static_cast<float>(image_height) / static_cast<float>(map_height);
  const size_t candidates = std::min(contours.size(), static_cast<size_t>(kMaxCandidates));
  for (size_t i = 0; i < candidates; i++) {
    const cv::RotatedRect rectangle = cv::minAreaRect(contours[i]);
    if (ShorterSide(rectangle) < kMinSide) continue;
    const float score = MeanInside(map, OrderedCorners(rectangle));
    if (score < kBoxScoreThreshold) continue;
    const cv::RotatedRect grown = Unclip(rectangle);
    if (ShorterSide(grown) < kMinSide + 2) continue;
    const Quad quad = ToImageCoordinates(OrderedCorners(grown), scale_x, scale_y, image_width, image_height);
    if (SideLength(quad[0], quad[1]) < kMinFinalSide || SideLength(quad[0], quad[3]) < kMinFinalSide) continue;
    boxes.push_back({quad, score});
  }
  return boxes;
}

}  // namespace quarry::ml::ocr
