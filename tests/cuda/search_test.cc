// loopnest-v0's structured actions, the bundled searches on it, and the
// measurement cache (issue: loop-nest searches). Every schedule here is
// built with g++, run and checked against the reference by the program
// itself; no timing is asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "backends/cuda/build.h"
#include "backends/cuda/session.h"
#include "backends/cuda/structured.h"
#include "cgym/cgym.h"
#include "cgym/errors.h"
#include "cgym/search.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"

namespace cgym::cuda {
namespace {

MakeOptions fast(const std::string& reward = "") {
  MakeOptions o;
  o.action_space = "direct";
  o.observation_space = "";
  o.reward_space = reward;
  o.params = {
      {"warmup_runs", "0"}, {"timed_runs", "1"}, {"min_batch_seconds", "0"}, {"threads", "2"}};
  return o;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

class LoopNestSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("g++")) GTEST_SKIP() << "g++ is not installed: the cpu backend needs it";
  }
};

// The expansion a session reports, applied as primitive actions to a second
// env, gives the same loop tree, the same program, and an output that
// passes the reference check, for every structured action, on every kind of
// computation, from the naive schedule and from random ones.
TEST_F(LoopNestSearch, StructuredActionsEqualTheirExpansion) {
  const std::vector<std::string> uris = {
      "benchmark://loopnest-v0/matmul?m=37&n=29&k=19&backend=cpu",
      "benchmark://loopnest-v0/transpose?m=45&n=70&backend=cpu",
      "benchmark://loopnest-v0/conv2d?c=2&f=3&h=11&w=13&k=3&backend=cpu",
      "benchmark://loopnest-v0/reduction?m=33&n=40&backend=cpu",
      "benchmark://loopnest-v0/pointwise?n=1001&backend=cpu",
  };
  std::mt19937_64 rng(23);
  int applied = 0, not_applicable = 0;
  for (const auto& uri : uris) {
    for (int start = 0; start < 2; ++start) {
      auto a = make("loopnest-v0", fast());
      a->reset({.benchmark = uri});
      // From the naive schedule, then from one a few random edits away.
      std::vector<Action> prefix;
      if (start == 1) {
        for (int i = 0; i < 4; ++i) {
          prefix.push_back(static_cast<Action>(rng() % (kDirectPositions * 10)));
        }
      }
      for (Action p : prefix) a->step(p);
      for (const auto& [name, description] : structured_actions()) {
        auto x = a->fork();
        auto y = a->fork();
        const auto expansion = words(x->send_session_parameter("loopnest.expand", name));
        const auto r = x->step(x->action_space().index(name));
        ASSERT_FALSE(r.info.failed()) << uri << " " << name << ": " << r.info.error_details;
        EXPECT_EQ(r.info.action_had_no_effect, expansion.empty()) << uri << " " << name;
        for (const auto& e : expansion) {
          const auto ry = y->step(y->action_space().index(e));
          ASSERT_FALSE(ry.info.failed()) << e;
          EXPECT_FALSE(ry.info.action_had_no_effect) << uri << " " << name << ": " << e;
        }
        EXPECT_EQ(x->observation("loop_tree").as<std::string>(),
                  y->observation("loop_tree").as<std::string>())
            << uri << " " << name;
        EXPECT_EQ(x->observation("source").as<std::string>(),
                  y->observation("source").as<std::string>());
        if (expansion.empty()) {
          ++not_applicable;
          continue;
        }
        ++applied;
        // Built, run, and checked against the reference (a wrong output
        // throws).
        EXPECT_GT(x->observation("flops").as<double>(), 0.0) << uri << " " << name;
      }
    }
  }
  // Both cases occur (pointwise has one spatial loop: no 2-D tiles).
  EXPECT_GT(applied, 30);
  EXPECT_GT(not_applicable, 10);
}

