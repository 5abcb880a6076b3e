// Preprocessing: an image (BGR(A) or gray, Spark's layout) to a model's input, [3, S, S] float32,
// channel-planar, as ModelSpec's preset and resize mode say. The formulas, per output channel c:
//   torchvision: x = (v / 255 - mean[c]) / std[c],  RGB, mean = (0.485, 0.456, 0.406), std = (0.229, 0.224, 0.225)
//   inception:   x = v / 127.5 - 1,                 RGB
//   caffe:       x = v - mean[c],                   BGR, mean = (103.939, 116.779, 123.68)
//   none:        x = v,                             RGB
// where v is the 0..255 sample after resizing (Pillow-exact bilinear, media::Resize). Gray images are
// repeated into three channels; alpha is dropped before resizing (as PIL's convert('RGB') then a
// resize). Geometry, as torchvision's Resize(S) on PIL images computes it:
//   stretch:     S × S
//   center_crop: shorter side S, longer int(S * long / short), then the centered S × S (media::CenterCrop)
//   letterbox:   longer side S, shorter max(1, int(S * short / long)), placed at ((S - w) / 2, (S - h) / 2)
//                on zeros (0 after normalization)
// Tested equal to torchvision / NumPy on Pillow-resized pixels. Thread-safe, no state.
#pragma once

#include "common/result.hpp"
#include "media/image.hpp"
#include "ml/model_spec.hpp"

namespace quarry::ml {

// Writes 3 × S × S floats to `output` (S = spec.input_size).
Result<bool> PreprocessImage(const media::ImageView& image, const ModelSpec& spec, float* output);

}  // namespace quarry::ml
