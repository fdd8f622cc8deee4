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
