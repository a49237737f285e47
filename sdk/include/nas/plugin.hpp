// nas/plugin.hpp: the header-only C++ layer over nas/abi.h for plugin authors.
//
// Write one class per plugin, derived from nas::Space, nas::Strategy, nas::Evaluator,
// nas::Distance or nas::Predictor, with a constructor `T(const nas::Config&, const
// nas::Host&)` and a `static nas::Info info()`. Then, in exactly one source file:
//
//   NAS_PLUGIN_LIBRARY(MySpace, MyStrategy);
//
// Every exception thrown by a plugin is caught at the boundary and becomes a status, a
// message and (for nas::ConfigError) the config key at fault.
#ifndef NAS_PLUGIN_HPP
#define NAS_PLUGIN_HPP

#include <nas/abi.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef NAS_PLUGIN_MIN_HOST_MINOR
#define NAS_PLUGIN_MIN_HOST_MINOR 0
#endif

namespace nas {

using Choices = std::vector<int32_t>;

// ---- Errors -------------------------------------------------------------------------------

// An error that crosses the boundary as `code` with `message` (and `key` for config errors).
class Error : public std::runtime_error {
public:
  Error(nas_status_t code, const std::string &message, std::string key = {})
      : std::runtime_error(message), code_(code), key_(std::move(key)) {}
  nas_status_t code() const { return code_; }
  const std::string &key() const { return key_; }

private:
  nas_status_t code_;
  std::string key_;
};

// A config value the plugin rejects; the host points at `key` in the pipeline file.
struct ConfigError : Error {
  ConfigError(const std::string &key, const std::string &message)
      : Error(NAS_ERR_CONFIG, message, key) {}
};
// The architecture cannot be scored here: the trial becomes `invalid`.
struct InvalidArch : Error {
  explicit InvalidArch(const std::string &message) : Error(NAS_ERR_INVALID_ARCH, message) {}
};
// The work failed (diverged, unreadable file): the trial becomes `failed`.
struct Failed : Error {
  explicit Failed(const std::string &message) : Error(NAS_ERR_FAILED, message) {}
};
struct Unsupported : Error {
  explicit Unsupported(const std::string &what) : Error(NAS_ERR_UNSUPPORTED, what) {}
};

namespace detail {

inline void copy_truncated(char *dst, size_t cap, const std::string &src) {
  size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

inline void fill_error(nas_error_t *error, nas_status_t code, const std::string &message,
                       const std::string &key = {}) {
  if (!error)
    return;
  error->code = code;
  copy_truncated(error->key, sizeof error->key, key);
  copy_truncated(error->message, sizeof error->message, message);
}

// Runs `body` and turns any exception into a status: the ABI boundary.
template <class Body> nas_status_t guard(nas_error_t *error, Body &&body) noexcept {
  try {
    return body();
  } catch (const Error &e) {
    fill_error(error, e.code(), e.what(), e.key());
    return e.code();
  } catch (const std::bad_alloc &) {
    fill_error(error, NAS_ERR_OUT_OF_MEMORY, "out of memory");
    return NAS_ERR_OUT_OF_MEMORY;
  } catch (const std::exception &e) {
    fill_error(error, NAS_ERR_INTERNAL, e.what());
    return NAS_ERR_INTERNAL;
  } catch (...) {
    fill_error(error, NAS_ERR_INTERNAL, "unknown exception");
    return NAS_ERR_INTERNAL;
  }
}

// A nas_sink_t that appends to a std::string.
struct StringSink : nas_sink_t {
  std::string text;
  StringSink() : nas_sink_t{} {
    struct_size = sizeof(nas_sink_t);
    ctx = nullptr;
    write = [](nas_sink_t *self, const char *data, size_t len) -> nas_status_t {
      static_cast<StringSink *>(self)->text.append(data, len);
      return NAS_OK;
    };
  }
};

inline void write_all(nas_sink_t *sink, std::string_view text) {
  nas_status_t status = sink->write(sink, text.data(), text.size());
  if (status != NAS_OK)
    throw Error(status, "the host's sink refused the output");
}

inline nas_error_t make_error() {
  nas_error_t e{};
  e.struct_size = sizeof e;
  return e;
}

// Throws the callee's error when a call into another instance failed.
inline void check(nas_status_t status, const nas_error_t &error, const char *what) {
  if (status >= NAS_OK)
    return;
  std::string message = std::string(what) + ": " + error.message;
  throw Error(status, message, error.key);
}

} // namespace detail

inline nas_arch_t arch_view(const Choices &choices) {
  nas_arch_t a{};
  a.struct_size = sizeof a;
  a.n = static_cast<uint32_t>(choices.size());
  a.choices = choices.data();
  return a;
}

inline Choices to_choices(const nas_arch_t &arch) {
  if (arch.n > 0 && !arch.choices)
    throw Error(NAS_ERR_INVALID_ARGUMENT, "an architecture without choices");
  return Choices(arch.choices, arch.choices + arch.n);
}

// The same from a pointer that may be null (a caller's mistake, not a crash).
inline Choices to_choices(const nas_arch_t *arch) {
  if (!arch)
    throw Error(NAS_ERR_INVALID_ARGUMENT, "a null architecture");
  return to_choices(*arch);
}

// ---- What a plugin receives: its config and the host ---------------------------------------

// Typed, read-only view of the plugin's config table. Absent keys give the default;
// a value of the wrong type throws ConfigError naming the key.
class Config {
public:
  explicit Config(const nas_config_t *config) : c_(config) {}

