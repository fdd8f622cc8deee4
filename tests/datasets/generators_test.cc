// generator://csmith-v0 and generator://llvm-stress-v0.
#include <gtest/gtest.h>

#include <cstdlib>

#include "datasets/datasets_test_util.h"

using namespace cgym;

namespace {

bool have_csmith() {
  return find_program("csmith") && std::filesystem::exists("/usr/include/csmith/csmith.h");
}

#define REQUIRE_CSMITH() \
  if (!have_csmith()) GTEST_SKIP() << "csmith or libcsmith-dev is not installed"

// What csmith itself prints for a seed, with the dataset's flags.
std::string csmith_output(uint32_t seed) {
  ProcessOptions o;
  o.argv = {"csmith", "--seed", std::to_string(seed)};
  for (const auto& f : csmith_flags()) o.argv.push_back(f);
  return check_process(o).stdout_data;
}

CsmithOptions no_reference() {
  CsmithOptions o;
  o.compute_reference_output = false;
  return o;
}

// Restores PATH when it goes out of scope.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& value)
      : old_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() { setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

}  // namespace

TEST(Csmith, SameSeedSameBytesAndDifferentSeedsDiffer) {
  REQUIRE_CSMITH();
  // Two dataset objects, so nothing is shared through a cache.
  auto a = make_csmith_dataset(ProgramFormat::kC, no_reference());
  auto b = make_csmith_dataset(ProgramFormat::kC, no_reference());
  auto a1 = a->benchmark("generator://csmith-v0/1");
  auto b1 = b->benchmark("generator://csmith-v0/1");
  ASSERT_NE(a1.get(), b1.get());
  EXPECT_EQ(a1->program(), b1->program());
  EXPECT_EQ(a1->program(), csmith_output(1));
  EXPECT_EQ(a1->format(), ProgramFormat::kC);
  ASSERT_EQ(a1->data().sources.size(), 1u);
  EXPECT_EQ(a1->data().sources[0].name, "csmith-1.c");
  EXPECT_EQ(a1->data().compile_flags, std::vector<std::string>{"-I/usr/include/csmith"});
  EXPECT_NE(a->benchmark("generator://csmith-v0/2")->program(), a1->program());
  EXPECT_FALSE(a1->is_runnable());
}

TEST(Csmith, BitcodeIsDeterministicAndRunnable) {
  REQUIRE_CSMITH();
  CGYM_REQUIRE_TOOLS();
  auto a = make_csmith_dataset(ProgramFormat::kLlvmBitcode);
  auto b = make_csmith_dataset(ProgramFormat::kLlvmBitcode);
  auto a1 = a->benchmark("generator://csmith-v0/1");
  auto b1 = b->benchmark("generator://csmith-v0/1");
  EXPECT_EQ(a1->format(), ProgramFormat::kLlvmBitcode);
  EXPECT_EQ(a1->program().substr(0, 2), "BC");
  EXPECT_TRUE(a1->program() == b1->program()) << "the bitcode of seed 1 differs between two runs";
  EXPECT_EQ(a1->data().sources.at(0).contents, csmith_output(1));
  // csmith's programs print their checksum; seed 1 terminates.
  ASSERT_TRUE(a1->is_runnable()) << a1->data().metadata.dump();
  EXPECT_TRUE(a1->data().reference_output->starts_with("checksum = "))
      << *a1->data().reference_output;
  // The reference is what the C source prints built by another compiler.
  TempDir dir("csmith-test");
  cgym_test::write_text(dir.path() / "p.c", csmith_output(1));
  cgym_test::output_of({"gcc", "-w", "-O0", "-I/usr/include/csmith", (dir.path() / "p.c").string(),
                        "-o", (dir.path() / "p").string()});
  EXPECT_EQ(cgym_test::output_of({(dir.path() / "p").string()}, 10), *a1->data().reference_output);
  // And the unoptimised module validates against it.
  const auto issues = validate_bitcode_program(*a1, a1->program(), dir.path(), false);
  EXPECT_TRUE(issues.empty()) << cgym_test::issues_text(issues);
}

TEST(Csmith, IsAnInfiniteDatasetOfSeeds) {
  auto d = make_csmith_dataset(ProgramFormat::kC, no_reference());
  EXPECT_EQ(d->name(), "generator://csmith-v0");
  EXPECT_EQ(d->size(), 0u);
  EXPECT_EQ(d->benchmark_uri(0), "generator://csmith-v0/0");
  EXPECT_EQ(d->benchmark_uri(4294967295u), "generator://csmith-v0/4294967295");
  EXPECT_THROW(d->benchmark_uri(4294967296u), InvalidArgument);
  auto it = d->benchmark_uris().begin();
  EXPECT_EQ(*it, "generator://csmith-v0/0");
  ++it;
  EXPECT_EQ(*it, "generator://csmith-v0/1");
  for (const char* bad :
       {"generator://csmith-v0/", "generator://csmith-v0/-1", "generator://csmith-v0/abc",
        "generator://csmith-v0/4294967296", "generator://csmith-v0/007",
        "generator://csmith-v0/1?x=2", "generator://llvm-stress-v0/1"}) {
    try {
      d->benchmark(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const LookupError& e) {
      if (std::string(bad).find("llvm-stress") == std::string::npos) {
        EXPECT_NE(std::string(e.what()).find("0 to 4294967295"), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_THROW(make_csmith_dataset(ProgramFormat::kLlvmIr), InvalidArgument);
}

TEST(Csmith, RandomBenchmarkDrawsAReproducibleSeed) {
  REQUIRE_CSMITH();
  auto d = make_csmith_dataset(ProgramFormat::kC, no_reference());
  Rng a(123), b(123);
  const auto x = d->random_benchmark(a), y = d->random_benchmark(b);
  EXPECT_EQ(x->uri(), y->uri());
  Rng c(123);
  EXPECT_EQ(x->uri(), "generator://csmith-v0/" + std::to_string(static_cast<uint32_t>(c() >> 32)));
}

TEST(Csmith, MissingCsmithSaysHowToInstallIt) {
  TempDir empty("no-tools");
  ScopedPath path(empty.path().string());
  auto d = make_csmith_dataset(ProgramFormat::kC, no_reference());
  try {
    d->benchmark("generator://csmith-v0/3");
    FAIL() << "expected BenchmarkInitError";
  } catch (const BenchmarkInitError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("csmith is not installed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("apt-get install csmith libcsmith-dev"), std::string::npos) << msg;
  }
}

TEST(LlvmStress, SameSeedSameBytesAndDifferentSeedsDiffer) {
  const auto tool = cgym_test::tool("llvm-stress");
  if (!tool) GTEST_SKIP() << "llvm-stress-19 is missing";
  auto a = make_llvm_stress_dataset();
  auto b = make_llvm_stress_dataset();
  auto a7 = a->benchmark("generator://llvm-stress-v0/7");
  EXPECT_EQ(a7->format(), ProgramFormat::kLlvmIr);
  EXPECT_EQ(a7->program(), b->benchmark("generator://llvm-stress-v0/7")->program());
  EXPECT_EQ(a7->program(), cgym_test::output_of({tool->string(), "--seed=7", "--size=100"}));
  EXPECT_NE(a->benchmark("generator://llvm-stress-v0/8")->program(), a7->program());
  EXPECT_NE(a7->program().find("define void @autogen_SD7("), std::string::npos);
  EXPECT_FALSE(a7->is_runnable());
  // The IR is valid: llvm-as accepts it.
  EXPECT_FALSE(cgym_test::assemble(a7->program()).empty());
  EXPECT_EQ(a->size(), 0u);
  EXPECT_THROW(a->benchmark("generator://llvm-stress-v0/x"), LookupError);
}