// What the structured actions do, written out by hand.
TEST_F(LoopNestSearch, StructuredActionsBuildTheDocumentedNests) {
  auto env = make("loopnest-v0", fast());
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=64&n=64&k=64&backend=cpu"});
  EXPECT_EQ(env->send_session_parameter("loopnest.expand", "tile2d_8x32"),
            "split_32@1 split_8@0 swap_down@3 swap_down@1 swap_down@2 toggle_unroll@3 "
            "toggle_vectorize@4");
  env->step(env->action_space().index("tile2d_8x32"));
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(),
            "matmul m=64 n=64 k=64 (cpu)\n"
            "for i.0 in 8\n"
            " for j.0 in 2\n"
            "  for k in 64 (reduce)\n"
            "   for i.1 in 8 [unroll]\n"
            "    for j.1 in 32 [vectorize]  <- cursor\n"
            "     C[i,j] += A[i,k] * B[k,j]\n");
  // Again on the tiled nest: the innermost spatial loops are too short.
  EXPECT_TRUE(env->step(env->action_space().index("tile2d_8x32")).info.action_had_no_effect);

  env->reset({.benchmark = "benchmark://loopnest-v0/transpose?m=64&n=48&backend=cpu"});
  env->step(env->action_space().index("block2d_8x8"));
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(),
            "transpose m=64 n=48 (cpu)\n"
            "for i.0 in 8\n"
            " for j.0 in 6\n"
            "  for j.1 in 8 [unroll]\n"
            "   for i.1 in 8 [unroll]  <- cursor\n"
            "    B[j,i] = A[i,j]\n");
  EXPECT_GT(env->observation("flops").as<double>(), 0.0);

  // vectorize_inner moves the output's unit-stride loop (i) innermost.
  env->reset({.benchmark = "benchmark://loopnest-v0/transpose?m=64&n=48&backend=cpu"});
  env->step(env->action_space().index("vectorize_inner"));
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(),
            "transpose m=64 n=48 (cpu)\n"
            "for j in 48\n"
            " for i in 64 [vectorize]  <- cursor\n"
            "  B[j,i] = A[i,j]\n");

  // cachetile_64 splits k (300: a tail) into blocks of 2 x 32 and moves the
  // loop over the blocks outermost; the parallel loop keeps its mark.
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=64&n=64&k=300&backend=cpu"});
  env->step(env->action_space().index("toggle_parallel@0"));
  EXPECT_EQ(env->send_session_parameter("loopnest.expand", "cachetile_64"),
            "split_32@2 split_2@2 swap_down@1 swap_down@0");
  env->step(env->action_space().index("cachetile_64"));
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(),
            "matmul m=64 n=64 k=300 (cpu)\n"
            "for k.0 in 5 (reduce)\n"
            " for i in 64 [parallel]  <- cursor\n"
            "  for j in 64\n"
            "   for k.1 in 2 (reduce)\n"
            "    for k.2 in 32 (reduce) (while 64*k.0 + 32*k.1 + k.2 < 300)\n"
            "     C[i,j] += A[i,k] * B[k,j]\n");
  EXPECT_TRUE(env->validate().okay());
  // Its inner loops now run at most 32: no reduction loop is longer than a block.
  EXPECT_TRUE(env->step(env->action_space().index("cachetile_32")).info.action_had_no_effect);
  // Too short a reduction, no reduction, or cuda: no effect.
  EXPECT_EQ(env->send_session_parameter("loopnest.expand", "cachetile_256"), "");
  env->reset({.benchmark = "benchmark://loopnest-v0/transpose?m=64&n=48&backend=cpu"});
  EXPECT_EQ(env->send_session_parameter("loopnest.expand", "cachetile_32"), "");
  const auto k300 = Computation::make(Kind::kMatmul, {{"m", 64}, {"n", 64}, {"k", 300}});
  const size_t cachetile_32 = structured_actions().size() - 4;
  ASSERT_EQ(structured_actions()[cachetile_32].first, "cachetile_32");
  EXPECT_TRUE(
      expand_structured(cachetile_32, k300, Target::kCuda, initial_schedule(k300, Target::kCuda))
          .empty());
  EXPECT_FALSE(expand_structured(cachetile_32, k300, Target::kCpu, Schedule::naive(k300)).empty());

  // On cuda (IR only: no nvcc needed) the tile is sequential in each GPU
  // thread and unrolled, never vectorised.
  const auto c = Computation::make(Kind::kMatmul, {{"m", 64}, {"n", 64}, {"k", 64}});
  Schedule s = initial_schedule(c, Target::kCuda);
  for (const auto& e : expand_structured(0, c, Target::kCuda, s)) {
    ASSERT_TRUE(apply_edit(e.edit, e.pos, c, Target::kCuda, s)) << e.name();
  }
  EXPECT_EQ(s.to_string(c),
            "for i.0 in 16 [parallel]\n"
            " for j.0 in 8 [parallel]\n"
            "  for k in 64 (reduce)\n"
            "   for i.1 in 4 [unroll]\n"
            "    for j.1 in 8 [unroll]\n"
            "     C[i,j] += A[i,k] * B[k,j]\n");
}

