// main() of every test binary: points cgym's caches and worker at this
// build tree (unless the caller set them), so tests never touch the user's
// ~/.cache and work the same from ctest and when run by hand.
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  setenv("CGYM_CACHE", CGYM_BINARY_DIR "/test-cache", /*overwrite=*/0);
  setenv("CGYM_SITE_DATA", CGYM_BINARY_DIR "/test-site-data", 0);
  setenv("CGYM_WORKER", CGYM_BINARY_DIR "/bin/cgym-test-worker", 0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
