// The bundled suite benchmark://cgym-v0.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "datasets/bundled_check.h"
#include "datasets/datasets_test_util.h"

using namespace cgym;

TEST(Bundled, ListsTheManifestInNameOrder) {
  CGYM_REQUIRE_BUNDLED(d);
  const auto manifest = nlohmann::json::parse(read_file(data_dir() / "cgym-v0" / "manifest.json"));
  std::vector<std::string> names;
  for (const auto& e : manifest) names.push_back(e["name"]);
  std::sort(names.begin(), names.end());
  ASSERT_EQ(d->size(), names.size());
  EXPECT_EQ(d->name(), "benchmark://cgym-v0");
  std::vector<std::string> uris;
  for (const auto& u : d->benchmark_uris()) uris.push_back(u);
  ASSERT_EQ(uris.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(uris[i], "benchmark://cgym-v0/" + names[i]);
  EXPECT_THROW(d->benchmark_uri(names.size()), InvalidArgument);
}

TEST(Bundled, BenchmarksCarryProgramSourcesAndReference) {
  CGYM_REQUIRE_BUNDLED(d);
  const auto manifest = nlohmann::json::parse(read_file(data_dir() / "cgym-v0" / "manifest.json"));
  for (const auto& e : manifest) {
    const std::string name = e["name"];
    auto b = d->benchmark("benchmark://cgym-v0/" + name);
    EXPECT_EQ(b->uri(), "benchmark://cgym-v0/" + name);
    EXPECT_EQ(b->format(), ProgramFormat::kLlvmBitcode);
    ASSERT_GE(b->program().size(), 4u);
    EXPECT_EQ(b->program().substr(0, 2), "BC") << name;
    EXPECT_TRUE(b->is_runnable()) << name;
    // The reference is the file the suite ships, byte for byte.
    EXPECT_EQ(*b->data().reference_output,
              read_file(data_dir() / "cgym-v0" / name / "expected_output.txt"));
    std::vector<std::string> sources;
    for (const auto& s : b->data().sources) sources.push_back(s.name);
    for (const auto& s : e["sources"]) {
      EXPECT_NE(std::find(sources.begin(), sources.end(), s.get<std::string>()), sources.end())
          << name << " lacks " << s;
    }
    EXPECT_EQ(b->data().link_flags, e.value("link_flags", std::vector<std::string>{}));
    ASSERT_FALSE(b->data().build_command.empty());
    EXPECT_EQ(b->data().metadata["run_command"][0], "./" + name);
  }
}

TEST(Bundled, SameObjectEverywhere) {
  CGYM_REQUIRE_BUNDLED(d);
  const std::string uri = d->benchmark_uri(0);
  EXPECT_EQ(d->benchmark(uri).get(), d->benchmark(uri).get());
  // The LLVM and gcc collections share the bundled benchmarks.
  EXPECT_EQ(llvm_datasets()->benchmark(uri).get(), gcc_datasets()->benchmark(uri).get());
  // No scheme means benchmark://.
  EXPECT_EQ(llvm_datasets()->benchmark(uri.substr(std::string("benchmark://").size())).get(),
            llvm_datasets()->benchmark(uri).get());
}

TEST(Bundled, UnknownNameSuggestsClosest) {
  CGYM_REQUIRE_BUNDLED(d);
  const std::string first = d->benchmark_uri(0).substr(std::string("benchmark://cgym-v0/").size());
  const std::string typo = first + "x";
  try {
    d->benchmark("benchmark://cgym-v0/" + typo);
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown benchmark '" + typo + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(first), std::string::npos) << msg;
  }
  EXPECT_THROW(d->benchmark("benchmark://cgym-v0"), LookupError);
  EXPECT_THROW(d->benchmark("benchmark://other-v0/" + first), LookupError);
}

TEST(Bundled, RandomBenchmarkIsReproducible) {
  CGYM_REQUIRE_BUNDLED(d);
  Rng a(7), b(7);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(d->random_benchmark(a)->uri(), d->random_benchmark(b)->uri());
}

TEST(Bundled, MissingDataSaysWhereAndHow) {
  TempDir dir("bundled-test");
  auto d = make_bundled_dataset(dir.path() / "nowhere");
  EXPECT_EQ(d->size(), 0u);
  try {
    d->benchmark("benchmark://cgym-v0/crc32");
    FAIL() << "expected BenchmarkInitError";
  } catch (const BenchmarkInitError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find((dir.path() / "nowhere" / "manifest.json").string()), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("CGYM_DATA_DIR"), std::string::npos) << msg;
  }
}

TEST(Bundled, CorruptManifestIsReported) {
  TempDir dir("bundled-test");
  cgym_test::write_text(dir.path() / "manifest.json", "[{\"name\": \"a/b\", \"sources\": []}]");
  auto d = make_bundled_dataset(dir.path());
  try {
    d->benchmark_uri(0);
    FAIL() << "expected BenchmarkInitError";
  } catch (const BenchmarkInitError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid name 'a/b'"), std::string::npos) << e.what();
  }
}

// Three programs (a multi-file one among them when the suite has one) at
// -O0, -O3 and -Oz; bundled_all_test runs every program.
TEST(Bundled, SomeProgramsRunAtO0O3Oz) {
  CGYM_REQUIRE_BUNDLED(d);
  CGYM_REQUIRE_TOOLS();
  const auto opt = cgym_test::tool("opt");
  if (!opt) GTEST_SKIP() << "opt-19 is missing: cannot optimise";
  std::vector<BenchmarkPtr> picks;
  for (const auto& uri : d->benchmark_uris()) {
    auto b = d->benchmark(uri);
    size_t c_files = 0;
    for (const auto& s : b->data().sources) c_files += s.name.ends_with(".c");
    if (c_files > 1) {
      picks.push_back(b);
      break;
    }
  }
  for (uint64_t i = 0; picks.size() < 3 && i < d->size(); ++i) {
    auto b = d->benchmark(d->benchmark_uri(i));
    if (std::find(picks.begin(), picks.end(), b) == picks.end()) picks.push_back(b);
  }
  TempDir dir("bundled-test");
  for (const auto& b : picks) cgym_test::check_bundled_program(*b, *opt, dir.path());
}
