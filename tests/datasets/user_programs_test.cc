// User programs: file://, make_benchmark, build command lines, directories,
// and the errors each gives.
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>

#include "datasets/datasets_test_util.h"

using namespace cgym;
using cgym_test::write_text;
namespace fs = std::filesystem;

namespace {

// A small program over three files: main.c, lib.c and a header.
class UserPrograms : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cgym_test::have_clang() || !cgym_test::tool("llvm-link")) {
      GTEST_SKIP() << "clang-19 or llvm-link-19 is missing";
    }
    dir_ = std::make_unique<TempDir>("user-test");
    root_ = fs::canonical(dir_->path());
    write_text(root_ / "proj" / "lib.h", "int scaled(int x);\n");
    write_text(root_ / "proj" / "lib.c",
               "#include \"lib.h\"\n#ifndef SCALE\n#define SCALE 1\n#endif\n"
               "int scaled(int x) { return x * SCALE; }\n");
    write_text(root_ / "proj" / "main.c",
               "#include <stdio.h>\n#include <math.h>\n#include \"lib.h\"\n"
               "int main(void) { printf(\"%d %.0f\\n\", scaled(14), sqrt(49.0)); return 0; }\n");
    write_text(root_ / "hello.c",
               "#include <stdio.h>\nint main(void) { puts(\"hello from C\"); return 0; }\n");
    write_text(root_ / "hello.cc",
               "#include <cstdio>\n#include <numeric>\n#include <vector>\n"
               "int main() { std::vector<int> v{1, 2, 3, 4};\n"
               "  std::printf(\"sum %d\\n\", std::accumulate(v.begin(), v.end(), 0)); }\n");
    write_text(root_ / "hello.ll",
               "@.str = private constant [14 x i8] c\"hello from IR\\00\"\n"
               "declare i32 @puts(ptr)\n"
               "define i32 @main() {\n  %r = call i32 @puts(ptr @.str)\n  ret i32 0\n}\n");
  }
  fs::path root() const { return root_; }
  static std::string file_uri(const fs::path& p) { return "file://" + p.string(); }

  std::unique_ptr<TempDir> dir_;
  fs::path root_;
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no exception>";
}

}  // namespace

TEST_F(UserPrograms, CFileBecomesRunnableBitcode) {
  auto b = llvm_datasets()->benchmark(file_uri(root() / "hello.c"));
  EXPECT_EQ(b->uri(), file_uri(root() / "hello.c"));
  EXPECT_EQ(b->format(), ProgramFormat::kLlvmBitcode);
  EXPECT_EQ(b->program().substr(0, 2), "BC");
  ASSERT_EQ(b->data().sources.size(), 1u);
  EXPECT_EQ(b->data().sources[0].name, "hello.c");
  EXPECT_FALSE(b->is_runnable());
  EXPECT_EQ(*make_runnable(*b)->data().reference_output, "hello from C\n");
  // Loaded again while alive: the same object.
  EXPECT_EQ(llvm_datasets()->benchmark(file_uri(root() / "hello.c")).get(), b.get());
}

TEST_F(UserPrograms, CxxFileCompilesAsCxx) {
  auto b = make_file_dataset(ProgramFormat::kLlvmBitcode)->benchmark(file_uri(root() / "hello.cc"));
  EXPECT_EQ(b->format(), ProgramFormat::kLlvmBitcode);
  EXPECT_NE(std::find(b->data().link_flags.begin(), b->data().link_flags.end(), "-lstdc++"),
            b->data().link_flags.end());
  EXPECT_EQ(*make_runnable(*b)->data().reference_output, "sum 10\n");
}

TEST_F(UserPrograms, IrAndBitcodeFiles) {
  const auto llvm_as = cgym_test::tool("llvm-as");
  if (!llvm_as) GTEST_SKIP() << "llvm-as-19 is missing";
  auto ll = llvm_datasets()->benchmark(file_uri(root() / "hello.ll"));
  EXPECT_EQ(ll->format(), ProgramFormat::kLlvmIr);
  EXPECT_EQ(ll->program(), read_file(root() / "hello.ll"));
  EXPECT_EQ(*make_runnable(*ll)->data().reference_output, "hello from IR\n");

  write_text(root() / "hello.bc", cgym_test::assemble(read_file(root() / "hello.ll")));
  auto bc = llvm_datasets()->benchmark(file_uri(root() / "hello.bc"));
  EXPECT_EQ(bc->format(), ProgramFormat::kLlvmBitcode);
  EXPECT_EQ(bc->program(), read_file(root() / "hello.bc"));
  EXPECT_EQ(*make_runnable(*bc)->data().reference_output, "hello from IR\n");
}