  bool has(const std::string &path) const { return type(path) != NAS_VALUE_NONE; }
  int32_t type(const std::string &path) const { return c_->type_of(c_, path.c_str()); }
  uint32_t size(const std::string &path) const { return c_->size(c_, path.c_str()); }
  std::string json() const { return c_->json; }

  int64_t get_int(const std::string &path, int64_t fallback) const {
    int64_t v = 0;
    return get(c_->get_int(c_, path.c_str(), &v), path, "an integer") ? v : fallback;
  }
  double get_double(const std::string &path, double fallback) const {
    double v = 0;
    return get(c_->get_double(c_, path.c_str(), &v), path, "a number") ? v : fallback;
  }
  bool get_bool(const std::string &path, bool fallback) const {
    int32_t v = 0;
    return get(c_->get_bool(c_, path.c_str(), &v), path, "true or false") ? v != 0 : fallback;
  }
  std::string get_string(const std::string &path, const std::string &fallback) const {
    std::string out;
    return read_text(path, c_->get_string, out) ? out : fallback;
  }
  // A required string: absent is a ConfigError.
  std::string require_string(const std::string &path) const {
    std::string out;
    if (!read_text(path, c_->get_string, out))
      throw ConfigError(path, "'" + path + "' is required (a string)");
    return out;
  }
  // The keys of a table, in file order.
  std::vector<std::string> keys(const std::string &path) const {
    std::vector<std::string> out;
    for (uint32_t i = 0, n = size(path); i < n; ++i) {
      std::string key;
      size_t len = 0;
      char small[128];
      nas_status_t s = c_->key_at(c_, path.c_str(), i, small, sizeof small, &len);
      if (s == NAS_ERR_BUFFER_TOO_SMALL) {
        key.resize(len + 1);
        s = c_->key_at(c_, path.c_str(), i, &key[0], key.size(), &len);
        key.resize(len);
      } else {
        key = small;
      }
      if (s != NAS_OK)
        throw ConfigError(path, "cannot read key " + std::to_string(i) + " of '" + path + "'");
      out.push_back(key);
    }
    return out;
  }

private:
  static bool get(nas_status_t status, const std::string &path, const char *expected) {
    if (status == NAS_OK)
      return true;
    if (status == NAS_ERR_NOT_FOUND)
      return false;
    throw ConfigError(path, "'" + path + "' must be " + expected);
  }
  template <class Getter>
  bool read_text(const std::string &path, Getter getter, std::string &out) const {
    char small[256];
    size_t len = 0;
    nas_status_t s = getter(c_, path.c_str(), small, sizeof small, &len);
    if (s == NAS_ERR_BUFFER_TOO_SMALL) {
      out.resize(len + 1);
      s = getter(c_, path.c_str(), &out[0], out.size(), &len);
      out.resize(len);
    } else if (s == NAS_OK) {
      out.assign(small, len);
    }
    return get(s, path, "a string");
  }
  const nas_config_t *c_;
};

// The host's callbacks for one instance.
class Host {
public:
  explicit Host(const nas_host_t *host) : h_(host) {}

