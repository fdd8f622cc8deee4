// inst2vec's statement normalisation, done on LexedIr tokens. The reference
// implementation (inst2vec's Python, as used by CompilerGym) rewrites lines
// with regular expressions, which misfires on names and strings that happen
// to match (an '!' inside a string, a '#' in a name); working on tokens
// knows what each piece of text is.
#include "backends/llvm/inst2vec.h"

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <llvm/AsmParser/LLToken.h>

#include "backends/llvm/lexed_ir.h"

namespace cgym::llvm {
namespace {

namespace lltok = ::llvm::lltok;

struct Piece {
  std::string text;
  bool space_before;
};

std::string join(const std::vector<Piece>& pieces) {
  std::string s;
  for (const Piece& p : pieces) {
    if (p.space_before && !s.empty()) s += ' ';
    s += p.text;
  }
  return s;
}

bool has_whitespace(std::string_view gap) {
  for (char c : gap) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
  }
  return false;
}

class Preprocessor {
 public:
  explicit Preprocessor(std::string_view ir) : ir_(ir), tokens_(lex_ir(ir)) {}

  std::vector<std::string> run() {
    split_statements();
    // Struct definitions first: uses may come before definitions.
    for (const Range& s : statements_) {
      if (is_struct_definition(s)) struct_body_range_.emplace(value(s.begin), s);
    }
    std::vector<std::string> out;
    out.reserve(statements_.size());
    for (const Range& s : statements_) {
      std::string text = normalise(s);
      if (!text.empty()) out.push_back(std::move(text));
    }
    return out;
  }

 private:
  struct Range {
    size_t begin;
    size_t end;
  };

  int32_t id(size_t i) const { return i < tokens_.size() ? tokens_[i].id : lltok::Eof; }
  std::string_view value(size_t i) const { return tokens_[i].value(ir_); }
  std::string_view gap_before(size_t i) const {
    if (i == 0) return ir_.substr(0, tokens_[0].begin);
    return ir_.substr(tokens_[i - 1].end, tokens_[i].begin - tokens_[i - 1].end);
  }

  // A statement ends at a line break, unless a bracket is still open (the
  // cases of a switch) or the next line continues it (invoke's "to label",
  // landingpad's clauses).
  void split_statements() {
    int depth = 0;
    for (size_t i = 0; i < tokens_.size(); ++i) {
      const std::string_view gap = gap_before(i);
      const bool new_line = i == 0 || gap.find_first_of("\n\r") != std::string_view::npos;
      const int32_t t = id(i);
      const bool continues = t == lltok::kw_to || t == lltok::kw_unwind || t == lltok::kw_catch ||
                             t == lltok::kw_filter || t == lltok::kw_cleanup;
      if (new_line && (depth <= 0 || statements_.empty()) && !(continues && !statements_.empty())) {
        depth = 0;
        statements_.push_back({i, i});
      }
      statements_.back().end = i + 1;
      if (t == lltok::lparen || t == lltok::lsquare) ++depth;
      if (t == lltok::rparen || t == lltok::rsquare) --depth;
    }
  }

  bool is_struct_definition(const Range& s) const {
    return s.end - s.begin >= 4 && (id(s.begin) == lltok::LocalVar) &&
           id(s.begin + 1) == lltok::equal && id(s.begin + 2) == lltok::kw_type;
  }

  bool dropped(const Range& s) const {
    switch (id(s.begin)) {
      case lltok::kw_source_filename:
      case lltok::kw_target:
      case lltok::kw_attributes:
      case lltok::kw_declare:
      case lltok::kw_module:
      case lltok::kw_uselistorder:
      case lltok::kw_uselistorder_bb:
      case lltok::exclaim:
      case lltok::MetadataVar:
      case lltok::ComdatVar:
      case lltok::SummaryID:
      case lltok::rbrace:
      case lltok::hash:  // #dbg_value(...) debug records
        return true;
      case lltok::LocalVar:
      case lltok::LocalVarID:
        return id(s.begin + 1) == lltok::equal && id(s.begin + 2) == lltok::kw_type;
      case lltok::GlobalVar:
      case lltok::GlobalID:
        for (size_t i = s.begin; i < s.end; ++i) {
          if (id(i) == lltok::kw_alias || id(i) == lltok::kw_ifunc) return true;
        }
        return false;
      default:
        return false;
    }
  }

  std::string normalise(const Range& s) {
    if (dropped(s)) return std::string();
    if (id(s.begin) == lltok::LabelStr || id(s.begin) == lltok::LabelID) return "<LABEL>:";
    std::vector<Piece> pieces;
    render(s, pieces);
    return join(pieces);
  }

  // Skips a metadata value starting at i (!42, !{...}, !"str", !DIFoo(...),
  // !name) and returns the index after it.
  size_t skip_metadata_value(size_t i, size_t end) const {
    auto skip_balanced = [&](size_t j, int32_t open, int32_t close) {
      int depth = 0;
      for (; j < end; ++j) {
        if (id(j) == open) ++depth;
        if (id(j) == close && --depth == 0) return j + 1;
      }
      return end;
    };
    if (i >= end) return end;
    if (id(i) == lltok::MetadataVar) {
      ++i;
      if (i < end && id(i) == lltok::lparen) return skip_balanced(i, lltok::lparen, lltok::rparen);
      return i;
    }
    if (id(i) != lltok::exclaim) return i;
    ++i;
    if (i < end && id(i) == lltok::lbrace) return skip_balanced(i, lltok::lbrace, lltok::rbrace);
    if (i < end && (id(i) == lltok::APSInt || id(i) == lltok::StringConstant)) return i + 1;
    return i;
  }

