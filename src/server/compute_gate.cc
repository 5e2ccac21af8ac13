#include "server/compute_gate.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace mammocad {

struct ComputeGate::State {
  explicit State(int slots) : free_slots(slots) {}
  std::mutex mutex;
  std::condition_variable changed;
  int free_slots;
  std::uint64_t next_ticket = 0, now_serving = 0;
};

ComputeGate::ComputeGate(int slots) : state_(std::make_unique<State>(slots)) {}
ComputeGate::~ComputeGate() = default;

void ComputeGate::Enter() {
  std::unique_lock lock(state_->mutex);
  const std::uint64_t ticket = state_->next_ticket++;
  state_->changed.wait(lock, [&] {
    return ticket == state_->now_serving && state_->free_slots > 0;
  });
  ++state_->now_serving;
  --state_->free_slots;
  state_->changed.notify_all();  // the next ticket may enter too if a slot is free
}

void ComputeGate::Leave() {
  {
    std::lock_guard lock(state_->mutex);
    ++state_->free_slots;
  }
  state_->changed.notify_all();
}

}  // namespace mammocad
