// The catalogue of CompilerGym's benchmark suites: the facts CompilerGym
// publishes in compiler_gym/envs/llvm/datasets/*.py and
// compiler_gym/envs/gcc/datasets/*.py (Linux URLs; the macOS builds of
// cbench, github, linux, anghabench and poj104 have their own archives or
// manifests, not listed). Archive sizes come from CompilerGym's older
// dataset table (same sha256, so the same file); 0 where CompilerGym
// publishes none. Benchmark counts are those of CompilerGym's LLVM docs.
#include <cstdlib>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "cgym/errors.h"
#include "cgym/remote_datasets.h"

namespace cgym {

namespace {

const std::string kFb = "https://dl.fbaipublicfiles.com/compiler_gym/";

std::vector<RemoteDatasetInfo> builtin_catalogue() {
  std::vector<RemoteDatasetInfo> c;
  auto add = [&](RemoteDatasetInfo i) { c.push_back(std::move(i)); };
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://anghabench-v1";
    i.description = "Compile-only C/C++ functions extracted from GitHub";
    i.license = "Unknown. See: https://github.com/brenocfg/AnghaBench/issues/1";
    i.urls = {
        "https://github.com/brenocfg/AnghaBench/archive/"
        "d8034ac8562b8c978376008f4b33df01b8887b19.tar.gz"};
    i.sha256 = "85d068e4ce44f2581e3355ee7a8f3ccb92568e9f5bd338bc3a918566f3aff42f";
    i.strip_prefix = "AnghaBench-d8034ac8562b8c978376008f4b33df01b8887b19";
    i.benchmark_count = 1041333;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-anghabench-v1-linux-manifest.bz2";
    i.manifest_sha256 = "14df85f650199498cf769715e9f0d7841d09f9fa62a95b8ecc242bdaf227f33a";
    i.layout = RemoteLayout::kCSource;
    i.envs = {"llvm", "gcc"};
    i.homepage = "http://cuda.dcc.ufmg.br/angha/";
    i.notes = "C functions, compiled to bitcode with clang-19 when first used";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://blas-v0";
    i.description = "Basic linear algebra kernels";
    i.license = "BSD 3-Clause";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-blas-v0.tar.bz2"};
    i.sha256 = "e724a8114709f8480adeb9873d48e426e8d9444b00cddce48e342b9f0f2b096d";
    i.size_bytes = 3969036;
    i.strip_prefix = "blas-v0";
    i.benchmark_count = 300;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-blas-v0-manifest.bz2";
    i.manifest_sha256 = "6946437dcb0da5fad3ed8a7fd83eb4294964198391d5537b1310e22d7ceebff4";
    i.homepage = "http://www.netlib.org/blas/";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://cbench-v1";
    i.description = "Runnable C benchmarks";
    i.license = "BSD 3-Clause";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-cBench-v1-linux.tar.bz2"};
    i.sha256 = "601fff3944c866f6617e653b6eb5c1521382c935f56ca1f36a9f5cf1a49f3de5";
    i.size_bytes = 10075608;
    i.strip_prefix = "cBench-v1";
    i.benchmark_count = 23;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-cbench-v1-manifest.bz2";
    i.manifest_sha256 = "eeffd7593aeb696a160fd22e6b0c382198a65d0918b8440253ea458cfe927741";
    i.homepage = "https://ctuning.org/wiki/index.php/CTools:CBench";
    i.validatable = true;
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://chstone-v0";
    i.description = "Benchmarks for C-based High-Level Synthesis";
    i.license = "Mixture of open source and public domain licenses";
    i.urls = {
        "https://github.com/ChrisCummins/patmos_HLS/archive/"
        "e62d878ceb91e5a18007ca2e0a9602ee44ff7d59.tar.gz"};
    i.sha256 = "f7acab9d3c3dc7b971e62c8454bc909d84bddb6d0a96378e41beb94231739acb";
    i.strip_prefix = "patmos_HLS-e62d878ceb91e5a18007ca2e0a9602ee44ff7d59/benchmarks/CHStone";
    i.benchmark_count = 12;
    i.layout = RemoteLayout::kCHStone;
    i.envs = {"llvm", "gcc"};
    for (const char* n : {"adpcm", "aes", "blowfish", "dfadd", "dfdiv", "dfmul", "dfsin", "gsm",
                          "jpeg", "mips", "motion", "sha"}) {
      i.benchmarks.push_back(i.name + "/" + n);
    }
    i.homepage = "http://www.ertl.jp/chstone/";
    i.notes = "C sources, compiled with clang-19 (LLVM) or preprocessed (gcc) when first used";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://clgen-v0";
    i.description = "Synthetically generated OpenCL kernels";
    i.license = "GNU General Public License v3.0";
    i.urls = {
        "https://github.com/ChrisCummins/paper-synthesizing-benchmarks/raw/"
        "e45b6dffe9998f612624f05a6c4878ab4bcc84ec/data/clgen-1000.tar.bz2"};
    i.sha256 = "0bbd1b737f2537305e4db09b2971a5fa848b7c3a978bff6b570f45d1a488a72c";
    i.strip_prefix = "clgen-1000/kernels";
    i.benchmark_count = 996;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-clgen-v0-manifest.bz2";
    i.manifest_sha256 = "d2bbc1da5a24a8cb03b604d1d8e59227b33bdfcd964ebe741ca8339f1c8d65cc";
    i.layout = RemoteLayout::kOpenCL;
    i.homepage = "https://github.com/ChrisCummins/clgen";
    i.notes =
        "OpenCL kernels, compiled to bitcode (nvptx64-nvidia-nvcl) with clang-19's own OpenCL "
        "headers when first used";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://github-v0";
    i.description = "Compile-only C/C++ objects from GitHub";
    i.license = "CC BY 4.0";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-github-v0.tar.bz2"};
    i.sha256 = "880269dd7a5c2508ea222a2e54c318c38c8090eb105c0a87c595e9dd31720764";
    i.size_bytes = 725974100;
    i.strip_prefix = "github-v0";
    i.benchmark_count = 49738;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-github-v0-linux-manifest.bz2";
    i.manifest_sha256 = "aede9ca78657b4694ada9a4592d93f0bbeb3b3bd0fff3b537209850228480d3b";
    i.homepage = "https://arxiv.org/pdf/2012.01470.pdf";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://jotaibench-v0";
    i.description = "Compile-only C/C++ functions extracted from GitHub";
    i.license = "GNU General Public License v3.0 (GPLv3)";
    i.urls = {
        "https://github.com/ChrisCummins/jotai-benchmarks/raw/"
        "ca26ccd27afecf38919c1e101c64e3cc17e39631/benchmarks/jotaibench.bz2"};
    i.sha256 = "b5a51af3d4e2f77a66001635ec64ed321e0ece19873c4a888040859af7556401";
    i.strip_prefix = "jotaibench/jotaibench-v0";
    // CompilerGym's jotaibench test; its LLVM docs table does not list it.
    i.benchmark_count = 2138894;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-jotaibench-v0.bz2";
    i.manifest_sha256 = "ac4ee456e52073964d472d3e3969058b2f3052f8a4b402719013a3c603eb4b62";
    i.layout = RemoteLayout::kCSource;
    i.homepage = "http://cuda.dcc.ufmg.br/Jotai/src/";
    i.notes = "C functions, compiled to bitcode with clang-19 when first used";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://linux-v0";
    i.description = "Compile-only object files from C Linux kernel";
    i.license = "GPL-2.0";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-linux-v0.tar.bz2"};
    i.sha256 = "a1ae5c376af30ab042c9e54dc432f89ce75f9ebaee953bc19c08aff070f12566";
    i.size_bytes = 516031044;
    i.strip_prefix = "linux-v0";
    i.benchmark_count = 13894;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-linux-v0-linux-manifest.bz2";
    i.manifest_sha256 = "32ceb8576f683798010816ac605ee496f386ddbbe64be9e0796015d247a73f92";
    i.homepage = "https://www.linux.org/";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://mibench-v0";
    i.description = "C benchmarks";
    i.license = "BSD 3-Clause";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-mibench-v0.tar.bz2"};
    i.sha256 = "128c090c40b955b99fdf766da167a5f642018fb35c16a1d082f63be2e977eb13";
    i.size_bytes = 238480;
    i.strip_prefix = "mibench-v0";
    i.benchmark_count = 40;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-mibench-v0-manifest.bz2";
    i.manifest_sha256 = "8ed985d685b48f444a3312cd84ccc5debda4a839850e442a3cdc93910ba0dc5f";
    i.homepage = "http://vhosts.eecs.umich.edu/mibench/Publications/MiBench.pdf";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://npb-v0";
    i.description = "NASA Parallel Benchmarks";
    i.license = "NASA Open Source Agreement v1.3";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-npb-v0.tar.bz2"};
    i.sha256 = "793ac2e7a4f4ed83709e8a270371e65b724da09eaa0095c52e7f4209f63bb1f2";
    i.size_bytes = 2287444;
    i.strip_prefix = "npb-v0";
    i.benchmark_count = 122;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-npb-v0-manifest.bz2";
    i.manifest_sha256 = "89eccb7f1b0b9e1f82b9b900b9f686ff5b189a2a67a4f8969a15901cd315dba2";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://opencv-v0";
    i.description = "Compile-only object files from C++ OpenCV library";
    i.license = "Apache 2.0";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-opencv-v0.tar.bz2"};
    i.sha256 = "003df853bd58df93572862ca2f934c7b129db2a3573bcae69a2e59431037205c";
    i.size_bytes = 21903008;
    i.strip_prefix = "opencv-v0";
    i.benchmark_count = 442;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-opencv-v0-manifest.bz2";
    i.manifest_sha256 = "8de96f722fab18f3a2a74db74b4038c7947fe8b3da867c9260206fdf5338cd81";
    i.homepage = "https://opencv.org/";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://poj104-v1";
    i.description = "Solutions to programming programs";
    i.license = "BSD 3-Clause";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-poj104-v1.tar.gz",
              "https://drive.google.com/u/0/uc?id=0B2i-vWnOu7MxVlJwQXN6eVNONUU&export=download"};
    i.sha256 = "c0b8ef3ee9c9159c882dc9337cb46da0e612a28e24852a83f8a1cd68c838f390";
    i.strip_prefix = "ProgramData";
    i.benchmark_count = 49816;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-poj104-v1-linux-manifest.bz2";
    i.manifest_sha256 = "ee6253ee826e171816105e76fa78c0d3cbd319ef66e10da4bcf9cf8a78e12ab9";
    i.layout = RemoteLayout::kPoj104Source;
    i.homepage = "https://sites.google.com/site/treebasedcnn/";
    i.notes = "C++ sources, compiled to bitcode with clang-19 (-std=c++11) when first used";
    add(i);
  }
  {
    RemoteDatasetInfo i;
    i.name = "benchmark://tensorflow-v0";
    i.description = "Compile-only object files from C++ TensorFlow library";
    i.license = "Apache 2.0";
    i.urls = {kFb + "llvm_bitcodes-10.0.0-tensorflow-v0.tar.bz2"};
    i.sha256 = "f77dd1988c772e8359e1303cc9aba0d73d5eb27e0c98415ac3348076ab94efd1";
    i.size_bytes = 299697312;
    i.strip_prefix = "tensorflow-v0";
    i.benchmark_count = 1985;
    i.manifest_url = kFb + "llvm_bitcodes-10.0.0-tensorflow-v0-manifest.bz2";
    i.manifest_sha256 = "cffc45cd10250d483cb093dec913c8a7da64026686284cccf404623bd1da6da8";
    i.homepage = "https://www.tensorflow.org/";
    add(i);
  }
  {
    // The input files of cbench-v1's validation runs (not a dataset).
    RemoteDatasetInfo i;
    i.name = "benchmark://cbench-v1-runtime-data";
    i.description = "Input files of the cBench validation runs";
    i.license = "BSD 3-Clause";
    i.urls = {kFb + "cBench-v0-runtime-data.tar.bz2"};
    i.sha256 = "a1b5b5d6b115e5809ccaefc2134434494271d184da67e2ee43d7f84d07329055";
    i.strip_prefix = "runtime_data";
    i.layout = RemoteLayout::kFiles;
    i.envs = {};
    add(i);
  }
  return c;
}

