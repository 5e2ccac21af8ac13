#include "server/admission_queue.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace mammocad {

struct AdmissionQueue::State {
  explicit State(int cap) : capacity(std::max(1, cap)) {}
  const int capacity;
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::function<void()>> jobs;
  int running = 0;
  bool closed = false;
  std::vector<std::thread> workers;  // joined by Drain(), under `join_mutex`
  std::mutex join_mutex;

  void Work() {
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [this] { return closed || !jobs.empty(); });
      if (jobs.empty()) return;  // closed and nothing left
      std::function<void()> job = std::move(jobs.front());
      jobs.pop_front();
      ++running;
      lock.unlock();
      job();
      job = nullptr;  // the job's captures (a request body) are freed before the next one
      lock.lock();
      --running;
    }
  }
};

AdmissionQueue::AdmissionQueue(int workers, int capacity)
    : state_(std::make_unique<State>(capacity)) {
  for (int i = 0; i < std::max(1, workers); ++i)
    state_->workers.emplace_back([state = state_.get()] { state->Work(); });
}

AdmissionQueue::~AdmissionQueue() { Drain(); }

bool AdmissionQueue::TrySubmit(std::function<void()> job) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->closed || int(state_->jobs.size()) >= state_->capacity) return false;
    state_->jobs.push_back(std::move(job));
  }
  state_->changed.notify_one();
  return true;
}

void AdmissionQueue::Close() {
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
  }
  state_->changed.notify_all();
}

void AdmissionQueue::Drain() {
  Close();
  std::lock_guard join_lock(state_->join_mutex);
  for (std::thread& worker : state_->workers)
    if (worker.joinable()) worker.join();
}

int AdmissionQueue::waiting() const {
  std::lock_guard lock(state_->mutex);
  return int(state_->jobs.size());
}

int AdmissionQueue::running() const {
  std::lock_guard lock(state_->mutex);
  return state_->running;
}

int AdmissionQueue::capacity() const { return state_->capacity; }

bool AdmissionQueue::full() const { return waiting() >= capacity(); }

}  // namespace mammocad
