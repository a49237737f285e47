#include "acquisition.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace nas::bo {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// Below this z, EI's two terms cancel badly: use the asymptotic series instead.
constexpr double kAsymptoticZ = -20;
} // namespace

Acquisition acquisition_from(const std::string &name) {
  if (name == "ei")
    return Acquisition::ei;
  if (name == "ucb")
    return Acquisition::ucb;
  if (name == "pi")
    return Acquisition::pi;
  if (name == "thompson")
    return Acquisition::thompson;
  throw std::invalid_argument("'acquisition' must be \"ei\", \"ucb\", \"pi\" or \"thompson\", "
                              "got \"" +
                              name + "\"");
}

const char *name_of(Acquisition a) {
  switch (a) {
  case Acquisition::ei:
    return "ei";
  case Acquisition::ucb:
    return "ucb";
  case Acquisition::pi:
    return "pi";
  case Acquisition::thompson:
    return "thompson";
  }
  return "?";
}

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double expected_improvement(double mean, double variance, double best) {
  if (!(variance > 0))
    return std::max(mean - best, 0.0);
  double sd = std::sqrt(variance), z = (mean - best) / sd;
  return std::max(sd * (z * normal_cdf(z) + normal_pdf(z)), 0.0);
}

double log_expected_improvement(double mean, double variance, double best) {
  if (!(variance > 0))
    return mean > best ? std::log(mean - best) : -kInf;
  double sd = std::sqrt(variance), z = (mean - best) / sd;
  if (z >= kAsymptoticZ)
    return std::log(sd * std::max(z * normal_cdf(z) + normal_pdf(z), 0.0));
  // z Phi(z) + phi(z) = phi(z) / z^2 (1 - 3/z^2 + 15/z^4 - 105/z^6 + ...), Mills' ratio series.
  double w = 1 / (z * z);
  return std::log(sd) - 0.5 * z * z - 0.5 * std::log(2 * M_PI) + std::log(w) +
         std::log(1 - 3 * w + 15 * w * w - 105 * w * w * w);
}

double probability_of_improvement(double mean, double variance, double best) {
  if (!(variance > 0))
    return mean > best ? 1.0 : 0.0;
  return normal_cdf((mean - best) / std::sqrt(variance));
}

double upper_confidence_bound(double mean, double variance, double beta) {
  return mean + beta * std::sqrt(std::max(variance, 0.0));
}

double score(Acquisition a, double mean, double variance, double best, double beta) {
  switch (a) {
  case Acquisition::ei:
    return log_expected_improvement(mean, variance, best);
  case Acquisition::pi:
    if (!(variance > 0))
      return mean > best ? kInf : -kInf;
    return (mean - best) / std::sqrt(variance);
  case Acquisition::ucb:
    return upper_confidence_bound(mean, variance, beta);
  case Acquisition::thompson:
    break;
  }
  throw std::logic_error("score: thompson ranks a joint sample, not a score");
}

} // namespace nas::bo
