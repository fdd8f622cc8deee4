// Helpers shared by the program-graph, LexedIr and Inst2vec tests: parsing
// IR text, loading the bundled programs' bitcode, printing modules.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

namespace cgym::llvm::testing {

/// Parses IR text; fails the current test (and returns nullptr) on a parse
/// error, with LLVM's message.
std::unique_ptr<::llvm::Module> parse_ir(const std::string& ir, ::llvm::LLVMContext& context);

/// The bitcode files of the bundled programs built by cgym_datasets
/// (${CGYM_BINARY_DIR}/share/cgym/cgym-v0/<name>/<name>.bc), sorted by name;
/// empty when the datasets were not built.
std::vector<std::filesystem::path> bundled_bitcode();

/// Loads a bitcode file; fails the current test (and returns nullptr) on error.
std::unique_ptr<::llvm::Module> load_bitcode(const std::filesystem::path& path,
                                             ::llvm::LLVMContext& context);

/// The module as LLVM prints it.
std::string print_module(const ::llvm::Module& module);

}  // namespace cgym::llvm::testing
