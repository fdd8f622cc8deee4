// The LexedIr lexer against LLVM 19's own lexer (llvm::LLLexer, the one
// LLParser uses) token by token, on a hand-written IR text that touches every
// token family and on every bundled program; plus the round trip from
// (kind, value) back to the text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <llvm/ADT/StringExtras.h>
#include <llvm/AsmParser/LLLexer.h>
#include <llvm/AsmParser/LLToken.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Type.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include "backends/llvm/lexed_ir.h"
#include "cgym/errors.h"
#include "llvm_graph/graph_test_util.h"

namespace cgym::llvm {
namespace {

namespace lltok = ::llvm::lltok;

// Text that is lexically valid LLVM 19 IR (it need not parse), with every
// family of token: sigils, quoted names, labels of every shape, integers,
// decimal and hexadecimal floats, strings, metadata, attribute groups, debug
// records, DWARF names, summaries.
const char* const kKitchenSink = R"(; ModuleID = 'x'
source_filename = "x.c"
target datalayout = "e-m:e-i64:64"
%struct.S = type { i32, [4 x i8], <2 x float> }
%"quoted name" = type opaque
$comdat1 = comdat any
$"comdat 2" = comdat largest
@g = global i32 -7, align 4
@"g 2" = global double 1.500000e+00
@h = global float 0x3FF0000000000000
@k = global x86_fp80 0xK3FFF8000000000000000
@q = global half 0xH3C00
@s = constant [3 x i8] c"a\0A\00", section ".data"
@0 = private global i64 u0xFF
@p = global double +1.5
define i32 @f(i32 %0, ptr noundef %p) #0 !dbg !5 {
entry:
  %1 = add nsw i32 %0, 42
  %"a b" = fadd fast double 1.0, 2.5e-3
  %w = getelementptr inbounds %struct.S, ptr %p, i64 0, i32 1
  br label %"next block"
"next block":
  switch i32 %1, label %d [
    i32 1, label %entry
  ]
-1:
  call void (...) @va(i32 1, ...) #1
  call cc10 void @cc()
  #dbg_value(i32 %1, !7, !DIExpression(DW_OP_plus_uconst, 4), !8)
  ret i32 %1, !tbaa !9
$lbl:
  unreachable
.dot:
  unreachable
}
attributes #0 = { nounwind "frame-pointer"="all" }
!llvm.module.flags = !{!0}
!0 = !{i32 1, !"wchar_size", i32 4}
!5 = distinct !DISubprogram(name: "f", flags: DIFlagPrototyped, spFlags: DISPFlagDefinition, emissionKind: FullDebug, tag: DW_TAG_base_type, encoding: DW_ATE_signed, checksumkind: CSK_MD5, nameTableKind: None, lang: DW_LANG_C99)
^0 = module: (path: "x", hash: (0, 0))
)";

// LLVM's unescaping of \\ and \xx in names and strings.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (s[i] == '\\' && i + 2 < s.size() && isxdigit(s[i + 1]) && isxdigit(s[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Lexes `ir` with both lexers and compares kind, start and value of every
// token. Returns the number of tokens compared.
size_t expect_same_as_llvm(const std::string& ir) {
  const std::vector<IrToken> ours = lex_ir(ir);
  ::llvm::LLVMContext ctx;
  ::llvm::SourceMgr sm;
  ::llvm::SMDiagnostic err;
  ::llvm::LLLexer lexer(ir, sm, err, ctx);
  size_t i = 0;
  for (lltok::Kind kind = lexer.Lex(); kind != lltok::Eof; kind = lexer.Lex(), ++i) {
    const size_t offset = static_cast<size_t>(lexer.getLoc().getPointer() - ir.data());
    if (i >= ours.size()) {
      ADD_FAILURE() << "LLVM has more tokens; next is " << token_kind_name(kind) << " at "
                    << offset;
      return i;
    }
    const IrToken& t = ours[i];
    const std::string_view value = t.value(ir);
    const std::string where = "token " + std::to_string(i) + " at offset " +
                              std::to_string(offset) + ": '" + std::string(t.text(ir)) + "'";
    if (t.id != kind || t.begin != offset) {
      ADD_FAILURE() << where << ": ours is " << token_kind_name(t.id) << " at " << t.begin
                    << ", LLVM's is " << token_kind_name(kind);
      return i;
    }
    switch (token_category(kind)) {
      case TokenCategory::kStrVal:
        EXPECT_EQ(unescape(value), lexer.getStrVal()) << where;
        break;
      case TokenCategory::kUIntVal:
        EXPECT_EQ(std::stoull(std::string(value)), lexer.getUIntVal()) << where;
        break;
      case TokenCategory::kType: {
        std::string printed;
        ::llvm::raw_string_ostream os(printed);
        lexer.getTyVal()->print(os);
        EXPECT_EQ(value, os.str()) << where;
        break;
      }
      case TokenCategory::kAPSInt:
        if (value.find('x') == std::string_view::npos) {
          EXPECT_EQ(value, ::llvm::toString(lexer.getAPSIntVal(), 10)) << where;
        }
        break;
      default:
        break;
    }
  }
  EXPECT_EQ(i, ours.size()) << "we have more tokens than LLVM";
  return i;
}

