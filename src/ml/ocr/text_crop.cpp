// Perspective crops of text lines (see text_crop.hpp).
#include "ml/ocr/text_crop.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "ml/ocr/mat_view.hpp"

namespace quarry::ml::ocr {

media::Image CropTextLine(const media::ImageView& bgr, const Quad& quad) {
  double width = std::max(1.0f, std::floor(QuadWidth(quad)));
  double height = std::max(1.0f, std::floor(QuadHeight(quad)));
  if (width * height > static_cast<double>(kMaxCropPixels)) {
    const double shrink = std::sqrt(static_cast<double>(kMaxCropPixels) / (width * height));
    width = std::max(1.0, std::floor(width * shrink));
    height = std::max(1.0, std::floor(height * shrink));
  }
  const float w = static_cast<float>(width), h = static_cast<float>(height);
  const cv::Point2f source[4] = {
      {quad[0].x, quad[0].y}, {quad[1].x, quad[1].y}, {quad[2].x, quad[2].y}, {quad[3].x, quad[3].y}};
  const cv::Point2f target[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  cv::Mat crop;
  cv::warpPerspective(MatView(bgr), crop, cv::getPerspectiveTransform(source, target),
                      cv::Size(static_cast<int>(width), static_cast<int>(height)), cv::INTER_CUBIC,
                      cv::BORDER_REPLICATE);
  if (height >= kVerticalRatio * width) cv::rotate(crop, crop, cv::ROTATE_90_COUNTERCLOCKWISE);
  return ToImage(crop);
}

media::Image Rotate180(const media::ImageView& image) {
  cv::Mat turned;
  cv::rotate(MatView(image), turned, cv::ROTATE_180);
  return ToImage(turned);
}

}  // namespace quarry::ml::ocr
