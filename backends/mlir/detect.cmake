# Detects MLIR 19 (libmlir-19-dev) and declares CGYM_WITH_MLIR. The mlir-v0
# backend needs the LLVM backend too (it shares its crash containment), so
# it is off without it. Included from the top-level CMakeLists.txt by
# cgym_detect_backends().
set(_cgym_mlir_found OFF)
if(CGYM_WITH_LLVM)
  find_package(MLIR 19.1 CONFIG QUIET PATHS ${LLVM_LIBRARY_DIR}/cmake/mlir NO_DEFAULT_PATH)
  if(MLIR_FOUND AND TARGET MLIR)
    set(_cgym_mlir_found ON)
  endif()
endif()
cgym_backend_option(mlir _cgym_mlir_found
                    "Build the mlir-v0 backend (needs libmlir-19-dev and the LLVM backend)")
