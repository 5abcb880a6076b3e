// The executor's LSTM against an LSTM written out here in double precision (ONNX's equations, gates i, o, f, c):
// forward, reverse and bidirectional, with and without biases and initial states, layout 0 and 1, over several
// calls of one model, so that the weights a step prepares on its first call and keeps (the usual LSTM's path)
// serve later calls with other inputs and batch sizes.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ml/onnx/host_tensor.hpp"
#include "ml/onnx/onnx_model.hpp"
#include "ml/onnx_graph_builder.hpp"

namespace quarry::ml::onnx {
namespace {

// What the test LSTM looks like.
struct LstmCase {
  std::string direction = "forward";
  int64_t input_size = 3, hidden = 4;
  bool with_bias = true, with_initial_state = true, batch_first = false;
};

int64_t Directions(const LstmCase& lstm) {
  return lstm.direction == "bidirectional" ? 2 : 1;
}

// Deterministic values in [-1, 1) from a seed.
std::vector<float> Values(size_t count, int seed) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; i++) {
    values[i] = static_cast<float>((static_cast<int64_t>(i) * 37 + seed * 11) % 23) / 11.5F - 1.0F;
  }
  return values;
}

double Sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

struct LstmResult {
  std::vector<float> y, y_h, y_c;  // [seq, directions, batch, hidden], [directions, batch, hidden] (layout 0)
};

// The reference: x [seq, batch, input], h0 and c0 [directions, batch, hidden] (layout 0 order).
LstmResult ReferenceLstm(const LstmCase& lstm, int64_t seq, int64_t batch, const std::vector<float>& x,
                         const std::vector<float>& w, const std::vector<float>& r, const std::vector<float>& b,
                         const std::vector<float>& h0, const std::vector<float>& c0) {
  const int64_t directions = Directions(lstm), hidden = lstm.hidden, in = lstm.input_size, rows = 4 * hidden;
  LstmResult result;
  result.y.assign(static_cast<size_t>(seq * directions * batch * hidden), 0.0F);
  result.y_h.assign(static_cast<size_t>(directions * batch * hidden), 0.0F);
  result.y_c = result.y_h;
  for (int64_t d = 0; d < directions; d++) {
    const bool reversed = lstm.direction == "reverse" || d == 1;
    std::vector<double> h(static_cast<size_t>(batch * hidden)), c(h.size());
    for (size_t i = 0; i < h.size(); i++) {
      h[i] = h0.empty() ? 0.0 : h0[d * batch * hidden + i];
      c[i] = c0.empty() ? 0.0 : c0[d * batch * hidden + i];
    }
    for (int64_t s = 0; s < seq; s++) {
      const int64_t t = reversed ? seq - 1 - s : s;
      std::vector<double> next_h(h.size()), next_c(c.size());
      for (int64_t n = 0; n < batch; n++) {
        std::vector<double> gate(static_cast<size_t>(rows));
        for (int64_t g = 0; g < rows; g++) {
          double sum = b.empty() ? 0.0 : b[d * 2 * rows + g] + b[d * 2 * rows + rows + g];
          for (int64_t k = 0; k < in; k++) sum += x[(t * batch + n) * in + k] * w[(d * rows + g) * in + k];
          for (int64_t k = 0; k < hidden; k++) sum += h[n * hidden + k] * r[(d * rows + g) * hidden + k];
          gate[g] = sum;
        }
        for (int64_t j = 0; j < hidden; j++) {
          const double input = Sigmoid(gate[j]), output = Sigmoid(gate[hidden + j]);
          const double forget = Sigmoid(gate[2 * hidden + j]), candidate = std::tanh(gate[3 * hidden + j]);
          next_c[n * hidden + j] = forget * c[n * hidden + j] + input * candidate;
          next_h[n * hidden + j] = output * std::tanh(next_c[n * hidden + j]);
        }
      }
      h = next_h;
      c = next_c;
      for (size_t i = 0; i < h.size(); i++) result.y[(t * directions + d) * batch * hidden + i] = h[i];
    }
    for (size_t i = 0; i < h.size(); i++) {
      result.y_h[d * batch * hidden + i] = h[i];
      result.y_c[d * batch * hidden + i] = c[i];
    }
  }
  return result;
}

