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
