// Successive halving driven through ask/tell, shared by nas.strategy.successive_halving
// (one bracket shape, looped) and nas.strategy.hyperband (brackets s = s_max .. 0, looped).
//
// sync:  one bracket at a time; a rung is asked in full, then NAS_WAIT until every trial of
//        it is told, then the top floor(n_r / eta) valid entries are asked at the next level.
// async: ASHA; every ask first promotes (highest level first) the best entry in the top
//        floor(valid / eta) of its rung not promoted yet, else asks the sampler for a new
//        bottom-rung architecture. It waits only when the sampler waits (or is done while
//        trials are pending).
// A promoted ask carries resume_from = the trial it continues. Failed or NaN results are
// never promoted. The sampler hears the results of the trials it proposed.
#pragma once

#include "bracket.hpp"
#include "ladder.hpp"
#include "sampler.hpp"

#include <nas/plugin.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nas::halving {

struct Settings {
  int64_t eta = 3;
  double min_fidelity = 1.0 / 27;
  bool async = false;
  int64_t n = 0;        // successive halving's bottom rung; 0: eta^s_max
  int64_t brackets = 0; // brackets of the schedule to run; 0: no limit
  bool hyperband = false;
};

// Reads eta, min_fidelity, mode, brackets and (successive halving) n; ConfigError on bad ones.
Settings read_settings(const Config &config, bool hyperband);
// Those keys as the descriptor's config JSON.
std::string config_schema(bool hyperband);
// The descriptor's roles JSON: `sampler`, a strategy, required.
std::string roles_schema();

class Engine {
public:
  // `format`: the name written into saved states (the plugin's, with a version).
  Engine(const Settings &settings, std::string format);

  const Ladder &ladder() const { return ladder_; }
  void bind_sampler(nas_instance_t *sampler) { sampler_ = Sampler(sampler); }

  Strategy::Ask ask(int64_t trial_id, Proposal &out);
  void tell(const Outcome &outcome);
  std::string save() const;
  void load(std::string_view data);

private:
  struct Plan {
    int s;     // promotions in the bracket (rungs 0..s), from level top - s
    int64_t n; // bottom-rung architectures
  };
  struct Where {
    size_t bracket;
    int rung;
    size_t index;
  };

  Plan plan(int64_t k) const;
  bool schedule_open() const { return settings_.brackets == 0 || planned_ < settings_.brackets; }
  Strategy::Ask ask_sync(int64_t trial_id, Proposal &out);
  Strategy::Ask ask_async(int64_t trial_id, Proposal &out);
  // Asks the sampler for a new bottom-rung entry of brackets_[b].
  Strategy::Ask sample(size_t b, int64_t trial_id, Proposal &out);
  // Asks the next level of brackets_[b] for entry `index` of rung `r - 1`.
  void promote(size_t b, int r, size_t index, int64_t trial_id, Proposal &out);
  void propose(size_t b, int r, size_t index, Proposal &out);
  void require_sampler() const;
  void rebuild_pending();
  nlohmann::json sampler_state() const;

  Settings settings_;
  std::string format_;
  Ladder ladder_;
  Sampler sampler_;
  // sync: the bracket being run (none between brackets); async: one per bracket shape.
  std::vector<Bracket> brackets_;
  int64_t planned_ = 0; // brackets of the schedule begun (async: whose samples are drawn)
  int64_t sampled_ = 0; // async: samples drawn for bracket planned_ so far
  bool sampler_done_ = false;
  std::unordered_map<int64_t, Where> pending_; // asked, not told
};

} // namespace nas::halving
