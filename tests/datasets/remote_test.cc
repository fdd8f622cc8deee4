// Downloadable datasets (include/cgym/remote_datasets.h), offline: a real
// HTTP server on 127.0.0.1 (http_test_server.h) serves archives built here
// in CompilerGym's layout; the catalogue entries of cbench-v1 and its
// runtime data get these URLs and sha256s through $CGYM_DATASET_CATALOGUE.
//
// The global environment below sets CGYM_SITE_DATA and the catalogue before
// any test asks for llvm_datasets(), which reads them once per process.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "cgym/cgym.h"
#include "cgym/remote_datasets.h"
#include "datasets/archive_test_util.h"
#include "datasets/http_test_server.h"
#include "datasets/sha256.h"
#include "internal/paths.h"

namespace fs = std::filesystem;
using cgym::test::HttpTestServer;
using cgym::test::make_bz2;
using cgym::test::make_tar;
using cgym::test::TarEntry;

namespace cgym {
namespace {

std::string sha256_of(const std::string& s) {
  datasets_internal::Sha256 h;
  h.update(s);
  return h.hex_digest();
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

// A program that reads the file named by argv[1] (its runtime data) and
// the iteration count that cBench programs read from ./_finfo_dataset.
constexpr const char* kCrcSource = R"(#include <stdio.h>
int main(int argc, char** argv) {
  if (argc < 2) return 2;
  FILE* f = fopen(argv[1], "rb");
  if (!f) { printf("cannot open %s\n", argv[1]); return 1; }
  unsigned h = 2166136261u; long n = 0; int c;
  while ((c = fgetc(f)) != EOF) { h = (h ^ (unsigned)c) * 16777619u; ++n; }
  fclose(f);
  int it = 0;
  FILE* g = fopen("_finfo_dataset", "r");
  if (g) { if (fscanf(g, "%d", &it) != 1) it = -1; fclose(g); }
  for (int i = 0; i < 3; ++i) h = h * 31u + (unsigned)i;
  printf("%ld bytes, hash %08x, iterations %d\n", n, h, it);
  return 0;
}
)";

struct World {
  fs::path root;
  std::unique_ptr<HttpTestServer> server;
  std::string cbench_tar, runtime_tar, cbench_manifest;
  bool bitcode_from_clang14 = false;
  std::string compile_error;
};

World& world() {
  static World w;
  return w;
}

// Compiles `source` to bitcode with clang-14 (the old-bitcode path), else
// clang-19.
std::string compile_bitcode(const std::string& source, bool* old) {
  const fs::path dir = world().root / "build";
  fs::create_directories(dir);
  spit(dir / "p.c", source);
  for (const char* cc : {"clang-14", "clang-19"}) {
    auto prog = find_program(cc);
    if (!prog) continue;
    ProcessOptions o;
    o.argv = {prog->string(),
              "-c",
              "-emit-llvm",
              "-O1",
              "-Xclang",
              "-disable-llvm-passes",
              (dir / "p.c").string(),
              "-o",
              (dir / "p.bc").string()};
    o.timeout_seconds = 120;
    auto r = run_process(o);
    if (r.exit_code == 0) {
      *old = std::string(cc) == "clang-14";
      return slurp(dir / "p.bc");
    }
    world().compile_error += r.stderr_data;
  }
  return "";
}

class RemoteWorld : public ::testing::Environment {
 public:
  void SetUp() override {
    World& w = world();
    w.root = fs::temp_directory_path() / ("cgym-remote-test-" + std::to_string(::getpid()));
    fs::remove_all(w.root);
    fs::create_directories(w.root);
    w.server = std::make_unique<HttpTestServer>();
    const std::string bc = compile_bitcode(kCrcSource, &w.bitcode_from_clang14);
    bool unused = false;
    const std::string hello = compile_bitcode("int main(void) { return 0; }\n", &unused);
    w.cbench_tar = make_tar({{"cBench-v1", "", TarEntry::kDir},
                             {"cBench-v1/crc32.bc", bc},
                             {"cBench-v1/hello.bc", hello},
                             {"README", "outside the suite: not unpacked"}});
    w.cbench_manifest = make_bz2("benchmark://cbench-v1/crc32\nbenchmark://cbench-v1/hello\n");
    // CompilerGym's cBench validators run each of the 20 inputs.
    std::vector<TarEntry> inputs = {
        {"runtime_data/telecom_data/1.pcm", std::string(5000, 'x') + "pcm"}};
    for (int i = 2; i <= 20; ++i) {
      inputs.push_back({"runtime_data/telecom_data/" + std::to_string(i) + ".pcm",
                        std::string(100 * i, static_cast<char>('a' + i))});
    }
    w.runtime_tar = make_tar(inputs);
    w.server->serve("/fb/cbench.tar.bz2", {.body = w.cbench_tar});
    w.server->serve("/fb/cbench-manifest.bz2", {.body = w.cbench_manifest});
    w.server->serve("/fb/runtime.tar.bz2", {.body = w.runtime_tar});
    nlohmann::json cat = nlohmann::json::array();
    cat.push_back({{"name", "cbench-v1"},
                   {"urls", {w.server->url("/fb/cbench.tar.bz2")}},
                   {"sha256", sha256_of(w.cbench_tar)},
                   {"size_bytes", w.cbench_tar.size()},
                   {"manifest_url", w.server->url("/fb/cbench-manifest.bz2")},
                   {"manifest_sha256", sha256_of(w.cbench_manifest)}});
    cat.push_back({{"name", "cbench-v1-runtime-data"},
                   {"urls", {w.server->url("/fb/runtime.tar.bz2")}},
                   {"sha256", sha256_of(w.runtime_tar)},
                   {"size_bytes", w.runtime_tar.size()}});
    spit(w.root / "catalogue.json", cat.dump(2));
    setenv("CGYM_DATASET_CATALOGUE", (w.root / "catalogue.json").c_str(), 1);
    setenv("CGYM_SITE_DATA", (w.root / "site").c_str(), 1);
    unsetenv("CGYM_DATASET_MIRROR");
  }
  void TearDown() override {
    world().server.reset();
    std::error_code ec;
    fs::remove_all(world().root, ec);
  }
};

[[maybe_unused]] ::testing::Environment* const kWorld =
    ::testing::AddGlobalTestEnvironment(new RemoteWorld);

// A catalogue entry of our own, served by the test server under /t/<file>.
RemoteDatasetInfo test_entry(const std::string& name, const std::string& archive,
                             const std::string& file) {
  RemoteDatasetInfo i;
  i.name = "benchmark://" + name;
  i.description = "test";
  i.urls = {world().server->url("/t/" + file)};
  i.sha256 = sha256_of(archive);
  i.size_bytes = archive.size();
  i.strip_prefix = "suite";
  i.benchmark_count = 99;
  return i;
}

// Bytes that do not compress, so that archives have the size asked for.
std::string noise(size_t n) {
  std::string s(n, '\0');
  uint64_t x = 88172645463325252ull;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

std::string suite_archive(size_t file_bytes = 1000) {
  return make_tar({{"suite", "", TarEntry::kDir},
                   {"suite/a.bc", noise(file_bytes)},
                   {"suite/sub/b.bc", "bee"}});
}

// What an install may leave in the site data directory for `name` once it
// failed: nothing but the lock file (and, when kept for resuming, a part).
std::vector<std::string> leftovers(const std::string& name) {
  std::vector<std::string> out;
  const fs::path d = world().root / "site" / "datasets";
  std::error_code ec;
  if (!fs::exists(d, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(d)) {
    const std::string rel = e.path().lexically_relative(d).string();
    if (rel == "." + name + ".lock" || rel == ".downloads") continue;
    if (rel.starts_with(name) || rel.starts_with(".tmp-" + name) ||
        rel.starts_with(".downloads/" + name + "-")) {
      out.push_back(rel);
    }
  }
  return out;
}

InstallOptions quiet() {
  InstallOptions o;
  o.quiet = true;
  return o;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- the catalogue -----------------------------------------------------------------

TEST(Catalogue, HasCompilerGymsSuitesWithTheirFacts) {
  std::vector<std::string> llvm, gcc;
  for (const auto& i : dataset_catalogue()) {
    if (std::find(i.envs.begin(), i.envs.end(), "llvm") != i.envs.end()) llvm.push_back(i.name);
    if (std::find(i.envs.begin(), i.envs.end(), "gcc") != i.envs.end()) gcc.push_back(i.name);
    EXPECT_EQ(i.sha256.size(), 64u) << i.name;
    EXPECT_FALSE(i.urls.empty()) << i.name;
    EXPECT_FALSE(i.license.empty()) << i.name;
    EXPECT_FALSE(i.strip_prefix.empty()) << i.name;
    if (i.layout != RemoteLayout::kFiles) {
      EXPECT_GT(i.benchmark_count, 0u) << i.name;
      EXPECT_TRUE(!i.manifest_url.empty() || !i.benchmarks.empty()) << i.name;
    }
  }
  const std::vector<std::string> want_llvm = {
      "benchmark://anghabench-v1", "benchmark://blas-v0",   "benchmark://cbench-v1",
      "benchmark://chstone-v0",    "benchmark://clgen-v0",  "benchmark://github-v0",
      "benchmark://jotaibench-v0", "benchmark://linux-v0",  "benchmark://mibench-v0",
      "benchmark://npb-v0",        "benchmark://opencv-v0", "benchmark://poj104-v1",
      "benchmark://tensorflow-v0"};
  EXPECT_EQ(llvm, want_llvm);
  EXPECT_EQ(gcc, (std::vector<std::string>{"benchmark://anghabench-v1", "benchmark://chstone-v0"}));
  // A few published facts, checked against CompilerGym's source.
  const auto* blas = find_catalogue_entry("blas-v0");
  ASSERT_NE(blas, nullptr);
  EXPECT_EQ(blas->sha256, "e724a8114709f8480adeb9873d48e426e8d9444b00cddce48e342b9f0f2b096d");
  EXPECT_EQ(blas->size_bytes, 3969036u);
  EXPECT_EQ(find_catalogue_entry("benchmark://anghabench-v1")->benchmark_count, 1041333u);
  EXPECT_EQ(find_catalogue_entry("chstone-v0")->benchmarks.size(), 12u);
  EXPECT_EQ(find_catalogue_entry("nope-v0"), nullptr);
  // The test catalogue replaced only the URL fields of cbench-v1.
  const auto* cb = find_catalogue_entry("cbench-v1");
  EXPECT_EQ(cb->license, "BSD 3-Clause");
  EXPECT_EQ(cb->benchmark_count, 23u);
  EXPECT_EQ(cb->urls[0], world().server->url("/fb/cbench.tar.bz2"));
}

TEST(Catalogue, MirrorReplacesHostAndPathPrefix) {
  setenv("CGYM_DATASET_MIRROR", "http://mirror.example/pub/cg/", 1);
  EXPECT_EQ(mirrored_url("https://dl.fbaipublicfiles.com/compiler_gym/x-v0.tar.bz2"),
            "http://mirror.example/pub/cg/x-v0.tar.bz2");
  unsetenv("CGYM_DATASET_MIRROR");
  EXPECT_EQ(mirrored_url("https://a/b/c.tar.gz"), "https://a/b/c.tar.gz");
}

TEST(Catalogue, SettingsFallBackToCompilerGymsVariables) {
  struct Saved {
    std::string name;
    std::optional<std::string> value;
  };
  std::vector<Saved> saved;
  for (const char* n :
       {"CGYM_CACHE", "CGYM_SITE_DATA", "CGYM_TRANSIENT_CACHE", "CGYM_LOGS", "CGYM_DEBUG",
        "COMPILER_GYM_CACHE", "COMPILER_GYM_SITE_DATA", "COMPILER_GYM_TRANSIENT_CACHE",
        "COMPILER_GYM_LOGS", "COMPILER_GYM_DEBUG"}) {
    const char* v = std::getenv(n);
    saved.push_back({n, v ? std::optional<std::string>(v) : std::nullopt});
    unsetenv(n);
  }
  const fs::path t = world().root / "cg";
  fs::create_directories(t / "transient");
  ::chmod((t / "transient").c_str(), 0700);
  setenv("COMPILER_GYM_CACHE", (t / "cache").c_str(), 1);
  setenv("COMPILER_GYM_SITE_DATA", (t / "site").c_str(), 1);
  setenv("COMPILER_GYM_TRANSIENT_CACHE", (t / "transient").c_str(), 1);
  setenv("COMPILER_GYM_LOGS", (t / "logs").c_str(), 1);
  setenv("COMPILER_GYM_DEBUG", "2", 1);
  EXPECT_EQ(cache_dir(), t / "cache");
  EXPECT_EQ(site_data_dir(), t / "site");
  EXPECT_EQ(transient_cache_dir(), t / "transient");
  EXPECT_EQ(logs_dir(), t / "logs");
  EXPECT_EQ(debug_level_from_env(), 2);
  // A CGYM_ variable wins; an empty one counts as unset.
  setenv("CGYM_SITE_DATA", (t / "mine").c_str(), 1);
  setenv("CGYM_DEBUG", "1", 1);
  setenv("CGYM_CACHE", "", 1);
  EXPECT_EQ(site_data_dir(), t / "mine");
  EXPECT_EQ(debug_level_from_env(), 1);
  EXPECT_EQ(cache_dir(), t / "cache");
  for (const auto& s : saved) {
    if (s.value) {
      setenv(s.name.c_str(), s.value->c_str(), 1);
    } else {
      unsetenv(s.name.c_str());
    }
  }
  EXPECT_EQ(site_data_dir(), world().root / "site");
}

// ---- install on first use ------------------------------------------------------------

TEST(RemoteDatasets, ListedBeforeInstallAndInstalledOnFirstReset) {
  ASSERT_FALSE(world().cbench_tar.empty());
  const auto all = llvm_datasets();
  const DatasetPtr cbench = all->dataset("benchmark://cbench-v1");
  EXPECT_TRUE(needs_install(*cbench));
  EXPECT_EQ(cbench->size(), 23u);  // the published count until installed
  EXPECT_EQ(cbench->license(), "BSD 3-Clause");
  // Listing every URI of the collection downloads nothing.
  for (const auto& u : all->benchmark_uris()) EXPECT_FALSE(u.starts_with("benchmark://cbench-v1"));
  EXPECT_TRUE(world().server->ranges("/fb/cbench.tar.bz2").empty());

  EnvPtr env;
  try {
    env = make("llvm-ic-v0");
  } catch (const LookupError&) {
    GTEST_SKIP() << "the LLVM backend is not built";
  }
  env->reset({.benchmark = std::string("benchmark://cbench-v1/crc32")});
  EXPECT_FALSE(needs_install(*cbench));
  EXPECT_EQ(cbench->size(), 2u);  // now the manifest's
  EXPECT_EQ(cbench->benchmark_uri(0), "benchmark://cbench-v1/crc32");
  EXPECT_EQ(cbench->benchmark_uri(1), "benchmark://cbench-v1/hello");
  EXPECT_EQ(world().server->ranges("/fb/cbench.tar.bz2").size(), 1u);
  const fs::path dir = dataset_install_dir(*find_catalogue_entry("cbench-v1"));
  EXPECT_TRUE(fs::is_regular_file(dir / "crc32.bc"));
  EXPECT_FALSE(fs::exists(dir / "README"));  // outside strip_prefix
  // Nothing of the download is kept once installed.
  EXPECT_TRUE(leftovers("cbench-v1").size() >= 1);
  for (const auto& l : leftovers("cbench-v1")) EXPECT_FALSE(l.starts_with(".downloads/")) << l;

  // Older bitcode (clang-14 when it is installed) loads, steps and validates
  // at runtime on its runtime data, like CompilerGym's cBench validators.
  if (!world().bitcode_from_clang14) std::cerr << "(clang-14 not found: bitcode is clang-19's)\n";
  const auto b = env->datasets().benchmark("benchmark://cbench-v1/crc32");
  ASSERT_TRUE(b->is_runnable());
  EXPECT_NE(b->data().reference_output->find("5003 bytes"), std::string::npos)
      << *b->data().reference_output;
  EXPECT_NE(b->data().reference_output->find("iterations 1"), std::string::npos);
  // One validation run per input; input 20 holds 2000 bytes.
  const auto& runs = b->data().metadata.at("runs");
  ASSERT_EQ(runs.size(), 20u);
  EXPECT_NE(runs[19]["args"][0].get<std::string>().find("telecom_data/20.pcm"), std::string::npos);
  EXPECT_EQ(runs[19]["reference"]["stdout"]["size"],
            std::string("2000 bytes, hash 01234567, iterations 1\n").size());
  for (const char* pass : {"-mem2reg", "-gvn", "-instcombine", "-simplifycfg"}) {
    auto a = env->action_space().find(pass);
    ASSERT_TRUE(a) << pass;
    auto r = env->step(*a);
    EXPECT_FALSE(r.done) << pass;
  }
  const ValidationResult v = env->validate();
  EXPECT_TRUE(v.okay()) << v.to_string();
  EXPECT_TRUE(v.semantics_validated);

  // A CompilerGym state CSV naming the suite replays and validates.
  std::istringstream csv(
      "benchmark,reward,walltime,commandline\n"
      "benchmark://cbench-v1/crc32,,0.5,opt -mem2reg -gvn input.bc -o output.bc\n");
  const auto states = read_state_csv(csv);
  ASSERT_EQ(states.size(), 1u);
  auto env2 = make("llvm-ic-v0");
  const ValidationResult v2 = env2->validate(states[0]);
  EXPECT_TRUE(v2.okay()) << v2.to_string();
  EXPECT_TRUE(v2.semantics_validated);

  // A benchmark that is not in the installed tree, and an escape attempt.
  EXPECT_THROW(cbench->benchmark("benchmark://cbench-v1/nope"), LookupError);
  EXPECT_THROW(cbench->benchmark("benchmark://cbench-v1/../../etc/passwd"), LookupError);
  EXPECT_THROW(cbench->benchmark_uri(2), LookupError);
}

// clgen-v0's OpenCL kernels compile with clang-19's own OpenCL headers (no
// libclc download), for CompilerGym's nvptx64-nvidia-nvcl target, once per
// machine: the bitcode is kept in the install directory.
TEST(RemoteDatasets, OpenClKernelsCompileOnceAndStep) {
  const std::string good = R"(__kernel void A(__global float* a, __global float* b, const int c) {
  int d = get_global_id(0);
  if (d < c) a[d] = sqrt(b[d]) + mad(a[d], b[d], (float)get_local_size(0));
}
)";
  const std::string tar =
      make_tar({{"suite", "", TarEntry::kDir},
                {"suite/good.cl", good},
                {"suite/bad.cl", "__kernel void B(__global int* a) { x = 1; }\n"}});
  auto info = test_entry("t-clgen-v0", tar, "clgen.tar.bz2");
  info.layout = RemoteLayout::kOpenCL;
  world().server->serve("/t/clgen.tar.bz2", {.body = tar});
  auto ds = make_remote_dataset(info, ProgramFormat::kLlvmBitcode);
  const auto b = ds->benchmark("benchmark://t-clgen-v0/good");
  ASSERT_EQ(b->format(), ProgramFormat::kLlvmBitcode);
  ASSERT_EQ(b->data().sources.size(), 1u);
  EXPECT_EQ(b->data().sources[0].contents, good);

  auto env = make("llvm-ic-v0");
  env->reset({.benchmark = b});
  const std::string ir = env->observation("Ir").as<std::string>();
  EXPECT_NE(ir.find("target triple = \"nvptx64-nvidia-nvcl\""), std::string::npos) << ir;
  EXPECT_NE(ir.find("spir_kernel void @A("), std::string::npos) << ir;
  const int64_t before = env->observation("IrInstructionCount").as<int64_t>();
  for (const char* pass : {"-mem2reg", "-instcombine", "-simplifycfg"}) {
    auto a = env->action_space().find(pass);
    ASSERT_TRUE(a) << pass;
    EXPECT_FALSE(env->step(*a).done) << pass;
  }
  EXPECT_LT(env->observation("IrInstructionCount").as<int64_t>(), before);

  // The compiled kernel is kept, and a new dataset object (a new process,
  // in effect) reads it instead of compiling again: a marked entry comes
  // back as it is. An entry that is not bitcode is compiled again.
  const fs::path root = dataset_install_dir(info);
  fs::path cached;
  for (const auto& e : fs::recursive_directory_iterator(root / ".cgym-bitcode")) {
    if (e.path().filename() == "good.bc") cached = e.path();
  }
  ASSERT_FALSE(cached.empty());
  EXPECT_EQ(slurp(cached), b->program());
  const std::string marked = std::string("BC\xc0\xde") + "marker";
  spit(cached, marked);
  EXPECT_EQ(make_remote_dataset(info, ProgramFormat::kLlvmBitcode)
                ->benchmark("benchmark://t-clgen-v0/good")
                ->program(),
            marked);
  spit(cached, "garbage");
  EXPECT_EQ(make_remote_dataset(info, ProgramFormat::kLlvmBitcode)
                ->benchmark("benchmark://t-clgen-v0/good")
                ->program(),
            b->program());
  EXPECT_EQ(slurp(cached), b->program());

  // A kernel clang rejects names the kernel and clang's message.
  const std::string err = error_of([&] { ds->benchmark("benchmark://t-clgen-v0/bad"); });
  EXPECT_NE(err.find("bad"), std::string::npos) << err;
  EXPECT_NE(err.find("undeclared identifier 'x'"), std::string::npos) << err;
  // Only the LLVM envs compile OpenCL.
  auto for_gcc = make_remote_dataset(info, ProgramFormat::kC);
  EXPECT_NE(error_of([&] {
              for_gcc->benchmark("benchmark://t-clgen-v0/good");
            }).find("only the LLVM envs"),
            std::string::npos);
}

// anghabench-v1 and chstone-v0 join gcc-v0: a C function file, and a
// CHStone program whose main file includes its siblings (given to gcc
// preprocessed, as CompilerGym does). The truth for gcc's measurement is
// gcc itself run on the original files.
TEST(RemoteDatasets, GccLoadsAnghabenchAndChstoneLayouts) {
  const auto gcc = find_program("gcc");
  if (!gcc) GTEST_SKIP() << "gcc is not installed";
  const std::string fn =
      "int f(int* a, int n) { int s = 0; for (int i = 0; i < n; ++i) s += a[i] * 3; return s; }\n";
  const std::string mini_main =
      "#include <stdio.h>\n#include \"mini_data.c\"\n"
      "int main(void) { int s = 0; for (int i = 0; i < N; ++i) s += data[i] * data[i];\n"
      "  printf(\"%d\\n\", s); return s == 55 ? 0 : 1; }\n";
  const std::string mini_data = "#define N 5\nstatic const int data[N] = {1, 2, 3, 4, 5};\n";
  const std::string angha_tar = make_tar({{"suite/extr_a_b.c", fn}});
  const std::string ch_tar =
      make_tar({{"suite/mini/mini.c", mini_main}, {"suite/mini/mini_data.c", mini_data}});
  auto angha = test_entry("t-angha-v1", angha_tar, "angha.tar.bz2");
  angha.layout = RemoteLayout::kCSource;
  auto ch = test_entry("t-chstone-v0", ch_tar, "chstone.tar.bz2");
  ch.layout = RemoteLayout::kCHStone;
  world().server->serve("/t/angha.tar.bz2", {.body = angha_tar});
  world().server->serve("/t/chstone.tar.bz2", {.body = ch_tar});

  const fs::path scratch = world().root / "gcc-truth";
  fs::create_directories(scratch);
  // gcc -Os -c on `file` (in its own directory): the object's size.
  auto gcc_os_size = [&](const fs::path& file) {
    ProcessOptions o;
    o.argv = {gcc->string(),
              "-Os",
              "-w",
              "-c",
              file.filename().string(),
              "-o",
              (scratch / "truth.o").string()};
    o.cwd = file.parent_path();
    o.timeout_seconds = 120;
    check_process(o);
    return static_cast<int64_t>(fs::file_size(scratch / "truth.o"));
  };

  struct Case {
    std::string uri;
    RemoteDatasetInfo info;
    fs::path original;
  };
  for (const Case& c : {Case{"benchmark://t-angha-v1/extr_a_b", angha, "extr_a_b.c"},
                        Case{"benchmark://t-chstone-v0/mini", ch, "mini/mini.c"}}) {
    SCOPED_TRACE(c.uri);
    auto ds = make_remote_dataset(c.info, ProgramFormat::kC);
    const auto b = ds->benchmark(c.uri);
    EXPECT_EQ(b->format(), ProgramFormat::kC);
    auto env = make("gcc-v0");
    env->reset({.benchmark = b});
    const int64_t os = env->observation("obj_size_Os").as<int64_t>();
    EXPECT_EQ(os, gcc_os_size(dataset_install_dir(c.info) / c.original));
    for (int a : {0, 1, 2}) EXPECT_FALSE(env->step(a).done);
    EXPECT_GT(env->observation("obj_size").as<int64_t>(), 0);
    // The LLVM envs compile the same files to bitcode.
    auto llvm = make_remote_dataset(c.info, ProgramFormat::kLlvmBitcode)->benchmark(c.uri);
    EXPECT_EQ(llvm->format(), ProgramFormat::kLlvmBitcode);
    auto lenv = make("llvm-ic-v0");
    lenv->reset({.benchmark = llvm});
    EXPECT_GT(lenv->observation("IrInstructionCount").as<int64_t>(), 0);
  }
}

TEST(RemoteDatasets, ListsAManifestLazilyAndReadsOneFile) {
  // 100,000 URIs, one real file: listing reads only the manifest.
  std::string lines;
  for (int i = 0; i < 100000; ++i) lines += "benchmark://t-lazy-v0/f" + std::to_string(i) + "\n";
  const std::string manifest = make_bz2(lines);
  const std::string tar = make_tar({{"suite/f77777.bc", "BC"}});
  auto info = test_entry("t-lazy-v0", tar, "lazy.tar.bz2");
  info.manifest_url = world().server->url("/t/lazy-manifest.bz2");
  info.manifest_sha256 = sha256_of(manifest);
  world().server->serve("/t/lazy.tar.bz2", {.body = tar});
  world().server->serve("/t/lazy-manifest.bz2", {.body = manifest});
  auto ds = make_remote_dataset(info, ProgramFormat::kLlvmBitcode);
  EXPECT_EQ(ds->size(), 99u);
  EXPECT_EQ(ds->benchmark_uri(5), "benchmark://t-lazy-v0/f5");  // installs
  EXPECT_EQ(ds->size(), 100000u);
  EXPECT_EQ(ds->benchmark_uri(99999), "benchmark://t-lazy-v0/f99999");
  EXPECT_EQ(ds->benchmark("benchmark://t-lazy-v0/f77777")->program(), "BC");
  const std::string e = error_of([&] { ds->benchmark("benchmark://t-lazy-v0/f1"); });
  EXPECT_NE(e.find("f1.bc"), std::string::npos) << e;
  EXPECT_TRUE(uninstall_dataset(info));
  EXPECT_FALSE(ds->installed());
  EXPECT_FALSE(uninstall_dataset(info));
}

// ---- failures --------------------------------------------------------------------------

TEST(RemoteDatasets, AWrongSha256InstallsNothingAndNamesTheUrl) {
  const std::string tar = suite_archive();
  auto info = test_entry("t-sha-v0", tar, "sha.tar.bz2");
  world().server->serve("/t/sha.tar.bz2", {.body = tar + "tampered"});
  const std::string e = error_of([&] { install_dataset(info, quiet()); });
  EXPECT_NE(e.find(info.urls[0]), std::string::npos) << e;
  EXPECT_NE(e.find(info.sha256), std::string::npos) << e;
  EXPECT_NE(e.find(sha256_of(tar + "tampered")), std::string::npos) << e;
  EXPECT_NE(e.find("deleted"), std::string::npos) << e;
  EXPECT_FALSE(dataset_installed(info));
  EXPECT_EQ(leftovers("t-sha-v0"), std::vector<std::string>{});
  EXPECT_THROW(install_dataset(info, quiet()), DatasetInstallError);
}

TEST(RemoteDatasets, ADownloadDroppedHalfwayResumes) {
  const std::string big = suite_archive(300000);
  auto info = test_entry("t-resume-v0", big, "resume.tar.bz2");
  world().server->serve("/t/resume.tar.bz2",
                        {.body = big, .drop_after = big.size() / 2, .drops = 1});
  install_dataset(info, quiet());
  EXPECT_TRUE(dataset_installed(info));
  const auto ranges = world().server->ranges("/t/resume.tar.bz2");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], "");
  EXPECT_EQ(ranges[1], "bytes=" + std::to_string(big.size() / 2) + "-");
  EXPECT_EQ(slurp(dataset_install_dir(info) / "sub" / "b.bc"), "bee");
  uninstall_dataset(info);
}

TEST(RemoteDatasets, AServerThatIgnoresRangeStillGivesTheRightFile) {
  const std::string tar = suite_archive(200000);
  auto info = test_entry("t-norange-v0", tar, "norange.tar.bz2");
  world().server->serve(
      "/t/norange.tar.bz2",
      {.body = tar, .drop_after = tar.size() / 3, .drops = 1, .ignore_range = true});
  install_dataset(info, quiet());
  EXPECT_TRUE(dataset_installed(info));
  // The dropped request, the Range request libcurl refuses to continue (a
  // 200 where a 206 was asked for), and the restart from byte 0.
  const auto ranges = world().server->ranges("/t/norange.tar.bz2");
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[2], "");
  uninstall_dataset(info);
}

