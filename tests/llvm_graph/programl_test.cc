// The ProGraML builder against hand-checked graphs of small functions, and
// property tests over the bundled programs. The expected counts below were
// worked out by hand from the IR, following the conventions in
// docs/programl.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <llvm/IR/Function.h>
#include <llvm/IR/InstrTypes.h>
#include <llvm/IR/Instruction.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include "backends/llvm/programl.h"
#include "cgym/errors.h"
#include "cgym/program_graph.h"
#include "llvm_graph/graph_test_util.h"

namespace cgym::llvm {
namespace {

using testing::parse_ir;
using Flow = ProgramGraph::EdgeFlow;
using Type = ProgramGraph::NodeType;

// The first node whose full_text is `full_text`.
int32_t node_with_full_text(const ProgramGraph& g, const std::string& full_text) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].full_text == full_text) return static_cast<int32_t>(i);
  }
  ADD_FAILURE() << "no node has full_text '" << full_text << "'";
  return -1;
}

// An instruction's text with the numbers of metadata (!5) and attribute
// groups (#3) blanked out: those are numbered per module or per function
// depending on how the instruction is printed.
std::string without_numbered_refs(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if ((text[i] == '!' || text[i] == '#') && i + 1 < text.size() && isdigit(text[i + 1])) {
      while (i + 1 < text.size() && isdigit(text[i + 1])) ++i;
      out += 'N';
    }
  }
  return out;
}

// The edges from `source` to `target` of `flow`, as their positions.
std::vector<int32_t> positions(const ProgramGraph& g, Flow flow, int32_t source, int32_t target) {
  std::vector<int32_t> p;
  for (const auto& e : g.edges) {
    if (e.flow == flow && e.source == source && e.target == target) p.push_back(e.position);
  }
  return p;
}

TEST(ProgramlTest, StraightLineFunction) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
define i32 @f(i32 %a, i32 %b) {
  %sum = add i32 %a, %b
  %r = mul i32 %sum, 2
  ret i32 %r
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);

  // root + 3 instructions; variables %a %b %sum %r; constant `i32 2`.
  EXPECT_EQ(g.nodes.size(), 9u);
  EXPECT_EQ(g.count(Type::kInstruction), 4u);
  EXPECT_EQ(g.count(Type::kVariable), 4u);
  EXPECT_EQ(g.count(Type::kConstant), 1u);
  // add->mul, mul->ret.
  EXPECT_EQ(g.count(Flow::kControl), 2u);
  // a->add, b->add, add->sum, sum->mul, 2->mul, mul->r, r->ret.
  EXPECT_EQ(g.count(Flow::kData), 7u);
  // root->add, ret->root.
  EXPECT_EQ(g.count(Flow::kCall), 2u);
  EXPECT_EQ(g.edges.size(), 11u);

  const int32_t add = node_with_full_text(g, "%sum = add i32 %a, %b");
  const int32_t mul = node_with_full_text(g, "%r = mul i32 %sum, 2");
  const int32_t ret = node_with_full_text(g, "ret i32 %r");
  const int32_t a = node_with_full_text(g, "i32 %a");
  const int32_t b = node_with_full_text(g, "i32 %b");
  const int32_t sum = node_with_full_text(g, "i32 %sum");
  const int32_t two = node_with_full_text(g, "i32 2");
  EXPECT_EQ(g.nodes[add].text, "add");
  EXPECT_EQ(g.nodes[mul].text, "mul");
  EXPECT_EQ(g.nodes[ret].text, "ret");
  EXPECT_EQ(g.nodes[a].type, Type::kVariable);
  EXPECT_EQ(g.nodes[a].text, "i32");
  EXPECT_EQ(g.nodes[two].type, Type::kConstant);
  EXPECT_EQ(g.nodes[two].text, "i32");
  EXPECT_EQ(g.nodes[two].function, -1);

  EXPECT_EQ(positions(g, Flow::kData, a, add), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, b, add), std::vector<int32_t>{1});
  EXPECT_EQ(positions(g, Flow::kData, add, sum), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, sum, mul), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, two, mul), std::vector<int32_t>{1});
  EXPECT_EQ(positions(g, Flow::kControl, add, mul), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kCall, ProgramGraph::kRootNode, add), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kCall, ret, ProgramGraph::kRootNode), std::vector<int32_t>{0});

  // Every node of the function carries its index and block.
  ASSERT_EQ(g.functions.size(), 1u);
  EXPECT_EQ(g.functions[0].name, "f");
  EXPECT_FALSE(g.functions[0].is_declaration);
  for (int32_t n : {add, mul, ret, a, b, sum}) {
    EXPECT_EQ(g.nodes[n].function, 0) << g.nodes[n].full_text;
    EXPECT_EQ(g.nodes[n].block, 0) << g.nodes[n].full_text;
  }
}

