// A process-wide pool of helper threads (one fewer than the cores) and the count of computing
// threads that decides how many of them a parallel region may use.
#include "detector/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace mammocad::detail {
namespace {

int Cores() {
  static const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return cores;
}

// Threads of this process doing detector work now: Detect callers and busy helpers.
std::atomic<int> computing_threads{0};

// One parallel region: tasks are claimed by index, by the caller and by whichever helpers
// arrive; helpers that arrive after the last claim leave at once.
struct Region {
  Region(int n, const std::function<void(int)>* t) : count(n), task(t) {}

  // Claims and runs tasks until none are left.
  void Work() {
    for (int i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      try {
        (*task)(i);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
      }
      std::lock_guard lock(mutex);
      if (++finished == count) all_finished.notify_all();
    }
  }

  void WaitForAll() {
    std::unique_lock lock(mutex);
    all_finished.wait(lock, [&] { return finished == count; });
  }

  const int count;
  const std::function<void(int)>* task;  // valid until every task has finished
  std::atomic<int> next{0};
  std::mutex mutex;
  std::condition_variable all_finished;
  int finished = 0;
  std::exception_ptr error;
};

class HelperPool {
 public:
  static HelperPool& Instance() {
    // Never destroyed: helpers may still be waiting for work at exit.
    static HelperPool* pool = new HelperPool(std::max(1, Cores() - 1));
    return *pool;
  }

  void Offer(const std::shared_ptr<Region>& region, int helpers) {
    {
      std::lock_guard lock(mutex_);
      for (int i = 0; i < helpers; ++i) queue_.push_back(region);
    }
    for (int i = 0; i < helpers; ++i) wake_.notify_one();
  }

 private:
  explicit HelperPool(int threads) {
    for (int i = 0; i < threads; ++i) std::thread([this] { Serve(); }).detach();
  }

  void Serve() {
    for (;;) {
      std::shared_ptr<Region> region;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return !queue_.empty(); });
        region = std::move(queue_.front());
        queue_.pop_front();
      }
      ++computing_threads;
      region->Work();
      --computing_threads;
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Region>> queue_;
};

}  // namespace

ComputingThread::ComputingThread() { ++computing_threads; }
ComputingThread::~ComputingThread() { --computing_threads; }

int AvailableThreads(int max_threads) {
  const int idle = std::max(0, Cores() - computing_threads.load());
  const int limit = max_threads > 0 ? max_threads : Cores();
  return std::max(1, std::min(limit, 1 + idle));
}

void ParallelFor(int count, int threads, const std::function<void(int)>& task) {
  if (count <= 0) return;
  const int helpers = std::min(threads, count) - 1;
  if (helpers <= 0) {
    for (int i = 0; i < count; ++i) task(i);
    return;
  }
  auto region = std::make_shared<Region>(count, &task);
  HelperPool::Instance().Offer(region, helpers);
  region->Work();
  region->WaitForAll();
  if (region->error) std::rethrow_exception(region->error);
}

}  // namespace mammocad::detail
