// Fallible functions and their try_ twins (see fallible_function.hpp).
#include "functions/fallible_function.hpp"

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/documented_function.hpp"

namespace quarry {

namespace {

duckdb::Vector& ValuesOf(duckdb::Vector& result, bool errors_wanted) {
  return errors_wanted ? *duckdb::StructVector::GetEntries(result)[0] : result;
}

}  // namespace

FallibleResult::FallibleResult(duckdb::Vector& result, duckdb::idx_t count, bool errors_wanted)
    : result_(result), values_(ValuesOf(result, errors_wanted)) {
  result_.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  values_.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  if (errors_wanted) {
    errors_ = duckdb::StructVector::GetEntries(result)[1].get();
    errors_->SetVectorType(duckdb::VectorType::FLAT_VECTOR);
    duckdb::FlatVector::Validity(*errors_).SetAllInvalid(count);  // no error unless a row fails
  }
}

void FallibleResult::Fail(duckdb::idx_t row, const std::string& why) {
  duckdb::FlatVector::SetNull(values_, row, true);
  if (errors_ == nullptr) return;
  duckdb::FlatVector::GetData<duckdb::string_t>(*errors_)[row] = duckdb::StringVector::AddString(*errors_, why);
  duckdb::FlatVector::Validity(*errors_).SetValid(row);
}

void FallibleResult::SetNull(duckdb::idx_t row) {
  duckdb::FlatVector::SetNull(result_, row, true);
  if (errors_ != nullptr) duckdb::FlatVector::SetNull(values_, row, true);
}

std::string RowError(const std::string& origin, const std::string& cause) {
  return origin.empty() ? cause : "'" + origin + "': " + cause;
}

duckdb::LogicalType TryResultType(const duckdb::LogicalType& type) {
  return duckdb::LogicalType::STRUCT({{"result", type}, {"error", duckdb::LogicalType::VARCHAR}});
}

std::string TryFunctionName(const std::string& name) {
  return "try_" + name;
}

FallibleFunctionSets MakeFallibleFunctions(const std::string& name, const std::vector<FallibleOverload>& overloads,
                                           const duckdb::LogicalType& output,
                                           duckdb::shared_ptr<duckdb::ScalarFunctionInfo> info) {
  FallibleFunctionSets sets{duckdb::ScalarFunctionSet(name), duckdb::ScalarFunctionSet(TryFunctionName(name))};
  auto add = [&](duckdb::ScalarFunctionSet& set, const FallibleOverload& overload, bool errors_wanted) {
    const FallibleExecute execute = overload.execute;
    duckdb::vector<duckdb::LogicalType> arguments = {overload.input};
    arguments.insert(arguments.end(), overload.more_inputs.begin(), overload.more_inputs.end());
    duckdb::ScalarFunction function(
        std::move(arguments), errors_wanted ? TryResultType(output) : output,
        [execute, errors_wanted](duckdb::DataChunk& args, duckdb::ExpressionState& state, duckdb::Vector& result) {
          FallibleResult fallible(result, args.size(), errors_wanted);
          execute(args, state, fallible);
        });
    function.function_info = info;
    function.stability = duckdb::FunctionStability::VOLATILE;
    set.AddFunction(std::move(function));
  };
  for (const auto& overload : overloads) {
    add(sets.plain, overload, false);
    add(sets.twin, overload, true);
  }
  return sets;
}

std::string TryFunctionDescription(const std::string& name) {
  return "As " + name + "(), with why a row gave NULL: STRUCT(result, error) where result is what " + name +
         "() returns and error names the file and the cause of a failed row (NULL when the row succeeded)";
}

void RegisterFallibleFunctions(duckdb::ExtensionLoader& loader, FallibleFunctionSets sets,
                               const std::string& description, const std::string& example,
                               const std::string& try_example) {
  const std::string name = sets.plain.name;
  RegisterDocumentedFunction(loader, std::move(sets.plain), description, example);
  RegisterDocumentedFunction(loader, std::move(sets.twin), TryFunctionDescription(name), try_example);
}

}  // namespace quarry
