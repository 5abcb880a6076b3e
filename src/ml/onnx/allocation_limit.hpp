// The backstop behind "never allocates without bound": a cap on the size of any one ATen CPU allocation
// in the process. Kernels check shapes they compute from data (CheckAllocation) for a clear message;
// this cap catches the rest (a broadcast, a matrix product or a convolution of hostile constants
// folded at load), turning it into an error instead of an out-of-memory kill.
#pragma once

#include <cstddef>

namespace quarry::ml::onnx {

// The default cap: 8 GiB, above any tensor a real model on this class of machine makes.
inline constexpr size_t kDefaultAllocationLimitBytes = size_t{8} << 30;

// Wraps ATen's CPU allocator (once per process) so an allocation of more than `max_bytes` throws a
// c10::Error; later calls change the cap.
void InstallAllocationLimit(size_t max_bytes);
// Installs the default cap unless a cap is installed already (loading an ONNX model calls it).
void EnsureAllocationLimit();

}  // namespace quarry::ml::onnx
