// ONNX operators: Resize (opsets 10-17) and Upsample (opsets 1-9), nearest / linear / cubic interpolation over
// any axes of any rank. Each resized axis gets its sampling taps (input indices and weights) from the ONNX
// coordinate transformation; when those match what ATen's upsample kernels compute (the common nearest x2
// and bilinear/bicubic half_pixel or align_corners cases), those kernels run; otherwise the taps are applied
// axis by axis with a gather and a weighted sum.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx {
namespace {

enum class Interpolation { kNearest, kLinear, kCubic };
enum class Coordinates {
  kHalfPixel,
  kAsymmetric,
  kPytorchHalfPixel,
  kAlignCorners,
  kTfHalfPixelForNn,
  kTfCropAndResize
};
// kLegacy: Resize-10 and Upsample, which predate nearest_mode (floor when upsampling, ceil when downsampling,
// as ONNX Runtime does).
enum class NearestRounding { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kLegacy };

struct ResizeOptions {
  Interpolation interpolation = Interpolation::kNearest;
  Coordinates coordinates = Coordinates::kAsymmetric;
  NearestRounding rounding = NearestRounding::kLegacy;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation_value = 0.0;
};

// One axis: its input and output lengths, the scale (given, or output / input when sizes were given) and
// the region of interest (used by tf_crop_and_resize only).
struct AxisGeometry {
  int64_t input = 0;
  int64_t output = 0;
  double scale = 1.0;
  bool scale_given = false;
  double roi_start = 0.0;
  double roi_end = 1.0;
};

// The sampling taps of one axis: output position j reads input index[j * taps + k] with weight[j * taps + k];
// outside[j] marks positions that take the extrapolation value.
struct AxisTaps {
  int64_t taps = 1;
  std::vector<int64_t> index;
  std::vector<double> weight;
  std::vector<bool> outside;
  bool any_outside = false;
};

Interpolation ParseInterpolation(const std::string& mode, bool legacy) {
  if (mode == "nearest") return Interpolation::kNearest;
  if (mode == "linear" || (legacy && mode == "bilinear")) return Interpolation::kLinear;
  if (mode == "cubic" && !legacy) return Interpolation::kCubic;
  throw OnnxError("unsupported mode '" + mode + "'");
}

Coordinates ParseCoordinates(const std::string& mode) {
  if (mode == "half_pixel") return Coordinates::kHalfPixel;
  if (mode == "asymmetric") return Coordinates::kAsymmetric;
  if (mode == "pytorch_half_pixel") return Coordinates::kPytorchHalfPixel;
  if (mode == "align_corners") return Coordinates::kAlignCorners;
  if (mode == "tf_half_pixel_for_nn") return Coordinates::kTfHalfPixelForNn;
  if (mode == "tf_crop_and_resize") return Coordinates::kTfCropAndResize;
  throw OnnxError("unsupported coordinate_transformation_mode '" + mode + "'");
}

NearestRounding ParseRounding(const std::string& mode) {
  if (mode == "round_prefer_floor") return NearestRounding::kRoundPreferFloor;
  if (mode == "round_prefer_ceil") return NearestRounding::kRoundPreferCeil;
  if (mode == "floor") return NearestRounding::kFloor;
  if (mode == "ceil") return NearestRounding::kCeil;
  throw OnnxError("unsupported nearest_mode '" + mode + "'");
}

// The input coordinate output position j maps to. As in ONNX's reference implementation, the resized length
// (in pytorch_half_pixel, align_corners and tf_crop_and_resize) is input * scale, not rounded.
double OriginalCoordinate(const AxisGeometry& axis, Coordinates mode, int64_t j) {
  const double x = static_cast<double>(j);
  const double resized_length = axis.scale * static_cast<double>(axis.input);
  const double last = static_cast<double>(axis.input - 1);
  switch (mode) {
    case Coordinates::kHalfPixel:
      return (x + 0.5) / axis.scale - 0.5;
    case Coordinates::kAsymmetric:
      return x / axis.scale;
    case Coordinates::kPytorchHalfPixel:
      return resized_length > 1.0 ? (x + 0.5) / axis.scale - 0.5 : 0.0;
    case Coordinates::kAlignCorners:
      return resized_length == 1.0 ? 0.0 : x * last / (resized_length - 1.0);
    case Coordinates::kTfHalfPixelForNn:
      return (x + 0.5) / axis.scale;
    case Coordinates::kTfCropAndResize: {
      const double span = axis.roi_end - axis.roi_start;
      const double offset = axis.roi_start * last;
      return resized_length == 1.0 ? offset + span * last / 2.0 : offset + x * span * last / (resized_length - 1.0);
    }
  }
  return x;
}

int64_t NearestIndex(double x, NearestRounding rounding, bool downsampling) {
  const double base = std::floor(x);
  const double fraction = x - base;
  if (fraction == 0.0) return static_cast<int64_t>(base);
  bool up = false;
  switch (rounding) {
    case NearestRounding::kRoundPreferFloor:
      up = fraction > 0.5;
      break;
    case NearestRounding::kRoundPreferCeil:
      up = fraction >= 0.5;
      break;
    case NearestRounding::kFloor:
      up = false;
      break;
    case NearestRounding::kCeil:
      up = true;
      break;
    case NearestRounding::kLegacy:
      up = downsampling;
      break;
  }
  return static_cast<int64_t>(base) + (up ? 1 : 0);
}

// Keys cubic convolution weights for the four neighbours floor(x)-1 .. floor(x)+2 at fraction t in [0, 1).
void CubicWeights(double t, double a, double* weights) {
  const double distances[4] = {t + 1.0, t, 1.0 - t, 2.0 - t};
  for (int k = 0; k < 4; k++) {
    const double d = distances[k];
    weights[k] = d <= 1.0 ? ((a + 2.0) * d - (a + 3.0)) * d * d + 1.0 : ((a * d - 5.0 * a) * d + 8.0 * a) * d - 4.0 * a;
  }
}

AxisTaps ComputeTaps(const AxisGeometry& axis, const ResizeOptions& options) {
  AxisTaps result;
  result.taps = options.interpolation == Interpolation::kNearest  ? 1
                : options.interpolation == Interpolation::kLinear ? 2
                                                                  : 4;
  // An index and a weight (16 bytes) per tap: held to the same 4 GiB as a float32 tensor.
  CheckAllocation({axis.output, result.taps, 4}, "Resize sampling table");
  const auto count = static_cast<size_t>(axis.output * result.taps);
  result.index.resize(count);
  result.weight.resize(count);
  result.outside.assign(static_cast<size_t>(axis.output), false);
  const int64_t last = axis.input - 1;
  for (int64_t j = 0; j < axis.output; j++) {
    double x = OriginalCoordinate(axis, options.coordinates, j);
    if (!std::isfinite(x)) x = -1.0;  // a non-finite roi: outside
    if (options.coordinates == Coordinates::kTfCropAndResize && (x < 0.0 || x > static_cast<double>(last))) {
      result.outside[static_cast<size_t>(j)] = true;
      result.any_outside = true;
    }
    int64_t* index = &result.index[static_cast<size_t>(j * result.taps)];
    double* weight = &result.weight[static_cast<size_t>(j * result.taps)];
    const double clamped_x = std::clamp(x, -2.0, static_cast<double>(axis.input) + 2.0);  // keeps huge x finite
    const auto base = static_cast<int64_t>(std::floor(clamped_x));
    const double t = clamped_x - std::floor(clamped_x);
    switch (options.interpolation) {
      case Interpolation::kNearest:
        index[0] = NearestIndex(clamped_x, options.rounding, axis.scale < 1.0);
        weight[0] = 1.0;
        break;
      case Interpolation::kLinear:
        index[0] = base, index[1] = base + 1;
        weight[0] = 1.0 - t, weight[1] = t;
        break;
      case Interpolation::kCubic:
        for (int k = 0; k < 4; k++) index[k] = base - 1 + k;
        CubicWeights(t, options.cubic_a, weight);
        break;
    }
    if (options.exclude_outside) {
      double total = 0.0;
      for (int64_t k = 0; k < result.taps; k++) {
        if (index[k] < 0 || index[k] > last) weight[k] = 0.0;
        total += weight[k];
      }
      if (total != 0.0) {
        for (int64_t k = 0; k < result.taps; k++) weight[k] /= total;
      }
    }
    for (int64_t k = 0; k < result.taps; k++) index[k] = std::clamp<int64_t>(index[k], 0, last);
  }
  return result;
}

// True when every output position reads exactly its own input position.
bool IsIdentity(const AxisGeometry& axis, const AxisTaps& taps) {
  if (axis.output != axis.input || taps.any_outside) return false;
  for (int64_t j = 0; j < axis.output; j++) {
    double total = 0.0;
    for (int64_t k = 0; k < taps.taps; k++) {
      const auto at = static_cast<size_t>(j * taps.taps + k);
      if (taps.weight[at] != 0.0 && taps.index[at] != j) return false;
      total += taps.weight[at];
    }
    if (total != 1.0) return false;
  }
  return true;
}

// ---- ATen's upsample kernels -------------------------------------------------------------------------------

// The source index ATen's nearest kernels read for output j (ATen/native/UpSample.h nearest_idx, no scale).
int64_t AtenNearestIndex(int64_t j, int64_t input, int64_t output) {
  if (output == input) return j;
  if (output == 2 * input) return j >> 1;
  const float scale = static_cast<float>(input) / static_cast<float>(output);
  return std::min(static_cast<int64_t>(std::floor(static_cast<float>(j) * scale)), input - 1);
}

bool AtenNearestMatches(const AxisGeometry& axis, const AxisTaps& taps) {
  for (int64_t j = 0; j < axis.output; j++) {
    if (taps.index[static_cast<size_t>(j)] != AtenNearestIndex(j, axis.input, axis.output)) return false;
  }
  return true;
}

// Whether ATen's linear/cubic kernels (half_pixel when align_corners is false, the scale given or
// output / input) compute this axis as ONNX does.
bool AtenInterpolationMatches(const AxisGeometry& axis, const ResizeOptions& options) {
  switch (options.coordinates) {
    case Coordinates::kHalfPixel:
      return true;
    case Coordinates::kPytorchHalfPixel:
      return axis.output > 1;
    case Coordinates::kAlignCorners:
      return axis.scale * static_cast<double>(axis.input) == axis.output;
    default:
      return false;
  }
}

c10::optional<double> AtenScale(const AxisGeometry& axis) {
  if (axis.scale_given) return axis.scale;
  return c10::nullopt;
}

// Runs ATen's upsample kernel over the last `spatial` axes (1 to 3) of x, viewed as [batch, channels, spatial...].
at::Tensor AtenUpsample(const at::Tensor& x, const std::vector<AxisGeometry>& axes, int64_t spatial,
                        const ResizeOptions& options) {
  const int64_t rank = x.dim();
  const int64_t leading = rank - spatial;
  std::vector<int64_t> view_shape;
  view_shape.push_back(leading >= 2 ? c10::multiply_integers(x.sizes().slice(0, leading - 1)) : 1);
  view_shape.push_back(leading >= 1 ? x.size(leading - 1) : 1);
  std::vector<int64_t> output_size;
  std::vector<c10::optional<double>> scales;
  for (int64_t a = leading; a < rank; a++) {
    view_shape.push_back(x.size(a));
    output_size.push_back(axes[static_cast<size_t>(a)].output);
    scales.push_back(AtenScale(axes[static_cast<size_t>(a)]));
  }
  const at::Tensor input = rank == spatial + 2 ? x : x.reshape(view_shape);
  const bool align_corners = options.coordinates == Coordinates::kAlignCorners;
  at::Tensor result;
  if (options.interpolation == Interpolation::kNearest) {
    // Nearest is checked index by index against ATen's no-scale rule, so no scales are passed.
    if (spatial == 1) result = at::upsample_nearest1d(input, output_size);
    if (spatial == 2) result = at::upsample_nearest2d(input, output_size);
    if (spatial == 3) result = at::upsample_nearest3d(input, output_size);
  } else if (options.interpolation == Interpolation::kLinear) {
    if (spatial == 1) result = at::upsample_linear1d(input, output_size, align_corners, scales[0]);
    if (spatial == 2) result = at::upsample_bilinear2d(input, output_size, align_corners, scales[0], scales[1]);
    if (spatial == 3) {
      result = at::upsample_trilinear3d(input, output_size, align_corners, scales[0], scales[1], scales[2]);
    }
  } else {
    result = at::upsample_bicubic2d(input, output_size, align_corners, scales[0], scales[1]);
  }
  if (rank == spatial + 2) return result;
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + leading);
  shape.insert(shape.end(), output_size.begin(), output_size.end());
  return result.reshape(shape);
}

