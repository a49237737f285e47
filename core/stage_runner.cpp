#include "stage_runner.hpp"

#include "errors.hpp"
#include "evaluation.hpp"
#include "objective.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

namespace nas::core {

std::vector<const TrialRecord *> RunState::top(const std::string &stage, size_t k) const {
  std::vector<const TrialRecord *> ok;
  for (const auto &t : trials)
    if (t.stage == stage && t.status == NAS_TRIAL_OK)
      ok.push_back(&t);
  std::stable_sort(ok.begin(), ok.end(), [](const TrialRecord *a, const TrialRecord *b) {
    return a->objective > b->objective;
  });
  std::vector<const TrialRecord *> out;
  std::set<std::string> keys;
  for (const TrialRecord *t : ok)
    if (out.size() < k && keys.insert(t->key).second)
      out.push_back(t);
  return out;
}

namespace {

struct Proposal {
  std::vector<int32_t> choices;
  double fidelity = 1.0;
  int64_t resume_from = -1;
  std::string tag;
};

class StageLoop {
public:
  explicit StageLoop(StageContext &c)
      : c_(c), spec_(c.pipeline.stages[c.index]), space_(c.space.raw()),
        strategy_(c.instances.strategy), evaluator_(*c.instances.evaluator) {
    summary_.name = spec_.name;
    if (strategy_)
      strategy_vt_ = strategy_->interface<nas_strategy_v1_t>(NAS_STRATEGY_V1);
    tabular_ = (evaluator_.descriptor().flags & NAS_FLAG_TABULAR) != 0;
    // Repeats are answered only by the same evaluator with the same config.
    evaluator_identity_ = evaluator_.descriptor().name + "@" + evaluator_.descriptor().version +
                          " " + spec_.evaluator.config.dump() + " ";
  }

  StageSummary run() {
    start_ = now_seconds();
    seed_from_earlier_stage();
    spdlog::info("stage '{}': {}", spec_.name, describe_budget());
    while (true) {
      fill_executor();
      if (c_.executor.in_flight() == 0) {
        if (!waiting_on_strategy_)
          break;
        // The strategy waits for a trial, but none is pending: it would never wake up.
        end(strategy_->descriptor().name +
            " waits with no trial pending: it would wait forever (a strategy bug)");
        summary_.failed = true;
        break;
      }
      complete(c_.executor.wait_one());
    }
    c_.writer.flush();
    c_.progress.update(spec_.name, summary_.trials, budget_total(), best_value(), rate(), true);
    c_.progress.finish();
    summary_.seconds = now_seconds() - start_;
    auto top = c_.state.top(spec_.name, 1);
    summary_.best = top.empty() ? nullptr : top.front();
    return summary_;
  }

private:
  // ---- proposing -------------------------------------------------------------------------

  void fill_executor() {
    waiting_on_strategy_ = false;
    while (!stopped_ && c_.executor.in_flight() < c_.executor.capacity()) {
      if (c_.run.cancelled) {
        end("interrupted");
        return;
      }
      if (auto reason = budget_spent()) {
        end(*reason);
        return;
      }
      std::optional<Proposal> p = next_proposal();
      if (!p)
        return;
      handle(*p);
    }
  }