TEST_F(UserPrograms, PercentEncodedFileUri) {
  write_text(root() / "with space.c", "int main(void) { return 0; }\n");
  const std::string uri = "file://" + root().string() + "/with%20space.c";
  auto b = llvm_datasets()->benchmark(uri);
  EXPECT_EQ(b->format(), ProgramFormat::kLlvmBitcode);
  EXPECT_EQ(b->uri(), uri);  // stays encoded, so it resolves again
  EXPECT_EQ(llvm_datasets()->benchmark(b->uri()).get(), b.get());
}

TEST_F(UserPrograms, GccTargetKeepsSources) {
  auto b = gcc_datasets()->benchmark(file_uri(root() / "hello.c"));
  EXPECT_EQ(b->format(), ProgramFormat::kC);
  EXPECT_EQ(b->program(), read_file(root() / "hello.c"));
  auto cxx = gcc_datasets()->benchmark(file_uri(root() / "hello.cc"));
  EXPECT_EQ(cxx->format(), ProgramFormat::kCxx);
  const std::string msg =
      message_of([&] { gcc_datasets()->benchmark(file_uri(root() / "hello.ll")); });
  EXPECT_NE(msg.find("needs C or C++ sources"), std::string::npos) << msg;
}

TEST_F(UserPrograms, MultiFileBenchmarkIsLinked) {
  auto b = make_benchmark({root() / "proj" / "main.c", root() / "proj" / "lib.c"}, {"-DSCALE=3"});
  EXPECT_TRUE(b->uri().starts_with("benchmark://user-v0/")) << b->uri();
  EXPECT_EQ(b->format(), ProgramFormat::kLlvmBitcode);
  ASSERT_EQ(b->data().sources.size(), 2u);
  EXPECT_EQ(b->data().sources[0].name, "main.c");
  EXPECT_EQ(*make_runnable(*b)->data().reference_output, "42 7\n");
  // Resolvable by URI while alive; the same inputs give the same URI.
  EXPECT_EQ(llvm_datasets()->benchmark(b->uri()).get(), b.get());
  auto again =
      make_benchmark({root() / "proj" / "main.c", root() / "proj" / "lib.c"}, {"-DSCALE=3"});
  EXPECT_EQ(again->uri(), b->uri());
  EXPECT_NE(make_benchmark({root() / "proj" / "main.c", root() / "proj" / "lib.c"})->uri(),
            b->uri());
  // A build from the stored sources still finds lib.h (via -iquote).
  auto gcc = make_benchmark({root() / "proj" / "main.c", root() / "proj" / "lib.c"}, {"-DSCALE=3"},
                            ProgramFormat::kC);
  EXPECT_EQ(gcc->format(), ProgramFormat::kC);
  EXPECT_EQ(*make_runnable(*gcc)->data().reference_output, "42 7\n");
}

TEST_F(UserPrograms, UserUrisDoNotOutliveTheirBenchmark) {
  std::string uri;
  {
    auto b = make_benchmark({root() / "hello.c"}, {"-DUNUSED=1"});
    uri = b->uri();
  }
  const std::string msg = message_of([&] { llvm_datasets()->benchmark(uri); });
  EXPECT_NE(msg.find("not loaded"), std::string::npos) << msg;
}

TEST_F(UserPrograms, CommandLineKeepsDefinesAndIncludes) {
  write_text(root() / "inc" / "lib.h", "int scaled(int x);\n");
  const std::string cmd = "clang -O2 -g -Wall -DSCALE=3 -I inc proj/main.c proj/lib.c -o prog -lm";
  auto b = make_benchmark_from_command_line(cmd, ProgramFormat::kLlvmBitcode, root());
  EXPECT_TRUE(b->uri().starts_with("benchmark://clang-v0/")) << b->uri();
  EXPECT_EQ(b->data().build_command,
            (std::vector<std::string>{"clang", "-O2", "-g", "-Wall", "-DSCALE=3", "-I", "inc",
                                      "proj/main.c", "proj/lib.c", "-o", "prog", "-lm"}));
  const auto& cf = b->data().compile_flags;
  EXPECT_NE(std::find(cf.begin(), cf.end(), "-DSCALE=3"), cf.end());
  EXPECT_NE(std::find(cf.begin(), cf.end(), (root() / "inc").string()), cf.end());
  EXPECT_EQ(std::find(cf.begin(), cf.end(), "-O2"), cf.end());
  const auto dropped = b->data().metadata["dropped_flags"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(dropped.begin(), dropped.end(), "-O2"), dropped.end());
  EXPECT_NE(std::find(dropped.begin(), dropped.end(), "-o prog"), dropped.end());
  EXPECT_EQ(*make_runnable(*b)->data().reference_output, "42 7\n");
  EXPECT_EQ(llvm_datasets()->benchmark(b->uri()).get(), b.get());
}

