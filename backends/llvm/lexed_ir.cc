// The IR lexer. It follows the lexical rules of LLVM 19's LLLexer (the
// grammar of .ll files) but is written for cgym: values are slices of the
// input rather than parsed numbers, types or unescaped strings, so lexing
// allocates nothing but the token vector and needs no LLVMContext.
// tests/llvm_graph/lexed_ir_test.cc checks it token by token against LLVM's
// own lexer on every bundled program.
#include "backends/llvm/lexed_ir.h"

#include <array>
#include <cstddef>
#include <string>
#include <unordered_map>

#include <llvm/AsmParser/LLToken.h>

#include "cgym/errors.h"

namespace cgym::llvm {
namespace {

namespace lltok = ::llvm::lltok;

struct KindInfo {
  lltok::Kind kind;
  const char* name;
  TokenCategory category;
};

// Every lltok::Kind of LLVM 19 in enum order (checked below), with
// CompilerGym's category. Attribute keywords come from LLVM's own list, as
// in LLToken.h, so they stay in step with the installed LLVM.
#define MARK(K) {lltok::K, #K, TokenCategory::kMarker},
#define PUNCT(K) {lltok::K, #K, TokenCategory::kKeyword},
#define KW(K) {lltok::kw_##K, "kw_" #K, TokenCategory::kKeyword},
#define UINT(K) {lltok::K, #K, TokenCategory::kUIntVal},
#define STR(K) {lltok::K, #K, TokenCategory::kStrVal},
#define TYPE(K) {lltok::K, #K, TokenCategory::kType},
#define APFLOAT(K) {lltok::K, #K, TokenCategory::kAPFloat},
#define APSINT(K) {lltok::K, #K, TokenCategory::kAPSInt},
// clang-format off
constexpr KindInfo kKinds[] = {
MARK(Eof) MARK(Error) PUNCT(dotdotdot) PUNCT(equal) PUNCT(comma) PUNCT(star) PUNCT(lsquare)
PUNCT(rsquare) PUNCT(lbrace) PUNCT(rbrace) PUNCT(less) PUNCT(greater) PUNCT(lparen) PUNCT(rparen)
PUNCT(exclaim) PUNCT(bar) PUNCT(colon) PUNCT(hash) KW(vscale) KW(x) KW(true) KW(false)
KW(declare) KW(define) KW(global) KW(constant) KW(dso_local) KW(dso_preemptable) KW(private)
KW(internal) KW(linkonce) KW(linkonce_odr) KW(weak) KW(weak_odr) KW(appending) KW(dllimport)
KW(dllexport) KW(common) KW(available_externally) KW(default) KW(hidden) KW(protected)
KW(unnamed_addr) KW(local_unnamed_addr) KW(externally_initialized) KW(extern_weak) KW(external)
KW(thread_local) KW(localdynamic) KW(initialexec) KW(localexec) KW(zeroinitializer) KW(undef)
KW(poison) KW(null) KW(none) KW(to) KW(caller) KW(within) KW(from) KW(tail) KW(musttail)
KW(notail) KW(target) KW(triple) KW(source_filename) KW(unwind) KW(datalayout) KW(volatile)
KW(atomic) KW(unordered) KW(monotonic) KW(acquire) KW(release) KW(acq_rel) KW(seq_cst)
KW(syncscope) KW(nnan) KW(ninf) KW(nsz) KW(arcp) KW(contract) KW(reassoc) KW(afn) KW(fast)
KW(nuw) KW(nsw) KW(nusw) KW(exact) KW(disjoint) KW(inbounds) KW(nneg) KW(inrange) KW(addrspace)
KW(section) KW(partition) KW(code_model) KW(alias) KW(ifunc) KW(module) KW(asm) KW(sideeffect)
KW(inteldialect) KW(gc) KW(prefix) KW(prologue) KW(c) KW(cc) KW(ccc) KW(fastcc) KW(coldcc)
KW(intel_ocl_bicc) KW(cfguard_checkcc) KW(x86_stdcallcc) KW(x86_fastcallcc) KW(x86_thiscallcc)
KW(x86_vectorcallcc) KW(x86_regcallcc) KW(arm_apcscc) KW(arm_aapcscc) KW(arm_aapcs_vfpcc)
KW(aarch64_vector_pcs) KW(aarch64_sve_vector_pcs) KW(aarch64_sme_preservemost_from_x0)
KW(aarch64_sme_preservemost_from_x1) KW(aarch64_sme_preservemost_from_x2) KW(msp430_intrcc)
KW(avr_intrcc) KW(avr_signalcc) KW(ptx_kernel) KW(ptx_device) KW(spir_kernel) KW(spir_func)
KW(x86_64_sysvcc) KW(win64cc) KW(anyregcc) KW(swiftcc) KW(swifttailcc) KW(preserve_mostcc)
KW(preserve_allcc) KW(preserve_nonecc) KW(ghccc) KW(x86_intrcc) KW(hhvmcc) KW(hhvm_ccc)
KW(cxx_fast_tlscc) KW(amdgpu_vs) KW(amdgpu_ls) KW(amdgpu_hs) KW(amdgpu_es) KW(amdgpu_gs)
KW(amdgpu_ps) KW(amdgpu_cs) KW(amdgpu_cs_chain) KW(amdgpu_cs_chain_preserve) KW(amdgpu_kernel)
KW(amdgpu_gfx) KW(tailcc) KW(m68k_rtdcc) KW(graalcc) KW(riscv_vector_cc) KW(attributes) KW(sync)
KW(async)
#define GET_ATTR_NAMES
#define ATTRIBUTE_ENUM(ENUM_NAME, DISPLAY_NAME) KW(DISPLAY_NAME)
#include <llvm/IR/Attributes.inc>
KW(read) KW(write) KW(readwrite) KW(argmem) KW(inaccessiblemem) KW(argmemonly)
KW(inaccessiblememonly) KW(inaccessiblemem_or_argmemonly) KW(all) KW(nan) KW(snan) KW(qnan)
KW(inf) KW(pinf) KW(norm) KW(nnorm) KW(pnorm) KW(nsub) KW(psub) KW(zero) KW(nzero) KW(pzero)
KW(type) KW(opaque) KW(comdat) KW(any) KW(exactmatch) KW(largest) KW(nodeduplicate) KW(samesize)
KW(eq) KW(ne) KW(slt) KW(sgt) KW(sle) KW(sge) KW(ult) KW(ugt) KW(ule) KW(uge) KW(oeq) KW(one)
KW(olt) KW(ogt) KW(ole) KW(oge) KW(ord) KW(uno) KW(ueq) KW(une) KW(xchg) KW(nand) KW(max) KW(min)
KW(umax) KW(umin) KW(fmax) KW(fmin) KW(uinc_wrap) KW(udec_wrap) KW(fneg) KW(add) KW(fadd) KW(sub)
KW(fsub) KW(mul) KW(fmul) KW(udiv) KW(sdiv) KW(fdiv) KW(urem) KW(srem) KW(frem) KW(shl) KW(lshr)
KW(ashr) KW(and) KW(or) KW(xor) KW(icmp) KW(fcmp) KW(phi) KW(call) KW(trunc) KW(zext) KW(sext)
KW(fptrunc) KW(fpext) KW(uitofp) KW(sitofp) KW(fptoui) KW(fptosi) KW(inttoptr) KW(ptrtoint)
KW(bitcast) KW(addrspacecast) KW(select) KW(va_arg) KW(landingpad) KW(personality) KW(cleanup)
KW(catch) KW(filter) KW(ret) KW(br) KW(switch) KW(indirectbr) KW(invoke) KW(resume)
KW(unreachable) KW(cleanupret) KW(catchswitch) KW(catchret) KW(catchpad) KW(cleanuppad)
KW(callbr) KW(alloca) KW(load) KW(store) KW(fence) KW(cmpxchg) KW(atomicrmw) KW(getelementptr)
KW(extractelement) KW(insertelement) KW(shufflevector) KW(splat) KW(extractvalue) KW(insertvalue)
KW(blockaddress) KW(dso_local_equivalent) KW(no_cfi) KW(ptrauth) KW(freeze) KW(distinct)
KW(uselistorder) KW(uselistorder_bb) KW(path) KW(hash) KW(gv) KW(guid) KW(name) KW(summaries)
KW(flags) KW(blockcount) KW(linkage) KW(visibility) KW(notEligibleToImport) KW(live) KW(dsoLocal)
KW(canAutoHide) KW(importType) KW(definition) KW(declaration) KW(function) KW(insts)
KW(funcFlags) KW(readNone) KW(readOnly) KW(noRecurse) KW(returnDoesNotAlias) KW(noInline)
KW(alwaysInline) KW(noUnwind) KW(mayThrow) KW(hasUnknownCall) KW(mustBeUnreachable) KW(calls)
KW(callee) KW(params) KW(param) KW(hotness) KW(unknown) KW(critical) KW(relbf) KW(variable)
KW(vTableFuncs) KW(virtFunc) KW(aliasee) KW(refs) KW(typeIdInfo) KW(typeTests)
KW(typeTestAssumeVCalls) KW(typeCheckedLoadVCalls) KW(typeTestAssumeConstVCalls)
KW(typeCheckedLoadConstVCalls) KW(vFuncId) KW(offset) KW(args) KW(typeid)
KW(typeidCompatibleVTable) KW(summary) KW(typeTestRes) KW(kind) KW(unsat) KW(byteArray)
KW(inline) KW(single) KW(allOnes) KW(sizeM1BitWidth) KW(alignLog2) KW(sizeM1) KW(bitMask)
KW(inlineBits) KW(vcall_visibility) KW(wpdResolutions) KW(wpdRes) KW(indir) KW(singleImpl)
KW(branchFunnel) KW(singleImplName) KW(resByArg) KW(byArg) KW(uniformRetVal) KW(uniqueRetVal)
KW(virtualConstProp) KW(info) KW(byte) KW(bit) KW(varFlags) KW(callsites) KW(clones) KW(stackIds)
KW(allocs) KW(versions) KW(memProf) KW(notcold) KW(no_sanitize_address) KW(no_sanitize_hwaddress)
KW(sanitize_address_dyninit) UINT(LabelID) UINT(GlobalID) UINT(LocalVarID) UINT(AttrGrpID)
UINT(SummaryID) STR(LabelStr) STR(GlobalVar) STR(ComdatVar) STR(LocalVar) STR(MetadataVar)
STR(StringConstant) STR(DwarfTag) STR(DwarfAttEncoding) STR(DwarfVirtuality) STR(DwarfLang)
STR(DwarfCC) STR(EmissionKind) STR(NameTableKind) STR(DwarfOp) STR(DIFlag) STR(DISPFlag)
STR(DwarfMacinfo) STR(ChecksumKind) STR(DbgRecordType) TYPE(Type) APFLOAT(APFloat) APSINT(APSInt)
};
// clang-format on
#undef MARK
#undef PUNCT
#undef KW
#undef UINT
#undef STR
#undef TYPE
#undef APFLOAT
#undef APSINT

constexpr int32_t kNumKinds = static_cast<int32_t>(std::size(kKinds));
static_assert(kNumKinds == lltok::APSInt + 1, "the table must list every lltok::Kind of LLVM 19");

constexpr bool kinds_in_enum_order() {
  for (int32_t i = 0; i < kNumKinds; ++i) {
    if (static_cast<int32_t>(kKinds[i].kind) != i) return false;
  }
  return true;
}
static_assert(kinds_in_enum_order(), "the table must follow lltok::Kind's order");

// Keyword spelling -> kind, for every kw_* kind.
const std::unordered_map<std::string_view, int32_t>& keywords() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, int32_t>();
    m->reserve(512);
    for (const KindInfo& k : kKinds) {
      std::string_view name = k.name;
      if (name.starts_with("kw_")) m->emplace(name.substr(3), static_cast<int32_t>(k.kind));
    }
    return m;
  }();
  return *map;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_xdigit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// [-a-zA-Z$._0-9]: the characters of labels and unquoted names.
bool is_label_char(char c) { return is_alnum(c) || c == '-' || c == '$' || c == '.' || c == '_'; }
// [-a-zA-Z$._]: the first character of an unquoted name.
bool is_name_start(char c) { return is_alpha(c) || c == '-' || c == '$' || c == '.' || c == '_'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::vector<IrToken> run() {
    std::vector<IrToken> tokens;
    tokens.reserve(s_.size() / 5);
    while (true) {
      while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' ||
                                s_[p_] == '\r' || s_[p_] == '\0')) {
        ++p_;
      }
      if (p_ >= s_.size()) break;
      if (s_[p_] == ';') {
        while (p_ < s_.size() && s_[p_] != '\n' && s_[p_] != '\r') ++p_;
        continue;
      }
      start_ = p_;
      value_begin_ = value_end_ = p_;  // keywords and punctuation have no value
      const int32_t kind = lex_one();
      tokens.push_back({kind, static_cast<uint32_t>(start_), static_cast<uint32_t>(p_),
                        static_cast<uint32_t>(value_begin_), static_cast<uint32_t>(value_end_)});
    }
    return tokens;
  }

 private:
  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  int32_t value(size_t begin, size_t end, int32_t kind) {
    value_begin_ = begin;
    value_end_ = end;
    return kind;
  }
  // An Error token covers the text skipped, which is also its value.
  int32_t error(size_t resume) {
    p_ = resume > start_ ? resume : start_ + 1;
    return value(start_, p_, lltok::Error);
  }

  // If label characters from `q` are followed by ':', the position of that
  // colon; otherwise npos.
  size_t label_tail(size_t q) const {
    while (true) {
      const char c = at(q);
      if (c == ':') return q;
      if (!is_label_char(c)) return std::string_view::npos;
      ++q;
    }
  }

  int32_t lex_one() {
    const char c = s_[p_++];
    switch (c) {
      case '+':
        return lex_positive();
      case '@':
        return lex_var(lltok::GlobalVar, lltok::GlobalID);
      case '%':
        return lex_var(lltok::LocalVar, lltok::LocalVarID);
      case '$':
        return lex_dollar();
      case '"':
        return lex_quote();
      case '.': {
        const size_t colon = label_tail(p_);
        if (colon != std::string_view::npos) {
          p_ = colon + 1;
          return value(start_, colon, lltok::LabelStr);
        }
        if (at(p_) == '.' && at(p_ + 1) == '.') {
          p_ += 2;
          return lltok::dotdotdot;
        }
        return error(p_);
      }
      case '!':
        return lex_exclaim();
      case '^':
        return lex_uint_id(lltok::SummaryID);
      case ':':
        return lltok::colon;
      case '#':
        if (is_digit(at(p_))) return lex_uint_id(lltok::AttrGrpID);
        return lltok::hash;
      case '=':
        return lltok::equal;
      case '[':
        return lltok::lsquare;
      case ']':
        return lltok::rsquare;
      case '{':
        return lltok::lbrace;
      case '}':
        return lltok::rbrace;
      case '<':
        return lltok::less;
      case '>':
        return lltok::greater;
      case '(':
        return lltok::lparen;
      case ')':
        return lltok::rparen;
      case ',':
        return lltok::comma;
      case '*':
        return lltok::star;
      case '|':
        return lltok::bar;
      default:
        if (is_digit(c) || c == '-') return lex_digit_or_negative();
        if (is_alpha(c) || c == '_') return lex_identifier();
        return error(p_);
    }
  }

  // [0-9]+ after a one-character sigil.
  int32_t lex_uint_id(int32_t kind) {
    if (!is_digit(at(p_))) return error(p_);
    const size_t begin = p_;
    while (is_digit(at(p_))) ++p_;
    return value(begin, p_, kind);
  }

  // Reads a quoted string whose opening quote is just before p_; the value
  // is what lies between the quotes, escapes as written.
  bool read_quoted() {
    const size_t close = s_.find('"', p_);
    if (close == std::string_view::npos) {
      p_ = s_.size();
      return false;
    }
    value_begin_ = p_;
    value_end_ = close;
    p_ = close + 1;
    return true;
  }

  // [-a-zA-Z$._][-a-zA-Z$._0-9]* at p_.
  bool read_name() {
    if (!is_name_start(at(p_))) return false;
    const size_t begin = p_++;
    while (is_label_char(at(p_))) ++p_;
    value_begin_ = begin;
    value_end_ = p_;
    return true;
  }

  int32_t lex_var(int32_t named, int32_t numbered) {
    if (at(p_) == '"') {
      ++p_;
      return read_quoted() ? named : error(s_.size());
    }
    if (read_name()) return named;
    return lex_uint_id(numbered);
  }

  int32_t lex_dollar() {
    const size_t colon = label_tail(start_);
    if (colon != std::string_view::npos) {
      p_ = colon + 1;
      return value(start_, colon, lltok::LabelStr);
    }
    if (at(p_) == '"') {
      ++p_;
      return read_quoted() ? lltok::ComdatVar : error(s_.size());
    }
    if (read_name()) return lltok::ComdatVar;
    return error(p_);
  }

  int32_t lex_quote() {
    if (!read_quoted()) return error(s_.size());
    if (at(p_) == ':') {
      ++p_;
      return lltok::LabelStr;
    }
    return lltok::StringConstant;
  }

  int32_t lex_exclaim() {
    auto metadata_char = [](char c) {
      return is_alpha(c) || c == '-' || c == '$' || c == '.' || c == '_' || c == '\\';
    };
    if (!metadata_char(at(p_))) return lltok::exclaim;
    ++p_;
    while (metadata_char(at(p_)) || is_digit(at(p_))) ++p_;
    return value(start_ + 1, p_, lltok::MetadataVar);
  }

  // [0-9]*([eE][-+]?[0-9]+)? after the '.' of a decimal float.
  void skip_fraction_and_exponent() {
    while (is_digit(at(p_))) ++p_;
    if (at(p_) == 'e' || at(p_) == 'E') {
      if (is_digit(at(p_ + 1)) ||
          ((at(p_ + 1) == '-' || at(p_ + 1) == '+') && is_digit(at(p_ + 2)))) {
        p_ += 2;
        while (is_digit(at(p_))) ++p_;
      }
    }
  }

  int32_t lex_positive() {
    if (!is_digit(at(p_))) return error(p_);
    while (is_digit(at(p_))) ++p_;
    if (at(p_) != '.') return error(start_ + 1);
    ++p_;
    skip_fraction_and_exponent();
    return value(start_, p_, lltok::APFloat);
  }

  int32_t lex_digit_or_negative() {
    if (!is_digit(s_[start_]) && !is_digit(at(p_))) {
      // '-' then a non-digit: a label such as "-foo:".
      const size_t colon = label_tail(p_);
      if (colon == std::string_view::npos) return error(p_);
      p_ = colon + 1;
      return value(start_, colon, lltok::LabelStr);
    }
    while (is_digit(at(p_))) ++p_;
    if (is_digit(s_[start_]) && at(p_) == ':') {
      ++p_;
      return value(start_, p_ - 1, lltok::LabelID);
    }
    if (is_label_char(at(p_)) || at(p_) == ':') {
      const size_t colon = label_tail(p_);
      if (colon != std::string_view::npos) {
        p_ = colon + 1;
        return value(start_, colon, lltok::LabelStr);
      }
    }
    if (at(p_) != '.') {
      if (s_[start_] == '0' && at(start_ + 1) == 'x') return lex_0x();
      return value(start_, p_, lltok::APSInt);
    }
    ++p_;
    skip_fraction_and_exponent();
    return value(start_, p_, lltok::APFloat);
  }

  // 0x[KLMHR]?[0-9A-Fa-f]+: floating-point constants in hexadecimal.
  int32_t lex_0x() {
    p_ = start_ + 2;
    const char kind = at(p_);
    if ((kind >= 'K' && kind <= 'M') || kind == 'H' || kind == 'R') ++p_;
    if (!is_xdigit(at(p_))) return error(start_ + 1);
    while (is_xdigit(at(p_))) ++p_;
    return value(start_, p_, lltok::APFloat);
  }

  int32_t lex_identifier() {
    // Scan [-a-zA-Z$._0-9]*, remembering where an integer type (i[0-9]+)
    // and a keyword ([a-zA-Z0-9_]+) would end.
    const size_t after_first = p_;
    size_t int_end = s_[start_] == 'i' ? std::string_view::npos : after_first;
    size_t keyword_end = std::string_view::npos;
    for (; is_label_char(at(p_)); ++p_) {
      const char c = s_[p_];
      if (int_end == std::string_view::npos && !is_digit(c)) int_end = p_;
      if (keyword_end == std::string_view::npos && !is_alnum(c) && c != '_') keyword_end = p_;
    }
    if (at(p_) == ':') {
      ++p_;
      return value(start_, p_ - 1, lltok::LabelStr);
    }
    if (int_end == std::string_view::npos) int_end = p_;
    if (int_end != after_first) {
      // i1 .. i8388608 (IntegerType's limits).
      uint64_t bits = 0;
      for (size_t i = after_first; i < int_end && bits <= (1u << 23); ++i) {
        bits = bits * 10 + static_cast<uint64_t>(s_[i] - '0');
      }
      p_ = int_end;
      if (bits < 1 || bits > (1u << 23)) return error(p_);
      return value(start_, p_, lltok::Type);
    }
    if (keyword_end == std::string_view::npos) keyword_end = p_;
    p_ = keyword_end;
    const std::string_view word = s_.substr(start_, keyword_end - start_);

    const auto& kw = keywords();
    if (auto it = kw.find(word); it != kw.end()) return it->second;

    static constexpr std::string_view kTypeKeywords[] = {
        "void",      "half",  "bfloat",   "float",   "double",  "x86_fp80", "fp128",
        "ppc_fp128", "label", "metadata", "x86_mmx", "x86_amx", "token",    "ptr"};
    for (std::string_view t : kTypeKeywords) {
      if (word == t) return value(start_, p_, lltok::Type);
    }

    static constexpr std::pair<std::string_view, lltok::Kind> kPrefixed[] = {
        {"DW_TAG_", lltok::DwarfTag},
        {"DW_ATE_", lltok::DwarfAttEncoding},
        {"DW_VIRTUALITY_", lltok::DwarfVirtuality},
        {"DW_LANG_", lltok::DwarfLang},
        {"DW_CC_", lltok::DwarfCC},
        {"DW_OP_", lltok::DwarfOp},
        {"DW_MACINFO_", lltok::DwarfMacinfo}};
    for (const auto& [prefix, kind] : kPrefixed) {
      if (word.starts_with(prefix)) return value(start_, p_, kind);
    }
    if (word == "dbg_value" || word == "dbg_declare" || word == "dbg_assign") {
      return value(start_ + 4, p_, lltok::DbgRecordType);
    }
    if (word.starts_with("DIFlag")) return value(start_, p_, lltok::DIFlag);
    if (word.starts_with("DISPFlag")) return value(start_, p_, lltok::DISPFlag);
    if (word.starts_with("CSK_")) return value(start_, p_, lltok::ChecksumKind);
    if (word == "NoDebug" || word == "FullDebug" || word == "LineTablesOnly" ||
        word == "DebugDirectivesOnly") {
      return value(start_, p_, lltok::EmissionKind);
    }
    if (word == "GNU" || word == "Apple" || word == "None" || word == "Default") {
      return value(start_, p_, lltok::NameTableKind);
    }
    // [us]0x[0-9A-Fa-f]+: integers in hexadecimal, signed or unsigned.
    if ((word[0] == 'u' || word[0] == 's') && word.size() > 3 && word[1] == '0' && word[2] == 'x') {
      for (size_t i = 3; i < word.size(); ++i) {
        if (!is_xdigit(word[i])) return error(start_ + 3);
      }
      return value(start_, p_, lltok::APSInt);
    }
    // "cc1234" is the keyword cc followed by a number.
    if (word.size() >= 2 && word[0] == 'c' && word[1] == 'c') {
      p_ = start_ + 2;
      return lltok::kw_cc;
    }
    return error(start_ + 1);
  }

  std::string_view s_;
  size_t p_ = 0;
  size_t start_ = 0;
  size_t value_begin_ = 0;
  size_t value_end_ = 0;
};

