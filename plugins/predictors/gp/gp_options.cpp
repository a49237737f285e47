#include "gp_options.hpp"

#include <cmath>
#include <string>

namespace nas::gp {

namespace {

double number(const Config &c, const char *key, double fallback, double lo, double hi,
              bool lo_open) {
  double v = c.get_double(key, fallback);
  if (!std::isfinite(v) || (lo_open ? v <= lo : v < lo) || v > hi)
    throw ConfigError(key, std::string("'") + key + "' must be in " + (lo_open ? "(" : "[") +
                               std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                               std::to_string(v));
  return v;
}

int integer(const Config &c, const char *key, int64_t fallback, int64_t lo, int64_t hi) {
  int64_t v = c.get_int(key, fallback);
  if (v < lo || v > hi)
    throw ConfigError(key, std::string("'") + key + "' must be between " + std::to_string(lo) +
                               " and " + std::to_string(hi) + ", got " + std::to_string(v));
  return static_cast<int>(v);
}

} // namespace

GpOptions GpOptions::from(const Config &c) {
  GpOptions o;
  o.power = number(c, "kernel_power", 1, 0, 2, true);
  o.fit = c.get_bool("fit", true);
  o.initial.signal_variance = number(c, "signal_variance", 1, 0, 1e12, true);
  o.initial.lengthscale = number(c, "lengthscale", 0, 0, 1e12, false);
  o.initial.noise_variance = number(c, "noise_variance", 1e-2, 0, 1e12, false);
  o.noise_floor = number(c, "noise_floor", 1e-6, 0, 1, true);
  o.restarts = integer(c, "restarts", 2, 0, 100);
  o.refit_every = integer(c, "refit_every", 1, 1, 1 << 20);
  std::string optimizer = c.get_string("optimizer", "lbfgs");
  if (optimizer == "adam")
    o.optimizer = Optimizer::adam;
  else if (optimizer != "lbfgs")
    throw ConfigError("optimizer",
                      "'optimizer' must be \"lbfgs\" or \"adam\", got \"" + optimizer + "\"");
  o.steps = integer(c, "steps", 50, 1, 100000);
  o.normalize = c.get_bool("normalize", true);
  o.jitter = number(c, "jitter", 1e-10, 0, 1, false);
  o.repair = c.get_bool("repair", true);
  o.threads = integer(c, "threads", 1, 1, 1024);
  return o;
}

const char *GpOptions::schema() {
  return R"json({
  "kernel_power": {"type": "double", "default": 1,
                   "help": "p in k = s^2 exp(-d^p / l); 1 suits Hamming and path distances"},
  "fit": {"type": "bool", "default": true,
          "help": "fit signal, length scale and noise by maximizing the marginal likelihood"},
  "signal_variance": {"type": "double", "default": 1,
                      "help": "s^2 (the start of the fit when fitting), standardized targets"},
  "lengthscale": {"type": "double", "default": 0,
                  "help": "l (the start of the fit); 0: the median pairwise d^p"},
  "noise_variance": {"type": "double", "default": 0.01,
                     "help": "noise on the diagonal (the start of the fit when fitting)"},
  "noise_floor": {"type": "double", "default": 1e-6, "help": "lower bound of the fitted noise"},
  "restarts": {"type": "int", "default": 2,
               "help": "random starts of the fit besides the previous optimum"},
  "refit_every": {"type": "int", "default": 1,
                  "help": "fit the hyperparameters on every k-th fit (1: every fit)"},
  "optimizer": {"type": "string", "default": "lbfgs", "help": "\"lbfgs\" or \"adam\""},
  "steps": {"type": "int", "default": 50, "help": "optimizer iterations per start"},
  "normalize": {"type": "bool", "default": true, "help": "standardize the targets"},
  "jitter": {"type": "double", "default": 1e-10,
             "help": "first diagonal jitter, x the mean diagonal; 10x more on each retry"},
  "repair": {"type": "bool", "default": true,
             "help": "project a kernel matrix that is not PSD onto the PSD cone"},
  "threads": {"type": "int", "default": 1, "help": "LibTorch threads (process-wide)"}
})json";
}

} // namespace nas::gp
