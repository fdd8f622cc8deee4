#include <gtest/gtest.h>

#include "cgym/cgym.h"
#include "toy/toy_backend.h"

using namespace cgym;

TEST(Registry, RegisterMakeList) {
  Registry r;
  r.register_env({.id = "a-v0", .factory = [](const MakeOptions& o) -> EnvPtr {
                    return std::make_unique<CompilerEnv>(toy::toy_config("a-v0"), o);
                  }});
  auto env = r.make("a-v0");
  EXPECT_EQ(env->env_id(), "a-v0");
  EXPECT_EQ(r.list().size(), 1u);
  EXPECT_TRUE(r.find("a-v0").has_value());
  EXPECT_FALSE(r.find("b-v0").has_value());
}

TEST(Registry, DuplicateAndInvalidSpecs) {
  Registry r;
  auto f = [](const MakeOptions& o) -> EnvPtr {
    return std::make_unique<CompilerEnv>(toy::toy_config("a-v0"), o);
  };
  r.register_env({.id = "a-v0", .factory = f});
  EXPECT_THROW(r.register_env({.id = "a-v0", .factory = f}), InvalidArgument);
  EXPECT_NO_THROW(r.register_env({.id = "a-v0", .factory = f}, /*replace=*/true));
  EXPECT_THROW(r.register_env({.id = "", .factory = f}), InvalidArgument);
  EXPECT_THROW(r.register_env({.id = "c-v0"}), InvalidArgument);
}

TEST(Registry, UnknownIdListsValidOnes) {
  toy::register_toy_envs();
  try {
    make("toy-v9");
    FAIL();
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("toy-v0"), std::string::npos) << e.what();
  }
}

TEST(Registry, GlobalListIsSortedAndHasToy) {
  toy::register_toy_envs();
  auto envs = list_envs();
  ASSERT_FALSE(envs.empty());
  for (size_t i = 1; i < envs.size(); ++i) EXPECT_LT(envs[i - 1].id, envs[i].id);
  bool found = false;
  for (const auto& e : envs) found |= e.id == "toy-reward-v0";
  EXPECT_TRUE(found);
}

// An env is described once: listings read its defaults from its config,
// so they are what make() builds.
TEST(Registry, ListingsReadTheDefaultsFromTheConfig) {
  toy::register_toy_envs();
  for (const auto& spec : list_envs()) {
    const EnvDefaults d = env_defaults(spec);
    if (!d.error.empty() || !spec.config) continue;
    auto env = make(spec.id);
    const auto cfg = spec.config(MakeOptions{});
    EXPECT_EQ(d.benchmark, cfg.default_benchmark) << spec.id;
    EXPECT_EQ(d.observation_space, cfg.default_observation_space) << spec.id;
    EXPECT_EQ(d.reward_space, cfg.default_reward_space) << spec.id;
    // What the made env starts with (an env reports "" for none).
    EXPECT_EQ(env->observation_space().value_or(""), d.observation_space) << spec.id;
    EXPECT_EQ(env->reward_space().value_or(""), d.reward_space) << spec.id;
  }
  const auto toy = global_registry().find("toy-reward-v0");
  ASSERT_TRUE(toy);
  const EnvDefaults d = env_defaults(*toy);
  EXPECT_EQ(d.benchmark, "benchmark://toy-v0/1");
  EXPECT_EQ(d.observation_space, "features");
  EXPECT_EQ(d.reward_space, "DistanceOz");

  // A config that cannot be made here says why; a factory has no defaults.
  EnvSpec broken{.id = "broken-v0", .config = [](const MakeOptions&) -> CompilerEnvConfig {
                   throw EnvironmentNotSupported("mycc is not installed");
                 }};
  EXPECT_EQ(env_defaults(broken).error, "mycc is not installed");
  EXPECT_EQ(env_defaults(broken).benchmark, "");
  EnvSpec factory{.id = "f-v0", .factory = [](const MakeOptions& o) -> EnvPtr {
                    return std::make_unique<CompilerEnv>(toy::toy_config("toy-v0"), o);
                  }};
  EXPECT_EQ(env_defaults(factory).benchmark, "");
  EXPECT_EQ(env_defaults(factory).error, "");
}
