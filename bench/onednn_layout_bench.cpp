// onednn_layout_bench [BATCH...] — what oneDNN's blocked layout would give the executor (issue 14): the convolutions
// of efficientnet_b0's second stage (1x1 16→96 at 112x112 with SiLU, depthwise 3x3 stride 2 with SiLU, 1x1 96→24,
// 1x1 24→144 with SiLU, depthwise 3x3 with SiLU, 1x1 144→24; squeeze-and-excitation left out) run back to back on
// oneDNN, once with every activation channels-last (nhwc, what quarry's executor uses) and once in oneDNN's blocked
// nChw16c (what ONNX Runtime's NCHWc transformer uses with MLAS), weights in the layout each primitive prefers.
// Prints ms per pass of the chain for each batch size (default 1 and 16), best of 3 rounds, on the OpenMP threads
// OMP_NUM_THREADS gives, and the ratio channels-last ms / blocked ms (> 1: blocked is faster). Data are random
// normal values (uninitialized memory may hold denormals, which slow some kernels down).
#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <unordered_map>
#include <vector>

namespace {

using dnnl::memory;
using Tag = memory::format_tag;

struct Layer {
  int inputs, outputs, side, kernel, stride;
  bool depthwise, silu;
};

constexpr Layer kStage[] = {{16, 96, 112, 1, 1, false, true}, {96, 96, 112, 3, 2, true, true},
                            {96, 24, 56, 1, 1, false, false}, {24, 144, 56, 1, 1, false, true},
                            {144, 144, 56, 3, 1, true, true}, {144, 24, 56, 1, 1, false, false}};

void FillRandom(const memory& target, std::mt19937& random) {
  std::normal_distribution<float> normal(0.0f, 0.3f);
  auto* values = static_cast<float*>(target.get_data_handle());
  for (size_t i = 0; i < target.get_desc().get_size() / sizeof(float); i++) values[i] = normal(random);
}

// ms per pass of the chain with activations in `layout`.
double ChainMs(int batch, Tag layout) {
  const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  std::mt19937 random(1);
  const auto f32 = memory::data_type::f32;
  std::vector<dnnl::convolution_forward> primitives;
  std::vector<std::unordered_map<int, memory>> arguments;
  memory previous;
  for (const Layer& layer : kStage) {
    const int out_side = layer.side / layer.stride, pad = layer.kernel / 2;
    const memory::desc source({batch, layer.inputs, layer.side, layer.side}, f32, layout);
    const memory::desc destination({batch, layer.outputs, out_side, out_side}, f32, layout);
    const memory::desc bias({layer.outputs}, f32, Tag::a);
    const memory::desc weights =
        layer.depthwise ? memory::desc({layer.outputs, 1, 1, layer.kernel, layer.kernel}, f32, Tag::any)
                        : memory::desc({layer.outputs, layer.inputs, layer.kernel, layer.kernel}, f32, Tag::any);
    const dnnl::convolution_forward::desc description(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, source, weights, bias, destination,
        {layer.stride, layer.stride}, {pad, pad}, {pad, pad});
    dnnl::post_ops post_operations;
    if (layer.silu) post_operations.append_eltwise(1.0f, dnnl::algorithm::eltwise_swish, 1.0f, 0.0f);
    dnnl::primitive_attr attributes;
    attributes.set_post_ops(post_operations);
    const dnnl::convolution_forward::primitive_desc primitive(description, attributes, engine);
    memory input = previous ? previous : memory(primitive.src_desc(), engine);
    if (!previous) FillRandom(input, random);
    memory weight(primitive.weights_desc(), engine), bias_values(bias, engine), output(primitive.dst_desc(), engine);
    FillRandom(weight, random);
    FillRandom(bias_values, random);
    primitives.emplace_back(primitive);
    arguments.push_back(
        {{DNNL_ARG_SRC, input}, {DNNL_ARG_WEIGHTS, weight}, {DNNL_ARG_BIAS, bias_values}, {DNNL_ARG_DST, output}});
    previous = output;
  }
  const auto pass = [&] {
    for (size_t i = 0; i < primitives.size(); i++) primitives[i].execute(stream, arguments[i]);
    stream.wait();
  };
  for (int i = 0; i < 3; i++) pass();
  const int passes = batch == 1 ? 200 : 12;
  double best = 1e30;
  for (int round = 0; round < 3; round++) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < passes; i++) pass();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, ms / passes);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> batches;
  for (int i = 1; i < argc; i++) batches.push_back(std::atoi(argv[i]));
  if (batches.empty()) batches = {1, 16};
  std::printf("| batch | channels-last ms | nChw16c ms | ratio |\n|---|---|---|---|\n");
  for (int batch : batches) {
    if (batch < 1) {
      std::fprintf(stderr, "usage: onednn_layout_bench [BATCH...] (positive batch sizes)\n");
      return 1;
    }
    const double planar = ChainMs(batch, Tag::nhwc), blocked = ChainMs(batch, Tag::nChw16c);
    std::printf("| %d | %.3f | %.3f | **%.2f** |\n", batch, planar, blocked, planar / blocked);
  }
  return 0;
}