TEST_F(LoopNestSearch, BadExpandRequestsAreClearErrors) {
  auto env = make("loopnest-v0", fast());
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=16&n=16&k=16&backend=cpu"});
  EXPECT_EQ(env->send_session_parameter("loopnest.expand", "split_8@0"), "split_8@0");
  try {
    env->send_session_parameter("loopnest.expand", "tile2d_3x3");
    FAIL() << "expected LookupError";
  } catch (const LookupError& e) {
    EXPECT_NE(std::string(e.what()).find("structured actions: tile2d_4x8"), std::string::npos)
        << e.what();
  }
  const auto c = Computation::make(Kind::kMatmul);
  EXPECT_THROW(expand_structured(structured_actions().size(), c, Target::kCpu, Schedule::naive(c)),
               InvalidArgument);
  // Out of range of the direct space, structured actions included.
  const int n = env->action_space().size();
  EXPECT_EQ(env->action_space().action_name(n - 1), "cachetile_256");
  EXPECT_THROW(env->step(n), InvalidArgument);
}

// A schedule found by a search, replayed from its action names in a fresh
// env, passes the reference check; on sizes no tile divides.
TEST_F(LoopNestSearch, SearchesReturnSchedulesThatPassTheReferenceCheck) {
  for (const std::string uri : {"benchmark://loopnest-v0/matmul?m=45&n=38&k=21&backend=cpu",
                                "benchmark://loopnest-v0/transpose?m=70&n=45&backend=cpu"}) {
    auto env = make("loopnest-v0", fast("flops"));
    env->reset({.benchmark = uri});
    const auto greedy =
        greedy_search(*env, {.steps = uri.find("matmul") != std::string::npos ? 2 : 1});
    ASSERT_FALSE(greedy.best_action_names.empty()) << uri;
    const auto random =
        random_search([] { return make("loopnest-v0", fast("flops")); }, {.benchmark = uri,
                                                                          .reward_space = "flops",
                                                                          .runtime_seconds = 4,
                                                                          .patience = 5,
                                                                          .episode_length = 6,
                                                                          .nproc = 1,
                                                                          .seed = 3});
    for (const auto* names : {&greedy.best_action_names, &random.best_action_names}) {
      auto replay = make("loopnest-v0", fast());
      replay->reset({.benchmark = uri});
      for (const auto& n : *names) {
        ASSERT_FALSE(replay->step(replay->action_space().index(n)).info.failed()) << n;
      }
      const auto v = replay->validate();
      EXPECT_TRUE(v.okay()) << uri << ": " << v.to_string();
      EXPECT_GT(replay->observation("flops").as<double>(), 0.0);
    }
  }
}

// greedy_search's time limit holds inside a round: a round it cuts short
// applies the best action tried so far and ends the search.
TEST_F(LoopNestSearch, GreedyStopsInsideARoundAtItsTimeLimit) {
  auto env = make("loopnest-v0", fast("flops"));
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=40&n=40&k=40&backend=cpu"});
  const auto result = greedy_search(*env, {.runtime_seconds = 0.05});
  // Every valid action runs a program at least (milliseconds each, and a
  // compile on a cold cache), so 0.05 s cannot cover the round of 60 or so
  // valid actions of the direct space.
  EXPECT_LT(result.steps, static_cast<uint64_t>(env->action_space().size()));
  EXPECT_LE(result.best_action_names.size(), 1u);
  EXPECT_EQ(env->actions().size(), result.best_action_names.size());
}

