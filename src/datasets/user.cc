// User programs: file:// URIs, make_benchmark(), build command lines, and
// directories of programs.
//
// Sources are compiled where they are, so that their relative #includes
// work, and an -iquote for each source's folder is recorded in
// compile_flags so that a later build from the stored contents (the gcc env,
// sanitizer checks) finds the same headers. Relative include and library
// paths are made absolute for the same reason.

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

#include "cgym/datasets.h"
#include "cgym/errors.h"
#include "cgym/program.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "datasets/internal.h"

namespace fs = std::filesystem;

namespace cgym {
namespace datasets_internal {
namespace {

bool is_source(Language l) { return l == Language::kC || l == Language::kCxx; }

const char* language_name(Language l) {
  switch (l) {
    case Language::kC:
      return "C";
    case Language::kCxx:
      return "C++";
    case Language::kLlvmIr:
      return "LLVM IR";
    case Language::kLlvmBitcode:
      return "LLVM bitcode";
  }
  return "?";
}

void check_target(ProgramFormat target, const char* who) {
  if (target != ProgramFormat::kLlvmBitcode && target != ProgramFormat::kC &&
      target != ProgramFormat::kCxx) {
    throw InvalidArgument(std::string(who) + ": target format " + to_string(target) +
                          " is not supported; use kLlvmBitcode (LLVM envs) or kC (gcc env)");
  }
}

// Checks that C/C++ sources compile when they are kept as sources (target
// kC), so that a broken file fails at load time with clang's message rather
// than later inside an env. Skipped when clang is absent.
void check_sources_compile(const std::vector<InputFile>& inputs,
                           const std::vector<std::string>& flags, const std::string& what) {
  fs::path clang;
  try {
    clang = clang_program();
  } catch (const EnvironmentNotSupported&) {
    return;
  }
  for (const auto& in : inputs) {
    std::vector<std::string> argv = {clang.string(), "-fsyntax-only", "-w", "-x",
                                     in.language == Language::kCxx ? "c++" : "c"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(in.path.string());
    ProcessOptions o;
    o.argv = argv;
    o.timeout_seconds = 120;
    const ProcessResult r = run_process(o);
    if (!r.ok()) {
      throw BenchmarkInitError(
          what + ": " + in.name + " does not compile (" + join_command_line(argv) + ")" +
          (r.timed_out ? ": timed out" : "\n" + tail_lines(r.stderr_data, 30)));
    }
  }
}

// The folder that holds every file (the names of sources are relative to it).
fs::path common_parent(const std::vector<fs::path>& files) {
  fs::path base = files.front().parent_path();
  while (true) {
    const bool all = std::all_of(files.begin(), files.end(),
                                 [&](const fs::path& f) { return is_within(base, f); });
    if (all || !base.has_relative_path()) return base;
    base = base.parent_path();
  }
}

// One stable name for the benchmark made from these parts.
std::string content_key(const BenchmarkData& d) {
  std::string key = std::string(to_string(d.format)) + '\0' + d.program + '\0';
  for (const auto& s : d.sources) key += s.name + '\0' + s.contents + '\0';
  for (const auto& f : d.compile_flags) key += f + '\0';
  key += '\1';
  for (const auto& f : d.link_flags) key += f + '\0';
  key += '\1';
  for (const auto& f : d.build_command) key += f + '\0';
  return hash_bytes(key);
}

InputFile open_input(const fs::path& file, const std::string& name) {
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    throw BenchmarkInitError("cannot load '" + file.string() + "': no such file");
  }
  const auto lang = language_of(file);
  if (!lang) throw BenchmarkInitError("cannot load " + unsupported_extension_message(file));
  return InputFile{name, read_user_file(file), *lang, file};
}

// Builds the benchmark data of several inputs for `target` (URI unset).
BenchmarkData build_user_program(const std::vector<InputFile>& inputs,
                                 const std::vector<std::string>& flags, ProgramFormat target,
                                 const std::string& what) {
  BenchmarkData data;
  std::vector<std::string> compile_flags = flags;
  std::set<std::string> dirs;
  bool any_cxx = false, any_c = false, any_ir = false;
  for (const auto& in : inputs) {
    any_cxx = any_cxx || in.language == Language::kCxx;
    any_c = any_c || in.language == Language::kC;
    any_ir = any_ir || !is_source(in.language);
    if (is_source(in.language)) {
      data.sources.push_back({in.name, in.contents});
      if (!in.path.empty() && dirs.insert(in.path.parent_path().string()).second) {
        compile_flags.insert(compile_flags.end(), {"-iquote", in.path.parent_path().string()});
      }
    }
  }
  data.compile_flags = compile_flags;
  data.link_flags = {"-lm"};
  if (any_cxx) data.link_flags.insert(data.link_flags.begin(), "-lstdc++");
  if (target == ProgramFormat::kLlvmBitcode) {
    if (inputs.size() == 1 && inputs[0].language == Language::kLlvmIr) {
      data.format = ProgramFormat::kLlvmIr;
      data.program = inputs[0].contents;
    } else if (inputs.size() == 1 && inputs[0].language == Language::kLlvmBitcode) {
      if (!looks_like_bitcode(inputs[0].contents)) {
        throw BenchmarkInitError(what + ": '" + inputs[0].path.string() +
                                 "' is not LLVM bitcode (it does not start with the bitcode "
                                 "magic bytes 'BC' 0xC0DE)");
      }
      data.format = ProgramFormat::kLlvmBitcode;
      data.program = inputs[0].contents;
    } else {
      for (const auto& in : inputs) {
        if (in.language == Language::kLlvmBitcode && !looks_like_bitcode(in.contents)) {
          throw BenchmarkInitError(what + ": '" + in.path.string() + "' is not LLVM bitcode");
        }
      }
      data.format = ProgramFormat::kLlvmBitcode;
      data.program = build_bitcode(inputs, flags, what);
    }
    return data;
  }
  // Sources for a compiler that reads C (the gcc env).
  if (any_ir) {
    const auto bad = std::find_if(inputs.begin(), inputs.end(),
                                  [](const InputFile& in) { return !is_source(in.language); });
    throw BenchmarkInitError(what + ": '" + bad->path.string() + "' is " +
                             language_name(bad->language) +
                             ", but this target needs C or C++ sources (.c, .cc, .cpp, .cxx)");
  }
  if (any_c && any_cxx) {
    throw BenchmarkInitError(what +
                             ": the files mix C and C++; for a C/C++ source target "
                             "give sources of one language");
  }
  check_sources_compile(inputs, flags, what);
  data.format = any_cxx ? ProgramFormat::kCxx : ProgramFormat::kC;
  data.program = inputs.front().contents;
  return data;
}

// Makes relative paths in include/library flags absolute (against `base`).
std::vector<std::string> absolutize_path_flags(const std::vector<std::string>& flags,
                                               const fs::path& base) {
  static const std::vector<std::string> kWithPath = {
      "-I", "-iquote", "-isystem", "-idirafter", "-include", "-imacros", "-L"};
  std::vector<std::string> out;
  for (size_t i = 0; i < flags.size(); ++i) {
    const std::string& f = flags[i];
    bool done = false;
    for (const auto& p : kWithPath) {
      if (f == p && i + 1 < flags.size()) {
        const fs::path v(flags[i + 1]);
        out.push_back(f);
        out.push_back(v.is_absolute() ? v.string() : (base / v).lexically_normal().string());
        ++i;
        done = true;
        break;
      }
      if (f.size() > p.size() && f.starts_with(p) && (p == "-I" || p == "-L")) {
        const fs::path v(f.substr(p.size()));
        out.push_back(p + (v.is_absolute() ? v.string() : (base / v).lexically_normal().string()));
        done = true;
        break;
      }
    }
    if (!done) out.push_back(f);
  }
  return out;
}

// ---- the table of user benchmarks --------------------------------------------

// Several live objects may share a URI (make_runnable() copies one): the
// newest live one answers.
std::mutex g_registry_mu;
std::map<std::string, std::vector<std::weak_ptr<const Benchmark>>> g_registry;

class RegisteredDataset final : public Dataset {
 public:
  RegisteredDataset(std::string name, std::string description)
      : name_(std::move(name)), description_(std::move(description)) {}
  std::string name() const override { return name_; }
  std::string description() const override { return description_; }
  uint64_t size() const override { return 0; }
  bool enumerable() const override { return false; }
  std::string benchmark_uri(uint64_t) const override {
    throw InvalidArgument(name_ +
                          " cannot list its benchmarks: they are the ones made in this "
                          "process (make_benchmark, make_benchmark_from_command_line)");
  }
  BenchmarkPtr random_benchmark(Rng&) const override {
    throw InvalidArgument(name_ + " cannot draw a random benchmark: it has no list of benchmarks");
  }
  BenchmarkPtr benchmark(const std::string& uri) const override {
    if (auto b = find_user_benchmark(uri)) return b;
    throw LookupError("'" + uri + "' is not loaded: benchmarks of " + name_ +
                      " exist only in the process that made them, while the object returned "
                      "by make_benchmark()/make_benchmark_from_command_line() is alive; make "
                      "it again");
  }

