// GoogleTest main for every upt suite: exports UPT_SOURCE_DIR and UPT_BIN (the
// `upt` binary of this build) to tests and child processes unless already set.
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  ::setenv("UPT_SOURCE_DIR", UPT_SOURCE_DIR, /*overwrite=*/0);
  ::setenv("UPT_BIN", UPT_BIN_PATH, /*overwrite=*/0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