TEST_F(UserPrograms, CommandLineQuotesAndCxxDriver) {
  write_text(root() / "q.cc", "#include <cstdio>\nint main() { std::puts(GREETING); }\n");
  auto b = make_benchmark_from_command_line("g++ '-DGREETING=\"hi there\"' " +
                                            (root() / "q.cc").string() + " -o q");
  EXPECT_EQ(*make_runnable(*b)->data().reference_output, "hi there\n");
}

TEST_F(UserPrograms, CommandLineErrors) {
  EXPECT_THROW(make_benchmark_from_command_line(""), InvalidArgument);
  std::string msg = message_of([&] { make_benchmark_from_command_line("clang -O2 -o prog"); });
  EXPECT_NE(msg.find("names no source file"), std::string::npos) << msg;
  msg = message_of([&] {
    make_benchmark_from_command_line("clang a.o b.c", ProgramFormat::kLlvmBitcode, root());
  });
  EXPECT_NE(msg.find("object file"), std::string::npos) << msg;
  msg = message_of([&] { make_benchmark_from_command_line("-O2 a.c"); });
  EXPECT_NE(msg.find("starts with the compiler"), std::string::npos) << msg;
  msg = message_of([&] { make_benchmark_from_command_line("clang 'a.c"); });
  EXPECT_NE(msg.find("unterminated"), std::string::npos) << msg;
}