 private:
  std::string name_;
  std::string description_;
};

// Percent-encodes what a URI path cannot hold literally.
std::string encode_path(const std::string& rel) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : rel) {
    if (std::isalnum(c) ||
        std::string_view("-._~/+,=@").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// ---- file:// ------------------------------------------------------------------

struct FileKey {
  std::string path;
  int64_t mtime_ns;
  int64_t size;
  auto operator<=>(const FileKey&) const = default;
};

class FileDataset final : public Dataset {
 public:
  explicit FileDataset(ProgramFormat target) : target_(target) {}
  std::string name() const override { return "file://"; }
  std::string description() const override {
    return "Programs on disk named by absolute path: file:///abs/path.c (also .cc, .cpp, .cxx, "
           ".ll, .bc), " +
           std::string(target_ == ProgramFormat::kLlvmBitcode ? "compiled to LLVM bitcode"
                                                              : "kept as C/C++ source") +
           ".";
  }
  uint64_t size() const override { return 0; }
  bool enumerable() const override { return false; }
  bool owns(const BenchmarkUri& uri) const override { return uri.scheme == "file"; }
  std::string benchmark_uri(uint64_t) const override {
    throw InvalidArgument(
        "file:// cannot list benchmarks: name a file, e.g. file:///home/me/prog.c");
  }
  BenchmarkPtr random_benchmark(Rng&) const override {
    throw InvalidArgument("file:// cannot draw a random benchmark: it has no list of files");
  }

  BenchmarkPtr benchmark(const std::string& uri_text) const override {
    const BenchmarkUri uri = BenchmarkUri::parse(uri_text);
    if (!owns(uri)) throw LookupError("'" + uri_text + "' is not a file:// URI");
    if (!uri.params.empty() || !uri.fragment.empty()) {
      throw LookupError("'" + uri_text +
                        "': file URIs take no ?parameters or #fragment; percent-encode '?' "
                        "and '#' in file names (%3F, %23)");
    }
    const fs::path path = fs::path(percent_decode(uri.path)).lexically_normal();
    struct stat st {};
    FileKey key{path.string(), 0, -1};
    if (::stat(path.c_str(), &st) == 0) {
      key.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
      key.size = st.st_size;
    }
    return cache_.get_or_create(key, [&] {
      return Benchmark::make(load_user_file(path, target_, "file://" + encode_path(path.string())));
    });
  }

 private:
  ProgramFormat target_;
  mutable WeakBenchmarkCache<FileKey> cache_;
};

// ---- directories --------------------------------------------------------------

bool valid_dataset_name(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

class DirectoryDataset final : public Dataset {
 public:
  DirectoryDataset(std::string name, fs::path root, ProgramFormat target)
      : name_("benchmark://" + name), target_(target) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      throw InvalidArgument("make_directory_dataset: '" + root.string() + "' is not a directory");
    }
    root_ = fs::canonical(root, ec);
    if (ec) {
      throw InvalidArgument("make_directory_dataset: cannot resolve '" + root.string() +
                            "': " + ec.message());
    }
    auto it =
        fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      throw InvalidArgument("make_directory_dataset: cannot list '" + root_.string() +
                            "': " + ec.message());
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const fs::path& p = it->path();
      if (!language_of(p) || !it->is_regular_file(ec)) continue;
      // A symlink to a file outside the root is not part of the dataset.
      const fs::path real = fs::canonical(p, ec);
      if (ec || !is_within(root_, real)) continue;
      files_.push_back(p.lexically_relative(root_).generic_string());
    }
    std::sort(files_.begin(), files_.end());
  }

  std::string name() const override { return name_; }
  std::string description() const override {
    return std::to_string(files_.size()) + " programs under " + root_.string() + ", " +
           (target_ == ProgramFormat::kLlvmBitcode ? "compiled to LLVM bitcode"
                                                   : "kept as C/C++ source");
  }
  uint64_t size() const override { return files_.size(); }
  std::string benchmark_uri(uint64_t i) const override {
    if (files_.empty()) {
      throw LookupError(name_ + " is empty: no file under " + root_.string() +
                        " has a supported extension");
    }
    if (i >= files_.size()) {
      throw InvalidArgument("benchmark index " + std::to_string(i) + " is out of range: " + name_ +
                            " has " + std::to_string(files_.size()) + " benchmarks");
    }
    return name_ + "/" + encode_path(files_[i]);
  }
  BenchmarkPtr random_benchmark(Rng& rng) const override {
    if (files_.empty()) return benchmark(benchmark_uri(0));
    return benchmark(benchmark_uri(rng() % files_.size()));
  }

  BenchmarkPtr benchmark(const std::string& uri_text) const override {
    const BenchmarkUri uri = BenchmarkUri::parse(uri_text);
    if (!owns(uri)) throw LookupError("'" + uri_text + "' is not a URI of " + name_);
    const std::string form =
        "; URIs of this dataset are " + name_ + "/<path relative to " + root_.string() + ">";
    const std::string rel_text = percent_decode(uri.path);
    const fs::path rel(rel_text);
    if (rel_text.empty() || !uri.params.empty() || !uri.fragment.empty()) {
      throw LookupError("'" + uri_text + "' names no file" + form);
    }
    if (rel.is_absolute() ||
        std::any_of(rel.begin(), rel.end(), [](const fs::path& c) { return c == ".."; })) {
      throw LookupError("'" + uri_text + "' would escape the dataset's root (absolute path or " +
                        "'..')" + form);
    }
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(root_ / rel, ec);
    if (ec || !is_within(root_, real)) {
      throw LookupError("'" + uri_text + "' resolves to '" + real.string() +
                        "', outside the dataset's root " + root_.string() + " (a symlink?)");
    }
    if (!fs::is_regular_file(real, ec) || !language_of(real)) {
      throw LookupError(
          "'" + uri_text + "' is not a program of " + name_ +
          (language_of(real) ? ": no such file" : ": " + unsupported_extension_message(rel)) +
          "; closest: " + closest_matches(rel_text, files_) + form);
    }
    const std::string canonical_uri =
        name_ + "/" + encode_path(real.lexically_relative(root_).generic_string());
    return cache_.get_or_create(canonical_uri, [&] {
      return Benchmark::make(load_user_file(real, target_, canonical_uri));
    });
  }

 private:
  std::string name_;
  fs::path root_;
  ProgramFormat target_;
  std::vector<std::string> files_;
  mutable WeakBenchmarkCache<std::string> cache_;
};

// ---- build command lines ------------------------------------------------------

// Splits like a POSIX shell, without expansions: quotes and backslashes.
std::vector<std::string> shell_split(const std::string& text) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') {
      const size_t end = text.find('\'', i + 1);
      if (end == std::string::npos)
        throw InvalidArgument("unterminated ' in command line: " + text);
      cur += text.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() &&
            std::string_view("\"\\$`").find(text[j + 1]) != std::string_view::npos) {
          ++j;
        }
        cur += text[j];
      }
      if (j >= text.size()) throw InvalidArgument("unterminated \" in command line: " + text);
      i = j;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      cur += text[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

struct ParsedCommand {
  std::vector<std::pair<fs::path, Language>> sources;
  std::vector<std::string> compile_flags;
  std::vector<std::string> link_flags;
  std::vector<std::string> dropped;
};

bool dropped_f_option(const std::string& f) {
  static const std::vector<std::string> kPrefixes = {"-fsanitize",
                                                     "-fno-sanitize",
                                                     "-fprofile",
                                                     "-fno-profile",
                                                     "-fcoverage",
                                                     "-fdiagnostics",
                                                     "-fcolor-diagnostics",
                                                     "-fno-color-diagnostics",
                                                     "-flto",
                                                     "-fno-lto",
                                                     "-fsave-optimization-record",
                                                     "-fdebug",
                                                     "-fno-debug",
                                                     "-fmessage-length",
                                                     "-ftime-report",
                                                     "-fcf-protection",
                                                     "-fstack-clash-protection",
                                                     "-fuse-ld"};
  return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                     [&](const std::string& p) { return f.starts_with(p); });
}

