// ELF64 section sizes against binutils' objdump (the independent truth;
// the library itself runs no such tool), and ar archives against ar.
#include <gtest/gtest.h>

#include <sstream>

#include "backends/gcc/elf.h"
#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "gcc_test_util.h"

namespace cgym::gcc {
namespace {

// The sum of the sizes of CODE sections in `objdump -h`.
uint64_t objdump_code_size(const std::filesystem::path& obj) {
  auto r = check_process({.argv = {"objdump", "-h", obj.string()}, .timeout_seconds = 30});
  std::istringstream in(r.stdout_data);
  std::string line, previous;
  uint64_t total = 0;
  while (std::getline(in, line)) {
    if (line.find("CODE") != std::string::npos) {
      std::istringstream f(previous);
      std::string idx, name, size;
      f >> idx >> name >> size;
      total += std::stoull(size, nullptr, 16);
    }
    previous = line;
  }
  return total;
}

constexpr const char* kProgram = R"(
#include <stdio.h>
static int helper(int x) { return x * 3 + 1; }
int work(int n) { int s = 0; for (int i = 0; i < n; ++i) s += helper(i) ^ i; return s; }
__attribute__((cold)) int rare(int x) { return x / 7; }
int main(void) { printf("%d\n", work(100) + rare(9)); return 0; }
)";

TEST(Elf, TextSizeMatchesObjdump) {
  CGYM_REQUIRE_GCC();
  if (!find_program("objdump")) GTEST_SKIP() << "no objdump";
  TempDir dir("elf-test");
  write_file_atomic(dir.path() / "p.c", kProgram);
  for (const char* level : {"-O0", "-O2", "-Os", "-O3"}) {
    const auto obj = dir.path() / "p.o";
    check_process({.argv = {"gcc", level, "-c", "p.c", "-o", "p.o"},
                   .cwd = dir.path(),
                   .timeout_seconds = 60});
    const std::string data = read_file(obj);
    const uint64_t expected = objdump_code_size(obj);
    EXPECT_GT(expected, 0u);
    EXPECT_EQ(elf64_text_size(data), expected) << level;
    bool has_text = false;
    for (const auto& s : read_elf64_sections(data)) has_text |= s.name == ".text";
    EXPECT_TRUE(has_text);
  }
}

TEST(Elf, RejectsMalformedInput) {
  EXPECT_THROW(elf64_text_size(""), InvalidArgument);
  EXPECT_THROW(elf64_text_size(std::string(100, 'x')), InvalidArgument);
  std::string header(64, '\0');
  header[0] = 0x7f;
  header[1] = 'E';
  header[2] = 'L';
  header[3] = 'F';
  header[4] = 1;  // 32-bit
  header[5] = 1;
  EXPECT_THROW(elf64_text_size(header), InvalidArgument);
  header[4] = 2;
  EXPECT_EQ(elf64_text_size(header), 0u);  // no section table
  header[0x28] = 0x10;                     // table at 16, entries of 64 bytes: outside
  header[0x3A] = 64;
  header[0x3C] = 4;
  EXPECT_THROW(elf64_text_size(header), InvalidArgument);
}

TEST(Elf, TruncatedObjectsAreRejected) {
  CGYM_REQUIRE_GCC();
  TempDir dir("elf-test");
  write_file_atomic(dir.path() / "p.c", kProgram);
  check_process(
      {.argv = {"gcc", "-O2", "-c", "p.c", "-o", "p.o"}, .cwd = dir.path(), .timeout_seconds = 60});
  const std::string data = read_file(dir.path() / "p.o");
  for (size_t keep : {size_t{64}, data.size() / 2, data.size() - 1}) {
    EXPECT_THROW(elf64_text_size(data.substr(0, keep)), InvalidArgument) << keep;
  }
}

TEST(Elf, ArArchiveReadsBackWithAr) {
  if (!find_program("ar")) GTEST_SKIP() << "no ar";
  TempDir dir("ar-test");
  const std::vector<std::pair<std::string, std::string>> members = {
      {"a.o", "odd"}, {"a_rather_long_member_name.o", std::string("\0\1\2\3", 4)}, {"c.o", ""}};
  write_file_atomic(dir.path() / "x.a", make_ar_archive(members));
  auto listing =
      check_process({.argv = {"ar", "t", "x.a"}, .cwd = dir.path(), .timeout_seconds = 30});
  EXPECT_EQ(listing.stdout_data, "a.o\na_rather_long_member_name.o\nc.o\n");
  for (const auto& [name, data] : members) {
    auto r =
        check_process({.argv = {"ar", "p", "x.a", name}, .cwd = dir.path(), .timeout_seconds = 30});
    EXPECT_EQ(r.stdout_data, data) << name;
  }
}

}  // namespace
}  // namespace cgym::gcc