// Every token's text is token_spelling(kind, value) -- exactly, for text
// that LLVM printed (`exact`); otherwise it may differ in quoting, and then
// lexes back to the same token -- and between tokens there is only
// whitespace and comments.
void expect_round_trip(const std::string& ir, bool exact) {
  const std::vector<IrToken> tokens = lex_ir(ir);
  size_t previous_end = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const IrToken& t = tokens[i];
    const std::string spelling = token_spelling(t.id, t.value(ir));
    if (exact || spelling == t.text(ir)) {
      ASSERT_EQ(spelling, t.text(ir))
          << "token " << i << " (" << token_kind_name(t.id) << ") at " << t.begin;
    } else {
      const auto again = lex_ir(spelling);
      ASSERT_EQ(again.size(), 1u) << spelling;
      ASSERT_EQ(again[0].id, t.id) << spelling;
      ASSERT_EQ(unescape(again[0].value(spelling)), unescape(t.value(ir))) << spelling;
    }
    const std::string_view gap = std::string_view(ir).substr(previous_end, t.begin - previous_end);
    for (size_t k = 0; k < gap.size(); ++k) {
      if (gap[k] == ';') {
        while (k < gap.size() && gap[k] != '\n') ++k;
        continue;
      }
      ASSERT_TRUE(gap[k] == ' ' || gap[k] == '\t' || gap[k] == '\n' || gap[k] == '\r')
          << "text skipped before token " << i << ": '" << gap << "'";
    }
    previous_end = t.end;
  }
  for (size_t k = previous_end; k < ir.size(); ++k) {
    if (ir[k] == ';') {
      while (k < ir.size() && ir[k] != '\n') ++k;
      continue;
    }
    ASSERT_TRUE(isspace(static_cast<unsigned char>(ir[k]))) << "text left at the end: " << k;
  }
}

TEST(LexedIrTest, KindsAreLlvm19Kinds) {
  EXPECT_EQ(token_kind_count(), lltok::APSInt + 1);
  EXPECT_EQ(token_kind_name(lltok::kw_define), "kw_define");
  EXPECT_EQ(token_kind_name(lltok::kw_add), "kw_add");
  EXPECT_EQ(token_kind_name(lltok::kw_nounwind), "kw_nounwind");  // from Attributes.inc
  EXPECT_EQ(token_kind_name(lltok::LocalVar), "LocalVar");
  EXPECT_EQ(token_kind_name(lltok::Eof), "Eof");
  EXPECT_EQ(token_category(lltok::Eof), TokenCategory::kMarker);
  EXPECT_EQ(token_category(lltok::comma), TokenCategory::kKeyword);
  EXPECT_EQ(token_category(lltok::kw_define), TokenCategory::kKeyword);
  EXPECT_EQ(token_category(lltok::LocalVarID), TokenCategory::kUIntVal);
  EXPECT_EQ(token_category(lltok::GlobalVar), TokenCategory::kStrVal);
  EXPECT_EQ(token_category(lltok::Type), TokenCategory::kType);
  EXPECT_EQ(token_category(lltok::APFloat), TokenCategory::kAPFloat);
  EXPECT_EQ(token_category(lltok::APSInt), TokenCategory::kAPSInt);
  EXPECT_STREQ(to_string(TokenCategory::kUIntVal), "uintval");
  EXPECT_THROW(token_kind_name(-1), InvalidArgument);
  EXPECT_THROW(token_kind_name(token_kind_count()), InvalidArgument);
}

