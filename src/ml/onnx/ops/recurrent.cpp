// ONNX operators: LSTM, GRU and RNN (opsets 1-17). The input projection X·W^T + biases is one matrix product
// over all time steps (on oneDNN for float32); each step then adds H·R^T and applies the gates, with ATen (the usual
// float32 LSTM, PlainLstm, prepares its weights once per plan step and runs each step in two passes of its own).
// Directions forward, reverse and bidirectional, per-batch sequence_lens (masked steps, reversal within each
// sequence), initial states, LSTM peepholes and input_forget, GRU linear_before_reset, clip, the layout attribute
// (opset 14) and the activations / activation_alpha / activation_beta attributes.
#include <ATen/ATen.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ml/onnx/kernel.hpp"
#include "ml/onnx/onednn/onednn_matmul.hpp"
#include "ml/onnx/onednn/onednn_primitives.hpp"

namespace quarry::ml::onnx {
namespace {

// ---- Activations -----------------------------------------------------------------------------------------

enum class ActivationKind {
  kSigmoid,
  kTanh,
  kRelu,
  kHardSigmoid,
  kAffine,
  kLeakyRelu,
  kScaledTanh,
  kThresholdedRelu,
  kElu,
  kSoftsign,
  kSoftplus
};

struct ActivationInfo {
  const char* name;  // lower case
  ActivationKind kind;
  bool uses_alpha;
  bool uses_beta;
  double default_alpha;
  double default_beta;
};

constexpr ActivationInfo kActivations[] = {
    {"sigmoid", ActivationKind::kSigmoid, false, false, 0.0, 0.0},
    {"tanh", ActivationKind::kTanh, false, false, 0.0, 0.0},
    {"relu", ActivationKind::kRelu, false, false, 0.0, 0.0},
    {"hardsigmoid", ActivationKind::kHardSigmoid, true, true, 0.2, 0.5},
    {"affine", ActivationKind::kAffine, true, true, 1.0, 0.0},
    {"leakyrelu", ActivationKind::kLeakyRelu, true, false, 0.01, 0.0},
    {"scaledtanh", ActivationKind::kScaledTanh, true, true, 1.0, 1.0},
    {"thresholdedrelu", ActivationKind::kThresholdedRelu, true, false, 1.0, 0.0},
    {"elu", ActivationKind::kElu, true, false, 1.0, 0.0},
    {"softsign", ActivationKind::kSoftsign, false, false, 0.0, 0.0},
    {"softplus", ActivationKind::kSoftplus, false, false, 0.0, 0.0},
};

struct Activation {
  ActivationKind kind = ActivationKind::kSigmoid;
  double alpha = 0.0;
  double beta = 0.0;

