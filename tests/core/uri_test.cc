#include <gtest/gtest.h>

#include "cgym/benchmark.h"
#include "cgym/errors.h"

using namespace cgym;

TEST(BenchmarkUri, ParsesFullForm) {
  auto u = BenchmarkUri::parse("benchmark://loopnest-v0/matmul?m=64&n=32&k=16#frag");
  EXPECT_EQ(u.scheme, "benchmark");
  EXPECT_EQ(u.dataset, "loopnest-v0");
  EXPECT_EQ(u.path, "matmul");
  EXPECT_EQ(u.params.at("m"), "64");
  EXPECT_EQ(u.params.at("k"), "16");
  EXPECT_EQ(u.fragment, "frag");
  EXPECT_EQ(u.dataset_name(), "benchmark://loopnest-v0");
  EXPECT_EQ(u.to_string(), "benchmark://loopnest-v0/matmul?k=16&m=64&n=32#frag");
}

TEST(BenchmarkUri, NoSchemeMeansBenchmark) {
  auto u = BenchmarkUri::parse("cgym-v0/crc32");
  EXPECT_EQ(u.scheme, "benchmark");
  EXPECT_EQ(u.dataset, "cgym-v0");
  EXPECT_EQ(u.path, "crc32");
}

TEST(BenchmarkUri, Generators) {
  auto u = BenchmarkUri::parse("generator://csmith-v0/42");
  EXPECT_EQ(u.scheme, "generator");
  EXPECT_EQ(u.dataset_name(), "generator://csmith-v0");
  EXPECT_EQ(u.path, "42");
}

TEST(BenchmarkUri, FileUris) {
  auto u = BenchmarkUri::parse("file:///home/me/prog.c");
  EXPECT_EQ(u.scheme, "file");
  EXPECT_EQ(u.path, "/home/me/prog.c");
  EXPECT_EQ(u.dataset_name(), "file://");
  EXPECT_THROW(BenchmarkUri::parse("file://relative/prog.c"), InvalidArgument);
}

TEST(BenchmarkUri, BadUrisSayWhatIsExpected) {
  for (const char* bad :
       {"", "://x/y", "bench mark://a/b", "benchmark:///crc32", "a\nb", "benchmark://x/y?=3"}) {
    try {
      BenchmarkUri::parse(bad);
      FAIL() << "accepted '" << bad << "'";
    } catch (const InvalidArgument& e) {
      EXPECT_FALSE(std::string(e.what()).empty());
    }
  }
  try {
    BenchmarkUri::parse("");
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("scheme://dataset/path"), std::string::npos);
  }
}

TEST(Benchmark, HashIsStableAndContentBased) {
  auto a = Benchmark::make({.uri = "benchmark://x/a", .program = "hello"});
  auto b = Benchmark::make({.uri = "benchmark://x/b", .program = "hello"});
  auto c = Benchmark::make({.uri = "benchmark://x/c", .program = "hellp"});
  EXPECT_EQ(a->hash(), b->hash());
  EXPECT_NE(a->hash(), c->hash());
  EXPECT_EQ(a->hash().size(), 32u);
  EXPECT_EQ(hash_bytes("hello"), a->hash());
  EXPECT_FALSE(a->is_runnable());
  EXPECT_THROW(Benchmark::make({.program = "x"}), InvalidArgument);
}
