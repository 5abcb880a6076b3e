// GraphPlan::FoldShapes — load-time folding of the shape arithmetic exporters write around the tensors
// (see graph_plan.hpp): Shape → Gather → Unsqueeze → Concat → Reshape chains, Range/Where/Equal on
// index tensors, ConstantOfShape. It follows every value's shape through the graph, dimension by
// dimension, from the graph inputs' declared shapes, and the elements of small integer tensors, as
// numbers where they are known and as symbols where they are not (a symbolic dimension such as the
// batch stays a symbol: nothing assumes its value). A step whose outputs are then known numbers becomes
// a constant; a step whose inputs are all known is run once, by its own kernel, at load; steps nothing
// reads any more are dropped.
//
// Exactness: a folded value is what the step computes for every input the declared shapes allow.
// Dimensions come only from rules that hold for any value of the symbols; elements move through
// Gather/Slice/Concat/Unsqueeze/... by running those kernels on a stand-in tensor whose symbolic
// elements are distinct sentinel numbers (the kernels only move elements, so a sentinel in the result
// is the symbol it stands for); arithmetic on a symbol gives a new symbol. The plan checks the inputs'
// declared ranks and fixed dimensions on every run once a fold relied on them.
// It deliberately does not reason about products of symbols (a Reshape's inferred -1 on a symbolic
// batch is a new symbol), value_info, or subgraphs' own inputs.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ml/onnx/graph_plan.hpp"

namespace quarry::ml::onnx {
namespace {

// Integer tensors with at most this many elements have their elements followed.
constexpr int64_t kMaxFollowedElements = 64;
// Symbol s stands in a sentinel tensor as kSentinelBase - s; known elements in that range are not
// encoded (the analysis gives up on the step instead).
constexpr int64_t kSentinelBase = std::numeric_limits<int64_t>::min() / 2;
constexpr int64_t kMaxSymbols = int64_t{1} << 24;

// One dimension, or one element of a small integer tensor: a number, or a value known only when the
// graph runs (a symbol; equal ids are equal values).
struct Term {
  int64_t value = 0;
  int64_t symbol = 0;        // 0: `value` is the number
  bool nonnegative = false;  // a symbol that is never negative (a dimension, a count)
  bool known() const { return symbol == 0; }
  bool Same(const Term& other) const {
    return known() ? other.known() && value == other.value : symbol == other.symbol;
  }
  bool NeverNegative() const { return known() ? value >= 0 : nonnegative; }
};

Term Number(int64_t value) {
  return Term{value, 0, false};
}

}  // namespace

// What the analysis knows of a value (declared in graph_plan.hpp).
struct ShapeFact {
  bool has_shape = false;
  std::vector<Term> shape;
  at::ScalarType dtype = at::ScalarType::Undefined;
  bool has_elements = false;  // only with a known shape of known dimensions
  std::vector<Term> elements;

  bool ShapeKnown() const {
    return has_shape && std::all_of(shape.begin(), shape.end(), [](const Term& t) { return t.known(); });
  }
  bool ElementsKnown() const {
    return has_elements && std::all_of(elements.begin(), elements.end(), [](const Term& t) { return t.known(); });
  }
  std::vector<int64_t> Sizes() const {
    std::vector<int64_t> sizes;
    for (const Term& dim : shape) sizes.push_back(dim.value);
    return sizes;
  }
};

namespace {

bool FollowsElements(at::ScalarType dtype) {
  return dtype == at::kLong || dtype == at::kInt || dtype == at::kShort || dtype == at::kChar || dtype == at::kByte ||
         dtype == at::kBool;
}

bool IsOnnxOperator(const ::onnx::NodeProto& node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

int64_t AttributeInt(const ::onnx::NodeProto& node, const char* name, int64_t fallback) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.name() == name) return attribute.i();
  }
  return fallback;
}

std::optional<std::vector<int64_t>> AttributeInts(const ::onnx::NodeProto& node, const char* name) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.name() == name) return std::vector<int64_t>(attribute.ints().begin(), attribute.ints().end());
  }
  return std::nullopt;
}

const ::onnx::AttributeProto* FindAttribute(const ::onnx::NodeProto& node, const char* name) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.name() == name) return &attribute;
  }
  return nullptr;
}

}  // namespace

// The analysis of one plan: facts by slot, fresh symbols.
class ShapeAnalysis {
 public:
  explicit ShapeAnalysis(size_t slots) : facts_(slots) {}

  ShapeFact& fact(int slot) { return facts_[slot]; }
  const ShapeFact& fact_or_unknown(int slot) const { return slot < 0 ? unknown_ : facts_[slot]; }