  at::Tensor operator()(const at::Tensor& x) const {
    switch (kind) {
      case ActivationKind::kSigmoid:
        return at::sigmoid(x);
      case ActivationKind::kTanh:
        return at::tanh(x);
      case ActivationKind::kRelu:
        return at::relu(x);
      case ActivationKind::kHardSigmoid:
        return at::clamp(x * alpha + beta, 0.0, 1.0);
      case ActivationKind::kAffine:
        return x * alpha + beta;
      case ActivationKind::kLeakyRelu:
        return at::leaky_relu(x, alpha);
      case ActivationKind::kScaledTanh:
        return at::tanh(x * beta) * alpha;
      case ActivationKind::kThresholdedRelu:
        return at::threshold(x, alpha, 0.0);
      case ActivationKind::kElu:
        return at::elu(x, alpha);
      case ActivationKind::kSoftsign:
        return x / (at::abs(x) + 1.0);
      case ActivationKind::kSoftplus:
        return at::softplus(x);
    }
    return x;
  }
};

// The activations of each direction, from the activations attribute (names, case-insensitive) or the
// operator's defaults. As in ONNX Runtime, activation_alpha / activation_beta values are consumed in order
// by the functions that take them; the others use their operator's defaults.
std::vector<std::vector<Activation>> ParseActivations(const NodeContext& node, const std::vector<std::string>& defaults,
                                                      int64_t directions) {
  std::vector<std::string> names = node.attribute_strings("activations");
  const size_t per_direction = defaults.size();
  if (names.empty()) {
    for (int64_t d = 0; d < directions; d++) names.insert(names.end(), defaults.begin(), defaults.end());
  } else if (names.size() == per_direction && directions == 2) {
    names.insert(names.end(), names.begin(), names.end());
  } else if (names.size() != per_direction * static_cast<size_t>(directions)) {
    throw OnnxError("activations lists " + std::to_string(names.size()) + " functions, expected " +
                    std::to_string(per_direction * static_cast<size_t>(directions)));
  }
  const std::vector<float> alphas = node.attribute_floats("activation_alpha");
  const std::vector<float> betas = node.attribute_floats("activation_beta");
  size_t next_alpha = 0, next_beta = 0;
  std::vector<std::vector<Activation>> result(static_cast<size_t>(directions));
  for (size_t i = 0; i < names.size(); i++) {
    std::string lower = names[i];
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto* info = std::find_if(std::begin(kActivations), std::end(kActivations),
                                    [&](const ActivationInfo& entry) { return lower == entry.name; });
    if (info == std::end(kActivations)) throw OnnxError("unsupported activation '" + names[i] + "'");
    Activation activation{info->kind, info->default_alpha, info->default_beta};
    if (info->uses_alpha && next_alpha < alphas.size()) activation.alpha = alphas[next_alpha++];
    if (info->uses_beta && next_beta < betas.size()) activation.beta = betas[next_beta++];
    result[i / per_direction].push_back(activation);
  }
  return result;
}

// ---- The problem every recurrent operator shares ----------------------------------------------------------

// Which steps of each batch entry are real, when sequence_lens gives entries different lengths.
struct SequenceMask {
  bool variable = false;
  at::Tensor valid;     // [seq, batch, 1] bool: step s is within entry b's sequence
  at::Tensor reversed;  // [seq, batch] int64: len[b] - 1 - s (clamped), the step's time when run in reverse
};

struct Recurrent {
  at::ScalarType output_type = at::kFloat;
  bool batch_first = false;  // layout = 1
  at::Tensor x;              // [seq, batch, input], in the compute type
  at::Tensor w, r, b;  // [directions, gates * hidden, input | hidden], b [directions, 2 * gates * hidden] or undefined
  at::Tensor initial_h;  // [directions, batch, hidden]
  int64_t gates = 1, hidden = 0, directions = 1, seq = 0, batch = 0;
  bool reverse = false;  // direction = "reverse"
  std::vector<std::vector<Activation>> activations;
  std::optional<double> clip;
  SequenceMask mask;

