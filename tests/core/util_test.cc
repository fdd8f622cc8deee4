#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cgym/errors.h"
#include "cgym/session.h"
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

namespace {

// Sets environment variables for one scope, restoring the old values.
class ScopedEnv {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        unsetenv(it->first.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

}  // namespace

// The default transient cache has a predictable name (/dev/shm/cgym-$USER)
// in a world-writable directory: cgym must not use one another user planted.
TEST(Paths, DefaultTransientCacheIsPrivateAndMustBeOurs) {
  ScopedEnv env;
  env.set("CGYM_TRANSIENT_CACHE", nullptr);
  const std::string user = "cgym-test-" + std::to_string(getpid());
  env.set("USER", user.c_str());
  const fs::path dir = transient_cache_dir();
  EXPECT_EQ(dir.filename(), "cgym-" + user);
  ASSERT_TRUE(fs::is_directory(dir));
  EXPECT_EQ(mode_of(dir), 0700u);

  // An existing directory of ours that is too open is made private.
  fs::permissions(dir, fs::perms(0755), fs::perm_options::replace);
  EXPECT_EQ(transient_cache_dir(), dir);
  EXPECT_EQ(mode_of(dir), 0700u);

  // A symbolic link there (to a directory someone else controls) is refused.
  fs::remove(dir);
  TempDir target("planted", fs::temp_directory_path());
  fs::create_directory_symlink(target.path(), dir);
  try {
    transient_cache_dir();
    ADD_FAILURE() << "a symbolic link was accepted";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("CGYM_TRANSIENT_CACHE"), std::string::npos) << e.what();
  }
  fs::remove(dir);

  // A file is refused too.
  write_file_atomic(dir, "x");
  EXPECT_THROW(transient_cache_dir(), IoError);
  fs::remove(dir);

  // A directory owned by someone else (root can make one) is refused.
  if (geteuid() == 0) {
    fs::create_directory(dir);
    ASSERT_EQ(chown(dir.c_str(), 12345, 12345), 0);
    try {
      transient_cache_dir();
      ADD_FAILURE() << "another user's directory was accepted";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("belongs to uid 12345"), std::string::npos) << e.what();
    }
    fs::remove(dir);
  }
}

TEST(Paths, EnvWorkingDirectoryIsCreatedPrivate) {
  TempDir base("workdir-test");
  {
    SessionContext ctx({}, base.path() / "env-1");
    EXPECT_EQ(mode_of(ctx.working_dir()), 0700u);
  }
  EXPECT_FALSE(fs::exists(base.path() / "env-1")) << "removed with its context";
  // A planted symbolic link in its place is not followed.
  TempDir target("planted");
  fs::create_directory_symlink(target.path(), base.path() / "env-2");
  SessionContext ctx({}, base.path() / "env-2");
  EXPECT_THROW(ctx.working_dir(), IoError);
}

TEST(ClosestMatches, RanksNearNamesFirst) {
  std::vector<std::string> v = {"-gvn", "-gvn-hoist", "-sroa", "-mem2reg", "-licm"};
  auto m = closest_matches("gvn", v, 2);
  EXPECT_EQ(m.substr(0, 4), "-gvn");
  EXPECT_NE(m.find("-gvn-hoist"), std::string::npos);
  EXPECT_EQ(closest_matches("x", {}), "(none)");
  // Levenshtein distances from "kitten": mitten 1, kitchen 2, sitting 3,
  // "" 6; kittens contains "kitten", so it ranks first (distance / 4).
  EXPECT_EQ(closest_matches("kitten", {"sitting", "", "kitchen", "mitten", "kittens"}, 5),
            "kittens, mitten, kitchen, sitting, ");
  EXPECT_EQ(closest_matches("", {"ab", "a"}, 2), "a, ab");
}
