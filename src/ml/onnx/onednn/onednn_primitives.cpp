// Shared pieces of the direct oneDNN kernels (see onednn_primitives.hpp).
#include "ml/onnx/onednn/onednn_primitives.hpp"

#include <omp.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>
#include <utility>
#include <vector>

#include "ml/onnx/ops/conv_util.hpp"
#include "ml/onnx/vector_activations.hpp"

namespace quarry::ml::onnx::onednn {

namespace {

// Primitives kept: a model's convolutions and products at a few batch sizes each; the least recently
// used go first (each holds its generated code, tens of kilobytes).
constexpr size_t kPrimitiveCapacity = 1024;

struct PrimitiveCache {
  std::mutex mutex;
  std::list<std::pair<std::string, std::shared_ptr<const Prepared>>> recent;  // most recent first
  std::unordered_map<std::string, decltype(recent)::iterator> by_key;
};

PrimitiveCache& Primitives() {
  static PrimitiveCache* cache = new PrimitiveCache();  // never destroyed: kernels may run at exit
  return *cache;
}

// A memory object over `data` (not owned) in `layout`.
dnnl::memory Wrap(const dnnl::memory::desc& layout, const void* data) {
  // oneDNN takes a non-const handle; the primitives here only read their inputs.
  return dnnl::memory(layout, CpuEngine(), const_cast<void*>(data));
}

// The memory objects this thread ran each primitive with, by Prepared::id and DNNL_ARG_*: the next run only points
// them at its data. Emptied, between runs, when it holds more than kMemoryEntries primitives' (those of models no
// longer run).
class ThreadMemories {
 public:
  // Before a run's first Over (never between two: the handles Over gave must outlive the run).
  void Trim() {
    if (by_primitive_.size() > kMemoryEntries) by_primitive_.clear();
  }

  dnnl_memory_t Over(const Prepared& prepared, int argument, const dnnl::memory::desc& layout, const void* data) {
    auto& memories = by_primitive_[prepared.id];
    for (auto& [id, memory] : memories) {
      if (id == argument) {
        memory.set_data_handle(const_cast<void*>(data));
        return memory.get();
      }
    }
    memories.emplace_back(argument, Wrap(layout, data));
    return memories.back().second.get();
  }

 private:
  static constexpr size_t kMemoryEntries = 4096;
  std::unordered_map<uint64_t, std::vector<std::pair<int, dnnl::memory>>> by_primitive_;
};

}  // namespace

uint64_t NextPreparedId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

bool Enabled() {
  static const bool allowed = [] {
    const char* setting = std::getenv("QUARRY_ONNX_ONEDNN");
    return at::hasMKLDNN() && (setting == nullptr || std::strcmp(setting, "0") != 0);
  }();
  return allowed && at::globalContext().userEnabledMkldnn();
}

const dnnl::engine& CpuEngine() {
  static const dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

dnnl::memory::desc DescribeTensor(const at::Tensor& tensor) {
  return dnnl::memory::desc(dnnl::memory::dims(tensor.sizes().begin(), tensor.sizes().end()),
                            dnnl::memory::data_type::f32,
                            dnnl::memory::dims(tensor.strides().begin(), tensor.strides().end()));
}

dnnl::memory::desc DescribePlain(const dnnl::memory::dims& dims, dnnl::memory::format_tag tag) {
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, tag);
}

std::string DimsKey(const dnnl::memory::dims& dims) {
  std::string key;
  for (size_t i = 0; i < dims.size(); i++) {
    if (i > 0) key += 'x';
    key += std::to_string(dims[i]);
  }
  return key;
}

std::string LayoutKey(const dnnl::memory::desc& desc) {
  const dnnl_memory_desc_t& data = desc.data;
  std::string key = std::to_string(static_cast<int>(data.data_type)) + ":" +
                    DimsKey(dnnl::memory::dims(data.dims, data.dims + data.ndims)) + ":" +
                    std::to_string(static_cast<int>(data.format_kind)) + ":" + std::to_string(data.offset0);
  if (data.format_kind == dnnl_blocked) {
    const dnnl_blocking_desc_t& blocking = data.format_desc.blocking;
    key += ":s" + DimsKey(dnnl::memory::dims(blocking.strides, blocking.strides + data.ndims));
    for (int i = 0; i < blocking.inner_nblks; i++) {
      key += ":b" + std::to_string(blocking.inner_idxs[i]) + "/" + std::to_string(blocking.inner_blks[i]);
    }
  } else if (data.format_kind != dnnl_format_kind_undef && data.format_kind != dnnl_format_kind_any) {
    // An opaque kind (Winograd, packed): every byte of its description tells variants apart.
    const auto* bytes = reinterpret_cast<const unsigned char*>(&data.format_desc);
    key += ":o";
    for (size_t i = 0; i < sizeof(data.format_desc); i++) key += std::to_string(bytes[i]) + ",";
  }
  key += ":e" + std::to_string(static_cast<int>(data.extra.flags));
  return key;
}

at::Tensor ReorderedConstant(const at::Tensor& source, const dnnl::memory::desc& source_layout,
                             const dnnl::memory::desc& layout) {
  return CachedDerivation(source, "oneDNN layout " + LayoutKey(layout), [&] {
    at::Tensor reordered = at::empty({static_cast<int64_t>(layout.get_size())}, source.options().dtype(at::kByte));
    const at::Tensor plain = source.contiguous();
    dnnl::memory from = Wrap(source_layout, plain.data_ptr());
    dnnl::memory to = Wrap(layout, reordered.data_ptr());
    dnnl::stream stream(CpuEngine());
    dnnl::reorder(from, to).execute(stream, from, to);
    stream.wait();
    return reordered;
  });
}

void Reorder(const dnnl::memory::desc& from_layout, const void* from, const dnnl::memory::desc& to_layout, void* to) {
  const std::shared_ptr<const Prepared> prepared =
      CachedPrimitive("reorder " + LayoutKey(from_layout) + " to " + LayoutKey(to_layout), [&] {
        const dnnl::reorder::primitive_desc primitive(CpuEngine(), from_layout, CpuEngine(), to_layout,
                                                      ScratchpadAttributes());
        Prepared made;
        made.primitive = dnnl::reorder(primitive);
        made.scratchpad = primitive.scratchpad_desc();
        made.layouts = {{DNNL_ARG_SRC, from_layout}, {DNNL_ARG_DST, to_layout}};
        return made;
      });
  if (prepared == nullptr) throw OnnxError("oneDNN cannot reorder between these layouts");
  Execute(*prepared, {{DNNL_ARG_SRC, from}, {DNNL_ARG_DST, to}});
}

std::shared_ptr<const Prepared> CachedPrimitive(const std::string& key, const std::function<Prepared()>& make) {
  const std::string full_key = key + "|threads " + std::to_string(omp_get_max_threads());
  PrimitiveCache& cache = Primitives();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    const auto found = cache.by_key.find(full_key);
    if (found != cache.by_key.end()) {
      cache.recent.splice(cache.recent.begin(), cache.recent, found->second);
      return found->second->second;
    }
  }
  std::shared_ptr<const Prepared> prepared;
  try {
    prepared = std::make_shared<const Prepared>(make());
  } catch (const dnnl::error&) {
    // No implementation for this case (an unusual layout or size): remembered as such; the caller
    // computes it another way.
  }
  std::lock_guard<std::mutex> lock(cache.mutex);
  const auto found = cache.by_key.find(full_key);
  if (found != cache.by_key.end()) return found->second->second;  // another thread made it meanwhile
  cache.recent.emplace_front(full_key, prepared);
  cache.by_key.emplace(full_key, cache.recent.begin());
  if (cache.recent.size() > kPrimitiveCapacity) {
    cache.by_key.erase(cache.recent.back().first);
    cache.recent.pop_back();
  }
  return prepared;
}