TEST(ProgramlTest, RootNode) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir("define void @f() {\n  ret void\n}\n", ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  ASSERT_GE(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].type, Type::kInstruction);
  EXPECT_EQ(g.nodes[0].text, "[external]");
  EXPECT_EQ(g.nodes[0].function, -1);
  EXPECT_EQ(g.nodes[0].block, -1);
  // The single instruction is both entry and exit of @f.
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(positions(g, Flow::kCall, 0, 1).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, 1, 0).size(), 1u);

  // An empty module is just the root.
  auto empty = parse_ir("", ctx);
  ASSERT_TRUE(empty);
  const ProgramGraph e = build_program_graph(*empty);
  EXPECT_EQ(e.nodes.size(), 1u);
  EXPECT_TRUE(e.edges.empty());
}

TEST(ProgramlTest, BranchesAndPhi) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
define i32 @max(i32 %x, i32 %y) {
entry:
  %c = icmp sgt i32 %x, %y
  br i1 %c, label %then, label %else
then:
  br label %join
else:
  br label %join
join:
  %m = phi i32 [ %x, %then ], [ %y, %else ]
  ret i32 %m
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);

  // root + icmp br br br phi ret; variables x y c m; no constants (labels
  // are control flow, not data).
  EXPECT_EQ(g.count(Type::kInstruction), 7u);
  EXPECT_EQ(g.count(Type::kVariable), 4u);
  EXPECT_EQ(g.count(Type::kConstant), 0u);
  // icmp->br, phi->ret inside blocks; br->then, br->else, then->join,
  // else->join between them.
  EXPECT_EQ(g.count(Flow::kControl), 6u);
  // x->icmp y->icmp icmp->c c->br x->phi y->phi phi->m m->ret.
  EXPECT_EQ(g.count(Flow::kData), 8u);
  EXPECT_EQ(g.count(Flow::kCall), 2u);

  const int32_t cond_br = node_with_full_text(g, "br i1 %c, label %then, label %else");
  const int32_t then_br = g.nodes[cond_br + 1].full_text == "br label %join" ? cond_br + 1 : -1;
  ASSERT_GE(then_br, 0);
  const int32_t else_br = then_br + 1;
  const int32_t phi = node_with_full_text(g, "%m = phi i32 [ %x, %then ], [ %y, %else ]");
  const int32_t icmp = node_with_full_text(g, "%c = icmp sgt i32 %x, %y");
  const int32_t c = node_with_full_text(g, "i1 %c");
  const int32_t x = node_with_full_text(g, "i32 %x");
  const int32_t y = node_with_full_text(g, "i32 %y");

  // The successor index is the control edge's position: then is successor 0.
  EXPECT_EQ(positions(g, Flow::kControl, cond_br, then_br), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kControl, cond_br, else_br), std::vector<int32_t>{1});
  EXPECT_EQ(positions(g, Flow::kControl, then_br, phi), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kControl, else_br, phi), std::vector<int32_t>{0});
  // The condition is operand 0 of br; y is operand 1 of icmp and of phi.
  EXPECT_EQ(positions(g, Flow::kData, c, cond_br), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, icmp, c), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, x, icmp), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, y, icmp), std::vector<int32_t>{1});
  EXPECT_EQ(positions(g, Flow::kData, x, phi), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, y, phi), std::vector<int32_t>{1});
  // One variable node per value, however often it is used.
  EXPECT_EQ(g.nodes[x].text, "i32");

  // Blocks are numbered in order: entry 0, then 1, else 2, join 3.
  EXPECT_EQ(g.nodes[icmp].block, 0);
  EXPECT_EQ(g.nodes[then_br].block, 1);
  EXPECT_EQ(g.nodes[else_br].block, 2);
  EXPECT_EQ(g.nodes[phi].block, 3);
  EXPECT_EQ(g.nodes[c].block, 0);  // a variable lives in its producer's block
}