TEST(RemoteDatasets, AServerThatIsDownIsAClearErrorAndLeavesNothing) {
  const std::string tar = suite_archive();
  auto info = test_entry("t-down-v0", tar, "down.tar.bz2");
  // A port that was free a moment ago and has no listener now.
  int port;
  {
    HttpTestServer s;
    port = s.port();
  }
  info.urls = {"http://127.0.0.1:" + std::to_string(port) + "/down.tar.bz2"};
  const std::string e = error_of([&] { install_dataset(info, quiet()); });
  EXPECT_NE(e.find("benchmark://t-down-v0"), std::string::npos) << e;
  EXPECT_NE(e.find(info.urls[0]), std::string::npos) << e;
  EXPECT_NE(e.find("cgym datasets install t-down-v0 --from FILE"), std::string::npos) << e;
  EXPECT_FALSE(dataset_installed(info));
  EXPECT_EQ(leftovers("t-down-v0"), std::vector<std::string>{});
  // An HTTP error (404) is reported the same way.
  info.urls = {world().server->url("/t/missing.tar.bz2")};
  const std::string e404 = error_of([&] { install_dataset(info, quiet()); });
  EXPECT_NE(e404.find("HTTP 404"), std::string::npos) << e404;
  EXPECT_EQ(leftovers("t-down-v0"), std::vector<std::string>{});
}

