# FindDuckDB — imports the DuckDB that scripts/setup unpacked into .deps/duckdb as DuckDB::duckdb.
# DuckDB's C++ API has no stable ABI: the headers and libduckdb.so must come from the same version,
# which scripts/setup guarantees by pinning both npm tarballs.
set(DuckDB_ROOT "${CMAKE_CURRENT_SOURCE_DIR}/.deps/duckdb" CACHE PATH "Folder holding include/ and lib/ of DuckDB")
find_path(DuckDB_INCLUDE_DIR duckdb.hpp PATHS "${DuckDB_ROOT}/include" NO_DEFAULT_PATH)
find_library(DuckDB_LIBRARY duckdb PATHS "${DuckDB_ROOT}/lib" NO_DEFAULT_PATH)

# DuckDB_VERSION ("v1.4.4"): the engine version a loadable extension must name in its footer, read
# from the bindings package that shipped libduckdb.so ("1.4.4-r.4": DuckDB 1.4.4, bindings release 4).
if(EXISTS "${DuckDB_ROOT}/lib/package.json")
  file(READ "${DuckDB_ROOT}/lib/package.json" _duckdb_package)
  string(JSON _duckdb_package_version GET "${_duckdb_package}" version)
  string(REGEX MATCH "^[0-9]+\\.[0-9]+\\.[0-9]+" _duckdb_engine_version "${_duckdb_package_version}")
  set(DuckDB_VERSION "v${_duckdb_engine_version}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(DuckDB
  REQUIRED_VARS DuckDB_LIBRARY DuckDB_INCLUDE_DIR DuckDB_VERSION
  REASON_FAILURE_MESSAGE "run scripts/setup first")

if(DuckDB_FOUND AND NOT TARGET DuckDB::duckdb)
  add_library(DuckDB::duckdb SHARED IMPORTED)
  set_target_properties(DuckDB::duckdb PROPERTIES
    IMPORTED_LOCATION "${DuckDB_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${DuckDB_INCLUDE_DIR}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${DuckDB_INCLUDE_DIR}")
endif()
