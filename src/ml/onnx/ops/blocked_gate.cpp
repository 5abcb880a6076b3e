// Mul in the blocked layout (onednn/blocked_layout.hpp): an activation x (N, C, H, W) times a gate of one value per
// sample and channel, (N, C, 1, 1) or (1, C, 1, 1), in either order — the squeeze-and-excitation of
// EfficientNet and MobileNetV3, between convolutions that keep x blocked. One pass over x, into x's own memory
// when this is its last use. Any other Mul with a blocked operand runs as usual on plain copies of its operands.
#include <ATen/Parallel.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "ml/onnx/onednn/blocked_layout.hpp"
#include "ml/onnx/ops/elementwise_util.hpp"

namespace quarry::ml::onnx {

namespace {

// Work items (a sample's block of channels over the whole picture) are grouped to about this many values.
constexpr int64_t kValuesPerTask = 16384;

// to[position, lane] = from[position, lane] * scale[lane] over one work item of `block` lanes a position (from may
// be to): one vector multiply a position where the CPU's vectors hold a block.
template <int64_t block>
[[gnu::always_inline]] inline void ScaleBlock(const float* from, const float* scale, int64_t positions, float* to) {
  float lanes[block];
  for (int64_t lane = 0; lane < block; lane++) lanes[lane] = scale[lane];
  for (int64_t position = 0; position < positions; position++) {
#pragma GCC ivdep
    for (int64_t lane = 0; lane < block; lane++)
      to[position * block + lane] = from[position * block + lane] * lanes[lane];
  }
}

[[gnu::target("avx512f")]] void ScaleBlock16(const float* from, const float* scale, int64_t positions, float* to) {
  ScaleBlock<16>(from, scale, positions, to);
}

[[gnu::target("avx2")]] void ScaleBlock8(const float* from, const float* scale, int64_t positions, float* to) {
  ScaleBlock<8>(from, scale, positions, to);
}

// out = x * rows over blocked x (samples, blocks, H, W, block) and gate rows of blocks * block values (one row for
// every sample, or one a sample).
void ScaleChannels(const at::Tensor& x, const at::Tensor& rows, at::Tensor& out) {
  const int64_t samples = x.size(0), blocks = x.size(1), positions = x.size(2) * x.size(3), block = x.size(4);
  const bool one_row = rows.size(0) == 1;
  const float* from = x.data_ptr<float>();
  const float* gate = rows.data_ptr<float>();
  float* to = out.data_ptr<float>();
  const int64_t grain = std::max<int64_t>(1, kValuesPerTask / (positions * block));
  at::parallel_for(0, samples * blocks, grain, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; item++) {
      const float* scale = gate + (one_row ? 0 : item / blocks * blocks * block) + item % blocks * block;
      const int64_t offset = item * positions * block;
      if (block == 16) {
        ScaleBlock16(from + offset, scale, positions, to + offset);
      } else {
        ScaleBlock8(from + offset, scale, positions, to + offset);
      }
    }
  });
}

// The gate g as rows of `padded` values (zero past its `channels`): blocked data already is; a plain (rows, C, 1, 1)
// float32 tensor is copied so. Undefined when g is not a gate for `samples` x `channels`.
at::Tensor GateRows(const at::Tensor& g, int64_t g_blocked, int64_t samples, int64_t channels, int64_t padded) {
  if (g_blocked > 0) {
    if (g_blocked != channels || g.size(2) != 1 || g.size(3) != 1) return at::Tensor();
    if (g.size(0) != samples && g.size(0) != 1) return at::Tensor();
    return g.reshape({g.size(0), padded});
  }
  if (g.scalar_type() != at::kFloat || g.dim() != 4 || g.size(1) != channels || g.size(2) != 1 || g.size(3) != 1) {
    return at::Tensor();
  }
  if (g.size(0) != samples && g.size(0) != 1) return at::Tensor();
  at::Tensor rows = at::zeros({g.size(0), padded}, at::kFloat);
  rows.narrow(1, 0, channels).copy_(g.reshape({g.size(0), channels}));
  return rows;
}

// x (input `big`, blocked) times the gate (the other input), or nothing when the operands are not so.
std::optional<at::Tensor> MultiplyByGate(NodeContext& node, size_t big) {
  const int64_t channels = node.blocked_channels(big);
  if (channels == 0) return std::nullopt;
  const at::Tensor& x = node.input(big);
  const size_t small = 1 - big;
  const int64_t samples = x.size(0), padded = x.size(1) * x.size(4);
  const at::Tensor rows = GateRows(node.input(small), node.blocked_channels(small), samples, channels, padded);
  if (!rows.defined()) return std::nullopt;
  at::Tensor out = node.input_is_exclusive(big) ? x : at::empty_like(x);
  ScaleChannels(x, rows.contiguous(), out);
  if (!node.may_block_output()) return onednn::ToPlain(out, channels);
  node.set_output_blocked(channels);
  return out;
}

}  // namespace

Kernel WithBlockedGate(Kernel plain) {
  return [plain](NodeContext& node) -> std::vector<at::Tensor> {
    if (node.blocked_channels(0) == 0 && node.blocked_channels(1) == 0) return plain(node);
    for (size_t big = 0; big < 2; big++) {
      if (auto product = MultiplyByGate(node, big)) return {*product};
    }
    std::vector<at::Tensor> inputs;
    for (size_t i = 0; i < node.input_count(); i++) {
      const int64_t channels = node.blocked_channels(i);
      inputs.push_back(channels > 0 ? onednn::ToPlain(node.input(i), channels) : node.input(i));
    }
    NodeContext plain_node(node.proto(), node.opset(), std::move(inputs), nullptr, node.activation(), node.memo());
    return plain(plain_node);
  };
}

}  // namespace quarry::ml::onnx