  bool Reversed(int64_t direction) const { return reverse || direction == 1; }
};

at::ScalarType ComputeType(at::ScalarType dtype) {
  if (dtype == at::kFloat || dtype == at::kDouble) return dtype;
  if (dtype == at::kHalf || dtype == at::kBFloat16) return at::kFloat;
  throw OnnxError("recurrent operators take float inputs");
}

void CheckShape(const at::Tensor& tensor, at::IntArrayRef expected, const char* what) {
  if (tensor.sizes() != expected) {
    throw OnnxError(std::string(what) + " has shape " + c10::str(tensor.sizes()) + ", expected " + c10::str(expected));
  }
}

// What a state input must be: its sizes, whether layout 1 puts the batch first, and the compute type.
struct StateShape {
  int64_t directions, batch, hidden;
  bool batch_first;
  at::ScalarType type;
};

// An optional state input ([directions, batch, hidden], or [batch, directions, hidden] with layout 1), or zeros.
at::Tensor StateInput(const NodeContext& node, size_t index, const StateShape& shape, const char* what) {
  if (!node.has_input(index)) return at::zeros({shape.directions, shape.batch, shape.hidden}, shape.type);
  at::Tensor state = node.input(index).to(shape.type);
  if (shape.batch_first) state = state.transpose(0, 1);
  CheckShape(state, {shape.directions, shape.batch, shape.hidden}, what);
  return state;
}

at::Tensor StateInput(const NodeContext& node, size_t index, const Recurrent& problem, const char* what) {
  return StateInput(
      node, index,
      StateShape{problem.directions, problem.batch, problem.hidden, problem.batch_first, problem.x.scalar_type()},
      what);
}

SequenceMask ParseSequenceLengths(const NodeContext& node, int64_t seq, int64_t batch) {
  SequenceMask mask;
  if (!node.has_input(4)) return mask;
  const at::Tensor lengths = node.input(4).to(at::kLong).reshape({-1});
  if (lengths.numel() != batch) throw OnnxError("sequence_lens must have one value per batch entry");
  const std::vector<int64_t> values = ToInt64Vector(lengths);
  for (int64_t length : values) {
    if (length < 0 || length > seq)
      throw OnnxError("sequence_lens value " + std::to_string(length) + " is out of range");
    mask.variable = mask.variable || length != seq;
  }
  if (!mask.variable) return mask;
  const at::Tensor steps = at::arange(seq, at::kLong).view({seq, 1});
  mask.valid = steps.lt(lengths.view({1, batch})).unsqueeze(-1);
  mask.reversed = (lengths.view({1, batch}) - 1 - steps).clamp_min(0);
  return mask;
}

Recurrent ParseRecurrent(const NodeContext& node, int64_t gates, const std::vector<std::string>& default_activations) {
  Recurrent problem;
  problem.gates = gates;
  const at::Tensor& x = node.input(0);
  problem.output_type = x.scalar_type();
  const at::ScalarType compute = ComputeType(x.scalar_type());
  problem.batch_first = node.attribute_int("layout", 0) == 1;
  if (x.dim() != 3) throw OnnxError("X must have rank 3");
  problem.x = problem.batch_first ? x.transpose(0, 1).to(compute) : x.to(compute);
  problem.seq = problem.x.size(0);
  problem.batch = problem.x.size(1);

  const std::string direction = node.attribute_string("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
    throw OnnxError("unsupported direction '" + direction + "'");
  }
  problem.directions = direction == "bidirectional" ? 2 : 1;
  problem.reverse = direction == "reverse";

  problem.w = node.input(1).to(compute);
  problem.r = node.input(2).to(compute);
  if (problem.r.dim() != 3) throw OnnxError("R must have rank 3");
  problem.hidden = node.attribute_int("hidden_size", problem.r.size(2));
  const int64_t rows = gates * problem.hidden;
  CheckShape(problem.w, {problem.directions, rows, problem.x.size(2)}, "W");
  CheckShape(problem.r, {problem.directions, rows, problem.hidden}, "R");
  if (node.has_input(3)) {
    problem.b = node.input(3).to(compute);
    CheckShape(problem.b, {problem.directions, 2 * rows}, "B");
  }
  problem.mask = ParseSequenceLengths(node, problem.seq, problem.batch);
  problem.initial_h = StateInput(node, 5, problem, "initial_h");
  problem.activations = ParseActivations(node, default_activations, problem.directions);
  if (node.has_attribute("clip")) problem.clip = node.attribute_float("clip", 0.0f);
  return problem;
}

// a (M, K) · b (K, N), b possibly a transposed view: on oneDNN for float32, else ATen's (whose products go
// to the system's BLAS: on Debian the reference implementation, tens of times slower at these sizes).
at::Tensor Product(const at::Tensor& a, const at::Tensor& b) {
  if (onednn::Enabled() && a.scalar_type() == at::kFloat && b.scalar_type() == at::kFloat) {
    at::Tensor y = onednn::BatchedMatMul(a, b);
    if (y.defined()) return y;
  }
  return at::mm(a, b);
}

// X·W^T (+ bias) for every step of one direction: [seq, batch, gates * hidden].
at::Tensor InputProjection(const Recurrent& problem, int64_t direction, const at::Tensor& bias) {
  const at::Tensor x = problem.x.reshape({problem.seq * problem.batch, problem.x.size(2)});
  const at::Tensor w = problem.w[direction].t();
  at::Tensor product = Product(x, w);
  if (bias.defined()) product.add_(bias);
  return product.view({problem.seq, problem.batch, problem.gates * problem.hidden});
}

// The W-side bias (gates * hidden), plus the R-side bias of the first `folded_gates` gates (which add to the
// pre-activation directly, so they can join the input projection); undefined without B.
at::Tensor ProjectionBias(const Recurrent& problem, int64_t direction, int64_t folded_gates) {
  if (!problem.b.defined()) return {};
  const int64_t rows = problem.gates * problem.hidden;
  at::Tensor bias = problem.b[direction].narrow(0, 0, rows).clone();
  bias.narrow(0, 0, folded_gates * problem.hidden)
      .add_(problem.b[direction].narrow(0, rows, folded_gates * problem.hidden));
  return bias;
}

// ---- The time loop ----------------------------------------------------------------------------------------

struct State {
  at::Tensor h;  // [batch, hidden]
  at::Tensor c;  // LSTM cell state, else undefined
};

// One step: the next state from this step's input projection [batch, gates * hidden] and the previous state.
using Cell = std::function<State(const at::Tensor& projected, const State& previous)>;

struct DirectionResult {
  at::Tensor y;  // [seq, batch, hidden], undefined when not wanted
  State last;
};

DirectionResult RunDirection(const Recurrent& problem, at::Tensor projected, State state, bool reverse,
                             const Cell& cell, bool want_y) {
  const SequenceMask& mask = problem.mask;
  // With sequences of different lengths, a reverse pass runs forward over each sequence reversed in place.
  const bool reorder = reverse && mask.variable;
  if (reorder) projected = projected.gather(0, mask.reversed.unsqueeze(-1).expand_as(projected));
  std::vector<at::Tensor> outputs(static_cast<size_t>(problem.seq));
  for (int64_t s = 0; s < problem.seq; s++) {
    const int64_t t = reverse && !reorder ? problem.seq - 1 - s : s;
    State next = cell(projected[t], state);
    if (mask.variable) {
      const at::Tensor valid = mask.valid[s];
      if (want_y) outputs[static_cast<size_t>(t)] = at::where(valid, next.h, at::zeros({}, next.h.options()));
      next.h = at::where(valid, next.h, state.h);
      if (next.c.defined()) next.c = at::where(valid, next.c, state.c);
    } else if (want_y) {
      outputs[static_cast<size_t>(t)] = next.h;
    }
    state = std::move(next);
  }
  DirectionResult result{at::Tensor(), std::move(state)};
  if (!want_y) return result;
  if (problem.seq == 0) {
    result.y = at::empty({0, problem.batch, problem.hidden}, problem.x.options());
  } else {
    result.y = at::stack(outputs);
    if (reorder) {
      result.y = result.y.gather(0, mask.reversed.unsqueeze(-1).expand_as(result.y));
      result.y = at::where(mask.valid, result.y, at::zeros({}, result.y.options()));
    }
  }
  return result;
}

// Runs every direction with the cell `make_cell(direction)` and assembles Y, Y_h (and Y_c when with_cell).
std::vector<at::Tensor> RunDirections(const NodeContext& node, const Recurrent& problem,
                                      const std::function<Cell(int64_t)>& make_cell,
                                      const std::function<at::Tensor(int64_t)>& projection,
                                      const at::Tensor& initial_c) {
  const bool want_y = node.output_wanted(0);
  std::vector<at::Tensor> ys, hs, cs;
  for (int64_t d = 0; d < problem.directions; d++) {
    State initial{problem.initial_h[d], initial_c.defined() ? initial_c[d] : at::Tensor()};
    DirectionResult result =
        RunDirection(problem, projection(d), std::move(initial), problem.Reversed(d), make_cell(d), want_y);
    if (want_y) ys.push_back(result.y);
    hs.push_back(result.last.h);
    if (initial_c.defined()) cs.push_back(result.last.c);
  }
  const auto finish = [&](at::Tensor tensor) { return tensor.to(problem.output_type); };
  std::vector<at::Tensor> outputs(initial_c.defined() ? 3 : 2);
  if (want_y) {
    at::Tensor y = at::stack(ys, 1);  // [seq, directions, batch, hidden]
    outputs[0] = finish(problem.batch_first ? y.permute({2, 0, 1, 3}) : y);
  }
  at::Tensor y_h = at::stack(hs);  // [directions, batch, hidden]
  outputs[1] = finish(problem.batch_first ? y_h.transpose(0, 1) : y_h);
  if (initial_c.defined()) {
    at::Tensor y_c = at::stack(cs);
    outputs[2] = finish(problem.batch_first ? y_c.transpose(0, 1) : y_c);
  }
  return outputs;
}

at::Tensor Activate(const Activation& activation, const at::Tensor& x, const std::optional<double>& clip) {
  return activation(clip ? at::clamp(x, -*clip, *clip) : x);
}

// ---- LSTM ------------------------------------------------------------------------------------------------

struct LstmDirection {
  at::Tensor r_t;                                        // [hidden, 4 * hidden]
  at::Tensor peep_i, peep_o, peep_f;                     // [hidden] or undefined
  const std::vector<Activation>* activations = nullptr;  // f, g, h
  std::optional<double> clip;
  bool input_forget = false;
  int64_t hidden = 0;

