// The gcc env's dataset collection, cgym::gcc_datasets()
// (include/cgym/datasets.h): built from the core's shared pieces, so that
// cgym-v0, user-v0 and clang-v0 are the same objects the LLVM envs hold.

#include "cgym/datasets.h"
#include "backends/gcc/gcc_env.h"

namespace cgym {

std::shared_ptr<const Datasets> gcc_datasets() {
  static const std::shared_ptr<const Datasets> datasets = [] {
    std::vector<DatasetPtr> all{shared_bundled_dataset(), make_csmith_dataset(ProgramFormat::kC),
                                make_file_dataset(ProgramFormat::kC), user_v0_dataset(),
                                clang_v0_dataset()};
    for (auto& d : catalogue_datasets("gcc", ProgramFormat::kC)) all.push_back(std::move(d));
    return std::make_shared<const Datasets>(std::move(all));
  }();
  return datasets;
}

namespace gcc {

std::shared_ptr<const Datasets> env_datasets() { return cgym::gcc_datasets(); }

}  // namespace gcc
}  // namespace cgym
