# CGYM_MALLOC: the allocator linked into cgym's own executables (the cgym tool,
# the worker, the examples and the benchmarks). glibc's malloc serialises the
# threads of a VectorEnv: an env's IR is freed by whichever worker thread
# steps it next, and a free() into another thread's arena takes that arena's
# lock (measured, docs/scale.md "Threads and the allocator"). tcmalloc,
# jemalloc and mimalloc free across threads without that lock. glibc stays
# the default: tcmalloc stopped the 100,000-step memory benchmark with an
# invalid free (after LLVM crashes inside passes, which cgym recovers from),
# and jemalloc's RSS grew by 20 %. A library cannot choose the allocator of
# the program that loads it, so programs of your own (and Python) keep
# theirs: link one of these, or LD_PRELOAD it.
set(CGYM_MALLOC "glibc" CACHE STRING
    "Allocator of cgym's executables: tcmalloc, jemalloc, mimalloc or glibc")
set_property(CACHE CGYM_MALLOC PROPERTY STRINGS tcmalloc jemalloc mimalloc glibc)
set(_cgym_malloc_names_tcmalloc tcmalloc_minimal libtcmalloc_minimal.so.4)
set(_cgym_malloc_names_jemalloc jemalloc libjemalloc.so.2)
set(_cgym_malloc_names_mimalloc mimalloc libmimalloc.so.2)
set(CGYM_MALLOC_LIBRARY "")
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*address")
  # AddressSanitizer brings its own allocator.
  set(CGYM_MALLOC "glibc")
endif()
if(NOT CGYM_MALLOC STREQUAL "glibc")
  if(NOT DEFINED _cgym_malloc_names_${CGYM_MALLOC})
    message(FATAL_ERROR "CGYM_MALLOC=${CGYM_MALLOC} is not one of tcmalloc, jemalloc, mimalloc, glibc")
  endif()
  find_library(CGYM_MALLOC_LIBRARY_${CGYM_MALLOC} NAMES ${_cgym_malloc_names_${CGYM_MALLOC}})
  if(CGYM_MALLOC_LIBRARY_${CGYM_MALLOC})
    set(CGYM_MALLOC_LIBRARY "${CGYM_MALLOC_LIBRARY_${CGYM_MALLOC}}")
    message(STATUS "cgym executables use ${CGYM_MALLOC}: ${CGYM_MALLOC_LIBRARY}")
  else()
    message(WARNING "CGYM_MALLOC=${CGYM_MALLOC}: the library is not installed (scripts/setup.sh "
                    "installs libtcmalloc-minimal4, libjemalloc2 and libmimalloc2.0); cgym's "
                    "executables use glibc's malloc")
  endif()
endif()

# Links the chosen allocator into executable `target` (a no-op for glibc).
# --no-as-needed: nothing names the library, and it must still be loaded
# before libc so that its malloc is the one every library resolves to.
function(cgym_link_malloc target)
  if(CGYM_MALLOC_LIBRARY)
    target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed"
                                            "${CGYM_MALLOC_LIBRARY}" "-Wl,--pop-state")
  endif()
endfunction()
