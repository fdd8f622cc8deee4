# The env wrappers and the SQLite episode logger, compiled into cgym_core
# (src/CMakeLists.txt includes this file right after add_library(cgym_core)).
set(CGYM_WRAPPERS_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/benchmarks.cc
  ${CMAKE_CURRENT_LIST_DIR}/commandline.cc
  ${CMAKE_CURRENT_LIST_DIR}/fork_on_step.cc
  ${CMAKE_CURRENT_LIST_DIR}/runtime.cc
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_logger.cc
  ${CMAKE_CURRENT_LIST_DIR}/time_limit.cc
  ${CMAKE_CURRENT_LIST_DIR}/validation.cc
  ${CMAKE_CURRENT_LIST_DIR}/wrapper.cc
)
# The logger writes through the SQLite C API and compresses IR with zstd;
# neither appears in a public header.
target_link_libraries(cgym_core PRIVATE SQLite::SQLite3 PkgConfig::ZSTD)
