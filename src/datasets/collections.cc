// The process-wide dataset collections of the LLVM and gcc envs.
//
// Both share one bundled dataset object, so an LLVM env and a gcc env that
// load benchmark://cgym-v0/crc32 hold the same Benchmark (bitcode plus
// sources). Function-local statics make creation thread-safe and lazy.

#include <algorithm>

#include "cgym/datasets.h"
#include "cgym/remote_datasets.h"
#include "datasets/internal.h"

namespace cgym {
namespace {

DatasetPtr shared_bundled_dataset() {
  static const DatasetPtr dataset = make_bundled_dataset();
  return dataset;
}

DatasetPtr user_v0() {
  static const DatasetPtr dataset = datasets_internal::make_registered_dataset(
      "benchmark://user-v0",
      "Programs made in this process with make_benchmark(files, flags); resolvable while "
      "their Benchmark object is alive.");
  return dataset;
}

DatasetPtr clang_v0() {
  static const DatasetPtr dataset = datasets_internal::make_registered_dataset(
      "benchmark://clang-v0",
      "Programs made in this process from build commands with "
      "make_benchmark_from_command_line(); resolvable while their Benchmark object is alive.");
  return dataset;
}

// The catalogue's suites that join the `env` ("llvm", "gcc") collection.
void add_remote(std::vector<DatasetPtr>& out, const std::string& env, ProgramFormat target) {
  for (const auto& info : dataset_catalogue()) {
    if (std::find(info.envs.begin(), info.envs.end(), env) != info.envs.end()) {
      out.push_back(make_remote_dataset(info, target));
    }
  }
}

}  // namespace

std::shared_ptr<const Datasets> llvm_datasets() {
  static const std::shared_ptr<const Datasets> datasets = [] {
    std::vector<DatasetPtr> all{shared_bundled_dataset(),
                                make_csmith_dataset(ProgramFormat::kLlvmBitcode),
                                make_llvm_stress_dataset(),
                                make_file_dataset(ProgramFormat::kLlvmBitcode),
                                user_v0(),
                                clang_v0()};
    add_remote(all, "llvm", ProgramFormat::kLlvmBitcode);
    return std::make_shared<const Datasets>(std::move(all));
  }();
  return datasets;
}

std::shared_ptr<const Datasets> gcc_datasets() {
  static const std::shared_ptr<const Datasets> datasets = [] {
    std::vector<DatasetPtr> all{shared_bundled_dataset(), make_csmith_dataset(ProgramFormat::kC),
                                make_file_dataset(ProgramFormat::kC), user_v0(), clang_v0()};
    add_remote(all, "gcc", ProgramFormat::kC);
    return std::make_shared<const Datasets>(std::move(all));
  }();
  return datasets;
}

}  // namespace cgym
