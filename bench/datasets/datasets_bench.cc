// Downloadable datasets against baselines measured in the same run, with
// the measurements alternating so that machine load hits both alike.
// Prints markdown.
//
//   datasets_bench [--quick]
//
// 1. Listing a manifest of 1,000,000 URIs (anghabench-v1 lists 1,041,333):
//    a fresh dataset object's size() plus every benchmark_uri(i), against
//    reading the same file line by line into a vector<string> (what a
//    simple implementation, and CompilerGym, does).
// 2. The first reset of a benchmark: a fresh remote dataset object reading
//    crc32.bc from its unpacked tree, against a fresh bundled dataset
//    reading the same bitcode (benchmark://cgym-v0/crc32), each followed by
//    reset() of an llvm-v0 env.
// 2b. The first load of a benchmark of a C-source suite (anghabench's
//    layout): from the bitcode kept in the install directory, against
//    compiling it with clang (the cache removed first).
// 3. Install throughput: install_dataset() of a 64 MB uncompressed tar from
//    the loopback server (download + sha256 + unpack, and the download
//    phase alone), against `curl -s -o FILE URL` fetching the same file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../bench_util.h"
#include "cgym/cgym.h"
#include "cgym/remote_datasets.h"
#include "datasets/archive_test_util.h"
#include "datasets/http_test_server.h"
#include "datasets/sha256.h"

namespace fs = std::filesystem;
using cgym::bench::Clock;
using cgym::bench::median;
using cgym::bench::seconds_since;

