// A progress indicator on stderr: a redrawn bar when stderr is a terminal, otherwise (logs,
// CI) a plain "done/total" line every 10% so that logs stay short.
#ifndef MAMMOCAD_CLI_PROGRESS_H_
#define MAMMOCAD_CLI_PROGRESS_H_

#include <chrono>
#include <string>

namespace mammocad {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  // Not thread-safe: callers serialise (EvaluateImages does).
  void Update(int done, int total);

 private:
  std::string label_;
  bool terminal_;
  int last_reported_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_PROGRESS_H_