// loopnest.remeasure runs the schedule's program again, output check
// included, and neither reads nor fills the run cache: flops, and so the
// rewards, keep the value measured first.
TEST_F(LoopNestSearch, RemeasureRunsTheProgramAgainAndLeavesTheRunCacheAlone) {
  auto env = make("loopnest-v0", fast());
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=23&n=17&k=11&backend=cpu"});
  const double first = env->observation("flops").as<double>();
  EXPECT_GT(std::stod(env->send_session_parameter("loopnest.remeasure", "")), 0.0);
  EXPECT_EQ(env->observation("flops").as<double>(), first);
  // The reference the programs check against, made wrong on disk: a fresh
  // run fails its check, so it did run; the cached measurement stands.
  const auto c = Computation::make(Kind::kMatmul, {{"m", 23}, {"n", 17}, {"k", 11}});
  const auto ref = reference_file(c, Target::kCpu);
  ASSERT_TRUE(std::filesystem::exists(ref)) << ref;
  {
    std::fstream f(ref, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(16);  // past "LNVREF01" and the element count
    const float wrong = 1000.0f;
    for (int i = 0; i < 23 * 17; ++i) f.write(reinterpret_cast<const char*>(&wrong), sizeof wrong);
    ASSERT_TRUE(f.good());
  }
  try {
    env->send_session_parameter("loopnest.remeasure", "");
    FAIL() << "expected SessionError";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("wrong output"), std::string::npos) << e.what();
  }
  EXPECT_EQ(env->observation("flops").as<double>(), first);
  EXPECT_EQ(env->fork()->observation("flops").as<double>(), first);
  std::filesystem::remove(ref);  // the next program computes it again
  EXPECT_GT(std::stod(env->send_session_parameter("loopnest.remeasure", "")), 0.0);
  EXPECT_THROW(env->send_session_parameter("loopnest.remeasure", "3"), InvalidArgument);

  MakeOptions tool_options = fast();
  tool_options.action_space = "simple";
  auto tool = make("loop_tool-v0", tool_options);
  tool->reset({.benchmark = "loop_tool-cpu-v0/1000"});
  EXPECT_GT(std::stod(tool->send_session_parameter("loopnest.remeasure", "")), 0.0);
}

// A greedy search that confirms each step by timing it again still returns
// a schedule that passes the reference check (no timing is asserted).
TEST_F(LoopNestSearch, GreedyWithRemeasuringConfirmReturnsACheckedSchedule) {
  const std::string uri = "benchmark://loopnest-v0/matmul?m=40&n=36&k=28&backend=cpu";
  auto env = make("loopnest-v0", fast("flops"));
  env->reset({.benchmark = uri});
  std::vector<Remeasured> seen;
  const auto result = greedy_search(
      *env, {.steps = 2,
             .confirm = confirm_by_remeasuring("loopnest.remeasure", 3, 0.0,
                                               [&](const Remeasured& m) { seen.push_back(m); })});
  ASSERT_FALSE(seen.empty());
  for (const auto& m : seen) {
    ASSERT_EQ(m.current.size(), 3u);
    ASSERT_EQ(m.candidate.size(), 3u);
    for (double v : m.current) EXPECT_GT(v, 0.0);
    for (double v : m.candidate) EXPECT_GT(v, 0.0);
    EXPECT_EQ(m.accepted, m.candidate_median > m.current_median);
  }
  // Every applied step was accepted by a judgement.
  const auto accepted =
      std::count_if(seen.begin(), seen.end(), [](const Remeasured& m) { return m.accepted; });
  EXPECT_EQ(static_cast<size_t>(accepted), result.best_actions.size());
  auto replay = make("loopnest-v0", fast());
  replay->reset({.benchmark = uri});
  for (const auto& n : result.best_action_names) {
    ASSERT_FALSE(replay->step(replay->action_space().index(n)).info.failed()) << n;
  }
  EXPECT_TRUE(replay->validate().okay());
}

// Greedy search with branches, each step and branch confirmed by timing
// again, still returns a schedule that passes the reference check, and
// leaves the env in it.
TEST_F(LoopNestSearch, GreedyWithBranchesReturnsACheckedSchedule) {
  const std::string uri = "benchmark://loopnest-v0/matmul?m=24&n=20&k=16&backend=cpu";
  auto env = make("loopnest-v0", fast("flops"));
  env->reset({.benchmark = uri});
  int judged = 0;
  const auto judge = confirm_by_remeasuring("loopnest.remeasure", 1, 0.0);
  const auto result = greedy_search(*env, {.steps = 2,
                                           .confirm =
                                               [&](Env& current, Env& candidate) {
                                                 ++judged;
                                                 return judge(current, candidate);
                                               },
                                           .confirm_candidates = 1,
                                           .branches = 2});
  // At least: a step in each branch (or its end), branch 2, the start.
  EXPECT_GE(judged, 2);
  EXPECT_LE(result.best_actions.size(), 2u);
  EXPECT_EQ(env->actions(), result.best_actions);
  auto replay = make("loopnest-v0", fast());
  replay->reset({.benchmark = uri});
  for (const auto& n : result.best_action_names) {
    ASSERT_FALSE(replay->step(replay->action_space().index(n)).info.failed()) << n;
  }
  EXPECT_TRUE(replay->validate().okay());
  EXPECT_EQ(replay->commandline(), env->commandline());
}