RemoteLayout parse_layout(const std::string& s, const std::string& where) {
  static const std::vector<std::pair<std::string, RemoteLayout>> names = {
      {"bitcode", RemoteLayout::kBitcode}, {"c", RemoteLayout::kCSource},
      {"chstone", RemoteLayout::kCHStone}, {"poj104", RemoteLayout::kPoj104Source},
      {"opencl", RemoteLayout::kOpenCL},   {"files", RemoteLayout::kFiles}};
  for (const auto& [n, l] : names) {
    if (n == s) return l;
  }
  throw InvalidArgument(where + ": layout '" + s +
                        "' is not one of bitcode, c, chstone, poj104, opencl, files");
}

std::string normalise(const std::string& name) {
  return name.find("://") == std::string::npos ? "benchmark://" + name : name;
}

// Applies one JSON object to `info` (only the fields it has).
void apply_override(RemoteDatasetInfo& info, const nlohmann::json& j, const std::string& where) {
  static const std::vector<std::string> known = {
      "name",      "description",  "license",         "urls",
      "sha256",    "size_bytes",   "strip_prefix",    "benchmark_count",
      "platforms", "manifest_url", "manifest_sha256", "layout",
      "envs",      "benchmarks",   "homepage",        "validatable",
      "notes"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      std::string valid;
      for (const auto& k : known) valid += (valid.empty() ? "" : ", ") + k;
      throw InvalidArgument(where + ": unknown field '" + it.key() + "'; valid fields: " + valid);
    }
  }
  try {
    if (j.contains("name")) info.name = normalise(j["name"].get<std::string>());
    if (j.contains("description")) info.description = j["description"];
    if (j.contains("license")) info.license = j["license"];
    if (j.contains("urls")) info.urls = j["urls"].get<std::vector<std::string>>();
    if (j.contains("sha256")) info.sha256 = j["sha256"];
    if (j.contains("size_bytes")) info.size_bytes = j["size_bytes"];
    if (j.contains("strip_prefix")) info.strip_prefix = j["strip_prefix"];
    if (j.contains("benchmark_count")) info.benchmark_count = j["benchmark_count"];
    if (j.contains("platforms")) info.platforms = j["platforms"].get<std::vector<std::string>>();
    if (j.contains("manifest_url")) info.manifest_url = j["manifest_url"];
    if (j.contains("manifest_sha256")) info.manifest_sha256 = j["manifest_sha256"];
    if (j.contains("layout")) info.layout = parse_layout(j["layout"], where);
    if (j.contains("envs")) info.envs = j["envs"].get<std::vector<std::string>>();
    if (j.contains("benchmarks")) {
      info.benchmarks = j["benchmarks"].get<std::vector<std::string>>();
    }
    if (j.contains("homepage")) info.homepage = j["homepage"];
    if (j.contains("validatable")) info.validatable = j["validatable"];
    if (j.contains("notes")) info.notes = j["notes"];
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(where + ": a field has the wrong type: " + e.what());
  }
}

