// The process-wide dataset collections of the LLVM and gcc envs.
//
// Both share one bundled dataset object, so an LLVM env and a gcc env that
// load benchmark://cgym-v0/crc32 hold the same Benchmark (bitcode plus
// sources). Function-local statics make creation thread-safe and lazy.

#include "cgym/datasets.h"
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

}  // namespace

std::shared_ptr<const Datasets> llvm_datasets() {
  static const std::shared_ptr<const Datasets> datasets =
      std::make_shared<const Datasets>(std::vector<DatasetPtr>{
          shared_bundled_dataset(), make_csmith_dataset(ProgramFormat::kLlvmBitcode),
          make_llvm_stress_dataset(), make_file_dataset(ProgramFormat::kLlvmBitcode), user_v0(),
          clang_v0()});
  return datasets;
}

std::shared_ptr<const Datasets> gcc_datasets() {
  static const std::shared_ptr<const Datasets> datasets = std::make_shared<const Datasets>(
      std::vector<DatasetPtr>{shared_bundled_dataset(), make_csmith_dataset(ProgramFormat::kC),
                              make_file_dataset(ProgramFormat::kC), user_v0(), clang_v0()});
  return datasets;
}

}  // namespace cgym