TEST_F(UserPrograms, MissingAndUnsupportedFiles) {
  std::string msg = message_of([&] { llvm_datasets()->benchmark(file_uri(root() / "nope.c")); });
  EXPECT_NE(msg.find((root() / "nope.c").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("no such file"), std::string::npos) << msg;
  EXPECT_THROW(llvm_datasets()->benchmark(file_uri(root() / "nope.c")), BenchmarkInitError);

  msg = message_of([&] { llvm_datasets()->benchmark(file_uri(root() / "proj" / "lib.h")); });
  EXPECT_NE(msg.find("unsupported extension '.h'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(".c, .cc, .cpp, .cxx, .ll, .bc"), std::string::npos) << msg;

  msg = message_of([&] { llvm_datasets()->benchmark(file_uri(root() / "proj")); });
  EXPECT_NE(msg.find("no extension"), std::string::npos) << msg;

  write_text(root() / "fake.bc", "not bitcode at all");
  msg = message_of([&] { llvm_datasets()->benchmark(file_uri(root() / "fake.bc")); });
  EXPECT_NE(msg.find("is not LLVM bitcode"), std::string::npos) << msg;

  EXPECT_THROW(llvm_datasets()->benchmark("file://relative/path.c"), InvalidArgument);
  EXPECT_THROW(make_benchmark({}), InvalidArgument);
}

TEST_F(UserPrograms, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: every file is readable";
  write_text(root() / "secret.c", "int main(void) { return 0; }\n");
  fs::permissions(root() / "secret.c", fs::perms::none);
  const std::string msg =
      message_of([&] { llvm_datasets()->benchmark(file_uri(root() / "secret.c")); });
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
}

TEST_F(UserPrograms, SourceThatDoesNotCompileShowsTheCompilersMessage) {
  write_text(root() / "broken.c", "int main(void) {\n  int x = 1\n  return x;\n}\n");
  for (const auto& datasets : {llvm_datasets(), gcc_datasets()}) {
    try {
      datasets->benchmark(file_uri(root() / "broken.c"));
      ADD_FAILURE() << "expected BenchmarkInitError";
    } catch (const BenchmarkInitError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("broken.c"), std::string::npos) << msg;
      EXPECT_NE(msg.find("expected ';'"), std::string::npos) << msg;
    }
  }
  const std::string msg = message_of([&] {
    make_benchmark({root() / "hello.c", root() / "broken.c"});
  });
  EXPECT_NE(msg.find("broken.c:2"), std::string::npos) << msg;
}

TEST_F(UserPrograms, BadUris) {
  EXPECT_THROW(llvm_datasets()->benchmark(""), InvalidArgument);
  std::string msg = message_of([&] { llvm_datasets()->benchmark("benchmark://nope-v0/x"); });
  EXPECT_NE(msg.find("benchmark://cgym-v0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("generator://csmith-v0"), std::string::npos) << msg;
  EXPECT_THROW(llvm_datasets()->benchmark("benchmark://nope-v0/x"), LookupError);
  EXPECT_THROW(llvm_datasets()->benchmark("generator://csmith-v0/banana"), LookupError);
  EXPECT_THROW(llvm_datasets()->benchmark("benchmark://user-v0/0123"), LookupError);
}

TEST_F(UserPrograms, DirectoryDataset) {
  write_text(root() / "tree" / "b.c", "int main(void) { return 0; }\n");
  write_text(root() / "tree" / "sub" / "a.c",
             "#include <stdio.h>\nint main(void) { puts(\"a\"); return 0; }\n");
  write_text(root() / "tree" / "sub" / "x y.ll", read_file(root() / "hello.ll"));
  write_text(root() / "tree" / "notes.txt", "not a program\n");
  write_text(root() / "outside.c", "int main(void) { return 1; }\n");
  fs::create_symlink(root() / "outside.c", root() / "tree" / "link.c");
  fs::create_symlink(root() / "tree" / "b.c", root() / "tree" / "inner-link.c");

  auto d = make_directory_dataset("mine-v0", root() / "tree");
  EXPECT_EQ(d->name(), "benchmark://mine-v0");
  std::vector<std::string> uris;
  for (const auto& u : d->benchmark_uris()) uris.push_back(u);
  EXPECT_EQ(uris, (std::vector<std::string>{
                      "benchmark://mine-v0/b.c", "benchmark://mine-v0/inner-link.c",
                      "benchmark://mine-v0/sub/a.c", "benchmark://mine-v0/sub/x%20y.ll"}));
  auto a = d->benchmark("benchmark://mine-v0/sub/a.c");
  EXPECT_EQ(a->uri(), "benchmark://mine-v0/sub/a.c");
  EXPECT_EQ(*make_runnable(*a)->data().reference_output, "a\n");
  EXPECT_EQ(d->benchmark(uris[3])->format(), ProgramFormat::kLlvmIr);
  Datasets collection({d});
  EXPECT_EQ(collection.benchmark("mine-v0/b.c")->uri(), "benchmark://mine-v0/b.c");

  // Never outside the root.
  for (const char* escape :
       {"benchmark://mine-v0/../outside.c", "benchmark://mine-v0/sub/../../outside.c",
        "benchmark://mine-v0/%2E%2E/outside.c"}) {
    const std::string msg = message_of([&] { d->benchmark(escape); });
    EXPECT_NE(msg.find("escape"), std::string::npos) << escape << ": " << msg;
  }
  std::string msg = message_of([&] { d->benchmark("benchmark://mine-v0/link.c"); });
  EXPECT_NE(msg.find("outside the dataset's root"), std::string::npos) << msg;
  msg = message_of([&] { d->benchmark("benchmark://mine-v0/notes.txt"); });
  EXPECT_NE(msg.find("unsupported extension"), std::string::npos) << msg;
  msg = message_of([&] { d->benchmark("benchmark://mine-v0/sub/b.c"); });
  EXPECT_NE(msg.find("no such file"), std::string::npos) << msg;
  EXPECT_NE(msg.find("b.c"), std::string::npos) << msg;

  EXPECT_THROW(make_directory_dataset("bad/name", root() / "tree"), InvalidArgument);
  EXPECT_THROW(make_directory_dataset("ok-v0", root() / "hello.c"), InvalidArgument);
}

TEST(UserDatasets, CollectionsAreSharedAndOrdered) {
  EXPECT_EQ(llvm_datasets().get(), llvm_datasets().get());
  std::vector<std::string> names;
  for (const auto& d : llvm_datasets()->datasets()) names.push_back(d->name());
  for (const char* want :
       {"benchmark://cgym-v0", "generator://csmith-v0", "generator://llvm-stress-v0", "file://",
        "benchmark://user-v0", "benchmark://clang-v0"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  names.clear();
  for (const auto& d : gcc_datasets()->datasets()) names.push_back(d->name());
  EXPECT_EQ(std::find(names.begin(), names.end(), "generator://llvm-stress-v0"), names.end());
  // Non-enumerable datasets are never drawn.
  Datasets only_files({make_file_dataset(ProgramFormat::kLlvmBitcode)});
  Rng rng(1);
  EXPECT_THROW(only_files.random_benchmark(rng), LookupError);
}
