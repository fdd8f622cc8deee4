// Inst2vecPreprocessedText on examples worked out by hand from inst2vec's
// rules, and a count check against the module on every bundled program.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <llvm/IR/Function.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "backends/llvm/inst2vec.h"
#include "llvm_graph/graph_test_util.h"

namespace cgym::llvm {
namespace {

using Lines = std::vector<std::string>;

TEST(Inst2vecTest, Instructions) {
  EXPECT_EQ(inst2vec_preprocess("  store i32 0, ptr %1, align 4\n"),
            Lines{"store i32 <INT>, ptr <%ID>, align 4"});
  EXPECT_EQ(inst2vec_preprocess("  %5 = load ptr, ptr %2, align 8, !tbaa !5\n"),
            Lines{"<%ID> = load ptr, ptr <%ID>, align 8"});
  EXPECT_EQ(inst2vec_preprocess("  %7 = fadd double %6, 1.000000e+00\n"),
            Lines{"<%ID> = fadd double <%ID>, <FLOAT>"});
  EXPECT_EQ(inst2vec_preprocess("  %h = fmul float %x, 0x3FF0000000000000\n"),
            Lines{"<%ID> = fmul float <%ID>, <FLOAT>"});
  EXPECT_EQ(inst2vec_preprocess("  %c = icmp slt i64 %i, -1\n"),
            Lines{"<%ID> = icmp slt i64 <%ID>, <INT>"});
  EXPECT_EQ(inst2vec_preprocess("  %a = alloca [10 x i32], align 16\n"),
            Lines{"<%ID> = alloca [10 x i32], align 16"});
  EXPECT_EQ(inst2vec_preprocess(
                "  %9 = call i32 (ptr, ...) @printf(ptr noundef @.str, i32 noundef %8) #7\n"),
            Lines{"<%ID> = call i32 (ptr, ...) <@ID>(ptr noundef <@ID>, i32 noundef <%ID>)"});
  EXPECT_EQ(
      inst2vec_preprocess("  %g = getelementptr inbounds [4 x i32], ptr %arr, i64 0, i64 %idx\n"),
      Lines{"<%ID> = getelementptr inbounds [4 x i32], ptr <%ID>, i64 <INT>, i64 <%ID>"});
  EXPECT_EQ(inst2vec_preprocess("  br i1 %c, label %t, label %f\n"),
            Lines{"br i1 <%ID>, label <%ID>, label <%ID>"});
  // Alignment, sizes, attribute arguments and aggregate indices stay.
  EXPECT_EQ(inst2vec_preprocess("  call void @use(ptr dereferenceable(8) %p)\n"),
            Lines{"call void <@ID>(ptr dereferenceable(8) <%ID>)"});
  EXPECT_EQ(inst2vec_preprocess("  %e = extractvalue { i32, i32 } %agg, 1\n"),
            Lines{"<%ID> = extractvalue { i32, i32 } <%ID>, 1"});
  EXPECT_EQ(inst2vec_preprocess("  %n = insertvalue { i32, i32 } %agg, i32 7, 0\n"),
            Lines{"<%ID> = insertvalue { i32, i32 } <%ID>, i32 <INT>, 0"});
  EXPECT_EQ(inst2vec_preprocess("  %v = load <4 x float>, ptr %p, align 16\n"),
            Lines{"<%ID> = load <4 x float>, ptr <%ID>, align 16"});
}

TEST(Inst2vecTest, GlobalsFunctionsAndLabels) {
  const std::string ir = R"(; ModuleID = 'm'
source_filename = "m.c"
target datalayout = "e-m:e-p270:32:32"
target triple = "x86_64-pc-linux-gnu"

@.str = private unnamed_addr constant [4 x i8] c"abc\00", align 1
@seed = internal global i32 7, align 4
@alias = alias i32, ptr @seed

; Function Attrs: nounwind uwtable
define dso_local i32 @main(i32 noundef %0) #0 {
  %2 = icmp eq i32 %0, 0
  br i1 %2, label %3, label %4

3:                                                ; preds = %1
  ret i32 1

4:                                                ; preds = %1
  ret i32 0
}

declare i32 @printf(ptr noundef, ...) #1

attributes #0 = { nounwind uwtable "frame-pointer"="all" }
attributes #1 = { "no-trapping-math"="true" }

!llvm.module.flags = !{!0}
!0 = !{i32 1, !"wchar_size", i32 4}
)";
  EXPECT_EQ(inst2vec_preprocess(ir),
            (Lines{"<@ID> = private unnamed_addr constant [4 x i8] <STRING>, align 1",
                   "<@ID> = internal global i32 <INT>, align 4",
                   "define dso_local i32 <@ID>(i32 noundef <%ID>)",
                   "<%ID> = icmp eq i32 <%ID>, <INT>", "br i1 <%ID>, label <%ID>, label <%ID>",
                   "<LABEL>:", "ret i32 <INT>", "<LABEL>:", "ret i32 <INT>"}));
}

