#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "cgym/errors.h"
#include "cgym/util.h"

using namespace cgym;
namespace fs = std::filesystem;

TEST(Paths, EnvironmentVariablesRelocateEverything) {
  setenv("CGYM_CACHE", "/tmp/cgym-a", 1);
  setenv("CGYM_SITE_DATA", "/tmp/cgym-b", 1);
  setenv("CGYM_TRANSIENT_CACHE", "/tmp/cgym-c", 1);
  EXPECT_EQ(cache_dir(), fs::path("/tmp/cgym-a"));
  EXPECT_EQ(site_data_dir(), fs::path("/tmp/cgym-b"));
  EXPECT_EQ(transient_cache_dir(), fs::path("/tmp/cgym-c"));
  unsetenv("CGYM_CACHE");
  unsetenv("CGYM_SITE_DATA");
  unsetenv("CGYM_TRANSIENT_CACHE");
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(cache_dir(), fs::path("/home/someone/.cache/cgym"));
  EXPECT_EQ(site_data_dir(), fs::path("/home/someone/.local/share/cgym"));
  // The build tree's datasets, since the tests run from a build.
  EXPECT_EQ(data_dir(), fs::path(CGYM_BINARY_DIR) / "share" / "cgym");
}

TEST(Files, AtomicWriteAndRead) {
  TempDir dir("util-test");
  auto p = dir.path() / "sub" / "f.txt";
  write_file_atomic(p, "one");
  EXPECT_EQ(read_file(p), "one");
  write_file_atomic(p, "two");
  EXPECT_EQ(read_file(p), "two");
  int n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(p.parent_path())) ++n;
  EXPECT_EQ(n, 1) << "no temporary file left";
  EXPECT_THROW(read_file(dir.path() / "missing"), IoError);
}

TEST(Files, UnwritableDirectoryIsAnIoError) {
  if (geteuid() == 0) {
    // root ignores permissions; use a path under a regular file instead.
    TempDir dir("util-test");
    write_file_atomic(dir.path() / "file", "x");
    EXPECT_THROW(write_file_atomic(dir.path() / "file" / "sub" / "f", "y"), IoError);
    return;
  }
  EXPECT_THROW(write_file_atomic("/proc/cgym-test/f", "y"), IoError);
}

TEST(TempDirTest, PrivateAndRemoved) {
  fs::path p;
  {
    TempDir d("x");
    p = d.path();
    EXPECT_TRUE(fs::is_directory(p));
    struct stat st;
    ASSERT_EQ(stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    write_file_atomic(p / "a" / "b", "z");
  }
  EXPECT_FALSE(fs::exists(p));
}

TEST(ClosestMatches, RanksNearNamesFirst) {
  std::vector<std::string> v = {"-gvn", "-gvn-hoist", "-sroa", "-mem2reg", "-licm"};
  auto m = closest_matches("gvn", v, 2);
  EXPECT_EQ(m.substr(0, 4), "-gvn");
  EXPECT_NE(m.find("-gvn-hoist"), std::string::npos);
  EXPECT_EQ(closest_matches("x", {}), "(none)");
}