// Makes the disk look full: writes past `bytes` fail with EFBIG.
class ScopedFileSizeLimit {
 public:
  explicit ScopedFileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit r = old_;
    r.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &r);
  }
  ~ScopedFileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  sighandler_t old_handler_ = nullptr;
};

TEST(RemoteDatasets, AFullDiskIsAClearErrorAndLeavesNothing) {
  // The download does not fit.
  const std::string tar = make_tar({{"suite/a.bc", std::string(40000, 'q')}}, "none");
  auto info = test_entry("t-full-v0", tar, "full.tar");
  world().server->serve("/t/full.tar", {.body = tar});
  std::string e;
  {
    ScopedFileSizeLimit limit(tar.size() / 2);
    e = error_of([&] { install_dataset(info, quiet()); });
  }
  EXPECT_NE(e.find("disk full"), std::string::npos) << e;
  EXPECT_FALSE(dataset_installed(info));
  EXPECT_EQ(leftovers("t-full-v0"), std::vector<std::string>{});
  // The download fits but an unpacked file does not (it compresses well).
  const std::string packed = make_tar({{"suite/a.bc", std::string(400000, 'q')}});
  auto info2 = test_entry("t-full2-v0", packed, "full2.tar.bz2");
  world().server->serve("/t/full2.tar.bz2", {.body = packed});
  {
    ScopedFileSizeLimit limit(100000);
    e = error_of([&] { install_dataset(info2, quiet()); });
  }
  EXPECT_NE(e.find("disk full"), std::string::npos) << e;
  EXPECT_FALSE(dataset_installed(info2));
  EXPECT_EQ(leftovers("t-full2-v0"), std::vector<std::string>{});
  // With room again, the same install works.
  install_dataset(info2, quiet());
  EXPECT_TRUE(dataset_installed(info2));
  uninstall_dataset(info2);
}

