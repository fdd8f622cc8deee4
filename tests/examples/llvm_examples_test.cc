// Smoke tests of the LLVM examples: each runs with a small budget, and what
// it prints is checked against a fresh env (replaying its command line) or
// recomputed from its outputs.
#include <gtest/gtest.h>

#include <cgym/cgym.h>
#include <cgym/search.h>
#include <cgym/util.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "examples/example_runner.h"

namespace cgym {
namespace {

using testing::expect_states_replay;
using testing::match_line;
using testing::match_lines;
using testing::read_csv;
using testing::run_example;

constexpr const char* kCrc32 = "benchmark://cgym-v0/crc32";

// What the search examples print about their best state.
struct SearchOutput {
  std::string benchmark;
  int64_t o0 = 0, oz = 0, found = 0;
  double reward = 0;
  std::string commandline;
};

SearchOutput parse_search(const std::string& out) {
  SearchOutput s;
  s.benchmark = match_line(out, R"(benchmark: +(\S+))")[1];
  const auto ic =
      match_line(out, R"(instructions: +([0-9]+) at -O0, ([0-9]+) at -Oz, ([0-9]+) found)");
  s.o0 = std::stoll("0" + ic[1]);
  s.oz = std::stoll("0" + ic[2]);
  s.found = std::stoll("0" + ic[3]);
  s.reward = std::stod("0" + match_line(out, R"(relative to -Oz: +(-?[0-9.]+)x.*)")[1]);
  s.commandline = match_line(out, R"(command line: +(.*))")[1];
  return s;
}

// The printed numbers hold together, and replaying the printed command line
// in a fresh env reaches the printed instruction count and reward.
void expect_replays(const SearchOutput& s) {
  ASSERT_GT(s.o0, s.oz);
  EXPECT_TRUE(std::isfinite(s.reward));
  EXPECT_NEAR(s.reward, static_cast<double>(s.o0 - s.found) / (s.o0 - s.oz), 1e-3);
  auto env = make("llvm-ic-v0");
  env->reset({.benchmark = s.benchmark});
  EXPECT_EQ(env->observation("IrInstructionCountO0").as<int64_t>(), s.o0);
  EXPECT_EQ(env->observation("IrInstructionCountOz").as<int64_t>(), s.oz);
  const auto actions = env->from_commandline(s.commandline);
  if (!actions.empty()) env->multistep(actions);
  EXPECT_EQ(env->observation("IrInstructionCount").as<int64_t>(), s.found);
  EXPECT_NEAR(env->episode_reward(), s.reward, 1e-3);
}

// The best reward any single pass earns from the reset state.
double best_single_action(const std::string& benchmark) {
  auto env = make("llvm-ic-v0");
  env->reset({.benchmark = benchmark});
  return try_all_actions(*env).front().reward;
}

TEST(Examples, GreedySearchReplaysAndBeatsEverySinglePass) {
  const auto out = run_example("greedy_search", {"--benchmark", kCrc32});
  const auto s = parse_search(out);
  expect_replays(s);
  EXPECT_GE(s.reward, best_single_action(kCrc32) - 1e-3);
  // One "step" line per pass chosen, each with a positive reward.
  const auto steps = match_lines(out, R"(step [0-9]+: (\S+) \+([0-9.]+) \(total [0-9.]+\))");
  EXPECT_EQ(std::to_string(steps.size()),
            match_line(out, R"(search: +([0-9]+) passes chosen, .*)")[1]);
  for (const auto& step : steps) EXPECT_GT(std::stod(step[2]), 0.0) << step[0];
}

TEST(Examples, BeamSearchReplaysAndWidthOneIsGreedy) {
  const auto wide = parse_search(
      run_example("beam_search", {"--benchmark", kCrc32, "--width", "2", "--max-depth", "6"}));
  expect_replays(wide);
  EXPECT_GE(wide.reward, best_single_action(kCrc32) - 1e-3);
  // With one state per round and no patience, the beam follows greedy's path.
  const auto narrow = parse_search(
      run_example("beam_search", {"--benchmark", kCrc32, "--width", "1", "--patience", "1"}));
  const auto greedy = parse_search(run_example("greedy_search", {"--benchmark", kCrc32}));
  EXPECT_NEAR(narrow.reward, greedy.reward, 1e-9);
  EXPECT_EQ(narrow.found, greedy.found);
}

TEST(Examples, RandomSearchReplays) {
  const auto out =
      run_example("random_search", {"--benchmark", kCrc32, "--seconds", "1", "--seed", "3"});
  const auto s = parse_search(out);
  expect_replays(s);
  EXPECT_GT(s.reward, 0.0);
  // The reported result is one that passed validation.
  EXPECT_NE(out.find("better results rejected by validation"), std::string::npos) << out;
  auto env = make("llvm-ic-v0");
  env->reset({.benchmark = kCrc32});
  const auto actions = env->from_commandline(s.commandline);
  if (!actions.empty()) env->multistep(actions);
  const auto check = env->validate();
  EXPECT_TRUE(check.okay()) << check.to_string();
}

TEST(Examples, SequenceSearchImprovesOnGreedyAndItsStatesValidate) {
  TempDir dir("cgym-example-sequence");
  const auto out =
      run_example("sequence_search", {"--benchmarks", kCrc32, "--seconds", "4", "--seed", "1",
                                      "--states", (dir.path() / "states.csv").string()});
  const auto line = match_line(
      out, R"((\S+): greedy (-?[0-9.]+), final (-?[0-9.]+) \(([0-9]+) mutants, .*, ([a-z ,']+)\))");
  EXPECT_EQ(line[1], kCrc32);
  const double greedy = std::stod(line[2]), final_reward = std::stod(line[3]);
  // Mutants are kept only when they do at least as well.
  EXPECT_GE(final_reward, greedy - 1e-3) << out;
  EXPECT_GT(std::stoi(line[4]), 0) << out;
  EXPECT_EQ(line[5], "validated") << out;
  // The state CSV holds the reported result, and it replays and validates
  // in a fresh env.
  const auto states = read_state_csv_file(dir.path() / "states.csv");
  ASSERT_EQ(states.size(), 1u);
  ASSERT_TRUE(states[0].reward.has_value());
  EXPECT_NEAR(*states[0].reward, final_reward, 1e-3);
  auto env = make("llvm-ic-v0");
  const auto check = env->validate(states[0]);
  EXPECT_TRUE(check.okay()) << check.to_string();
  EXPECT_TRUE(check.reward_validated);
}

TEST(Examples, SqliteLoggingRowsMatchTheEpisode) {
  TempDir dir("cgym-example-sqlite");
  const int steps = 6;
  const auto out = run_example("sqlite_logging", {"--db", (dir.path() / "log.db").string(),
                                                  "--steps", std::to_string(steps), "--seed", "1"});
  const auto episode = match_line(
      out, R"(episode: +([0-9]+) steps on (\S+), reward (-?[0-9.]+), ([0-9]+) instructions)");
  const std::string commandline = match_line(out, R"(command line: +(.*))")[1];
  const auto rows =
      match_lines(out, R"(([0-9]+)\t([0-9]+)\t(-?[0-9.]+)\t(-?[0-9.]+)\t([0-9]+)\t([01])\t(.*))");
  ASSERT_EQ(rows.size(), static_cast<size_t>(steps + 1)) << out;
  EXPECT_EQ(match_line(out, R"(rows read back: +([0-9]+))")[1], std::to_string(steps + 1));
  EXPECT_EQ(episode[1], std::to_string(steps));
  EXPECT_EQ(rows.back()[7], commandline);
  EXPECT_NEAR(std::stod(rows.back()[4]), std::stod(episode[3]), 1e-5);
  EXPECT_EQ(rows.back()[5], episode[4]);

  // Every row is the state its command line reaches, with its rewards.
  auto env = make("llvm-ic-v0");
  double total = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i][0]);
    EXPECT_EQ(rows[i][2], std::to_string(i));
    env->reset({.benchmark = episode[2]});
    const auto actions = env->from_commandline(rows[i][7]);
    EXPECT_EQ(actions.size(), i);
    double reward = 0;
    for (auto a : actions) reward = env->step(a).reward;
    total += std::stod(rows[i][3]);
    EXPECT_NEAR(std::stod(rows[i][3]), reward, 1e-5);
    EXPECT_NEAR(std::stod(rows[i][4]), env->episode_reward(), 1e-5);
    EXPECT_NEAR(std::stod(rows[i][4]), total, 1e-4);
    EXPECT_EQ(std::stoll(rows[i][5]), env->observation("IrInstructionCount").as<int64_t>());
  }
}