// loopnest.flops_floor: the next flops measurement of a schedule not
// measured before gives up once its checked call has run as long as a call
// at the floor may take (Evaluator::kFloorSlack, kFloorMargin); the answer
// is the GFLOP/s the give-up time implies, nothing is cached, and the floor
// applies once. A naive 384^3 matmul's call takes far longer than the 2 ms
// a floor of 10^6 GFLOP/s allows, so the program's alarm interrupts it.
TEST_F(LoopNestSearch, FlopsFloorGivesUpOnASlowerScheduleOnceAndCachesNothing) {
  TempDir dir("loopnest-floor-test");
  Settings settings;
  settings.run.warmup = 0;
  settings.run.runs = 1;
  settings.run.min_batch_seconds = 0;
  const auto c = Computation::make(Kind::kMatmul, {{"m", 384}, {"n", 384}, {"k", 384}});
  Evaluator e(c, Target::kCpu, settings, dir.path());
  clear_process_caches();
  const Schedule naive = Schedule::naive(c);
  const double give_up = Evaluator::kFloorSlack * c.flop_count() / 1e15 + Evaluator::kFloorMargin;

  // The program itself: the report says it gave up, at the alarm's time.
  RunOptions o = settings.run;
  o.reference_file = reference_file(c, Target::kCpu);
  o.give_up_seconds = give_up;
  const BuildResult b = e.build(naive);
  const auto gave_up = run_program(b, o);
  EXPECT_TRUE(gave_up->gave_up);
  EXPECT_EQ(gave_up->report.value("gave_up", false), true) << gave_up->report.dump();
  EXPECT_FALSE(gave_up->report.contains("check_seconds")) << gave_up->report.dump();
  EXPECT_NEAR(gave_up->seconds, give_up, 1e-6 * give_up) << gave_up->report.dump();
  EXPECT_NE(run_program(b, o).get(), gave_up.get());  // not cached

  // Through the evaluator: a bound from the give-up time, then (the floor
  // spent) the full measurement, which a later floor cannot replace.
  e.set_flops_floor(1e6);
  const double bound = e.flops_within_floor(naive);
  EXPECT_NEAR(bound, c.flop_count() / give_up / 1e9, 1e-6 * bound);
  const double full = e.flops_within_floor(naive);
  const auto measured = e.measure(naive);
  EXPECT_FALSE(measured->gave_up);
  EXPECT_GT(measured->report.value("check_seconds", 0.0), give_up) << measured->report.dump();
  EXPECT_EQ(full, c.flop_count() / measured->seconds / 1e9);
  e.set_flops_floor(1e6);
  EXPECT_EQ(e.flops_within_floor(naive), full);
  // A floor the schedule beats changes nothing: measured in full, cached.
  Schedule split = naive;
  ASSERT_TRUE(split.split(1, 8));
  e.set_flops_floor(1e-6);
  const double split_flops = e.flops_within_floor(split);
  EXPECT_EQ(split_flops, c.flop_count() / e.measure(split)->seconds / 1e9);
  EXPECT_FALSE(e.measure(split)->gave_up);
}