TEST(RemoteDatasets, ATruncatedOrCorruptArchiveIsRefused) {
  const std::string tar = suite_archive(100000);
  for (const std::string& bad : {tar.substr(0, tar.size() / 2), std::string("garbage") + tar}) {
    // The sha256 matches the bad bytes: the unpacker must notice by itself.
    auto info = test_entry("t-corrupt-v0", bad, "corrupt.tar.bz2");
    world().server->serve("/t/corrupt.tar.bz2", {.body = bad});
    const std::string e = error_of([&] { install_dataset(info, quiet()); });
    EXPECT_NE(e.find("cannot unpack"), std::string::npos) << e;
    EXPECT_FALSE(dataset_installed(info));
    EXPECT_EQ(leftovers("t-corrupt-v0"), std::vector<std::string>{});
  }
}

TEST(RemoteDatasets, UnsafeArchiveEntriesAreRefused) {
  const fs::path outside = world().root / "site" / "datasets" / "evil";
  struct Case {
    std::vector<TarEntry> entries;
    std::string want;
  };
  const std::vector<Case> cases = {
      {{{"suite/a.bc", "a"}, {"suite/../../evil", "x"}}, "'..' component"},
      {{{"suite/a.bc", "a"}, {"/tmp/cgym-evil-abs", "x"}}, "absolute path"},
      {{{"suite/link", "", TarEntry::kSymlink, "../../evil"}}, "symbolic link"},
      {{{"suite/link", "", TarEntry::kSymlink, "/etc/passwd"}}, "symbolic link"},
      {{{"suite/hard", "", TarEntry::kHardlink, "etc/passwd"}}, "hard link"},
  };
  for (const auto& c : cases) {
    const std::string tar = make_tar(c.entries);
    auto info = test_entry("t-evil-v0", tar, "evil.tar.bz2");
    world().server->serve("/t/evil.tar.bz2", {.body = tar});
    const std::string e = error_of([&] { install_dataset(info, quiet()); });
    EXPECT_NE(e.find("refusing to unpack"), std::string::npos) << e;
    EXPECT_NE(e.find(c.want), std::string::npos) << e;
    EXPECT_FALSE(dataset_installed(info));
    EXPECT_FALSE(fs::exists(outside));
    EXPECT_FALSE(fs::exists("/tmp/cgym-evil-abs"));
    EXPECT_EQ(leftovers("t-evil-v0"), std::vector<std::string>{});
  }
  // Links inside the tree are fine.
  const std::string ok = make_tar({{"suite/a.bc", "a"},
                                   {"suite/sub/l.bc", "", TarEntry::kSymlink, "../a.bc"},
                                   {"suite/h.bc", "", TarEntry::kHardlink, "suite/a.bc"}});
  auto info = test_entry("t-links-v0", ok, "links.tar.bz2");
  world().server->serve("/t/links.tar.bz2", {.body = ok});
  install_dataset(info, quiet());
  EXPECT_EQ(slurp(dataset_install_dir(info) / "sub" / "l.bc"), "a");
  EXPECT_EQ(slurp(dataset_install_dir(info) / "h.bc"), "a");
  uninstall_dataset(info);
}

