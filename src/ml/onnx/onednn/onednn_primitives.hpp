// What the ONNX executor's direct oneDNN kernels share (onednn_convolution.cpp, onednn_matmul.cpp): the
// CPU engine, memory descriptions of ATen tensors, a process-wide cache of created primitives, weights
// reordered once into the layout a primitive prefers, and execution with a scratchpad of our own.
//
// Why direct: ATen's oneDNN entry points (at::mkldnn_convolution, at::mkldnn_linear) create the
// primitive descriptor and reorder the weights on every call, which at batch 1 costs as much as the
// convolution itself. Here a primitive is created once per shape (and thread count) and a weight is
// reordered once per layout, so a call only runs the kernel. libtorch links the same libdnnl.so.2
// (Debian's oneDNN 2.6), so both share one oneDNN and its OpenMP threads.
#pragma once

#include <ATen/ATen.h>

#include <dnnl.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <unordered_map>

#include "ml/onnx/kernel.hpp"

namespace quarry::ml::onnx::onednn {

// Whether the direct oneDNN kernels may run: libtorch has oneDNN and its use is enabled
// (at::globalContext().userEnabledMkldnn()), and QUARRY_ONNX_ONEDNN is not "0" (read once; "0" keeps
// ATen's entry points, to compare against).
bool Enabled();

// The CPU engine (one per process).
const dnnl::engine& CpuEngine();

// The float32 memory description of `tensor` with its sizes and strides (any strides; rank 1 to 12).
dnnl::memory::desc DescribeTensor(const at::Tensor& tensor);

// A float32 description of `dims` in the plain layout `tag`.
dnnl::memory::desc DescribePlain(const dnnl::memory::dims& dims, dnnl::memory::format_tag tag);

// A string that tells memory layouts apart exactly (data type, dimensions, blocking), for cache keys.
std::string LayoutKey(const dnnl::memory::desc& desc);

// `dims` as text ("1x3x224x224"), for cache keys.
std::string DimsKey(const dnnl::memory::dims& dims);

// The data of `source`, described by `source_layout`, reordered into `layout`: computed once and reused
// while `source` (a model's weight) lives unchanged (CachedDerivation); a byte tensor with room for it.
at::Tensor ReorderedConstant(const at::Tensor& source, const dnnl::memory::desc& source_layout,
                             const dnnl::memory::desc& layout);

// A number no other Prepared has had (for Execute's memory objects kept per primitive).
uint64_t NextPreparedId();

// A created primitive and the layouts it was created for.
struct Prepared {
  dnnl::primitive primitive;
  dnnl::memory::desc scratchpad;
  std::unordered_map<int, dnnl::memory::desc> layouts;  // by DNNL_ARG_*
  uint64_t id = NextPreparedId();                       // copies share it: they have the same layouts

  const dnnl::memory::desc& layout(int argument) const { return layouts.at(argument); }
};

// The primitive cached under `key` (everything its creation depends on; the thread count is added here:
// oneDNN sizes its work by the OpenMP threads of the calling thread), created by `make` on a miss;
// nullptr (also cached) when oneDNN has no implementation for it (`make` threw dnnl::error).
// Thread-safe; keeps the thousand most recently used.
std::shared_ptr<const Prepared> CachedPrimitive(const std::string& key, const std::function<Prepared()>& make);

// Multiply-adds under which a primitive runs on the calling thread alone: waking the other OpenMP
// threads for less costs more than they save (Silero VAD, all of whose products and convolutions are
// smaller, took 0.23 ms a call on two threads and 0.15 ms on one; at 2^18 its short-time Fourier transform,
// a convolution of 264,000 multiply-adds, still went to two threads and took 17 µs there against 9 on one:
// waking a thread costs ~8 µs here, so splitting pays from ~500,000 multiply-adds on).
inline constexpr int64_t kOneThreadMaxWork = int64_t{1} << 19;

// While it lives, the calling thread's OpenMP regions use one thread when `work` (multiply-adds) is under
// kOneThreadMaxWork; create it before CachedPrimitive (primitives are made per thread count).
class SmallWorkOnOneThread {
 public:
  explicit SmallWorkOnOneThread(int64_t work);
  ~SmallWorkOnOneThread();
  SmallWorkOnOneThread(const SmallWorkOnOneThread&) = delete;
  SmallWorkOnOneThread& operator=(const SmallWorkOnOneThread&) = delete;

 private:
  int restore_ = 0;  // the thread count to set back; 0: nothing was changed
};

// Primitive attributes with the user-provided scratchpad every primitive here is created with.
dnnl::primitive_attr ScratchpadAttributes();

// Appends `activation` to `post_operations` as oneDNN's eltwise post-operation (nothing for kNone, nor for the
// activations FinishActivation computes: pass PostOperationOf(activation)).
void AppendActivation(dnnl::post_ops& post_operations, FusedActivation activation);

// The part of a fused `activation` a primitive computes as its post-operation, and the part run after it on
// the output (FinishActivation): SiLU and GELU run after, as passes of the executor's own (vector_activations.hpp),
// since oneDNN's swish and gelu_erf post-operations cost about twice as much; the others run as post-operations.
FusedActivation PostOperationOf(FusedActivation activation);
void FinishActivation(at::Tensor& output, FusedActivation activation);

// One argument of a primitive's run: its DNNL_ARG_* and its data, in the layout the primitive was created for
// (Prepared::layout).
struct Argument {
  int id;
  const void* data;
};

// Runs `prepared` on `arguments`, with a scratchpad allocated for this call, and waits for it. The oneDNN memory
// objects over the data are kept per thread and primitive and pointed at each call's data (making one costs
// ~0.2 µs, as much as all the work of a small primitive; Silero's VAD made some fifty per call).
void Execute(const Prepared& prepared, std::initializer_list<Argument> arguments);

// Copies the data at `from` in `from_layout` to `to` in `to_layout` (the same dimensions), with a reorder
// primitive created once per pair of layouts.
void Reorder(const dnnl::memory::desc& from_layout, const void* from, const dnnl::memory::desc& to_layout, void* to);

}  // namespace quarry::ml::onnx::onednn