TEST(ProgramlTest, CallEdgesAndExternalFunctions) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
declare i32 @ext(i32)

define internal i32 @callee(i32 %v) {
  %r = add i32 %v, 1
  ret i32 %r
}

define i32 @caller() {
  %a = call i32 @callee(i32 3)
  %b = call i32 @ext(i32 %a)
  ret i32 %b
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);

  ASSERT_EQ(g.functions.size(), 3u);
  EXPECT_EQ(g.functions[0].name, "ext");
  EXPECT_TRUE(g.functions[0].is_declaration);
  EXPECT_FALSE(g.functions[1].is_declaration);

  // root, the placeholder of @ext, add ret, call call ret; variables v r a b;
  // constants 1 and 3 (callees are not data).
  EXPECT_EQ(g.count(Type::kInstruction), 7u);
  EXPECT_EQ(g.count(Type::kVariable), 4u);
  EXPECT_EQ(g.count(Type::kConstant), 2u);
  EXPECT_EQ(g.count(Flow::kControl), 3u);
  EXPECT_EQ(g.count(Flow::kData), 9u);
  // root<->each of the 3 functions (6), call1<->@callee (2), call2<->@ext (2).
  EXPECT_EQ(g.count(Flow::kCall), 10u);

  int32_t ext = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].text == "; undefined function") ext = static_cast<int32_t>(i);
  }
  ASSERT_GE(ext, 0);
  EXPECT_EQ(g.nodes[ext].type, Type::kInstruction);
  EXPECT_EQ(g.nodes[ext].function, 0);
  EXPECT_EQ(g.nodes[ext].full_text, "");

  const int32_t call1 = node_with_full_text(g, "%a = call i32 @callee(i32 3)");
  const int32_t call2 = node_with_full_text(g, "%b = call i32 @ext(i32 %a)");
  const int32_t callee_entry = node_with_full_text(g, "%r = add i32 %v, 1");
  const int32_t callee_exit = node_with_full_text(g, "ret i32 %r");
  const int32_t three = node_with_full_text(g, "i32 3");

  // Call site -> callee entry; callee exits -> call site.
  EXPECT_EQ(positions(g, Flow::kCall, call1, callee_entry).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, callee_exit, call1).size(), 1u);
  // An external function: its placeholder is entry and exit.
  EXPECT_EQ(positions(g, Flow::kCall, call2, ext).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, ext, call2).size(), 1u);
  // The root calls every function, and every function returns to it.
  EXPECT_EQ(positions(g, Flow::kCall, 0, ext).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, ext, 0).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, 0, callee_entry).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, callee_exit, 0).size(), 1u);
  // The argument is operand 0; the callee (operand 1) gets no data edge.
  EXPECT_EQ(positions(g, Flow::kData, three, call1), std::vector<int32_t>{0});
}

// A call through a signature other than the callee's (C without prototypes)
// and an invoke still reach their callee.
TEST(ProgramlTest, CallEdgesThroughMismatchedSignaturesAndInvoke) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
define i32 @k(i32 %x) {
  ret i32 %x
}

define i32 @m() personality ptr null {
  %r = call i32 (...) @k(i32 1)
  %s = invoke i32 @k(i32 2)
          to label %ok unwind label %bad
ok:
  ret i32 %s
bad:
  %lp = landingpad { ptr, i32 }
          cleanup
  resume { ptr, i32 } %lp
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  const int32_t k = node_with_full_text(g, "ret i32 %x");
  const int32_t call = node_with_full_text(g, "%r = call i32 (...) @k(i32 1)");
  int32_t invoke = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].text == "invoke") invoke = static_cast<int32_t>(i);
  }
  ASSERT_GE(invoke, 0);
  EXPECT_EQ(positions(g, Flow::kCall, call, k).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, k, call).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, invoke, k).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, k, invoke).size(), 1u);
  // The invoke's successors: normal destination 0, unwind destination 1;
  // both the ret and the resume are exits of @m.
  const int32_t ok = node_with_full_text(g, "ret i32 %s");
  EXPECT_EQ(positions(g, Flow::kControl, invoke, ok), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kCall, ok, 0).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, node_with_full_text(g, "resume { ptr, i32 } %lp"), 0).size(),
            1u);
}

