// The blocked activation layout (see blocked_layout.hpp).
#include "ml/onnx/onednn/blocked_layout.hpp"

#include <vector>

#include "ml/onnx/onednn/onednn_primitives.hpp"

namespace quarry::ml::onnx::onednn {

int64_t ChannelBlock() {
  static const int64_t block = __builtin_cpu_supports("avx512f") ? 16 : 8;
  return block;
}

std::array<int64_t, 4> BlockedSizes(const at::Tensor& data, int64_t channels) {
  return {data.size(0), channels, data.size(2), data.size(3)};
}

dnnl::memory::desc BlockedLayout(const std::array<int64_t, 4>& sizes) {
  return DescribePlain(dnnl::memory::dims(sizes.begin(), sizes.end()),
                       ChannelBlock() == 16 ? dnnl::memory::format_tag::nChw16c : dnnl::memory::format_tag::nChw8c);
}

at::Tensor EmptyBlocked(const std::array<int64_t, 4>& sizes) {
  const int64_t block = ChannelBlock();
  return at::empty({sizes[0], (sizes[1] + block - 1) / block, sizes[2], sizes[3], block}, at::kFloat);
}

at::Tensor ToBlocked(const at::Tensor& plain) {
  const std::array<int64_t, 4> sizes = {plain.size(0), plain.size(1), plain.size(2), plain.size(3)};
  at::Tensor blocked = EmptyBlocked(sizes);
  Reorder(DescribeTensor(plain), plain.data_ptr(), BlockedLayout(sizes), blocked.data_ptr());
  return blocked;
}

at::Tensor ToPlain(const at::Tensor& blocked, int64_t channels) {
  const std::array<int64_t, 4> sizes = BlockedSizes(blocked, channels);
  at::Tensor plain = at::empty(std::vector<int64_t>(sizes.begin(), sizes.end()),
                               at::TensorOptions(at::kFloat).memory_format(at::MemoryFormat::ChannelsLast));
  Reorder(BlockedLayout(sizes), blocked.data_ptr(), DescribeTensor(plain), plain.data_ptr());
  return plain;
}

}  // namespace quarry::ml::onnx::onednn
