# The datasets of cgym::core (bundled suite, generators, user programs) and
# program building/validation (include/cgym/datasets.h, program.h).
# Included by src/CMakeLists.txt into cgym_core.
set(CGYM_DATASETS_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/build.cc
  ${CMAKE_CURRENT_LIST_DIR}/bundled.cc
  ${CMAKE_CURRENT_LIST_DIR}/catalogue.cc
  ${CMAKE_CURRENT_LIST_DIR}/collections.cc
  ${CMAKE_CURRENT_LIST_DIR}/generators.cc
  ${CMAKE_CURRENT_LIST_DIR}/remote.cc
  ${CMAKE_CURRENT_LIST_DIR}/sha256.cc
  ${CMAKE_CURRENT_LIST_DIR}/user.cc
  ${CMAKE_CURRENT_LIST_DIR}/../program.cc
)
