# FindDuckDB — imports the DuckDB that scripts/setup unpacked into .deps/duckdb as DuckDB::duckdb.
# DuckDB's C++ API has no stable ABI: the headers and libduckdb.so must come from the same version,
# which scripts/setup guarantees by pinning both npm tarballs.
set(DuckDB_ROOT "${CMAKE_CURRENT_SOURCE_DIR}/.deps/duckdb" CACHE PATH "Folder holding include/ and lib/ of DuckDB")
find_path(DuckDB_INCLUDE_DIR duckdb.hpp PATHS "${DuckDB_ROOT}/include" NO_DEFAULT_PATH)
find_library(DuckDB_LIBRARY duckdb PATHS "${DuckDB_ROOT}/lib" NO_DEFAULT_PATH)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(DuckDB
  REQUIRED_VARS DuckDB_LIBRARY DuckDB_INCLUDE_DIR
  REASON_FAILURE_MESSAGE "run scripts/setup first")

if(DuckDB_FOUND AND NOT TARGET DuckDB::duckdb)
  add_library(DuckDB::duckdb SHARED IMPORTED)
  set_target_properties(DuckDB::duckdb PROPERTIES
    IMPORTED_LOCATION "${DuckDB_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${DuckDB_INCLUDE_DIR}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${DuckDB_INCLUDE_DIR}")
endif()
