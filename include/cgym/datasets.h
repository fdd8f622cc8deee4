// The datasets cgym ships: the bundled suite, the program generators, and
// the ways to turn user programs into benchmarks.
//
// URI forms (docs/datasets.md has the full reference):
//   benchmark://cgym-v0/<name>         the bundled C suite (bitcode + sources)
//   generator://csmith-v0/<seed>       Debian's csmith, seed 0..4294967295
//   generator://llvm-stress-v0/<seed>  llvm-stress-19, seed 0..4294967295
//   file:///abs/path.{c,cc,cpp,cxx,ll,bc}
//   benchmark://user-v0/<hash>         make_benchmark()
//   benchmark://clang-v0/<hash>        make_benchmark_from_command_line()
//   benchmark://<name>/<relative path> make_directory_dataset()
//
// Every Dataset here is thread-safe; every Benchmark it returns is immutable.
// Loading a benchmark may start child processes (clang-19, llvm-link-19,
// csmith, llvm-stress-19), each with a timeout, in a private temporary
// directory under transient_cache_dir(). Failures to load are
// BenchmarkInitError with the tool's message; a URI that names no benchmark
// of a dataset is LookupError; a missing tool is reported as a
// BenchmarkInitError that says how to install it.
//
// Bitcode is produced the way the bundled suite is built, so that every
// benchmark starts unoptimised but optimisable (no optnone):
//   clang-19 -c -emit-llvm -O1 -Xclang -disable-llvm-passes
//            -Xclang -disable-llvm-optzns [flags] file.c -o file.bc
//   llvm-link-19 a.bc b.bc -o program.bc        (several sources)
// cgym's core never links LLVM: IR text (.ll, llvm-stress) is kept as
// ProgramFormat::kLlvmIr and the LLVM backend parses it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cgym/benchmark.h"
#include "cgym/dataset.h"
#include "cgym/util.h"

