// The picture pushdown rule (see model_input_pushdown.hpp). It runs after DuckDB's optimizers, on the
// final logical plan: for each read_images scan it follows the binding of its `image` column through
// projections that pass it on unchanged, and classifies every reference to it: a model's input (the
// scan may decode smaller) or image_resize to one size (the scan may hand the pictures over resized,
// and the image_resize calls, now copies, leave the plan).
#include "functions/model_input_pushdown.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "duckdb/optimizer/optimizer_extension.hpp"
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/expression/bound_function_expression.hpp"
#include "duckdb/planner/expression_iterator.hpp"
#include "duckdb/planner/logical_operator_visitor.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "duckdb/planner/operator/logical_projection.hpp"
#include "functions/file_scan.hpp"
#include "functions/model_function.hpp"

namespace quarry {
namespace {

using duckdb::ColumnBinding;
using duckdb::Expression;
using duckdb::ExpressionClass;
using duckdb::LogicalOperator;
using duckdb::LogicalOperatorType;

// Operators the rule can see every use of a column through: their expressions are all the references
// they make, and they pass their children's bindings on unchanged (or, for projections, by expression).
bool IsFollowed(LogicalOperatorType type) {
  switch (type) {
    case LogicalOperatorType::LOGICAL_PROJECTION:
    case LogicalOperatorType::LOGICAL_FILTER:
    case LogicalOperatorType::LOGICAL_AGGREGATE_AND_GROUP_BY:
    case LogicalOperatorType::LOGICAL_LIMIT:
    case LogicalOperatorType::LOGICAL_ORDER_BY:
    case LogicalOperatorType::LOGICAL_TOP_N:
    case LogicalOperatorType::LOGICAL_GET:
    case LogicalOperatorType::LOGICAL_COMPARISON_JOIN:
    case LogicalOperatorType::LOGICAL_CROSS_PRODUCT:
    case LogicalOperatorType::LOGICAL_CREATE_TABLE:
    case LogicalOperatorType::LOGICAL_INSERT:
    case LogicalOperatorType::LOGICAL_COPY_TO_FILE:
      return true;
    default:
      return false;
  }
}

// Sinks store their child's output: the child's columns are the query's result.
bool IsSink(LogicalOperatorType type) {
  return type == LogicalOperatorType::LOGICAL_CREATE_TABLE || type == LogicalOperatorType::LOGICAL_INSERT ||
         type == LogicalOperatorType::LOGICAL_COPY_TO_FILE;
}

bool PlanIsFollowed(const LogicalOperator& op) {
  if (!IsFollowed(op.type)) return false;
  return std::all_of(op.children.begin(), op.children.end(), [](const auto& child) { return PlanIsFollowed(*child); });
}

void CollectImageScans(LogicalOperator& op, std::vector<duckdb::LogicalGet*>& scans) {
  if (op.type == LogicalOperatorType::LOGICAL_GET) {
    auto& get = op.Cast<duckdb::LogicalGet>();
    if (get.function.name == "read_images" && FileScanReader(get.bind_data.get()) != nullptr) scans.push_back(&get);
  }
  for (auto& child : op.children) CollectImageScans(*child, scans);
}

// The uses of a set of bindings (one column, renamed by projections) across a plan.
class ColumnUses {
 public:
  explicit ColumnUses(ColumnBinding binding) { bindings_.insert(Key(binding)); }

  // Walks the plan until no projection passes the column on under a binding not yet followed.
  void Classify(LogicalOperator& root) {
    size_t followed = 0;
    while (!refused_ && followed != bindings_.size()) {
      followed = bindings_.size();
      models_.clear();
      resizes_.clear();
      resize_uses_.clear();
      Visit(root);
    }
  }

  // The largest model input size the column feeds, when every use is a model's input (and there is one).
  std::optional<int32_t> PictureSide(LogicalOperator& root) const {
    if (refused_ || models_.empty() || !resizes_.empty() || InResult(root)) return std::nullopt;
    int32_t side = 0;
    for (const ModelPictureInput& model : models_) side = std::max(side, model.side);
    return side;
  }

