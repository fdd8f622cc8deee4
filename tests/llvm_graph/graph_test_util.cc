#include "llvm_graph/graph_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <llvm/AsmParser/Parser.h>
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

namespace cgym::llvm::testing {

std::unique_ptr<::llvm::Module> parse_ir(const std::string& ir, ::llvm::LLVMContext& context) {
  ::llvm::SMDiagnostic error;
  auto module = ::llvm::parseAssemblyString(ir, error, context);
  if (!module) {
    std::string message;
    ::llvm::raw_string_ostream os(message);
    error.print("test", os);
    ADD_FAILURE() << "the test's IR does not parse: " << os.str();
  }
  return module;
}

std::vector<std::filesystem::path> bundled_bitcode() {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path root = std::filesystem::path(CGYM_BINARY_DIR) / "share/cgym/cgym-v0";
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const auto name = entry.path().filename().string();
    const auto bc = entry.path() / (name + ".bc");
    if (entry.is_directory() && std::filesystem::exists(bc)) files.push_back(bc);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::unique_ptr<::llvm::Module> load_bitcode(const std::filesystem::path& path,
                                             ::llvm::LLVMContext& context) {
  auto buffer = ::llvm::MemoryBuffer::getFile(path.string());
  if (!buffer) {
    ADD_FAILURE() << "cannot read " << path << ": " << buffer.getError().message();
    return nullptr;
  }
  auto module = ::llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), context);
  if (!module) {
    ADD_FAILURE() << "cannot parse " << path << ": " << ::llvm::toString(module.takeError());
    return nullptr;
  }
  return std::move(*module);
}

std::string print_module(const ::llvm::Module& module) {
  std::string text;
  ::llvm::raw_string_ostream os(text);
  module.print(os, nullptr);
  os.flush();
  return text;
}

}  // namespace cgym::llvm::testing
