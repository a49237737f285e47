#include "stage_runner.hpp"

#include "errors.hpp"
#include "evaluation.hpp"
#include "objective.hpp"

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <spdlog/spdlog.h>

#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>

namespace nas::core {

namespace {

// How many tells between strategy snapshots: replay after a crash stays short.
constexpr int kSnapshotEvery = 100;

// The tag of a one-shot stage's one trial.
constexpr const char *kOneShotTag = "one-shot search";

struct Proposal {
  std::vector<int32_t> choices;
  double fidelity = 1.0;
  int64_t resume_from = -1;
  std::string tag;
};

// An ask as the log keeps it: what the strategy (or the earlier stage) answered.
struct Asked {
  nas_status_t status = NAS_OK;
  Proposal proposal;
  std::string error;
};

Json to_json(const Asked &a) {
  if (a.status != NAS_OK)
    return {{"status", a.status == NAS_WAIT ? "wait" : "done"}};
  return {{"status", "ok"},
          {"choices", a.proposal.choices},
          {"fidelity", a.proposal.fidelity},
          {"resume_from", a.proposal.resume_from},
          {"tag", a.proposal.tag}};
}

// Counts a recorded trial (evaluations are counted when they are handed out).
void add_to_summary(StageSummary &s, const TrialRecord &t) {
  ++s.trials;
  ++s.by_status[status_name(t.status)];
  if (t.status == NAS_TRIAL_CACHED)
    ++s.cached;
}

// Whether a stored trial went to the evaluator: not a repeat, and inside the space (a
// proposal the space refused has no canonical string).
bool was_evaluated(const TrialRecord &t) {
  return t.status != NAS_TRIAL_CACHED && !t.canonical.empty();
}

class StageLoop {
public:
  explicit StageLoop(StageContext &c)
      : c_(c), spec_(c.pipeline.stages[c.index]), space_(c.space.raw()),
        strategy_(c.instances.strategy), runner_(*c.instances.runner()),
        oneshot_(c.instances.evaluator == nullptr) { // Assembly checked the strategy offers it
    summary_.name = spec_.name;
    if (strategy_)
      strategy_vt_ = strategy_->interface<nas_strategy_v1_t>(NAS_STRATEGY_V1);
    tabular_ = !oneshot_ && (runner_.descriptor().flags & NAS_FLAG_TABULAR) != 0;
    identity_ = runner_identity(spec_, c.instances);
    snapshots_ = !oneshot_ && strategy_vt_ &&
                 NAS_HAS_FIELD(strategy_vt_, nas_strategy_v1_t, load) && strategy_vt_->save &&
                 strategy_vt_->load;
  }

