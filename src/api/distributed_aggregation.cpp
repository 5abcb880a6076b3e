// PlanAggregation: partial aggregates on the workers, combined on rank 0 (see distributed_aggregation.hpp).
#include "api/distributed_aggregation.hpp"

#include <map>
#include <set>

#include "duckdb.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"

namespace quarry {

namespace {

using duckdb::ExpressionClass;
using duckdb::ParsedExpression;
using duckdb::unique_ptr;

// The aggregates whose partial results combine: name -> (partials on a worker, combination on rank 0),
// with {arg} the argument and {k} the aggregate's number.
const std::map<std::string, std::pair<std::vector<std::string>, std::string>> kSplitAggregates = {
    {"count_star", {{"count_star() AS __qa{k}"}, "coalesce(CAST(sum(__qa{k}) AS BIGINT), 0)"}},
    {"count", {{"count({arg}) AS __qa{k}"}, "coalesce(CAST(sum(__qa{k}) AS BIGINT), 0)"}},
    {"sum", {{"sum({arg}) AS __qa{k}"}, "sum(__qa{k})"}},
    {"min", {{"min({arg}) AS __qa{k}"}, "min(__qa{k})"}},
    {"max", {{"max({arg}) AS __qa{k}"}, "max(__qa{k})"}},
    {"avg", {{"sum({arg}) AS __qa{k}s", "count({arg}) AS __qa{k}c"}, "sum(__qa{k}s) / sum(__qa{k}c)"}},
    {"mean", {{"sum({arg}) AS __qa{k}s", "count({arg}) AS __qa{k}c"}, "sum(__qa{k}s) / sum(__qa{k}c)"}},
};

std::string Fill(std::string text, const std::string& argument, size_t k) {
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"{arg}", argument}, {"{k}", std::to_string(k)}}) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

unique_ptr<ParsedExpression> ParseExpression(const std::string& text) {
  auto list = duckdb::Parser::ParseExpressionList(text);
  return std::move(list[0]);
}

class Splitter {
 public:
  Splitter(duckdb::ClientContext& context, std::vector<unique_ptr<ParsedExpression>> groups,
           const std::set<std::string>& wide_sums)
      : context_(context), groups_(std::move(groups)), wide_sums_(wide_sums) {
    for (const auto& group : groups_) group_text_.push_back(group->ToString());
  }

  // Rewrites `expression` for rank 0: group expressions become their gathered column, aggregates their
  // combination. Returns why it cannot, if it cannot.
  std::optional<std::string> Rewrite(unique_ptr<ParsedExpression>& expression) {
    const std::string alias = expression->GetAlias();
    const std::string text = expression->ToString();
    for (size_t i = 0; i < group_text_.size(); i++) {
      if (text == group_text_[i]) {
        expression = duckdb::make_uniq<duckdb::ColumnRefExpression>("__qg" + std::to_string(i));
        expression->SetAlias(alias);
        return std::nullopt;
      }
    }
    switch (expression->GetExpressionClass()) {
      case ExpressionClass::WINDOW:
      case ExpressionClass::SUBQUERY:
        return "it uses a window or a subquery";
      case ExpressionClass::COLUMN_REF:
        return "the column " + text + " is neither grouped nor aggregated";
      case ExpressionClass::FUNCTION: {
        auto& function = expression->Cast<duckdb::FunctionExpression>();
        auto split = kSplitAggregates.find(function.function_name);
        if (split != kSplitAggregates.end() && function.schema.empty()) {
          if (function.distinct || function.filter || !function.order_bys->orders.empty()) {
            return "an aggregate with DISTINCT, FILTER or ORDER BY";
          }
          if (function.children.size() > 1) return "an aggregate of several arguments";
          for (const auto& child : function.children) {
            if (!IsPerRow(context_, *child)) return "an aggregate of an aggregate";
          }
          const size_t k = aggregates_++;
          const std::string argument = function.children.empty() ? "" : function.children[0]->ToString();
          std::string combination = Fill(split->second.second, argument, k);
          for (const auto& partial : split->second.first) {
            std::string filled = Fill(partial, argument, k);
            const std::string column = filled.substr(filled.rfind(' ') + 1);
            if (wide_sums_.count(column) > 0) {  // sum({arg}) AS __qaK -> as DECIMAL(38, 0), back to HUGEINT
              filled = "CAST(" + filled.substr(0, filled.rfind(" AS ")) + " AS DECIMAL(38, 0)) AS " + column;
              const std::string sum = "sum(" + column + ")";
              const auto at = combination.find(sum);
              if (at != std::string::npos) combination.replace(at, sum.size(), "CAST(" + sum + " AS HUGEINT)");
            }
            partials_.push_back(filled);
          }
          expression = ParseExpression(combination);
          expression->SetAlias(alias);
          return std::nullopt;
        }
        if (!IsPerRow(context_, *expression)) {
          bool has_children = false;
          duckdb::ParsedExpressionIterator::EnumerateChildren(*expression,
                                                              [&](const ParsedExpression&) { has_children = true; });
          if (!has_children) return "the aggregate " + function.function_name + " is not split";
        }
        break;
      }
      default:
        break;
    }
    std::optional<std::string> reason;
    duckdb::ParsedExpressionIterator::EnumerateChildren(*expression, [&](unique_ptr<ParsedExpression>& child) {
      if (!reason) reason = Rewrite(child);
    });
    return reason;
  }

  const std::vector<unique_ptr<ParsedExpression>>& groups() const { return groups_; }
  const std::vector<std::string>& partials() const { return partials_; }