// ATen's kernel for this resize when it computes exactly what ONNX specifies, else nullopt.
std::optional<at::Tensor> TryAtenUpsample(const at::Tensor& x, const std::vector<AxisGeometry>& axes,
                                          const std::vector<AxisTaps>& taps, const std::vector<bool>& identity,
                                          const ResizeOptions& options) {
  const int64_t rank = x.dim();
  const auto dtype = x.scalar_type();
  const bool floating = dtype == at::kFloat || dtype == at::kDouble;
  if (!floating && !(options.interpolation == Interpolation::kNearest && dtype == at::kByte)) return std::nullopt;
  if (options.coordinates == Coordinates::kTfCropAndResize) return std::nullopt;
  if (options.interpolation == Interpolation::kCubic && (options.exclude_outside || options.cubic_a != -0.75)) {
    return std::nullopt;
  }
  int64_t first_resized = rank;
  for (int64_t a = 0; a < rank; a++) {
    if (!identity[static_cast<size_t>(a)]) {
      first_resized = std::min(first_resized, a);
      const auto& axis = axes[static_cast<size_t>(a)];
      const bool matches = options.interpolation == Interpolation::kNearest
                               ? AtenNearestMatches(axis, taps[static_cast<size_t>(a)])
                               : AtenInterpolationMatches(axis, options);
      if (!matches) return std::nullopt;
    }
  }
  const int64_t spatial =
      options.interpolation == Interpolation::kCubic ? 2 : std::max<int64_t>(rank - first_resized, 1);
  if (spatial > 3 || spatial > rank || (options.interpolation == Interpolation::kCubic && rank - first_resized > 2)) {
    return std::nullopt;
  }
  return AtenUpsample(x, axes, spatial, options);
}

