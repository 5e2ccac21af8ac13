#include "cli/progress.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>

namespace mammocad {

ProgressBar::ProgressBar(std::string label, int plain_every_percent)
    : label_(std::move(label)),
      terminal_(isatty(STDERR_FILENO) == 1),
      plain_every_percent_(plain_every_percent < 1 ? 1 : plain_every_percent),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::Update(int done, int total) {
  if (total <= 0) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = done * kWidth / total;
    const double eta = done > 0 ? seconds / done * (total - done) : 0.0;
    const double rate = seconds > 0 ? done / seconds : 0.0;
    std::fprintf(stderr, "\r%s [%.*s%*s] %d/%d  %.2f images/s  %.0f s, ~%.0f s left ",
                 label_.c_str(), filled, "##############################", kWidth - filled, "",
                 done, total, rate, seconds, eta);
    if (done == total) std::fputc('\n', stderr);
  } else {
    const int step = int(std::int64_t(done) * 100 / total) / plain_every_percent_;
    if (step == last_reported_step_) return;
    last_reported_step_ = step;
    std::fprintf(stderr, "%s: %d/%d images (%.0f s, %.2f images/s)\n", label_.c_str(), done,
                 total, seconds, seconds > 0 ? done / seconds : 0.0);
  }
  std::fflush(stderr);
}

}  // namespace mammocad