ParsedCommand parse_command(const std::vector<std::string>& words, const fs::path& base) {
  ParsedCommand out;
  const std::string compiler = fs::path(words[0]).filename().string();
  const bool cxx_driver = compiler.find("++") != std::string::npos;
  std::optional<Language> forced;  // from -x
  const auto abs = [&](const std::string& p) {
    const fs::path v(p);
    return v.is_absolute() ? v.string() : (base / v).lexically_normal().string();
  };
  const auto need_value = [&](size_t i) -> const std::string& {
    if (i + 1 >= words.size()) {
      throw InvalidArgument("command line ends after '" + words[i] + "', which needs a value");
    }
    return words[i + 1];
  };
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.empty()) continue;
    if (w[0] != '-' || w == "-") {
      if (w == "-") throw InvalidArgument("reading the program from stdin ('-') is not supported");
      const fs::path p(abs(w));
      std::optional<Language> lang = forced ? forced : language_of(p);
      if (!forced && lang == Language::kC && cxx_driver) lang = Language::kCxx;
      if (!lang) {
        const std::string ext = p.extension().string();
        if (ext == ".o" || ext == ".a" || ext == ".so" || ext == ".obj" ||
            w.find(".so.") != std::string::npos) {
          throw InvalidArgument("'" + w +
                                "' in the command line is an object file or "
                                "library; only sources can become a benchmark (give the "
                                "sources it was built from)");
        }
        throw InvalidArgument("'" + w + "' in the command line is not a source file: " +
                              unsupported_extension_message(w));
      }
      out.sources.emplace_back(p, *lang);
      continue;
    }
    // Options with a separate value.
    if (w == "-o" || w == "-MF" || w == "-MT" || w == "-MQ" || w == "-target" || w == "-arch" ||
        w == "-Xclang" || w == "-mllvm") {
      out.dropped.push_back(w + " " + need_value(i));
      ++i;
    } else if (w == "-D" || w == "-U") {
      out.compile_flags.insert(out.compile_flags.end(), {w, need_value(i)});
      ++i;
    } else if (w == "-I" || w == "-iquote" || w == "-isystem" || w == "-idirafter" ||
               w == "-include" || w == "-imacros") {
      out.compile_flags.insert(out.compile_flags.end(), {w, abs(need_value(i))});
      ++i;
    } else if (w == "-L") {
      out.link_flags.insert(out.link_flags.end(), {w, abs(need_value(i))});
      ++i;
    } else if (w == "-l") {
      out.link_flags.push_back("-l" + need_value(i));
      ++i;
    } else if (w == "-Xlinker") {
      out.link_flags.insert(out.link_flags.end(), {w, need_value(i)});
      ++i;
    } else if (w == "-x") {
      const std::string& v = need_value(i);
      ++i;
      if (v == "c")
        forced = Language::kC;
      else if (v == "c++")
        forced = Language::kCxx;
      else if (v == "ir")
        forced = Language::kLlvmIr;
      else if (v == "none")
        forced.reset();
      else
        throw InvalidArgument("-x " + v + " is not supported; use c, c++, ir or none");
    } else if (w.starts_with("-D") || w.starts_with("-U") || w.starts_with("-std=") ||
               w == "-ansi" || w == "-pthread" || w.starts_with("-include")) {
      out.compile_flags.push_back(w);
      if (w == "-pthread") out.link_flags.push_back(w);
    } else if (w.starts_with("--std=")) {
      out.compile_flags.push_back("-std=" + w.substr(6));
    } else if (w.starts_with("-I")) {
      out.compile_flags.push_back("-I" + abs(w.substr(2)));
    } else if (w.starts_with("-L")) {
      out.link_flags.push_back("-L" + abs(w.substr(2)));
    } else if (w.starts_with("-l") || w.starts_with("-Wl,") || w == "-static" || w == "-rdynamic") {
      out.link_flags.push_back(w);
    } else if (w.starts_with("-f")) {
      if (dropped_f_option(w))
        out.dropped.push_back(w);
      else
        out.compile_flags.push_back(w);
    } else {
      // -O*, -g*, -W*, -w, -c, -S, -E, -M*, -m*, -v, -pipe, -pedantic, and
      // anything unknown: none changes what the program computes.
      out.dropped.push_back(w);
    }
  }
  return out;
}