TEST(Examples, ReinforceWritesALearningCurveAndIsReproducible) {
  TempDir dir("cgym-example-reinforce");
  const std::set<std::string> benchmarks = {kCrc32, "benchmark://cgym-v0/bitcount"};
  const int episodes = 8;
  auto run = [&](const std::string& csv) {
    return run_example(
        "reinforce",
        {"--episodes", std::to_string(episodes), "--steps", "4", "--seed", "7", "--benchmarks",
         std::string(kCrc32) + ",benchmark://cgym-v0/bitcount", "--csv",
         (dir.path() / csv).string(), "--png", (dir.path() / "curve.png").string(), "--states",
         (dir.path() / (csv + ".states")).string()});
  };
  const auto out = run("a.csv");
  const auto rows = read_csv(dir.path() / "a.csv");
  ASSERT_EQ(rows.size(), static_cast<size_t>(episodes + 1));
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"episode", "benchmark", "return", "moving_average"}));
  std::vector<double> returns;
  for (int i = 1; i <= episodes; ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(rows[i].size(), 4u);
    EXPECT_EQ(rows[i][0], std::to_string(i));
    EXPECT_TRUE(benchmarks.contains(rows[i][1])) << rows[i][1];
    returns.push_back(std::stod(rows[i][2]));
    EXPECT_TRUE(std::isfinite(returns.back()));
    // Four passes cannot remove more than every instruction -O0 has.
    EXPECT_LT(std::abs(returns.back()), 10.0);
    const size_t from = returns.size() > 20 ? returns.size() - 20 : 0;
    double sum = 0;
    for (size_t j = from; j < returns.size(); ++j) sum += returns[j];
    EXPECT_NEAR(std::stod(rows[i][3]), sum / (returns.size() - from), 1e-4);
  }
  if (find_program("gnuplot")) {
    // A real PNG: the file starts with the PNG signature.
    ASSERT_TRUE(std::filesystem::exists(dir.path() / "curve.png")) << out;
    EXPECT_EQ(read_file(dir.path() / "curve.png").substr(0, 8), std::string("\x89PNG\r\n\x1a\n"));
    EXPECT_NE(out.find("plot:             " + (dir.path() / "curve.png").string()),
              std::string::npos)
        << out;
  } else {
    EXPECT_NE(out.find("skipped (gnuplot is not on PATH)"), std::string::npos) << out;
  }
  // The greedy policy was evaluated on both programs, and its episodes were
  // written as a state CSV whose command lines reach the printed returns in
  // a fresh env.
  const auto greedy = match_lines(out, R"(greedy policy: +(\S+) (-?[0-9.]+) .*)");
  EXPECT_EQ(greedy.size(), 2u);
  const auto states = read_state_csv_file(dir.path() / "a.csv.states");
  ASSERT_EQ(states.size(), greedy.size());
  for (size_t i = 0; i < states.size(); ++i) {
    SCOPED_TRACE(states[i].benchmark);
    EXPECT_EQ(states[i].benchmark, greedy[i][1]);
    ASSERT_TRUE(states[i].reward.has_value());
    EXPECT_NEAR(*states[i].reward, std::stod(greedy[i][2]), 1e-3);
  }
  expect_states_replay(*make("llvm-autophase-ic-v0"), states);
  EXPECT_TRUE(
      std::isfinite(std::stod(match_line(out, R"(greedy policy mean reward: (-?[0-9.]+) .*)")[1])));

  // The same seed gives the same curve.
  run("b.csv");
  EXPECT_EQ(read_csv(dir.path() / "b.csv"), rows);
}

}  // namespace
}  // namespace cgym
