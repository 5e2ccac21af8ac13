#include "eval/fan_out.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace mammocad {
namespace {

TEST(FanOut, RunsEveryIndexOnceAndReportsProgress) {
  for (int threads : {1, 3}) {
    std::vector<std::atomic<int>> runs(50);
    std::vector<int> progress;
    const Status s = FanOut(50, threads, [&](int i) { ++runs[i]; return Status::Ok(); },
                            [&](int done, int total) {
                              EXPECT_EQ(total, 50);
                              progress.push_back(done);
                            });
    ASSERT_TRUE(s.ok());
    for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
    ASSERT_EQ(progress.size(), 50u);
    EXPECT_EQ(progress.back(), 50);
  }
}

TEST(FanOut, ReturnsTheLowestFailingIndexWhateverTheTiming) {
  std::atomic<int> ran{0};
  const Status s = FanOut(40, 4, [&](int i) {
    ++ran;
    if (i == 7 || i == 30) return Status(ErrorCode::kIoError, "image " + std::to_string(i));
    return Status::Ok();
  }, nullptr);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_EQ(s.message(), "image 7");
  EXPECT_EQ(ran.load(), 40);  // one failure does not stop the others
  EXPECT_TRUE(FanOut(0, 2, [](int) { return Status(ErrorCode::kInternal, "never"); }, nullptr).ok());
}

}  // namespace
}  // namespace mammocad
