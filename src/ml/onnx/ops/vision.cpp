// ONNX operators: detection and spatial sampling. NonMaxSuppression (greedy, per batch and class, as ONNX
// Runtime computes it), GridSample (ATen's grid_sampler, which is what ONNX specifies: PyTorch's
// grid_sample) and RoiAlign (bilinear samples averaged, or maxed, per output bin, as ONNX Runtime does).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/elementwise_util.hpp"

namespace quarry::ml::onnx {
namespace {

// ---- NonMaxSuppression ----

// A box as its corners, whatever order the model gave them in.
struct Box {
  float y_min, x_min, y_max, x_max;
  float area() const { return (y_max - y_min) * (x_max - x_min); }
};

Box ReadBox(const float* values, bool center_point_box) {
  if (center_point_box) {  // [x_center, y_center, width, height]
    const float half_width = values[2] / 2, half_height = values[3] / 2;
    return {values[1] - half_height, values[0] - half_width, values[1] + half_height, values[0] + half_width};
  }
  return {std::min(values[0], values[2]), std::min(values[1], values[3]), std::max(values[0], values[2]),
          std::max(values[1], values[3])};
}

// Whether the intersection over union of a and b exceeds the threshold (never for empty boxes).
bool Overlaps(const Box& a, const Box& b, float iou_threshold) {
  const float height = std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min);
  const float width = std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min);
  if (height <= 0 || width <= 0 || a.area() <= 0 || b.area() <= 0) return false;
  const float intersection = height * width;
  const float union_area = a.area() + b.area() - intersection;
  return union_area > 0 && intersection / union_area > iou_threshold;
}

struct SuppressionOptions {
  int64_t max_boxes;
  float iou_threshold;
  std::optional<float> score_threshold;
};

