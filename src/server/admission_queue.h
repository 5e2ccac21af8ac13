// The admission queue in front of the compute workers: at most `capacity` complete requests
// wait, and `workers` threads run them in arrival order. A request that finds the queue full
// is refused at once (the bridge answers 503 with Retry-After), so an overload costs a quick
// refusal instead of a growing latency and the memory of ever more held bodies.
//
// Thread-safety: every member may be called from any thread. Jobs run on the queue's own
// threads and must not throw.
#ifndef MAMMOCAD_SERVER_ADMISSION_QUEUE_H_
#define MAMMOCAD_SERVER_ADMISSION_QUEUE_H_

#include <functional>
#include <memory>

namespace mammocad {

class AdmissionQueue {
 public:
  // Starts `workers` threads (at least 1); `capacity` jobs may wait (at least 1).
  AdmissionQueue(int workers, int capacity);
  // Drains (see Drain).
  ~AdmissionQueue();
  AdmissionQueue(const AdmissionQueue&) = delete;
  AdmissionQueue& operator=(const AdmissionQueue&) = delete;

  // Queues `job`, or returns false when `capacity` jobs already wait or after Close().
  bool TrySubmit(std::function<void()> job);
  // Refuses further jobs; the queued ones still run.
  void Close();
  // Close(), then waits until every queued job has run and joins the workers. Idempotent.
  void Drain();

  int waiting() const;   // jobs queued, not yet started
  int running() const;   // jobs being run
  int capacity() const;  // as constructed (at least 1)
  bool full() const;     // waiting() == capacity()

 private:
  struct State;  // the lock, the condition, the jobs and the threads (admission_queue.cc)
  std::unique_ptr<State> state_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_ADMISSION_QUEUE_H_
