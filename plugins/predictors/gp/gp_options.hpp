// The GP's config keys, read and checked once at create.
#pragma once

#include "gp_math.hpp"
#include "gp_types.hpp"

#include <nas/plugin.hpp>

namespace nas::gp {

struct GpOptions {
  double power = 1;          // kernel_power: k = s^2 exp(-d^p / l)
  bool fit = true;           // fit (s^2, l, noise) by maximizing the marginal likelihood
  Hyper initial{1, 0, 1e-2}; // lengthscale 0: the median pairwise d^p of the first fit
  double noise_floor = 1e-6;
  int restarts = 2;    // random starts besides the previous optimum
  int refit_every = 1; // fits between hyperparameter fits
  Optimizer optimizer = Optimizer::lbfgs;
  int steps = 50;
  bool normalize = true; // standardize the targets
  double jitter = 1e-10; // first jitter, relative to the kernel matrix's mean diagonal
  bool repair = true;    // project non-PSD kernel matrices onto the PSD cone
  int threads = 1;

  static GpOptions from(const Config &config);
  // The descriptor's config JSON.
  static const char *schema();
};

} // namespace nas::gp