TEST(RemoteDatasets, TwoProcessesInstallingAtOnceDownloadOnce) {
  const std::string tar = suite_archive(400000);
  auto info = test_entry("t-race-v0", tar, "race.tar.bz2");
  // Slow enough that the second process starts while the first downloads.
  world().server->serve("/t/race.tar.bz2", {.body = tar, .delay_ms_per_chunk = 100});
  std::vector<pid_t> kids;
  for (int k = 0; k < 2; ++k) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // The child only installs and exits: no gtest, no destructors.
      int rc = 0;
      try {
        install_dataset(info, quiet());
        rc = dataset_installed(info) ? 0 : 3;
      } catch (...) {
        rc = 4;
      }
      ::_exit(rc);
    }
    kids.push_back(pid);
  }
  for (pid_t p : kids) {
    int status = 0;
    ::waitpid(p, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  EXPECT_TRUE(dataset_installed(info));
  EXPECT_EQ(world().server->ranges("/t/race.tar.bz2").size(), 1u);
  EXPECT_EQ(slurp(dataset_install_dir(info) / "sub" / "b.bc"), "bee");
  uninstall_dataset(info);
}

TEST(RemoteDatasets, MirrorAndFromArchive) {
  const std::string tar = suite_archive();
  auto info = test_entry("t-mirror-v0", tar, "mirror.tar.bz2");
  info.urls = {"https://dl.example.invalid/compiler_gym/mirror.tar.bz2"};
  world().server->serve("/m/mirror.tar.bz2", {.body = tar});
  setenv("CGYM_DATASET_MIRROR", world().server->url("/m").c_str(), 1);
  install_dataset(info, quiet());
  unsetenv("CGYM_DATASET_MIRROR");
  EXPECT_TRUE(dataset_installed(info));
  EXPECT_EQ(world().server->ranges("/m/mirror.tar.bz2").size(), 1u);
  uninstall_dataset(info);
  // --from: no network at all; the manifest is made from the tree.
  spit(world().root / "given.tar.bz2", tar);
  InstallOptions o = quiet();
  o.from_archive = world().root / "given.tar.bz2";
  install_dataset(info, o);
  auto ds = make_remote_dataset(info, ProgramFormat::kLlvmBitcode);
  ASSERT_EQ(ds->size(), 2u);
  EXPECT_EQ(ds->benchmark_uri(0), "benchmark://t-mirror-v0/a");
  EXPECT_EQ(ds->benchmark_uri(1), "benchmark://t-mirror-v0/sub/b");
  uninstall_dataset(info);
  // --from with the wrong file names it and both digests.
  spit(world().root / "wrong.tar.bz2", tar + "x");
  o.from_archive = world().root / "wrong.tar.bz2";
  const std::string e = error_of([&] { install_dataset(info, o); });
  EXPECT_NE(e.find("wrong.tar.bz2"), std::string::npos) << e;
  EXPECT_NE(e.find(info.sha256), std::string::npos) << e;
  EXPECT_FALSE(dataset_installed(info));
}

// ---- the command line ------------------------------------------------------------------

ProcessResult cgym_cli(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  ProcessOptions o;
  o.argv = {CGYM_CLI_BINARY};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = std::move(env);
  o.env["CGYM_SITE_DATA"] = (world().root / "cli-site").string();
  o.timeout_seconds = 300;
  return run_process(o);
}

TEST(RemoteDatasetsCli, InstallUninstallAndFrom) {
  auto list = cgym_cli({"datasets", "--env", "llvm-v0"});
  if (list.exit_code != 0 && list.stderr_data.find("llvm-v0") != std::string::npos) {
    GTEST_SKIP() << "the LLVM backend is not built";
  }
  ASSERT_EQ(list.exit_code, 0) << list.stderr_data;
  EXPECT_NE(list.stdout_data.find("Basic linear algebra kernels [not installed, 3.8 MB download]"),
            std::string::npos)
      << list.stdout_data;
  EXPECT_NE(list.stdout_data.find("benchmark://anghabench-v1"), std::string::npos);

  auto in = cgym_cli({"datasets", "install", "cbench-v1"});
  ASSERT_EQ(in.exit_code, 0) << in.stderr_data;
  EXPECT_NE(in.stdout_data.find("Installed benchmark://cbench-v1"), std::string::npos)
      << in.stdout_data;
  // Not a terminal: plain progress lines.
  EXPECT_NE(
      in.stderr_data.find("cbench-v1: downloading " + world().server->url("/fb/cbench.tar.bz2")),
      std::string::npos)
      << in.stderr_data;
  EXPECT_EQ(in.stderr_data.find('\r'), std::string::npos);
  const fs::path dir = world().root / "cli-site" / "datasets" / "cbench-v1";
  EXPECT_TRUE(fs::is_regular_file(dir / "crc32.bc"));
  auto again = cgym_cli({"datasets", "install", "cbench-v1"});
  EXPECT_NE(again.stdout_data.find("already installed"), std::string::npos) << again.stdout_data;
  list = cgym_cli({"datasets", "--env", "llvm-v0"});
  EXPECT_NE(list.stdout_data.find("Runnable C benchmarks [installed, "), std::string::npos)
      << list.stdout_data;
  auto b = cgym_cli({"benchmarks", "cbench-v1", "--env", "llvm-v0"});
  EXPECT_EQ(b.stdout_data, "benchmark://cbench-v1/crc32\nbenchmark://cbench-v1/hello\n");

  auto un = cgym_cli({"datasets", "uninstall", "cbench-v1"});
  ASSERT_EQ(un.exit_code, 0) << un.stderr_data;
  EXPECT_NE(un.stdout_data.find("Removed benchmark://cbench-v1"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir));
  un = cgym_cli({"datasets", "uninstall", "cbench-v1"});
  EXPECT_NE(un.stdout_data.find("was not installed"), std::string::npos);

  // Offline: a clear error, nothing left, then --from works.
  std::map<std::string, std::string> offline = {{"CGYM_DATASET_MIRROR", "http://127.0.0.1:1/x"}};
  auto off = cgym_cli({"datasets", "install", "cbench-v1"}, offline);
  EXPECT_NE(off.exit_code, 0);
  for (const char* want : {"benchmark://cbench-v1", "http://127.0.0.1:1/x/cbench.tar.bz2",
                           "cgym datasets install cbench-v1 --from FILE"}) {
    EXPECT_NE(off.stderr_data.find(want), std::string::npos) << want << "\n" << off.stderr_data;
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(
      fs::exists(world().root / "cli-site" / "datasets" / ".downloads" / "cbench-v1-archive.part"));
  spit(world().root / "cbench.tar.bz2", world().cbench_tar);
  spit(world().root / "cbench-manifest.bz2", world().cbench_manifest);
  auto from = cgym_cli(
      {"datasets", "install", "cbench-v1", "--from", (world().root / "cbench.tar.bz2").string(),
       "--manifest", (world().root / "cbench-manifest.bz2").string()},
      offline);
  ASSERT_EQ(from.exit_code, 0) << from.stderr_data;
  EXPECT_TRUE(fs::is_regular_file(dir / "crc32.bc"));
  cgym_cli({"datasets", "uninstall", "cbench-v1"});

  auto wrong = cgym_cli({"datasets", "install", "cbench-v1", "--from",
                         (world().root / "cbench-manifest.bz2").string()},
                        offline);
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.stderr_data.find("sha256"), std::string::npos) << wrong.stderr_data;
  auto bad = cgym_cli({"datasets", "install", "nope-v0"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.stderr_data.find("valid names: anghabench-v1"), std::string::npos)
      << bad.stderr_data;
  auto two = cgym_cli({"datasets", "install", "cbench-v1", "blas-v0", "--from",
                       (world().root / "cbench.tar.bz2").string()});
  EXPECT_NE(two.stderr_data.find("--from and --manifest install one dataset"), std::string::npos)
      << two.stderr_data;
}

}  // namespace
}  // namespace cgym
