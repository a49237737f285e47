// Acquisition functions for a maximized objective, as pure functions of a prediction
// (mean, variance) and the incumbent (the best observed value). The BO strategy ranks its
// candidates with score(); tests call the functions directly.
#pragma once

#include <string>

namespace nas::bo {

enum class Acquisition { ei, ucb, pi, thompson };

// "ei", "ucb", "pi" or "thompson"; throws std::invalid_argument otherwise.
Acquisition acquisition_from(const std::string &name);
const char *name_of(Acquisition a);

double normal_pdf(double z);
double normal_cdf(double z);

// E[max(f - best, 0)] for f ~ N(mean, variance) (Jones, Schonlau and Welch 1998):
// (mean - best) Phi(z) + sd phi(z), z = (mean - best) / sd; max(mean - best, 0) when the
// variance is 0, so it is 0 at an observed point of a noise-free model.
double expected_improvement(double mean, double variance, double best);
// log EI, finite where EI underflows to 0 (z below about -38), -inf where EI is exactly 0.
double log_expected_improvement(double mean, double variance, double best);
// P(f > best); 1 or 0 when the variance is 0.
double probability_of_improvement(double mean, double variance, double best);
// mean + beta * sd.
double upper_confidence_bound(double mean, double variance, double beta);

// A number that orders candidates as the acquisition does (larger is better): log EI for ei,
// z = (mean - best) / sd for pi (Phi is monotone; +-inf when sd = 0), the bound for ucb.
// Not for thompson, which ranks a joint sample.
double score(Acquisition a, double mean, double variance, double best, double beta);

} // namespace nas::bo