// The boxes one class keeps: by descending score (ties by index), each unless it overlaps one kept before.
std::vector<int64_t> SelectBoxes(const std::vector<Box>& boxes, const float* scores,
                                 const SuppressionOptions& options) {
  std::vector<int64_t> candidates;
  for (int64_t i = 0; i < static_cast<int64_t>(boxes.size()); i++) {
    if (!options.score_threshold.has_value() || scores[i] > *options.score_threshold) candidates.push_back(i);
  }
  std::stable_sort(candidates.begin(), candidates.end(), [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  std::vector<int64_t> selected;
  for (int64_t candidate : candidates) {
    if (static_cast<int64_t>(selected.size()) >= options.max_boxes) break;
    const bool suppressed = std::any_of(selected.begin(), selected.end(), [&](int64_t kept) {
      return Overlaps(boxes[candidate], boxes[kept], options.iou_threshold);
    });
    if (!suppressed) selected.push_back(candidate);
  }
  return selected;
}

// Outputs selected_indices [count, 3] (int64) of [batch, class, box] rows.
std::vector<at::Tensor> NonMaxSuppression(NodeContext& node) {
  const at::Tensor boxes = node.input(0).to(at::kFloat).contiguous();
  const at::Tensor scores = node.input(1).to(at::kFloat).contiguous();
  if (boxes.dim() != 3 || boxes.size(2) != 4) throw OnnxError("boxes must have shape [batches, boxes, 4]");
  if (scores.dim() != 3 || scores.size(0) != boxes.size(0) || scores.size(2) != boxes.size(1)) {
    throw OnnxError("scores must have shape [batches, classes, boxes]");
  }
  SuppressionOptions options{0, 0.0f, std::nullopt};
  if (node.has_input(2) && node.input(2).numel() > 0) options.max_boxes = ToInt64Vector(node.input(2))[0];
  if (node.has_input(3) && node.input(3).numel() > 0)
    options.iou_threshold = static_cast<float>(ToScalar(node.input(3)));
  if (node.has_input(4) && node.input(4).numel() > 0)
    options.score_threshold = static_cast<float>(ToScalar(node.input(4)));
  const bool center_point_box = node.attribute_int("center_point_box", 0) != 0;
  const int64_t batches = scores.size(0), classes = scores.size(1), count = scores.size(2);
  std::vector<int64_t> rows;
  for (int64_t batch = 0; options.max_boxes > 0 && batch < batches; batch++) {
    std::vector<Box> batch_boxes(count);
    for (int64_t i = 0; i < count; i++) {
      batch_boxes[i] = ReadBox(boxes.data_ptr<float>() + (batch * count + i) * 4, center_point_box);
    }
    for (int64_t label = 0; label < classes; label++) {
      const float* class_scores = scores.data_ptr<float>() + (batch * classes + label) * count;
      for (int64_t box : SelectBoxes(batch_boxes, class_scores, options)) rows.insert(rows.end(), {batch, label, box});
    }
  }
  const auto selected = static_cast<int64_t>(rows.size() / 3);
  return {at::tensor(rows, at::kLong).reshape({selected, 3})};
}

// ---- GridSample ----

int64_t NamedMode(const std::string& value, const std::vector<std::string>& names, const char* what) {
  const auto found = std::find(names.begin(), names.end(), value);
  if (found == names.end()) throw OnnxError(std::string("unknown ") + what + " '" + value + "'");
  return found - names.begin();
}

std::vector<at::Tensor> GridSample(NodeContext& node) {
  const at::Tensor& input = node.input(0);
  const at::Tensor& grid = node.input(1);
  if ((input.dim() != 4 && input.dim() != 5) || grid.dim() != input.dim() || grid.size(0) != input.size(0) ||
      grid.size(-1) != input.dim() - 2) {
    throw OnnxError("X must be [N, C, H, W] and grid [N, H_out, W_out, 2]");
  }
  // ATen's interpolation and padding modes, in its enum order.
  const int64_t mode = NamedMode(node.attribute_string("mode", "bilinear"), {"bilinear", "nearest", "bicubic"}, "mode");
  const int64_t padding =
      NamedMode(node.attribute_string("padding_mode", "zeros"), {"zeros", "border", "reflection"}, "padding_mode");
  const bool align_corners = node.attribute_int("align_corners", 0) != 0;
  if (mode == 2 && input.dim() != 4) throw OnnxError("bicubic sampling needs a 4-D input");
  const at::ScalarType type = at::isFloatingType(input.scalar_type()) ? input.scalar_type() : grid.scalar_type();
  const at::Tensor sampling_grid = WidenHalfPrecision(grid);
  const at::Tensor output =
      at::grid_sampler(input.to(sampling_grid.scalar_type()), sampling_grid, mode, padding, align_corners);
  return {output.to(type)};
}

// ---- RoiAlign ----

// Bilinear sample points along one axis of the feature map: for each point the two neighbouring
// positions and their weights (zero for points more than one pixel outside the map).
struct AxisSamples {
  at::Tensor low, high;                // int64 positions
  at::Tensor low_weight, high_weight;  // of the feature map's type
};

// Samples `grid` points in each of `bins` bins of `bin_size` from `start`, on an axis of `size` positions.
AxisSamples SampleAxis(double start, double bin_size, int64_t bins, int64_t grid, int64_t size, at::ScalarType type) {
  const int64_t count = bins * grid;
  std::vector<int64_t> low(count, 0), high(count, 0);
  std::vector<double> low_weight(count, 0.0), high_weight(count, 0.0);
  for (int64_t bin = 0; bin < bins; bin++) {
    for (int64_t i = 0; i < grid; i++) {
      double position = start + bin * bin_size + (i + 0.5) * bin_size / grid;
      const int64_t k = bin * grid + i;
      if (!(position >= -1.0 && position <= static_cast<double>(size))) continue;  // outside, or NaN
      position = std::max(position, 0.0);
      low[k] = std::min(static_cast<int64_t>(position), size - 1);
      high[k] = std::min(low[k] + 1, size - 1);
      const double fraction = low[k] == size - 1 ? 0.0 : position - static_cast<double>(low[k]);
      low_weight[k] = 1.0 - fraction;
      high_weight[k] = fraction;
    }
  }
  return {at::tensor(low, at::kLong), at::tensor(high, at::kLong), at::tensor(low_weight, at::kDouble).to(type),
          at::tensor(high_weight, at::kDouble).to(type)};
}

struct RoiAlignOptions {
  bool average;         // mode "avg" (else "max")
  double pixel_offset;  // 0.5 for coordinate_transformation_mode "half_pixel"
  double spatial_scale;
  int64_t output_height, output_width, sampling_ratio;
};

RoiAlignOptions ReadRoiAlignOptions(const NodeContext& node, const char* default_transformation) {
  const std::string mode = node.attribute_string("mode", "avg");
  const std::string transformation = node.attribute_string("coordinate_transformation_mode", default_transformation);
  if (mode != "avg" && mode != "max") throw OnnxError("unknown mode '" + mode + "'");
  if (transformation != "half_pixel" && transformation != "output_half_pixel") {
    throw OnnxError("unknown coordinate_transformation_mode '" + transformation + "'");
  }
  RoiAlignOptions options{mode == "avg",
                          transformation == "half_pixel" ? 0.5 : 0.0,
                          node.attribute_float("spatial_scale", 1.0f),
                          node.attribute_int("output_height", 1),
                          node.attribute_int("output_width", 1),
                          node.attribute_int("sampling_ratio", 0)};
  if (options.output_height < 1 || options.output_width < 1 || options.sampling_ratio < 0) {
    throw OnnxError("output_height and output_width must be positive, sampling_ratio not negative");
  }
  return options;
}

// The sample points per bin along an axis: sampling_ratio, or adaptively ceil(roi size / bins).
int64_t GridSize(const RoiAlignOptions& options, double roi_size, int64_t bins) {
  if (options.sampling_ratio > 0) return options.sampling_ratio;
  const double adaptive = std::ceil(roi_size / static_cast<double>(bins));
  if (!(adaptive < static_cast<double>(kMaxTensorElements))) throw OnnxError("a region is too large");
  return static_cast<int64_t>(adaptive);
}

// The pooled [C, output_height, output_width] features of one region [x1, y1, x2, y2] of `features` [C, H, W].
at::Tensor AlignRegion(const at::Tensor& features, const double* roi, const RoiAlignOptions& options) {
  const double start_x = roi[0] * options.spatial_scale - options.pixel_offset;
  const double start_y = roi[1] * options.spatial_scale - options.pixel_offset;
  double width = roi[2] * options.spatial_scale - options.pixel_offset - start_x;
  double height = roi[3] * options.spatial_scale - options.pixel_offset - start_y;
  if (options.pixel_offset == 0) {  // output_half_pixel: regions are at least one pixel
    width = std::max(width, 1.0);
    height = std::max(height, 1.0);
  }
  const int64_t grid_height = GridSize(options, height, options.output_height);
  const int64_t grid_width = GridSize(options, width, options.output_width);
  const int64_t channels = features.size(0);
  if (grid_height < 1 || grid_width < 1) {
    return at::zeros({channels, options.output_height, options.output_width}, features.options());
  }
  CheckAllocation({channels, options.output_height * grid_height, options.output_width * grid_width}, "RoiAlign");
  const AxisSamples ys = SampleAxis(start_y, height / options.output_height, options.output_height, grid_height,
                                    features.size(1), features.scalar_type());
  const AxisSamples xs = SampleAxis(start_x, width / options.output_width, options.output_width, grid_width,
                                    features.size(2), features.scalar_type());
  const auto corner = [&](const at::Tensor& y, const at::Tensor& x, const at::Tensor& y_weight,
                          const at::Tensor& x_weight) {
    return features.index_select(1, y).index_select(2, x).mul(at::outer(y_weight, x_weight));
  };
  const at::Tensor corners[] = {
      corner(ys.low, xs.low, ys.low_weight, xs.low_weight), corner(ys.low, xs.high, ys.low_weight, xs.high_weight),
      corner(ys.high, xs.low, ys.high_weight, xs.low_weight), corner(ys.high, xs.high, ys.high_weight, xs.high_weight)};
  const std::vector<int64_t> bins = {channels, options.output_height, grid_height, options.output_width, grid_width};
  if (options.average) return (corners[0] + corners[1] + corners[2] + corners[3]).view(bins).mean({2, 4});
  // ONNX Runtime's max mode: the largest weighted corner of any sample point.
  return at::maximum(at::maximum(corners[0], corners[1]), at::maximum(corners[2], corners[3])).view(bins).amax({2, 4});
}

// RoiAlign: Y [num_rois, C, output_height, output_width] from X [N, C, H, W], rois [num_rois, 4] and
// batch_indices [num_rois]. Opset 10 has no coordinate_transformation_mode and behaves as output_half_pixel.
std::vector<at::Tensor> RoiAlign(const NodeContext& node, const char* default_transformation) {
  const at::Tensor& input = node.input(0);
  if (input.dim() != 4) throw OnnxError("X must be [N, C, H, W]");
  const at::Tensor features = WidenHalfPrecision(input);
  const at::Tensor rois = node.input(1).to(at::kDouble).contiguous();
  const at::Tensor batch_indices = node.input(2).to(at::kLong).contiguous();
  if (rois.dim() != 2 || rois.size(1) != 4) throw OnnxError("rois must have shape [num_rois, 4]");
  const int64_t count = rois.size(0);
  if (batch_indices.dim() != 1 || batch_indices.size(0) != count) throw OnnxError("batch_indices must be [num_rois]");
  const RoiAlignOptions options = ReadRoiAlignOptions(node, default_transformation);
  CheckAllocation({count, input.size(1), options.output_height, options.output_width}, "RoiAlign");
  std::vector<at::Tensor> regions;
  for (int64_t i = 0; i < count; i++) {
    const int64_t batch = batch_indices.data_ptr<int64_t>()[i];
    if (batch < 0 || batch >= input.size(0)) throw OnnxError("a batch index is out of range");
    regions.push_back(AlignRegion(features[batch], rois.data_ptr<double>() + i * 4, options));
  }
  if (regions.empty())
    return {at::empty({0, input.size(1), options.output_height, options.output_width}, input.options())};
  return {at::stack(regions).to(input.scalar_type())};
}

}  // namespace

void RegisterVisionOperators(OperatorRegistry& registry) {
  registry.Add("NonMaxSuppression", 10, kMaxOpset, NonMaxSuppression);
  registry.Add("GridSample", 16, kMaxOpset, GridSample);
  registry.Add("RoiAlign", 10, 15, [](NodeContext& node) { return RoiAlign(node, "output_half_pixel"); });
  registry.Add("RoiAlign", 16, kMaxOpset, [](NodeContext& node) { return RoiAlign(node, "half_pixel"); });
}

}  // namespace quarry::ml::onnx