TEST(ProgramlTest, GlobalsAndFunctionAddressesAreConstants) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
@x = global i32 5, align 4

define void @f() {
  ret void
}

define ptr @g() {
  %v = load i32, ptr @x, align 4
  store i32 %v, ptr @x, align 4
  ret ptr @f
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  // @x once (both uses share it), `ptr @f` (an address, not a call).
  EXPECT_EQ(g.count(Type::kConstant), 2u);
  const int32_t x = node_with_full_text(g, "@x = global i32 5, align 4");
  const int32_t f = node_with_full_text(g, "ptr @f");
  EXPECT_EQ(g.nodes[x].text, "ptr");
  EXPECT_EQ(g.nodes[f].type, Type::kConstant);
  const int32_t load = node_with_full_text(g, "%v = load i32, ptr @x, align 4");
  const int32_t store = node_with_full_text(g, "store i32 %v, ptr @x, align 4");
  const int32_t ret = node_with_full_text(g, "ret ptr @f");
  EXPECT_EQ(positions(g, Flow::kData, x, load), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kData, x, store), std::vector<int32_t>{1});
  EXPECT_EQ(positions(g, Flow::kData, f, ret), std::vector<int32_t>{0});
  // A function address is data only: no call edge to @f from @g.
  EXPECT_TRUE(positions(g, Flow::kCall, ret, node_with_full_text(g, "ret void")).empty());
}

TEST(ProgramlTest, StructTypesAreSpelledStruct) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
%pair = type { i32, i32 }

define i32 @f(ptr %p) {
  %v = load %pair, ptr %p, align 4
  %w = extractvalue %pair %v, 1
  ret i32 %w
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  const int32_t v = node_with_full_text(g, "%pair %v");
  EXPECT_EQ(g.nodes[v].text, "struct");
  EXPECT_EQ(g.nodes[node_with_full_text(g, "ptr %p")].text, "ptr");
}

// Unnamed struct types are numbered by the module (%0); their spelling must
// come from the module, not from a pointer.
TEST(ProgramlTest, UnnamedStructTypesUseModuleNumbering) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
%0 = type { i32, i64 }

define i64 @f(ptr %p, %0 %arg) {
  %v = load %0, ptr %p, align 8
  %a = alloca [2 x %0], align 8
  store [2 x %0] zeroinitializer, ptr %a, align 8
  %w = extractvalue %0 %v, 1
  %x = extractvalue %0 %arg, 1
  %y = add i64 %w, %x
  ret i64 %y
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  EXPECT_EQ(g.nodes[node_with_full_text(g, "%0 %v")].text, "struct");
  EXPECT_EQ(g.nodes[node_with_full_text(g, "%0 %arg")].text, "struct");
  EXPECT_EQ(g.nodes[node_with_full_text(g, "[2 x %0] zeroinitializer")].text, "[2 x %0]");
  EXPECT_EQ(g.nodes[node_with_full_text(g, "ptr %a")].text, "ptr");
}

TEST(ProgramlTest, SwitchSuccessorPositions) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
define i32 @f(i32 %x) {
  switch i32 %x, label %d [
    i32 1, label %a
    i32 2, label %a
  ]
a:
  ret i32 1
d:
  ret i32 0
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  int32_t sw = -1, a = -1, d = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].text == "switch") sw = static_cast<int32_t>(i);
    if (g.nodes[i].full_text == "ret i32 1") a = static_cast<int32_t>(i);
    if (g.nodes[i].full_text == "ret i32 0") d = static_cast<int32_t>(i);
  }
  ASSERT_GE(sw, 0);
  // Successors: default, then one per case (two of them reach %a).
  EXPECT_EQ(positions(g, Flow::kControl, sw, d), std::vector<int32_t>{0});
  EXPECT_EQ(positions(g, Flow::kControl, sw, a), (std::vector<int32_t>{1, 2}));
  // Operands: %x at 0, default label at 1, then value/label pairs: the case
  // values 1 and 2 are operands 2 and 4.
  const int32_t one = node_with_full_text(g, "i32 1");
  const int32_t two = node_with_full_text(g, "i32 2");
  EXPECT_EQ(positions(g, Flow::kData, one, sw), std::vector<int32_t>{2});
  EXPECT_EQ(positions(g, Flow::kData, two, sw), std::vector<int32_t>{4});
  // Both returns are exits of @f.
  EXPECT_EQ(positions(g, Flow::kCall, a, 0).size(), 1u);
  EXPECT_EQ(positions(g, Flow::kCall, d, 0).size(), 1u);
}

