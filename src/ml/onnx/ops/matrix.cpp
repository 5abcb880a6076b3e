// ONNX operators: matrix family — Gemm, MatMul, Einsum and the quantized MatMulInteger and QLinearMatMul
// (see ml/onnx/kernel.hpp for the kernel interface).
//
// The plan fuses a MatMul by a constant matrix and the constant bias added to it into one step
// (quarry.fused.MatMulAdd). float32 products of some size run on oneDNN (onednn/: inner products with
// weights packed once, batched matmul primitives for stacks), as optimized TorchScript runs
// torch.nn.Linear: ATen's own at::mm / at::matmul call the system BLAS, and Debian's libtorch links the
// reference BLAS, 10 to 40 times slower. Other types and small products use ATen (at::addmm,
// at::matmul).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/onednn/onednn_matmul.hpp"
#include "ml/onnx/onednn/onednn_primitives.hpp"
#include "ml/onnx/ops/conv_util.hpp"

namespace quarry::ml::onnx {

namespace {

// Products with fewer multiply-adds than this stay with ATen (oneDNN's fixed cost, ~2 µs, would dominate;
// ATen's products run on the system's BLAS, on Debian the reference one at ~2 multiply-adds per ns).
constexpr int64_t kOneDnnMinimumWork = int64_t{1} << 12;

// Whether oneDNN computes a product of `a` and `b` with `work` multiply-adds.
bool UseOneDnn(const at::Tensor& a, const at::Tensor& b, int64_t work) {
  return work >= kOneDnnMinimumWork && a.scalar_type() == at::kFloat && b.scalar_type() == at::kFloat &&
         at::hasMKLDNN() && at::globalContext().userEnabledMkldnn();
}

// a (M, K) times the weight, plus bias (N) when defined, on oneDNN; dense (M, N). `weight` is (N, K) when
// `weight_is_output_major`, else (K, N): the node's tensor itself, so its converted layouts are cached.
at::Tensor InnerProduct(const at::Tensor& a, const at::Tensor& weight, bool weight_is_output_major,
                        const at::Tensor& bias) {
  if (onednn::Enabled()) {
    at::Tensor y = onednn::InnerProduct(a, weight, weight_is_output_major, bias);
    if (y.defined()) return y;
  }
  const at::Tensor output_major =
      weight_is_output_major ? weight.contiguous()
                             : CachedDerivation(weight, "transposed", [&weight] { return weight.t().contiguous(); });
  return at::mkldnn_linear(a.contiguous().to_mkldnn(), output_major, bias).to_dense();
}

// numpy.matmul(a, b) (ONNX MatMul); float32 products on oneDNN: a matrix b as one inner product over all
// of a's rows, stacks of matrices as one batched product (or one inner product a matrix where oneDNN's
// batched product does not take them).
at::Tensor MatrixProduct(const at::Tensor& a, const at::Tensor& b) {
  if (a.dim() < 1 || b.dim() < 2 || a.size(-1) != b.size(-2)) return at::matmul(a, b);
  const int64_t k = b.size(-2), n = b.size(-1);
  if (b.dim() == 2) {
    const int64_t rows = k == 0 ? 0 : a.numel() / k;
    if (!UseOneDnn(a, b, rows * k * n)) return at::matmul(a, b);
    std::vector<int64_t> shape(a.sizes().begin(), a.sizes().end() - 1);
    shape.push_back(n);
    return InnerProduct(a.reshape({rows, k}), b, false, at::Tensor()).reshape(shape);
  }
  if (a.dim() < 2) return at::matmul(a, b);
  const int64_t m = a.size(-2);
  if (!UseOneDnn(a, b, m * k * n)) return at::matmul(a, b);
  if (onednn::Enabled()) {
    at::Tensor y = onednn::BatchedMatMul(a, b);
    if (y.defined()) return y;
  }
  std::vector<int64_t> batch = at::infer_size(a.sizes().slice(0, a.dim() - 2), b.sizes().slice(0, b.dim() - 2));
  std::vector<int64_t> a_shape = batch, b_shape = batch;
  a_shape.insert(a_shape.end(), {m, k});
  b_shape.insert(b_shape.end(), {k, n});
  CheckAllocation(a_shape, "MatMul operand");
  CheckAllocation(b_shape, "MatMul operand");
  const at::Tensor stacked_a = a.expand(a_shape).reshape({-1, m, k});
  const at::Tensor stacked_weights = b.expand(b_shape).reshape({-1, k, n}).transpose(1, 2).contiguous();
  std::vector<at::Tensor> products;
  products.reserve(static_cast<size_t>(stacked_a.size(0)));
  for (int64_t i = 0; i < stacked_a.size(0); i++) {
    products.push_back(InnerProduct(stacked_a[i], stacked_weights[i], true, at::Tensor()));
  }
  std::vector<int64_t> shape = batch;
  shape.insert(shape.end(), {m, n});
  return at::stack(products).reshape(shape);
}

// A Gemm coefficient as the scalar ATen accepts for `type` (integral tensors take integral scalars).
at::Scalar Coefficient(double value, at::ScalarType type) {
  if (at::isIntegralType(type, /*includeBool=*/false)) return at::Scalar(static_cast<int64_t>(std::llround(value)));
  return at::Scalar(value);
}

// Gemm on oneDNN: alpha * a (M, K) * weight + beta * c (when defined, broadcast to (M, N)), the weight
// (N, K) when `weight_is_output_major`, else (K, N); a bias row with alpha = beta = 1 (torch.nn.Linear)
// goes into the inner product.
at::Tensor GemmOnOneDnn(const at::Tensor& a, const at::Tensor& weight, bool weight_is_output_major, const at::Tensor& c,
                        double alpha, double beta) {
  const int64_t n = weight.size(weight_is_output_major ? 0 : 1);
  const bool bias_row = c.defined() && alpha == 1 && beta == 1 && c.scalar_type() == at::kFloat && c.dim() >= 1 &&
                        c.dim() <= 2 && c.numel() == n && c.size(-1) == n;
  at::Tensor y = InnerProduct(a, weight, weight_is_output_major, bias_row ? c.reshape({n}) : at::Tensor());
  if (alpha != 1) y.mul_(alpha);
  if (c.defined() && !bias_row) y.add_(c, beta);
  return y;
}

// Y = alpha * A' * B' + beta * C, A' and B' optionally transposed, C optional and broadcast to (M, N).
std::vector<at::Tensor> Gemm(NodeContext& node) {
  const at::ScalarType type = node.input(0).scalar_type();
  at::Tensor a = ToCpuComputeType(node.input(0));
  const at::Tensor b_input = ToCpuComputeType(node.input(1));
  if (a.dim() != 2 || b_input.dim() != 2) throw OnnxError("A and B must be matrices");
  if (node.attribute_int("transA", 0) != 0) a = a.t();
  const bool transpose_b = node.attribute_int("transB", 0) != 0;
  const at::Tensor b = transpose_b ? b_input.t() : b_input;  // (K, N)
  const double alpha = node.attribute_float("alpha", 1.0f);
  const double beta = node.attribute_float("beta", 1.0f);
  const at::Tensor c = node.has_input(2) && beta != 0 ? ToCpuComputeType(node.input(2)) : at::Tensor();
  if (a.size(1) == b.size(0) && UseOneDnn(a, b, a.size(0) * a.size(1) * b.size(1))) {
    return {GemmOnOneDnn(a, b_input, transpose_b, c, alpha, beta).to(type)};
  }
  const at::ScalarType compute_type = a.scalar_type();
  at::Tensor y;
  if (c.defined()) {
    y = at::addmm(c, a, b, Coefficient(beta, compute_type), Coefficient(alpha, compute_type));
  } else {
    y = at::mm(a, b);
    if (alpha != 1) y.mul_(Coefficient(alpha, compute_type));
  }
  return {y.to(type)};
}

std::vector<at::Tensor> MatMul(NodeContext& node) {
  const at::Tensor& a = node.input(0);
  return {MatrixProduct(ToCpuComputeType(a), ToCpuComputeType(node.input(1))).to(a.scalar_type())};
}

// The plan's fusion of Add(MatMul(a, W), bias) for a constant matrix W (K, N) and a constant bias of N
// values (graph_fusion.cpp), with its fused activation: one inner product with the bias (and the
// activation) applied as it writes its output, as ONNX Runtime's MatMul+BiasGelu.
std::vector<at::Tensor> FusedMatMulAdd(NodeContext& node) {
  const at::Tensor& a = node.input(0);
  const at::Tensor& w = node.input(1);
  const at::Tensor& bias = node.input(2);
  const FusedActivation activation = node.activation();
  const int64_t k = w.size(0), n = w.size(1);
  const int64_t rows = a.dim() >= 1 && k > 0 ? a.numel() / k : 0;
  if (a.dim() >= 1 && a.size(-1) == k && bias.dim() <= a.dim() && UseOneDnn(a, w, rows * k * n) && onednn::Enabled()) {
    at::Tensor y = onednn::InnerProduct(a.reshape({rows, k}), w, false, bias.reshape({n}), activation);
    if (y.defined()) {
      std::vector<int64_t> shape(a.sizes().begin(), a.sizes().end() - 1);
      shape.push_back(n);
      return {y.reshape(shape)};
    }
  }
  at::Tensor y = at::add(MatrixProduct(ToCpuComputeType(a), w), bias).to(a.scalar_type());
  ApplyActivationInPlace(y, activation);
  return {y};
}

std::vector<at::Tensor> Einsum(NodeContext& node) {
  std::string equation = node.attribute_string("equation", "");
  equation.erase(std::remove_if(equation.begin(), equation.end(), [](unsigned char c) { return std::isspace(c); }),
                 equation.end());
  if (equation.empty()) throw OnnxError("equation is required");
  std::vector<at::Tensor> operands;
  for (size_t i = 0; i < node.input_count(); i++) operands.push_back(ToCpuComputeType(node.input(i)));
  if (operands.empty()) throw OnnxError("Einsum needs at least one input");
  return {at::einsum(equation, operands).to(node.input(0).scalar_type())};
}

// MatMulInteger: (A - a_zero_point) * (B - b_zero_point) in int32; A's zero point per row, B's per column.
std::vector<at::Tensor> MatMulInteger(NodeContext& node) {
  const at::Tensor a = SubtractZeroPoint(node.input(0), OptionalInput(node, 2), -2);
  const at::Tensor b = SubtractZeroPoint(node.input(1), OptionalInput(node, 3), -1);
  return {at::matmul(a, b)};
}

// QLinearMatMul: inputs a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
std::vector<at::Tensor> QLinearMatMul(NodeContext& node) {
  const at::Tensor a = SubtractZeroPoint(node.input(0), node.input(2), -2);
  const at::Tensor b = SubtractZeroPoint(node.input(3), node.input(5), -1);
  const at::Tensor accumulator = at::matmul(a, b);
  const int64_t rank = accumulator.dim();
  const at::Tensor scale = BroadcastAlongAxis(node.input(1).to(at::kFloat), rank, -2) *
                           BroadcastAlongAxis(node.input(4).to(at::kFloat), rank, -1) /
                           node.input(6).to(at::kFloat).reshape({});
  return {Requantize(accumulator, scale, node.input(7))};
}

}  // namespace

void RegisterMatrixOperators(OperatorRegistry& registry) {
  registry.Add("Gemm", 1, kMaxOpset, Gemm);
  registry.Add("MatMul", 1, kMaxOpset, MatMul);
  registry.Add("MatMulAdd", 1, kMaxOpset, FusedMatMulAdd, kFusedDomain).applies_fused_activation = true;
  registry.Add("Einsum", 12, kMaxOpset, Einsum);
  registry.Add("MatMulInteger", 10, kMaxOpset, MatMulInteger);
  registry.Add("QLinearMatMul", 10, kMaxOpset, QLinearMatMul);
}

}  // namespace quarry::ml::onnx
