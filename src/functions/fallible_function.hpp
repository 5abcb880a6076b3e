// Scalar functions whose rows can fail (a model, ocr, speech_segments: a path that does not decode, an
// invalid image, a model that refuses an input) and their `try_` twins. The plain function gives NULL
// for a failed row; its twin `try_NAME` returns STRUCT(result <the plain type>, error VARCHAR) with the
// same result and, for a failed row, why (the file and the cause), so the reason a row gave NULL can be
// queried. Both run one implementation, a FallibleExecute that reports each failure to a FallibleResult;
// the twin only differs in where the failures go. A NULL input is a NULL row in both (nothing failed).
//
// A FallibleResult is used by the one thread running the chunk.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "duckdb.hpp"

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

// The result vector a fallible function writes its rows into, and where its failures go.
class FallibleResult {
 public:
  // `result` is the plain function's vector, or the twin's STRUCT(result, error) vector.
  FallibleResult(duckdb::Vector& result, duckdb::idx_t count, bool errors_wanted);

  // The vector of the plain results (the twin's `result` field): FLAT, every row valid until set.
  duckdb::Vector& values() { return values_; }
  bool errors_wanted() const { return errors_ != nullptr; }

  // The row failed: a NULL result and, in the twin, `why` as its error.
  void Fail(duckdb::idx_t row, const std::string& why);
  // The row's input is NULL: the row is NULL (in the twin, the whole struct).
  void SetNull(duckdb::idx_t row);

 private:
  duckdb::Vector& result_;
  duckdb::Vector& values_;
  duckdb::Vector* errors_ = nullptr;
};

// "'origin': cause", or only the cause when the row has no file or origin (bytes, a tensor).
std::string RowError(const std::string& origin, const std::string& cause);

// One implementation shared by a function and its twin.
using FallibleExecute = void (*)(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result);

struct FallibleOverload {
  duckdb::LogicalType input;
  FallibleExecute execute;
  std::vector<duckdb::LogicalType> more_inputs = {};  // arguments after the first (tokenize's tokenizer)
};

// STRUCT(result `type`, error VARCHAR): what the twin of a function returning `type` returns.
duckdb::LogicalType TryResultType(const duckdb::LogicalType& type);

// "try_" + name.
std::string TryFunctionName(const std::string& name);

// A fallible function as DuckDB scalar function sets: the plain one (`name`) and its twin
// (`try_name`), one overload per input, each VOLATILE (expensive: never folded at bind time) and
// carrying `info` (may be null).
struct FallibleFunctionSets {
  duckdb::ScalarFunctionSet plain;
  duckdb::ScalarFunctionSet twin;
};
FallibleFunctionSets MakeFallibleFunctions(const std::string& name, const std::vector<FallibleOverload>& overloads,
                                           const duckdb::LogicalType& output,
                                           duckdb::shared_ptr<duckdb::ScalarFunctionInfo> info = nullptr);

// The twin's description, from the plain function's name.
std::string TryFunctionDescription(const std::string& name);

// Registers both functions, documented: the plain one with `description` and `example`, the twin with
// TryFunctionDescription and `try_example`.
void RegisterFallibleFunctions(duckdb::ExtensionLoader& loader, FallibleFunctionSets sets,
                               const std::string& description, const std::string& example,
                               const std::string& try_example);

}  // namespace quarry