  void render(const Range& s, std::vector<Piece>& out) {
    // The opcode decides whether integers after commas are indices.
    size_t op = s.begin;
    if ((id(op) == lltok::LocalVar || id(op) == lltok::LocalVarID) && id(op + 1) == lltok::equal) {
      op += 2;
    }
    const bool value_indices = id(op) == lltok::kw_extractvalue || id(op) == lltok::kw_insertvalue;
    const bool header = id(s.begin) == lltok::kw_define;

    int depth = 0;
    bool suppress_space = false;
    for (size_t i = s.begin; i < s.end;) {
      const int32_t t = id(i);
      bool space = i != s.begin && has_whitespace(gap_before(i)) && !suppress_space;
      suppress_space = false;

      if (depth == 0 && t == lltok::comma && id(i + 1) == lltok::MetadataVar) break;
      if (depth == 0 && t == lltok::MetadataVar) {  // !dbg !5 on a function header
        i = skip_metadata_value(i + 1, s.end);
        continue;
      }
      if (t == lltok::AttrGrpID) {
        ++i;
        continue;
      }
      if (header && t == lltok::lbrace && i + 1 == s.end) break;
      if (depth > 0 && t == lltok::Type && value(i) == "metadata" &&
          (id(i - 1) == lltok::comma || id(i - 1) == lltok::lparen)) {
        // A metadata operand of a call: drop it and one comma beside it.
        size_t k = i + 1;
        int inner = 0;
        for (; k < s.end; ++k) {
          const int32_t u = id(k);
          if (inner == 0 && (u == lltok::comma || u == lltok::rparen)) break;
          if (u == lltok::lparen || u == lltok::lsquare || u == lltok::lbrace) ++inner;
          if (u == lltok::rparen || u == lltok::rsquare || u == lltok::rbrace) --inner;
        }
        if (!out.empty() && out.back().text == ",") {
          out.pop_back();
          i = k;
        } else {
          i = (k < s.end && id(k) == lltok::comma) ? k + 1 : k;
          suppress_space = true;
        }
        continue;
      }

      if (t == lltok::lparen || t == lltok::lsquare || t == lltok::lbrace || t == lltok::less) {
        ++depth;
      }
      if (t == lltok::rparen || t == lltok::rsquare || t == lltok::rbrace || t == lltok::greater) {
        --depth;
      }

      switch (t) {
        case lltok::LocalVar:
          if (auto it = struct_body_range_.find(value(i)); it != struct_body_range_.end()) {
            out.push_back({struct_body(it->first, it->second), space});
          } else {
            out.push_back({"<%ID>", space});
          }
          break;
        case lltok::LocalVarID:
          out.push_back({"<%ID>", space});
          break;
        case lltok::GlobalVar:
        case lltok::GlobalID:
          out.push_back({"<@ID>", space});
          break;
        case lltok::APFloat:
          out.push_back({"<FLOAT>", space});
          break;
        case lltok::APSInt: {
          const int32_t prev = i > s.begin ? id(i - 1) : lltok::Eof;
          const bool structural = prev == lltok::kw_align || prev == lltok::kw_cc ||
                                  prev == lltok::lparen || id(i + 1) == lltok::kw_x ||
                                  (value_indices && prev == lltok::comma);
          out.push_back({structural ? std::string(tokens_[i].text(ir_)) : "<INT>", space});
          break;
        }
        case lltok::kw_c:
          if (id(i + 1) == lltok::StringConstant) {
            out.push_back({"<STRING>", space});
            i += 2;
            continue;
          }
          out.push_back({"c", space});
          break;
        case lltok::StringConstant:
          out.push_back({"<STRING>", space});
          break;
        default:
          out.push_back({std::string(tokens_[i].text(ir_)), space});
          break;
      }
      ++i;
    }
  }

  // A named struct's body with its own struct references inlined.
  const std::string& struct_body(std::string_view name, const Range& definition) {
    auto [it, inserted] = struct_text_.try_emplace(name);
    if (!inserted) {
      // Still empty: we are inside this struct's own expansion. Opaque
      // pointers make that impossible in LLVM 19 IR; inst2vec calls such a
      // type opaque.
      if (it->second.empty()) {
        static const std::string kOpaque = "opaque";
        return kOpaque;
      }
      return it->second;
    }
    std::vector<Piece> pieces;
    render({definition.begin + 3, definition.end}, pieces);
    if (!pieces.empty()) pieces.front().space_before = false;
    std::string text = join(pieces);
    if (text.empty()) text = "opaque";
    // render() may have rehashed struct_text_; look the entry up again.
    std::string& slot = struct_text_[name];
    slot = std::move(text);
    return slot;
  }

  std::string_view ir_;
  std::vector<IrToken> tokens_;
  std::vector<Range> statements_;
  std::unordered_map<std::string_view, Range> struct_body_range_;
  std::unordered_map<std::string_view, std::string> struct_text_;
};

}  // namespace

std::vector<std::string> inst2vec_preprocess(std::string_view ir) { return Preprocessor(ir).run(); }

}  // namespace cgym::llvm
