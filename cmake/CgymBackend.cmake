# cgym_add_backend(NAME TARGET <library> REGISTER <function> HEADER <header>)
#
# Declares a built-in backend from its own CMakeLists.txt. The umbrella
# library (src/umbrella) links <library> and generates the table of
# built-ins from these calls: on the first make(), register_env() or
# list_envs(), under std::call_once (no static initialisers), it calls
# <function>(cgym::Registry&), declared in <header> (relative to backends/).
# builtin_backends() lists the NAMEs in the order of the calls. Adding a
# backend never edits the umbrella's files.
#
#   cgym_add_backend(llvm TARGET cgym_llvm REGISTER cgym::llvm::register_envs
#                    HEADER backends/llvm/envs.h)
function(cgym_add_backend NAME)
  cmake_parse_arguments(ARG "" "TARGET;REGISTER;HEADER" "" ${ARGN})
  foreach(_required TARGET REGISTER HEADER)
    if(NOT ARG_${_required})
      message(FATAL_ERROR "cgym_add_backend(${NAME}): ${_required} is required")
    endif()
  endforeach()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cgym_add_backend(${NAME}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}; "
                        "valid: TARGET, REGISTER, HEADER")
  endif()
  if(NOT NAME MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "cgym_add_backend(${NAME}): the name must be lower-case letters, digits "
                        "and '_'")
  endif()
  get_property(_names GLOBAL PROPERTY CGYM_BACKEND_NAMES)
  if(NAME IN_LIST _names)
    message(FATAL_ERROR "cgym_add_backend(${NAME}): a backend of that name is already declared")
  endif()
  set_property(GLOBAL APPEND PROPERTY CGYM_BACKEND_NAMES ${NAME})
  set_property(GLOBAL PROPERTY CGYM_BACKEND_${NAME}_TARGET ${ARG_TARGET})
  set_property(GLOBAL PROPERTY CGYM_BACKEND_${NAME}_REGISTER ${ARG_REGISTER})
  set_property(GLOBAL PROPERTY CGYM_BACKEND_${NAME}_HEADER ${ARG_HEADER})
endfunction()

# cgym_backend_option(NAME FOUND_VARIABLE DOC)
#
# Declares CGYM_WITH_<NAME> (NAME upper-cased), the option that builds the
# built-in backend backends/<name>/, from that folder's detect.cmake. It is
# ON by default when the variable FOUND_VARIABLE is true (the backend's compiler was found) and
# CGYM_BACKENDS_BY_DEFAULT is ON; -DCGYM_WITH_<NAME>=ON|OFF overrides it.
# A backend whose folder has no CMakeLists.txt is never built.
#
#   find_package(LLVM 19.1 CONFIG QUIET)
#   cgym_backend_option(llvm LLVM_FOUND "Build the in-process LLVM backend")
macro(cgym_backend_option NAME FOUND DOC)
  string(TOUPPER "${NAME}" _cgym_upper)
  set(_cgym_default OFF)
  if(${FOUND} AND CGYM_BACKENDS_BY_DEFAULT)
    set(_cgym_default ON)
  endif()
  option(CGYM_WITH_${_cgym_upper} "${DOC}" ${_cgym_default})
  if(CGYM_WITH_${_cgym_upper} AND NOT EXISTS ${PROJECT_SOURCE_DIR}/backends/${NAME}/CMakeLists.txt)
    set(CGYM_WITH_${_cgym_upper} OFF)
  endif()
endmacro()

# cgym_detect_backends(<name>...)
#
# For each built-in backend, in order: includes backends/<name>/detect.cmake,
# which finds what the backend needs and calls cgym_backend_option(). A
# backend without detect.cmake (absent from this checkout) is OFF.
macro(cgym_detect_backends)
  foreach(_cgym_b ${ARGN})
    string(TOUPPER "${_cgym_b}" _cgym_upper_b)
    if(EXISTS ${PROJECT_SOURCE_DIR}/backends/${_cgym_b}/detect.cmake)
      include(${PROJECT_SOURCE_DIR}/backends/${_cgym_b}/detect.cmake)
    else()
      set(CGYM_WITH_${_cgym_upper_b} OFF)
    endif()
  endforeach()
endmacro()

# cgym_add_backend_directories(<name>...): add_subdirectory(backends/<name>)
# for each backend whose CGYM_WITH_<NAME> is ON.
macro(cgym_add_backend_directories)
  foreach(_cgym_b ${ARGN})
    string(TOUPPER "${_cgym_b}" _cgym_upper_b)
    if(CGYM_WITH_${_cgym_upper_b})
      add_subdirectory(${PROJECT_SOURCE_DIR}/backends/${_cgym_b})
    endif()
  endforeach()
endmacro()