// [a, b, c] laid out as [b, a, c] (layout 1's batch-major order and back).
std::vector<float> SwapLeadingAxes(const std::vector<float>& values, int64_t a, int64_t b, int64_t c) {
  std::vector<float> swapped(values.size());
  for (int64_t i = 0; i < a; i++) {
    for (int64_t j = 0; j < b; j++) {
      for (int64_t k = 0; k < c; k++) swapped[(j * a + i) * c + k] = values[(i * b + j) * c + k];
    }
  }
  return swapped;
}

// Y [seq, directions, batch, hidden] as layout 1 gives it: [batch, seq, directions, hidden].
std::vector<float> BatchMajorY(const std::vector<float>& y, int64_t seq, int64_t directions, int64_t batch,
                               int64_t hidden) {
  std::vector<float> out(y.size());
  for (int64_t t = 0; t < seq; t++) {
    for (int64_t d = 0; d < directions; d++) {
      for (int64_t n = 0; n < batch; n++) {
        for (int64_t j = 0; j < hidden; j++) {
          out[((n * seq + t) * directions + d) * hidden + j] = y[((t * directions + d) * batch + n) * hidden + j];
        }
      }
    }
  }
  return out;
}

void ExpectNear(const std::vector<float>& actual, const std::vector<float>& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); i++) EXPECT_NEAR(actual[i], expected[i], 2e-6) << what << " at " << i;
}

