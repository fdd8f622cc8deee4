#include <gtest/gtest.h>

#include <filesystem>

#include "cgym/cgym.h"
#include "toy/toy_backend.h"

using namespace cgym;

TEST(ObservationCache, HitReturnsExactlyTheStoredValue) {
  ObservationCache c({.max_bytes = 1 << 20});
  EXPECT_FALSE(c.get("k").has_value());
  Observation v(std::vector<int64_t>{1, 2, 3});
  c.put("k", v);
  auto hit = c.get("k");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, v);
  auto s = c.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_DOUBLE_EQ(s.hit_rate(), 0.5);
  EXPECT_EQ(s.entries, 1u);
}

TEST(ObservationCache, EvictionRespectsTheByteBound) {
  const size_t bound = 10000;
  ObservationCache c({.max_bytes = bound});
  for (int i = 0; i < 100; ++i) {
    c.put("key" + std::to_string(i), Observation(std::string(1000, 'x')));
    EXPECT_LE(c.stats().bytes, bound);
  }
  auto s = c.stats();
  EXPECT_GT(s.evictions, 80u);
  EXPECT_LE(s.entries, 10u);
  // Least recently used goes first: the newest is still there, the oldest not.
  EXPECT_TRUE(c.get("key99").has_value());
  EXPECT_FALSE(c.get("key0").has_value());
  // A value larger than the bound is not kept.
  c.put("huge", Observation(std::string(2 * bound, 'y')));
  EXPECT_FALSE(c.get("huge").has_value());
  EXPECT_LE(c.stats().bytes, bound);
}

TEST(ObservationCache, LruOrderFollowsUse) {
  ObservationCache c({.max_bytes = 3000});
  c.put("a", Observation(std::string(900, 'a')));
  c.put("b", Observation(std::string(900, 'b')));
  c.get("a");  // a is now the most recent
  c.put("c", Observation(std::string(900, 'c')));
  c.put("d", Observation(std::string(900, 'd')));
  EXPECT_TRUE(c.get("a").has_value());
  EXPECT_FALSE(c.get("b").has_value());
}

TEST(ObservationCache, PersistsOnDisk) {
  TempDir dir("obs-cache");
  {
    ObservationCache c({.max_bytes = 1 << 20, .disk_dir = dir.path()});
    c.put("state-1", Observation(Bytes{"\x01\x02"}));
  }
  ObservationCache warm({.max_bytes = 1 << 20, .disk_dir = dir.path()});
  auto hit = warm.get("state-1");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->as<Bytes>().data, "\x01\x02");
  EXPECT_EQ(warm.stats().disk_hits, 1u);
  EXPECT_FALSE(warm.get("state-2").has_value());
}

TEST(ObservationCache, SharedBetweenEnvsSkipsTheCompiler) {
  toy::register_toy_envs();
  enable_shared_observation_cache({.max_bytes = 1 << 20});
  auto a = make("toy-v0");
  auto b = make("toy-v0");
  a->reset({.benchmark = "benchmark://toy-v0/3"});
  b->reset({.benchmark = "benchmark://toy-v0/3"});
  auto& n = toy::observation_computations();
  const int before = n;
  auto va = a->observation("expensive");
  EXPECT_EQ(n, before + 1);
  auto vb = b->observation("expensive");  // same benchmark, same state: a hit
  EXPECT_EQ(n, before + 1);
  EXPECT_EQ(va, vb);
  b->step(0);  // 3 -> 4: a new state
  EXPECT_EQ(b->observation("expensive").as<std::string>(), "cost of 4");
  EXPECT_EQ(n, before + 2);
  b->step(1);  // back to 3: seen before
  EXPECT_EQ(b->observation("expensive").as<std::string>(), "cost of 3");
  EXPECT_EQ(n, before + 2);
  EXPECT_GE(shared_observation_cache()->stats().hits, 2u);
  disable_shared_observation_cache();
  EXPECT_EQ(shared_observation_cache(), nullptr);
}
