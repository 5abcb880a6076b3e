// A capped wrapper around ATen's CPU allocator (see allocation_limit.hpp).
#include "ml/onnx/allocation_limit.hpp"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <mutex>
#include <string>

namespace quarry::ml::onnx {
namespace {

class CappedAllocator final : public c10::Allocator {
 public:
  explicit CappedAllocator(c10::Allocator* inner) : inner_(inner) {}

  c10::DataPtr allocate(size_t bytes) const override {
    const size_t limit = limit_.load(std::memory_order_relaxed);
    TORCH_CHECK(bytes <= limit, "a tensor of ", bytes, " bytes is larger than the ", limit,
                " bytes quarry allows one tensor");
    return inner_->allocate(bytes);
  }
  c10::DeleterFnPtr raw_deleter() const override { return inner_->raw_deleter(); }

  void set_limit(size_t bytes) { limit_.store(bytes, std::memory_order_relaxed); }

 private:
  c10::Allocator* inner_;
  std::atomic<size_t> limit_{kDefaultAllocationLimitBytes};
};

CappedAllocator& Installed() {
  static CappedAllocator* allocator = [] {
    // Lives for the process: tensors freed at exit still call its deleter.
    auto* capped = new CappedAllocator(c10::GetCPUAllocator());
    c10::SetAllocator(c10::DeviceType::CPU, capped, /*priority=*/1);
    return capped;
  }();
  return *allocator;
}

}  // namespace

void InstallAllocationLimit(size_t max_bytes) {
  Installed().set_limit(max_bytes);
}

void EnsureAllocationLimit() {
  Installed();
}

}  // namespace quarry::ml::onnx
