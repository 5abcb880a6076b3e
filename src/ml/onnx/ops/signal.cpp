// ONNX operators: signal processing (opset 17). DFT and STFT on ATen's FFTs (pocketfft), the cosine-sum
// windows HannWindow, HammingWindow and BlackmanWindow, and MelWeightMatrix. ONNX signals carry real and
// complex values in a trailing axis of size 1 (real) or 2 (real, imaginary); results are complex, [..., 2].
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/ops/elementwise_util.hpp"

namespace quarry::ml::onnx {
namespace {

// An ONNX signal [..., 1] or [..., 2] as a real or complex ATen tensor without the trailing axis
// (16-bit floats widened to float32).
at::Tensor SignalValues(const at::Tensor& signal) {
  if (signal.dim() < 2 || (signal.size(-1) != 1 && signal.size(-1) != 2)) {
    throw OnnxError("the signal's last axis must hold 1 (real) or 2 (complex) values");
  }
  if (!at::isFloatingType(signal.scalar_type())) throw OnnxError("the signal must hold floating-point values");
  const at::Tensor values = WidenHalfPrecision(signal);
  if (values.size(-1) == 1) return values.squeeze(-1);
  return at::view_as_complex(values.contiguous());
}

// A complex ATen result as an ONNX signal [..., 2] of `type`.
at::Tensor SignalFromComplex(const at::Tensor& spectrum, at::ScalarType type) {
  return at::view_as_real(spectrum).to(type);
}

// The value of an optional scalar integer input, or `fallback`.
int64_t OptionalScalarInput(const NodeContext& node, size_t i, int64_t fallback) {
  if (!node.has_input(i)) return fallback;
  const at::Tensor& value = node.input(i);
  if (value.numel() != 1 || at::isFloatingType(value.scalar_type())) throw OnnxError("expected an integer scalar");
  return value.to(at::kLong).reshape({}).item<int64_t>();
}

// The transform of `values` (real or complex) along `axis`, zero-padded or cut to `length`. A one-sided
// transform keeps the first length / 2 + 1 bins (a real-input FFT when the input is real).
at::Tensor Transform(const at::Tensor& values, int64_t axis, int64_t length, bool inverse, bool onesided) {
  if (onesided && !inverse && !values.is_complex()) return at::fft_rfft(values, length, axis);
  const at::Tensor spectrum = inverse ? at::fft_ifft(values, length, axis) : at::fft_fft(values, length, axis);
  return onesided ? spectrum.narrow(axis, 0, length / 2 + 1) : spectrum;
}

std::vector<at::Tensor> DFT(NodeContext& node) {
  const at::Tensor& signal = node.input(0);
  const at::Tensor values = SignalValues(signal);
  int64_t axis = node.attribute_int("axis", 1);
  if (axis < 0) axis += signal.dim();
  if (axis < 0 || axis > signal.dim() - 2) throw OnnxError("axis " + std::to_string(axis) + " is not a signal axis");
  const int64_t length = OptionalScalarInput(node, 1, values.size(axis));
  if (length < 1) throw OnnxError("dft_length must be positive");
  std::vector<int64_t> shape(signal.sizes().begin(), signal.sizes().end());
  shape[axis] = length;
  CheckAllocation(shape, "DFT");
  const bool inverse = node.attribute_int("inverse", 0) != 0;
  const bool onesided = node.attribute_int("onesided", 0) != 0;
  return {SignalFromComplex(Transform(values, axis, length, inverse, onesided), signal.scalar_type())};
}

// STFT: the DFTs of frames of frame_length samples (or the window's length) every frame_step samples,
// each multiplied by the window when one is given. Output [batch, frames, bins, 2].
std::vector<at::Tensor> STFT(NodeContext& node) {
  const at::Tensor& signal = node.input(0);
  const at::Tensor values = SignalValues(signal);
  if (values.dim() != 2) throw OnnxError("the signal must have shape [batch, length, 1 or 2]");
  const int64_t step = OptionalScalarInput(node, 1, 0);
  if (step < 1) throw OnnxError("frame_step must be positive");
  at::Tensor window;
  if (node.has_input(2)) {
    window = WidenHalfPrecision(node.input(2));
    if (window.dim() != 1) throw OnnxError("the window must be 1-D");
  }
  const int64_t length = OptionalScalarInput(node, 3, window.defined() ? window.size(0) : 0);
  if (length < 1) throw OnnxError("frame_length (or a window) must give a positive frame length");
  if (window.defined() && window.size(0) != length) throw OnnxError("the window's length is not frame_length");
  if (length > values.size(1)) throw OnnxError("the signal is shorter than one frame");
  at::Tensor frames = values.unfold(1, length, step);  // [batch, frames, length]
  if (window.defined()) frames = frames.mul(window.to(c10::toRealValueType(values.scalar_type())));
  const bool onesided = node.attribute_int("onesided", 1) != 0;
  return {SignalFromComplex(Transform(frames, -1, length, false, onesided), signal.scalar_type())};
}

// The coefficients of a window a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N).
struct CosineSum {
  double a0, a1, a2;
};

// A window of `size` points (input 0) as output_datatype; N is size when periodic, size - 1 when symmetric.
std::vector<at::Tensor> CosineSumWindow(const NodeContext& node, CosineSum coefficients) {
  const int64_t size = OptionalScalarInput(node, 0, 0);
  CheckAllocation({size}, node.op_type());
  const at::ScalarType type = ScalarTypeFromOnnx(static_cast<int32_t>(node.attribute_int("output_datatype", 1)));
  const bool periodic = node.attribute_int("periodic", 1) != 0;
  const int64_t period = periodic ? size : size - 1;
  if (period < 1) return {at::ones({size}, at::kFloat).to(type)};  // one point (or none)
  const at::Tensor angle = at::arange(size, at::kFloat).mul_(2 * M_PI / static_cast<double>(period));
  at::Tensor window = at::cos(angle).mul_(-coefficients.a1).add_(coefficients.a0);
  if (coefficients.a2 != 0) window.add_(at::cos(angle.mul(2)).mul_(coefficients.a2));
  return {window.to(type)};
}

// The mel scale: mel(f) = 2595 log10(1 + f / 700), and back.
double HertzToMel(double hertz) {
  return 2595.0 * std::log10(1.0 + hertz / 700.0);
}
double MelToHertz(double mel) {
  return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

// MelWeightMatrix: [dft_length / 2 + 1, num_mel_bins] triangular filters with peaks of 1, spaced evenly on
// the mel scale between lower_edge_hertz and upper_edge_hertz (as the ONNX reference computes them).
std::vector<at::Tensor> MelWeightMatrix(NodeContext& node) {
  const int64_t mel_bins = OptionalScalarInput(node, 0, 0);
  const int64_t dft_length = OptionalScalarInput(node, 1, 0);
  const int64_t sample_rate = OptionalScalarInput(node, 2, 0);
  if (mel_bins < 1 || dft_length < 1 || sample_rate < 1) {
    throw OnnxError("num_mel_bins, dft_length and sample_rate must be positive");
  }
  const int64_t spectrogram_bins = dft_length / 2 + 1;
  CheckAllocation({spectrogram_bins, mel_bins}, "MelWeightMatrix");
  const double low_mel = HertzToMel(ToScalar(node.input(3)));
  const double high_mel = HertzToMel(ToScalar(node.input(4)));
  const double mel_step = (high_mel - low_mel) / static_cast<double>(mel_bins + 2);
  std::vector<int64_t> edges(mel_bins + 2);  // spectrogram bin of each filter's left, center and right
  for (int64_t i = 0; i < mel_bins + 2; i++) {
    const double hertz = MelToHertz(static_cast<double>(i) * mel_step + low_mel);
    const double bin = std::floor(static_cast<double>(dft_length + 1) * hertz / static_cast<double>(sample_rate));
    if (!std::isfinite(bin)) throw OnnxError("the frequency edges must be finite");
    edges[i] = static_cast<int64_t>(std::clamp(bin, -1e15, 1e15));
  }
  at::Tensor output = at::zeros({spectrogram_bins, mel_bins}, at::kDouble);
  auto weights = output.accessor<double, 2>();
  const auto last_bin = [&](int64_t bin) { return std::min(bin, spectrogram_bins - 1); };
  for (int64_t i = 0; i < mel_bins; i++) {
    const int64_t left = edges[i], center = edges[i + 1], right = edges[i + 2];
    if (center > left) {  // rising edge, left to center
      for (int64_t j = std::max<int64_t>(left, 0); j <= last_bin(center); j++) {
        weights[j][i] = static_cast<double>(j - left) / static_cast<double>(center - left);
      }
    } else if (center >= 0 && center < spectrogram_bins) {
      weights[center][i] = 1.0;
    }
    for (int64_t j = std::max<int64_t>(center, 0); j <= last_bin(right - 1); j++) {  // falling edge
      weights[j][i] = static_cast<double>(right - j) / static_cast<double>(right - center);
    }
  }
  return {output.to(ScalarTypeFromOnnx(static_cast<int32_t>(node.attribute_int("output_datatype", 1))))};
}

}  // namespace

void RegisterSignalOperators(OperatorRegistry& registry) {
  registry.Add("DFT", 17, kMaxOpset, DFT);
  registry.Add("STFT", 17, kMaxOpset, STFT);
  registry.Add("HannWindow", 17, kMaxOpset, [](NodeContext& node) { return CosineSumWindow(node, {0.5, 0.5, 0}); });
  registry.Add("HammingWindow", 17, kMaxOpset, [](NodeContext& node) {
    return CosineSumWindow(node, {25.0 / 46, 21.0 / 46, 0});
  });
  registry.Add("BlackmanWindow", 17, kMaxOpset, [](NodeContext& node) {
    return CosineSumWindow(node, {0.42, 0.5, 0.08});
  });
  registry.Add("MelWeightMatrix", 17, kMaxOpset, MelWeightMatrix);
}

}  // namespace quarry::ml::onnx