  Term Fresh(bool nonnegative) {
    Term term;
    term.symbol = ++symbols_;
    term.nonnegative = nonnegative;
    nonnegative_[term.symbol] = nonnegative;
    return term;
  }

  // What a concrete tensor tells.
  static ShapeFact FromTensor(const at::Tensor& tensor) {
    ShapeFact fact;
    fact.has_shape = true;
    for (int64_t size : tensor.sizes()) fact.shape.push_back(Number(size));
    fact.dtype = tensor.scalar_type();
    if (FollowsElements(fact.dtype) && tensor.numel() <= kMaxFollowedElements) {
      fact.has_elements = true;
      at::Tensor values = tensor.to(at::kLong).contiguous().reshape({-1});
      const int64_t* data = values.data_ptr<int64_t>();
      for (int64_t i = 0; i < values.numel(); i++) fact.elements.push_back(Number(data[i]));
    }
    return fact;
  }

  // A fact with a known shape and, for small integer tensors, fresh elements.
  ShapeFact WithShape(std::vector<Term> shape, at::ScalarType dtype, bool nonnegative_elements = false) {
    ShapeFact fact;
    fact.has_shape = true;
    fact.shape = std::move(shape);
    fact.dtype = dtype;
    if (fact.ShapeKnown() && FollowsElements(dtype)) {
      int64_t count = 1;
      for (const Term& dim : fact.shape) count *= dim.value;
      if (count <= kMaxFollowedElements) {
        fact.has_elements = true;
        for (int64_t i = 0; i < count; i++) fact.elements.push_back(Fresh(nonnegative_elements));
      }
    }
    return fact;
  }

  // The tensor of a fact whose elements are all known, in its own type.
  static at::Tensor Materialize(const ShapeFact& fact) {
    std::vector<int64_t> values;
    for (const Term& element : fact.elements) values.push_back(element.value);
    return at::tensor(values, at::kLong).to(fact.dtype).reshape(fact.Sizes());
  }

  // The stand-in int64 tensor of a fact with elements (symbols as sentinels), or nullopt when a known
  // element could be mistaken for a sentinel.
  static std::optional<at::Tensor> Sentinels(const ShapeFact& fact) {
    std::vector<int64_t> values;
    for (const Term& element : fact.elements) {
      if (element.known() && element.value <= kSentinelBase && element.value > kSentinelBase - kMaxSymbols) {
        return std::nullopt;
      }
      values.push_back(element.known() ? element.value : kSentinelBase - element.symbol);
    }
    return at::tensor(values, at::kLong).reshape(fact.Sizes());
  }

  // The fact of a kernel's result on sentinel tensors; `dtype` is the real result's type.
  ShapeFact FromSentinels(const at::Tensor& result, at::ScalarType dtype) const {
    ShapeFact fact;
    fact.has_shape = true;
    for (int64_t size : result.sizes()) fact.shape.push_back(Number(size));
    fact.dtype = dtype;
    fact.has_elements = true;
    at::Tensor values = result.contiguous().reshape({-1});
    const int64_t* data = values.data_ptr<int64_t>();
    for (int64_t i = 0; i < values.numel(); i++) {
      const int64_t value = data[i];
      if (value <= kSentinelBase && value > kSentinelBase - kMaxSymbols) {
        const int64_t symbol = kSentinelBase - value;
        auto found = nonnegative_.find(symbol);
        fact.elements.push_back(Term{0, symbol, found != nonnegative_.end() && found->second});
      } else {
        fact.elements.push_back(Number(value));
      }
    }
    return fact;
  }

 private:
  std::vector<ShapeFact> facts_;
  ShapeFact unknown_;
  int64_t symbols_ = 0;
  std::unordered_map<int64_t, bool> nonnegative_;
};

