// programl_bench: how long the program-graph and token observations take on
// a module, next to the floor of parsing that module at all.
//
//   programl_bench [--runs N] [program-name | path/to/file.bc ...]
//
// A program name is looked up among the bundled programs built by
// cgym_datasets (default: qsort). Each row is the median of N runs (default
// 301) after 5 warm-up runs, with the 10th and 90th percentiles of wall-clock
// time, and the median of the thread's CPU time (steadier than wall time on
// a loaded machine: it leaves out the time other processes held the CPU).
// Rows:
//   parse bitcode           parseBitcodeFile from memory: the floor
//   parse IR text           parseAssemblyString of the module's text
//   Programl: build graph   build_program_graph(module)
//   Programl observation    build + encode as the Programl Bytes
//   decode Programl         ProgramGraph::from_observation of those bytes
//   ProgramlJson            build + networkx node-link JSON
//   ProgramlJson as text    ... + json.dump(): what a Python client reads
//   LexedIr                 lex the module's text + JSON (text given)
//   Inst2vecPreprocessed    normalise the module's text (text given)
//   print, one tracker      print every instruction sharing one slot tracker
//   print, fresh trackers   print every instruction with a fresh slot tracker,
//                           as ProGraML's builder does: the reason its graphs
//                           were slow
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <llvm/AsmParser/Parser.h>
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/ModuleSlotTracker.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include "backends/llvm/inst2vec.h"
#include "backends/llvm/lexed_ir.h"
#include "backends/llvm/programl.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
  double median_ms, p10_ms, p90_ms, cpu_median_ms;
};

double thread_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

Stats time_it(int runs, const std::function<void()>& fn) {
  for (int i = 0; i < 5; ++i) fn();
  std::vector<double> ms, cpu;
  ms.reserve(runs);
  cpu.reserve(runs);
  for (int i = 0; i < runs; ++i) {
    const double cpu_start = thread_cpu_ms();
    const auto start = Clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    cpu.push_back(thread_cpu_ms() - cpu_start);
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  auto at = [](const std::vector<double>& v, double q) {
    return v[static_cast<size_t>(q * (v.size() - 1))];
  };
  return {at(ms, 0.5), at(ms, 0.1), at(ms, 0.9), at(cpu, 0.5)};
}

std::filesystem::path resolve(const std::string& arg) {
  if (arg.size() > 3 && arg.ends_with(".bc")) return arg;
  return std::filesystem::path(CGYM_BINARY_DIR) / "share/cgym/cgym-v0" / arg / (arg + ".bc");
}

int run(const std::filesystem::path& path, int runs) {
  auto buffer = llvm::MemoryBuffer::getFile(path.string());
  if (!buffer) {
    std::fprintf(stderr,
                 "programl_bench: cannot read %s: %s (build the target cgym_datasets, "
                 "or pass a .bc file)\n",
                 path.c_str(), buffer.getError().message().c_str());
    return 1;
  }
  llvm::LLVMContext context;
  auto parsed = llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), context);
  if (!parsed) {
    std::fprintf(stderr, "programl_bench: %s: %s\n", path.c_str(),
                 llvm::toString(parsed.takeError()).c_str());
    return 1;
  }
  std::unique_ptr<llvm::Module> module = std::move(*parsed);
  std::string ir;
  {
    llvm::raw_string_ostream os(ir);
    module->print(os, nullptr);
  }
  size_t instructions = 0;
  for (const auto& f : *module) instructions += f.getInstructionCount();
  const cgym::ProgramGraph graph = cgym::llvm::build_program_graph(*module);

  std::printf("%s: %zu instructions, %zu functions; graph: %zu nodes, %zu edges; %zu tokens\n",
              path.filename().c_str(), instructions, module->size(), graph.nodes.size(),
              graph.edges.size(), cgym::llvm::lex_ir(ir).size());
  std::printf("%-26s %10s %8s %8s %10s   (%d runs; ms)\n", "", "wall med", "p10", "p90", "cpu med",
              runs);

  auto row = [&](const char* name, const std::function<void()>& fn) {
    const Stats s = time_it(runs, fn);
    std::printf("%-26s %10.3f %8.3f %8.3f %10.3f\n", name, s.median_ms, s.p10_ms, s.p90_ms,
                s.cpu_median_ms);
    std::fflush(stdout);
    return s;
  };

  row("parse bitcode", [&] {
    llvm::LLVMContext ctx;
    auto m = llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), ctx);
    if (!m) std::abort();
  });
  row("parse IR text", [&] {
    llvm::LLVMContext ctx;
    llvm::SMDiagnostic err;
    auto m = llvm::parseAssemblyString(ir, err, ctx);
    if (!m) std::abort();
  });
  row("Programl: build graph", [&] {
    auto g = cgym::llvm::build_program_graph(*module);
    if (g.nodes.empty()) std::abort();
  });
  row("Programl observation", [&] {
    auto o = cgym::llvm::programl_observation(*module);
    if (o.empty()) std::abort();
  });
  const cgym::Observation encoded = graph.to_observation();
  row("decode Programl", [&] {
    auto g = cgym::ProgramGraph::from_observation(encoded);
    if (g.nodes.empty()) std::abort();
  });
  row("ProgramlJson", [&] {
    auto o = cgym::llvm::programl_json_observation(*module);
    if (o.empty()) std::abort();
  });
  row("ProgramlJson as text", [&] {
    auto text = cgym::llvm::programl_json_observation(*module).as_json().dump();
    if (text.empty()) std::abort();
  });
  row("LexedIr", [&] {
    auto o = cgym::llvm::lexed_ir_observation(ir);
    if (o.empty()) std::abort();
  });
  row("Inst2vecPreprocessedText", [&] {
    auto o = cgym::llvm::inst2vec_preprocessed_text_observation(ir);
    if (o.empty()) std::abort();
  });
  row("print, one tracker", [&] {
    llvm::ModuleSlotTracker slots(module.get(), true);
    std::string s;
    llvm::raw_string_ostream os(s);
    for (const auto& f : *module) {
      if (f.isDeclaration()) continue;
      slots.incorporateFunction(f);
      for (const auto& bb : f) {
        for (const auto& inst : bb) inst.print(os, slots);
      }
    }
  });
  // Quadratic in function size: fewer runs.
  const Stats fresh = time_it(std::max(5, runs / 20), [&] {
    std::string s;
    llvm::raw_string_ostream os(s);
    for (const auto& f : *module) {
      for (const auto& bb : f) {
        for (const auto& inst : bb) inst.print(os);
      }
    }
  });
  std::printf("%-26s %10.3f %8.3f %8.3f %10.3f   (%d runs)\n", "print, fresh trackers",
              fresh.median_ms, fresh.p10_ms, fresh.p90_ms, fresh.cpu_median_ms,
              std::max(5, runs / 20));
  std::printf("\nCompilerGym's ProGraML observation on qsort: 51 ms (median); target: <= 5 ms\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 301;
  std::vector<std::string> programs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: programl_bench [--runs N] [program-name | file.bc ...]\n");
      return 0;
    } else {
      programs.push_back(arg);
    }
  }
  if (programs.empty()) programs.push_back("qsort");
  int status = 0;
  for (const auto& p : programs) status |= run(resolve(p), runs);
  return status;
}