SmallWorkOnOneThread::SmallWorkOnOneThread(int64_t work) {
  if (work >= kOneThreadMaxWork || omp_in_parallel()) return;
  const int threads = omp_get_max_threads();
  if (threads <= 1) return;
  restore_ = threads;
  omp_set_num_threads(1);
}

SmallWorkOnOneThread::~SmallWorkOnOneThread() {
  if (restore_ > 0) omp_set_num_threads(restore_);
}

dnnl::primitive_attr ScratchpadAttributes() {
  dnnl::primitive_attr attributes;
  attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attributes;
}

void AppendActivation(dnnl::post_ops& post_operations, FusedActivation activation) {
  switch (activation) {
    case FusedActivation::kNone:
      return;
    case FusedActivation::kRelu:
      post_operations.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      return;
    case FusedActivation::kSilu:  // run after the primitive (FinishActivation), not as a post-operation
    case FusedActivation::kGelu:
      return;
    case FusedActivation::kHardSwish:  // x * relu6(x + 3) / 6 (oneDNN 2.6 has no parameters for it)
      post_operations.append_eltwise(1.0f, dnnl::algorithm::eltwise_hardswish, 0.0f, 0.0f);
      return;
    case FusedActivation::kSigmoid:
      post_operations.append_eltwise(1.0f, dnnl::algorithm::eltwise_logistic, 0.0f, 0.0f);
      return;
    case FusedActivation::kHardSigmoid:  // alpha x + beta, clipped to [0, 1]
      post_operations.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, kHardSigmoidAlpha, kHardSigmoidBeta);
      post_operations.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip_v2, 0.0f, 1.0f);
      return;
  }
}

FusedActivation PostOperationOf(FusedActivation activation) {
  return activation == FusedActivation::kSilu || activation == FusedActivation::kGelu ? FusedActivation::kNone
                                                                                      : activation;
}

void FinishActivation(at::Tensor& output, FusedActivation activation) {
  // A blocked output's padding channels stay 0: silu(0) = gelu(0) = 0.
  if (!output.defined()) return;
  if (activation == FusedActivation::kSilu) ApplyVectorFunctionInPlace(VectorFunction::kSilu, output);
  if (activation == FusedActivation::kGelu) ApplyVectorFunctionInPlace(VectorFunction::kGelu, output);
}

void Execute(const Prepared& prepared, std::initializer_list<Argument> arguments) {
  thread_local ThreadMemories memories;
  memories.Trim();
  std::vector<dnnl_exec_arg_t> run;
  run.reserve(arguments.size() + 1);
  for (const Argument& argument : arguments) {
    run.push_back({argument.id, memories.Over(prepared, argument.id, prepared.layout(argument.id), argument.data)});
  }
  at::Tensor scratchpad;
  const size_t scratchpad_bytes = prepared.scratchpad.get_size();
  if (scratchpad_bytes > 0) {
    scratchpad = at::empty({static_cast<int64_t>(scratchpad_bytes)}, at::TensorOptions().dtype(at::kByte));
    run.push_back({DNNL_ARG_SCRATCHPAD,
                   memories.Over(prepared, DNNL_ARG_SCRATCHPAD, prepared.scratchpad, scratchpad.data_ptr())});
  }
  thread_local dnnl::stream stream(CpuEngine());
  dnnl::error::wrap_c_api(
      dnnl_primitive_execute(prepared.primitive.get(), stream.get(), static_cast<int>(run.size()), run.data()),
      "could not execute a primitive");
  stream.wait();
}

}  // namespace quarry::ml::onnx::onednn