TEST(ProgramlTest, NodeLinkJson) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
define i32 @sq(i32 %a) {
  %d = mul i32 %a, %a
  ret i32 %d
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  const nlohmann::json j = program_graph_to_node_link_json(g);
  EXPECT_EQ(j["directed"], true);
  EXPECT_EQ(j["multigraph"], true);
  ASSERT_EQ(j["nodes"].size(), g.nodes.size());
  ASSERT_EQ(j["links"].size(), g.edges.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = j["nodes"][i];
    EXPECT_EQ(n["id"], i);
    EXPECT_EQ(n["type"], static_cast<int>(g.nodes[i].type));
    EXPECT_EQ(n["text"], g.nodes[i].text);
    EXPECT_EQ(n["function"], g.nodes[i].function);
    EXPECT_EQ(n["block"], g.nodes[i].block);
    EXPECT_EQ(n["features"]["full_text"], nlohmann::json::array({g.nodes[i].full_text}));
  }
  EXPECT_EQ(j["nodes"][0]["text"], "[external]");
  ASSERT_EQ(j["graph"]["function"].size(), 1u);
  EXPECT_EQ(j["graph"]["function"][0]["name"], "sq");
  EXPECT_EQ(j["graph"]["module"].size(), 1u);

  // %a feeds mul twice: two parallel links, keys 0 and 1, positions 0 and 1.
  const int32_t a = node_with_full_text(g, "i32 %a");
  const int32_t mul = node_with_full_text(g, "%d = mul i32 %a, %a");
  std::set<std::pair<int, int>> key_position;
  for (const auto& link : j["links"]) {
    EXPECT_TRUE(link.contains("flow") && link.contains("position") && link.contains("key"));
    if (link["source"] == a && link["target"] == mul) {
      key_position.insert({link["key"].get<int>(), link["position"].get<int>()});
    }
  }
  EXPECT_EQ(key_position, (std::set<std::pair<int, int>>{{0, 0}, {1, 1}}));
}

TEST(ProgramlTest, ObservationRoundTrip) {
  ::llvm::LLVMContext ctx;
  auto m = parse_ir(R"(
declare void @ext()
define void @f(i32 %a) {
  call void @ext()
  ret void
}
)",
                    ctx);
  ASSERT_TRUE(m);
  const ProgramGraph g = build_program_graph(*m);
  const Observation obs = g.to_observation();
  EXPECT_EQ(obs.type(), ObservationType::kBytes);
  EXPECT_EQ(ProgramGraph::from_observation(obs), g);
  // Survives Observation's own serialization (worker protocol, disk cache).
  EXPECT_EQ(ProgramGraph::from_observation(Observation::deserialize(obs.serialize())), g);
  EXPECT_EQ(ProgramGraph::from_observation(programl_observation(*m)), g);
  // The spaces' default value: an empty graph.
  EXPECT_EQ(ProgramGraph::from_observation(ProgramGraph{}.to_observation()), ProgramGraph{});

  EXPECT_THROW(ProgramGraph::from_observation(Observation(int64_t{3})), InvalidArgument);
  EXPECT_THROW(ProgramGraph::from_observation(Observation(Bytes{"not a graph"})), InvalidArgument);
  const std::string& bytes = obs.as<Bytes>().data;
  for (size_t cut : {size_t{8}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_THROW(ProgramGraph::from_observation(Observation(Bytes{bytes.substr(0, cut)})),
                 InvalidArgument)
        << "cut at " << cut;
  }
  EXPECT_THROW(ProgramGraph::from_observation(Observation(Bytes{bytes + "x"})), InvalidArgument);
  try {
    ProgramGraph::from_observation(Observation(Bytes{"not a graph"}));
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("CGYMPGR1"), std::string::npos) << e.what();
  }
}

