#include "detector/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace mammocad::detail {
namespace {

TEST(ParallelFor, RunsEveryTaskOnceWhateverTheThreads) {
  for (int threads : {1, 2, 4}) {
    std::vector<std::atomic<int>> runs(37);
    ParallelFor(static_cast<int>(runs.size()), threads, [&](int i) { ++runs[i]; });
    for (const auto& r : runs) EXPECT_EQ(r.load(), 1) << threads;
  }
}

TEST(ParallelFor, RethrowsATasksExceptionAfterTheOthersFinish) {
  std::atomic<int> finished{0};
  EXPECT_THROW(ParallelFor(8, 2,
                           [&](int i) {
                             if (i == 3) throw std::runtime_error("task 3");
                             ++finished;
                           }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 7);
}

TEST(AvailableThreads, CountsTheComputingThreadsAndHonoursTheCap) {
  const ComputingThread computing;  // as inside Detect
  EXPECT_EQ(AvailableThreads(1), 1);
  const int all = AvailableThreads(0);
  EXPECT_GE(all, 1);
  {
    const ComputingThread another;  // a second request on another core
    EXPECT_EQ(AvailableThreads(0), std::max(1, all - 1));
  }
  EXPECT_EQ(AvailableThreads(0), all);
}

}  // namespace
}  // namespace mammocad::detail
