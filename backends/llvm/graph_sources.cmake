# The ProGraML / LexedIr / Inst2vec observation sources of the LLVM backend
# (docs/programl.md). The LLVM backend adds them to cgym_llvm with
#   include(${CMAKE_CURRENT_SOURCE_DIR}/graph_sources.cmake)
#   target_sources(cgym_llvm PRIVATE ${CGYM_LLVM_GRAPH_SOURCES})
# They need what cgym_llvm already has: cgym::core, the LLVM include dirs and
# definitions, and libLLVM.
set(CGYM_LLVM_GRAPH_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/programl.cc
  ${CMAKE_CURRENT_LIST_DIR}/lexed_ir.cc
  ${CMAKE_CURRENT_LIST_DIR}/inst2vec.cc
)

# cgym_add_llvm_graph_library(): defines the target cgym_llvm_graph (once),
# which tests/llvm_graph and bench/llvm_graph link. When cgym_llvm already
# compiles the sources it is an alias of cgym_llvm; until then it is a
# static library of the sources, built and linked against libLLVM the same
# way cgym_llvm is.
function(cgym_add_llvm_graph_library)
  if(TARGET cgym_llvm_graph)
    return()
  endif()
  set(_in_backend FALSE)
  if(TARGET cgym_llvm)
    get_target_property(_sources cgym_llvm SOURCES)
    foreach(_src IN LISTS _sources)
      if(_src MATCHES "programl\\.cc$")
        set(_in_backend TRUE)
      endif()
    endforeach()
  endif()
  if(_in_backend)
    add_library(cgym_llvm_graph INTERFACE)
    target_link_libraries(cgym_llvm_graph INTERFACE cgym_llvm)
  else()
    separate_arguments(_definitions NATIVE_COMMAND "${LLVM_DEFINITIONS}")
    add_library(cgym_llvm_graph STATIC ${CGYM_LLVM_GRAPH_SOURCES})
    target_include_directories(cgym_llvm_graph
      PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/src)
    target_include_directories(cgym_llvm_graph SYSTEM PRIVATE ${LLVM_INCLUDE_DIRS})
    target_compile_definitions(cgym_llvm_graph PRIVATE ${_definitions})
    target_link_libraries(cgym_llvm_graph PUBLIC cgym::core PRIVATE LLVM)
  endif()
endfunction()
