/* c_host — a DuckDB host like DuckDB's CLI and Python module: it loads DuckDB privately and uses only
 * DuckDB's C API, then LOADs quarry's extension and runs queries.
 *
 *   quarry_extension_c_host LIBDUCKDB EXTENSION [SQL...]
 *
 * LIBDUCKDB is opened with dlopen(RTLD_NOW | RTLD_LOCAL): none of DuckDB's symbols, C or C++, are in
 * the process's global scope (checked below), and this program exports none. The extension still
 * finds DuckDB: its NEEDED libduckdb.so is matched by soname with the copy loaded here. Each SQL's
 * rows are printed one per line, values separated by tabs, NULL as NULL; the first error is printed
 * to stderr and ends the program with status 1. tests/extension/c_host.test.mjs drives it. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duckdb.h"

/* The C API functions used, resolved from the privately loaded library. */
struct DuckDBApi {
  __typeof__(duckdb_create_config)* create_config;
  __typeof__(duckdb_set_config)* set_config;
  __typeof__(duckdb_destroy_config)* destroy_config;
  __typeof__(duckdb_open_ext)* open_ext;
  __typeof__(duckdb_close)* close;
  __typeof__(duckdb_connect)* connect;
  __typeof__(duckdb_disconnect)* disconnect;
  __typeof__(duckdb_query)* query;
  __typeof__(duckdb_result_error)* result_error;
  __typeof__(duckdb_column_count)* column_count;
  __typeof__(duckdb_row_count)* row_count;
  __typeof__(duckdb_value_is_null)* value_is_null;
  __typeof__(duckdb_value_varchar)* value_varchar;
  __typeof__(duckdb_free)* free;
  __typeof__(duckdb_destroy_result)* destroy_result;
};

static void* Resolve(void* library, const char* name) {
  void* symbol = dlsym(library, name);
  if (symbol == NULL) {
    fprintf(stderr, "c_host: %s is missing from the DuckDB library\n", name);
    exit(2);
  }
  return symbol;
}

static int RunQuery(const struct DuckDBApi* api, duckdb_connection connection, const char* sql) {
  duckdb_result result;
  if (api->query(connection, sql, &result) == DuckDBError) {
    fprintf(stderr, "%s\n", api->result_error(&result));
    api->destroy_result(&result);
    return 0;
  }
  idx_t columns = api->column_count(&result);
  idx_t rows = api->row_count(&result);
  for (idx_t row = 0; row < rows; row++) {
    for (idx_t column = 0; column < columns; column++) {
      if (column > 0) fputc('\t', stdout);
      if (api->value_is_null(&result, column, row)) {
        fputs("NULL", stdout);
      } else {
        char* text = api->value_varchar(&result, column, row);
        fputs(text, stdout);
        api->free(text);
      }
    }
    fputc('\n', stdout);
  }
  api->destroy_result(&result);
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s LIBDUCKDB EXTENSION [SQL...]\n", argv[0]);
    return 2;
  }
  void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    fprintf(stderr, "c_host: cannot load %s: %s\n", argv[1], dlerror());
    return 2;
  }
  if (dlsym(RTLD_DEFAULT, "duckdb_open_ext") != NULL) {
    fprintf(stderr, "c_host: DuckDB's symbols are global: the host is not private\n");
    return 2;
  }
  struct DuckDBApi api;
  api.create_config = Resolve(library, "duckdb_create_config");
  api.set_config = Resolve(library, "duckdb_set_config");
  api.destroy_config = Resolve(library, "duckdb_destroy_config");
  api.open_ext = Resolve(library, "duckdb_open_ext");
  api.close = Resolve(library, "duckdb_close");
  api.connect = Resolve(library, "duckdb_connect");
  api.disconnect = Resolve(library, "duckdb_disconnect");
  api.query = Resolve(library, "duckdb_query");
  api.result_error = Resolve(library, "duckdb_result_error");
  api.column_count = Resolve(library, "duckdb_column_count");
  api.row_count = Resolve(library, "duckdb_row_count");
  api.value_is_null = Resolve(library, "duckdb_value_is_null");
  api.value_varchar = Resolve(library, "duckdb_value_varchar");
  api.free = Resolve(library, "duckdb_free");
  api.destroy_result = Resolve(library, "duckdb_destroy_result");

  duckdb_config config;
  duckdb_database database;
  duckdb_connection connection;
  char* open_error = NULL;
  if (api.create_config(&config) == DuckDBError ||
      api.set_config(config, "allow_unsigned_extensions", "true") == DuckDBError ||
      api.open_ext(NULL, &database, config, &open_error) == DuckDBError) {
    fprintf(stderr, "c_host: cannot open a database: %s\n", open_error ? open_error : "(no message)");
    return 2;
  }
  api.destroy_config(&config);
  if (api.connect(database, &connection) == DuckDBError) {
    fprintf(stderr, "c_host: cannot connect\n");
    return 2;
  }

  size_t load_length = strlen(argv[2]) + 16;
  char* load = malloc(load_length);
  snprintf(load, load_length, "LOAD '%s'", argv[2]);
  int ok = RunQuery(&api, connection, load);
  free(load);
  for (int i = 3; ok && i < argc; i++) ok = RunQuery(&api, connection, argv[i]);

  api.disconnect(&connection);
  api.close(&database);
  dlclose(library);
  return ok ? 0 : 1;
}
