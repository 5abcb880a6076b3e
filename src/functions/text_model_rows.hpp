// Text models (CREATE MODEL ... WITH (task = 'text_embedding' | 'text_classification' |
// 'token_classification', tokenizer = ...)) over VARCHAR rows: each chunk's texts are tokenized, grouped
// into batches of similar length, run, and their outputs pooled / classified into the result vector.
#pragma once

#include "duckdb.hpp"
#include "functions/fallible_function.hpp"
#include "ml/loaded_model.hpp"

namespace quarry {

// text_embedding: FLOAT[H]; text_classification: LIST(STRUCT(class, description, probability));
// token_classification: LIST(STRUCT(token_id, token, label, probability)); with overflow = 'windows', a
// LIST of these, one per window.
duckdb::LogicalType TextModelOutputType(const ml::LoadedModel& model);

// Runs `model` over `count` VARCHAR rows of `input`, writing each row's output or failure to `result`.
void RunTextModel(const ml::LoadedModel& model, duckdb::Vector& input, duckdb::idx_t count, FallibleResult& result);

}  // namespace quarry
