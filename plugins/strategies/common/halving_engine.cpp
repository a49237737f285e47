#include "halving_engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nas::halving {

namespace {

// The bottom rung of the widest bracket may hold at most this many architectures.
constexpr double kMaxBottom = 2147483648.0; // 2^31

std::string to_hex(const std::string &bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

std::string from_hex(const std::string &hex) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    throw std::invalid_argument("the sampler's state is not lowercase hex");
  };
  if (hex.size() % 2 != 0)
    throw std::invalid_argument("the sampler's state has an odd number of hex digits");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(value(hex[2 * i]) * 16 + value(hex[2 * i + 1]));
  return out;
}

} // namespace

Settings read_settings(const Config &config, bool hyperband) {
  Settings s;
  s.hyperband = hyperband;
  s.eta = config.get_int("eta", 3);
  if (s.eta < 2)
    throw ConfigError("eta", "'eta' must be at least 2, got " + std::to_string(s.eta));
  s.min_fidelity = config.get_double("min_fidelity", 1.0 / 27);
  if (!(s.min_fidelity > 0.0 && s.min_fidelity <= 1.0))
    throw ConfigError("min_fidelity",
                      "'min_fidelity' must be in (0, 1], got " + std::to_string(s.min_fidelity));
  Ladder ladder(s.eta, s.min_fidelity);
  if (ladder.power(ladder.top()) > kMaxBottom)
    throw ConfigError("min_fidelity", "'min_fidelity' = " + std::to_string(s.min_fidelity) +
                                          " with eta = " + std::to_string(s.eta) + " needs " +
                                          std::to_string(ladder.top() + 1) +
                                          " rungs, more than 2^31 bottom-rung architectures");
  std::string mode = config.get_string("mode", "sync");
  if (mode != "sync" && mode != "async")
    throw ConfigError("mode", "'mode' must be \"sync\" or \"async\", got \"" + mode + "\"");
  s.async = mode == "async";
  s.brackets = config.get_int("brackets", 0);
  if (s.brackets < 0)
    throw ConfigError("brackets", "'brackets' must be 0 (no limit) or more");
  if (!hyperband) {
    const double least = ladder.power(ladder.top());
    s.n = config.get_int("n", 0);
    if (s.n == 0)
      s.n = static_cast<int64_t>(least);
    if (static_cast<double>(s.n) < least)
      throw ConfigError("n", "'n' = " + std::to_string(s.n) + " leaves no architecture for " +
                                 "fidelity 1 after " + std::to_string(ladder.top()) +
                                 " halvings by eta = " + std::to_string(s.eta) +
                                 "; it must be at least " +
                                 std::to_string(static_cast<int64_t>(least)));
  }
  return s;
}

std::string config_schema(bool hyperband) {
  std::string out =
      R"({"eta": {"type": "int", "default": 3, "help": )"
      R"("keep the top 1/eta of each rung; fidelity grows eta-fold per rung"}, )"
      R"("min_fidelity": {"type": "double", "default": 0.037037037037037035, "help": )"
      R"j("the lowest fidelity, rounded up to a power of 1/eta (rungs at eta^-k .. 1)"}, )j"
      R"("mode": {"type": "string", "default": "sync", "help": )"
      R"j("sync: wait at each rung's barrier; async: promote as results come (ASHA)"}, )j"
      R"("brackets": {"type": "int", "default": 0, "help": )"
      R"("brackets to run (their bottom rungs to sample), then done; 0: until the budget ends"})";
  if (!hyperband)
    out +=
        R"(, "n": {"type": "int", "default": 0, "help": )"
        R"("architectures in a bracket's bottom rung; 0: eta^(rungs-1), one reaches fidelity 1"})";
  return out + "}";
}

std::string roles_schema() {
  return R"({"sampler": {"kind": "strategy", "required": true, "help": )"
         R"("proposes the bottom rung's architectures and hears their results"}})";
}

Engine::Engine(const Settings &settings, std::string format)
    : settings_(settings), format_(std::move(format)),
      ladder_(settings.eta, settings.min_fidelity) {
  if (!settings_.async)
    return;
  // ASHA keeps every rung for the life of the search: one bracket per shape.
  const int64_t shapes = settings_.hyperband ? ladder_.top() + 1 : 1;
  for (int64_t k = 0; k < shapes; ++k) {
    Plan p = plan(k);
    brackets_.emplace_back(k, p.s, ladder_.top() - p.s, p.n);
  }
}