// The session parameter through the env: a bad value is a clear error and
// changes nothing; "" drops the floor; a floor applies to the next
// measurement only.
TEST_F(LoopNestSearch, FlopsFloorParameterThroughTheEnv) {
  clear_process_caches();
  auto env = make("loopnest-v0", fast("flops"));
  env->reset({.benchmark = "benchmark://loopnest-v0/matmul?m=384&n=384&k=384&backend=cpu"});
  for (const std::string bad : {"0", "-3", "fast", "nan"}) {
    try {
      env->send_session_parameter("loopnest.flops_floor", bad);
      FAIL() << "expected InvalidArgument for '" << bad << "'";
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find("loopnest.flops_floor='" + bad + "'"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("expected a number > 0"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(env->send_session_parameter("loopnest.flops_floor", "1e6"), "1e6");
  EXPECT_EQ(env->send_session_parameter("loopnest.flops_floor", ""), "");
  const double start = env->observation("flops").as<double>();  // no floor: in full
  // split_8@1 is another program as slow as the naive one; with the floor,
  // its call is given up after 2 ms, and its reward is the bound that implies.
  const auto c = Computation::make(Kind::kMatmul, {{"m", 384}, {"n", 384}, {"k", 384}});
  const double give_up = Evaluator::kFloorSlack * c.flop_count() / 1e15 + Evaluator::kFloorMargin;
  env->send_session_parameter("loopnest.flops_floor", "1e6");
  const auto r = env->step(env->action_space().index("split_8@1"));
  ASSERT_FALSE(r.info.failed()) << r.info.error_details;
  EXPECT_NEAR(r.reward + start, c.flop_count() / give_up / 1e9, 1e-3);
  // The env keeps the state's observation until the state changes or a
  // session parameter is sent; then the floor is spent, and the same
  // schedule is measured in full.
  const double bound = env->observation("flops").as<double>();
  EXPECT_NEAR(bound, r.reward + start, 1e-9 * bound);
  env->send_session_parameter("loopnest.flops_floor", "");
  const double after = env->observation("flops").as<double>();
  EXPECT_LT(after, bound);  // the naive order is slower than 2 ms a call
  EXPECT_TRUE(env->validate().okay());
}

// Greedy search pruned by prune_below_best still returns a schedule that
// passes the reference check; the prune sent its floor to forks only.
TEST_F(LoopNestSearch, GreedyPrunedBelowTheBestReturnsACheckedSchedule) {
  const std::string uri = "benchmark://loopnest-v0/matmul?m=96&n=80&k=64&backend=cpu";
  auto env = make("loopnest-v0", fast("flops"));
  env->reset({.benchmark = uri});
  const auto below_best = prune_below_best();
  int pruned = 0;
  const auto result = greedy_search(*env, {.steps = 2, .prune = [&](Env& candidate, double bar) {
                                             EXPECT_NE(&candidate, env.get());
                                             ++pruned;
                                             below_best(candidate, bar);
                                           }});
  EXPECT_GT(pruned, 0);
  EXPECT_EQ(env->actions(), result.best_actions);
  auto replay = make("loopnest-v0", fast());
  replay->reset({.benchmark = uri});
  for (const auto& n : result.best_action_names) {
    ASSERT_FALSE(replay->step(replay->action_space().index(n)).info.failed()) << n;
  }
  EXPECT_TRUE(replay->validate().okay());
  // Another reward's scale is not known: a clear error, nothing applied.
  auto norm = make("loopnest-v0", fast("flops_norm"));
  norm->reset({.benchmark = uri});
  try {
    greedy_search(*norm, {.steps = 1, .prune = prune_below_best()});
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("reward space is 'flops_norm'"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(norm->actions().empty());
}

// loopnest.prebuild builds, on all cores, the programs that the actions
// lead to, and changes nothing else: the steps that take them then call no
// compiler (a wrapper around g++ logs every call; its own path keys the
// builds, so nothing built before is reused), and the state stays as it
// was. Greedy search with prebuild_candidates returns a checked schedule.
TEST_F(LoopNestSearch, PrebuildBuildsTheCandidatesAheadAndChangesNothingElse) {
  namespace fs = std::filesystem;
  TempDir dir("loopnest-prebuild-test");
  const auto gxx = find_program("g++");
  ASSERT_TRUE(gxx);
  const fs::path log = dir.path() / "calls.log";
  const fs::path wrapper = dir.path() / "logged-g++";
  {
    std::ofstream w(wrapper);
    w << "#!/bin/sh\necho \"$@\" >> '" << log.string() << "'\nexec '" << gxx->string()
      << "' \"$@\"\n";
  }
  fs::permissions(wrapper, fs::perms::owner_all);
  auto calls = [&] {
    std::ifstream in(log);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  };
  clear_process_caches();
  MakeOptions o = fast("flops");
  o.params["cxx"] = wrapper.string();
  auto env = make("loopnest-v0", o);
  const std::string uri = "benchmark://loopnest-v0/matmul?m=64&n=48&k=32&backend=cpu";
  env->reset({.benchmark = uri});
  const int at_reset = calls();
  ASSERT_GE(at_reset, 2);  // the harness and the naive schedule's kernel, at least
  const std::string tree = env->observation("loop_tree").as<std::string>();
  const std::vector<std::string> names = {"split_8@0", "tile2d_8x16", "swap_down@0", "split_2@1"};
  std::string value;
  for (const auto& n : names) value += std::to_string(env->action_space().index(n)) + " ";
  // An action without effect (nothing to merge) and a repeated one add nothing.
  value += std::to_string(env->action_space().index("merge@0")) + " " +
           std::to_string(env->action_space().index("split_8@0"));
  EXPECT_EQ(env->send_session_parameter("loopnest.prebuild", value), "4");
  EXPECT_EQ(calls(), at_reset + 4);
  EXPECT_EQ(env->send_session_parameter("loopnest.prebuild", value), "0");
  EXPECT_EQ(calls(), at_reset + 4);
  EXPECT_TRUE(env->actions().empty());
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(), tree);
  std::vector<EnvPtr> forks;
  for (const auto& n : names) {
    forks.push_back(env->fork());
    const auto r = forks.back()->step(forks.back()->action_space().index(n));
    ASSERT_FALSE(r.info.failed()) << n << ": " << r.info.error_details;
  }
  EXPECT_EQ(calls(), at_reset + 4);  // every step found its program built
  for (auto& f : forks) EXPECT_TRUE(f->validate().okay());
  const std::string range = "(valid: 0 to " + std::to_string(env->action_space().size() - 1) + ")";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"x", "separated by spaces, e.g. '0 12 101'; got 'x'"},
      {"3 y", "got 'y'"},
      {"99999", "action 99999 is out of range " + range},
      {"-1", "action -1 is out of range " + range}};
  for (const auto& [value, message] : bad) {
    try {
      env->send_session_parameter("loopnest.prebuild", value);
      FAIL() << "expected InvalidArgument for '" << value << "'";
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(env->observation("loop_tree").as<std::string>(), tree);
  // Through greedy search (the batches go to scratch forks of the state):
  // one complete round built every candidate's program, so a new env at
  // the same state finds all of them built.
  const auto result =
      greedy_search(*env, {.steps = 1, .prepare = prebuild_candidates(), .prepare_batch = 4});
  ASSERT_FALSE(result.best_action_names.empty());
  auto again = make("loopnest-v0", o);
  again->reset({.benchmark = uri});
  std::string all;
  for (Action a = 0; a < again->action_space().size(); ++a) all += std::to_string(a) + " ";
  EXPECT_EQ(again->send_session_parameter("loopnest.prebuild", all), "0");
  auto replay = make("loopnest-v0", fast());
  replay->reset({.benchmark = uri});
  for (const auto& n : result.best_action_names) {
    ASSERT_FALSE(replay->step(replay->action_space().index(n)).info.failed()) << n;
  }
  EXPECT_TRUE(replay->validate().okay());
}

// The measurement cache: one object per program and options. A schedule met
// again (here: split, then merged back) gets the same object; any other
// schedule gets another; clearing the caches measures again.
TEST_F(LoopNestSearch, CacheReturnsTheSameTimingObjectForARevisitedSchedule) {
  TempDir dir("loopnest-cache-test");
  Settings settings;
  settings.run.warmup = 0;
  settings.run.runs = 1;
  settings.run.min_batch_seconds = 0;
  const auto c = Computation::make(Kind::kMatmul, {{"m", 24}, {"n", 20}, {"k", 12}});
  const Evaluator e(c, Target::kCpu, settings, dir.path());
  clear_process_caches();
  const Schedule naive = Schedule::naive(c);
  const auto first = e.measure(naive);
  Schedule again = naive;
  ASSERT_TRUE(again.split(1, 8));
  const auto split = e.measure(again);
  ASSERT_TRUE(again.merge(1));
  ASSERT_EQ(again, naive);
  EXPECT_EQ(e.measure(again).get(), first.get());
  EXPECT_NE(split.get(), first.get());
  Schedule swapped = naive;
  ASSERT_TRUE(swapped.swap(0));
  const auto other = e.measure(swapped);
  EXPECT_NE(other.get(), first.get());
  EXPECT_NE(other.get(), split.get());
  EXPECT_EQ(e.measure(swapped).get(), other.get());
  // Other run options are another measurement.
  Settings more = settings;
  more.run.runs = 2;
  const Evaluator e2(c, Target::kCpu, more, dir.path());
  EXPECT_NE(e2.measure(naive).get(), first.get());
  clear_process_caches();
  EXPECT_NE(e.measure(naive).get(), first.get());
}

}  // namespace
}  // namespace cgym::cuda
