// The conformance suite: the same checks on every registered env (the
// built-in backends and the test-only toy envs). Episodes are short so that
// slow compilers (gcc, nvcc) keep the suite fast; each env is used with its
// own defaults.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "cgym/cgym.h"
#include "cgym/conformance.h"
#include "toy/toy_backend.h"

using namespace cgym;

namespace {

constexpr int kSteps = 4;

struct Case {
  std::string id;
  Isolation isolation;
  // Set for the cases of one action space on one benchmark.
  std::string action_space;
  std::string benchmark;
  int steps = kSteps;
};

// Test names and failure messages show the case, not its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.id << (c.isolation == Isolation::kProcess ? " (worker)" : " (in-process)");
  if (!c.action_space.empty()) *os << " " << c.action_space;
  if (!c.benchmark.empty()) *os << " " << c.benchmark;
}

#ifndef CGYM_CONFORMANCE_DETERMINISTIC_SPACE
std::vector<Case> all_cases() {
  toy::register_toy_envs();
  std::vector<Case> cases;
  for (const auto& e : list_envs()) {
    cases.push_back({e.id, Isolation::kInProcess});
    cases.push_back({e.id, Isolation::kProcess});
  }
  return cases;
}
#else
// The LLVM env's deterministic action space on every bundled program, with
// longer episodes: its determinism check must hold on each of them.
std::vector<Case> all_cases() {
  std::vector<Case> cases;
  bool registered = false;
  for (const auto& e : list_envs()) registered |= e.id == "llvm-ic-v0";
  if (!registered) return cases;
  std::ifstream in(CGYM_SOURCE_DIR "/datasets/cgym-v0/manifest.json");
  for (const auto& p : nlohmann::json::parse(in)) {
    cases.push_back({"llvm-ic-v0", Isolation::kInProcess, "PassesLlvm19Deterministic",
                     "benchmark://cgym-v0/" + p.at("name").get<std::string>(), 3 * kSteps});
  }
  return cases;
}
#endif

class Conformance : public ::testing::TestWithParam<Case> {
 protected:
  std::string id() const { return GetParam().id; }
  int steps() const { return GetParam().steps; }
  EnvPtr make_other() const {
    MakeOptions options{.isolation = GetParam().isolation};
    if (!GetParam().action_space.empty()) options.action_space = GetParam().action_space;
    if (!GetParam().benchmark.empty()) options.benchmark = GetParam().benchmark;
    return make(id(), options);
  }
  // The maker the checks get, once make() is known to work here.
  bool supported() {
    try {
      make_other();
      return true;
    } catch (const EnvironmentNotSupported& e) {
      skip_reason_ = e.what();
      return false;
    }
  }
  conformance::EnvMaker maker() const {
    return [this] { return make_other(); };
  }
  std::string skip_reason_;
};

// The checks are cgym::conformance's (include/cgym/conformance.h), which
// out-of-tree backends call the same way.
#define SKIP_IF_UNSUPPORTED() \
  if (!supported()) GTEST_SKIP() << id() << " is not supported here: " << skip_reason_;

TEST_P(Conformance, RandomEpisode) {
  SKIP_IF_UNSUPPORTED();
  conformance::check_random_episode(maker(), steps());
}

TEST_P(Conformance, ForkEquivalence) {
  SKIP_IF_UNSUPPORTED();
  conformance::check_fork_equivalence(maker(), steps());
}

TEST_P(Conformance, StateReplay) {
  SKIP_IF_UNSUPPORTED();
  conformance::check_state_replay(maker(), steps());
}

TEST_P(Conformance, DeterministicForTheSameSeed) {
  SKIP_IF_UNSUPPORTED();
  conformance::check_deterministic_for_the_same_seed(maker(), steps());
}

TEST_P(Conformance, RepeatedClose) {
  SKIP_IF_UNSUPPORTED();
  conformance::check_repeated_close(maker());
}

TEST_P(Conformance, MisuseRaisesClearErrors) {
  SKIP_IF_UNSUPPORTED();
  conformance::check_misuse_raises_clear_errors(maker(), id());
}

INSTANTIATE_TEST_SUITE_P(AllEnvs, Conformance, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.id;
                           if (info.param.isolation == Isolation::kProcess) name += "_worker";
                           if (!info.param.action_space.empty()) {
                             name += "_" + info.param.action_space;
                           }
                           if (!info.param.benchmark.empty()) {
                             name += "_" + info.param.benchmark.substr(
                                               info.param.benchmark.find_last_of('/') + 1);
                           }
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

#ifndef CGYM_CONFORMANCE_DETERMINISTIC_SPACE
// cgym::conformance as an out-of-tree backend uses it: with its own maker,
// on an env in its own Registry.
TEST(ConformanceLibrary, ChecksAnEnvFromAnyMaker) {
  auto registry = std::make_shared<Registry>();
  registry->register_env({.id = "mine-v0", .config = [](const MakeOptions&) {
                            auto c = toy::toy_config("toy-reward-v0");
                            c.env_id = "mine-v0";
                            return c;
                          }});
  conformance::check_all([registry] { return registry->make("mine-v0"); }, "mine-v0", 8);
}

// The checks can fail: a maker whose envs do not start alike (the second
// gets another benchmark, as a backend with hidden state would) makes two
// same-seed episodes differ.
TEST(ConformanceLibrary, FindsEnvsThatDoNotStartAlike) {
  toy::register_toy_envs();
  auto made = std::make_shared<int>(0);
  const conformance::EnvMaker alternating = [made] {
    const int start = (*made)++ % 2 == 0 ? 1 : 5;
    return make("toy-reward-v0", {.benchmark = "benchmark://toy-v0/" + std::to_string(start)});
  };
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter intercept(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    conformance::check_deterministic_for_the_same_seed(alternating, 4);
  }
  EXPECT_GT(failures.size(), 0);
  // The same env, made alike, passes.
  conformance::check_deterministic_for_the_same_seed([] { return make("toy-reward-v0"); }, 4);
}
#endif

}  // namespace