namespace {

// Operators whose one output has the first input's shape and type.
bool KeepsShape(const std::string& op) {
  static const std::unordered_set<std::string> kOps = {"Relu",
                                                       "Sigmoid",
                                                       "Tanh",
                                                       "Erf",
                                                       "Sqrt",
                                                       "Exp",
                                                       "Log",
                                                       "Neg",
                                                       "Abs",
                                                       "Softmax",
                                                       "LogSoftmax",
                                                       "Identity",
                                                       "Dropout",
                                                       "HardSwish",
                                                       "HardSigmoid",
                                                       "LeakyRelu",
                                                       "Clip",
                                                       "Elu",
                                                       "Selu",
                                                       "Softplus",
                                                       "Softsign",
                                                       "Reciprocal",
                                                       "Floor",
                                                       "Ceil",
                                                       "Round",
                                                       "Sign",
                                                       "Sin",
                                                       "Cos",
                                                       "Gelu",
                                                       "Mish",
                                                       "LayerNormalization",
                                                       "BatchNormalization",
                                                       "InstanceNormalization",
                                                       "LpNormalization",
                                                       "PRelu",
                                                       "Hardmax"};
  return kOps.count(op) > 0;
}

// Elementwise operators that broadcast their inputs; comparisons give bool.
bool Broadcasts(const std::string& op, bool* gives_bool) {
  static const std::unordered_set<std::string> kArithmetic = {"Add", "Sub", "Mul", "Div",  "Pow",     "Mod",
                                                              "Max", "Min", "Sum", "Mean", "BitShift"};
  static const std::unordered_set<std::string> kComparisons = {"Equal",          "Less", "Greater", "LessOrEqual",
                                                               "GreaterOrEqual", "And",  "Or",      "Xor"};
  *gives_bool = kComparisons.count(op) > 0;
  return *gives_bool || kArithmetic.count(op) > 0;
}

// Operators that only move the elements of their data inputs (by index inputs that must be known):
// run on sentinel tensors. The value is the number of leading data inputs (-1: all inputs are data).
int MovesElements(const std::string& op) {
  static const std::unordered_map<std::string, int> kOps = {
      {"Gather", 1},  {"Slice", 1},     {"Unsqueeze", 1}, {"Squeeze", 1}, {"Reshape", 1}, {"Identity", 1},
      {"Flatten", 1}, {"Transpose", 1}, {"Expand", 1},    {"Tile", 1},    {"Concat", -1}};
  auto found = kOps.find(op);
  return found == kOps.end() ? 0 : found->second;
}

// numpy broadcasting of two shapes, dimension by dimension; unknown where it depends on a symbol.
std::vector<Term> Broadcast(ShapeAnalysis& analysis, const std::vector<Term>& a, const std::vector<Term>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<Term> result(rank);
  for (size_t i = 0; i < rank; i++) {
    const Term x = i + a.size() >= rank ? a[i + a.size() - rank] : Number(1);
    const Term y = i + b.size() >= rank ? b[i + b.size() - rank] : Number(1);
    if (x.Same(y) || (y.known() && y.value == 1)) {
      result[i] = x;
    } else if (x.known() && x.value == 1) {
      result[i] = y;
    } else if (x.known() && y.known()) {
      result[i] = analysis.Fresh(true);  // a broadcast error when the step runs
    } else if (x.known() || y.known()) {
      // k against a symbol s: the result is k whenever the step succeeds (s is 1 or k), unless k is 1.
      result[i] = x.known() ? x : y;
    } else {
      result[i] = analysis.Fresh(true);
    }
  }
  return result;
}

int64_t ClampIndex(int64_t index, int64_t size, int64_t low, int64_t high) {
  if (index < 0) index += size;
  return std::clamp(index, low, high);
}

}  // namespace

