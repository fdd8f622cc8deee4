// Inst2vecPreprocessedText: the statements of a module normalised the way
// inst2vec (Ben-Nun, Jakobovits and Hoefler, "Neural Code Comprehension",
// NeurIPS 2018) preprocesses LLVM IR before it looks a statement up in its
// vocabulary. The LLVM env's `Inst2vecPreprocessedText` observation.
//
// One string per statement, in module order: global variables (defined or
// external), function headers (`define ...`), block labels and instructions. Dropped:
// comments, metadata (definitions, attachments, metadata operands), attribute
// groups and their references (#0), declarations, struct type definitions,
// comdats, aliases, source_filename/target lines, debug records and the
// closing braces of functions. In what is kept:
//   %name, %42            -> <%ID>
//   @name, @42            -> <@ID>
//   a block label         -> <LABEL>:  (the whole statement)
//   integer literals      -> <INT>, except alignments (align 4), array and
//                            vector sizes ([4 x i8]), attribute arguments
//                            (dereferenceable(8), addrspace(1)), calling
//                            conventions (cc 10), and the indices of
//                            extractvalue/insertvalue
//   floating literals     -> <FLOAT>
//   strings (c"..", "..") -> <STRING>
//   named struct types    -> their bodies, inlined ({ i32, [6 x i8] })
// A statement spread over several lines (switch, invoke, landingpad) is one
// string; tokens are separated by one space where the IR had whitespace.
//
// Built on the LexedIr lexer (llvm/lexed_ir.h), not on regular expressions.
// The embedding indices (CompilerGym's Inst2vec and
// Inst2vecEmbeddingIndices) need inst2vec's trained vocabulary, which cgym
// does not ship: they are not provided. docs/programl.md lists where this
// normalisation differs from CompilerGym's.
//
// Pure functions, thread-safe; never throw for any input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cgym/observation.h"

namespace cgym::llvm {

/// The normalised statements of the module text `ir`.
std::vector<std::string> inst2vec_preprocess(std::string_view ir);

/// The `Inst2vecPreprocessedText` observation: a JSON list of strings.
inline Observation inst2vec_preprocessed_text_observation(std::string_view ir) {
  return Observation::json(nlohmann::json(inst2vec_preprocess(ir)));
}

}  // namespace cgym::llvm
