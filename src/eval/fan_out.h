// The one fan-out helper of evaluation and training: "run this over many images".
#ifndef MAMMOCAD_EVAL_FAN_OUT_H_
#define MAMMOCAD_EVAL_FAN_OUT_H_

#include <functional>

#include "mammocad/status.h"

namespace mammocad {

// Called after each finished task with the number done so far and the total.
using ProgressCallback = std::function<void(int done, int total)>;

// Runs task(i) for every i in [0, n), each once, on up to `threads` threads (the calling one
// included) taking the next index from a shared counter. `progress` (may be empty) is called
// after each task, one call at a time. Returns the error of the lowest failing index, so the
// message does not depend on timing; every task runs even when one fails.
Status FanOut(int n, int threads, const std::function<Status(int)>& task,
              const ProgressCallback& progress);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_FAN_OUT_H_