  void log(int32_t level, const std::string &message) const { h_->log(h_, level, message.c_str()); }
  void debug(const std::string &m) const { log(NAS_LOG_DEBUG, m); }
  void info(const std::string &m) const { log(NAS_LOG_INFO, m); }
  void warn(const std::string &m) const { log(NAS_LOG_WARN, m); }
  bool cancelled() const { return h_->is_cancelled(h_) != 0; }
  bool should_stop() const { return h_->should_stop(h_) != 0; }
  // A reproducible seed for a named stream of this instance.
  uint64_t seed(const std::string &stream) const { return h_->seed(h_, stream.c_str()); }
  void progress(double done, double total, const std::string &message = {}) const {
    h_->progress(h_, done, total, message.empty() ? nullptr : message.c_str());
  }
  void report(int64_t step, const std::string &metrics_json) const {
    h_->report(h_, step, metrics_json.c_str());
  }
  std::string path() const { return h_->path; }
  std::string run_dir() const { return h_->run_dir; }
  std::string config_dir() const { return h_->config_dir; }
  const nas_host_t *raw() const { return h_; }

private:
  const nas_host_t *h_;
};

// ---- Handles on bound collaborators ------------------------------------------------------

// Looks up `id` on a bound instance; throws if it does not offer it.
template <class VTable> const VTable *interface_of(const nas_instance_t *inst, const char *id) {
  auto vt = static_cast<const VTable *>(inst->get_interface(inst, id));
  if (!vt)
    throw Error(NAS_ERR_INVALID_ARGUMENT,
                std::string(inst->desc->name) + " does not offer the interface " + id);
  return vt;
}

class SpaceRef {
public:
  SpaceRef() = default;
  explicit SpaceRef(const nas_instance_t *inst)
      : inst_(inst), vt_(interface_of<nas_space_v1_t>(inst, NAS_SPACE_V1)) {}
  explicit operator bool() const { return inst_ != nullptr; }
  const nas_instance_t *instance() const { return inst_; }

  uint32_t num_decisions() const { return vt_->num_decisions(inst_); }
  uint32_t num_options(uint32_t decision) const { return vt_->num_options(inst_, decision); }
  void canonicalize(Choices &choices) const {
    auto e = detail::make_error();
    detail::check(vt_->canonicalize(inst_, choices.data(), (uint32_t)choices.size(), &e), e,
                  "canonicalize");
  }
  std::string to_string(const Choices &c) const { return text(vt_->to_string, c, "to_string"); }
  std::string equivalence_key(const Choices &c) const {
    return text(vt_->equivalence_key, c, "equivalence_key");
  }
  std::string to_ir(const Choices &c) const { return text(vt_->to_ir, c, "to_ir"); }
  Choices from_string(const std::string &s) const {
    Choices out(num_decisions());
    auto e = detail::make_error();
    detail::check(vt_->from_string(inst_, s.c_str(), out.data(), (uint32_t)out.size(), &e), e,
                  "from_string");
    return out;
  }
  std::string describe() const {
    detail::StringSink sink;
    auto e = detail::make_error();
    detail::check(vt_->describe(inst_, &sink, &e), e, "describe");
    return sink.text;
  }
  std::string supernet_ir() const {
    detail::StringSink sink;
    auto e = detail::make_error();
    detail::check(vt_->supernet_ir(inst_, &sink, &e), e, "supernet_ir");
    return sink.text;
  }

private:
  template <class Fn> std::string text(Fn fn, const Choices &c, const char *what) const {
    detail::StringSink sink;
    auto e = detail::make_error();
    nas_arch_t a = arch_view(c);
    detail::check(fn(inst_, &a, &sink, &e), e, what);
    return sink.text;
  }
  const nas_instance_t *inst_ = nullptr;
  const nas_space_v1_t *vt_ = nullptr;
};

class DistanceRef {
public:
  DistanceRef() = default;
  explicit DistanceRef(const nas_instance_t *inst)
      : inst_(inst), vt_(interface_of<nas_distance_v1_t>(inst, NAS_DISTANCE_V1)),
        features_(
            static_cast<const nas_features_v1_t *>(inst->get_interface(inst, NAS_FEATURES_V1))) {}
  explicit operator bool() const { return inst_ != nullptr; }