  // When PictureSide holds: the rows a chunk of the scan should hold so that it splits into full batches
  // of every model the column feeds (the least common multiple of their batch sizes), or nullopt when
  // that is more than DuckDB's vector holds anyway.
  std::optional<duckdb::idx_t> BatchRows(LogicalOperator& root) const {
    if (!PictureSide(root)) return std::nullopt;
    duckdb::idx_t rows = 1;
    for (const ModelPictureInput& model : models_) {
      if (model.batch_size <= 0) return std::nullopt;
      rows = std::lcm(rows, static_cast<duckdb::idx_t>(model.batch_size));
      if (rows >= STANDARD_VECTOR_SIZE) return std::nullopt;
    }
    return rows;
  }

  // The one size every use resizes the pictures to, when every use is image_resize(image, w, h).
  std::optional<std::pair<int32_t, int32_t>> ExactResize(LogicalOperator& root) const {
    if (refused_ || resizes_.empty() || !models_.empty() || InResult(root)) return std::nullopt;
    if (!std::all_of(resizes_.begin(), resizes_.end(), [&](const auto& size) { return size == resizes_[0]; })) {
      return std::nullopt;
    }
    return resizes_[0];
  }

  // Replaces every image_resize(image, w, h) by `image` itself, once the scan hands the pictures over
  // exactly as that call makes them (ExactResize): resizing a picture to its own size is a copy.
  void DropResizes() {
    for (duckdb::unique_ptr<Expression>* use : resize_uses_) {
      auto& function = (*use)->Cast<duckdb::BoundFunctionExpression>();
      duckdb::unique_ptr<Expression> image = std::move(function.children[0]);
      image->alias = function.alias;
      *use = std::move(image);
    }
    resize_uses_.clear();
  }

 private:
  using BindingKey = std::pair<duckdb::idx_t, duckdb::idx_t>;
  static BindingKey Key(const ColumnBinding& binding) { return {binding.table_index, binding.column_index}; }

  // Whether the query's result holds the pictures themselves.
  bool InResult(LogicalOperator& root) const {
    LogicalOperator* result = &root;
    while (IsSink(result->type) && !result->children.empty()) result = result->children[0].get();
    for (const auto& binding : result->GetColumnBindings()) {
      if (bindings_.count(Key(binding)) > 0) return true;
    }
    return false;
  }

  bool IsFollowedColumn(const Expression& expression) const {
    return expression.GetExpressionClass() == ExpressionClass::BOUND_COLUMN_REF &&
           bindings_.count(Key(expression.Cast<duckdb::BoundColumnRefExpression>().binding)) > 0;
  }

  void Visit(LogicalOperator& op) {
    if (op.type == LogicalOperatorType::LOGICAL_PROJECTION) {
      for (duckdb::idx_t i = 0; i < op.expressions.size(); i++) {
        if (IsFollowedColumn(*op.expressions[i])) {
          bindings_.insert({op.Cast<duckdb::LogicalProjection>().table_index, i});  // passed on as it is
        } else {
          VisitExpression(op.expressions[i]);
        }
      }
    } else {
      // Every expression of the operator: filters, aggregates and groups, orders, join conditions, ...
      duckdb::LogicalOperatorVisitor::EnumerateExpressions(op, [&](duckdb::unique_ptr<Expression>* expression) {
        if (IsFollowedColumn(**expression)) {
          refused_ = true;  // grouped, sorted, compared, filtered on as a whole
        } else {
          VisitExpression(*expression);
        }
      });
    }
    for (auto& child : op.children) Visit(*child);
  }

  // `slot` holds the expression (so that DropResizes can replace it).
  void VisitExpression(duckdb::unique_ptr<Expression>& slot) {
    Expression& expression = *slot;
    duckdb::ExpressionIterator::EnumerateChildren(expression, [&](duckdb::unique_ptr<Expression>& child_slot) {
      Expression& child = *child_slot;
      if (!IsFollowedColumn(child)) return VisitExpression(child_slot);
      if (expression.GetExpressionClass() != ExpressionClass::BOUND_FUNCTION) {
        refused_ = true;
        return;
      }
      const auto& function = expression.Cast<duckdb::BoundFunctionExpression>();
      if (auto input = ModelPictureInputOf(function)) {
        models_.push_back(*input);
      } else if (auto size = StretchResizeSize(function, child)) {
        resizes_.push_back(*size);
        resize_uses_.push_back(&slot);
      } else {
        refused_ = true;
      }
    });
  }