  StageSummary run() {
    start_ = now_seconds();
    if (oneshot_)
      prepare_oneshot();
    seed_from_earlier_stage();
    resume();
    spdlog::info("stage '{}': {}", spec_.name, describe());
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
      TrialOutcome outcome = c_.executor.wait_one();
      complete(std::move(outcome));
    }
    finish();
    return summary_;
  }

private:
  // ---- asking ----------------------------------------------------------------------------

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
      int64_t id = c_.state.next_id;
      Asked a = ask(id);
      c_.store.log(static_cast<int>(c_.index), "ask", id, to_json(a).dump());
      if (a.status == NAS_WAIT) {
        waiting_on_strategy_ = true;
        return;
      }
      if (a.status == NAS_DONE) {
        end(oneshot_ ? "the one-shot search is done"
            : strategy_
                ? "the strategy has nothing more to propose"
                : "every architecture handed from stage '" + spec_.from->stage + "' is done");
        return;
      }
      c_.state.next_id = id + 1;
      handle(id, std::move(a.proposal));
    }
  }

  // One ask of the strategy, or the next architecture handed from the earlier stage.
  Asked ask(int64_t trial_id) {
    Asked a;
    if (oneshot_) { // one trial; the strategy's own ask is not used
      if (oneshot_asked_) {
        a.status = NAS_DONE;
      } else {
        oneshot_asked_ = true;
        a.proposal.choices.assign(space_.num_decisions(), 0);
        a.proposal.tag = kOneShotTag;
      }
      return a;
    }
    if (!strategy_) {
      if (seeded_.empty()) {
        a.status = NAS_DONE;
      } else {
        a.proposal = seeded_.front();
        seeded_.pop_front();
      }
      return a;
    }
    a.proposal.choices.assign(space_.num_decisions(), 0);
    nas_ask_t ask{};
    ask.struct_size = sizeof ask;
    ask.trial_id = trial_id;
    ask.n = static_cast<uint32_t>(a.proposal.choices.size());
    ask.choices = a.proposal.choices.data();
    ask.fidelity = 1.0;
    ask.resume_from = -1;
    nas_error_t error = make_error();
    a.status = strategy_vt_->ask(strategy_->raw(), &ask, &error);
    if (a.status < NAS_OK)
      throw RunError(strategy_->descriptor().name + " failed to propose: " + error.message);
    if (a.status != NAS_OK)
      return a;
    if (!(ask.fidelity > 0.0 && ask.fidelity <= 1.0))
      throw RunError(strategy_->descriptor().name + " proposed fidelity " +
                     std::to_string(ask.fidelity) + ", outside (0, 1]");
    a.proposal.fidelity = ask.fidelity;
    a.proposal.resume_from = ask.resume_from;
    a.proposal.tag.assign(ask.tag, strnlen(ask.tag, sizeof ask.tag));
    return a;
  }

  // `rerun`: the trial was pending when an earlier session ended, and runs again.
  void handle(int64_t id, Proposal p, bool rerun = false) {
    if (oneshot_)
      return handle_oneshot(id, std::move(p), rerun);
    TrialRecord t;
    t.id = id;
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
      record_and_tell(std::move(t), 0);
      count_unevaluated();
      return;
    }
    if (spec_.dedupe == "none")
      t.repeat = c_.state.evaluations[identity_ + t.canonical]++;
    t.seed = nas::derive_seed(nas::derive_seed(c_.pipeline.seed, t.canonical),
                              std::to_string(t.fidelity) + "/" + std::to_string(t.repeat));
    std::string key = cache_key(identity_, t.fidelity, t.repeat, t.key);

    if (auto hit = c_.state.answered.find(key); hit != c_.state.answered.end()) {
      answer_from(t, c_.state.trial(hit->second));
      return;
    }
    if (auto pending = in_flight_keys_.find(key); pending != in_flight_keys_.end()) {
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
    if (p.resume_from > 0) {
      // A cached trial has no checkpoint of its own: continue from the one that answered it.
      int64_t from = p.resume_from;
      if (c_.state.has(from) && c_.state.trial(from).cached_from >= 0)
        from = c_.state.trial(from).cached_from;
      job.resume_from = artifact_dir(from);
    }
    in_flight_keys_[key] = t.id;
    cache_key_of_[t.id] = key;
    submitted_[t.id] = std::move(t);
    ++summary_.evaluated;
    spent_evaluations_ += spec_.budget.fidelity_weighted ? job.fidelity : 1.0;
    c_.executor.submit(std::move(job));
  }

  // The one-shot search: not canonicalized (it has no architecture yet), never a repeat.
  // It runs on the supernet IR in the stage's folder, which holds its checkpoints.
  void handle_oneshot(int64_t id, Proposal p, bool rerun) {
    TrialRecord t;
    t.id = id;
    t.stage = spec_.name;
    t.tag = p.tag;
    t.started = now_seconds();
    t.choices = std::move(p.choices);
    t.seed = nas::derive_seed(c_.pipeline.seed, "one-shot/" + spec_.name);
    TrialJob job;
    job.id = t.id;
    job.choices = t.choices; // its size: the decisions the search derives
    job.fidelity = t.fidelity;
    job.seed = t.seed;
    job.tag = t.tag;
    job.oneshot = true;
    job.ir_json = supernet_ir_;
    job.artifact_dir = stage_dir();
    if (rerun)
      job.resume_from = job.artifact_dir; // the plugin continues from its last checkpoint
    // The ask is committed before the search starts: a host killed mid-search finds the
    // trial pending and runs it again from its checkpoints.
    c_.store.commit();
    submitted_[t.id] = std::move(t);
    ++summary_.evaluated;
    spent_evaluations_ += 1.0;
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
    record_and_tell(std::move(t), 0);
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

  // RUN_DIR/stages/<stage name>: a stable place that later stages' plugins find by name.
  std::string stage_dir() {
    auto dir = std::filesystem::path(c_.run.run_dir) / "stages" / spec_.name;
    std::filesystem::create_directories(dir);
    return dir.string();
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
    if (oneshot_)
      return complete_oneshot(std::move(t), std::move(outcome));
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

    std::string key = cache_key_of_[t.id];
    cache_key_of_.erase(t.id);
    in_flight_keys_.erase(key);
    int64_t id = t.id;
    if (is_reusable(t.status))
      c_.state.answered[key] = id;
    record_and_tell(std::move(t), outcome.worker);

    if (auto w = waiting_.find(id); w != waiting_.end()) {
      std::vector<TrialRecord> waiting = std::move(w->second);
      waiting_.erase(w);
      for (auto &repeat : waiting)
        answer_from(repeat, c_.state.trial(id));
    }
  }

  // The search's derived architecture becomes the trial's, canonical as any other; the
  // trial is scored like any other. The strategy is not told: it ran the search itself.
  void complete_oneshot(TrialRecord t, TrialOutcome outcome) {
    if (outcome.status == NAS_TRIAL_CANCELLED && c_.run.cancelled) {
      // Left pending in the log: the next session continues it from its checkpoint.
      spdlog::info("stage '{}': the one-shot search was interrupted; `nas run` again "
                   "continues it from its last checkpoint",
                   spec_.name);
      return;
    }
    t.started = outcome.started;
    t.ended = outcome.ended;
    t.metrics = std::move(outcome.metrics);
    t.error = std::move(outcome.error);
    int32_t status = outcome.status;
    if (status == NAS_TRIAL_OK) {
      t.choices = std::move(outcome.choices);
      try {
        space_.canonicalize(t.choices);
        t.canonical = space_.to_string(t.choices);
        t.key = spec_.dedupe == "equivalent" ? space_.equivalence_key(t.choices) : t.canonical;
      } catch (const nas::Error &e) {
        status = NAS_TRIAL_INVALID;
        t.error = c_.space.descriptor().name + " refuses the architecture " +
                  strategy_->descriptor().name + " derived: " + e.what();
      }
    }
    Score s = score(c_.pipeline.objective, status, t.metrics);
    t.status = s.status;
    t.objective = s.objective;
    if (!s.error.empty())
      t.error = s.error;
    if (t.status != NAS_TRIAL_OK && !t.error.empty())
      spdlog::warn("stage '{}': the one-shot search ended {}: {}", spec_.name,
                   status_name(t.status), t.error);
    record_and_tell(std::move(t), outcome.worker);
  }

  // Stores the trial and its tell in one transaction, then tells the strategy: a strategy
  // never learns of a result that a crash could lose.
  void record_and_tell(TrialRecord t, int worker) {
    c_.store.add_trial(t, worker);
    c_.store.log(static_cast<int>(c_.index), "tell", t.id, "{}");
    commit();
    add_to_summary(summary_, t);
    if (t.status == NAS_TRIAL_OK && (std::isnan(best_objective_) || t.objective > best_objective_))
      best_objective_ = t.objective;
    if (t.status != NAS_TRIAL_OK && t.status != NAS_TRIAL_CACHED && !t.error.empty())
      spdlog::debug("trial {} {}: {}", t.id, status_name(t.status), t.error);
    const TrialRecord &stored = c_.state.add(std::move(t));
    tell(stored);
    maybe_snapshot();
    c_.progress.update(spec_.name, summary_.trials, budget_total(), best_value(), rate());
  }

  void tell(const TrialRecord &t) {
    if (!strategy_ || oneshot_)
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

  // ---- durability ------------------------------------------------------------------------

  void commit() {
    // The stage's elapsed time (for a seconds budget across sessions) is kept to the second.
    double now = now_seconds();
    if (now - last_stage_write_ >= 1.0) {
      last_stage_write_ = now;
      c_.store.set_stage({static_cast<int>(c_.index), spec_.name, "running", "", elapsed()});
    }
    c_.store.commit();
  }

  // Saves the strategy's state every kSnapshotEvery tells; it lands with the next commit
  // and stands for the state after the last logged entry.
  void maybe_snapshot(bool now = false) {
    if (!snapshots_ || (!now && ++tells_since_snapshot_ < kSnapshotEvery))
      return;
    tells_since_snapshot_ = 0;
    nas::detail::StringSink sink;
    nas_error_t error = make_error();
    nas_status_t status = strategy_vt_->save(strategy_->raw(), &sink, &error);
    if (status == NAS_ERR_UNSUPPORTED) {
      snapshots_ = false; // resume replays the whole log instead
      return;
    }
    if (status != NAS_OK)
      throw RunError(strategy_->descriptor().name + " failed to save its state: " + error.message);
    c_.store.add_snapshot(static_cast<int>(c_.index), c_.store.last_seq(), sink.text);
  }

  void finish() {
    summary_.seconds = elapsed();
    auto top = c_.state.top(spec_.name, 1);
    summary_.best = top.empty() ? nullptr : top.front();
    if (summary_.end_reason != "interrupted") {
      maybe_snapshot(true);
      c_.store.set_stage({static_cast<int>(c_.index), spec_.name,
                          summary_.failed ? "failed" : "done", summary_.end_reason,
                          summary_.seconds});
    }
    c_.store.commit();
    c_.progress.update(spec_.name, summary_.trials, budget_total(), best_value(), rate(), true);
    c_.progress.finish();
  }

  // ---- resume ----------------------------------------------------------------------------

  // Continues a stage an earlier session left: the strategy gets its last snapshot and the
  // log after it replayed (each replayed ask must propose what the log holds: strategies
  // are deterministic given their seeds), and the trials that were pending run again.
  void resume() {
    const int stage = static_cast<int>(c_.index);
    std::vector<LogEntry> log = c_.store.log_after(stage, 0);
    if (log.empty())
      return;
    summary_.resumed = true;
    for (const auto &t : c_.state.trials)
      if (t.stage == spec_.name) {
        add_to_summary(summary_, t);
        if (t.status == NAS_TRIAL_OK &&
            (std::isnan(best_objective_) || t.objective > best_objective_))
          best_objective_ = t.objective;
        if (was_evaluated(t)) {
          ++summary_.evaluated;
          spent_evaluations_ += spec_.budget.fidelity_weighted ? t.fidelity : 1.0;
        }
        auto m = t.metrics.find(spec_.budget.time_metric);
        if (t.status != NAS_TRIAL_CACHED && m != t.metrics.end() && m->is_number())
          simulated_seconds_ += m->get<double>();
        bool unevaluated = t.status == NAS_TRIAL_CACHED || t.status == NAS_TRIAL_INVALID;
        cached_in_a_row_ = unevaluated ? cached_in_a_row_ + 1 : 0;
      }

    int64_t from = 0;
    if (auto snapshot = c_.store.last_snapshot(stage); snapshot && snapshots_) {
      nas_error_t error = make_error();
      if (strategy_vt_->load(strategy_->raw(), snapshot->second.data(), snapshot->second.size(),
                             &error) != NAS_OK)
        throw RunError(strategy_->descriptor().name +
                       " cannot load its saved state to resume: " + error.message);
      from = snapshot->first;
    }
    std::vector<std::pair<int64_t, Proposal>> pending; // asked, never told, in ask order
    std::set<int64_t> told;
    for (const LogEntry &e : log) {
      if (e.kind == "tell")
        told.insert(e.trial);
    }
    for (const LogEntry &e : log) {
      Json logged = Json::parse(e.detail);
      if (e.kind == "ask") {
        if (e.seq > from || !strategy_)
          replay_ask(e, logged);
        if (logged.value("status", "") != "ok")
          continue;
        if (!told.count(e.trial))
          pending.emplace_back(e.trial, proposal_of(logged));
        c_.state.next_id = std::max(c_.state.next_id, e.trial + 1);
      } else if (e.kind == "tell" && e.seq > from) {
        if (!c_.state.has(e.trial))
          throw RunError("the store's log tells trial " + std::to_string(e.trial) +
                         ", which it does not hold: the store is damaged");
        tell(c_.state.trial(e.trial));
      }
    }
    if (!pending.empty())
      spdlog::info("stage '{}': resuming; {} trial(s) that were running run again", spec_.name,
                   pending.size());
    for (auto &[id, p] : pending) {
      // A trial run again from scratch reports again from scratch; a one-shot search goes on
      // from its checkpoint, so its reports so far stay (later steps replace their own).
      if (!oneshot_)
        c_.store.drop_reports(id);
      handle(id, std::move(p), /*rerun=*/true);
    }
  }

  static Proposal proposal_of(const Json &logged) {
    Proposal p;
    p.choices = logged.at("choices").get<std::vector<int32_t>>();
    p.fidelity = logged.value("fidelity", 1.0);
    p.resume_from = logged.value("resume_from", int64_t{-1});
    p.tag = logged.value("tag", "");
    return p;
  }

  void replay_ask(const LogEntry &e, const Json &logged) {
    Asked again = ask(e.trial); // the same trial id the original ask was given
    if (to_json(again) != logged)
      throw RunError("cannot resume stage '" + spec_.name + "' exactly: replaying the log, " +
                     (strategy_ ? strategy_->descriptor().name : "the stage") + " answered " +
                     to_json(again).dump() + " where the log holds " + logged.dump() +
                     " (a strategy must propose the same given its seeds); run with --fresh");
  }

  // ---- one-shot --------------------------------------------------------------------------

  // The supernet IR the search runs on (a space without one cannot serve it), and a word on
  // what a one-shot stage does not use.
  void prepare_oneshot() {
    try {
      supernet_ir_ = space_.supernet_ir();
    } catch (const nas::Error &e) {
      const std::string space = c_.space.descriptor().name;
      const std::string strategy = strategy_->descriptor().name;
      if (e.code() == NAS_ERR_UNSUPPORTED)
        throw RunError(space + " has no supernet IR, which " + strategy + " needs");
      throw RunError(space + " cannot render its supernet IR, which " + strategy +
                     " needs: " + e.what());
    }
    if (!spec_.budget.empty())
      spdlog::warn("stage '{}' runs one one-shot search: its budget does not apply (a time "
                   "limit for the search: [execution] trial_timeout with engine = \"local\")",
                   spec_.name);
    if (spec_.from)
      spdlog::warn("stage '{}' runs a one-shot search: 'from' hands it nothing", spec_.name);
  }

  // ---- seeding, budgets ------------------------------------------------------------------

  void seed_from_earlier_stage() {
    if (!spec_.from || oneshot_)
      return;
    auto top = c_.state.top(spec_.from->stage, static_cast<size_t>(spec_.from->top));
    if (top.empty())
      spdlog::warn("stage '{}': stage '{}' has no successful trial to hand over", spec_.name,
                   spec_.from->stage);
    bool resuming = !c_.store.log_after(static_cast<int>(c_.index), 0).empty();
    int rank = 1;
    for (const TrialRecord *t : top) {
      if (strategy_) {
        // A warm start: the strategy hears of it without having asked (replayed on resume).
        if (!resuming) {
          c_.store.log(static_cast<int>(c_.index), "tell", t->id, "{}");
          tell(*t);
        }
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
    if (oneshot_)
      return std::nullopt; // one trial: the ask after it is done
    // Full evaluations spent; with fidelity_weighted, a trial at fidelity f costs f (a
    // tolerance keeps sums such as 27 x 1/27 from stopping one short).
    if (b.evaluations && spent_evaluations_ >= static_cast<double>(*b.evaluations) - 1e-9)
      return "budget of " + std::to_string(*b.evaluations) +
             (b.fidelity_weighted ? " fidelity-weighted" : "") + " evaluations spent";
    if (b.seconds && elapsed() >= *b.seconds)
      return "budget of " + std::to_string(*b.seconds) + " s spent";
    if (b.simulated_seconds && simulated_seconds_ >= *b.simulated_seconds)
      return "budget of " + std::to_string(*b.simulated_seconds) + " simulated s (" +
             b.time_metric + ") spent";
    return std::nullopt;
  }

  std::string describe() const {
    const Budget &b = spec_.budget;
    std::string out;
    if (b.evaluations)
      out += std::to_string(*b.evaluations) + " evaluations ";
    if (b.seconds)
      out += std::to_string(*b.seconds) + " s ";
    if (b.simulated_seconds)
      out += std::to_string(*b.simulated_seconds) + " simulated s ";
    std::string who =
        oneshot_ ? strategy_->descriptor().name + " (one-shot search)"
                 : (strategy_ ? strategy_->descriptor().name : "top of " + spec_.from->stage) +
                       " with " + runner_.descriptor().name;
    if (!out.empty())
      who += ", budget " + out;
    if (summary_.resumed)
      who += "(resumed after " + std::to_string(summary_.trials) + " trials)";
    return who;
  }

  void end(const std::string &reason) {
    if (!stopped_) {
      stopped_ = true;
      summary_.end_reason = reason;
    }
  }

  double elapsed() const { return c_.elapsed_before + now_seconds() - start_; }
  long budget_total() const {
    if (oneshot_)
      return 1;
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

  StageContext &c_;
  const StageSpec &spec_;
  nas::SpaceRef space_;
  Instance *strategy_;
  const nas_strategy_v1_t *strategy_vt_ = nullptr;
  const Instance &runner_; // the evaluator, or the one-shot strategy
  const bool oneshot_;     // one trial: the strategy's search (nas.oneshot/1)
  bool oneshot_asked_ = false;
  std::string supernet_ir_;
  bool tabular_ = false;
  bool snapshots_ = false;
  std::string identity_;

  StageSummary summary_;
  double start_ = 0;
  double simulated_seconds_ = 0;
  double spent_evaluations_ = 0; // evaluations handed out, each weighted by fidelity if asked
  double best_objective_ = NAN;
  bool stopped_ = false;
  bool waiting_on_strategy_ = false;
  int64_t cached_in_a_row_ = 0;
  int tells_since_snapshot_ = 0;
  double last_stage_write_ = 0;
  std::deque<Proposal> seeded_;
  std::unordered_map<int64_t, TrialRecord> submitted_;
  std::unordered_map<std::string, int64_t> in_flight_keys_;
  std::unordered_map<int64_t, std::string> cache_key_of_;
  std::unordered_map<int64_t, std::vector<TrialRecord>> waiting_;
};

} // namespace

StageSummary run_stage(StageContext &context) { return StageLoop(context).run(); }

std::string runner_identity(const StageSpec &spec, const StageInstances &instances) {
  if (instances.evaluator)
    return evaluator_identity(*spec.evaluator, instances.evaluator->descriptor().version);
  return "one-shot " + evaluator_identity(*spec.strategy, instances.strategy->descriptor().version);
}

StageSummary summary_of_finished_stage(const RunState &state, const StageRow &row) {
  StageSummary s;
  s.name = row.name;
  for (const auto &t : state.trials)
    if (t.stage == row.name) {
      add_to_summary(s, t);
      s.evaluated += was_evaluated(t) ? 1 : 0;
    }
  s.seconds = row.elapsed;
  s.end_reason = row.end_reason + " (in an earlier session)";
  s.failed = row.status == "failed";
  auto top = state.top(row.name, 1);
  s.best = top.empty() ? nullptr : top.front();
  return s;
}

} // namespace nas::core
