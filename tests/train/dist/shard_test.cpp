#include "train/dist/shard.h"

#include <gtest/gtest.h>

namespace upt::train::dist {
namespace {

TEST(ShardTest, RangesPartitionEveryCountAndDifferInSizeByAtMostOne) {
  for (int world = 1; world <= 9; ++world)
    for (int count = 0; count <= 40; ++count) {
      int next = 0, min_size = count, max_size = 0;
      for (int r = 0; r < world; ++r) {
        const ShardRange s = ShardOf(count, r, world);
        EXPECT_EQ(s.begin, next) << "count=" << count << " world=" << world << " rank=" << r;
        next = s.end;
        min_size = std::min(min_size, s.size());
        max_size = std::max(max_size, s.size());
      }
      EXPECT_EQ(next, count);
      EXPECT_LE(max_size - min_size, 1);
    }
}

TEST(ShardTest, OwnerOfAgreesWithShardOfByBruteForce) {
  for (int world = 1; world <= 7; ++world)
    for (int count = 1; count <= 30; ++count)
      for (int i = 0; i < count; ++i) {
        const int owner = OwnerOf(i, count, world);
        EXPECT_TRUE(ShardOf(count, owner, world).contains(i)) << i << "/" << count << " world " << world;
      }
}

TEST(ShardTest, OwnedRowsKeepWholeGroupsAndCoverTheBatchOnce) {
  const int questions = 5, group = 4, world = 2;
  std::vector<int> seen(questions * group, 0);
  for (int r = 0; r < world; ++r) {
    const auto rows = OwnedRows(questions, group, r, world);
    ASSERT_EQ(rows.size() % group, 0u);
    for (size_t k = 0; k < rows.size(); k += group)
      for (int j = 0; j < group; ++j) EXPECT_EQ(rows[k + j] / group, rows[k] / group);  // one question
    for (int row : rows) seen[row] += 1;
  }
  for (int c : seen) EXPECT_EQ(c, 1);
  EXPECT_EQ(OwnedRows(questions, group, 0, world).front(), 0);
  EXPECT_EQ(OwnedRows(questions, group, 1, world).front(), 3 * group);  // rank 0 owns questions 0..2
}

TEST(ShardTest, OwnedQuestionsGiveEveryRankAShareOfEveryMinibatch) {
  // 10 questions in mini-batches of 4 (4, 4, 2) over 2 ranks.
  EXPECT_EQ(OwnedQuestions(10, 4, 0, 2), (std::vector<int>{0, 1, 4, 5, 8}));
  EXPECT_EQ(OwnedQuestions(10, 4, 1, 2), (std::vector<int>{2, 3, 6, 7, 9}));
  for (int world = 1; world <= 5; ++world) {
    std::vector<int> seen(23, 0);
    for (int r = 0; r < world; ++r)
      for (int q : OwnedQuestions(23, 6, r, world)) seen[q] += 1;
    for (int c : seen) EXPECT_EQ(c, 1) << "world " << world;
  }
}

TEST(ShardTest, MoreRanksThanQuestionsLeavesTrailingRanksEmpty) {
  EXPECT_EQ(ShardOf(2, 3, 4).size(), 0);
  EXPECT_EQ(ShardOf(2, 1, 4).size(), 1);
  EXPECT_TRUE(OwnedRows(2, 8, 2, 4).empty());
}

}  // namespace
}  // namespace upt::train::dist
