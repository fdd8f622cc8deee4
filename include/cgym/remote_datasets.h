// CompilerGym's benchmark suites: a catalogue of what is published where,
// and datasets that download, verify and unpack themselves on first use.
//
// Each suite is one archive (tar.bz2 / tar.gz) at a published URL with a
// published sha256, plus, for most, a compressed manifest listing its URIs.
// Installing a suite (install_dataset(), `cgym datasets install NAME`, or
// the first reset() on one of its URIs) downloads both with libcurl
// (resuming an interrupted download with an HTTP Range request), checks
// their sha256, unpacks the archive with libarchive into a temporary
// directory and renames that into dataset_install_dir(). A file lock makes
// concurrent installs of one suite (threads or processes) download once.
//
// Directories: installed suites live in site_data_dir()/datasets/<name>
// ($CGYM_SITE_DATA, else $COMPILER_GYM_SITE_DATA, else
// ~/.local/share/cgym); partial downloads in site_data_dir()/datasets/.downloads.
// The other CompilerGym variables are honoured too when no CGYM_ one is set:
// COMPILER_GYM_CACHE, _TRANSIENT_CACHE, _LOGS, _DEBUG.
//
// Environment: CGYM_DATASET_MIRROR=https://host/prefix replaces every URL's
// scheme, host and directory (https://dl.example/a/b/file.tar.bz2 becomes
// https://host/prefix/file.tar.bz2). CGYM_DATASET_CATALOGUE=file.json adds
// entries or replaces fields of entries with the same name (for private
// mirrors and tests); read once per process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cgym/benchmark.h"
#include "cgym/dataset.h"
#include "cgym/errors.h"