  std::optional<Proposal> next_proposal() {
    if (!strategy_) {
      if (seeded_.empty()) {
        end("every architecture handed from stage '" + spec_.from->stage + "' is done");
        return std::nullopt;
      }
      Proposal p = seeded_.front();
      seeded_.pop_front();
      return p;
    }
    Proposal p;
    p.choices.assign(num_decisions(), 0);
    nas_ask_t ask{};
    ask.struct_size = sizeof ask;
    ask.trial_id = c_.state.next_id;
    ask.n = static_cast<uint32_t>(p.choices.size());
    ask.choices = p.choices.data();
    ask.fidelity = 1.0;
    ask.resume_from = -1;
    nas_error_t error = make_error();
    nas_status_t status = strategy_vt_->ask(strategy_->raw(), &ask, &error);
    if (status == NAS_WAIT) {
      waiting_on_strategy_ = true;
      return std::nullopt;
    }
    if (status == NAS_DONE) {
      end("the strategy has nothing more to propose");
      return std::nullopt;
    }
    if (status != NAS_OK)
      throw RunError(strategy_->descriptor().name + " failed to propose: " + error.message);
    if (!(ask.fidelity > 0.0 && ask.fidelity <= 1.0))
      throw RunError(strategy_->descriptor().name + " proposed fidelity " +
                     std::to_string(ask.fidelity) + ", outside (0, 1]");
    p.fidelity = ask.fidelity;
    p.resume_from = ask.resume_from;
    p.tag.assign(ask.tag, strnlen(ask.tag, sizeof ask.tag));
    return p;
  }

  void handle(Proposal &p) {
    TrialRecord t;
    t.id = c_.state.next_id++;
    t.stage = spec_.name;
    t.fidelity = p.fidelity;
    t.tag = p.tag;
    t.started = now_seconds();
    t.choices = std::move(p.choices);
    try {
      space_.canonicalize(t.choices);
      t.canonical = space_.to_string(t.choices);
      t.key = spec_.dedupe == "equivalent" ? space_.equivalence_key(t.choices) : t.canonical;
    } catch (const nas::Error &e) {
      // Outside the space: recorded as invalid and told, never evaluated.
      t.status = NAS_TRIAL_INVALID;
      t.error = e.what();
      t.ended = t.started;
      record_and_tell(std::move(t), false);
      count_unevaluated();
      return;
    }
    if (spec_.dedupe == "none")
      t.repeat = c_.state.evaluations[evaluator_identity_ + t.canonical]++;
    t.seed = nas::derive_seed(nas::derive_seed(c_.pipeline.seed, t.canonical),
                              std::to_string(t.fidelity) + "/" + std::to_string(t.repeat));
    std::string cache_key = evaluator_identity_ + std::to_string(t.fidelity) + " " +
                            std::to_string(t.repeat) + " " + t.key;

    if (auto hit = c_.state.answered.find(cache_key); hit != c_.state.answered.end()) {
      answer_from(t, c_.state.trial(hit->second));
      return;
    }
    if (auto pending = in_flight_keys_.find(cache_key); pending != in_flight_keys_.end()) {
      waiting_[pending->second].push_back(std::move(t)); // answered when the first one ends
      return;
    }
    cached_in_a_row_ = 0;
    TrialJob job;
    job.id = t.id;
    job.choices = t.choices;
    job.canonical = t.canonical;
    job.fidelity = t.fidelity;
    job.seed = t.seed;
    job.repeat = t.repeat;
    job.tag = t.tag;
    if (!tabular_) {
      job.ir_json = render_ir(t.choices);
      job.artifact_dir = artifact_dir(t.id);
    }
    if (p.resume_from > 0)
      job.resume_from = artifact_dir(p.resume_from);
    in_flight_keys_[cache_key] = t.id;
    cache_key_of_[t.id] = cache_key;
    submitted_[t.id] = std::move(t);
    ++summary_.evaluated;
    spent_evaluations_ += spec_.budget.fidelity_weighted ? job.fidelity : 1.0;
    c_.executor.submit(std::move(job));
  }

  // A repeat: recorded as cached with the earlier answer; uses no budget.
  void answer_from(TrialRecord &t, const TrialRecord &earlier) {
    t.status = NAS_TRIAL_CACHED;
    t.metrics = earlier.metrics;
    t.objective = earlier.objective;
    t.error = earlier.error;
    t.cached_from = earlier.id;
    t.ended = now_seconds();
    record_and_tell(std::move(t), true);
    count_unevaluated();
  }

