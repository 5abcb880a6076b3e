// Softmax and LogSoftmax on oneDNN directly (see onednn_primitives.hpp): attention's softmax over the
// last axis of (windows, heads, tokens, tokens) runs several times faster than ATen's here (AVX-512
// exponentials), the primitive created once per shape.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace quarry::ml::onnx::onednn {

// softmax (or log-softmax) of float32 `x` along `axis` (normalized), dense; an undefined tensor when
// oneDNN is off or does not take it (other types, empty, rank over 12): the caller uses ATen.
at::Tensor Softmax(const at::Tensor& x, int64_t axis, bool logarithm);

}  // namespace quarry::ml::onnx::onednn