const KindInfo& kind_info(int32_t id) {
  if (id < 0 || id >= kNumKinds) {
    throw InvalidArgument("token id " + std::to_string(id) +
                          " is not an LLVM 19 token kind (valid: 0 to " +
                          std::to_string(kNumKinds - 1) + ")");
  }
  return kKinds[id];
}

// LLVM's printer writes a name bare when it is [-a-zA-Z._0-9]+ and does not
// start with a digit, and quoted otherwise.
bool needs_quotes(std::string_view name) {
  if (name.empty() || is_digit(name[0])) return true;
  for (char c : name) {
    if (!is_alnum(c) && c != '-' && c != '.' && c != '_') return true;
  }
  return false;
}

std::string maybe_quoted(std::string_view name) {
  if (!needs_quotes(name)) return std::string(name);
  std::string s;
  s.reserve(name.size() + 2);
  s += '"';
  s += name;
  s += '"';
  return s;
}

}  // namespace

const char* to_string(TokenCategory category) {
  switch (category) {
    case TokenCategory::kUnknown:
      return "unknown";
    case TokenCategory::kMarker:
      return "marker";
    case TokenCategory::kKeyword:
      return "keyword";
    case TokenCategory::kUIntVal:
      return "uintval";
    case TokenCategory::kStrVal:
      return "strval";
    case TokenCategory::kType:
      return "type";
    case TokenCategory::kAPFloat:
      return "apfloat";
    case TokenCategory::kAPSInt:
      return "apsint";
  }
  return "unknown";
}