// ---- General path --------------------------------------------------------------------------------------

// Shape [n, 1, ..., 1] with `trailing` ones, so a per-position tensor broadcasts along one axis.
std::vector<int64_t> AlongAxis(int64_t n, int64_t trailing) {
  std::vector<int64_t> shape{n};
  shape.insert(shape.end(), static_cast<size_t>(trailing), 1);
  return shape;
}

at::Tensor IndexTensor(const std::vector<int64_t>& values) {
  return at::tensor(at::ArrayRef<int64_t>(values), at::TensorOptions().dtype(at::kLong));
}

// x[..., index, ...] along `axis` (advanced indexing gathers along any axis much faster than index_select).
at::Tensor GatherAxis(const at::Tensor& x, int64_t axis, const at::Tensor& index) {
  c10::List<c10::optional<at::Tensor>> indices;
  for (int64_t a = 0; a < axis; a++) indices.push_back(c10::nullopt);
  indices.push_back(index);
  return at::index(x, indices);
}

// Resamples one axis: y = sum over taps k of weight_k * x[..., index_k, ...] (nearest: just the gather).
at::Tensor ResampleAxis(const at::Tensor& x, int64_t axis, const AxisTaps& taps) {
  const int64_t output = static_cast<int64_t>(taps.outside.size());
  const at::Tensor index = IndexTensor(taps.index).view({output, taps.taps});
  if (taps.taps == 1) return GatherAxis(x, axis, index.view({output}));
  const at::Tensor weight = at::tensor(at::ArrayRef<double>(taps.weight), at::TensorOptions().dtype(at::kDouble))
                                .to(x.scalar_type())
                                .view({output, taps.taps});
  const std::vector<int64_t> along_axis = AlongAxis(output, x.dim() - 1 - axis);
  at::Tensor y;
  for (int64_t k = 0; k < taps.taps; k++) {
    const at::Tensor gathered = GatherAxis(x, axis, index.select(1, k).contiguous());
    const at::Tensor tap_weight = weight.select(1, k).contiguous().view(along_axis);
    y = k == 0 ? gathered.mul_(tap_weight) : y.addcmul_(gathered, tap_weight);
  }
  return y;
}