  // Gates in ONNX order i, o, f, c.
  State operator()(const at::Tensor& projected, const State& previous) const {
    const Activation& f = (*activations)[0];
    const at::Tensor gates = Product(previous.h, r_t).add_(projected);
    const auto gate = [&](int64_t k) { return gates.narrow(1, k * hidden, hidden); };
    at::Tensor input, output, forget;
    if (!peep_i.defined()) {
      const at::Tensor iof = Activate(f, gates.narrow(1, 0, 3 * hidden), clip);
      input = iof.narrow(1, 0, hidden);
      output = iof.narrow(1, hidden, hidden);
      forget = iof.narrow(1, 2 * hidden, hidden);
    } else {
      input = Activate(f, at::addcmul(gate(0), peep_i, previous.c), clip);
      forget = Activate(f, at::addcmul(gate(2), peep_f, previous.c), clip);
    }
    if (input_forget) forget = at::rsub(input, 1.0);
    const at::Tensor candidate = Activate((*activations)[1], gate(3), clip);
    State next;
    next.c = at::addcmul(forget * previous.c, input, candidate);
    if (peep_o.defined()) output = Activate(f, at::addcmul(gate(1), peep_o, next.c), clip);
    next.h = output * (*activations)[2](next.c);
    return next;
  }
};

// ---- The usual LSTM, prepared once per step --------------------------------------------------------------

// The usual LSTM (float32, the default activations, no clip, peepholes, input_forget or sequence_lens): its
// weights prepared once and kept in the step's KernelMemo, so that a call (Silero's VAD runs one time step a
// call) is the two products and a few passes instead of reparsing attributes and some forty ATen calls.
struct PlainLstm {
  at::Tensor w, r, b;  // what it was prepared from (kept, so their identities cannot be reused)
  int64_t directions = 1, hidden = 0, input_size = 0;
  bool reverse = false, batch_first = false;
  std::vector<at::Tensor> w_t;   // per direction, [input, 4 * hidden] contiguous
  std::vector<at::Tensor> r_t;   // per direction, [hidden, 4 * hidden] contiguous
  std::vector<at::Tensor> bias;  // per direction, [4 * hidden]: both biases summed; undefined without B

