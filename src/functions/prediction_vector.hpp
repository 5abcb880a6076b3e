// The SQL form of a classifier's predictions, LIST(STRUCT(class, description, probability)), shared by
// image and text classification models: its type and writing one row of it.
#pragma once

#include <vector>

#include "duckdb.hpp"
#include "ml/classification.hpp"

namespace quarry {

duckdb::LogicalType PredictionType();

// Writes `predictions` as row `row` of `list` (a LIST vector of PredictionType(), FLAT).
void WritePredictions(duckdb::Vector& list, duckdb::idx_t row, const std::vector<ml::Prediction>& predictions);

}  // namespace quarry
