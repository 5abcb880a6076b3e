// An optimizer rule: when every use of read_images' `image` column in a query is as the input of a model
// function (`SELECT r18(image) FROM read_images(...)`), read_images decodes JPEGs at the smallest DCT scale
// still covering the largest of those models' input sizes, as a model called on a file's path already
// does. A 12-megapixel photo then decodes at 1/4 or 1/8 of its size, several times faster, and the model
// sees the same pixels it sees by path; and the scan's chunks hold one batch of those models each, so
// batches are full and the threads take turns in steps of one batch. Any other use of the column (it is shown, stored,
// filtered, grouped, passed to another function, or the plan has an operator the rule does not follow, such as a UNION
// or a window) leaves the scan as it is.
#pragma once

#include "duckdb.hpp"

namespace quarry {

// Adds the rule to the database's optimizer extensions.
void RegisterModelInputPushdown(duckdb::DatabaseInstance& database);

}  // namespace quarry
