// The admission queue: bounded, in order, refuses when full or closed, drains what it took.
#include "server/admission_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <vector>

namespace mammocad {
namespace {

TEST(AdmissionQueue, RefusesWhenFullAndRunsEverythingItTook) {
  AdmissionQueue queue(/*workers=*/1, /*capacity=*/2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::mutex order_mutex;
  std::vector<int> order;
  // The one worker blocks on the first job, so the next two wait and the fourth is refused.
  ASSERT_TRUE(queue.TrySubmit([&] {
    started.set_value();
    released.wait();
    std::lock_guard lock(order_mutex);
    order.push_back(0);
  }));
  started.get_future().wait();
  EXPECT_EQ(queue.running(), 1);
  for (int i = 1; i <= 2; ++i) {
    EXPECT_TRUE(queue.TrySubmit([&, i] {
      std::lock_guard lock(order_mutex);
      order.push_back(i);
    }));
  }
  EXPECT_EQ(queue.waiting(), 2);
  EXPECT_TRUE(queue.full());
  EXPECT_FALSE(queue.TrySubmit([] {}));
  release.set_value();
  queue.Drain();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(queue.waiting(), 0);
  EXPECT_EQ(queue.running(), 0);
}

TEST(AdmissionQueue, DrainRunsQueuedJobsAndRefusesNewOnes) {
  std::atomic<int> ran{0};
  AdmissionQueue queue(/*workers=*/3, /*capacity=*/100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(queue.TrySubmit([&] { ++ran; }));
  queue.Close();
  EXPECT_FALSE(queue.TrySubmit([&] { ++ran; }));
  queue.Drain();
  queue.Drain();  // idempotent
  EXPECT_EQ(ran.load(), 50);
}

TEST(AdmissionQueue, CapacityAndWorkersAreAtLeastOne) {
  AdmissionQueue queue(0, 0);
  EXPECT_EQ(queue.capacity(), 1);
  std::promise<void> done;
  ASSERT_TRUE(queue.TrySubmit([&] { done.set_value(); }));
  done.get_future().wait();  // a worker exists
}

}  // namespace
}  // namespace mammocad
