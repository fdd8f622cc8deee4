// Builds tar.bz2 archives and bz2 manifests in memory (libarchive), laid out
// as CompilerGym publishes them, for the dataset install tests and bench.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace cgym::test {

struct TarEntry {
  enum Kind { kFile, kDir, kSymlink, kHardlink };
  std::string name;
  std::string contents;  // kFile
  Kind kind = kFile;
  std::string link;  // kSymlink / kHardlink target
};

namespace archive_detail {
inline la_ssize_t append(archive*, void* out, const void* data, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), n);
  return static_cast<la_ssize_t>(n);
}
inline void check(int rc, archive* a, const char* what) {
  if (rc < ARCHIVE_WARN) {
    throw std::runtime_error(std::string(what) + ": " + archive_error_string(a));
  }
}
}  // namespace archive_detail

/// A tar archive of `entries`, compressed with `filter` ("bzip2", "gzip" or
/// "none").
inline std::string make_tar(const std::vector<TarEntry>& entries,
                            const std::string& filter = "bzip2") {
  std::string out;
  archive* a = archive_write_new();
  if (filter == "bzip2") archive_write_add_filter_bzip2(a);
  if (filter == "gzip") archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_detail::check(archive_write_open(a, &out, nullptr, archive_detail::append, nullptr), a,
                        "open");
  for (const auto& e : entries) {
    archive_entry* en = archive_entry_new();
    archive_entry_set_pathname(en, e.name.c_str());
    archive_entry_set_mtime(en, 1600000000, 0);
    switch (e.kind) {
      case TarEntry::kFile:
        archive_entry_set_filetype(en, AE_IFREG);
        archive_entry_set_perm(en, 0644);
        archive_entry_set_size(en, static_cast<la_int64_t>(e.contents.size()));
        break;
      case TarEntry::kDir:
        archive_entry_set_filetype(en, AE_IFDIR);
        archive_entry_set_perm(en, 0755);
        break;
      case TarEntry::kSymlink:
        archive_entry_set_filetype(en, AE_IFLNK);
        archive_entry_set_perm(en, 0777);
        archive_entry_set_symlink(en, e.link.c_str());
        break;
      case TarEntry::kHardlink:
        archive_entry_set_filetype(en, AE_IFREG);
        archive_entry_set_perm(en, 0644);
        archive_entry_set_hardlink(en, e.link.c_str());
        break;
    }
    archive_detail::check(archive_write_header(a, en), a, "header");
    if (e.kind == TarEntry::kFile && !e.contents.empty()) {
      archive_write_data(a, e.contents.data(), e.contents.size());
    }
    archive_entry_free(en);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

/// `contents` compressed with bzip2 (a CompilerGym manifest).
inline std::string make_bz2(const std::string& contents) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_add_filter_bzip2(a);
  archive_write_set_format_raw(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_detail::check(archive_write_open(a, &out, nullptr, archive_detail::append, nullptr), a,
                        "open");
  archive_entry* en = archive_entry_new();
  archive_entry_set_filetype(en, AE_IFREG);
  archive_entry_set_size(en, static_cast<la_int64_t>(contents.size()));
  archive_detail::check(archive_write_header(a, en), a, "header");
  archive_write_data(a, contents.data(), contents.size());
  archive_entry_free(en);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

}  // namespace cgym::test