std::string hash_uri(const std::string& dataset, const BenchmarkData& data) {
  return "benchmark://" + dataset + "/" + content_key(data);
}

}  // namespace

BenchmarkData load_user_file(const fs::path& path, ProgramFormat target, const std::string& uri) {
  const InputFile in = open_input(path, path.filename().string());
  BenchmarkData data = build_user_program({in}, {}, target, "cannot load " + uri);
  data.uri = uri;
  data.metadata = {{"path", path.string()}};
  return data;
}

void register_user_benchmark(const BenchmarkPtr& benchmark) {
  std::lock_guard lock(g_registry_mu);
  auto& live = g_registry[benchmark->uri()];
  std::erase_if(live, [](const auto& w) { return w.expired(); });
  live.push_back(benchmark);
  static uint64_t inserts = 0;
  if (++inserts % 64 == 0) {
    for (auto it = g_registry.begin(); it != g_registry.end();) {
      std::erase_if(it->second, [](const auto& w) { return w.expired(); });
      it = it->second.empty() ? g_registry.erase(it) : std::next(it);
    }
  }
}

BenchmarkPtr find_user_benchmark(const std::string& uri) {
  std::lock_guard lock(g_registry_mu);
  auto it = g_registry.find(uri);
  if (it == g_registry.end()) return nullptr;
  for (auto w = it->second.rbegin(); w != it->second.rend(); ++w) {
    if (auto p = w->lock()) return p;
  }
  return nullptr;
}