void GraphPlan::FoldShapes(const ::onnx::GraphProto& graph, bool use_declared_inputs) {
  ShapeAnalysis analysis(slot_names_.size());
  for (size_t slot = 0; slot < constants_.size(); slot++) {
    if (constants_[slot].defined()) analysis.fact(static_cast<int>(slot)) = ShapeAnalysis::FromTensor(constants_[slot]);
  }
  if (use_declared_inputs) {
    for (const auto& input : graph.input()) {
      auto slot = slot_of_.find(input.name());
      if (slot == slot_of_.end() || constants_[slot->second].defined() || !input.type().has_tensor_type()) continue;
      const auto& type = input.type().tensor_type();
      if (!type.has_shape()) continue;
      ShapeFact& fact = analysis.fact(slot->second);
      fact.has_shape = true;
      std::vector<int64_t> declared;
      for (const auto& dim : type.shape().dim()) {
        const bool fixed = dim.has_dim_value() && dim.dim_value() >= 0;
        fact.shape.push_back(fixed ? Number(dim.dim_value()) : analysis.Fresh(true));
        declared.push_back(fixed ? dim.dim_value() : -1);
      }
      try {
        fact.dtype = ScalarTypeFromOnnx(type.elem_type());
      } catch (const OnnxError&) {
        fact.dtype = at::ScalarType::Undefined;
      }
      for (size_t i = 0; i < input_slots_.size(); i++) {
        if (input_slots_[i] == slot->second) declared_shapes_.emplace_back(i, std::move(declared));
      }
    }
  }

  std::vector<Step> remaining;
  bool relied_on_inputs = false;
  for (Step& step : steps_) {
    const ::onnx::NodeProto& node = *step.node;
    const std::string& op = node.op_type();
    const bool pure = IsOnnxOperator(node) && !step.has_subgraph && op != "RandomNormal" && op != "RandomUniform" &&
                      op != "RandomNormalLike" && op != "RandomUniformLike" && op != "Multinomial" && op != "Bernoulli";
    std::vector<const ShapeFact*> in;
    for (int slot : step.inputs) in.push_back(&analysis.fact_or_unknown(slot));
    auto concrete = [&](size_t i) {
      return constants_[step.inputs[i]].defined() ? constants_[step.inputs[i]] : ShapeAnalysis::Materialize(*in[i]);
    };
    std::vector<ShapeFact> out(step.outputs.size());

    bool computed = false;
    if (pure) {
      // Every input known: run the step's own kernel now.
      bool all_known = true;
      for (size_t i = 0; i < in.size(); i++) {
        if (step.inputs[i] >= 0 && !constants_[step.inputs[i]].defined() && !in[i]->ElementsKnown()) {
          all_known = false;
        }
      }
      if (all_known) {
        std::vector<at::Tensor> values;
        for (size_t i = 0; i < in.size(); i++) values.push_back(step.inputs[i] < 0 ? at::Tensor() : concrete(i));
        std::vector<at::Tensor> results;
        if (RunOnValues(step, values, results)) {
          for (size_t i = 0; i < step.outputs.size(); i++) {
            if (step.outputs[i] >= 0) constants_[step.outputs[i]] = results[i];
            if (step.outputs[i] >= 0) analysis.fact(step.outputs[i]) = ShapeAnalysis::FromTensor(results[i]);
          }
          folded_count_++;
          continue;
        }
        remaining.push_back(std::move(step));
        continue;
      }
      // Element movers on partly known elements: the kernel on sentinel tensors.
      const int data_inputs = MovesElements(op);
      if (data_inputs != 0 && step.outputs.size() == 1) {
        std::vector<at::Tensor> values;
        bool usable = true;
        for (size_t i = 0; i < in.size() && usable; i++) {
          const bool data = data_inputs < 0 || static_cast<int>(i) < data_inputs;
          if (step.inputs[i] < 0) {
            values.emplace_back();
          } else if (data && in[i]->has_elements) {
            std::optional<at::Tensor> stand_in = ShapeAnalysis::Sentinels(*in[i]);
            usable = stand_in.has_value();
            if (usable) values.push_back(*stand_in);
          } else if (!data && (constants_[step.inputs[i]].defined() || in[i]->ElementsKnown())) {
            values.push_back(concrete(i));
          } else {
            usable = false;
          }
        }
        std::vector<at::Tensor> results;
        if (usable && RunOnValues(step, values, results) && results[0].scalar_type() == at::kLong &&
            results[0].numel() <= kMaxFollowedElements) {
          out[0] = analysis.FromSentinels(results[0], in[0]->dtype);
          computed = true;
        }
      }
      if (!computed) {
        computed = InferFacts(step, in, out, analysis);
      }
    }
    if (!computed) {
      for (size_t i = 0; i < step.outputs.size(); i++) {
        if (step.outputs[i] >= 0) analysis.fact(step.outputs[i]) = ShapeFact{};
      }
      remaining.push_back(std::move(step));
      continue;
    }
    bool all_outputs_known = pure;
    for (size_t i = 0; i < step.outputs.size(); i++) {
      if (step.outputs[i] < 0) continue;
      all_outputs_known = all_outputs_known && out[i].ElementsKnown() && out[i].dtype != at::ScalarType::Undefined;
    }
    if (all_outputs_known) {
      for (size_t i = 0; i < step.outputs.size(); i++) {
        if (step.outputs[i] < 0) continue;
        constants_[step.outputs[i]] = ShapeAnalysis::Materialize(out[i]);
        analysis.fact(step.outputs[i]) = std::move(out[i]);
      }
      folded_count_++;
      relied_on_inputs = true;
      continue;
    }
    for (size_t i = 0; i < step.outputs.size(); i++) {
      if (step.outputs[i] >= 0) analysis.fact(step.outputs[i]) = std::move(out[i]);
    }
    remaining.push_back(std::move(step));
  }
  steps_ = std::move(remaining);
  if (!relied_on_inputs) declared_shapes_.clear();
  DropUnreadSteps();
}

