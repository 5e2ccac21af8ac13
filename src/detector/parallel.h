// Intra-image parallelism that uses idle cores only.
//
// The server already runs up to one analysis per core (its compute gate). Under load every
// core is then busy with its own image, which is the most efficient use of the machine; a
// single request, however, should get all cores. So a parallel region asks how many cores are
// idle right now (cores minus the threads of this process that are computing) and splits its
// work into that many parts at most; the calling thread always works on its own parts, and
// pool threads only help, so the region never waits for a busy pool.
#ifndef MAMMOCAD_DETECTOR_PARALLEL_H_
#define MAMMOCAD_DETECTOR_PARALLEL_H_

#include <functional>

namespace mammocad::detail {

// Counts the calling thread as computing while it lives (one per Detect call).
class ComputingThread {
 public:
  ComputingThread();
  ~ComputingThread();
  ComputingThread(const ComputingThread&) = delete;
  ComputingThread& operator=(const ComputingThread&) = delete;
};

// Threads a parallel region may use now: 1 + idle cores, at most `max_threads` (0: no limit).
int AvailableThreads(int max_threads);

// Runs task(0) ... task(count - 1) on the calling thread and on up to `threads - 1` pool
// threads, and returns when all are done. An exception thrown by a task is rethrown here
// (the first one; the other tasks still run to completion).
void ParallelFor(int count, int threads, const std::function<void(int)>& task);

}  // namespace mammocad::detail

#endif  // MAMMOCAD_DETECTOR_PARALLEL_H_
