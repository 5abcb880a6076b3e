// Result<T> — a value or an error message, for the layers that know nothing of DuckDB (media/, ml/,
// io/). Per-row failures (a corrupt image) travel as Results and become error rows at the SQL
// boundary; nothing in those layers throws for bad input. Third-party exceptions are caught in the
// adapter that calls the library and turned into an Error.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace quarry {

// What went wrong, in words a user can act on: fixed text first, values last ("not a PNG file: ...").
struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor): return value;
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor): return Error{..};

  bool ok() const { return std::holds_alternative<T>(state_); }
  // REQUIRES: ok().
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  // REQUIRES: !ok().
  const std::string& error() const { return std::get<Error>(state_).message; }

 private:
  std::variant<T, Error> state_;
};

}  // namespace quarry
