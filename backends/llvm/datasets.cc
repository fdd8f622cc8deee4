// The LLVM envs' dataset collection, cgym::llvm_datasets()
// (include/cgym/datasets.h): built from the core's shared pieces, so that
// cgym-v0, user-v0 and clang-v0 are the same objects the gcc env holds.

#include "cgym/datasets.h"

namespace cgym {

std::shared_ptr<const Datasets> llvm_datasets() {
  static const std::shared_ptr<const Datasets> datasets = [] {
    std::vector<DatasetPtr> all{
        shared_bundled_dataset(),   make_csmith_dataset(ProgramFormat::kLlvmBitcode),
        make_llvm_stress_dataset(), make_file_dataset(ProgramFormat::kLlvmBitcode),
        user_v0_dataset(),          clang_v0_dataset()};
    for (auto& d : catalogue_datasets("llvm", ProgramFormat::kLlvmBitcode)) {
      all.push_back(std::move(d));
    }
    return std::make_shared<const Datasets>(std::move(all));
  }();
  return datasets;
}

}  // namespace cgym
