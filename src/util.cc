#include "cgym/util.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "cgym/errors.h"
#include "cgym/session.h"
#include "internal/logging.h"
#include "internal/paths.h"

namespace fs = std::filesystem;

namespace cgym {

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

fs::path home_dir() {
  if (auto h = env_or_empty("HOME"); !h.empty()) return h;
  if (auto* pw = getpwuid(getuid())) return pw->pw_dir;
  return fs::temp_directory_path();
}

std::string user_name() {
  if (auto u = env_or_empty("USER"); !u.empty()) return u;
  if (auto* pw = getpwuid(getuid())) return pw->pw_name;
  return std::to_string(getuid());
}

}  // namespace

std::string setting_from_env(const std::string& name) {
  if (auto v = env_or_empty(("CGYM_" + name).c_str()); !v.empty()) return v;
  return env_or_empty(("COMPILER_GYM_" + name).c_str());
}

fs::path cache_dir() {
  if (auto v = setting_from_env("CACHE"); !v.empty()) return v;
  return home_dir() / ".cache" / "cgym";
}

fs::path site_data_dir() {
  if (auto v = setting_from_env("SITE_DATA"); !v.empty()) return v;
  return home_dir() / ".local" / "share" / "cgym";
}

fs::path logs_dir() {
  if (auto v = setting_from_env("LOGS"); !v.empty()) return v;
  return home_dir() / ".local" / "share" / "cgym" / "logs";
}

namespace {

// Makes `dir` (whose parent exists) a directory that only this user can
// use: created with mode 0700, or, when it exists, checked to be a real
// directory (not a symbolic link) owned by this user, then set to 0700.
// A directory with a predictable name in a world-writable place such as
// /dev/shm could otherwise have been planted by another user. Throws
// IoError saying what is wrong and how to choose another directory.
void make_private_directory(const fs::path& dir, const char* what) {
  const std::string hint = " (set CGYM_TRANSIENT_CACHE to a directory of your own)";
  if (::mkdir(dir.c_str(), 0700) == 0) return;
  const int error = errno;
  if (error != EEXIST) {
    throw IoError(std::string("cannot create ") + what + " '" + dir.string() +
                  "': " + std::strerror(error) + hint);
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    throw IoError(std::string("cannot inspect ") + what + " '" + dir.string() +
                  "': " + std::strerror(errno) + hint);
  }
  if (S_ISLNK(st.st_mode)) {
    throw IoError(std::string(what) + " '" + dir.string() +
                  "' is a symbolic link; cgym does not follow it, because another user may have "
                  "planted it" +
                  hint);
  }
  if (!S_ISDIR(st.st_mode)) {
    throw IoError(std::string(what) + " '" + dir.string() + "' exists and is not a directory" +
                  hint);
  }
  if (st.st_uid != ::geteuid()) {
    throw IoError(std::string(what) + " '" + dir.string() + "' belongs to uid " +
                  std::to_string(st.st_uid) + ", not to this user (uid " +
                  std::to_string(::geteuid()) + ")" + hint);
  }
  if ((st.st_mode & 07777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) {
    throw IoError(std::string("cannot make ") + what + " '" + dir.string() +
                  "' private (mode 0700): " + std::strerror(errno) + hint);
  }
}

}  // namespace

fs::path transient_cache_dir() {
  if (auto v = setting_from_env("TRANSIENT_CACHE"); !v.empty()) return v;
  std::error_code ec;
  fs::path dir = fs::path("/dev/shm") / ("cgym-" + user_name());
  if (!fs::is_directory("/dev/shm", ec) || access("/dev/shm", W_OK) != 0) {
    dir = fs::temp_directory_path() / ("cgym-" + user_name());
  }
  make_private_directory(dir, "the transient cache");
  return dir;
}

namespace {

// The directory of the loaded libcgym_core, or empty when unknown.
const fs::path& core_library_dir() {
  static const fs::path dir = [] {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&running_from_build_tree), &info) || !info.dli_fname) {
      return fs::path();
    }
    std::error_code ec;
    return fs::weakly_canonical(info.dli_fname, ec).parent_path();
  }();
  return dir;
}

// `relative` (from the installed library directory) resolved against where
// the library really is, when that exists; else the configured `fallback`.
fs::path installed_dir(const char* relative, const char* fallback) {
  if (!core_library_dir().empty()) {
    std::error_code ec;
    const fs::path p = (core_library_dir() / relative).lexically_normal();
    if (fs::is_directory(p, ec)) return p;
  }
  return fallback;
}

}  // namespace

bool running_from_build_tree() {
  // The library lives under the build directory: use what was built there
  // (datasets, the worker). Installed: use the installation's.
  static const bool from_build = [] {
    if (core_library_dir().empty()) return false;
    std::error_code ec;
    const std::string lib = core_library_dir().string();
    const std::string build = fs::weakly_canonical(CGYM_BUILD_LIB_DIR, ec).string();
    return !build.empty() && (lib == build || lib.rfind(build + "/", 0) == 0);
  }();
  return from_build;
}

fs::path installed_bin_dir() { return installed_dir(CGYM_LIB_TO_BIN_DIR, CGYM_INSTALL_BIN_DIR); }