TEST(LexedIrTest, ObservationFields) {
  const std::string ir = "%x = add nsw i32 %a, -5 ; sum\n  br label %7\n";
  const Observation obs = lexed_ir_observation(ir);
  const nlohmann::json& j = obs.as_json();
  const nlohmann::json ids = {lltok::LocalVar, lltok::equal,    lltok::kw_add,    lltok::kw_nsw,
                              lltok::Type,     lltok::LocalVar, lltok::comma,     lltok::APSInt,
                              lltok::kw_br,    lltok::Type,     lltok::LocalVarID};
  EXPECT_EQ(j["token_id"], ids);
  EXPECT_EQ(j["token_kind"],
            nlohmann::json({"LocalVar", "equal", "kw_add", "kw_nsw", "Type", "LocalVar", "comma",
                            "APSInt", "kw_br", "Type", "LocalVarID"}));
  EXPECT_EQ(j["token_category"],
            nlohmann::json({"strval", "keyword", "keyword", "keyword", "type", "strval", "keyword",
                            "apsint", "keyword", "type", "uintval"}));
  EXPECT_EQ(j["token_value"],
            nlohmann::json({"x", "", "", "", "i32", "a", "", "-5", "", "label", "7"}));
}

TEST(LexedIrTest, Values) {
  const std::string ir = R"(%"a b" = load double, ptr @"g\22", align 8
"my label":
  store x86_fp80 0xK3FFF8000000000000000, ptr %p
  #dbg_value(i32 %1, !7, !DIExpression(), !8)
)";
  const auto tokens = lex_ir(ir);
  auto value_of = [&](size_t i) { return std::string(tokens.at(i).value(ir)); };
  EXPECT_EQ(tokens[0].id, lltok::LocalVar);
  EXPECT_EQ(value_of(0), "a b");
  EXPECT_EQ(tokens[6].id, lltok::GlobalVar);
  EXPECT_EQ(value_of(6), "g\\22");  // escapes as written
  EXPECT_EQ(tokens[10].id, lltok::LabelStr);
  EXPECT_EQ(value_of(10), "my label");
  EXPECT_EQ(tokens[13].id, lltok::APFloat);
  EXPECT_EQ(value_of(13), "0xK3FFF8000000000000000");
  EXPECT_EQ(tokens[17].id, lltok::hash);
  EXPECT_EQ(tokens[18].id, lltok::DbgRecordType);
  EXPECT_EQ(value_of(18), "value");
  EXPECT_EQ(tokens[23].id, lltok::exclaim);
  EXPECT_EQ(tokens[24].id, lltok::APSInt);
  EXPECT_EQ(tokens[26].id, lltok::MetadataVar);
  EXPECT_EQ(value_of(26), "DIExpression");
}

TEST(LexedIrTest, GarbageGivesErrorTokensNotExceptions) {
  const std::string ir = "\x01 %x = ` add ~ i32";
  std::vector<IrToken> tokens;
  ASSERT_NO_THROW(tokens = lex_ir(ir));
  size_t errors = 0;
  for (const auto& t : tokens) errors += t.id == lltok::Error;
  EXPECT_EQ(errors, 3u);
  EXPECT_EQ(tokens[1].id, lltok::LocalVar);
  EXPECT_TRUE(lex_ir("").empty());
  EXPECT_TRUE(lex_ir("  ; only a comment").empty());
  // An unterminated string runs to the end as one Error token.
  const auto open = lex_ir("@x = constant [2 x i8] c\"a");
  ASSERT_FALSE(open.empty());
  EXPECT_EQ(open.back().id, lltok::Error);
}

TEST(LexedIrTest, KitchenSinkMatchesLlvmLexer) {
  const size_t n = expect_same_as_llvm(kKitchenSink);
  EXPECT_GT(n, 250u);
}

TEST(LexedIrTest, KitchenSinkRoundTrip) { expect_round_trip(kKitchenSink, /*exact=*/false); }

TEST(LexedIrTest, BundledProgramsMatchLlvmLexerAndRoundTrip) {
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
    const std::string ir = testing::print_module(*m);
    EXPECT_GT(expect_same_as_llvm(ir), 100u);
    expect_round_trip(ir, /*exact=*/true);
    const nlohmann::json j = lexed_ir_to_json(ir, lex_ir(ir));
    EXPECT_EQ(j["token_id"].size(), j["token_value"].size());
  }
}

}  // namespace
}  // namespace cgym::llvm