  double operator()(const Choices &a, const Choices &b) const {
    nas_arch_t x = arch_view(a), y = arch_view(b);
    double d = 0;
    auto e = detail::make_error();
    detail::check(vt_->distance(inst_, &x, &y, &d, &e), e, "distance");
    return d;
  }
  bool has_features() const { return features_ != nullptr; }
  std::vector<double> features(const Choices &c) const {
    std::vector<double> out(features_->dimension(inst_));
    nas_arch_t a = arch_view(c);
    auto e = detail::make_error();
    detail::check(features_->features(inst_, &a, out.data(), (uint32_t)out.size(), &e), e,
                  "features");
    return out;
  }

private:
  const nas_instance_t *inst_ = nullptr;
  const nas_distance_v1_t *vt_ = nullptr;
  const nas_features_v1_t *features_ = nullptr;
};

class PredictorRef {
public:
  PredictorRef() = default;
  explicit PredictorRef(nas_instance_t *inst)
      : inst_(inst), vt_(interface_of<nas_predictor_v1_t>(inst, NAS_PREDICTOR_V1)) {}
  explicit operator bool() const { return inst_ != nullptr; }

  void fit(const std::vector<Choices> &archs, const std::vector<double> &values) const {
    std::vector<nas_arch_t> views;
    for (const auto &a : archs)
      views.push_back(arch_view(a));
    auto e = detail::make_error();
    detail::check(vt_->fit(inst_, views.data(), values.data(), (uint32_t)views.size(), &e), e,
                  "fit");
  }
  std::pair<double, double> predict(const Choices &c) const {
    nas_arch_t a = arch_view(c);
    double mean = 0, variance = 0;
    auto e = detail::make_error();
    detail::check(vt_->predict(inst_, &a, &mean, &variance, &e), e, "predict");
    return {mean, variance};
  }

private:
  nas_instance_t *inst_ = nullptr;
  const nas_predictor_v1_t *vt_ = nullptr;
};

// ---- Base classes, one per kind -----------------------------------------------------------

// What `nas describe` shows. Strings are JSON where abi.h's nas_descriptor_t says so.
struct Info {
  std::string name;
  std::string version;
  std::string description;
  uint64_t flags = 0;
  std::string config = "{}";
  std::string roles = "{}";
  std::string metrics = "{}";
};

class Plugin {
public:
  explicit Plugin(const Host &host) : host_(host) {}
  virtual ~Plugin() = default;
  Plugin(const Plugin &) = delete;
  Plugin &operator=(const Plugin &) = delete;

