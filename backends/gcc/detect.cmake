# Detects an installed gcc and declares CGYM_WITH_GCC. Included from the
# top-level CMakeLists.txt by cgym_detect_backends().
find_program(CGYM_GCC_PROGRAM NAMES gcc gcc-12)
set(_cgym_gcc_found OFF)
if(CGYM_GCC_PROGRAM)
  set(_cgym_gcc_found ON)
endif()
cgym_backend_option(gcc _cgym_gcc_found "Build the gcc flag-selection backend")