namespace cgym {

/// A dataset could not be downloaded, verified or unpacked; the message
/// names the dataset, the URL and, for network failures, the offline fix.
/// A BenchmarkInitError, so that reset() callers see the usual type.
class DatasetInstallError : public BenchmarkInitError {
 public:
  /// An error with `message` as what().
  explicit DatasetInstallError(const std::string& message) : BenchmarkInitError(message) {}
  const char* type_name() const noexcept override { return "DatasetInstallError"; }
};

/// How the files of an unpacked suite become benchmarks.
enum class RemoteLayout {
  kBitcode,       ///< `<path>.bc`, LLVM bitcode (blas, cbench, github, linux, ...)
  kCSource,       ///< `<path>.c`, one C file (anghabench, jotaibench)
  kCHStone,       ///< `<name>/<main>.c` including its siblings (chstone)
  kPoj104Source,  ///< `<path>.txt`, a C++ solution that needs a prelude (poj104)
  kOpenCL,        ///< `<path>.cl`, OpenCL kernels (clgen): listed, not loadable
  kFiles,         ///< support files only (cBench runtime data): not a dataset
};

/// The published facts of one suite.
struct RemoteDatasetInfo {
  std::string name;               ///< "benchmark://cbench-v1"
  std::string description;        ///< one line
  std::string license;            ///< the suite's licence, as published
  std::vector<std::string> urls;  ///< the archive, tried in order (Linux build)
  std::string sha256;             ///< of the archive
  uint64_t size_bytes = 0;        ///< of the archive; 0 = not published
  std::string strip_prefix;       ///< the directory inside the archive that is the suite
  uint64_t benchmark_count = 0;   ///< as published for Linux
  std::vector<std::string> platforms = {"linux", "macos"};  ///< where it is published for
  std::string manifest_url;     ///< compressed list of URIs; empty = none published
  std::string manifest_sha256;  ///< of the compressed manifest
  RemoteLayout layout = RemoteLayout::kBitcode;  ///< how its files become benchmarks
  std::vector<std::string> envs = {"llvm"};      ///< "llvm", "gcc": the collections it joins
  std::vector<std::string> benchmarks;           ///< fixed URI list when there is no manifest
  std::string homepage;                          ///< where the suite comes from
  bool validatable = false;                      ///< runnable with runtime validation (cbench-v1)
  std::string notes;  ///< what cgym does not (yet) support for this suite
};

/// The built-in catalogue, then $CGYM_DATASET_CATALOGUE's entries (a JSON
/// array of objects with the field names above; an entry whose name is
/// already listed replaces only the fields it gives). Throws
/// InvalidArgument naming the file and the bad field.
const std::vector<RemoteDatasetInfo>& dataset_catalogue();

/// The catalogue entry named `name` ("cbench-v1" or "benchmark://cbench-v1"),
/// including support entries such as "cbench-v1-runtime-data"; nullptr
/// when there is none.
const RemoteDatasetInfo* find_catalogue_entry(const std::string& name);

/// `site_data_dir()/datasets/<name without scheme>`.
std::filesystem::path dataset_install_dir(const RemoteDatasetInfo& info);

/// Whether the suite is fully installed (its directory holds the marker
/// written last by install_dataset()).
bool dataset_installed(const RemoteDatasetInfo& info);

/// The bytes the installed suite takes on disk (0 when not installed).
uint64_t installed_size_bytes(const RemoteDatasetInfo& info);

/// `url` rewritten by $CGYM_DATASET_MIRROR (unchanged when it is unset).
std::string mirrored_url(const std::string& url);

/// Progress of an install, for a progress bar.
struct InstallProgress {
  std::string stage;         ///< "download", "verify", "unpack", "done"
  std::string url;           ///< what is being downloaded
  uint64_t done_bytes = 0;   ///< so far (including a resumed part)
  uint64_t total_bytes = 0;  ///< 0 when unknown
};

/// How to install a suite.
struct InstallOptions {
  /// Use this archive instead of downloading (its sha256 is still checked
  /// unless `verify` is false).
  std::optional<std::filesystem::path> from_archive;
  /// Use this (compressed) manifest instead of downloading; without it an
  /// install --from lists the unpacked tree instead.
  std::optional<std::filesystem::path> from_manifest;
  /// Check the sha256 of what was downloaded or given.
  bool verify = true;
  /// Called from the installing thread. Unset: a progress bar on stderr when
  /// it is a terminal, else a plain line per stage and every 25%.
  std::function<void(const InstallProgress&)> on_progress;
  /// No progress output at all (on_progress is still called).
  bool quiet = false;
  /// Retries of a download that stops halfway (each resumes with Range).
  int max_resumes = 5;
  /// Limit on connecting, in seconds.
  double connect_timeout_seconds = 30;
};

/// Installs the suite unless it already is. Throws DatasetInstallError (the URL,
/// what went wrong, and the `cgym datasets install NAME --from FILE`
/// command for an offline machine) for a failed download, a sha256
/// mismatch (naming the URL, the expected and the actual digest), a corrupt
/// or unsafe archive (an entry with "..", an absolute path, or a link out of
/// the tree), and a full disk. A failure leaves no partial install; only a
/// download that stopped halfway is kept, to be resumed.
void install_dataset(const RemoteDatasetInfo& info, const InstallOptions& options = {});

/// Removes an installed suite (and any partial download). Returns whether
/// there was anything to remove.
bool uninstall_dataset(const RemoteDatasetInfo& info);

/// A Dataset that must be downloaded before use. Datasets::benchmark_uris()
/// and Datasets::random_benchmark() skip one that is not installed, so that
/// nothing downloads unasked.
class DownloadableDataset : public Dataset {
 public:
  /// Whether the suite is installed (see dataset_installed()).
  virtual bool installed() const = 0;
  /// Its catalogue entry.
  virtual const RemoteDatasetInfo& info() const = 0;
};

/// Whether `d` is a DownloadableDataset that is not installed yet.
bool needs_install(const Dataset& d);

/// A dataset over a catalogue entry, for an env whose programs are in
/// `target` format (kLlvmBitcode or kC). size() is the published count
/// until installed, then the manifest's. benchmark() and benchmark_uri()
/// install on first use; installed() says whether that already happened.
/// Benchmarks are read one file at a time from the unpacked tree.
std::shared_ptr<const DownloadableDataset> make_remote_dataset(const RemoteDatasetInfo& info,
                                                               ProgramFormat target);

}  // namespace cgym