  // Whether this node's inputs are the ones it was prepared from, and nothing else asks for the general path.
  bool Fits(const NodeContext& node) const {
    const auto same = [&](size_t i, const at::Tensor& kept) {
      return node.has_input(i) ? kept.defined() && node.input(i).unsafeGetTensorImpl() == kept.unsafeGetTensorImpl()
                               : !kept.defined();
    };
    if (!node.has_input(0) || node.has_input(4) || node.has_input(7)) return false;
    const at::Tensor& x = node.input(0);
    return same(1, w) && same(2, r) && same(3, b) && x.scalar_type() == at::kFloat && x.dim() == 3 &&
           x.size(2) == input_size;
  }
};

std::shared_ptr<const PlainLstm> PreparePlainLstm(const NodeContext& node, const Recurrent& problem) {
  auto prepared = std::make_shared<PlainLstm>();
  prepared->w = node.input(1);
  prepared->r = node.input(2);
  if (node.has_input(3)) prepared->b = node.input(3);
  prepared->directions = problem.directions;
  prepared->hidden = problem.hidden;
  prepared->input_size = problem.x.size(2);
  prepared->reverse = problem.reverse;
  prepared->batch_first = problem.batch_first;
  const int64_t rows = 4 * problem.hidden;
  for (int64_t d = 0; d < problem.directions; d++) {
    prepared->w_t.push_back(problem.w[d].t().contiguous());
    prepared->r_t.push_back(problem.r[d].t().contiguous());
    prepared->bias.push_back(
        problem.b.defined() ? (problem.b[d].narrow(0, 0, rows) + problem.b[d].narrow(0, rows, rows)) : at::Tensor());
  }
  return prepared;
}

// One time step of one direction: gates (this step's recurrent product plus its input projection and bias,
// overwritten with their activations), then the cell state c and the hidden state h, both updated in place.
void PlainLstmStep(at::Tensor& gates, const float* projected, const float* bias, at::Tensor& c, at::Tensor& h,
                   int64_t hidden) {
  const int64_t batch = gates.size(0), rows = 4 * hidden;
  float* g = gates.data_ptr<float>();
  for (int64_t i = 0; i < batch * rows; i++) g[i] += projected[i] + (bias != nullptr ? bias[i % rows] : 0.0f);
  // ONNX's gate order is i, o, f, c: sigmoid over the first three, tanh over the last (ATen's vector kernels).
  gates.narrow(1, 0, 3 * hidden).sigmoid_();
  gates.narrow(1, 3 * hidden, hidden).tanh_();
  float* cell = c.data_ptr<float>();
  for (int64_t b = 0; b < batch; b++) {
    const float* row = g + b * rows;
    for (int64_t j = 0; j < hidden; j++) {
      float& state = cell[b * hidden + j];
      state = row[2 * hidden + j] * state + row[j] * row[3 * hidden + j];
    }
  }
  h.copy_(c).tanh_();
  float* out = h.data_ptr<float>();
  for (int64_t b = 0; b < batch; b++) {
    for (int64_t j = 0; j < hidden; j++) out[b * hidden + j] *= g[b * rows + hidden + j];
  }
}

std::vector<at::Tensor> RunPlainLstm(const NodeContext& node, const PlainLstm& lstm) {
  at::Tensor x = node.input(0);
  if (lstm.batch_first) x = x.transpose(0, 1);
  x = x.contiguous();
  const int64_t seq = x.size(0), batch = x.size(1), hidden = lstm.hidden;
  const StateShape state{lstm.directions, batch, hidden, lstm.batch_first, at::kFloat};
  const at::Tensor initial_h = StateInput(node, 5, state, "initial_h");
  const at::Tensor initial_c = StateInput(node, 6, state, "initial_c");
  const bool want_y = node.output_wanted(0);
  at::Tensor y = want_y ? at::empty({seq, lstm.directions, batch, hidden}, at::kFloat) : at::Tensor();
  at::Tensor y_h = initial_h.clone(at::MemoryFormat::Contiguous);
  at::Tensor y_c = initial_c.clone(at::MemoryFormat::Contiguous);
  for (int64_t d = 0; d < lstm.directions; d++) {
    const at::Tensor projected = Product(x.view({seq * batch, lstm.input_size}), lstm.w_t[d]).contiguous();
    const float* bias = lstm.bias[d].defined() ? lstm.bias[d].data_ptr<float>() : nullptr;
    at::Tensor h = y_h[d], c = y_c[d];
    const bool reversed = lstm.reverse || d == 1;
    for (int64_t s = 0; s < seq; s++) {
      const int64_t t = reversed ? seq - 1 - s : s;
      at::Tensor gates = Product(h, lstm.r_t[d]).contiguous();
      PlainLstmStep(gates, projected.data_ptr<float>() + t * batch * 4 * hidden, bias, c, h, hidden);
      if (want_y) {
        float* row = y.data_ptr<float>() + (t * lstm.directions + d) * batch * hidden;
        std::memcpy(row, h.data_ptr<float>(), static_cast<size_t>(batch * hidden) * sizeof(float));
      }
    }
  }
  std::vector<at::Tensor> outputs(3);
  if (want_y) outputs[0] = lstm.batch_first ? y.permute({2, 0, 1, 3}) : y;
  outputs[1] = lstm.batch_first ? y_h.transpose(0, 1) : y_h;
  outputs[2] = lstm.batch_first ? y_c.transpose(0, 1) : y_c;
  return outputs;
}

bool IsPlainLstm(const Recurrent& problem, bool peepholes, bool input_forget) {
  if (problem.x.scalar_type() != at::kFloat || problem.clip || peepholes || input_forget) return false;
  for (const auto& direction : problem.activations) {
    if (direction.size() != 3 || direction[0].kind != ActivationKind::kSigmoid ||
        direction[1].kind != ActivationKind::kTanh || direction[2].kind != ActivationKind::kTanh) {
      return false;
    }
  }
  return true;
}

std::vector<at::Tensor> Lstm(NodeContext& node) {
  KernelMemo* memo = node.memo();
  if (memo != nullptr) {
    const auto prepared = memo->Get<PlainLstm>();
    if (prepared != nullptr && prepared->Fits(node)) return RunPlainLstm(node, *prepared);
  }
  const Recurrent problem = ParseRecurrent(node, 4, {"Sigmoid", "Tanh", "Tanh"});
  const at::Tensor initial_c = StateInput(node, 6, problem, "initial_c");
  at::Tensor peepholes;
  if (node.has_input(7)) {
    peepholes = node.input(7).to(problem.x.scalar_type());
    CheckShape(peepholes, {problem.directions, 3 * problem.hidden}, "P");
  }
  const bool input_forget = node.attribute_int("input_forget", 0) != 0;
  const int64_t hidden = problem.hidden;
  if (IsPlainLstm(problem, peepholes.defined(), input_forget) && node.input(0).scalar_type() == at::kFloat &&
      !node.has_input(4)) {
    const auto prepared = PreparePlainLstm(node, problem);
    if (memo != nullptr) memo->Set(prepared);
    return RunPlainLstm(node, *prepared);
  }
  const auto make_cell = [&](int64_t d) -> Cell {
    LstmDirection cell;
    cell.r_t = problem.r[d].t();
    cell.activations = &problem.activations[static_cast<size_t>(d)];
    cell.clip = problem.clip;
    cell.input_forget = input_forget;
    cell.hidden = hidden;
    if (peepholes.defined()) {
      cell.peep_i = peepholes[d].narrow(0, 0, hidden);
      cell.peep_o = peepholes[d].narrow(0, hidden, hidden);
      cell.peep_f = peepholes[d].narrow(0, 2 * hidden, hidden);
    }
    return cell;
  };
  const auto projection = [&](int64_t d) { return InputProjection(problem, d, ProjectionBias(problem, d, 4)); };
  return RunDirections(node, problem, make_cell, projection, initial_c);
}

// ---- GRU -------------------------------------------------------------------------------------------------

struct GruDirection {
  at::Tensor r_t;             // [hidden, 3 * hidden]
  at::Tensor recurrent_bias;  // [3 * hidden] with linear_before_reset (the R-side bias), else undefined
  const std::vector<Activation>* activations;  // f, g
  std::optional<double> clip;
  bool linear_before_reset;
  int64_t hidden;

