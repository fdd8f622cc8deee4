// The byte-bounded LRU artifact cache.
#include <gtest/gtest.h>

#include <thread>

#include "backends/gcc/artifact_cache.h"

namespace cgym::gcc {
namespace {

ArtifactPtr artifact_of(size_t bytes) {
  auto a = std::make_shared<Artifact>();
  a->outputs.push_back(std::string(bytes, 'x'));
  return a;
}

TEST(ArtifactCache, HitsMissesAndLeastRecentlyUsedEviction) {
  const size_t unit = artifact_of(1000)->bytes();
  ArtifactCache cache(3 * unit);
  EXPECT_EQ(cache.get("a"), nullptr);
  cache.put("a", artifact_of(1000));
  cache.put("b", artifact_of(1000));
  cache.put("c", artifact_of(1000));
  EXPECT_NE(cache.get("a"), nullptr);  // a is now the most recent
  cache.put("d", artifact_of(1000));   // evicts b
  EXPECT_EQ(cache.get("b"), nullptr);
  EXPECT_NE(cache.get("a"), nullptr);
  EXPECT_NE(cache.get("c"), nullptr);
  EXPECT_NE(cache.get("d"), nullptr);
  auto s = cache.stats();
  EXPECT_EQ(s.hits, 4u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(s.bytes, 3 * unit);
  EXPECT_DOUBLE_EQ(s.hit_rate(), 4.0 / 6.0);
  EXPECT_EQ(s.to_json()["hits"], 4);

  cache.put("huge", artifact_of(10 * unit));  // larger than the capacity: not kept
  EXPECT_EQ(cache.get("huge"), nullptr);
  cache.put("a", artifact_of(10));  // replacing adjusts the byte count
  EXPECT_EQ(cache.stats().bytes, 2 * unit + artifact_of(10)->bytes());
  cache.set_capacity(unit);
  EXPECT_LE(cache.stats().bytes, unit);
  cache.reset_stats();
  EXPECT_EQ(cache.stats().hits, 0u);
  cache.clear();
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(ArtifactCache, ConcurrentUse) {
  ArtifactCache cache(64 << 10);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = std::to_string((i * 7 + t) % 300);
        if (!cache.get(key)) cache.put(key, artifact_of(100 + i % 50));
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto s = cache.stats();
  EXPECT_EQ(s.hits + s.misses, 8000u);
  EXPECT_LE(s.bytes, 64u << 10);
  EXPECT_GT(s.hits, 0u);
}

}  // namespace
}  // namespace cgym::gcc