  // Receives a collaborator under a role the descriptor declares. The default accepts
  // none; plugins with roles override it (the host only binds declared roles).
  virtual void bind(const std::string &role, nas_instance_t *other) {
    (void)other;
    throw Error(NAS_ERR_NOT_FOUND, "no role '" + role + "'");
  }
  const Host &host() const { return host_; }

private:
  Host host_;
};

class Space : public Plugin {
public:
  static constexpr const char *kind = NAS_KIND_SPACE;
  using Plugin::Plugin;
  virtual std::string describe() const = 0; // {"decisions": [...]}, see abi.h
  virtual uint32_t num_decisions() const = 0;
  virtual uint32_t num_options(uint32_t decision) const = 0;
  // Default: checks lengths and ranges. Spaces with inactive decisions zero them here.
  virtual void canonicalize(Choices &choices) const { check_ranges(choices); }
  // Throws InvalidArch unless there is one valid option index per decision.
  void check_ranges(const Choices &choices) const {
    if (choices.size() != num_decisions())
      throw InvalidArch("expected " + std::to_string(num_decisions()) + " decisions, got " +
                        std::to_string(choices.size()));
    for (uint32_t i = 0; i < choices.size(); ++i)
      if (choices[i] < 0 || (uint32_t)choices[i] >= num_options(i))
        throw InvalidArch("decision " + std::to_string(i) + " has option " +
                          std::to_string(choices[i]) + ", expected 0.." +
                          std::to_string(num_options(i) - 1));
  }
  virtual std::string to_string(const Choices &choices) const = 0;
  virtual Choices from_string(const std::string &text) const = 0;
  virtual std::string equivalence_key(const Choices &choices) const { return to_string(choices); }
  virtual std::string to_ir(const Choices &) const { throw Unsupported("to_ir"); }
  virtual std::string supernet_ir() const { throw Unsupported("supernet_ir"); }
};

// A proposal from Strategy::ask.
struct Proposal {
  Choices choices;
  double fidelity = 1.0;
  int64_t resume_from = -1;
  std::string tag;
};

// The outcome of a trial, as told to a strategy.
struct Outcome {
  int64_t trial_id = -1;
  Choices choices;
  double fidelity = 1.0;
  int32_t status = NAS_TRIAL_OK;
  double objective = NAN; // maximized
  std::string metrics_json = "{}";
  bool ok() const { return !std::isnan(objective); }
};

class Strategy : public Plugin {
public:
  static constexpr const char *kind = NAS_KIND_STRATEGY;
  using Plugin::Plugin;
  enum class Ask { ok = NAS_OK, wait = NAS_WAIT, done = NAS_DONE };
  // Fills `out` (choices pre-sized to the space) for trial `trial_id`, or says wait/done.
  virtual Ask ask(int64_t trial_id, Proposal &out) = 0;
  virtual void tell(const Outcome &outcome) = 0;
  // State snapshots; strategies that keep state override both.
  virtual std::string save() const { throw Unsupported("save"); }
  virtual void load(std::string_view) { throw Unsupported("load"); }
};

// A trial as an evaluator sees it.
struct Trial {
  int64_t id = 0;
  Choices choices;
  std::string canonical;
  std::string ir_json;
  double fidelity = 1.0;
  uint64_t seed = 0;
  uint32_t repeat = 0;
  std::string artifact_dir;
  std::string resume_from;
  std::string tag;
};

class Evaluator : public Plugin {
public:
  static constexpr const char *kind = NAS_KIND_EVALUATOR;
  using Plugin::Plugin;
  // Returns the metrics as one JSON object.
  virtual std::string evaluate(const Trial &trial) = 0;
};

// Strategies that run a whole one-shot search also derive from OneShot.
class OneShot {
public:
  virtual ~OneShot() = default;
  // Returns the derived architecture; writes the search's metrics to `metrics_json`.
  virtual Choices search(const Trial &trial, std::string &metrics_json) = 0;
};

class Distance : public Plugin {
public:
  static constexpr const char *kind = NAS_KIND_DISTANCE;
  using Plugin::Plugin;
  virtual double distance(const Choices &a, const Choices &b) const = 0;
  // Features whose squared Euclidean distances are proportional to distance(); a
  // dimension of 0 means the distance offers none.
  virtual uint32_t feature_dimension() const { return 0; }
  virtual void features(const Choices &, double *) const { throw Unsupported("features"); }
};

class Predictor : public Plugin {
public:
  static constexpr const char *kind = NAS_KIND_PREDICTOR;
  using Plugin::Plugin;
  virtual void fit(const std::vector<Choices> &archs, const std::vector<double> &values) = 0;
  // Returns {mean, variance}.
  virtual std::pair<double, double> predict(const Choices &arch) const = 0;
  // Optional joint posterior over `archs` (Thompson sampling): {mean (m values), covariance
  // (m*m, row-major)}. The default is Unsupported, which the ABI answers as such.
  virtual std::pair<std::vector<double>, std::vector<double>>
  predict_joint(const std::vector<Choices> &archs) const {
    (void)archs;
    throw Unsupported("predict_joint");
  }
  virtual std::string save() const { throw Unsupported("save"); }
  virtual void load(std::string_view) { throw Unsupported("load"); }
};

// ---- The adapter: C vtables that call the classes -----------------------------------------

namespace detail {

inline Plugin *self_of(const nas_instance_t *inst) {
  return static_cast<Plugin *>(inst->plugin_data);
}
template <class T> T *as(const nas_instance_t *inst) { return dynamic_cast<T *>(self_of(inst)); }

inline Trial to_trial(const nas_trial_t *t) {
  Trial out;
  out.id = t->id;
  out.choices = to_choices(t->arch);
  out.canonical = t->canonical ? t->canonical : "";
  out.ir_json = t->ir_json ? t->ir_json : "";
  out.fidelity = t->fidelity;
  out.seed = t->seed;
  out.repeat = t->repeat;
  out.artifact_dir = t->artifact_dir ? t->artifact_dir : "";
  out.resume_from = t->resume_from ? t->resume_from : "";
  out.tag = t->tag ? t->tag : "";
  return out;
}

// The choices of `a`, checked against the space so no space reads out of range.
inline Choices checked(const nas_instance_t *self, const nas_arch_t *a) {
  Choices c = to_choices(a);
  as<Space>(self)->check_ranges(c);
  return c;
}

inline const nas_space_v1_t *space_vtable() {
  static const nas_space_v1_t vt = {
      sizeof(nas_space_v1_t),
      [](const nas_instance_t *self, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Space>(self)->describe());
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self) -> uint32_t {
        try {
          return as<Space>(self)->num_decisions();
        } catch (...) {
          return 0;
        }
      },
      [](const nas_instance_t *self, uint32_t d) -> uint32_t {
        try {
          const Space *space = as<Space>(self);
          return d < space->num_decisions() ? space->num_options(d) : 0;
        } catch (...) {
          return 0;
        }
      },
      [](const nas_instance_t *self, int32_t *choices, uint32_t n, nas_error_t *e) {
        return guard(e, [&] {
          Choices c(choices, choices + n);
          as<Space>(self)->canonicalize(c);
          std::copy(c.begin(), c.end(), choices);
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, const nas_arch_t *a, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Space>(self)->to_string(checked(self, a)));
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, const char *text, int32_t *choices, uint32_t n,
         nas_error_t *e) {
        return guard(e, [&] {
          if (!text || !choices)
            throw Error(NAS_ERR_INVALID_ARGUMENT, "from_string: null text or choices");
          Choices c = as<Space>(self)->from_string(text);
          if (c.size() != n)
            throw Error(NAS_ERR_INVALID_ARGUMENT, "from_string: room for " + std::to_string(n) +
                                                      " decisions, need " +
                                                      std::to_string(c.size()));
          std::copy(c.begin(), c.end(), choices);
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, const nas_arch_t *a, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Space>(self)->equivalence_key(checked(self, a)));
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, const nas_arch_t *a, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Space>(self)->to_ir(checked(self, a)));
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Space>(self)->supernet_ir());
          return NAS_OK;
        });
      },
  };
  return &vt;
}

