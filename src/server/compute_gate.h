// The server's compute gate: at most `slots` analyses at once, admitted in arrival order.
//
// std::counting_semaphore wakes an arbitrary waiter; under a steady overload (8 clients, 2
// slots) some requests then waited several turns while others went straight through, and the
// p99 latency was 7x the median. Tickets served in order make every request wait about the
// same time.
//
// Thread-safety: Enter and Leave may be called from any number of threads.
#ifndef MAMMOCAD_SERVER_COMPUTE_GATE_H_
#define MAMMOCAD_SERVER_COMPUTE_GATE_H_

#include <memory>

namespace mammocad {

class ComputeGate {
 public:
  explicit ComputeGate(int slots);
  ~ComputeGate();
  ComputeGate(const ComputeGate&) = delete;
  ComputeGate& operator=(const ComputeGate&) = delete;

  // Waits for this caller's turn and a free slot.
  void Enter();
  // Frees the slot taken by Enter.
  void Leave();

 private:
  struct State;  // the lock, the condition and the ticket counters (compute_gate.cc)
  std::unique_ptr<State> state_;
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