fs::path data_dir() {
  if (auto v = env_or_empty("CGYM_DATA_DIR"); !v.empty()) return v;
  if (running_from_build_tree()) return CGYM_BUILD_DATA_DIR;
  return installed_dir(CGYM_LIB_TO_DATA_DIR, CGYM_INSTALL_DATA_DIR);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError("cannot read '" + path.string() + "': " + std::strerror(errno));
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw IoError("error while reading '" + path.string() + "'");
  return s.str();
}

void write_file_atomic(const fs::path& path, std::string_view data) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      throw IoError("cannot create directory '" + path.parent_path().string() +
                    "': " + ec.message());
    }
  }
  std::string tmpl = path.string() + ".tmp.XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    throw IoError("cannot create a temporary file next to '" + path.string() +
                  "': " + std::strerror(errno));
  }
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmpl.c_str());
      throw IoError("cannot write '" + path.string() + "': " + std::strerror(err));
    }
    written += static_cast<size_t>(n);
  }
  // The data must be on disk before the rename makes it visible.
  if (::fsync(fd) != 0 || ::fchmod(fd, 0644) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    throw IoError("cannot write '" + path.string() + "': " + std::strerror(err));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    throw IoError("cannot rename into '" + path.string() + "': " + std::strerror(err));
  }
}

TempDir::TempDir(const std::string& prefix, const fs::path& parent) {
  const fs::path base = parent.empty() ? transient_cache_dir() : parent;
  // Without an explicit parent the user did not choose the place: say how to.
  const std::string hint =
      parent.empty() ? " (set CGYM_TRANSIENT_CACHE to a writable directory)" : "";
  std::error_code ec;
  fs::create_directories(base, ec);
  if (ec) {
    throw IoError("cannot create directory '" + base.string() + "': " + ec.message() + hint);
  }
  std::string tmpl = (base / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) {
    throw IoError("cannot create a temporary directory in '" + base.string() +
                  "': " + std::strerror(errno) + hint);
  }
  path_ = tmpl;
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (ec) logger().warn("could not remove '{}': {}", path_.string(), ec.message());
}

namespace {

// Levenshtein distance with one reused row. Called once per valid name for
// every "did you mean" message (2,397 names for gcc-v0), so it avoids
// allocations and library calls per cell.
size_t edit_distance(std::string_view a, std::string_view b) {
  thread_local std::vector<size_t> row;
  row.resize(b.size() + 1);
  size_t* r = row.data();
  for (size_t j = 0; j <= b.size(); ++j) r[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = r[0];  // the previous row's value at j - 1
    r[0] = i;
    const char ca = a[i - 1];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = r[j];
      size_t best = diagonal + (ca != b[j - 1] ? 1 : 0);
      if (above + 1 < best) best = above + 1;
      if (r[j - 1] + 1 < best) best = r[j - 1] + 1;
      r[j] = best;
      diagonal = above;
    }
  }
  return r[b.size()];
}

}  // namespace

std::string closest_matches(std::string_view name, const std::vector<std::string>& valid,
                            size_t n) {
  std::vector<std::pair<size_t, const std::string*>> scored;
  scored.reserve(valid.size());
  for (const auto& v : valid) {
    // Substring matches rank first: "gvn" should suggest "-gvn", "-gvn-hoist".
    size_t d = edit_distance(name, v);
    if (!name.empty() && v.find(name) != std::string::npos) d = d / 4;
    scored.emplace_back(d, &v);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (size_t i = 0; i < scored.size() && i < n; ++i) {
    out += (i ? ", " : "") + *scored[i].second;
  }
  if (scored.size() > n) out += ", ... (" + std::to_string(valid.size()) + " in all)";
  return out.empty() ? "(none)" : out;
}

// ---- SessionContext ----------------------------------------------------------

SessionContext::SessionContext(std::map<std::string, std::string> params, fs::path working_dir)
    : params_(std::move(params)), working_dir_(std::move(working_dir)) {}

SessionContext::~SessionContext() {
  std::error_code ec;
  if (!working_dir_.empty() && fs::exists(working_dir_, ec)) {
    fs::remove_all(working_dir_, ec);
    if (ec) logger().warn("could not remove '{}': {}", working_dir_.string(), ec.message());
  }
}

const fs::path& SessionContext::working_dir() const {
  std::call_once(created_, [this] {
    std::error_code ec;
    if (working_dir_.has_parent_path()) fs::create_directories(working_dir_.parent_path(), ec);
    if (ec) {
      throw IoError("cannot create the env working directory '" + working_dir_.string() +
                    "': " + ec.message() + " (set CGYM_TRANSIENT_CACHE to a writable directory)");
    }
    // Created 0700 at once: never readable by others, not even briefly.
    make_private_directory(working_dir_, "the env working directory");
  });
  return working_dir_;
}

fs::path SessionContext::unique_path(const std::string& prefix, const std::string& suffix) const {
  const uint64_t n = counter_.fetch_add(1);
  return working_dir() / (prefix + std::to_string(n) + suffix);
}

}  // namespace cgym
