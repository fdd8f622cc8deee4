# Detects LLVM 19 (llvm-19-dev) and declares CGYM_WITH_LLVM. Included from
# the top-level CMakeLists.txt by cgym_detect_backends(); LLVM's variables
# (LLVM_INCLUDE_DIRS, LLVM_DEFINITIONS, the LLVM target) stay visible to the
# tests, benchmarks and fuzz targets that compare against LLVM.
find_package(LLVM 19.1 CONFIG QUIET)
cgym_backend_option(llvm LLVM_FOUND "Build the in-process LLVM backend (needs llvm-19-dev)")
