#include "backends/llvm/codegen.h"

#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include "backends/llvm/target_machines.h"
#include "cgym/errors.h"
#include "internal/leak.h"

namespace cgym::llvm {

std::string host_triple() { return ::llvm::sys::getDefaultTargetTriple(); }

CodeGenerator::CodeGenerator() = default;
CodeGenerator::~CodeGenerator() { release_tm(triple_, TmKind::kCodegen, std::move(tm_)); }

void CodeGenerator::forget_target_machine() {
  internal::leak_on_purpose(tm_);  // possibly corrupt: leaked on purpose
  triple_.clear();
}

std::string CodeGenerator::emit_object(::llvm::Module& module) {
  std::string triple = module.getTargetTriple();
  if (triple.empty()) {
    triple = host_triple();
    module.setTargetTriple(triple);
  }
  if (!tm_ || triple != triple_) {
    release_tm(triple_, TmKind::kCodegen, std::move(tm_));
    triple_ = triple;
    tm_ = acquire_tm(triple, TmKind::kCodegen);
    if (!tm_) {
      triple_.clear();
      throw SessionError("no LLVM target for triple '" + triple + "'; cannot generate code");
    }
  }
  if (module.getDataLayoutStr().empty()) module.setDataLayout(tm_->createDataLayout());
  ::llvm::SmallVector<char, 0> buffer;
  ::llvm::raw_svector_ostream os(buffer);
  ::llvm::legacy::PassManager pm;
  ::llvm::TargetLibraryInfoImpl tlii(::llvm::Triple(module.getTargetTriple()));
  pm.add(new ::llvm::TargetLibraryInfoWrapperPass(tlii));
  if (tm_->addPassesToEmitFile(pm, os, nullptr, ::llvm::CodeGenFileType::ObjectFile)) {
    throw SessionError("the target '" + triple + "' cannot emit object files");
  }
  pm.run(module);
  return std::string(buffer.data(), buffer.size());
}

int64_t text_section_size(std::string_view object_file, bool only_dot_text) {
  auto object = ::llvm::object::ObjectFile::createObjectFile(
      ::llvm::MemoryBufferRef(::llvm::StringRef(object_file.data(), object_file.size()), "object"));
  if (!object) {
    throw SessionError("cannot read the object file: " + ::llvm::toString(object.takeError()));
  }
  int64_t size = 0;
  for (const auto& section : (*object)->sections()) {
    auto name = section.getName();
    if (!name) {
      ::llvm::consumeError(name.takeError());
      continue;
    }
    if (*name == ".text" || (!only_dot_text && name->starts_with(".text."))) {
      size += static_cast<int64_t>(section.getSize());
    }
  }
  return size;
}

}  // namespace cgym::llvm