at::ScalarType ComputeType(at::ScalarType dtype) {
  return dtype == at::kDouble ? at::kDouble : at::kFloat;
}

// Back to an integer type: rounded and saturated to its range.
at::Tensor CastResult(const at::Tensor& y, at::ScalarType dtype) {
  if (y.scalar_type() == dtype) return y;
  if (at::isFloatingType(dtype)) return y.to(dtype);
  if (dtype == at::kBool) return y.ne(0);
  double low = 0, high = 0;
  AT_DISPATCH_INTEGRAL_TYPES(dtype, "resize_cast", [&] {
    low = static_cast<double>(std::numeric_limits<scalar_t>::lowest());
    high = static_cast<double>(std::numeric_limits<scalar_t>::max());
  });
  return at::round(y).clamp_(low, high).to(dtype);
}

at::Tensor ApplyExtrapolation(const at::Tensor& y, const std::vector<AxisTaps>& taps, double value) {
  at::Tensor mask;
  const int64_t rank = y.dim();
  for (int64_t a = 0; a < rank; a++) {
    const auto& axis_taps = taps[static_cast<size_t>(a)];
    if (!axis_taps.any_outside) continue;
    std::vector<uint8_t> flags(axis_taps.outside.begin(), axis_taps.outside.end());
    at::Tensor axis_mask = at::tensor(at::ArrayRef<uint8_t>(flags), at::TensorOptions().dtype(at::kByte))
                               .to(at::kBool)
                               .view(AlongAxis(static_cast<int64_t>(flags.size()), rank - 1 - a));
    mask = mask.defined() ? at::logical_or(mask, axis_mask) : axis_mask;
  }
  if (!mask.defined()) return y;
  return at::where(mask, at::scalar_tensor(value, y.options()), y);
}

