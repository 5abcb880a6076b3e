// CREATE MODEL and DROP MODEL, as a DuckDB parser extension:
//
//   CREATE [OR REPLACE] MODEL [IF NOT EXISTS] name FROM 'path' [WITH (key = value, ...)]
//   DROP MODEL [IF EXISTS] name
//
// Values are 'strings', numbers or bare words (true, center_crop); keys are words. DuckDB hands the
// extension only statements its own parser rejects; anything that is not one of these two is given
// back untouched, so DuckDB's own syntax errors stay as they are.
#pragma once

namespace duckdb {
class DatabaseInstance;
}

namespace quarry {

void RegisterModelStatements(duckdb::DatabaseInstance& database);

}  // namespace quarry
