// The SQL function a model becomes: `name(input)` where input is an image struct, a VARCHAR path (the
// file is read and decoded, as the seed's UDF did), a BLOB of encoded bytes, or — for task 'tensor' — a
// FLOAT[] of raw input. Output by task: image_classification → LIST(STRUCT(class, description,
// probability)) of top_k entries; embedding → FLOAT[n]; tensor → FLOAT[].
//
// Rows are cut into batches of the model's batch_size. An input the model cannot take (NULL, an invalid
// image, a file that does not decode) gives NULL and the query goes on; a batch the model throws on is
// retried row by row.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "duckdb.hpp"
#include "ml/loaded_model.hpp"

namespace duckdb {
class BoundFunctionExpression;
}  // namespace duckdb

namespace quarry {

// The scalar function set for `model` (one overload per accepted input type), named after the model.
duckdb::ScalarFunctionSet MakeModelFunction(std::shared_ptr<const ml::LoadedModel> model);

// When `expression` calls a model function on an image struct: the side in pixels the model resizes
// pictures to (its input_size); otherwise nullopt. For the optimizer (model_input_pushdown.cpp).
std::optional<int32_t> ModelPictureSide(const duckdb::BoundFunctionExpression& expression);

}  // namespace quarry