at::Tensor Resize(const at::Tensor& x, const std::vector<AxisGeometry>& axes, const ResizeOptions& options) {
  std::vector<int64_t> output_shape;
  for (const auto& axis : axes) {
    if (axis.input == 0 && axis.output > 0) throw OnnxError("cannot resize an empty axis to a non-empty one");
    output_shape.push_back(axis.output);
  }
  CheckAllocation(output_shape, "Resize output");
  if (c10::multiply_integers(output_shape) == 0) return at::empty(output_shape, x.options());

  std::vector<AxisTaps> taps;
  std::vector<bool> identity;
  bool all_identity = true;
  for (const auto& axis : axes) {
    taps.push_back(ComputeTaps(axis, options));
    identity.push_back(IsIdentity(axis, taps.back()));
    all_identity = all_identity && identity.back();
  }
  if (all_identity) return x;
  if (auto fast = TryAtenUpsample(x, axes, taps, identity, options)) return *fast;

  // Axis by axis, the last first (cheapest when upsampling: gathers along inner axes run on the smaller tensor).
  at::Tensor y = options.interpolation == Interpolation::kNearest ? x : x.to(ComputeType(x.scalar_type()));
  for (int64_t a = x.dim() - 1; a >= 0; a--) {
    if (!identity[static_cast<size_t>(a)]) y = ResampleAxis(y, a, taps[static_cast<size_t>(a)]);
  }
  if (options.coordinates == Coordinates::kTfCropAndResize) {
    if (!at::isFloatingType(y.scalar_type())) y = y.to(ComputeType(x.scalar_type()));
    y = ApplyExtrapolation(y, taps, options.extrapolation_value);
  }
  return CastResult(y, x.scalar_type());
}

