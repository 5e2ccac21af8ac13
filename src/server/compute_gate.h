// The server's compute gate: at most `slots` analyses at once, admitted in arrival order.
//
// std::counting_semaphore wakes an arbitrary waiter; under a steady overload (8 clients, 2
// slots) some requests then waited several turns while others went straight through, and the
// p99 latency was 7x the median. Tickets served in order make every request wait about the
// same time.
#ifndef MAMMOCAD_SERVER_COMPUTE_GATE_H_
#define MAMMOCAD_SERVER_COMPUTE_GATE_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace mammocad {

class ComputeGate {
 public:
  explicit ComputeGate(int slots) : free_slots_(slots) {}

  void Enter() {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = next_ticket_++;
    changed_.wait(lock, [&] { return ticket == now_serving_ && free_slots_ > 0; });
    ++now_serving_;
    --free_slots_;
    changed_.notify_all();  // the next ticket may enter too if a slot is free
  }

  void Leave() {
    {
      std::lock_guard lock(mutex_);
      ++free_slots_;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int free_slots_;
  std::uint64_t next_ticket_ = 0, now_serving_ = 0;
};

// Holds a slot for its lifetime.
class ComputeSlot {
 public:
  explicit ComputeSlot(ComputeGate& gate) : gate_(gate) { gate_.Enter(); }
  ~ComputeSlot() { gate_.Leave(); }
  ComputeSlot(const ComputeSlot&) = delete;
  ComputeSlot& operator=(const ComputeSlot&) = delete;

 private:
  ComputeGate& gate_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_COMPUTE_GATE_H_
