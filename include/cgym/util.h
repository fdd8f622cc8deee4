// Small shared utilities: where files go, and files written safely.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cgym {

/// $CGYM_CACHE, else ~/.cache/cgym. Baseline costs and build caches.
std::filesystem::path cache_dir();
/// $CGYM_SITE_DATA, else ~/.local/share/cgym. Parsed compiler specs.
std::filesystem::path site_data_dir();
/// $CGYM_TRANSIENT_CACHE, else /dev/shm/cgym-$USER where /dev/shm exists,
/// else the system temp dir. Env working directories.
std::filesystem::path transient_cache_dir();
/// Where bundled datasets are installed: $CGYM_DATA_DIR, else the build
/// tree's share/cgym when running from a build, else `<prefix>/share/cgym`.
std::filesystem::path data_dir();

/// Reads a whole file. Throws IoError naming the path and the reason.
std::string read_file(const std::filesystem::path& path);
/// Writes to a temporary file in the same directory, then renames it over
/// `path`, so a reader never sees a partial file. Creates parent
/// directories. Throws IoError (e.g. disk full, unwritable directory).
void write_file_atomic(const std::filesystem::path& path, std::string_view data);

/// A private (0700) directory removed with everything in it on destruction.
class TempDir {
 public:
  /// Creates a unique directory under `parent` (default:
  /// transient_cache_dir()). Throws IoError.
  explicit TempDir(const std::string& prefix = "tmp", const std::filesystem::path& parent = {});
  ~TempDir();
  /// Takes over `other`'s directory; `other` then removes nothing.
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// The directory's path.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Levenshtein-closest entries of `valid` to `name`, for "did you mean"
/// messages: at most `n`, comma-separated.
std::string closest_matches(std::string_view name, const std::vector<std::string>& valid,
                            size_t n = 5);

}  // namespace cgym
