// benchmark://cgym-v0: the C suite built into share/cgym/cgym-v0 at build
// time.
//
// The manifest is read on first use, not at construction, so that creating
// the dataset collections costs nothing until someone looks inside. A
// missing manifest must not make llvm_datasets() unusable (file:// and the
// generators still work), so it gives an empty dataset whose lookups explain
// what is missing instead of throwing from size().

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

#include "cgym/datasets.h"
#include "cgym/errors.h"
#include "cgym/util.h"
#include "datasets/internal.h"
#include "internal/logging.h"

namespace fs = std::filesystem;

namespace cgym {
namespace {

constexpr const char* kName = "benchmark://cgym-v0";

struct Entry {
  std::string name;
  std::vector<std::string> sources;
  std::vector<std::string> headers;
  std::vector<std::string> link_flags;
  std::string category;
  std::string description;
};

struct Manifest {
  std::vector<Entry> entries;
  std::map<std::string, size_t> index;
  std::vector<std::string> names;
  /// Set when the manifest could not be read: why, and what to do.
  std::string error;
};

bool is_plain_name(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  return s.find('/') == std::string::npos && s.find('\\') == std::string::npos;
}

std::vector<std::string> string_array(const nlohmann::json& j, const char* key,
                                      const std::string& where, bool required) {
  if (!j.contains(key)) {
    if (required) throw InvalidArgument(where + " has no \"" + key + "\"");
    return {};
  }
  const auto& a = j.at(key);
  if (!a.is_array()) throw InvalidArgument(where + ": \"" + key + "\" is not an array");
  std::vector<std::string> out;
  for (const auto& v : a) {
    if (!v.is_string()) throw InvalidArgument(where + ": \"" + key + "\" holds a non-string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Manifest read_manifest(const fs::path& root) {
  Manifest m;
  const fs::path path = root / "manifest.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    m.error = "the bundled dataset cgym-v0 was not found: " + path.string() +
              " does not exist. It is built with the project (the datasets target) and "
              "installed to <prefix>/share/cgym/cgym-v0; set CGYM_DATA_DIR to the folder "
              "that holds cgym-v0/ to use another copy";
    return m;
  }
  try {
    const auto j = nlohmann::json::parse(read_file(path));
    if (!j.is_array()) throw InvalidArgument("the top level is not an array");
    for (size_t i = 0; i < j.size(); ++i) {
      const auto& e = j[i];
      const std::string where = "entry " + std::to_string(i);
      if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) {
        throw InvalidArgument(where + " has no string \"name\"");
      }
      Entry entry;
      entry.name = e["name"].get<std::string>();
      if (!is_plain_name(entry.name)) {
        throw InvalidArgument(where + ": invalid name '" + entry.name + "'");
      }
      entry.sources = string_array(e, "sources", "'" + entry.name + "'", true);
      for (const auto& s : entry.sources) {
        if (!is_plain_name(s)) {
          throw InvalidArgument("'" + entry.name + "': invalid source name '" + s + "'");
        }
      }
      entry.headers = string_array(e, "headers", "'" + entry.name + "'", false);
      for (const auto& h : entry.headers) {
        if (!is_plain_name(h)) {
          throw InvalidArgument("'" + entry.name + "': invalid header name '" + h + "'");
        }
      }
      entry.link_flags = string_array(e, "link_flags", "'" + entry.name + "'", false);
      if (e.contains("category") && e["category"].is_string()) entry.category = e["category"];
      if (e.contains("description") && e["description"].is_string()) {
        entry.description = e["description"];
      }
      if (!m.index.emplace(entry.name, m.entries.size()).second) {
        throw InvalidArgument("duplicate name '" + entry.name + "'");
      }
      m.entries.push_back(std::move(entry));
    }
  } catch (const std::exception& e) {
    m = Manifest{};
    m.error = "the manifest of cgym-v0 (" + path.string() + ") is not valid: " + e.what();
    return m;
  }
  // The order of URIs is the order of names, whatever the file's order.
  std::sort(m.entries.begin(), m.entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  m.index.clear();
  for (size_t i = 0; i < m.entries.size(); ++i) {
    m.index[m.entries[i].name] = i;
    m.names.push_back(m.entries[i].name);
  }
  return m;
}

class BundledDataset final : public Dataset {
 public:
  explicit BundledDataset(fs::path root) : root_(std::move(root)) {}

  std::string name() const override { return kName; }
  std::string description() const override {
    const auto& m = manifest();
    if (!m.error.empty()) return "cgym's bundled C programs (not available: " + m.error + ")";
    return "cgym's bundled suite: " + std::to_string(m.entries.size()) +
           " small, deterministic C programs written for cgym (sorting, searching, hashing, "
           "compression, graphs, numerics, ...), as unoptimised LLVM bitcode with their "
           "sources. Every program is runnable and prints a checksum of its results.";
  }
  std::string license() const override { return "the license of cgym"; }
  uint64_t size() const override { return manifest().entries.size(); }

  std::string benchmark_uri(uint64_t i) const override {
    const auto& m = checked_manifest();
    if (i >= m.entries.size()) {
      throw InvalidArgument("benchmark index " + std::to_string(i) + " is out of range: " + kName +
                            " has " + std::to_string(m.entries.size()) + " benchmarks");
    }
    return std::string(kName) + "/" + m.entries[i].name;
  }

  BenchmarkPtr benchmark(const std::string& uri_text) const override {
    const BenchmarkUri uri = BenchmarkUri::parse(uri_text);
    if (!owns(uri)) {
      throw LookupError("'" + uri_text + "' is not a URI of " + kName);
    }
    const auto& m = checked_manifest();
    auto it = m.index.find(uri.path);
    if (it == m.index.end() || !uri.params.empty() || !uri.fragment.empty()) {
      throw LookupError((uri.path.empty()
                             ? "'" + uri_text + "' names no benchmark of " + std::string(kName)
                             : "unknown benchmark '" + uri.path + "' in " + kName) +
                        "; closest: " + closest_matches(uri.path, m.names) + " (" +
                        std::to_string(m.names.size()) + " benchmarks, e.g. " + kName + "/" +
                        (m.names.empty() ? std::string("crc32") : m.names.front()) + ")");
    }
    const Entry& entry = m.entries[it->second];
    {
      std::lock_guard lock(mu_);
      if (auto c = cache_.find(entry.name); c != cache_.end()) return c->second;
    }
    BenchmarkPtr made = load(entry);
    std::lock_guard lock(mu_);
    return cache_.emplace(entry.name, std::move(made)).first->second;
  }

  BenchmarkPtr random_benchmark(Rng& rng) const override {
    const auto& m = checked_manifest();
    if (m.entries.empty()) throw LookupError(std::string(kName) + " holds no benchmarks");
    return benchmark(benchmark_uri(rng() % m.entries.size()));
  }

 private:
  const Manifest& manifest() const {
    std::call_once(once_, [this] {
      manifest_ = read_manifest(root_);
      if (!manifest_.error.empty()) logger().warn("{}", manifest_.error);
    });
    return manifest_;
  }

  const Manifest& checked_manifest() const {
    const auto& m = manifest();
    if (!m.error.empty()) throw BenchmarkInitError(m.error);
    return m;
  }

  BenchmarkPtr load(const Entry& entry) const {
    const fs::path dir = root_ / entry.name;
    const std::string uri = std::string(kName) + "/" + entry.name;
    const auto read = [&](const fs::path& p) {
      try {
        return read_file(p);
      } catch (const IoError& e) {
        throw BenchmarkInitError("cannot load " + uri + ": " + e.what() +
                                 " (rebuild cgym, or reinstall it, to restore the dataset)");
      }
    };
    BenchmarkData data;
    data.uri = uri;
    data.format = ProgramFormat::kLlvmBitcode;
    data.program = read(dir / (entry.name + ".bc"));
    if (!datasets_internal::looks_like_bitcode(data.program)) {
      throw BenchmarkInitError("cannot load " + uri + ": " + (dir / (entry.name + ".bc")).string() +
                               " is not LLVM bitcode");
    }
    for (const auto& s : entry.sources) data.sources.push_back({s, read(dir / s)});
    // Headers travel with the sources so that the gcc env can compile them:
    // those the manifest lists, then any other header next to the sources.
    std::vector<std::string> headers = entry.headers;
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir, ec)) {
      const std::string fname = f.path().filename().string();
      if (f.path().extension() == ".h" &&
          std::find(headers.begin(), headers.end(), fname) == headers.end()) {
        found.push_back(fname);
      }
    }
    std::sort(found.begin(), found.end());
    headers.insert(headers.end(), found.begin(), found.end());
    for (const auto& h : headers) data.sources.push_back({h, read(dir / h)});
    data.link_flags = entry.link_flags;
    data.reference_output = read(dir / "expected_output.txt");
    data.build_command = {"clang-19"};
    data.build_command.insert(data.build_command.end(), entry.sources.begin(), entry.sources.end());
    data.build_command.insert(data.build_command.end(), {"-o", entry.name});
    data.build_command.insert(data.build_command.end(), entry.link_flags.begin(),
                              entry.link_flags.end());
    nlohmann::json bitcode_command = nlohmann::json::array({"clang-19"});
    for (const auto& f : bitcode_compile_flags()) bitcode_command.push_back(f);
    bitcode_command.push_back("<source>.c");
    bitcode_command.push_back("-o");
    bitcode_command.push_back("<source>.bc");
    data.metadata = {
        {"category", entry.category},
        {"description", entry.description},
        {"run_command", nlohmann::json::array({"./" + entry.name})},
        {"bitcode_command", bitcode_command},
        {"link_command", {"llvm-link-19", "<source>.bc...", "-o", entry.name + ".bc"}},
    };
    return Benchmark::make(std::move(data));
  }

  fs::path root_;
  mutable std::once_flag once_;
  mutable Manifest manifest_;
  mutable std::mutex mu_;
  mutable std::map<std::string, BenchmarkPtr> cache_;
};

}  // namespace

DatasetPtr make_bundled_dataset(const fs::path& root) {
  return std::make_shared<const BundledDataset>(root);
}

}  // namespace cgym
