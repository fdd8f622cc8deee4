// The compiler-neutral pieces of the backends' dataset collections: the one
// shared cgym-v0 suite, the user-v0 and clang-v0 registries, and the
// catalogue's downloadable suites. The collections themselves belong to
// their backends (backends/llvm/datasets.cc, backends/gcc/datasets.cc).
// Function-local statics make creation thread-safe and lazy.

#include <algorithm>

#include "cgym/datasets.h"
#include "cgym/remote_datasets.h"
#include "datasets/internal.h"

namespace cgym {

DatasetPtr shared_bundled_dataset() {
  static const DatasetPtr dataset = make_bundled_dataset();
  return dataset;
}

DatasetPtr user_v0_dataset() {
  static const DatasetPtr dataset = datasets_internal::make_registered_dataset(
      "benchmark://user-v0",
      "Programs made in this process with make_benchmark(files, flags); resolvable while "
      "their Benchmark object is alive.");
  return dataset;
}

DatasetPtr clang_v0_dataset() {
  static const DatasetPtr dataset = datasets_internal::make_registered_dataset(
      "benchmark://clang-v0",
      "Programs made in this process from build commands with "
      "make_benchmark_from_command_line(); resolvable while their Benchmark object is alive.");
  return dataset;
}

std::vector<DatasetPtr> catalogue_datasets(const std::string& env, ProgramFormat target) {
  std::vector<DatasetPtr> out;
  for (const auto& info : dataset_catalogue()) {
    if (std::find(info.envs.begin(), info.envs.end(), env) != info.envs.end()) {
      out.push_back(make_remote_dataset(info, target));
    }
  }
  return out;
}

}  // namespace cgym
