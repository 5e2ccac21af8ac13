// A progress indicator on stderr: a redrawn bar with the rate and the time left when stderr
// is a terminal, otherwise (logs, CI) a plain "done/total" line every `plain_every_percent`
// (10 by default) so that logs stay short.
#ifndef MAMMOCAD_CLI_PROGRESS_H_
#define MAMMOCAD_CLI_PROGRESS_H_

#include <chrono>
#include <string>

namespace mammocad {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label, int plain_every_percent = 10);
  // Not thread-safe: callers serialise (EvaluateImages does).
  void Update(int done, int total);

 private:
  std::string label_;
  bool terminal_;
  int plain_every_percent_;
  int last_reported_step_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_PROGRESS_H_