// ---- Operator front ends ---------------------------------------------------------------------------------

std::vector<double> ToDoubleVector(const at::Tensor& tensor) {
  at::Tensor values = tensor.to(at::kDouble).contiguous().reshape({-1});
  const double* data = values.data_ptr<double>();
  return std::vector<double>(data, data + values.numel());
}

// Axes from scales: output = floor(input * scale * roi length).
std::vector<AxisGeometry> AxesFromScales(const at::Tensor& x, const std::vector<double>& scales,
                                         const std::vector<double>& roi, bool crop) {
  const int64_t rank = x.dim();
  if (static_cast<int64_t>(scales.size()) != rank) {
    throw OnnxError("scales has " + std::to_string(scales.size()) + " values for an input of rank " +
                    std::to_string(rank));
  }
  std::vector<AxisGeometry> axes(static_cast<size_t>(rank));
  for (int64_t a = 0; a < rank; a++) {
    auto& axis = axes[static_cast<size_t>(a)];
    axis.input = x.size(a);
    axis.scale = scales[static_cast<size_t>(a)];
    axis.scale_given = true;
    if (!(axis.scale > 0.0) || !std::isfinite(axis.scale)) throw OnnxError("scales must be positive");
    if (crop) axis.roi_start = roi[static_cast<size_t>(a)], axis.roi_end = roi[static_cast<size_t>(a + rank)];
    const double length = std::floor(static_cast<double>(axis.input) * axis.scale * (axis.roi_end - axis.roi_start));
    if (!(length >= 0.0 && length <= static_cast<double>(kMaxTensorElements))) {
      throw OnnxError("Resize output: dimension " + std::to_string(a) + " would be out of range");
    }
    axis.output = static_cast<int64_t>(length);
  }
  return axes;
}

std::vector<AxisGeometry> AxesFromSizes(const at::Tensor& x, const std::vector<int64_t>& sizes,
                                        const std::vector<double>& roi, bool crop) {
  const int64_t rank = x.dim();
  if (static_cast<int64_t>(sizes.size()) != rank) {
    throw OnnxError("sizes has " + std::to_string(sizes.size()) + " values for an input of rank " +
                    std::to_string(rank));
  }
  CheckAllocation(sizes, "Resize output");
  std::vector<AxisGeometry> axes(static_cast<size_t>(rank));
  for (int64_t a = 0; a < rank; a++) {
    auto& axis = axes[static_cast<size_t>(a)];
    axis.input = x.size(a);
    axis.output = sizes[static_cast<size_t>(a)];
    axis.scale = axis.input == 0 ? 1.0 : static_cast<double>(axis.output) / static_cast<double>(axis.input);
    if (crop) axis.roi_start = roi[static_cast<size_t>(a)], axis.roi_end = roi[static_cast<size_t>(a + rank)];
  }
  return axes;
}

bool Present(const NodeContext& node, size_t i) {
  return node.has_input(i) && node.input(i).numel() > 0;
}