// Builds the model, runs it once per (seq, batch) in `calls` with fresh inputs, and compares every output.
void CheckLstm(const LstmCase& lstm, const std::vector<std::pair<int64_t, int64_t>>& calls) {
  const int64_t directions = Directions(lstm), hidden = lstm.hidden, rows = 4 * hidden;
  const std::vector<float> w = Values(static_cast<size_t>(directions * rows * lstm.input_size), 1);
  const std::vector<float> r = Values(static_cast<size_t>(directions * rows * hidden), 2);
  const std::vector<float> b =
      lstm.with_bias ? Values(static_cast<size_t>(directions * 2 * rows), 3) : std::vector<float>();
  GraphBuilder graph;
  graph.Input("X", {-1, -1, lstm.input_size});
  if (lstm.with_initial_state) {
    graph.Input("H0", lstm.batch_first ? std::vector<int64_t>{-1, directions, hidden}
                                       : std::vector<int64_t>{directions, -1, hidden});
    graph.Input("C0", lstm.batch_first ? std::vector<int64_t>{-1, directions, hidden}
                                       : std::vector<int64_t>{directions, -1, hidden});
  }
  graph.Floats("W", {directions, rows, lstm.input_size}, w);
  graph.Floats("R", {directions, rows, hidden}, r);
  if (lstm.with_bias) graph.Floats("B", {directions, 2 * rows}, b);
  const std::string state_h = lstm.with_initial_state ? "H0" : "", state_c = lstm.with_initial_state ? "C0" : "";
  auto* node = graph.Node("LSTM", {"X", "W", "R", lstm.with_bias ? "B" : "", "", state_h, state_c}, "Y");
  node->add_output("Y_h");
  node->add_output("Y_c");
  GraphBuilder::IntAttribute(node, "hidden_size", hidden);
  if (lstm.batch_first) GraphBuilder::IntAttribute(node, "layout", 1);
  GraphBuilder::StringAttribute(node, "direction", lstm.direction);
  graph.Output("Y", {-1, -1, -1, hidden});
  graph.Output("Y_h", {-1, -1, hidden});
  graph.Output("Y_c", {-1, -1, hidden});
  auto model = graph.Load();
  ASSERT_TRUE(model);

  for (size_t call = 0; call < calls.size(); call++) {
    const auto [seq, batch] = calls[call];
    SCOPED_TRACE("call " + std::to_string(call) + ": seq " + std::to_string(seq) + ", batch " + std::to_string(batch));
    const int seed = 10 + static_cast<int>(call);
    const std::vector<float> x = Values(static_cast<size_t>(seq * batch * lstm.input_size), seed);
    const std::vector<float> h0 = Values(static_cast<size_t>(directions * batch * hidden), seed + 1);
    const std::vector<float> c0 = Values(static_cast<size_t>(directions * batch * hidden), seed + 2);
    const LstmResult expected =
        ReferenceLstm(lstm, seq, batch, x, w, r, b, lstm.with_initial_state ? h0 : std::vector<float>(),
                      lstm.with_initial_state ? c0 : std::vector<float>());
    std::vector<HostTensor> inputs;
    if (lstm.batch_first) {
      inputs.push_back(HostTensor::From(ElementType::kFloat, {batch, seq, lstm.input_size},
                                        SwapLeadingAxes(x, seq, batch, lstm.input_size)));
    } else {
      inputs.push_back(HostTensor::From(ElementType::kFloat, {seq, batch, lstm.input_size}, x));
    }
    if (lstm.with_initial_state) {
      for (const auto* state : {&h0, &c0}) {
        inputs.push_back(lstm.batch_first ? HostTensor::From(ElementType::kFloat, {batch, directions, hidden},
                                                             SwapLeadingAxes(*state, directions, batch, hidden))
                                          : HostTensor::From(ElementType::kFloat, {directions, batch, hidden}, *state));
      }
    }
    auto result = model->Run(inputs);
    ASSERT_TRUE(result.ok()) << result.error();
    const auto& outputs = result.value();
    ASSERT_EQ(outputs.size(), 3U);
    if (lstm.batch_first) {
      // Y is [batch, seq, directions, hidden]; Y_h and Y_c [batch, directions, hidden].
      ExpectNear(outputs[0].Values<float>(), BatchMajorY(expected.y, seq, directions, batch, hidden), "Y");
      ExpectNear(outputs[1].Values<float>(), SwapLeadingAxes(expected.y_h, directions, batch, hidden), "Y_h");
      ExpectNear(outputs[2].Values<float>(), SwapLeadingAxes(expected.y_c, directions, batch, hidden), "Y_c");
    } else {
      ExpectNear(outputs[0].Values<float>(), expected.y, "Y");
      ExpectNear(outputs[1].Values<float>(), expected.y_h, "Y_h");
      ExpectNear(outputs[2].Values<float>(), expected.y_c, "Y_c");
    }
  }
}

// Calls of one model: one step of one sequence (a streaming model's call), longer sequences, more batch entries.
const std::vector<std::pair<int64_t, int64_t>> kCalls = {{1, 1}, {1, 1}, {3, 2}, {5, 1}, {2, 4}, {1, 1}};

TEST(OnnxLstmTest, ForwardWithBiasAndInitialState) {
  CheckLstm(LstmCase{}, kCalls);
}

TEST(OnnxLstmTest, ReverseWithoutBias) {
  LstmCase lstm;
  lstm.direction = "reverse";
  lstm.with_bias = false;
  CheckLstm(lstm, kCalls);
}

TEST(OnnxLstmTest, BidirectionalWithoutInitialState) {
  LstmCase lstm;
  lstm.direction = "bidirectional";
  lstm.with_initial_state = false;
  lstm.input_size = 5;
  lstm.hidden = 3;
  CheckLstm(lstm, kCalls);
}

TEST(OnnxLstmTest, BidirectionalBatchFirst) {
  LstmCase lstm;
  lstm.direction = "bidirectional";
  lstm.batch_first = true;
  CheckLstm(lstm, kCalls);
}

TEST(OnnxLstmTest, ZeroLengthSequenceGivesTheInitialState) {
  CheckLstm(LstmCase{}, {{1, 2}, {0, 2}, {2, 2}});
}

}  // namespace
}  // namespace quarry::ml::onnx
