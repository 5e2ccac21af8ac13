#include "batch/shard.h"

#include <gtest/gtest.h>

namespace mammocad {
namespace {

TEST(Shard, ParsesIndexOverCount) {
  Shard shard;
  ASSERT_TRUE(ParseShard("3/8", &shard).ok());
  EXPECT_EQ(shard.index, 3);
  EXPECT_EQ(shard.count, 8);
  ASSERT_TRUE(ParseShard("0/1", &shard).ok());
  EXPECT_EQ(ShardSuffix(shard), "");
  EXPECT_EQ(ShardSuffix(Shard{1, 4}), ".shard-1-of-4");
}

TEST(Shard, RefusesWhatIsNoShard) {
  for (const char* bad : {"", "1", "2/2", "-1/2", "0/0", "a/2", "1/2x", "1 /2", "0/100001"}) {
    Shard shard;
    const Status status = ParseShard(bad, &shard);
    EXPECT_EQ(status.code(), ErrorCode::kBadParameter) << bad;
    EXPECT_NE(status.message().find("I/N"), std::string::npos) << bad;
  }
}

TEST(Shard, HashIsFnv1a64) {
  // Published FNV-1a test values: the split must never change between releases.
  EXPECT_EQ(StableHash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(StableHash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(StableHash("foobar"), 0x85944171f73967e8ull);
}

TEST(Shard, EveryFileIsInExactlyOneShardAndShardsAreBalanced) {
  constexpr int kShards = 4;
  int per_shard[kShards] = {};
  for (int i = 0; i < 4000; ++i) {
    BatchInput input;
    input.relative_path = "patient" + std::to_string(i / 4) + "/image" + std::to_string(i) + ".dcm";
    int owners = 0;
    for (int s = 0; s < kShards; ++s) {
      if (InShard(input, Shard{s, kShards})) {
        ++owners;
        ++per_shard[s];
      }
    }
    EXPECT_EQ(owners, 1) << input.relative_path;
  }
  for (int s = 0; s < kShards; ++s) EXPECT_NEAR(per_shard[s], 1000, 150) << s;
}

TEST(Shard, DependsOnTheRelativePathOnly) {
  BatchInput here, there;
  here.path = "/mnt/a/archive/x/1.dcm";
  there.path = "/data/archive/x/1.dcm";
  here.relative_path = there.relative_path = "x/1.dcm";
  for (int s = 0; s < 7; ++s) EXPECT_EQ(InShard(here, {s, 7}), InShard(there, {s, 7}));
}

}  // namespace
}  // namespace mammocad
