#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace mammocad {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      terminal_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::Update(int done, int total) {
  if (total <= 0) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = done * kWidth / total;
    const double eta = done > 0 ? seconds / done * (total - done) : 0.0;
    std::fprintf(stderr, "\r%s [%.*s%*s] %d/%d  %.0f s, ~%.0f s left ", label_.c_str(), filled,
                 "##############################", kWidth - filled, "", done, total, seconds, eta);
    if (done == total) std::fputc('\n', stderr);
  } else {
    const int decile = done * 10 / total;
    if (decile == last_reported_decile_) return;
    last_reported_decile_ = decile;
    std::fprintf(stderr, "%s: %d/%d images (%.0f s)\n", label_.c_str(), done, total, seconds);
  }
  std::fflush(stderr);
}

}  // namespace mammocad