Engine::Plan Engine::plan(int64_t k) const {
  if (!settings_.hyperband)
    return {ladder_.top(), settings_.n};
  int s = ladder_.top() - static_cast<int>(k % (ladder_.top() + 1));
  return {s, hyperband_bracket_size(ladder_, s)};
}

void Engine::require_sampler() const {
  if (!sampler_)
    throw Error(NAS_ERR_INVALID_ARGUMENT, format_ + ": no sampler is bound (role 'sampler')");
}

Strategy::Ask Engine::ask(int64_t trial_id, Proposal &out) {
  require_sampler();
  return settings_.async ? ask_async(trial_id, out) : ask_sync(trial_id, out);
}

Strategy::Ask Engine::ask_sync(int64_t trial_id, Proposal &out) {
  for (;;) {
    if (brackets_.empty()) {
      if (sampler_done_ || !schedule_open())
        return Strategy::Ask::done;
      Plan p = plan(planned_);
      brackets_.emplace_back(planned_, p.s, ladder_.top() - p.s, p.n);
      ++planned_;
    }
    Bracket &b = brackets_.front();
    const int r = b.open();
    Rung &rung = b.rung(r);
    if (r == 0) {
      if (static_cast<int64_t>(rung.entries.size()) < rung.slots && !sampler_done_) {
        Strategy::Ask a = sample(0, trial_id, out);
        if (a != Strategy::Ask::done)
          return a;
      }
    } else if (!rung.queue.empty()) {
      size_t below = rung.queue.front();
      rung.queue.pop_front();
      promote(0, r, below, trial_id, out);
      return Strategy::Ask::ok;
    }
    // Everything of this rung is asked: the barrier.
    if (b.has_pending(r))
      return Strategy::Ask::wait;
    if (!b.open_next(settings_.eta))
      brackets_.clear(); // its top rung is done, or nothing was worth promoting
  }
}

Strategy::Ask Engine::ask_async(int64_t trial_id, Proposal &out) {
  // ASHA's get_job: a promotion if any, from the highest level down.
  for (int level = ladder_.top() - 1; level >= 0; --level)
    for (size_t b = 0; b < brackets_.size(); ++b) {
      const int r = level - brackets_[b].level(0);
      if (r < 0 || r >= brackets_[b].s())
        continue;
      if (auto below = brackets_[b].promotable(r, settings_.eta)) {
        promote(b, r + 1, *below, trial_id, out);
        return Strategy::Ask::ok;
      }
    }
  // Else a new architecture, in the bracket the schedule is drawing for.
  if (!sampler_done_) {
    if (sampled_ >= plan(planned_).n) {
      ++planned_;
      sampled_ = 0;
    }
    if (schedule_open()) {
      const auto b = static_cast<size_t>(planned_ % static_cast<int64_t>(brackets_.size()));
      Strategy::Ask a = sample(b, trial_id, out);
      if (a == Strategy::Ask::ok)
        ++sampled_;
      if (a != Strategy::Ask::done)
        return a;
    }
  }
  // Nothing new will be sampled: results still to come may allow promotions.
  return pending_.empty() ? Strategy::Ask::done : Strategy::Ask::wait;
}

Strategy::Ask Engine::sample(size_t b, int64_t trial_id, Proposal &out) {
  nas_status_t status = sampler_.ask(trial_id, out.choices);
  if (status == NAS_WAIT)
    return Strategy::Ask::wait;
  if (status == NAS_DONE) {
    sampler_done_ = true;
    return Strategy::Ask::done;
  }
  size_t index = brackets_[b].add(0, trial_id, out.choices, -1);
  pending_[trial_id] = {b, 0, index};
  propose(b, 0, index, out);
  return Strategy::Ask::ok;
}

void Engine::promote(size_t b, int r, size_t below, int64_t trial_id, Proposal &out) {
  Bracket &bracket = brackets_[b];
  Entry &lower = bracket.rung(r - 1).entries.at(below);
  lower.promoted = true;
  size_t index = bracket.add(r, trial_id, lower.choices, lower.trial);
  pending_[trial_id] = {b, r, index};
  propose(b, r, index, out);
}

void Engine::propose(size_t b, int r, size_t index, Proposal &out) {
  const Bracket &bracket = brackets_[b];
  const Entry &e = bracket.rung(r).entries[index];
  out.choices = e.choices;
  out.fidelity = ladder_.fidelity(bracket.level(r));
  out.resume_from = e.from;
  out.tag = settings_.hyperband
                ? "bracket " + std::to_string(bracket.s()) + " rung " + std::to_string(r)
                : "rung " + std::to_string(r);
}