// Every instruction of every bundled program is exactly one instruction
// node, in order, with LLVM's own printing of it as full_text; and every
// edge connects the node types its flow allows.
TEST(ProgramlTest, BundledProgramsEveryInstructionOnce) {
  const auto files = testing::bundled_bitcode();
  if (files.empty()) {
    GTEST_SKIP() << "the bundled programs were not built (target cgym_datasets): no "
                 << CGYM_BINARY_DIR << "/share/cgym/cgym-v0/*/*.bc";
  }
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    ::llvm::LLVMContext ctx;
    auto m = testing::load_bitcode(file, ctx);
    ASSERT_TRUE(m);
    const ProgramGraph g = build_program_graph(*m);

    // Instruction nodes per function, in node order, against the module.
    std::vector<std::vector<int32_t>> by_function(g.functions.size());
    for (size_t i = 1; i < g.nodes.size(); ++i) {
      const auto& n = g.nodes[i];
      if (n.type == Type::kInstruction) {
        ASSERT_GE(n.function, 0);
        by_function[n.function].push_back(static_cast<int32_t>(i));
      }
    }
    std::unordered_set<std::string> module_lines;
    {
      const std::string text = testing::print_module(*m);
      for (size_t at = 0; at < text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(at, end - at);
        line.erase(0, std::min(line.find_first_not_of(' '), line.size()));
        module_lines.insert(std::move(line));
        at = end + 1;
      }
    }
    size_t function_index = 0, instructions = 0;
    for (const ::llvm::Function& f : *m) {
      const auto& nodes = by_function[function_index++];
      if (f.isDeclaration()) {
        ASSERT_EQ(nodes.size(), 1u);
        EXPECT_EQ(g.nodes[nodes[0]].text, "; undefined function");
        continue;
      }
      ASSERT_EQ(nodes.size(), f.getInstructionCount()) << f.getName().str();
      size_t k = 0;
      for (const ::llvm::BasicBlock& bb : f) {
        for (const ::llvm::Instruction& inst : bb) {
          // Printed on its own, the slow way (a fresh slot tracker each
          // time, which numbers metadata and attribute groups per function
          // rather than per module): equal up to those numbers.
          std::string text;
          ::llvm::raw_string_ostream os(text);
          inst.print(os);
          os.flush();
          text.erase(0, text.find_first_not_of(' '));
          const auto& node = g.nodes[nodes[k++]];
          ASSERT_EQ(without_numbered_refs(node.full_text), without_numbered_refs(text));
          ASSERT_EQ(node.text, inst.getOpcodeName());
          // And with the module's numbering: a line of the module's text.
          const std::string first_line = node.full_text.substr(0, node.full_text.find('\n'));
          ASSERT_TRUE(module_lines.count(first_line)) << first_line;
          ++instructions;
        }
      }
    }
    // Nothing else is an instruction node: the root, one placeholder per
    // declaration, and the module's instructions.
    size_t declarations = 0;
    for (const auto& f : g.functions) declarations += f.is_declaration;
    EXPECT_EQ(g.count(Type::kInstruction), 1 + declarations + instructions);

    // Edge endpoints by flow, and no isolated node but the root of an
    // empty module.
    std::vector<int> degree(g.nodes.size(), 0);
    std::vector<int> producers(g.nodes.size(), 0);
    for (const auto& e : g.edges) {
      ASSERT_LT(e.source, static_cast<int32_t>(g.nodes.size()));
      ASSERT_LT(e.target, static_cast<int32_t>(g.nodes.size()));
      ++degree[e.source];
      ++degree[e.target];
      const Type s = g.nodes[e.source].type, t = g.nodes[e.target].type;
      switch (e.flow) {
        case Flow::kControl:
          ASSERT_EQ(s, Type::kInstruction);
          ASSERT_EQ(t, Type::kInstruction);
          ASSERT_EQ(g.nodes[e.source].function, g.nodes[e.target].function);
          break;
        case Flow::kCall:
          ASSERT_EQ(s, Type::kInstruction);
          ASSERT_EQ(t, Type::kInstruction);
          ASSERT_EQ(e.position, 0);
          break;
        case Flow::kData:
          ASSERT_TRUE((s == Type::kInstruction) != (t == Type::kInstruction))
              << "data edge " << e.source << " -> " << e.target;
          if (s == Type::kInstruction) {
            ASSERT_EQ(t, Type::kVariable);
            ++producers[e.target];
          }
          break;
      }
    }
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      EXPECT_GT(degree[i], 0) << "isolated node " << i << ": " << g.nodes[i].full_text;
      EXPECT_LE(producers[i], 1) << "variable with two producers: " << g.nodes[i].full_text;
    }
  }
}

}  // namespace
}  // namespace cgym::llvm