 private:
  duckdb::ClientContext& context_;
  std::vector<unique_ptr<ParsedExpression>> groups_;
  std::vector<std::string> group_text_;
  std::vector<std::string> partials_;
  const std::set<std::string>& wide_sums_;
  size_t aggregates_ = 0;
};

// The GROUP BY expressions as expressions over the source: positions and select-list aliases resolved.
std::optional<std::string> ResolveGroups(const duckdb::SelectNode& node,
                                         std::vector<unique_ptr<ParsedExpression>>& groups) {
  if (node.aggregate_handling != duckdb::AggregateHandling::STANDARD_HANDLING) return "GROUP BY ALL";
  if (node.groups.grouping_sets.size() > 1) return "GROUPING SETS, ROLLUP or CUBE";
  for (const auto& group : node.groups.group_expressions) {
    unique_ptr<ParsedExpression> resolved;
    if (group->GetExpressionClass() == ExpressionClass::CONSTANT) {
      const auto& value = group->Cast<duckdb::ConstantExpression>().value;
      if (!value.type().IsIntegral()) return "it groups by a constant";
      const auto position = value.GetValue<int64_t>();
      if (position < 1 || position > static_cast<int64_t>(node.select_list.size())) return "GROUP BY position";
      resolved = node.select_list[static_cast<size_t>(position - 1)]->Copy();
    } else if (group->GetExpressionClass() == ExpressionClass::COLUMN_REF &&
               !group->Cast<duckdb::ColumnRefExpression>().IsQualified()) {
      const auto& name = group->Cast<duckdb::ColumnRefExpression>().GetColumnName();
      for (const auto& item : node.select_list) {
        if (!item->GetAlias().empty() && duckdb::StringUtil::CIEquals(item->GetAlias(), name)) resolved = item->Copy();
      }
    }
    if (!resolved) resolved = group->Copy();
    resolved->ClearAlias();
    groups.push_back(std::move(resolved));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> PlanAggregation(duckdb::ClientContext& context, const duckdb::SelectNode& node,
                                           const std::set<std::string>& wide_sums, DistributedStatement& statement) {
  std::vector<unique_ptr<ParsedExpression>> groups;
  if (auto reason = ResolveGroups(node, groups)) return reason;
  for (const auto& group : groups) {
    if (!IsPerRow(context, *group)) return "it groups by an aggregate";
  }
  Splitter splitter(context, std::move(groups), wide_sums);
  // Rank 0's query: the select list and ORDER BY over the gathered groups and partial aggregates.
  duckdb::SelectNode final_node;
  for (const auto& item : node.select_list) {
    auto rewritten = item->Copy();
    if (auto reason = splitter.Rewrite(rewritten)) return reason;
    rewritten->SetAlias(item->GetName());  // the column keeps the name one process gives it
    final_node.select_list.push_back(std::move(rewritten));
  }
  if (node.having) {  // over the combined groups, on rank 0
    auto having = node.having->Copy();
    if (auto reason = splitter.Rewrite(having)) return reason;
    final_node.having = std::move(having);
  }
  for (const auto& modifier : node.modifiers) {
    auto copy = modifier->Copy();
    if (copy->type == duckdb::ResultModifierType::ORDER_MODIFIER) {
      for (auto& order : copy->Cast<duckdb::OrderModifier>().orders) {
        // By an output column's name or position, as written; otherwise rewritten like the select list.
        const auto kind = order.expression->GetExpressionClass();
        if (kind == ExpressionClass::CONSTANT) continue;
        bool is_output_name = false;
        if (kind == ExpressionClass::COLUMN_REF) {
          const auto& name = order.expression->Cast<duckdb::ColumnRefExpression>().GetColumnName();
          for (const auto& item : node.select_list)
            is_output_name |= duckdb::StringUtil::CIEquals(item->GetName(), name);
        }
        if (is_output_name) continue;
        if (auto reason = splitter.Rewrite(order.expression)) return reason;
      }
    } else if (copy->type != duckdb::ResultModifierType::LIMIT_MODIFIER) {
      return "it has DISTINCT or another modifier";
    }
    final_node.modifiers.push_back(std::move(copy));
  }
  final_node.from_table = duckdb::make_uniq<duckdb::BaseTableRef>();
  final_node.from_table->Cast<duckdb::BaseTableRef>().table_name = kPartsMarker;
  duckdb::GroupingSet all_groups;
  for (size_t i = 0; i < splitter.groups().size(); i++) {
    final_node.groups.group_expressions.push_back(
        duckdb::make_uniq<duckdb::ColumnRefExpression>("__qg" + std::to_string(i)));
    all_groups.insert(i);
  }
  if (!all_groups.empty()) final_node.groups.grouping_sets.push_back(all_groups);
  statement.final_sql = final_node.ToString();

  // The worker's query: its share's groups and partial aggregates.
  std::string select;
  for (size_t i = 0; i < splitter.groups().size(); i++) {
    select += (select.empty() ? "" : ", ") + splitter.groups()[i]->ToString() + " AS __qg" + std::to_string(i);
  }
  for (const auto& partial : splitter.partials()) select += (select.empty() ? "" : ", ") + partial;
  if (select.empty()) return "nothing to aggregate";
  std::string worker = "SELECT " + select + " FROM " + node.from_table->ToString();
  if (node.where_clause) worker += " WHERE " + node.where_clause->ToString();
  if (!splitter.groups().empty()) {
    worker += " GROUP BY ";
    for (size_t i = 0; i < splitter.groups().size(); i++) worker += (i ? ", " : "") + std::to_string(i + 1);
  }
  statement.worker_sql = worker;
  return std::nullopt;
}

}  // namespace quarry