bool GraphPlan::InferFacts(const Step& step, const std::vector<const ShapeFact*>& in, std::vector<ShapeFact>& out,
                           ShapeAnalysis& analysis) const {
  const ::onnx::NodeProto& node = *step.node;
  const std::string& op = node.op_type();
  auto has = [&](size_t i) { return i < in.size() && step.inputs[i] >= 0; };
  auto ints_input = [&](size_t i) -> std::optional<std::vector<int64_t>> {
    if (!has(i)) return std::nullopt;
    const at::Tensor& constant = constants_[step.inputs[i]];
    if (constant.defined()) return ToInt64Vector(constant);
    if (!in[i]->ElementsKnown()) return std::nullopt;
    std::vector<int64_t> values;
    for (const Term& element : in[i]->elements) values.push_back(element.value);
    return values;
  };
  if (out.empty()) return false;
  if (in.empty() || !has(0)) return false;
  const ShapeFact& first = *in[0];

  if (op == "Shape") {
    if (!first.has_shape) return false;
    const auto rank = static_cast<int64_t>(first.shape.size());
    const int64_t start = ClampIndex(AttributeInt(node, "start", 0), rank, 0, rank);
    const int64_t end = std::max(start, ClampIndex(AttributeInt(node, "end", rank), rank, 0, rank));
    out[0] = analysis.WithShape({Number(end - start)}, at::kLong);
    for (int64_t i = start; i < end; i++) out[0].elements[i - start] = first.shape[i];
    return true;
  }
  if (op == "Size") {
    if (!first.has_shape) return false;
    out[0] = analysis.WithShape({}, at::kLong, true);
    if (first.ShapeKnown()) {
      int64_t count = 1;
      for (const Term& dim : first.shape) count *= dim.value;
      out[0].elements[0] = Number(count);
    }
    return true;
  }
  if (op == "Cast") {
    at::ScalarType to = at::ScalarType::Undefined;
    try {
      to = ScalarTypeFromOnnx(static_cast<int32_t>(AttributeInt(node, "to", 0)));
    } catch (const OnnxError&) {
      return false;
    }
    if (!first.has_shape) return false;
    out[0] = analysis.WithShape(first.shape, to);
    // Integers to int64 keep their values.
    if (to == at::kLong && first.has_elements && first.dtype != at::kBool && FollowsElements(first.dtype)) {
      out[0].elements = first.elements;
    }
    return true;
  }
  if (op == "Equal" && in.size() == 2 && has(1) && first.has_elements && in[1]->has_elements) {
    const ShapeFact& second = *in[1];
    const size_t a = first.elements.size(), b = second.elements.size();
    if (!(first.shape.size() <= 1 && second.shape.size() <= 1 && (a == b || a == 1 || b == 1))) return false;
    out[0] = analysis.WithShape(Broadcast(analysis, first.shape, second.shape), at::kBool);
    if (!out[0].has_elements) return true;
    for (size_t i = 0; i < out[0].elements.size(); i++) {
      const Term& l = first.elements[a == 1 ? 0 : i];
      const Term& r = second.elements[b == 1 ? 0 : i];
      if (l.Same(r)) {
        out[0].elements[i] = Number(1);
      } else if ((l.known() && r.known()) || (l.known() && l.value < 0 && r.NeverNegative()) ||
                 (r.known() && r.value < 0 && l.NeverNegative())) {
        out[0].elements[i] = Number(0);
      }
    }
    return true;
  }
  if (op == "Where" && in.size() == 3 && has(1) && has(2)) {
    if (!first.has_shape || !in[1]->has_shape || !in[2]->has_shape) return false;
    const std::vector<Term> shape = Broadcast(analysis, Broadcast(analysis, first.shape, in[1]->shape), in[2]->shape);
    out[0] = analysis.WithShape(shape, in[1]->dtype);
    // A known condition picks elements (one-dimensional, same lengths or scalars).
    if (out[0].has_elements && first.ElementsKnown() && in[1]->has_elements && in[2]->has_elements &&
        in[1]->dtype == in[2]->dtype && shape.size() <= 1) {
      const size_t n = out[0].elements.size();
      auto pick = [n](const std::vector<Term>& e, size_t i) -> const Term* {
        return e.size() == n ? &e[i] : e.size() == 1 ? &e[0] : nullptr;
      };
      for (size_t i = 0; i < n; i++) {
        const Term* c = pick(first.elements, i);
        const Term* t = pick(in[1]->elements, i);
        const Term* f = pick(in[2]->elements, i);
        if (c == nullptr || t == nullptr || f == nullptr) return true;
        out[0].elements[i] = c->value != 0 ? *t : *f;
      }
    }
    return true;
  }
  bool gives_bool = false;
  if (Broadcasts(op, &gives_bool)) {
    std::vector<Term> shape;
    bool nonnegative = op == "Add" || op == "Mul" || op == "Div" || op == "Mod" || op == "Max";
    for (size_t i = 0; i < in.size(); i++) {
      if (!has(i) || !in[i]->has_shape) return false;
      shape = i == 0 ? in[i]->shape : Broadcast(analysis, shape, in[i]->shape);
      if (!in[i]->has_elements) {
        nonnegative = false;
      } else {
        for (const Term& element : in[i]->elements) {
          const bool divisor = i > 0 && (op == "Div" || op == "Mod");
          nonnegative = nonnegative && element.NeverNegative() && (!divisor || (element.known() && element.value > 0));
        }
      }
    }
    out[0] = analysis.WithShape(shape, gives_bool ? at::kBool : first.dtype, nonnegative);
    return true;
  }
  if (!first.has_shape) return false;
  const std::vector<Term>& dims = first.shape;
  const auto rank = static_cast<int64_t>(dims.size());
  if (KeepsShape(op)) {
    out[0] = analysis.WithShape(dims, first.dtype);
    return true;
  }
  if (op == "Not") {
    out[0] = analysis.WithShape(dims, at::kBool);
    return true;
  }
  if (op == "Transpose") {
    std::vector<int64_t> perm(rank);
    for (int64_t i = 0; i < rank; i++) perm[i] = rank - 1 - i;
    perm = AttributeInts(node, "perm").value_or(perm);
    if (static_cast<int64_t>(perm.size()) != rank) return false;
    std::vector<Term> shape;
    for (int64_t axis : perm) {
      if (axis < -rank || axis >= rank) return false;
      shape.push_back(dims[axis < 0 ? axis + rank : axis]);
    }
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "MatMul" && has(1) && in[1]->has_shape && rank >= 1 && !in[1]->shape.empty()) {
    std::vector<Term> a = dims, b = in[1]->shape;
    const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
    if (a_vector) a.insert(a.begin(), Number(1));
    if (b_vector) b.push_back(Number(1));
    std::vector<Term> shape =
        Broadcast(analysis, std::vector<Term>(a.begin(), a.end() - 2), std::vector<Term>(b.begin(), b.end() - 2));
    if (!a_vector) shape.push_back(a[a.size() - 2]);
    if (!b_vector) shape.push_back(b.back());
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "Gemm" && has(1) && in[1]->has_shape && rank == 2 && in[1]->shape.size() == 2) {
    const Term m = AttributeInt(node, "transA", 0) != 0 ? dims[1] : dims[0];
    const Term n = AttributeInt(node, "transB", 0) != 0 ? in[1]->shape[0] : in[1]->shape[1];
    out[0] = analysis.WithShape({m, n}, first.dtype);
    return true;
  }
  if (op == "Reshape" && step.opset >= 5) {
    const std::optional<std::vector<int64_t>> target_known = ints_input(1);
    if (!has(1) || !in[1]->has_elements) return false;
    const bool allow_zero = AttributeInt(node, "allowzero", 0) != 0;
    const std::vector<Term>& target = in[1]->elements;
    std::vector<Term> shape;
    for (size_t i = 0; i < target.size(); i++) {
      const Term& t = target[i];
      if (t.known() && t.value > 0) {
        shape.push_back(t);
      } else if (t.known() && t.value == 0) {
        if (!allow_zero && static_cast<int64_t>(i) >= rank) return false;
        shape.push_back(allow_zero ? t : dims[i]);
      } else if (t.known() && t.value == -1 && first.ShapeKnown() && target_known.has_value()) {
        int64_t elements = 1, other = 1;
        for (const Term& dim : dims) elements *= dim.value;
        for (size_t j = 0; j < target.size(); j++) {
          if (j != i) other *= target[j].value == 0 && !allow_zero ? dims[j].value : target[j].value;
        }
        if (other <= 0 || elements % other != 0) return false;
        shape.push_back(Number(elements / other));
      } else if (!t.known() && t.nonnegative && !allow_zero && static_cast<int64_t>(i) < rank && dims[i].Same(t)) {
        shape.push_back(t);  // 0 copies dims[i], which is t anyway
      } else {
        shape.push_back(analysis.Fresh(true));
      }
    }
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    std::optional<std::vector<int64_t>> axes = step.opset >= 13 ? ints_input(1) : AttributeInts(node, "axes");
    if (step.opset >= 13 && !has(1)) axes.reset();
    if (op == "Unsqueeze") {
      if (!axes.has_value()) return false;
      const int64_t out_rank = rank + static_cast<int64_t>(axes->size());
      std::vector<bool> inserted(out_rank, false);
      for (int64_t axis : *axes) {
        if (axis < -out_rank || axis >= out_rank) return false;
        inserted[axis < 0 ? axis + out_rank : axis] = true;
      }
      std::vector<Term> shape;
      size_t next = 0;
      for (int64_t i = 0; i < out_rank; i++) shape.push_back(inserted[i] ? Number(1) : dims[next++]);
      if (next != dims.size()) return false;
      out[0] = analysis.WithShape(shape, first.dtype);
      return true;
    }
    std::vector<bool> removed(rank, false);
    if (!axes.has_value()) {
      if (!first.ShapeKnown()) return false;
      for (int64_t i = 0; i < rank; i++) removed[i] = dims[i].value == 1;
    } else {
      for (int64_t axis : *axes) {
        if (axis < -rank || axis >= rank) return false;
        removed[axis < 0 ? axis + rank : axis] = true;
      }
    }
    std::vector<Term> shape;
    for (int64_t i = 0; i < rank; i++) {
      if (!removed[i]) shape.push_back(dims[i]);
    }
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "Flatten") {
    int64_t axis = AttributeInt(node, "axis", 1);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank) return false;
    auto product = [&](int64_t from, int64_t to) {
      if (to - from == 1) return dims[from];
      int64_t value = 1;
      for (int64_t i = from; i < to; i++) {
        if (!dims[i].known()) return analysis.Fresh(true);
        value *= dims[i].value;
      }
      return Number(value);
    };
    out[0] = analysis.WithShape({product(0, axis), product(axis, rank)}, first.dtype);
    return true;
  }
  if (op == "Concat") {
    const int64_t axis_attribute = AttributeInt(node, "axis", 1);
    if (axis_attribute < -rank || axis_attribute >= rank) return false;
    const int64_t axis = axis_attribute < 0 ? axis_attribute + rank : axis_attribute;
    std::vector<Term> shape = dims;
    int64_t total = 0;
    bool total_known = true;
    for (size_t i = 0; i < in.size(); i++) {
      if (!has(i)) continue;
      if (!in[i]->has_shape || static_cast<int64_t>(in[i]->shape.size()) != rank) return false;
      const Term& length = in[i]->shape[axis];
      total_known = total_known && length.known();
      total += length.value;
      for (int64_t d = 0; d < rank; d++) {
        if (d != axis && !shape[d].known() && in[i]->shape[d].known()) shape[d] = in[i]->shape[d];
      }
    }
    shape[axis] = total_known ? Number(total) : analysis.Fresh(true);
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "Gather" && has(1) && in[1]->has_shape) {
    const int64_t axis = AttributeInt(node, "axis", 0);
    if (axis < -rank || axis >= rank) return false;
    const int64_t normalized = axis < 0 ? axis + rank : axis;
    std::vector<Term> shape(dims.begin(), dims.begin() + normalized);
    shape.insert(shape.end(), in[1]->shape.begin(), in[1]->shape.end());
    shape.insert(shape.end(), dims.begin() + normalized + 1, dims.end());
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "Slice" && step.opset >= 10) {
    const auto starts = ints_input(1);
    const auto ends = ints_input(2);
    if (!starts || !ends || starts->size() != ends->size()) return false;
    std::vector<int64_t> axes(starts->size());
    for (size_t i = 0; i < axes.size(); i++) axes[i] = static_cast<int64_t>(i);
    if (has(3)) axes = ints_input(3).value_or(std::vector<int64_t>{});
    std::vector<int64_t> steps(starts->size(), 1);
    if (has(4)) steps = ints_input(4).value_or(std::vector<int64_t>{});
    if (axes.size() != starts->size() || steps.size() != starts->size()) return false;
    std::vector<Term> shape = dims;
    for (size_t i = 0; i < axes.size(); i++) {
      if (axes[i] < -rank || axes[i] >= rank || steps[i] == 0) return false;
      const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
      const Term& size = dims[axis];
      if (!size.known()) {
        const bool whole = (*starts)[i] == 0 && steps[i] == 1 && (*ends)[i] >= std::numeric_limits<int64_t>::max() / 2;
        shape[axis] = whole ? size : analysis.Fresh(true);
        continue;
      }
      // As SliceAxis (ops/indexing.cpp) counts.
      const int64_t n = size.value;
      int64_t start = (*starts)[i], end = (*ends)[i], count = 0;
      if (start < 0) start += n;
      if (end < 0) end += n;
      if (steps[i] > 0) {
        start = std::clamp<int64_t>(start, 0, n);
        end = std::clamp<int64_t>(end, 0, n);
        const int64_t stride = std::min(steps[i], std::max<int64_t>(n, 1));
        count = end > start ? (end - start + stride - 1) / stride : 0;
      } else if (n > 0) {
        start = std::clamp<int64_t>(start, 0, n - 1);
        end = std::clamp<int64_t>(end, -1, n - 1);
        const int64_t stride = -std::max(steps[i], -n);
        count = start > end ? (start - end + stride - 1) / stride : 0;
      }
      shape[axis] = Number(count);
    }
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "Conv" && has(1) && in[1]->ShapeKnown() && rank >= 3 && static_cast<int64_t>(in[1]->shape.size()) == rank) {
    const std::string auto_pad = FindAttribute(node, "auto_pad") ? FindAttribute(node, "auto_pad")->s() : "NOTSET";
    const size_t spatial = static_cast<size_t>(rank - 2);
    const auto kernel = AttributeInts(node, "kernel_shape").value_or(std::vector<int64_t>{});
    const auto pads = AttributeInts(node, "pads").value_or(std::vector<int64_t>(2 * spatial, 0));
    const auto strides = AttributeInts(node, "strides").value_or(std::vector<int64_t>(spatial, 1));
    const auto dilations = AttributeInts(node, "dilations").value_or(std::vector<int64_t>(spatial, 1));
    if (pads.size() != 2 * spatial || strides.size() != spatial || dilations.size() != spatial) return false;
    std::vector<Term> shape = {dims[0], in[1]->shape[0]};
    for (size_t i = 0; i < spatial; i++) {
      const int64_t k = kernel.size() == spatial ? kernel[i] : in[1]->shape[2 + i].value;
      const Term& size = dims[2 + i];
      if (auto_pad != "NOTSET" || !size.known() || strides[i] <= 0) {
        shape.push_back(analysis.Fresh(true));
        continue;
      }
      const int64_t span = size.value + pads[i] + pads[i + spatial] - dilations[i] * (k - 1) - 1;
      shape.push_back(span < 0 ? analysis.Fresh(true) : Number(span / strides[i] + 1));
    }
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if ((op == "GlobalAveragePool" || op == "GlobalMaxPool") && rank >= 2) {
    std::vector<Term> shape = {dims[0], dims[1]};
    for (int64_t i = 2; i < rank; i++) shape.push_back(Number(1));
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "Pad" && step.opset >= 11 && !has(3)) {
    const auto pads = ints_input(1);
    if (!pads || static_cast<int64_t>(pads->size()) != 2 * rank) return false;
    std::vector<Term> shape = dims;
    for (int64_t i = 0; i < rank; i++) {
      const int64_t added = (*pads)[i] + (*pads)[i + rank];
      if (added != 0) shape[i] = dims[i].known() ? Number(dims[i].value + added) : analysis.Fresh(true);
    }
    out[0] = analysis.WithShape(shape, first.dtype);
    return true;
  }
  if (op == "ConstantOfShape" && first.has_elements) {
    at::ScalarType dtype = at::kFloat;
    if (const auto* value = FindAttribute(node, "value"); value != nullptr && value->has_t()) {
      try {
        dtype = ScalarTypeFromOnnx(value->t().data_type());
      } catch (const OnnxError&) {
        return false;
      }
    }
    std::vector<Term> shape;
    for (const Term& element : first.elements)
      shape.push_back(element.NeverNegative() ? element : analysis.Fresh(true));
    out[0] = analysis.WithShape(shape, dtype);
    return true;
  }
  if (op == "Expand" && has(1) && in[1]->has_elements && in[1]->shape.size() == 1) {
    // The target dims are never negative when the step succeeds.
    std::vector<Term> target;
    for (const Term& element : in[1]->elements)
      target.push_back(element.NeverNegative() ? element : analysis.Fresh(true));
    out[0] = analysis.WithShape(Broadcast(analysis, dims, target), first.dtype);
    return true;
  }
  return false;
}

void GraphPlan::DropUnreadSteps() {
  std::vector<int> reads = ReadCounts();
  std::vector<bool> dropped(steps_.size(), false);
  for (size_t i = steps_.size(); i-- > 0;) {
    const Step& step = steps_[i];
    if (step.has_subgraph) continue;
    bool unread = true;
    for (int slot : step.outputs) unread = unread && (slot < 0 || reads[slot] == 0);
    if (!unread) continue;
    dropped[i] = true;
    for (int slot : step.inputs) {
      if (slot >= 0) reads[slot]--;
    }
  }
  DropSteps(dropped);
}

}  // namespace quarry::ml::onnx