inline const nas_strategy_v1_t *strategy_vtable() {
  static const nas_strategy_v1_t vt = {
      sizeof(nas_strategy_v1_t),
      [](nas_instance_t *self, nas_ask_t *ask, nas_error_t *e) {
        return guard(e, [&]() -> nas_status_t {
          Proposal p;
          p.choices.assign(ask->n, 0);
          p.fidelity = ask->fidelity;
          Strategy::Ask r = as<Strategy>(self)->ask(ask->trial_id, p);
          if (r != Strategy::Ask::ok)
            return static_cast<nas_status_t>(r);
          if (p.choices.size() != ask->n)
            throw Error(NAS_ERR_INTERNAL, "ask proposed " + std::to_string(p.choices.size()) +
                                              " decisions, the space has " +
                                              std::to_string(ask->n));
          std::copy(p.choices.begin(), p.choices.end(), ask->choices);
          ask->fidelity = p.fidelity;
          ask->resume_from = p.resume_from;
          copy_truncated(ask->tag, sizeof ask->tag, p.tag);
          return NAS_OK;
        });
      },
      [](nas_instance_t *self, const nas_tell_t *t, nas_error_t *e) {
        return guard(e, [&] {
          Outcome o;
          o.trial_id = t->trial_id;
          o.choices = to_choices(t->arch);
          o.fidelity = t->fidelity;
          o.status = t->status;
          o.objective = t->objective;
          o.metrics_json = t->metrics_json ? t->metrics_json : "{}";
          as<Strategy>(self)->tell(o);
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Strategy>(self)->save());
          return NAS_OK;
        });
      },
      [](nas_instance_t *self, const char *data, size_t len, nas_error_t *e) {
        return guard(e, [&] {
          as<Strategy>(self)->load(std::string_view(data, len));
          return NAS_OK;
        });
      },
  };
  return &vt;
}

inline const nas_evaluator_v1_t *evaluator_vtable() {
  static const nas_evaluator_v1_t vt = {
      sizeof(nas_evaluator_v1_t),
      [](nas_instance_t *self, const nas_trial_t *t, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Evaluator>(self)->evaluate(to_trial(t)));
          return NAS_OK;
        });
      },
  };
  return &vt;
}

inline const nas_oneshot_v1_t *oneshot_vtable() {
  static const nas_oneshot_v1_t vt = {
      sizeof(nas_oneshot_v1_t),
      [](nas_instance_t *self, const nas_trial_t *t, int32_t *choices, uint32_t n, nas_sink_t *out,
         nas_error_t *e) {
        return guard(e, [&] {
          std::string metrics = "{}";
          Choices c = as<OneShot>(self)->search(to_trial(t), metrics);
          if (c.size() != n)
            throw Error(NAS_ERR_INTERNAL, "search derived " + std::to_string(c.size()) +
                                              " decisions, the space has " + std::to_string(n));
          std::copy(c.begin(), c.end(), choices);
          write_all(out, metrics);
          return NAS_OK;
        });
      },
  };
  return &vt;
}