TEST(Inst2vecTest, StructsAreInlined) {
  const std::string ir = R"(%struct.inner = type { i16, [6 x i8] }
%struct.record = type { i32, %struct.inner, ptr }
%struct.node = type { i32, ptr }

define void @f() {
  %1 = alloca %struct.record, align 8
  %2 = getelementptr inbounds %struct.node, ptr %1, i32 0, i32 1
  ret void
}
)";
  EXPECT_EQ(inst2vec_preprocess(ir),
            (Lines{"define void <@ID>()", "<%ID> = alloca { i32, { i16, [6 x i8] }, ptr }, align 8",
                   "<%ID> = getelementptr inbounds { i32, ptr }, ptr <%ID>, i32 <INT>, i32 <INT>",
                   "ret void"}));
}

TEST(Inst2vecTest, MultiLineStatementsAndMetadata) {
  const std::string ir = R"(define void @f(i32 %x) personality ptr @p !dbg !4 {
  switch i32 %x, label %d [
    i32 1, label %a
    i32 2, label %b
  ]
a:
  invoke void @g()
          to label %b unwind label %lp
lp:
  %l = landingpad { ptr, i32 }
          cleanup
  call void @llvm.dbg.value(metadata i32 %x, metadata !7, metadata !DIExpression()), !dbg !8
  #dbg_value(i32 %x, !7, !DIExpression(), !8)
  resume { ptr, i32 } %l
}
)";
  EXPECT_EQ(
      inst2vec_preprocess(ir),
      (Lines{"define void <@ID>(i32 <%ID>) personality ptr <@ID>",
             "switch i32 <%ID>, label <%ID> [ i32 <INT>, label <%ID> i32 <INT>, label <%ID> ]",
             "<LABEL>:", "invoke void <@ID>() to label <%ID> unwind label <%ID>",
             "<LABEL>:", "<%ID> = landingpad { ptr, i32 } cleanup", "call void <@ID>()",
             "resume { ptr, i32 } <%ID>"}));
}

// One statement per global variable, function header, labelled block and
// instruction; no identifier or metadata survives.
TEST(Inst2vecTest, BundledProgramsStatementCounts) {
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
    size_t expected = 0;
    expected += m->global_size();  // definitions and `external global`s alike
    for (const ::llvm::Function& f : *m) {
      if (f.isDeclaration()) continue;
      expected += 1 + f.getInstructionCount();
      for (const ::llvm::BasicBlock& bb : f) {
        // LLVM prints a label for every block but an unnamed entry block.
        expected += !(&bb == &f.getEntryBlock() && !bb.hasName());
      }
    }
    const auto statements = inst2vec_preprocess(testing::print_module(*m));
    EXPECT_EQ(statements.size(), expected);
    for (const auto& s : statements) {
      std::string rest = s;
      for (const char* placeholder : {"<%ID>", "<@ID>"}) {
        for (size_t at; (at = rest.find(placeholder)) != std::string::npos;) rest.erase(at, 5);
      }
      ASSERT_EQ(rest.find_first_of("%@!#;"), std::string::npos) << s;
    }
  }
}

}  // namespace
}  // namespace cgym::llvm