std::vector<RemoteDatasetInfo> load_catalogue() {
  auto c = builtin_catalogue();
  const char* path = std::getenv("CGYM_DATASET_CATALOGUE");
  if (!path || !*path) return c;
  const std::string where = std::string("$CGYM_DATASET_CATALOGUE (") + path + ")";
  std::ifstream in(path);
  if (!in) throw InvalidArgument(where + ": cannot read the file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(where + ": not valid JSON: " + e.what());
  }
  if (!j.is_array()) throw InvalidArgument(where + ": expected a JSON array of objects");
  for (size_t k = 0; k < j.size(); ++k) {
    const std::string at = where + " entry " + std::to_string(k);
    if (!j[k].is_object() || !j[k].contains("name") || !j[k]["name"].is_string()) {
      throw InvalidArgument(at + ": expected an object with a \"name\"");
    }
    const std::string name = normalise(j[k]["name"].get<std::string>());
    auto it = std::find_if(c.begin(), c.end(), [&](const auto& i) { return i.name == name; });
    if (it == c.end()) {
      RemoteDatasetInfo fresh;
      apply_override(fresh, j[k], at);
      c.push_back(std::move(fresh));
    } else {
      apply_override(*it, j[k], at);
    }
  }
  return c;
}

}  // namespace

const std::vector<RemoteDatasetInfo>& dataset_catalogue() {
  static const std::vector<RemoteDatasetInfo> catalogue = load_catalogue();
  return catalogue;
}

const RemoteDatasetInfo* find_catalogue_entry(const std::string& name) {
  const std::string full = normalise(name);
  for (const auto& i : dataset_catalogue()) {
    if (i.name == full) return &i;
  }
  return nullptr;
}

}  // namespace cgym