inline const nas_distance_v1_t *distance_vtable() {
  static const nas_distance_v1_t vt = {
      sizeof(nas_distance_v1_t),
      [](const nas_instance_t *self, const nas_arch_t *a, const nas_arch_t *b, double *out,
         nas_error_t *e) {
        return guard(e, [&] {
          *out = as<Distance>(self)->distance(to_choices(a), to_choices(b));
          return NAS_OK;
        });
      },
  };
  return &vt;
}

inline const nas_features_v1_t *features_vtable() {
  static const nas_features_v1_t vt = {
      sizeof(nas_features_v1_t),
      [](const nas_instance_t *self) { return as<Distance>(self)->feature_dimension(); },
      [](const nas_instance_t *self, const nas_arch_t *a, double *out, uint32_t cap,
         nas_error_t *e) {
        return guard(e, [&] {
          const Distance *d = as<Distance>(self);
          if (cap < d->feature_dimension())
            throw Error(NAS_ERR_BUFFER_TOO_SMALL, "features: room for " + std::to_string(cap) +
                                                      ", need " +
                                                      std::to_string(d->feature_dimension()));
          d->features(to_choices(a), out);
          return NAS_OK;
        });
      },
  };
  return &vt;
}

inline const nas_predictor_v1_t *predictor_vtable() {
  static const nas_predictor_v1_t vt = {
      sizeof(nas_predictor_v1_t),
      [](nas_instance_t *self, const nas_arch_t *archs, const double *values, uint32_t count,
         nas_error_t *e) {
        return guard(e, [&] {
          std::vector<Choices> a;
          for (uint32_t i = 0; i < count; ++i)
            a.push_back(to_choices(archs[i]));
          as<Predictor>(self)->fit(a, std::vector<double>(values, values + count));
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, const nas_arch_t *a, double *mean, double *variance,
         nas_error_t *e) {
        return guard(e, [&] {
          auto [m, v] = as<Predictor>(self)->predict(to_choices(a));
          *mean = m;
          *variance = v;
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, const nas_arch_t *archs, uint32_t count, double *mean,
         double *covariance, nas_error_t *e) {
        return guard(e, [&] {
          if (count > 0 && (!archs || !mean || !covariance))
            throw Error(NAS_ERR_INVALID_ARGUMENT, "predict_joint: null architectures or outputs");
          std::vector<Choices> a;
          for (uint32_t i = 0; i < count; ++i)
            a.push_back(to_choices(archs[i]));
          auto [m, c] = as<Predictor>(self)->predict_joint(a);
          if (m.size() != count || c.size() != size_t{count} * count)
            throw Error(NAS_ERR_INTERNAL, "predict_joint gave " + std::to_string(m.size()) +
                                              " means and " + std::to_string(c.size()) +
                                              " covariances for " + std::to_string(count));
          std::copy(m.begin(), m.end(), mean);
          std::copy(c.begin(), c.end(), covariance);
          return NAS_OK;
        });
      },
      [](const nas_instance_t *self, nas_sink_t *out, nas_error_t *e) {
        return guard(e, [&] {
          write_all(out, as<Predictor>(self)->save());
          return NAS_OK;
        });
      },
      [](nas_instance_t *self, const char *data, size_t len, nas_error_t *e) {
        return guard(e, [&] {
          as<Predictor>(self)->load(std::string_view(data, len));
          return NAS_OK;
        });
      },
  };
  return &vt;
}

inline const void *get_interface(const nas_instance_t *self, const char *id) {
  std::string_view want(id ? id : "");
  Plugin *p = self_of(self);
  if (want == NAS_SPACE_V1 && dynamic_cast<Space *>(p))
    return space_vtable();
  if (want == NAS_STRATEGY_V1 && dynamic_cast<Strategy *>(p))
    return strategy_vtable();
  if (want == NAS_EVALUATOR_V1 && dynamic_cast<Evaluator *>(p))
    return evaluator_vtable();
  if (want == NAS_ONESHOT_V1 && dynamic_cast<OneShot *>(p))
    return oneshot_vtable();
  if (want == NAS_DISTANCE_V1 && dynamic_cast<Distance *>(p))
    return distance_vtable();
  if (want == NAS_FEATURES_V1 && dynamic_cast<Distance *>(p) &&
      dynamic_cast<Distance *>(p)->feature_dimension() > 0)
    return features_vtable();
  if (want == NAS_PREDICTOR_V1 && dynamic_cast<Predictor *>(p))
    return predictor_vtable();
  return nullptr;
}

// One plugin class of a library: its descriptor and how to make it.
struct Registration {
  Info info;
  nas_descriptor_t desc{};
  Plugin *(*make)(const Config &, const Host &) = nullptr;
};

template <class T> std::unique_ptr<Registration> registration() {
  auto r = std::make_unique<Registration>();
  r->info = T::info();
  r->make = [](const Config &c, const Host &h) -> Plugin * { return new T(c, h); };
  nas_descriptor_t &d = r->desc;
  d.struct_size = sizeof d;
  d.kind = T::kind;
  d.name = r->info.name.c_str();
  d.version = r->info.version.c_str();
  d.description = r->info.description.c_str();
  d.flags = r->info.flags;
  d.config = r->info.config.c_str();
  d.roles = r->info.roles.c_str();
  d.metrics = r->info.metrics.c_str();
  return r;
}

template <class... Ts> struct Library {
  static const std::vector<std::unique_ptr<Registration>> &all() {
    static const std::vector<std::unique_ptr<Registration>> regs = [] {
      std::vector<std::unique_ptr<Registration>> v;
      (v.push_back(registration<Ts>()), ...);
      return v;
    }();
    return regs;
  }

  static nas_status_t create(const nas_factory_v1_t *, const char *name, const nas_host_t *host,
                             const nas_config_t *config, nas_instance_t **out, nas_error_t *error) {
    return guard(error, [&] {
      for (const auto &r : all()) {
        if (std::strcmp(r->desc.name, name) != 0)
          continue;
        auto inst = std::make_unique<nas_instance_t>();
        inst->struct_size = sizeof(nas_instance_t);
        inst->desc = &r->desc;
        std::unique_ptr<Plugin> obj(r->make(Config(config), Host(host)));
        inst->get_interface = &detail::get_interface;
        inst->destroy = [](nas_instance_t *self) {
          delete self_of(self);
          delete self;
        };
        inst->bind = [](nas_instance_t *self, const char *role, nas_instance_t *other,
                        nas_error_t *e) {
          return guard(e, [&] {
            self_of(self)->bind(role, other);
            return NAS_OK;
          });
        };
        inst->plugin_data = obj.release();
        *out = inst.release();
        return NAS_OK;
      }
      throw Error(NAS_ERR_NOT_FOUND, std::string("this library has no plugin '") + name + "'");
    });
  }

  static const void *get_factory(const char *id) {
    static const nas_factory_v1_t factory = {
        sizeof(nas_factory_v1_t),
        [](const nas_factory_v1_t *) { return static_cast<uint32_t>(all().size()); },
        [](const nas_factory_v1_t *, uint32_t i) -> const nas_descriptor_t * {
          return i < all().size() ? &all()[i]->desc : nullptr;
        },
        &create,
    };
    return std::strcmp(id, NAS_FACTORY_V1) == 0 ? &factory : nullptr;
  }
};

inline nas_status_t library_init(const char *, const nas_version_t *, nas_error_t *) {
  return NAS_OK;
}
inline void library_deinit() {}

} // namespace detail
} // namespace nas

// Exports the library's one symbol, listing its plugin classes.
#define NAS_PLUGIN_LIBRARY(...)                                                                    \
  extern "C" NAS_EXPORT const nas_plugin_entry_t nas_plugin_entry;                                 \
  extern "C" NAS_EXPORT const nas_plugin_entry_t nas_plugin_entry = {                              \
      {NAS_ABI_MAJOR, NAS_ABI_MINOR},                                                              \
      NAS_PLUGIN_MIN_HOST_MINOR,                                                                   \
      0,                                                                                           \
      sizeof(nas_plugin_entry_t),                                                                  \
      &::nas::detail::library_init,                                                                \
      &::nas::detail::library_deinit,                                                              \
      &::nas::detail::Library<__VA_ARGS__>::get_factory}

#endif // NAS_PLUGIN_HPP