namespace cgym {

// ---- tools ------------------------------------------------------------------

/// An LLVM 19 tool such as "llvm-link", "opt", "llvm-as", "llvm-dis",
/// "llvm-stress": `<name>-19` on PATH, else `/usr/lib/llvm-19/bin/<name>`, else
/// `<name>` next to clang_program(). Throws EnvironmentNotSupported naming
/// what was looked for and the Debian package that provides it.
std::filesystem::path llvm_tool(const std::string& name);

/// The flags that turn one source into unoptimised but optimisable bitcode
/// (see the top of this file), without the source and output.
const std::vector<std::string>& bitcode_compile_flags();

// ---- the bundled suite ------------------------------------------------------

/// benchmark://cgym-v0: the C programs under `root` (data_dir()/"cgym-v0"),
/// listed by root/manifest.json (an array of {name, sources, link_flags,
/// category, description}) and built to `root/<name>/<name>.bc` at build time.
///
/// Each benchmark: format kLlvmBitcode; program = the .bc bytes; sources =
/// the manifest's sources followed by the headers (*.h) found next to them
/// (compile only the .c files); link_flags from the manifest;
/// reference_output = `<name>/expected_output.txt`; build_command = the
/// command that builds the program from its sources
/// (`clang-19 <sources> -o <name> <link flags>`); metadata: category,
/// description, run_command ["./<name>"], bitcode_command.
///
/// The manifest is read on first use. Benchmarks are loaded once per URI and
/// then shared: every env that asks for benchmark://cgym-v0/crc32 gets the
/// same object. An unknown name throws LookupError with the closest valid
/// names. A root without a manifest gives a dataset whose size() is 0 and
/// whose every lookup throws BenchmarkInitError saying where the data was
/// expected and how to get it (build the project, or set CGYM_DATA_DIR).
DatasetPtr make_bundled_dataset(const std::filesystem::path& root = data_dir() / "cgym-v0");

// ---- generators ---------------------------------------------------------------

/// Options of the csmith generator dataset.
struct CsmithOptions {
  /// Build the program at -O0 and run it to record its reference output
  /// (adds about 0.2 s per benchmark). When the run fails or takes longer
  /// than `reference_timeout_seconds` (a few seeds do not terminate), the
  /// benchmark is still returned but is not runnable, and
  /// metadata["reference_output_error"] says why.
  bool compute_reference_output = true;
  /// Limit on the reference run, in seconds.
  double reference_timeout_seconds = 2.0;
  /// Limit on csmith itself and on each compile.
  double tool_timeout_seconds = 60.0;
};

/// The csmith flags used for every seed: --max-funcs 5 --no-packed-struct.
/// They halve the programs (about 53 kB of C and 3,600 IR instructions on
/// average, against 112 kB with csmith's defaults) and avoid packed structs.
/// Part of the dataset's definition (-v0): never change them, add a new
/// dataset version instead.
const std::vector<std::string>& csmith_flags();

/// `generator://csmith-v0/<seed>`: `csmith --seed <seed> <csmith_flags()>`.
/// `format` kC: program = the C source, sources = {"csmith-<seed>.c"},
/// compile_flags = {"-I/usr/include/csmith"}. kLlvmBitcode: also compiled
/// with clang-19 (bitcode_compile_flags(), -I/usr/include/csmith, -w).
/// Other formats throw InvalidArgument. The same seed gives the same
/// program, byte for byte. size() is 0 (infinite); benchmark_uri(i) is seed
/// i; random_benchmark() draws a 32-bit seed. Missing csmith or its headers
/// give a BenchmarkInitError saying to install csmith and libcsmith-dev.
DatasetPtr make_csmith_dataset(ProgramFormat format, const CsmithOptions& options = {});

/// `generator://llvm-stress-v0/<seed>`:
/// `llvm-stress-19 --seed=<seed> --size=100`. The program is the IR text, format kLlvmIr (the LLVM
/// backend parses it; the core links no LLVM). Not runnable: the module has
/// no main. Infinite, like csmith-v0.
DatasetPtr make_llvm_stress_dataset(double tool_timeout_seconds = 60.0);

// ---- user programs ----------------------------------------------------------

/// The file extensions user programs may have: .c, .cc, .cpp, .cxx, .ll, .bc.
const std::vector<std::string>& supported_extensions();

/// file:///abs/path for every supported extension. The path is
/// percent-decoded. What a file becomes depends on `target`:
///   kLlvmBitcode: .bc as is; .ll kept as IR text (kLlvmIr); .c and C++
///     compiled to bitcode (C++ as `clang-19 -x c++`; link_flags get
///     -lstdc++ -lm).
///   kC: .c kept as source (kC), C++ as source (kCxx); .ll/.bc rejected.
/// sources always hold the C/C++ source when there is one. Errors, all
/// BenchmarkInitError: a missing or unreadable file (path and reason), an
/// unsupported extension (the supported ones), a source that does not
/// compile (the tail of the compiler's messages). Loading the same unchanged
/// file again while an earlier Benchmark is still alive returns that object.
/// Not enumerable.
DatasetPtr make_file_dataset(ProgramFormat target);

/// Compiles and links several files (any supported extensions; .ll and .bc
/// are linked in as they are) into one benchmark with `compiler_flags`
/// added to every compile. Relative paths are taken from the current
/// directory. URI `benchmark://user-v0/<hash>`, where the hash covers the
/// program, sources and flags; the URI resolves through llvm_datasets() /
/// gcc_datasets() while the returned object is alive. For target kC the
/// files must all be C (or all C++: kCxx) and program is the first file;
/// compile every source. Throws BenchmarkInitError (see make_file_dataset)
/// and InvalidArgument for an empty list.
BenchmarkPtr make_benchmark(const std::vector<std::filesystem::path>& files,
                            const std::vector<std::string>& compiler_flags = {},
                            ProgramFormat target = ProgramFormat::kLlvmBitcode);

/// Turns a real build command into a benchmark, e.g.
///   clang -O2 -DX=1 -Iinc a.c b.c -o prog -lm
/// The first word is the compiler (its name decides C or C++ together with
/// the file extensions). Kept: -D, -U, -I, -iquote, -isystem, -idirafter,
/// -include, -std=, -x, and -f options (minus diagnostics, profiling,
/// sanitizers and -flto). Link flags: -l, -L, -pthread, -Wl,..., -Xlinker,
/// -static. Dropped: -O levels, -g, -W warnings, -c/-S/-E, -o, -M
/// dependency options, -m target options (recorded in
/// metadata["dropped_flags"]). Relative sources and include/library paths
/// are resolved against `working_dir` (default: the current directory).
/// build_command keeps the original words. URI
/// `benchmark://clang-v0/<hash>` (resolvable like user-v0). Throws
/// InvalidArgument for a command with no source file or with inputs that
/// are not sources (.o, .a, .so), and BenchmarkInitError when it does not
/// compile.
BenchmarkPtr make_benchmark_from_command_line(const std::string& command_line,
                                              ProgramFormat target = ProgramFormat::kLlvmBitcode,
                                              const std::filesystem::path& working_dir = {});

/// A finite dataset of every supported file under `root` (recursively,
/// sorted by relative path, so the order is stable), named
/// "benchmark://<name>"; each file is one benchmark with URI
/// `benchmark://<name>/<path relative to root>`, loaded as make_file_dataset
/// would load it for `target`. `name` must look like a dataset name
/// (letters, digits, '-', '_', '.'). The file list is read once, at
/// creation. A URI never escapes root: ".." components, absolute paths and
/// symlinks that resolve outside root are rejected with LookupError.
/// Throws InvalidArgument when root is not a directory.
DatasetPtr make_directory_dataset(std::string name, std::filesystem::path root,
                                  ProgramFormat target = ProgramFormat::kLlvmBitcode);

/// Returns a copy of `benchmark` made runnable: it is built at -O0 (from its
/// bitcode, or from its C/C++ sources for kC/kCxx), run in a temporary
/// directory with `run_args`, and its stdout becomes reference_output. The
/// URI is kept. Throws BenchmarkInitError when it cannot be built, crashes,
/// or runs longer than `run_timeout_seconds`.
BenchmarkPtr make_runnable(const Benchmark& benchmark, std::vector<std::string> run_args = {},
                           double run_timeout_seconds = 10.0);

/// One run of a benchmark program for validation (CompilerGym's validation
/// callbacks: one per runtime input).
struct ProgramRun {
  /// Arguments given to the program.
  std::vector<std::string> args;
  /// Files the program writes in its working directory, compared with the
  /// -O0 build's (relative paths).
  std::vector<std::string> output_files;
  /// When set, stdout is not compared with the -O0 build's; it must match
  /// this ECMAScript regular expression from its start (Python's re.match).
  std::string stdout_regex;
};

/// Like make_runnable(), with several validation runs: the -O0 build runs
/// each, in its own directory, and records its stdout and output files (as
/// sha256 and size, in metadata "runs"). Validation runs the optimised
/// program the same way and compares each run; issue details name the run.
/// run_args and reference_output are the first run's (the Runtime
/// observation runs that one). Throws InvalidArgument for no runs, an
/// output file outside the run's directory or a bad regex, and
/// BenchmarkInitError when a run of the -O0 build fails.
BenchmarkPtr make_runnable_with_runs(const Benchmark& benchmark,
                                     const std::vector<ProgramRun>& runs,
                                     double run_timeout_seconds = 10.0);

// ---- collections ------------------------------------------------------------
//
// The pieces every backend's collection is built from. A backend owns its
// collection (backends/<name>/datasets.cc); these are shared so that envs of
// different backends hold the same objects.

/// The process's one benchmark://cgym-v0 suite (make_bundled_dataset() of
/// the data directory, created on first use, thread-safe). Every backend
/// that offers cgym-v0 puts this object in its collection, so an LLVM env
/// and a gcc env that load benchmark://cgym-v0/crc32 hold the same
/// Benchmark (bitcode plus sources).
DatasetPtr shared_bundled_dataset();

/// benchmark://user-v0: the programs make_benchmark() made in this process,
/// resolvable while their Benchmark object is alive. One per process.
DatasetPtr user_v0_dataset();

/// benchmark://clang-v0: the programs make_benchmark_from_command_line()
/// made in this process, resolvable while their Benchmark object is alive.
/// One per process.
DatasetPtr clang_v0_dataset();

/// The downloadable suites of dataset_catalogue() that list the env family
/// `env` ("llvm", "gcc") among their envs, each built for `target`. A new
/// object per call: call it once, when building a collection.
std::vector<DatasetPtr> catalogue_datasets(const std::string& env, ProgramFormat target);

// The backends' collections. Each is defined by its backend's library
// (libcgym_llvm, libcgym_gcc), so it exists when cgym is built with that
// backend; envs reach theirs through Env::datasets().

/// The LLVM envs' datasets (backends/llvm/datasets.cc): cgym-v0 (bitcode),
/// csmith-v0 (bitcode), llvm-stress-v0 (IR), file:// (bitcode target),
/// user-v0, clang-v0 and the catalogue's LLVM suites. Created once per
/// process (thread-safe) and shared.
std::shared_ptr<const Datasets> llvm_datasets();

/// The gcc env's datasets (backends/gcc/datasets.cc): cgym-v0 (the same
/// Benchmark objects as llvm_datasets(): they carry their C sources),
/// csmith-v0 (C), file:// (C target), user-v0, clang-v0 and the
/// catalogue's gcc suites.
std::shared_ptr<const Datasets> gcc_datasets();

}  // namespace cgym