  // Cached or invalid proposals in a row end the stage: a strategy stuck on evaluated or
  // impossible architectures would otherwise loop forever without spending budget.
  void count_unevaluated() {
    if (++cached_in_a_row_ >= spec_.max_cached_in_a_row)
      end(std::to_string(cached_in_a_row_) +
          " proposals in a row were repeats or invalid: the strategy keeps proposing "
          "evaluated architectures (max_cached_in_a_row)");
  }

  std::string render_ir(const std::vector<int32_t> &choices) {
    try {
      return space_.to_ir(choices);
    } catch (const nas::Error &e) {
      if (e.code() == NAS_ERR_UNSUPPORTED)
        return "";
      throw RunError(c_.space.descriptor().name + " cannot render the IR: " + e.what());
    }
  }

  std::string artifact_dir(int64_t id) {
    auto dir = std::filesystem::path(c_.run.run_dir) / "trials" / std::to_string(id);
    std::filesystem::create_directories(dir);
    return dir.string();
  }

  // ---- completing ------------------------------------------------------------------------

  void complete(TrialOutcome outcome) {
    auto it = submitted_.find(outcome.id);
    if (it == submitted_.end())
      throw RunError("the executor answered trial " + std::to_string(outcome.id) +
                     ", which is not pending");
    TrialRecord t = std::move(it->second);
    submitted_.erase(it);
    t.started = outcome.started;
    t.ended = outcome.ended;
    t.metrics = std::move(outcome.metrics);
    t.error = std::move(outcome.error);
    Score s = score(c_.pipeline.objective, outcome.status, t.metrics);
    t.status = s.status;
    t.objective = s.objective;
    if (!s.error.empty())
      t.error = s.error;
    if (spec_.budget.simulated_seconds) {
      auto m = t.metrics.find(spec_.budget.time_metric);
      if (m != t.metrics.end() && m->is_number())
        simulated_seconds_ += m->get<double>();
    }

    std::string cache_key = cache_key_of_[t.id];
    cache_key_of_.erase(t.id);
    in_flight_keys_.erase(cache_key);
    int64_t id = t.id;
    bool deterministic = t.status == NAS_TRIAL_OK || t.status == NAS_TRIAL_INFEASIBLE ||
                         t.status == NAS_TRIAL_INVALID;
    if (deterministic)
      c_.state.answered[cache_key] = id;
    record_and_tell(std::move(t), false);

    if (auto w = waiting_.find(id); w != waiting_.end()) {
      std::vector<TrialRecord> waiting = std::move(w->second);
      waiting_.erase(w);
      for (auto &repeat : waiting)
        answer_from(repeat, c_.state.trial(id));
    }
  }

  void record_and_tell(TrialRecord t, bool cached) {
    if (cached)
      ++summary_.cached;
    ++summary_.trials;
    ++summary_.by_status[status_name(t.status)];
    if (t.status == NAS_TRIAL_OK && (std::isnan(best_objective_) || t.objective > best_objective_))
      best_objective_ = t.objective;
    if (t.status != NAS_TRIAL_OK && t.status != NAS_TRIAL_CACHED && !t.error.empty())
      spdlog::debug("trial {} {}: {}", t.id, status_name(t.status), t.error);
    c_.writer.write(t);
    const TrialRecord &stored = c_.state.add(std::move(t));
    tell(stored);
    c_.progress.update(spec_.name, summary_.trials, budget_total(), best_value(), rate());
  }

  void tell(const TrialRecord &t) {
    if (!strategy_)
      return;
    nas_tell_t tell{};
    tell.struct_size = sizeof tell;
    tell.trial_id = t.id;
    tell.arch = nas::arch_view(t.choices);
    tell.fidelity = t.fidelity;
    tell.status = t.status;
    tell.objective = t.objective;
    std::string metrics = t.metrics.dump();
    tell.metrics_json = metrics.c_str();
    nas_error_t error = make_error();
    if (strategy_vt_->tell(strategy_->raw(), &tell, &error) != NAS_OK)
      throw RunError(strategy_->descriptor().name + " failed to take the result of trial " +
                     std::to_string(t.id) + ": " + error.message);
  }