DatasetPtr make_registered_dataset(const std::string& name, const std::string& description) {
  return std::make_shared<const RegisteredDataset>(name, description);
}

}  // namespace datasets_internal

using namespace datasets_internal;

DatasetPtr make_file_dataset(ProgramFormat target) {
  check_target(target, "make_file_dataset");
  return std::make_shared<const FileDataset>(target);
}

BenchmarkPtr make_benchmark(const std::vector<fs::path>& files,
                            const std::vector<std::string>& compiler_flags, ProgramFormat target) {
  check_target(target, "make_benchmark");
  if (files.empty()) throw InvalidArgument("make_benchmark: no files given");
  std::vector<fs::path> paths;
  for (const auto& f : files) paths.push_back(fs::absolute(f).lexically_normal());
  const fs::path base = common_parent(paths);
  std::vector<InputFile> inputs;
  for (const auto& p : paths) {
    inputs.push_back(open_input(p, p.lexically_relative(base).generic_string()));
  }
  const auto flags = absolutize_path_flags(compiler_flags, fs::current_path());
  BenchmarkData data = build_user_program(inputs, flags, target, "make_benchmark");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : paths) list.push_back(p.string());
  data.metadata = {{"files", list}, {"compiler_flags", flags}};
  data.uri = hash_uri("user-v0", data);
  auto made = Benchmark::make(std::move(data));
  register_user_benchmark(made);
  return made;
}

