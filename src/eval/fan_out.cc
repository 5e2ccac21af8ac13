#include "eval/fan_out.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace mammocad {

Status FanOut(int n, int threads, const std::function<Status(int)>& task,
              const ProgressCallback& progress) {
  std::atomic<int> next{0};
  std::mutex lock;
  int done = 0;
  std::vector<Status> statuses(std::max(0, n));
  const auto worker = [&] {
    for (int i = next++; i < n; i = next++) {
      statuses[i] = task(i);
      std::lock_guard<std::mutex> guard(lock);
      ++done;
      if (progress) progress(done, n);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::clamp(threads, 1, std::max(1, n)); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (const Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace mammocad
