// The four observations through the LLVM env, against the modules' own
// functions applied to the env's Ir and instruction count.
#include <gtest/gtest.h>

#include <string>

#include "backends/llvm/inst2vec.h"
#include "backends/llvm/lexed_ir.h"
#include "cgym/cgym.h"
#include "cgym/program_graph.h"
#include "llvm_graph/graph_test_util.h"

namespace cgym::llvm {
namespace {

TEST(GraphObservationsTest, ThroughTheLlvmEnv) {
  if (testing::bundled_bitcode().empty()) {
    GTEST_SKIP() << "the bundled programs were not built (target cgym_datasets)";
  }
  auto env = cgym::make("llvm-v0");
  bool offered = false;
  for (const auto& spec : env->observation_spaces()) offered |= spec.name == "Programl";
  if (!offered) {
    GTEST_SKIP() << "this LLVM env does not offer Programl (cgym_llvm built without "
                    "backends/llvm/graph_sources.cmake)";
  }
  env->reset({.benchmark = "benchmark://cgym-v0/qsort"});

  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "at reset" : "after -mem2reg");
    const Observation programl = env->observation("Programl");
    ASSERT_TRUE(env->observation_space_spec("Programl").space.contains(programl));
    const ProgramGraph g = ProgramGraph::from_observation(programl);
    size_t declarations = 0;
    for (const auto& f : g.functions) declarations += f.is_declaration;
    const auto instructions = env->observation("IrInstructionCount").as<int64_t>();
    EXPECT_EQ(g.count(ProgramGraph::NodeType::kInstruction),
              1 + declarations + static_cast<size_t>(instructions));

    const nlohmann::json j = env->observation("ProgramlJson").as_json();
    EXPECT_EQ(j["nodes"].size(), g.nodes.size());
    EXPECT_EQ(j["links"].size(), g.edges.size());

    const std::string ir = env->observation("Ir").as<std::string>();
    EXPECT_EQ(env->observation("LexedIr").as_json(), lexed_ir_to_json(ir, lex_ir(ir)));
    EXPECT_EQ(env->observation("Inst2vecPreprocessedText").as_json(),
              nlohmann::json(inst2vec_preprocess(ir)));

    if (round == 0) env->step(env->action_space().index("-mem2reg"));
  }
}

}  // namespace
}  // namespace cgym::llvm
