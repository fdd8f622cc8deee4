# The search library (include/cgym/search.h): random search, greedy search,
# hill climbing and their reporting helpers. Included by src/CMakeLists.txt
# into cgym_core; it uses only the public Env API.
set(CGYM_SEARCH_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/local_search.cc
  ${CMAKE_CURRENT_LIST_DIR}/random_search.cc
  ${CMAKE_CURRENT_LIST_DIR}/report.cc
)
