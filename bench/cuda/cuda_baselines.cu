// GPU baselines for loopnest_bench, built with nvcc when the bench runs:
// cuBLAS sgemm (row-major C = A * B, computed as the column-major
// C^T = B^T * A^T) and device memory bandwidth (cudaMemcpy device to
// device, counted as bytes read + bytes written, like STREAM's copy).
// Prints one JSON line. Exit 42 when there is no CUDA device.
//
//   cuda_baselines M N K
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CHECK(call)                                                         \
  do {                                                                      \
    cudaError_t e = (call);                                                 \
    if (e != cudaSuccess) {                                                 \
      printf("{\"ok\":false,\"error\":\"cuda_error\",\"detail\":\"%s\"}\n", \
             cudaGetErrorString(e));                                        \
      return 4;                                                             \
    }                                                                       \
  } while (0)

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

int main(int argc, char** argv) {
  const int m = argc > 1 ? atoi(argv[1]) : 1024;
  const int n = argc > 2 ? atoi(argv[2]) : 1024;
  const int k = argc > 3 ? atoi(argv[3]) : 1024;
  int devices = 0;
  cudaError_t derr = cudaGetDeviceCount(&devices);
  if (derr != cudaSuccess || devices == 0) {
    printf("{\"ok\":false,\"error\":\"no_cuda_device\",\"detail\":\"%s\"}\n",
           derr != cudaSuccess ? cudaGetErrorString(derr) : "0 devices");
    return 42;
  }
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  float *a, *b, *c;
  CHECK(cudaMalloc(&a, sizeof(float) * m * k));
  CHECK(cudaMalloc(&b, sizeof(float) * k * n));
  CHECK(cudaMalloc(&c, sizeof(float) * m * n));
  std::vector<float> host(std::max({m * k, k * n}), 0.5f);
  CHECK(cudaMemcpy(a, host.data(), sizeof(float) * m * k, cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(b, host.data(), sizeof(float) * k * n, cudaMemcpyHostToDevice));
  cublasHandle_t handle;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) {
    printf("{\"ok\":false,\"error\":\"cublas_error\",\"detail\":\"cublasCreate failed\"}\n");
    return 4;
  }
  const float alpha = 1.0f, beta = 0.0f;
  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  auto sgemm = [&] {
    return cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, b, n, a, k, &beta, c, n);
  };
  for (int i = 0; i < 5; ++i) sgemm();
  std::vector<double> times;
  for (int r = 0; r < 20; ++r) {
    CHECK(cudaEventRecord(e0));
    for (int i = 0; i < 10; ++i) sgemm();
    CHECK(cudaEventRecord(e1));
    CHECK(cudaEventSynchronize(e1));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, e0, e1));
    times.push_back(1e-3 * ms / 10);
  }
  const double sgemm_seconds = median(times);

  // Bandwidth: copy 256 MiB device to device.
  const size_t bytes = size_t{256} << 20;
  void *x, *y;
  CHECK(cudaMalloc(&x, bytes));
  CHECK(cudaMalloc(&y, bytes));
  CHECK(cudaMemset(x, 1, bytes));
  for (int i = 0; i < 3; ++i) CHECK(cudaMemcpy(y, x, bytes, cudaMemcpyDeviceToDevice));
  times.clear();
  for (int r = 0; r < 10; ++r) {
    CHECK(cudaEventRecord(e0));
    CHECK(cudaMemcpy(y, x, bytes, cudaMemcpyDeviceToDevice));
    CHECK(cudaEventRecord(e1));
    CHECK(cudaEventSynchronize(e1));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, e0, e1));
    times.push_back(1e-3 * ms);
  }
  const double copy_seconds = median(times);
  printf(
      "{\"ok\":true,\"device\":\"%s\",\"sgemm_seconds\":%.9g,\"sgemm_gflops\":%.6g,"
      "\"copy_gbps\":%.6g}\n",
      prop.name, sgemm_seconds, 2.0 * m * n * k / sgemm_seconds / 1e9,
      2.0 * bytes / copy_seconds / 1e9);
  cublasDestroy(handle);
  return 0;
}
