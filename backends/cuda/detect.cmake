# Declares CGYM_WITH_CUDA. The loop-nest backend builds without nvcc (its
# CPU twin needs only the host compiler); CGYM_NVCC_PROGRAM, when found, is
# what its CUDA target compiles with. Included from the top-level
# CMakeLists.txt by cgym_detect_backends().
find_program(CGYM_NVCC_PROGRAM NAMES nvcc PATHS /usr/local/cuda/bin NO_CACHE)
set(_cgym_cuda_found ON)
cgym_backend_option(cuda _cgym_cuda_found
                    "Build the loop-nest backend (CUDA through nvcc, plus its CPU twin)")
