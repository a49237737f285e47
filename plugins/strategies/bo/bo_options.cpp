#include "bo_options.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nas::bo {

namespace {

size_t count(const Config &c, const char *key, int64_t fallback, int64_t lo) {
  int64_t v = c.get_int(key, fallback);
  if (v < lo || v > (int64_t{1} << 24))
    throw ConfigError(key, std::string("'") + key + "' must be between " + std::to_string(lo) +
                               " and 2^24, got " + std::to_string(v));
  return static_cast<size_t>(v);
}

} // namespace

BoOptions BoOptions::from(const Config &c) {
  BoOptions o;
  try {
    o.acquisition = acquisition_from(c.get_string("acquisition", "ei"));
  } catch (const std::invalid_argument &e) {
    throw ConfigError("acquisition", e.what());
  }
  o.initial = count(c, "initial", 10, 1);
  o.pool = count(c, "pool", 1000, 1);
  o.mutations = count(c, "mutations", 100, 0);
  o.top = count(c, "top", 10, 1);
  o.ucb_beta = c.get_double("ucb_beta", 2);
  if (!(o.ucb_beta >= 0) || !std::isfinite(o.ucb_beta))
    throw ConfigError("ucb_beta", "'ucb_beta' must be a finite number >= 0");
  std::string batch = c.get_string("batch_strategy", "kriging_believer");
  if (batch == "constant_liar")
    o.batch = Batch::constant_liar;
  else if (batch != "kriging_believer")
    throw ConfigError("batch_strategy", "'batch_strategy' must be \"kriging_believer\" or "
                                        "\"constant_liar\", got \"" +
                                            batch + "\"");
  std::string lie = c.get_string("lie", "worst");
  if (lie == "mean")
    o.lie = Lie::mean;
  else if (lie == "best")
    o.lie = Lie::best;
  else if (lie != "worst")
    throw ConfigError("lie", "'lie' must be \"worst\", \"mean\" or \"best\", got \"" + lie + "\"");
  return o;
}

const char *BoOptions::schema() {
  return R"json({
  "acquisition": {"type": "string", "default": "ei",
                  "help": "\"ei\", \"ucb\", \"pi\" or \"thompson\" (one joint posterior sample)"},
  "initial": {"type": "int", "default": 10,
              "help": "random architectures before the model is used"},
  "pool": {"type": "int", "default": 1000, "help": "random candidates scored per ask"},
  "mutations": {"type": "int", "default": 100,
                "help": "one-decision mutants of the best observed added to the pool"},
  "top": {"type": "int", "default": 10, "help": "how many of the best observed are mutated"},
  "ucb_beta": {"type": "double", "default": 2, "help": "ucb = mean + beta * sd"},
  "batch_strategy": {"type": "string", "default": "kriging_believer",
                     "help": "\"kriging_believer\" or \"constant_liar\": pending asks in the fit"},
  "lie": {"type": "string", "default": "worst",
          "help": "the constant liar's value: \"worst\", \"mean\" or \"best\" observed"}
})json";
}

} // namespace nas::bo