namespace {

std::string sha(const std::string& s) {
  cgym::datasets_internal::Sha256 h;
  h.update(s);
  return h.hex_digest();
}

void spit(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

std::string noise(size_t n) {
  std::string s(n, '\0');
  uint64_t x = 88172645463325252ull;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

cgym::RemoteDatasetInfo entry(const std::string& name) {
  cgym::RemoteDatasetInfo i;
  i.name = "benchmark://" + name;
  i.description = "bench";
  i.urls = {"http://127.0.0.1:1/unused"};
  i.strip_prefix = "suite";
  return i;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const fs::path root =
      fs::temp_directory_path() / ("cgym-datasets-bench-" + std::to_string(getpid()));
  fs::remove_all(root);
  setenv("CGYM_SITE_DATA", (root / "site").c_str(), 1);
  cgym::InstallOptions quiet;
  quiet.quiet = true;

  // ---- 1. a 1,000,000-URI manifest ------------------------------------------------
  const size_t n = quick ? 200000 : 1000000;
  std::string lines;
  lines.reserve(n * 60);
  for (size_t i = 0; i < n; ++i) {
    lines += "benchmark://big-v0/github.com/owner" + std::to_string(i % 997) + "/repo/src/f" +
             std::to_string(i) + "\n";
  }
  spit(root / "manifest.bz2", cgym::test::make_bz2(lines));
  spit(root / "manifest.txt", lines);
  spit(root / "tiny.tar", cgym::test::make_tar({{"suite/x.bc", "x"}}, "none"));
  auto big = entry("big-v0");
  cgym::InstallOptions from = quiet;
  from.from_archive = root / "tiny.tar";
  from.from_manifest = root / "manifest.bz2";
  from.verify = false;
  auto t0 = Clock::now();
  cgym::install_dataset(big, from);
  const double install_manifest_s = seconds_since(t0);
  const fs::path installed_manifest = cgym::dataset_install_dir(big) / ".cgym-manifest";
  std::vector<double> ours_size, ours_all, naive;
  size_t check = 0;
  for (int rep = 0; rep < (quick ? 3 : 5); ++rep) {
    t0 = Clock::now();
    auto ds = cgym::make_remote_dataset(big, cgym::ProgramFormat::kLlvmBitcode);
    check += ds->size();
    ours_size.push_back(seconds_since(t0));
    for (uint64_t i = 0; i < ds->size(); ++i) check += ds->benchmark_uri(i).size();
    ours_all.push_back(seconds_since(t0));
    t0 = Clock::now();
    std::ifstream in(installed_manifest);
    std::vector<std::string> uris;
    for (std::string l; std::getline(in, l);) {
      if (!l.empty()) uris.push_back(l);
    }
    check += uris.size();
    naive.push_back(seconds_since(t0));
  }

  // ---- 2. first reset: installed vs bundled -------------------------------------
  const fs::path bundled_bc = cgym::data_dir() / "cgym-v0" / "crc32" / "crc32.bc";
  std::vector<double> first_remote, first_bundled;
  std::string reset_note;
  if (fs::exists(bundled_bc)) {
    std::ifstream in(bundled_bc, std::ios::binary);
    const std::string bc((std::istreambuf_iterator<char>(in)), {});
    spit(root / "crc.tar", cgym::test::make_tar({{"suite/crc32.bc", bc}}, "none"));
    auto crc = entry("crc-v0");
    cgym::InstallOptions f2 = quiet;
    f2.from_archive = root / "crc.tar";
    f2.verify = false;
    cgym::install_dataset(crc, f2);
    try {
      auto env = cgym::make("llvm-v0");
      for (int rep = 0; rep < (quick ? 5 : 15); ++rep) {
        t0 = Clock::now();
        {
          auto ds = cgym::make_remote_dataset(crc, cgym::ProgramFormat::kLlvmBitcode);
          env->reset({.benchmark = ds->benchmark("benchmark://crc-v0/crc32")});
        }
        first_remote.push_back(seconds_since(t0));
        t0 = Clock::now();
        {
          auto ds = cgym::make_bundled_dataset();
          env->reset({.benchmark = ds->benchmark("benchmark://cgym-v0/crc32")});
        }
        first_bundled.push_back(seconds_since(t0));
      }
    } catch (const cgym::LookupError&) {
      reset_note = "(llvm-v0 is not built: skipped)";
    }
  } else {
    reset_note = "(the bundled suite is not built: skipped)";
  }

  // ---- 2b. a C-source suite: compile on first use vs the bitcode cache ---------
  const fs::path bundled_c = cgym::data_dir() / "cgym-v0" / "crc32" / "crc32.c";
  std::vector<double> load_compile, load_cached;
  if (fs::exists(bundled_c)) {
    std::ifstream in(bundled_c, std::ios::binary);
    const std::string c((std::istreambuf_iterator<char>(in)), {});
    spit(root / "csrc.tar", cgym::test::make_tar({{"suite/crc32.c", c}}, "none"));
    auto cs = entry("csrc-v0");
    cs.layout = cgym::RemoteLayout::kCSource;
    cgym::InstallOptions f3 = quiet;
    f3.from_archive = root / "csrc.tar";
    f3.verify = false;
    cgym::install_dataset(cs, f3);
    const fs::path cache = cgym::dataset_install_dir(cs) / ".cgym-bitcode";
    // The seconds one fresh dataset object takes to load crc32.
    auto fresh_load = [&] {
      const auto start = Clock::now();
      check += cgym::make_remote_dataset(cs, cgym::ProgramFormat::kLlvmBitcode)
                   ->benchmark("benchmark://csrc-v0/crc32")
                   ->program()
                   .size();
      return seconds_since(start);
    };
    for (int rep = 0; rep < (quick ? 3 : 7); ++rep) {
      fs::remove_all(cache);
      load_compile.push_back(fresh_load());
      load_cached.push_back(fresh_load());
    }
    cgym::uninstall_dataset(cs);
  }

  // ---- 3. install throughput -------------------------------------------------------
  const size_t mb = quick ? 16 : 64;
  const std::string tar = cgym::test::make_tar({{"suite/blob.bc", noise(mb << 20)}}, "none");
  cgym::test::HttpTestServer server;
  server.serve("/blob.tar", {.body = tar});
  auto blob = entry("blob-v0");
  blob.urls = {server.url("/blob.tar")};
  blob.sha256 = sha(tar);
  blob.size_bytes = tar.size();
  std::vector<double> ours_total, ours_download, curl_s;
  const bool have_curl = cgym::find_program("curl").has_value();
  for (int rep = 0; rep < 3; ++rep) {
    cgym::uninstall_dataset(blob);
    double download_end = 0;
    cgym::InstallOptions o = quiet;
    t0 = Clock::now();
    o.on_progress = [&](const cgym::InstallProgress& p) {
      if (p.stage == "verify" && download_end == 0) download_end = seconds_since(t0);
    };
    cgym::install_dataset(blob, o);
    ours_total.push_back(seconds_since(t0));
    ours_download.push_back(download_end);
    if (have_curl) {
      cgym::ProcessOptions c;
      c.argv = {"curl", "-s", "-o", (root / "curl.out").string(), server.url("/blob.tar")};
      c.timeout_seconds = 300;
      t0 = Clock::now();
      cgym::check_process(c);
      curl_s.push_back(seconds_since(t0));
      fs::remove(root / "curl.out");
    }
  }
  cgym::uninstall_dataset(blob);
  cgym::uninstall_dataset(big);
  fs::remove_all(root);

  const double mbytes = tar.size() / 1048576.0;
  std::printf("Medians of interleaved runs.\n\n");
  std::printf("| what | cgym | baseline | ratio |\n|---|---|---|---|\n");
  std::printf(
      "| list a %zu-URI manifest: size() of a fresh dataset (mmap + line index) | %.1f ms | "
      "getline into vector<string>: %.1f ms | %.2f× |\n",
      n, 1e3 * median(ours_size), 1e3 * median(naive), median(naive) / median(ours_size));
  std::printf("| ... and every benchmark_uri(i) | %.1f ms | (same) %.1f ms | %.2f× |\n",
              1e3 * median(ours_all), 1e3 * median(naive), median(naive) / median(ours_all));
  std::printf("| install that manifest (decompress bz2, %zu lines) | %.0f ms | | |\n", n,
              1e3 * install_manifest_s);
  if (!first_remote.empty()) {
    std::printf(
        "| first reset, crc32 from an installed suite vs bundled cgym-v0/crc32 | %.2f ms | "
        "%.2f ms | %.2f× |\n",
        1e3 * median(first_remote), 1e3 * median(first_bundled),
        median(first_remote) / median(first_bundled));
  } else {
    std::printf("| first reset | %s | | |\n", reset_note.c_str());
  }
  if (!load_cached.empty()) {
    std::printf(
        "| first load of a C-source benchmark (crc32.c, a fresh dataset object): from the "
        "bitcode cache vs compiling with clang | %.2f ms | %.1f ms | %.0f× |\n",
        1e3 * median(load_cached), 1e3 * median(load_compile),
        median(load_compile) / median(load_cached));
  }
  std::printf(
      "| install %.0f MB from 127.0.0.1 (download + sha256 + unpack) | %.0f MB/s (%.2f s) | "
      "| |\n",
      mbytes, mbytes / median(ours_total), median(ours_total));
  if (have_curl) {
    std::printf(
        "| ... the download alone vs `curl -s -o FILE` | %.0f MB/s (%.2f s) | %.0f MB/s (%.2f s) "
        "| %.2f× |\n",
        mbytes / median(ours_download), median(ours_download), mbytes / median(curl_s),
        median(curl_s), median(curl_s) / median(ours_download));
  } else {
    std::printf("| ... the download alone | %.0f MB/s | curl not installed | |\n",
                mbytes / median(ours_download));
  }
  std::fprintf(stderr, "(checksum %zu)\n", check);
  return 0;
}
