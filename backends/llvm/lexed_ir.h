// LexedIr: the token stream of textual LLVM IR, the LLVM env's `LexedIr`
// observation.
//
// A lexer written for cgym that follows the lexical grammar of LLVM 19's .ll
// files (the rules of LLVM's own LLLexer), so that its token kinds are LLVM
// 19's `lltok::Kind` numbers and names, and its categories are CompilerGym's
// (unknown, marker, keyword, uintval, strval, type, apfloat, apsint).
// CompilerGym's LexedIr used LLVM 10's lexer, so its token ids differ from
// ours wherever LLVM added tokens since; the kind *names* mostly agree.
//
// Values (docs/programl.md):
//   keyword, marker    ""  (an Error token's value is the text it skipped)
//   uintval            the decimal digits ("42" for %42, @42, #42, 42:)
//   strval             the name or string without its sigil and quotes,
//                      escapes as written ("x" for %x and %"x", "foo" for
//                      "foo":, "tbaa" for !tbaa, "value" for dbg_value)
//   type               the type keyword as written ("i32", "ptr", "void")
//   apfloat, apsint    the literal as written ("1.5e+00", "0x3FF0...", "-7")
// so that token_spelling(id, value) gives back the token's text for IR that
// LLVM printed. Comments and whitespace produce no tokens; the end of input
// produces no Eof token.
//
// Pure functions, thread-safe. Never throws for any input: text that is not
// IR yields Error tokens, as LLVM's lexer does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cgym/observation.h"

namespace cgym::llvm {

/// CompilerGym's token categories, in its order.
enum class TokenCategory : uint8_t {
  kUnknown,
  kMarker,
  kKeyword,
  kUIntVal,
  kStrVal,
  kType,
  kAPFloat,
  kAPSInt,
};

/// "unknown", "marker", "keyword", "uintval", "strval", "type", "apfloat", "apsint".
const char* to_string(TokenCategory category);

/// One token. Offsets are into the lexed text (which must be shorter than
/// 4 GiB); the token's value is text.substr(value_begin, value_end - value_begin).
struct IrToken {
  int32_t id = 0;  ///< LLVM 19's lltok::Kind number
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t value_begin = 0;
  uint32_t value_end = 0;

  std::string_view text(std::string_view ir) const { return ir.substr(begin, end - begin); }
  std::string_view value(std::string_view ir) const {
    return ir.substr(value_begin, value_end - value_begin);
  }
};

/// Lexes `ir` (the text of a module or of any part of one).
std::vector<IrToken> lex_ir(std::string_view ir);

/// The number of token kinds (LLVM 19's lltok::Kind has ids 0 .. count-1).
int32_t token_kind_count();
/// "kw_define", "LocalVar", "APSInt", ... (LLVM's enumerator names). Throws
/// cgym::InvalidArgument for an id outside [0, token_kind_count()).
std::string_view token_kind_name(int32_t id);
/// The kind's category. Throws cgym::InvalidArgument like token_kind_name().
TokenCategory token_category(int32_t id);
/// The token's text rebuilt from its kind and value: a keyword's spelling,
/// sigils, quotes where LLVM's printer would quote, a label's colon. Throws
/// cgym::InvalidArgument like token_kind_name().
std::string token_spelling(int32_t id, std::string_view value);

/// {"token_id": [..], "token_kind": [..], "token_category": [..],
///  "token_value": [..]}: four lists of equal length, CompilerGym's fields.
nlohmann::json lexed_ir_to_json(std::string_view ir, const std::vector<IrToken>& tokens);

/// The `LexedIr` observation of the module text `ir`.
inline Observation lexed_ir_observation(std::string_view ir) {
  return Observation::json(lexed_ir_to_json(ir, lex_ir(ir)));
}

}  // namespace cgym::llvm
