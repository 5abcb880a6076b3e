// The SQL function a model becomes: `name(input)` where input is an image struct, a VARCHAR path (the
// file is read and decoded, as the seed's UDF did), a BLOB of encoded bytes, or — for task 'tensor' — a
// FLOAT[] of raw input. Output by task: image_classification → LIST(STRUCT(class, description,
// probability)) of top_k entries; embedding → FLOAT[n]; tensor → FLOAT[].
//
// Rows are cut into batches of the model's batch_size. An input the model cannot take (NULL, an invalid
// image, a file that does not decode) gives NULL and the query goes on; a batch the model throws on is
// retried row by row. The twin `try_name(input)` runs the same code and returns STRUCT(result, error):
// the same result and, for a row that gave NULL, why — the file (path or image origin) and the cause
// (see fallible_function.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "duckdb.hpp"
#include "functions/fallible_function.hpp"
#include "ml/loaded_model.hpp"

namespace duckdb {
class BoundFunctionExpression;
}  // namespace duckdb

namespace quarry {

// The scalar function sets for `model` (one overload per accepted input type): the function named after
// the model and its try_ twin.
FallibleFunctionSets MakeModelFunctions(std::shared_ptr<const ml::LoadedModel> model);

// What a model function takes of an image struct: the side in pixels it resizes pictures to (its
// input_size) and how many pictures it runs at once (its batch_size).
struct ModelPictureInput {
  int32_t side = 0;
  int32_t batch_size = 0;
};

// When `expression` calls a model function (or its twin) on an image struct: what it takes of it;
// otherwise nullopt. For the optimizer (model_input_pushdown.cpp).
std::optional<ModelPictureInput> ModelPictureInputOf(const duckdb::BoundFunctionExpression& expression);

}  // namespace quarry
