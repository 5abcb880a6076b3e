# append_extension_metadata.cmake — run with cmake -P after linking a loadable DuckDB extension:
# appends DuckDB's 512-byte metadata footer to EXTENSION_FILE.
#   cmake -DEXTENSION_FILE=... -DPLATFORM=linux_amd64 -DDUCKDB_VERSION=v1.4.4 -DEXTENSION_VERSION=0.1.0
#         -DABI_TYPE=CPP -P append_extension_metadata.cmake
# The footer (DuckDB's ExtensionHelper::ParseExtensionMetaData) is eight 32-byte fields, zero-padded,
# in this order in the file: three unused, ABI type, extension version, DuckDB version, platform, and
# the magic value "4"; then 256 bytes of signature (zeros: the file is unsigned, so hosts load it only
# with allow_unsigned_extensions). CMake cannot write NUL bytes, so each field is padded with truncate.
foreach(required EXTENSION_FILE PLATFORM DUCKDB_VERSION EXTENSION_VERSION ABI_TYPE)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "append_extension_metadata.cmake: -D${required}=... is required")
  endif()
endforeach()

find_program(TRUNCATE_PROGRAM truncate REQUIRED)
file(SIZE "${EXTENSION_FILE}" end)
foreach(field "" "" "" "${ABI_TYPE}" "${EXTENSION_VERSION}" "${DUCKDB_VERSION}" "${PLATFORM}" "4")
  string(LENGTH "${field}" length)
  if(length GREATER 31)
    message(FATAL_ERROR "extension metadata field '${field}' is longer than 31 bytes")
  endif()
  file(APPEND "${EXTENSION_FILE}" "${field}")
  math(EXPR end "${end} + 32")
  execute_process(COMMAND ${TRUNCATE_PROGRAM} -s ${end} "${EXTENSION_FILE}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
math(EXPR end "${end} + 256")
execute_process(COMMAND ${TRUNCATE_PROGRAM} -s ${end} "${EXTENSION_FILE}" COMMAND_ERROR_IS_FATAL ANY)