  // ---- seeding, budgets ------------------------------------------------------------------

  void seed_from_earlier_stage() {
    if (!spec_.from)
      return;
    auto top = c_.state.top(spec_.from->stage, static_cast<size_t>(spec_.from->top));
    if (top.empty())
      spdlog::warn("stage '{}': stage '{}' has no successful trial to hand over", spec_.name,
                   spec_.from->stage);
    int rank = 1;
    for (const TrialRecord *t : top) {
      if (strategy_) {
        tell(*t); // a warm start: the strategy hears of it without having asked
        continue;
      }
      Proposal p;
      p.choices = t->choices;
      p.tag = "from " + spec_.from->stage + " #" + std::to_string(rank++);
      seeded_.push_back(std::move(p));
    }
  }

  std::optional<std::string> budget_spent() const {
    const Budget &b = spec_.budget;
    // Full evaluations spent; with fidelity_weighted, a trial at fidelity f costs f (a
    // tolerance keeps sums such as 27 x 1/27 from stopping one short).
    if (b.evaluations && spent_evaluations_ >= static_cast<double>(*b.evaluations) - 1e-9)
      return "budget of " + std::to_string(*b.evaluations) +
             (b.fidelity_weighted ? " fidelity-weighted" : "") + " evaluations spent";
    if (b.seconds && now_seconds() - start_ >= *b.seconds)
      return "budget of " + std::to_string(*b.seconds) + " s spent";
    if (b.simulated_seconds && simulated_seconds_ >= *b.simulated_seconds)
      return "budget of " + std::to_string(*b.simulated_seconds) + " simulated s (" +
             b.time_metric + ") spent";
    return std::nullopt;
  }

  std::string describe_budget() const {
    const Budget &b = spec_.budget;
    std::string out;
    if (b.evaluations)
      out += std::to_string(*b.evaluations) + " evaluations ";
    if (b.seconds)
      out += std::to_string(*b.seconds) + " s ";
    if (b.simulated_seconds)
      out += std::to_string(*b.simulated_seconds) + " simulated s ";
    return (strategy_ ? strategy_->descriptor().name : "top of " + spec_.from->stage) + " with " +
           evaluator_.descriptor().name + (out.empty() ? "" : ", budget " + out);
  }

  void end(const std::string &reason) {
    if (!stopped_) {
      stopped_ = true;
      summary_.end_reason = reason;
    }
  }

  long budget_total() const {
    return spec_.budget.evaluations ? static_cast<long>(*spec_.budget.evaluations) : 0;
  }
  double best_value() const {
    if (std::isnan(best_objective_))
      return NAN;
    return c_.pipeline.objective.maximize ? best_objective_ : -best_objective_;
  }
  double rate() const {
    double dt = now_seconds() - start_;
    return dt > 0 ? summary_.trials / dt : 0;
  }
  size_t num_decisions() const { return space_.num_decisions(); }

  StageContext &c_;
  const StageSpec &spec_;
  nas::SpaceRef space_;
  Instance *strategy_;
  const nas_strategy_v1_t *strategy_vt_ = nullptr;
  const Instance &evaluator_;
  bool tabular_ = false;
  std::string evaluator_identity_;

  StageSummary summary_;
  double start_ = 0;
  double simulated_seconds_ = 0;
  double spent_evaluations_ = 0; // evaluations handed out, each weighted by fidelity if asked
  double best_objective_ = NAN;
  bool stopped_ = false;
  bool waiting_on_strategy_ = false;
  int64_t cached_in_a_row_ = 0;
  std::deque<Proposal> seeded_;
  std::unordered_map<int64_t, TrialRecord> submitted_;
  std::unordered_map<std::string, int64_t> in_flight_keys_;
  std::unordered_map<int64_t, std::string> cache_key_of_;
  std::unordered_map<int64_t, std::vector<TrialRecord>> waiting_;
};

} // namespace

StageSummary run_stage(StageContext &context) { return StageLoop(context).run(); }

} // namespace nas::core