std::vector<IrToken> lex_ir(std::string_view ir) {
  if (ir.size() >= (uint64_t{1} << 32)) {
    throw InvalidArgument("LexedIr handles IR text below 4 GiB; this text has " +
                          std::to_string(ir.size()) + " bytes");
  }
  return Lexer(ir).run();
}

int32_t token_kind_count() { return kNumKinds; }

std::string_view token_kind_name(int32_t id) { return kind_info(id).name; }

TokenCategory token_category(int32_t id) { return kind_info(id).category; }

std::string token_spelling(int32_t id, std::string_view value) {
  const KindInfo& k = kind_info(id);
  const std::string_view name = k.name;
  if (name.starts_with("kw_")) return std::string(name.substr(3));
  switch (k.kind) {
    case lltok::Eof:
      return std::string();
    case lltok::Error:
      return std::string(value);
    case lltok::dotdotdot:
      return "...";
    case lltok::equal:
      return "=";
    case lltok::comma:
      return ",";
    case lltok::star:
      return "*";
    case lltok::lsquare:
      return "[";
    case lltok::rsquare:
      return "]";
    case lltok::lbrace:
      return "{";
    case lltok::rbrace:
      return "}";
    case lltok::less:
      return "<";
    case lltok::greater:
      return ">";
    case lltok::lparen:
      return "(";
    case lltok::rparen:
      return ")";
    case lltok::exclaim:
      return "!";
    case lltok::bar:
      return "|";
    case lltok::colon:
      return ":";
    case lltok::hash:
      return "#";
    case lltok::LabelID:
      return std::string(value) + ":";
    case lltok::GlobalID:
      return "@" + std::string(value);
    case lltok::LocalVarID:
      return "%" + std::string(value);
    case lltok::AttrGrpID:
      return "#" + std::string(value);
    case lltok::SummaryID:
      return "^" + std::string(value);
    case lltok::LabelStr:
      return maybe_quoted(value) + ":";
    case lltok::GlobalVar:
      return "@" + maybe_quoted(value);
    case lltok::LocalVar:
      return "%" + maybe_quoted(value);
    case lltok::ComdatVar:
      return "$" + maybe_quoted(value);
    case lltok::MetadataVar:
      return "!" + std::string(value);
    case lltok::StringConstant:
      return "\"" + std::string(value) + "\"";
    case lltok::DbgRecordType:
      return "dbg_" + std::string(value);
    default:
      return std::string(value);  // types, literals, DWARF names
  }
}

nlohmann::json lexed_ir_to_json(std::string_view ir, const std::vector<IrToken>& tokens) {
  using nlohmann::json;
  json ids = json::array(), kinds = json::array(), categories = json::array(),
       values = json::array();
  auto& id_list = ids.get_ref<json::array_t&>();
  auto& kind_list = kinds.get_ref<json::array_t&>();
  auto& category_list = categories.get_ref<json::array_t&>();
  auto& value_list = values.get_ref<json::array_t&>();
  id_list.reserve(tokens.size());
  kind_list.reserve(tokens.size());
  category_list.reserve(tokens.size());
  value_list.reserve(tokens.size());
  for (const IrToken& t : tokens) {
    const KindInfo& k = kind_info(t.id);
    id_list.emplace_back(t.id);
    kind_list.emplace_back(k.name);
    category_list.emplace_back(to_string(k.category));
    value_list.emplace_back(t.value(ir));
  }
  return {{"token_id", std::move(ids)},
          {"token_kind", std::move(kinds)},
          {"token_category", std::move(categories)},
          {"token_value", std::move(values)}};
}

}  // namespace cgym::llvm