void Engine::tell(const Outcome &o) {
  auto it = pending_.find(o.trial_id);
  if (it == pending_.end()) {
    // Not asked by us (a warm start, a resumed run): the sampler may still learn from it.
    if (sampler_)
      sampler_.tell(o);
    return;
  }
  const Where w = it->second;
  pending_.erase(it);
  Bracket &b = brackets_[w.bracket];
  Entry &e = b.rung(w.rung).entries[w.index];
  if (o.choices.size() == e.choices.size())
    e.choices = o.choices; // the canonical form, which promotions then ask for
  const bool valid =
      (o.status == NAS_TRIAL_OK || o.status == NAS_TRIAL_CACHED) && std::isfinite(o.objective);
  b.record(w.rung, w.index, valid, o.objective);
  if (w.rung == 0)
    sampler_.tell(o);
}

// ---- state ---------------------------------------------------------------------------------

nlohmann::json Engine::sampler_state() const {
  std::optional<std::string> state = sampler_.save();
  if (!state)
    return nullptr;
  try {
    (void)nlohmann::json(*state).dump(); // throws unless the bytes are valid UTF-8
    return {{"text", *state}};
  } catch (const nlohmann::json::exception &) {
    return {{"hex", to_hex(*state)}};
  }
}

std::string Engine::save() const {
  require_sampler();
  nlohmann::json brackets = nlohmann::json::array();
  for (const Bracket &b : brackets_)
    brackets.push_back(b.to_json());
  nlohmann::json state = {{"format", format_},
                          {"eta", settings_.eta},
                          {"levels", ladder_.top() + 1},
                          {"mode", settings_.async ? "async" : "sync"},
                          {"n", settings_.n},
                          {"brackets", settings_.brackets},
                          {"planned", planned_},
                          {"sampled", sampled_},
                          {"sampler_done", sampler_done_},
                          {"open", brackets},
                          {"sampler", sampler_state()}};
  return state.dump();
}

void Engine::load(std::string_view data) {
  require_sampler();
  try {
    auto state = nlohmann::json::parse(data);
    if (state.at("format") != format_)
      throw std::invalid_argument("the format is not " + format_);
    auto same = [&](const char *key, const nlohmann::json &mine) {
      if (state.at(key) != mine)
        throw std::invalid_argument(std::string("it was saved with ") + key + " = " +
                                    state.at(key).dump() + ", this one has " + mine.dump());
    };
    same("eta", settings_.eta);
    same("levels", ladder_.top() + 1);
    same("mode", settings_.async ? "async" : "sync");
    same("n", settings_.n);
    same("brackets", settings_.brackets);
    // Build the new state aside, so a failed load leaves this one unchanged.
    std::vector<Bracket> brackets;
    for (const auto &b : state.at("open"))
      brackets.push_back(Bracket::from_json(b));
    if (settings_.async ? brackets.size() != brackets_.size() : brackets.size() > 1)
      throw std::invalid_argument("it holds " + std::to_string(brackets.size()) + " brackets");
    for (size_t i = 0; i < brackets.size(); ++i) {
      const Bracket &b = brackets[i];
      if (b.level(0) + b.s() != ladder_.top() || (settings_.async && b.s() != brackets_[i].s()))
        throw std::invalid_argument("a bracket does not fit this ladder");
    }
    const auto planned = state.at("planned").get<int64_t>();
    const auto sampled = state.at("sampled").get<int64_t>();
    const bool sampler_done = state.at("sampler_done").get<bool>();
    // The sampler last: once it has loaded, nothing here can fail.
    const nlohmann::json &sampler = state.at("sampler");
    if (!sampler.is_null())
      sampler_.load(sampler.contains("hex") ? from_hex(sampler.at("hex").get<std::string>())
                                            : sampler.at("text").get<std::string>());
    brackets_ = std::move(brackets);
    planned_ = planned;
    sampled_ = sampled;
    sampler_done_ = sampler_done;
    rebuild_pending();
  } catch (const Error &) {
    throw;
  } catch (const std::exception &e) {
    throw Error(NAS_ERR_INVALID_ARGUMENT, format_ + " cannot load this state: " + e.what());
  }
}

void Engine::rebuild_pending() {
  pending_.clear();
  for (size_t b = 0; b < brackets_.size(); ++b)
    for (int r = 0; r <= brackets_[b].s(); ++r) {
      const auto &entries = brackets_[b].rung(r).entries;
      for (size_t i = 0; i < entries.size(); ++i)
        if (entries[i].state == Entry::State::pending)
          pending_[entries[i].trial] = {b, r, i};
    }
}

} // namespace nas::halving
