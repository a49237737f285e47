#include "progress_display.hpp"

#include "evaluation.hpp"

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace nas::core {

ProgressDisplay::ProgressDisplay() : enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressDisplay::update(const std::string &stage, long done, long budget, double best,
                             double rate, bool force) {
  if (!enabled_)
    return;
  double now = now_seconds();
  if (!force && now - last_ < 0.1)
    return;
  last_ = now;
  char total[32] = "";
  if (budget > 0)
    std::snprintf(total, sizeof total, "/%ld", budget);
  char best_text[32] = "-";
  if (!std::isnan(best))
    std::snprintf(best_text, sizeof best_text, "%.4g", best);
  std::fprintf(stderr, "\r\033[K[%s] %ld%s trials | best %s | %.1f trials/s", stage.c_str(), done,
               total, best_text, rate);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressDisplay::finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\n");
    drawn_ = false;
  }
}

} // namespace nas::core