  // (width, height) when `function` is image_resize(image, width, height) in stretch mode with
  // constant sizes and `image` its picture argument.
  static std::optional<std::pair<int32_t, int32_t>> StretchResizeSize(const duckdb::BoundFunctionExpression& function,
                                                                      const Expression& image) {
    if (function.function.name != "__quarry_image_resize" || function.children.size() != 4 ||
        function.children[0].get() != &image) {
      return std::nullopt;
    }
    auto constant = [&](size_t i) -> const duckdb::Value* {
      if (function.children[i]->GetExpressionClass() != ExpressionClass::BOUND_CONSTANT) return nullptr;
      const auto& value = function.children[i]->Cast<duckdb::BoundConstantExpression>().value;
      return value.IsNull() ? nullptr : &value;
    };
    const duckdb::Value* width = constant(1);
    const duckdb::Value* height = constant(2);
    const duckdb::Value* mode = constant(3);
    if (!width || !height || !mode || !width->type().IsIntegral() || !height->type().IsIntegral() ||
        mode->ToString() != "stretch") {
      return std::nullopt;
    }
    const int64_t w = width->GetValue<int64_t>();
    const int64_t h = height->GetValue<int64_t>();
    constexpr int64_t kLargest = 1 << 16;  // larger targets: the resize's own checks and errors, row by row
    if (w <= 0 || h <= 0 || w > kLargest || h > kLargest) return std::nullopt;
    return std::make_pair(static_cast<int32_t>(w), static_cast<int32_t>(h));
  }

  std::set<BindingKey> bindings_;
  std::vector<ModelPictureInput> models_;  // the models the column feeds
  std::vector<std::pair<int32_t, int32_t>> resizes_;
  std::vector<duckdb::unique_ptr<Expression>*> resize_uses_;  // where each of resizes_ is, in the plan
  bool refused_ = false;
};

// The position of the `image` column among the scan's column ids, when the scan reads it whole and no
// filter was pushed into the scan on it.
std::optional<duckdb::idx_t> WholeImageColumn(const duckdb::LogicalGet& get) {
  const auto& column_ids = get.GetColumnIds();
  for (duckdb::idx_t i = 0; i < column_ids.size(); i++) {
    const auto& column = column_ids[i];
    if (column.IsRowIdColumn() || column.GetPrimaryIndex() >= get.names.size()) continue;
    if (get.names[column.GetPrimaryIndex()] != "image") continue;
    if (column.HasChildren() || get.table_filters.filters.count(i) > 0 ||
        get.table_filters.filters.count(column.GetPrimaryIndex()) > 0) {
      return std::nullopt;
    }
    return i;
  }
  return std::nullopt;
}

void PushModelInputSize(duckdb::OptimizerExtensionInput&, duckdb::unique_ptr<LogicalOperator>& plan) {
  if (!plan) return;
  // EXPLAIN shows (and EXPLAIN ANALYZE runs) the plan below it: the rule applies there, so EXPLAIN
  // shows what the query itself does.
  LogicalOperator* root = plan.get();
  while (root->type == LogicalOperatorType::LOGICAL_EXPLAIN && !root->children.empty()) {
    root = root->children[0].get();
  }
  if (!PlanIsFollowed(*root)) return;
  std::vector<duckdb::LogicalGet*> scans;
  CollectImageScans(*root, scans);
  for (duckdb::LogicalGet* get : scans) {
    const auto column = WholeImageColumn(*get);
    if (!column) continue;
    ColumnUses uses(ColumnBinding(get->table_index, *column));
    uses.Classify(*root);
    FileRowReader* reader = FileScanReader(get->bind_data.get());
    if (const auto side = uses.PictureSide(*root)) reader->HintMinimumPictureSide(*side);
    if (const auto rows = uses.BatchRows(*root)) HintRowsPerChunk(get->bind_data.get(), *rows);
    if (const auto size = uses.ExactResize(*root)) {
      if (reader->HintExactResize(size->first, size->second)) uses.DropResizes();
    }
  }
}

}  // namespace

void RegisterModelInputPushdown(duckdb::DatabaseInstance& database) {
  duckdb::OptimizerExtension extension;
  extension.optimize_function = PushModelInputSize;
  duckdb::DBConfig::GetConfig(database).optimizer_extensions.push_back(extension);
}

}  // namespace quarry
