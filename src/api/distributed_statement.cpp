// PlanDistributed: which statements a job splits into shares (see distributed_statement.hpp).
#include "api/distributed_statement.hpp"

#include "api/distributed_aggregation.hpp"

#include <map>
#include <set>

#include "duckdb.hpp"
#include "duckdb/catalog/catalog.hpp"
#include "duckdb/catalog/catalog_entry/scalar_macro_catalog_entry.hpp"
#include "duckdb/function/scalar_macro_function.hpp"
#include "duckdb/parser/expression/cast_expression.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/parser/expression/star_expression.hpp"
#include "duckdb/parser/parsed_data/copy_info.hpp"
#include "duckdb/parser/parsed_data/create_info.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/copy_statement.hpp"
#include "duckdb/parser/statement/create_statement.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"

namespace quarry {

namespace {

using duckdb::ExpressionClass;
using duckdb::ParsedExpression;

const std::set<std::string> kFileFunctions = {"read_images", "read_audio", "read_text", "read_video", "read_pdf"};

DistributedStatement OnCoordinator(std::string reason) {
  DistributedStatement statement;
  statement.reason = std::move(reason);
  return statement;
}

// A constant string or list of strings (the file table function's first argument).
bool ConstantPatterns(const ParsedExpression& argument, std::vector<std::string>& patterns) {
  if (argument.GetExpressionClass() == ExpressionClass::FUNCTION) {  // ['a', 'b'] is list_value('a', 'b')
    const auto& list = argument.Cast<duckdb::FunctionExpression>();
    if (list.function_name != "list_value" || list.children.empty()) return false;
    for (const auto& child : list.children) {
      if (!ConstantPatterns(*child, patterns)) return false;
    }
    return true;
  }
  if (argument.GetExpressionClass() != ExpressionClass::CONSTANT) return false;
  const auto& value = argument.Cast<duckdb::ConstantExpression>().value;
  if (value.IsNull()) return false;
  if (value.type().id() == duckdb::LogicalTypeId::VARCHAR) {
    patterns.push_back(value.ToString());
    return true;
  }
  if (value.type().id() == duckdb::LogicalTypeId::LIST) {
    for (const auto& child : duckdb::ListValue::GetChildren(value)) patterns.push_back(child.ToString());
    return !patterns.empty();
  }
  return false;
}

// A named boolean argument ("recursive := true" parses as a cast of a constant).
std::optional<bool> ConstantBoolean(const ParsedExpression& argument) {
  const ParsedExpression* inner = &argument;
  if (inner->GetExpressionClass() == ExpressionClass::CAST) {
    inner = inner->Cast<duckdb::CastExpression>().child.get();
  }
  if (inner->GetExpressionClass() != ExpressionClass::CONSTANT) return std::nullopt;
  try {
    return inner->Cast<duckdb::ConstantExpression>().value.DefaultCastAs(duckdb::LogicalType::BOOLEAN).GetValue<bool>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Limits the worker's query text to the share's files (a marker ShareFilesSql replaces): a file
// function gets `share_files := <marker>`; glob(pattern) becomes unnest(<marker>) with glob's one
// column, `file`, under glob's name.
void AddShareFiles(std::string& worker_sql) {
  auto statements = duckdb::Parser();
  statements.ParseQuery(worker_sql);
  auto& node = statements.statements[0]->Cast<duckdb::SelectStatement>().node->Cast<duckdb::SelectNode>();
  auto& table_function = node.from_table->Cast<duckdb::TableFunctionRef>();
  auto& call = table_function.function->Cast<duckdb::FunctionExpression>();
  auto marker = duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value("__quarry_share_files__"));
  if (call.function_name == "glob") {
    call.function_name = "unnest";
    call.children.clear();
    call.children.push_back(std::move(marker));
    table_function.column_name_alias = {"file"};
    if (table_function.alias.empty()) table_function.alias = "glob";
  } else {
    marker->SetAlias("share_files");
    call.children.push_back(std::move(marker));
  }
  worker_sql = node.ToString();
}

// Fills `statement` from a SELECT node it can split; the reason it cannot otherwise. `allow_order`:
// ORDER BY/LIMIT may stay on rank 0 (a query), or not (COPY).
std::optional<std::string> PlanSelect(duckdb::ClientContext& context, duckdb::QueryNode& query, bool allow_order,
                                      const std::set<std::string>& wide_sums, DistributedStatement& statement) {
  if (query.type != duckdb::QueryNodeType::SELECT_NODE) return "not a plain SELECT";
  auto& node = query.Cast<duckdb::SelectNode>();
  if (!node.cte_map.map.empty()) return "it has a WITH clause";
  if (!node.from_table || node.from_table->type != duckdb::TableReferenceType::TABLE_FUNCTION) {
    return "it does not read a file table function";
  }
  auto& table_function = node.from_table->Cast<duckdb::TableFunctionRef>();
  if (table_function.function->GetExpressionClass() != ExpressionClass::FUNCTION) return "not a table function";
  auto& call = table_function.function->Cast<duckdb::FunctionExpression>();
  const bool glob = call.function_name == "glob";  // the seed's by-path form: model(file) FROM glob(...)
  if (kFileFunctions.count(call.function_name) == 0 && !glob) {
    return "it reads " + call.function_name + ", not a file function";
  }
  if (call.children.empty() || !ConstantPatterns(*call.children[0], statement.patterns)) {
    return "its file patterns are not constants";
  }
  if (glob && (call.children.size() != 1 || statement.patterns.size() != 1 ||
               statement.patterns[0].find_first_of("*?[") == std::string::npos)) {
    return "glob() of something other than one wildcard pattern";
  }
  if (glob) statement.hive_partitioning = false;
  for (size_t i = 1; i < call.children.size(); i++) {
    const auto& name = call.children[i]->GetAlias();
    if (name == "share_files") return "it names its share files itself";
    if (name == "recursive" || name == "hive_partitioning") {
      auto value = ConstantBoolean(*call.children[i]);
      if (!value) return "its " + name + " is not a constant";
      (name == "recursive" ? statement.recursive : statement.hive_partitioning) = *value;
    }
  }
  if (node.where_clause && !IsPerRow(context, *node.where_clause)) return "its WHERE clause is not per row";
  if (node.qualify || node.sample) return "it has QUALIFY or SAMPLE";
  bool per_row = node.groups.group_expressions.empty() && !node.having &&
                 node.aggregate_handling == duckdb::AggregateHandling::STANDARD_HANDLING;
  for (const auto& expression : node.select_list) per_row = per_row && IsPerRow(context, *expression);
  if (!per_row) {
    // Grouped or aggregated: partial aggregates on the workers, combined on rank 0.
    if (!allow_order) return "COPY of an aggregation";
    auto reason = PlanAggregation(context, node, wide_sums, statement);
    if (reason) return reason;
    AddShareFiles(statement.worker_sql);
    return std::nullopt;
  }
  std::string final_clause;
  for (const auto& modifier : node.modifiers) {
    if (!allow_order) return "COPY of an ordered or limited query";
    if (modifier->type == duckdb::ResultModifierType::ORDER_MODIFIER) {
      // Rank 0 orders the gathered rows: only by output columns (by name or position).
      for (const auto& order : modifier->Cast<duckdb::OrderModifier>().orders) {
        const auto kind = order.expression->GetExpressionClass();
        if (kind != ExpressionClass::COLUMN_REF && kind != ExpressionClass::CONSTANT)
          return "it orders by an expression";
      }
    } else if (modifier->type != duckdb::ResultModifierType::LIMIT_MODIFIER) {
      return "it has DISTINCT or another modifier";
    }
  }
  // The worker's query: the same without its modifiers, reading only the share's files.
  auto worker = node.Copy();
  auto& worker_node = worker->Cast<duckdb::SelectNode>();
  worker_node.modifiers.clear();
  statement.worker_sql = worker_node.ToString();
  AddShareFiles(statement.worker_sql);
  // Rank 0's part: the query's ORDER BY and LIMIT, over the gathered rows.
  auto ordered = duckdb::make_uniq<duckdb::SelectNode>();
  ordered->select_list.push_back(duckdb::make_uniq<duckdb::StarExpression>());
  ordered->from_table = duckdb::make_uniq<duckdb::BaseTableRef>();
  ordered->from_table->Cast<duckdb::BaseTableRef>().table_name = kPartsMarker;
  for (auto& modifier : node.modifiers) ordered->modifiers.push_back(modifier->Copy());
  statement.final_sql = ordered->ToString();
  return std::nullopt;
}

DistributedStatement PlanInTransaction(duckdb::ClientContext& context, duckdb::SQLStatement& parsed,
                                       const std::set<std::string>& wide_sums) {
  using duckdb::StatementType;
  switch (parsed.type) {
    case StatementType::EXTENSION_STATEMENT:  // CREATE MODEL, DROP MODEL
    case StatementType::SET_STATEMENT:
    case StatementType::VARIABLE_SET_STATEMENT:
    case StatementType::LOAD_STATEMENT: {
      DistributedStatement statement;
      statement.kind = DistributedStatement::Kind::kEverywhere;
      return statement;
    }
    case StatementType::CREATE_STATEMENT: {
      const auto type = parsed.Cast<duckdb::CreateStatement>().info->type;
      if (type == duckdb::CatalogType::MACRO_ENTRY || type == duckdb::CatalogType::TABLE_MACRO_ENTRY) {
        DistributedStatement statement;
        statement.kind = DistributedStatement::Kind::kEverywhere;
        return statement;
      }
      return OnCoordinator("it creates something rank 0 keeps");
    }
    case StatementType::SELECT_STATEMENT: {
      DistributedStatement statement;
      auto reason = PlanSelect(context, *parsed.Cast<duckdb::SelectStatement>().node, true, wide_sums, statement);
      if (reason) return OnCoordinator(*reason);
      statement.kind = DistributedStatement::Kind::kShares;
      return statement;
    }
    case StatementType::COPY_STATEMENT: {
      auto& info = *parsed.Cast<duckdb::CopyStatement>().info;
      if (info.is_from || !info.select_statement) return OnCoordinator("COPY FROM, or COPY of a table");
      std::string target = info.file_path;
      if (info.file_path_expression) {
        if (info.file_path_expression->GetExpressionClass() != ExpressionClass::CONSTANT) {
          return OnCoordinator("COPY to a computed path");
        }
        target = info.file_path_expression->Cast<duckdb::ConstantExpression>().value.ToString();
      }
      // COPY's options, as written: FORMAT parquet (a name or a string), COMPRESSION, ROW_GROUP_SIZE.
      std::map<std::string, std::string> options;
      for (const auto& [key, values] : info.options) {
        if (values.size() != 1) return OnCoordinator("COPY option " + key + " is not split");
        options[duckdb::StringUtil::Upper(key)] = values[0].ToString();
      }
      for (const auto& [key, expression] : info.parsed_options) {
        if (!expression) return OnCoordinator("COPY option " + key + " is not split");
        const std::string name = duckdb::StringUtil::Upper(key);
        if (expression->GetExpressionClass() == ExpressionClass::COLUMN_REF) {
          options[name] = expression->Cast<duckdb::ColumnRefExpression>().GetColumnName();  // FORMAT parquet
        } else if (auto flag = ConstantBoolean(*expression); flag && name == "PER_THREAD_OUTPUT") {
          options[name] = *flag ? "true" : "false";
        } else if (expression->GetExpressionClass() == ExpressionClass::CONSTANT) {
          options[name] = expression->Cast<duckdb::ConstantExpression>().value.ToString();
        } else {
          return OnCoordinator("COPY option " + key + " is not a constant");
        }
      }
      const std::string format = options.count("FORMAT") ? options["FORMAT"] : info.format;
      if (!duckdb::StringUtil::CIEquals(format, "parquet") || target.empty()) {
        return OnCoordinator("COPY to something other than a Parquet folder");
      }
      DistributedStatement statement;
      std::string copy_options = "FORMAT parquet";
      for (const auto& [key, value] : options) {
        // A folder of part files is what a job writes anyway (one per share).
        if (key == "FORMAT" || (key == "PER_THREAD_OUTPUT" && duckdb::StringUtil::CIEquals(value, "true"))) continue;
        if (key != "COMPRESSION" && key != "ROW_GROUP_SIZE")
          return OnCoordinator("COPY option " + key + " is not split");
        copy_options += ", " + key + " " + duckdb::KeywordHelper::WriteQuoted(value, '\'');
      }
      auto reason = PlanSelect(context, *info.select_statement, false, wide_sums, statement);
      if (reason) return OnCoordinator(*reason);
      statement.kind = DistributedStatement::Kind::kShares;
      statement.copy_folder = target;
      statement.copy_options = copy_options;
      return statement;
    }
    default:
      return OnCoordinator("a statement rank 0 runs");
  }
}

}  // namespace

DistributedStatement PlanDistributed(duckdb::ClientContext& context, const std::string& sql) {
  try {
    auto statements = context.ParseStatements(sql);
    if (statements.size() != 1) return OnCoordinator("not one statement");
    DistributedStatement statement;
    context.RunFunctionInTransaction([&] { statement = PlanInTransaction(context, *statements[0], {}); });
    if (statement.kind != DistributedStatement::Kind::kShares ||
        statement.worker_sql.find(" AS __qa") == std::string::npos) {
      return statement;
    }
    // A split aggregation: which partial sums are 128-bit integers (Parquet cannot carry them)?
    auto prepared = context.Prepare(ShareFilesSql(statement.worker_sql, {}));  // no files, all the columns
    if (prepared->HasError()) return OnCoordinator(prepared->GetError());
    std::set<std::string> wide_sums;
    for (size_t i = 0; i < prepared->GetTypes().size(); i++) {
      const auto type = prepared->GetTypes()[i].id();
      if (type == duckdb::LogicalTypeId::HUGEINT || type == duckdb::LogicalTypeId::UHUGEINT) {
        wide_sums.insert(prepared->GetNames()[i]);
      }
    }
    if (wide_sums.empty()) return statement;
    auto reparsed = context.ParseStatements(sql);
    DistributedStatement typed;
    context.RunFunctionInTransaction([&] { typed = PlanInTransaction(context, *reparsed[0], wide_sums); });
    return typed;
  } catch (const std::exception& error) {
    // What does not parse here fails on rank 0 with DuckDB's own message.
    return OnCoordinator(duckdb::ErrorData(error).RawMessage());
  }
}

// Whether `expression` is per-row work: no aggregate, window or subquery anywhere in it (macros are
// looked into). `context` must be in a transaction.
bool IsPerRow(duckdb::ClientContext& context, const ParsedExpression& expression, int depth) {
  if (depth > 16) return false;
  switch (expression.GetExpressionClass()) {
    case ExpressionClass::WINDOW:
    case ExpressionClass::SUBQUERY:
    case ExpressionClass::DEFAULT:
      return false;
    case ExpressionClass::FUNCTION: {
      const auto& function = expression.Cast<duckdb::FunctionExpression>();
      if (function.distinct || function.filter || !function.order_bys->orders.empty()) return false;
      auto lookup = [&](duckdb::CatalogType type) {
        return duckdb::Catalog::GetEntry(context, function.catalog, function.schema,
                                         duckdb::EntryLookupInfo(type, function.function_name),
                                         duckdb::OnEntryNotFound::RETURN_NULL);
      };
      // Functions of every kind share one namespace: the entry found must be of the kind asked for.
      auto scalar = lookup(duckdb::CatalogType::SCALAR_FUNCTION_ENTRY);
      if (!scalar || scalar->type != duckdb::CatalogType::SCALAR_FUNCTION_ENTRY) {
        auto macro = lookup(duckdb::CatalogType::MACRO_ENTRY);
        if (!macro || macro->type != duckdb::CatalogType::MACRO_ENTRY) return false;  // an aggregate, or unknown
        for (const auto& overload : macro->Cast<duckdb::ScalarMacroCatalogEntry>().macros) {
          const auto& body = overload->Cast<duckdb::ScalarMacroFunction>().expression;
          if (!body || !IsPerRow(context, *body, depth + 1)) return false;
        }
      }
      break;
    }
    default:
      break;
  }
  bool per_row = true;
  duckdb::ParsedExpressionIterator::EnumerateChildren(
      expression, [&](const ParsedExpression& child) { per_row = per_row && IsPerRow(context, child, depth); });
  return per_row;
}

std::string FinalSql(const std::string& final_sql, const std::string& parts) {
  std::string sql = final_sql;
  const auto at = sql.find(kPartsMarker);
  if (at != std::string::npos) sql.replace(at, std::string(kPartsMarker).size(), parts);
  return sql;
}

std::string ShareFilesSql(const std::string& worker_sql, const std::vector<std::string>& files) {
  std::string list = "[";
  for (size_t i = 0; i < files.size(); i++) {
    list += (i ? ", " : "") + duckdb::KeywordHelper::WriteQuoted(files[i], '\'');
  }
  list += "]::VARCHAR[]";
  std::string sql = worker_sql;
  const auto at = sql.find(kShareFilesMarker);
  if (at != std::string::npos) sql.replace(at, std::string(kShareFilesMarker).size(), list);
  return sql;
}

}  // namespace quarry
