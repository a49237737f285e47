// The BO strategy's config keys, read and checked once at create.
#pragma once

#include "acquisition.hpp"

#include <nas/plugin.hpp>

#include <cstddef>

namespace nas::bo {

// How pending proposals enter the model, so a batch does not propose one point twice and the
// model is not blind to what is being evaluated (Ginsbourger, Le Riche and Carraro, "Kriging
// is well-suited to parallelize optimization", 2010).
enum class Batch { kriging_believer, constant_liar };
enum class Lie { worst, mean, best }; // the constant liar's value, of the observed ones

struct BoOptions {
  Acquisition acquisition = Acquisition::ei;
  size_t initial = 10;    // random proposals before the model is used
  size_t pool = 1000;     // random candidates per ask
  size_t mutations = 100; // mutants of the best observed, added to the pool
  size_t top = 10;        // how many of the best are mutated
  double ucb_beta = 2;    // ucb = mean + beta * sd
  Batch batch = Batch::kriging_believer;
  Lie lie = Lie::worst;

  static BoOptions from(const Config &config);
  static const char *schema();
};

} // namespace nas::bo