  // Gates in ONNX order z, r, h.
  State operator()(const at::Tensor& projected, const State& previous) const {
    const at::Tensor projected_zr = projected.narrow(1, 0, 2 * hidden);
    const at::Tensor projected_h = projected.narrow(1, 2 * hidden, hidden);
    at::Tensor zr, candidate_input;
    if (linear_before_reset) {
      const at::Tensor recurrent =
          recurrent_bias.defined() ? Product(previous.h, r_t).add_(recurrent_bias) : Product(previous.h, r_t);
      zr = Activate((*activations)[0], projected_zr + recurrent.narrow(1, 0, 2 * hidden), clip);
      candidate_input = at::addcmul(projected_h, zr.narrow(1, hidden, hidden), recurrent.narrow(1, 2 * hidden, hidden));
    } else {
      zr = Activate((*activations)[0], Product(previous.h, r_t.narrow(1, 0, 2 * hidden)).add_(projected_zr), clip);
      candidate_input =
          Product(zr.narrow(1, hidden, hidden) * previous.h, r_t.narrow(1, 2 * hidden, hidden)).add_(projected_h);
    }
    const at::Tensor candidate = Activate((*activations)[1], candidate_input, clip);
    // H = (1 - z) * candidate + z * H_prev
    return State{at::addcmul(candidate, zr.narrow(1, 0, hidden), previous.h - candidate), at::Tensor()};
  }
};

std::vector<at::Tensor> Gru(NodeContext& node) {
  const Recurrent problem = ParseRecurrent(node, 3, {"Sigmoid", "Tanh"});
  const bool linear_before_reset = node.attribute_int("linear_before_reset", 0) != 0;
  const int64_t hidden = problem.hidden;
  const auto make_cell = [&](int64_t d) -> Cell {
    at::Tensor recurrent_bias;
    if (linear_before_reset && problem.b.defined()) recurrent_bias = problem.b[d].narrow(0, 3 * hidden, 3 * hidden);
    return GruDirection{problem.r[d].t(), recurrent_bias,      &problem.activations[static_cast<size_t>(d)],
                        problem.clip,     linear_before_reset, hidden};
  };
  // Without linear_before_reset every R-side bias adds to the pre-activation directly.
  const auto projection = [&](int64_t d) {
    return InputProjection(problem, d, ProjectionBias(problem, d, linear_before_reset ? 0 : 3));
  };
  return RunDirections(node, problem, make_cell, projection, at::Tensor());
}

// ---- RNN -------------------------------------------------------------------------------------------------

std::vector<at::Tensor> Rnn(NodeContext& node) {
  const Recurrent problem = ParseRecurrent(node, 1, {"Tanh"});
  const auto make_cell = [&](int64_t d) -> Cell {
    return [r_t = problem.r[d].t(), activation = problem.activations[static_cast<size_t>(d)][0], clip = problem.clip](
               const at::Tensor& projected, const State& previous) {
      return State{Activate(activation, Product(previous.h, r_t).add_(projected), clip), at::Tensor()};
    };
  };
  const auto projection = [&](int64_t d) { return InputProjection(problem, d, ProjectionBias(problem, d, 1)); };
  return RunDirections(node, problem, make_cell, projection, at::Tensor());
}

}  // namespace

void RegisterRecurrentOperators(OperatorRegistry& registry) {
  registry.Add("LSTM", 1, kMaxOpset, Lstm);
  registry.Add("GRU", 1, kMaxOpset, Gru);
  registry.Add("RNN", 1, kMaxOpset, Rnn);
}

}  // namespace quarry::ml::onnx
