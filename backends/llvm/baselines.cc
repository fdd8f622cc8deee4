#include "backends/llvm/baselines.h"

#include <map>

#include <nlohmann/json.hpp>

#include "backends/llvm/build.h"
#include "backends/llvm/codegen.h"
#include "backends/llvm/llvm_util.h"
#include "backends/llvm/pass_runner.h"
#include "cgym/errors.h"
#include "cgym/program.h"
#include "cgym/util.h"
#include "internal/leak.h"
#include "internal/logging.h"

namespace cgym::llvm {

namespace {

std::atomic<bool> g_disk_cache{true};

struct Table {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<BaselineEntry>> entries;
};

Table& table() {
  static auto* t = new Table;  // leaked: entries may be used during exit
  return *t;
}

constexpr const char* kIrNames[] = {"IrInstructionCountO0", "IrInstructionCountO3",
                                    "IrInstructionCountOz"};
constexpr const char* kObjectNames[] = {"ObjectTextSizeO0", "ObjectTextSizeO3", "ObjectTextSizeOz"};
constexpr const char* kTextNames[] = {"TextSizeO0", "TextSizeO3", "TextSizeOz"};

// A benchmark's module after a default pipeline, in its own context.
struct Optimized {
  std::unique_ptr<::llvm::LLVMContext> context;
  std::unique_ptr<::llvm::Module> module;
};

Optimized optimize(const Benchmark& benchmark, OptLevel level) {
  initialize();
  Optimized o;
  o.context = make_context();
  o.module = parse_benchmark(*o.context, benchmark);
  PassRunner runner;
  const std::string pipeline = default_pipeline(level);
  if (auto crash = run_safely([&] { runner.run(*o.module, pipeline); })) {
    runner.forget_target_machine();
    internal::leak_on_purpose(o.module);  // corrupt after a crash: leaked on purpose
    internal::leak_on_purpose(o.context);
    throw SessionError("the " + pipeline + " baseline pipeline crashed on '" + benchmark.uri() +
                       "': " + *crash);
  }
  if (auto errors = take_context_errors(*o.context); !errors.empty()) {
    throw SessionError("the " + pipeline + " baseline pipeline failed on '" + benchmark.uri() +
                       "': " + errors);
  }
  return o;
}

}  // namespace

const char* to_string(OptLevel level) {
  switch (level) {
    case OptLevel::kO0:
      return "O0";
    case OptLevel::kO3:
      return "O3";
    case OptLevel::kOz:
      return "Oz";
  }
  return "?";
}

std::string default_pipeline(OptLevel level) {
  return std::string("default<") + to_string(level) + ">";
}

BaselineEntry::BaselineEntry(std::filesystem::path file) : file_(std::move(file)) { load(); }

void BaselineEntry::load() {
  if (file_.empty() || !g_disk_cache.load()) return;
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return;
  try {
    const auto j = nlohmann::json::parse(read_file(file_));
    auto read = [&](const char* const(&names)[3], std::optional<Values>& out) {
      Values v{};
      for (int i = 0; i < 3; ++i) {
        if (!j.contains(names[i]) || !j[names[i]].is_number_integer()) return;
        v[i] = j[names[i]].get<int64_t>();
      }
      out = v;
    };
    read(kIrNames, ir_);
    read(kObjectNames, object_);
    read(kTextNames, text_);
  } catch (const std::exception& e) {
    // A damaged cache file is recomputed and overwritten.
    logger().warn("ignoring unreadable LLVM baseline cache '{}': {}", file_.string(), e.what());
  }
}

void BaselineEntry::save() {
  if (file_.empty() || !g_disk_cache.load()) return;
  nlohmann::json j = {{"llvm_version", llvm_version()}, {"host_triple", host_triple()}};
  auto write = [&](const char* const(&names)[3], const std::optional<Values>& v) {
    if (!v) return;
    for (int i = 0; i < 3; ++i) j[names[i]] = (*v)[i];
  };
  write(kIrNames, ir_);
  write(kObjectNames, object_);
  write(kTextNames, text_);
  try {
    write_file_atomic(file_, j.dump(1));
  } catch (const std::exception& e) {
    // The cache is an optimisation: an unwritable one must not stop the env.
    logger().warn("cannot write the LLVM baseline cache: {}", e.what());
  }
}

int64_t BaselineEntry::ir_instruction_count(const Benchmark& benchmark, OptLevel level) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ir_) {
    Values v{};
    for (int i = 0; i < 3; ++i) {
      const auto o = optimize(benchmark, static_cast<OptLevel>(i));
      v[i] = instruction_count(*o.module);
    }
    ir_ = v;
    save();
  }
  return (*ir_)[static_cast<int>(level)];
}

int64_t BaselineEntry::object_text_size(const Benchmark& benchmark, OptLevel level) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!object_) {
    Values v{};
    CodeGenerator codegen;
    for (int i = 0; i < 3; ++i) {
      auto o = optimize(benchmark, static_cast<OptLevel>(i));
      std::string object;
      std::string error;
      auto crash = run_safely([&] {
        try {
          object = codegen.emit_object(*o.module);
        } catch (const std::exception& e) {
          error = e.what();
        }
      });
      if (crash) {
        codegen.forget_target_machine();
        internal::leak_on_purpose(o.module);
        internal::leak_on_purpose(o.context);
        throw SessionError("code generation crashed on the " +
                           std::string(to_string(static_cast<OptLevel>(i))) + " baseline of '" +
                           benchmark.uri() + "': " + *crash);
      }
      if (error.empty()) error = take_context_errors(*o.context);
      if (!error.empty()) {
        throw SessionError("code generation failed on the " +
                           std::string(to_string(static_cast<OptLevel>(i))) + " baseline of '" +
                           benchmark.uri() + "': " + error);
      }
      v[i] = text_section_size(object);
    }
    object_ = v;
    save();
  }
  return (*object_)[static_cast<int>(level)];
}

int64_t BaselineEntry::text_size(const Benchmark& benchmark, OptLevel level) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!text_) {
    Values v{};
    TempDir dir("llvm-baseline-build");
    for (int i = 0; i < 3; ++i) {
      const auto o = optimize(benchmark, static_cast<OptLevel>(i));
      const auto exe = dir.path() / (std::string("a-") + to_string(static_cast<OptLevel>(i)));
      build_executable(benchmark, write_bitcode(*o.module), exe);
      v[i] = text_section_size(read_file(exe), /*only_dot_text=*/true);
    }
    text_ = v;
    save();
  }
  return (*text_)[static_cast<int>(level)];
}

std::shared_ptr<BaselineEntry> baselines_for(const Benchmark& benchmark) {
  // Sizes depend on the host when the module has no triple, and linked
  // sizes on the host's C library: the host triple is part of the key.
  static const std::string suffix = "-llvm" + llvm_version() + "-" + host_triple();
  const std::string key = benchmark.hash() + suffix;
  auto& t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  auto& slot = t.entries[key];
  if (!slot) {
    slot = std::make_shared<BaselineEntry>(cache_dir() / "llvm-baselines" / (key + ".json"));
  }
  return slot;
}

void set_baseline_disk_cache(bool enabled) { g_disk_cache.store(enabled); }

void clear_baseline_memory_cache() {
  auto& t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  t.entries.clear();
}

}  // namespace cgym::llvm