BenchmarkPtr make_benchmark_from_command_line(const std::string& command_line, ProgramFormat target,
                                              const fs::path& working_dir) {
  check_target(target, "make_benchmark_from_command_line");
  const std::vector<std::string> words = shell_split(command_line);
  if (words.empty()) throw InvalidArgument("make_benchmark_from_command_line: empty command line");
  if (words[0].starts_with("-")) {
    throw InvalidArgument(
        "a build command starts with the compiler, e.g. 'clang -O2 a.c -o "
        "prog'; got '" +
        command_line + "'");
  }
  const fs::path base = working_dir.empty() ? fs::current_path() : fs::absolute(working_dir);
  ParsedCommand parsed = parse_command(words, base);
  if (parsed.sources.empty()) {
    std::string exts;
    for (const auto& e : supported_extensions()) exts += (exts.empty() ? "" : ", ") + e;
    throw InvalidArgument("the command line '" + command_line + "' names no source file (" + exts +
                          ")");
  }
  std::vector<fs::path> paths;
  for (const auto& [p, lang] : parsed.sources) paths.push_back(p);
  const fs::path common = common_parent(paths);
  std::vector<InputFile> inputs;
  for (const auto& [p, lang] : parsed.sources) {
    InputFile in = open_input(p, p.lexically_relative(common).generic_string());
    in.language = lang;  // -x and the C++ driver override the extension
    inputs.push_back(std::move(in));
  }
  BenchmarkData data = build_user_program(inputs, parsed.compile_flags, target,
                                          "cannot build '" + command_line + "'");
  for (const auto& f : parsed.link_flags) {
    if (std::find(data.link_flags.begin(), data.link_flags.end(), f) == data.link_flags.end()) {
      data.link_flags.push_back(f);
    }
  }
  data.build_command = words;
  data.metadata = {{"command_line", command_line},
                   {"working_dir", base.string()},
                   {"dropped_flags", parsed.dropped}};
  data.uri = hash_uri("clang-v0", data);
  auto made = Benchmark::make(std::move(data));
  register_user_benchmark(made);
  return made;
}

DatasetPtr make_directory_dataset(std::string name, fs::path root, ProgramFormat target) {
  check_target(target, "make_directory_dataset");
  if (!valid_dataset_name(name)) {
    throw InvalidArgument("make_directory_dataset: '" + name +
                          "' is not a dataset name: use letters, digits, '-', '_' and '.', "
                          "e.g. my-programs-v0");
  }
  return std::make_shared<const DirectoryDataset>(std::move(name), std::move(root), target);
}

}  // namespace cgym