// Resize-11 .. 17: X, roi, scales, sizes.
std::vector<at::Tensor> ResizeWithSizes(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  ResizeOptions options;
  options.interpolation = ParseInterpolation(node.attribute_string("mode", "nearest"), false);
  options.coordinates = ParseCoordinates(node.attribute_string("coordinate_transformation_mode", "half_pixel"));
  options.rounding = ParseRounding(node.attribute_string("nearest_mode", "round_prefer_floor"));
  options.cubic_a = node.attribute_float("cubic_coeff_a", -0.75f);
  options.exclude_outside = node.attribute_int("exclude_outside", 0) != 0;
  options.extrapolation_value = node.attribute_float("extrapolation_value", 0.0f);

  const bool crop = options.coordinates == Coordinates::kTfCropAndResize;
  std::vector<double> roi;
  if (crop && Present(node, 1)) {
    roi = ToDoubleVector(node.input(1));
    if (static_cast<int64_t>(roi.size()) != 2 * x.dim()) throw OnnxError("roi must have 2 * rank values");
  } else if (crop) {
    roi.assign(static_cast<size_t>(x.dim()), 0.0);
    roi.resize(static_cast<size_t>(2 * x.dim()), 1.0);
  }
  const bool has_scales = Present(node, 2);
  const bool has_sizes = Present(node, 3);
  if (has_scales == has_sizes) throw OnnxError("exactly one of scales and sizes must be given");
  const auto axes = has_scales ? AxesFromScales(x, ToDoubleVector(node.input(2)), roi, crop)
                               : AxesFromSizes(x, ToInt64Vector(node.input(3)), roi, crop);
  return {Resize(x, axes, options)};
}

// Resize-10 and Upsample: scales only, asymmetric coordinates, no nearest_mode.
at::Tensor ResizeLegacy(const at::Tensor& x, const std::vector<double>& scales, const std::string& mode) {
  ResizeOptions options;
  options.interpolation = ParseInterpolation(mode, true);
  return Resize(x, AxesFromScales(x, scales, {}, false), options);
}

std::vector<at::Tensor> ResizeWithScalesInput(NodeContext& node) {
  return {ResizeLegacy(node.input(0), ToDoubleVector(node.input(1)), node.attribute_string("mode", "nearest"))};
}

std::vector<at::Tensor> UpsampleWithScalesAttribute(NodeContext& node) {
  const auto floats = node.attribute_floats("scales");
  if (floats.empty()) throw OnnxError("missing attribute 'scales'");
  return {ResizeLegacy(node.input(0), std::vector<double>(floats.begin(), floats.end()),
                       node.attribute_string("mode", "nearest"))};
}

// Upsample-1 (experimental): 4-D input, height_scale and width_scale attributes.
std::vector<at::Tensor> UpsampleWithHeightWidth(NodeContext& node) {
  const at::Tensor& x = node.input(0);
  if (x.dim() != 4) throw OnnxError("Upsample-1 takes a 4-D input");
  const std::vector<double> scales{1.0, 1.0, node.attribute_float("height_scale", 1.0f),
                                   node.attribute_float("width_scale", 1.0f)};
  return {ResizeLegacy(x, scales, node.attribute_string("mode", "nearest"))};
}

}  // namespace

void RegisterResizeOperators(OperatorRegistry& registry) {
  registry.Add("Upsample", 1, 6, UpsampleWithHeightWidth);
  registry.Add("Upsample", 7, 8, UpsampleWithScalesAttribute);
  registry.Add("Upsample", 9, 9, ResizeWithScalesInput);
  registry.Add("Resize", 10, 10, ResizeWithScalesInput);
  registry.Add("Resize", 11, 12, ResizeWithSizes);
  registry.Add("Resize", 13, kMaxOpset, ResizeWithSizes);
}

}  // namespace quarry::ml::onnx
