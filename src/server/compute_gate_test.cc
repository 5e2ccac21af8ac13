#include "server/compute_gate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace mammocad {
namespace {

TEST(ComputeGate, NeverAdmitsMoreThanItsSlots) {
  for (int slots : {1, 2}) {
    ComputeGate gate(slots);
    std::atomic<int> inside{0}, most{0}, served{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([&] {
        for (int i = 0; i < 200; ++i) {
          const ComputeSlot slot(gate);
          const int now = ++inside;
          int seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          std::this_thread::yield();
          --inside;
          ++served;
        }
      });
    }
    for (std::thread& t : clients) t.join();
    EXPECT_EQ(served.load(), 8 * 200);  // nobody starved or deadlocked
    EXPECT_LE(most.load(), slots);
    EXPECT_GE(most.load(), 1);
  }
}

}  // namespace
}  // namespace mammocad
