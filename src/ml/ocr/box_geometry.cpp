// Quad sizes, integer boxes and reading order (see box_geometry.hpp).
#include "ml/ocr/box_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace quarry::ml::ocr {
namespace {

float Distance(const Point& a, const Point& b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

struct VerticalExtent {
  float top = 0;
  float bottom = 0;
  float center = 0;
};

VerticalExtent ExtentOf(const Quad& quad) {
  VerticalExtent extent{quad[0].y, quad[0].y, 0};
  for (const Point& corner : quad) {
    extent.top = std::min(extent.top, corner.y);
    extent.bottom = std::max(extent.bottom, corner.y);
    extent.center += corner.y / 4;
  }
  return extent;
}

float LeftOf(const Quad& quad) {
  float left = quad[0].x;
  for (const Point& corner : quad) left = std::min(left, corner.x);
  return left;
}

}  // namespace

float QuadWidth(const Quad& quad) {
  return std::max(Distance(quad[0], quad[1]), Distance(quad[3], quad[2]));
}

float QuadHeight(const Quad& quad) {
  return std::max(Distance(quad[0], quad[3]), Distance(quad[1], quad[2]));
}

std::array<int32_t, 8> ToIntegerBox(const Quad& quad) {
  std::array<int32_t, 8> box{};
  for (size_t i = 0; i < 4; i++) {
    box[2 * i] = static_cast<int32_t>(std::lround(quad[i].x));
    box[2 * i + 1] = static_cast<int32_t>(std::lround(quad[i].y));
  }
  return box;
}

Quad FromIntegerBox(const std::array<int32_t, 8>& box) {
  Quad quad;
  for (size_t i = 0; i < 4; i++) quad[i] = {static_cast<float>(box[2 * i]), static_cast<float>(box[2 * i + 1])};
  return quad;
}

bool SameRow(const Quad& a, const Quad& b) {
  const VerticalExtent first = ExtentOf(a);
  const VerticalExtent second = ExtentOf(b);
  return first.center >= second.top && first.center <= second.bottom && second.center >= first.top &&
         second.center <= first.bottom;
}

std::vector<std::vector<size_t>> GroupIntoRows(const std::vector<Quad>& quads) {
  std::vector<size_t> by_center(quads.size());
  std::iota(by_center.begin(), by_center.end(), 0);
  std::stable_sort(by_center.begin(), by_center.end(),
                   [&](size_t a, size_t b) { return ExtentOf(quads[a]).center < ExtentOf(quads[b]).center; });
  std::vector<std::vector<size_t>> rows;
  for (size_t index : by_center) {
    if (rows.empty() || !SameRow(quads[rows.back().front()], quads[index])) rows.emplace_back();
    rows.back().push_back(index);
  }
  for (auto& row : rows) {
    std::stable_sort(row.begin(), row.end(), [&](size_t a, size_t b) { return LeftOf(quads[a]) < LeftOf(quads[b]); });
  }
  return rows;
}

}  // namespace quarry::ml::ocr
