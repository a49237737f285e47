/*
 * nas/abi.h: the C ABI v1 between the `nas` host and its plugins.
 *
 * This header is the whole contract. It is C99 and compiles as C++17.
 *
 * Rules that keep it stable (read these before changing anything):
 * - Only C types cross: no C++ class, exception, std::string or tensor.
 * - Every struct begins with `struct_size` and only ever grows at its end. A reader
 *   checks the size (NAS_HAS_FIELD) before touching a field added after v1.0.
 * - A plugin library exports one symbol, `nas_plugin_entry` (see the end of the file).
 * - The host refuses another major version, and a plugin whose `min_host_minor` is above
 *   the host's minor. A breaking change to one kind makes a new interface id
 *   ("nas.strategy/2") while "nas.strategy/1" keeps being served.
 * - The caller owns every buffer. Variable-size output goes through a nas_sink_t that the
 *   caller provides, so nothing is ever freed across the boundary.
 * - Every fallible call returns a nas_status_t and fills a caller-owned nas_error_t.
 * - Thread rules are given in brackets on each function:
 *   [thread-safe]    any thread, concurrently;
 *   [serialized]     the host never makes two such calls on one instance at once;
 *   [main-thread]    only from the thread that created the instance.
 */
#ifndef NAS_ABI_H
#define NAS_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------- */

/* The ABI this header describes. A plugin may be built with these overridden (tests do). */
#ifndef NAS_ABI_MAJOR
#define NAS_ABI_MAJOR 1
#endif
#ifndef NAS_ABI_MINOR
#define NAS_ABI_MINOR 0
#endif

typedef struct nas_version {
  uint16_t major;
  uint16_t minor;
} nas_version_t;

#if defined(_WIN32)
#define NAS_EXPORT __declspec(dllexport)
#else
#define NAS_EXPORT __attribute__((visibility("default")))
#endif

/* True when `ptr`, a struct of type `type` whose struct_size was set by its producer, is
 * large enough to hold `field`. Use it before reading any field added after v1.0. */
#define NAS_HAS_FIELD(ptr, type, field)                                                            \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ----------------------------------------------------------------------------------------
 * Statuses and errors
 * ------------------------------------------------------------------------------------- */

typedef int32_t nas_status_t;

enum {
  NAS_OK = 0,
  NAS_WAIT = 1, /* strategy.ask: nothing to propose until a pending trial is told */
  NAS_DONE = 2, /* strategy.ask: the strategy has nothing more to propose, ever */

  NAS_ERR_INVALID_ARGUMENT = -1, /* a caller broke the contract (null, out of range) */
  NAS_ERR_CONFIG = -2,           /* a config value was rejected; error.key names it */
  NAS_ERR_NOT_FOUND = -3,        /* a config key, table row or interface is absent */
  NAS_ERR_TYPE = -4,             /* a config value has another type than asked */
  NAS_ERR_BUFFER_TOO_SMALL = -5, /* the caller's buffer is too small; the size is given */
  NAS_ERR_UNSUPPORTED = -6,      /* the call is optional and this plugin lacks it */
  NAS_ERR_INVALID_ARCH = -7,     /* the architecture is not valid here (trial: invalid) */
  NAS_ERR_INFEASIBLE = -8,       /* the architecture breaks a hard limit (trial: infeasible) */
  NAS_ERR_FAILED = -9,           /* the work failed (diverged, I/O); trial: failed */
  NAS_ERR_CANCELLED = -10,       /* stopped because the host cancelled or asked to stop */
  NAS_ERR_OUT_OF_MEMORY = -11,   /* trial: oom */
  NAS_ERR_INTERNAL = -12         /* a bug; an exception that was not expected */
};

/* Filled by the callee when a call fails. The caller owns it and zeroes it first.
 * Strings are NUL-terminated and truncated to fit. */
typedef struct nas_error {
  uint32_t struct_size;
  nas_status_t code;
  char key[128];      /* the config key at fault (dotted path), or "" */
  char message[1024]; /* what went wrong and what was expected */
} nas_error_t;

/* A trial's outcome, as stored and as told to strategies. */
enum {
  NAS_TRIAL_OK = 0,
  NAS_TRIAL_FAILED = 1,     /* the evaluator failed (diverged, error) */
  NAS_TRIAL_INFEASIBLE = 2, /* evaluated, but a constraint of the objective is violated */
  NAS_TRIAL_TIMEOUT = 3,
  NAS_TRIAL_CRASHED = 4, /* the worker died */
  NAS_TRIAL_OOM = 5,
  NAS_TRIAL_CANCELLED = 6,
  NAS_TRIAL_INVALID = 7, /* not an architecture the evaluator can score */
  NAS_TRIAL_CACHED = 8   /* answered from an earlier identical trial; no budget used */
};

enum {
  NAS_LOG_TRACE = 0,
  NAS_LOG_DEBUG = 1,
  NAS_LOG_INFO = 2,
  NAS_LOG_WARN = 3,
  NAS_LOG_ERROR = 4
};

/* ----------------------------------------------------------------------------------------
 * Sinks: how variable-size output crosses
 * ------------------------------------------------------------------------------------- */

/* A writer the caller provides. The callee calls `write` zero or more times; the caller
 * concatenates the bytes. The bytes are copied before `write` returns. */
typedef struct nas_sink {
  uint32_t struct_size;
  void *ctx; /* the caller's */
  /* Appends `len` bytes. Returns NAS_OK, or an error the callee passes on. [caller's thread] */
  nas_status_t (*write)(struct nas_sink *self, const char *data, size_t len);
} nas_sink_t;

/* ----------------------------------------------------------------------------------------
 * Architectures
 * ------------------------------------------------------------------------------------- */

/* One chosen option index per decision of the space. `choices` is owned by whoever made
 * the struct and is valid for the duration of the call it is passed to. */
typedef struct nas_arch {
  uint32_t struct_size;
  uint32_t n;
  const int32_t *choices;
} nas_arch_t;

/* ----------------------------------------------------------------------------------------
 * Config view: the plugin's table of the pipeline, typed getters, host-owned
 * ------------------------------------------------------------------------------------- */

enum {
  NAS_VALUE_NONE = 0, /* the path does not exist */
  NAS_VALUE_BOOL = 1,
  NAS_VALUE_INT = 2,
  NAS_VALUE_DOUBLE = 3,
  NAS_VALUE_STRING = 4,
  NAS_VALUE_ARRAY = 5,
  NAS_VALUE_TABLE = 6
};

/* Paths are dotted keys with [i] indices: "metrics.valid_accuracy", "layers[2].op", "".
 * The view and every pointer it returns are valid until the call it was passed to
 * returns (for create: until create returns). All functions are [thread-safe]. */
typedef struct nas_config {
  uint32_t struct_size;
  const void *ctx;  /* the host's */
  const char *json; /* the same config as one JSON object, NUL-terminated */

  int32_t (*type_of)(const struct nas_config *self, const char *path);
  /* Number of elements of an array or keys of a table; 0 for anything else. */
  uint32_t (*size)(const struct nas_config *self, const char *path);
  /* The `index`th key of a table, in file order, copied into `buf` (NUL-terminated).
   * Returns NAS_ERR_BUFFER_TOO_SMALL with *len set to the length needed (without NUL). */
  nas_status_t (*key_at)(const struct nas_config *self, const char *path, uint32_t index, char *buf,
                         size_t cap, size_t *len);
  /* Getters return NAS_OK, NAS_ERR_NOT_FOUND (absent: the plugin applies its default) or
   * NAS_ERR_TYPE. get_double accepts an integer value. */
  nas_status_t (*get_int)(const struct nas_config *self, const char *path, int64_t *out);
  nas_status_t (*get_double)(const struct nas_config *self, const char *path, double *out);
  nas_status_t (*get_bool)(const struct nas_config *self, const char *path, int32_t *out);
  /* Copies the string into `buf` as key_at does, with the same size protocol. */
  nas_status_t (*get_string)(const struct nas_config *self, const char *path, char *buf, size_t cap,
                             size_t *len);
} nas_config_t;

/* ----------------------------------------------------------------------------------------
 * Host callbacks: what a plugin may ask of the host
 * ------------------------------------------------------------------------------------- */

/* One per instance; valid until the instance is destroyed. All functions are
 * [thread-safe]. Calls that concern "the current trial" (report, should_stop, progress)
 * refer to the evaluation or one-shot search the instance is running now. */
typedef struct nas_host {
  uint32_t struct_size;
  const void *ctx;        /* the host's */
  nas_version_t abi;      /* the host's ABI version */
  const char *path;       /* the instance's path in the pipeline, e.g. "stage.0.strategy" */
  const char *run_dir;    /* the run folder, or "" when no run (nas describe, tests) */
  const char *config_dir; /* the pipeline file's folder: relative paths in config start here */

  void (*log)(const struct nas_host *self, int32_t level, const char *message);
  /* Non-zero once the user asked the run to stop now: return NAS_ERR_CANCELLED soon. */
  int32_t (*is_cancelled)(const struct nas_host *self);
  /* A seed for the named stream, namespaced by this instance's path and the run's seed:
   * the same (run seed, path, stream) always gives the same value. */
  uint64_t (*seed)(const struct nas_host *self, const char *stream);
  /* Progress of long work; `total` <= 0 when unknown. `message` may be NULL. */
  void (*progress)(const struct nas_host *self, double done, double total, const char *message);
  /* An intermediate result of the current trial (a per-epoch curve point, DARTS alphas):
   * `metrics_json` is a JSON object. The host stores it with the step. */
  void (*report)(const struct nas_host *self, int64_t step, const char *metrics_json);
  /* Non-zero when the current trial should end early (a pruner or the user): finish the
   * step, return what was measured so far. */
  int32_t (*should_stop)(const struct nas_host *self);
  /* A host extension by id (none in v1.0), or NULL. */
  const void *(*get_extension)(const struct nas_host *self, const char *id);
} nas_host_t;

/* ----------------------------------------------------------------------------------------
 * Descriptors and instances
 * ------------------------------------------------------------------------------------- */

/* Kinds, the `kind` field of a descriptor. */
#define NAS_KIND_SPACE "space"
#define NAS_KIND_STRATEGY "strategy"
#define NAS_KIND_EVALUATOR "evaluator"
#define NAS_KIND_DISTANCE "distance"
#define NAS_KIND_PREDICTOR "predictor"

/* Descriptor flags. */
#define NAS_FLAG_USES_LIBTORCH ((uint64_t)1 << 0)
#define NAS_FLAG_USES_CUDA ((uint64_t)1 << 1)
#define NAS_FLAG_NOT_THREAD_SAFE ((uint64_t)1 << 2) /* read calls are not [thread-safe] */
/* Evaluators that answer from a table: they read neither trial->ir_json nor
 * trial->artifact_dir, so the host renders no IR and makes no folder for them. */
#define NAS_FLAG_TABULAR ((uint64_t)1 << 3)

/* What a plugin offers, readable without creating an instance. All strings are static,
 * UTF-8, NUL-terminated and owned by the plugin for the life of the process. */
typedef struct nas_descriptor {
  uint32_t struct_size;
  const char *kind;        /* NAS_KIND_* */
  const char *name;        /* reverse-DNS, unique: "nas.strategy.random" */
  const char *version;     /* the plugin's own version, "1.2.0" */
  const char *description; /* one sentence */
  uint64_t flags;          /* NAS_FLAG_* */
  /* JSON object, one entry per config key:
   *   {"seed_pool": {"type": "int", "default": 10, "help": "one line"}, ...}
   * types: "int", "double", "bool", "string", "array", "table", "any"; a key without a
   * default is required. Keys not listed are rejected by the host before create. */
  const char *config;
  /* JSON object, one entry per collaborator bound with `bind`:
   *   {"predictor": {"kind": "predictor", "required": false, "help": "one line"}}
   * A role of kind "space" that the pipeline does not fill is bound to its [space]. */
  const char *roles;
  /* Evaluators: JSON object of the metrics they produce, {"valid_accuracy":
   * {"unit": "%", "help": "..."}}; metrics named by config may be listed as "$config:key"
   * entries the host resolves (see nas.evaluator.tabular). Other kinds: "{}". */
  const char *metrics;
} nas_descriptor_t;

/* Interface ids for get_interface. */
#define NAS_SPACE_V1 "nas.space/1"
#define NAS_STRATEGY_V1 "nas.strategy/1"
#define NAS_EVALUATOR_V1 "nas.evaluator/1"
#define NAS_DISTANCE_V1 "nas.distance/1"
#define NAS_PREDICTOR_V1 "nas.predictor/1"
#define NAS_ONESHOT_V1 "nas.oneshot/1"
#define NAS_FEATURES_V1 "nas.features/1"

/* A created plugin object. Made by the factory's create, destroyed by the host with
 * destroy, after every instance bound to it has been destroyed. */
typedef struct nas_instance {
  uint32_t struct_size;
  const nas_descriptor_t *desc;
  void *plugin_data; /* the plugin's */

  /* Frees the instance. [main-thread] */
  void (*destroy)(struct nas_instance *self);
  /* The vtable for `id` (NAS_*_V1), or NULL. The pointer stays valid for the life of the
   * instance. An answer may depend on bound collaborators (a distance offers features once
   * its space is bound), so ask after binding. [thread-safe] */
  const void *(*get_interface)(const struct nas_instance *self, const char *id);
  /* Binds a collaborator under one of the roles the descriptor declares. The host owns
   * `other` and keeps it alive at least as long as `self`. Called after create and before
   * any other call; the host binds every required role. [main-thread] */
  nas_status_t (*bind)(struct nas_instance *self, const char *role, struct nas_instance *other,
                       nas_error_t *error);
} nas_instance_t;

/* ----------------------------------------------------------------------------------------
 * Kind: space ("nas.space/1"). Immutable once created; every call is [thread-safe].
 * ------------------------------------------------------------------------------------- */

typedef struct nas_space_v1 {
  uint32_t struct_size;
  /* The decisions as JSON: {"decisions": [{"name": "edge_1_0", "options": ["none", ...],
   * "tags": ["ordinal", "depth"], "active_if": {"decision": 3, "values": [1, 2]}}, ...]}.
   * "tags" and "active_if" are optional. */
  nas_status_t (*describe)(const nas_instance_t *self, nas_sink_t *out, nas_error_t *error);
  uint32_t (*num_decisions)(const nas_instance_t *self);
  /* The option count of `decision`; 0 when decision >= num_decisions(). */
  uint32_t (*num_options)(const nas_instance_t *self, uint32_t decision);
  /* Rewrites `choices` (n values) in place into canonical form: inactive decisions become
   * 0. NAS_ERR_INVALID_ARCH when a value is out of range or the architecture is invalid. */
  nas_status_t (*canonicalize)(const nas_instance_t *self, int32_t *choices, uint32_t n,
                               nas_error_t *error);
  /* The exact canonical string; the key of tabular benchmarks. This and the other calls
   * taking an arch return NAS_ERR_INVALID_ARCH when a choice is out of range. */
  nas_status_t (*to_string)(const nas_instance_t *self, const nas_arch_t *arch, nas_sink_t *out,
                            nas_error_t *error);
  /* Parses a canonical string into `choices` (room for n). NAS_ERR_INVALID_ARCH with the
   * reason when it is not one. */
  nas_status_t (*from_string)(const nas_instance_t *self, const char *text, int32_t *choices,
                              uint32_t n, nas_error_t *error);
  /* Equal for architectures that compute the same function (isomorphic cells, dead edges). */
  nas_status_t (*equivalence_key)(const nas_instance_t *self, const nas_arch_t *arch,
                                  nas_sink_t *out, nas_error_t *error);
  /* The network IR (sdk/IR.md) of the architecture, as JSON. */
  nas_status_t (*to_ir)(const nas_instance_t *self, const nas_arch_t *arch, nas_sink_t *out,
                        nas_error_t *error);
  /* The supernet IR: every option of every decision present. NAS_ERR_UNSUPPORTED if none. */
  nas_status_t (*supernet_ir)(const nas_instance_t *self, nas_sink_t *out, nas_error_t *error);
} nas_space_v1_t;

/* ----------------------------------------------------------------------------------------
 * Kind: strategy ("nas.strategy/1"). Every call is [serialized].
 * ------------------------------------------------------------------------------------- */

/* One proposal. The host fills the [in] fields and defaults before ask. */
typedef struct nas_ask {
  uint32_t struct_size;
  int64_t trial_id;    /* [in] the id this proposal gets if ask returns NAS_OK */
  uint32_t n;          /* [in] number of decisions; `choices` has room for n */
  int32_t *choices;    /* [out] host-owned buffer, pre-filled with zeros */
  double fidelity;     /* [out] in (0, 1]; pre-filled with 1 */
  int64_t resume_from; /* [out] a trial whose checkpoint this one continues (promotion),
                          or -1 (pre-filled) */
  char tag[64];        /* [out] a free label stored with the trial ("rung 2"); pre-filled "" */
} nas_ask_t;

/* The outcome of one trial. Also sent without a matching ask (resume, warm start, seeding
 * from an earlier stage): strategies must accept unknown trial ids. */
typedef struct nas_tell {
  uint32_t struct_size;
  int64_t trial_id;
  nas_arch_t arch; /* canonical choices */
  double fidelity;
  int32_t status;           /* NAS_TRIAL_*; CACHED carries the earlier trial's objective */
  double objective;         /* maximized; NaN when the trial has no value */
  const char *metrics_json; /* JSON object, "{}" when none */
} nas_tell_t;

typedef struct nas_strategy_v1 {
  uint32_t struct_size;
  /* Fills a proposal and returns NAS_OK, or returns NAS_WAIT or NAS_DONE. Several asks may
   * be pending (told later, in any order). */
  nas_status_t (*ask)(nas_instance_t *self, nas_ask_t *ask, nas_error_t *error);
  nas_status_t (*tell)(nas_instance_t *self, const nas_tell_t *tell, nas_error_t *error);
  /* Optional (NULL or NAS_ERR_UNSUPPORTED): the whole state as bytes, and back. After
   * load, the strategy proposes what the saved one would have. */
  nas_status_t (*save)(const nas_instance_t *self, nas_sink_t *out, nas_error_t *error);
  nas_status_t (*load)(nas_instance_t *self, const char *data, size_t len, nas_error_t *error);
} nas_strategy_v1_t;

/* ----------------------------------------------------------------------------------------
 * Kind: evaluator ("nas.evaluator/1"). Every call is [serialized].
 * ------------------------------------------------------------------------------------- */

/* One trial to evaluate. Everything is valid for the duration of the call. */
typedef struct nas_trial {
  uint32_t struct_size;
  int64_t id;
  nas_arch_t arch;          /* canonical choices */
  const char *canonical;    /* the space's exact string */
  const char *ir_json;      /* the network IR, or "" when the space has none */
  double fidelity;          /* in (0, 1] */
  uint64_t seed;            /* from (run seed, architecture key, fidelity, repeat) */
  uint32_t repeat;          /* 0 for the first evaluation of this architecture */
  const char *artifact_dir; /* an existing folder for weights and checkpoints, or "" */
  const char *resume_from;  /* a checkpoint folder to continue from, or "" */
  const char *tag;          /* the strategy's tag */
} nas_trial_t;

typedef struct nas_evaluator_v1 {
  uint32_t struct_size;
  /* Writes the metrics as one JSON object to `out` ({"valid_accuracy": 91.2, ...}).
   * A failure's code decides the trial status: NAS_ERR_INVALID_ARCH -> invalid,
   * NAS_ERR_INFEASIBLE -> infeasible, NAS_ERR_CANCELLED -> cancelled,
   * NAS_ERR_OUT_OF_MEMORY -> oom, anything else -> failed. */
  nas_status_t (*evaluate)(nas_instance_t *self, const nas_trial_t *trial, nas_sink_t *out,
                           nas_error_t *error);
} nas_evaluator_v1_t;

/* ----------------------------------------------------------------------------------------
 * Kind: distance ("nas.distance/1"). Bound to a space. Every call is [thread-safe].
 * ------------------------------------------------------------------------------------- */

typedef struct nas_distance_v1 {
  uint32_t struct_size;
  /* d(a, b) >= 0, symmetric, 0 when a equals b. */
  nas_status_t (*distance)(const nas_instance_t *self, const nas_arch_t *a, const nas_arch_t *b,
                           double *out, nas_error_t *error);
} nas_distance_v1_t;

/* Extension "nas.features/1" of a distance: a feature vector whose squared Euclidean
 * distances are proportional to the distance, so a GP can use matrix operations.
 * Every call is [thread-safe]. */
typedef struct nas_features_v1 {
  uint32_t struct_size;
  uint32_t (*dimension)(const nas_instance_t *self);
  /* Writes dimension() values to `out` (room for `cap`). */
  nas_status_t (*features)(const nas_instance_t *self, const nas_arch_t *arch, double *out,
                           uint32_t cap, nas_error_t *error);
} nas_features_v1_t;

/* ----------------------------------------------------------------------------------------
 * Kind: predictor ("nas.predictor/1"). fit/load are [serialized]; predictions are
 * [thread-safe] between fits.
 * ------------------------------------------------------------------------------------- */

typedef struct nas_predictor_v1 {
  uint32_t struct_size;
  /* Replaces the training set with `count` architectures and their values. */
  nas_status_t (*fit)(nas_instance_t *self, const nas_arch_t *archs, const double *values,
                      uint32_t count, nas_error_t *error);
  nas_status_t (*predict)(const nas_instance_t *self, const nas_arch_t *arch, double *mean,
                          double *variance, nas_error_t *error);
  /* Joint posterior over `count` architectures: `mean` (count values) and `covariance`
   * (count*count, row-major), for Thompson sampling. Optional: NULL or UNSUPPORTED. */
  nas_status_t (*predict_joint)(const nas_instance_t *self, const nas_arch_t *archs, uint32_t count,
                                double *mean, double *covariance, nas_error_t *error);
  /* Optional state snapshot (observations, hyperparameters). */
  nas_status_t (*save)(const nas_instance_t *self, nas_sink_t *out, nas_error_t *error);
  nas_status_t (*load)(nas_instance_t *self, const char *data, size_t len, nas_error_t *error);
} nas_predictor_v1_t;

/* ----------------------------------------------------------------------------------------
 * Extension "nas.oneshot/1" of a strategy: a whole one-shot search (DARTS, supernet
 * training) run by the host like a trial. [serialized]
 * ------------------------------------------------------------------------------------- */

/* A stage whose strategy offers it has no evaluator: the search is the stage's one trial
 * (tag "one-shot search"), run in a worker with engine = "local", and the strategy's
 * ask/tell are not used. The descriptor's `metrics` lists what the search reports, as an
 * evaluator's does (the objective metric must be among them). */
typedef struct nas_oneshot_v1 {
  uint32_t struct_size;
  /* Runs the search for `trial` (its arch is empty; ir_json is the supernet IR), writes the
   * derived architecture to `choices` (room for n, the space's decisions) and its metrics to
   * `out`. trial->artifact_dir is RUN_DIR/stages/<stage name>: checkpoints go there, and a
   * later stage's plugins find what the search left there by the stage's name. After an
   * interrupted session the search runs again with trial->resume_from = that same folder:
   * continue from the last checkpoint found there, or start over when there is none. The
   * derived architecture is canonicalized by the space (refused: the trial is invalid) and
   * handed to a later stage's `from` like any top trial. Poll is_cancelled; report per
   * epoch with host->report. */
  nas_status_t (*search)(nas_instance_t *self, const nas_trial_t *trial, int32_t *choices,
                         uint32_t n, nas_sink_t *out, nas_error_t *error);
} nas_oneshot_v1_t;

/* ----------------------------------------------------------------------------------------
 * Factory and entry point
 * ------------------------------------------------------------------------------------- */

#define NAS_FACTORY_V1 "nas.factory/1"

/* Lists the plugins of a library and creates them. Every call is [thread-safe]. */
typedef struct nas_factory_v1 {
  uint32_t struct_size;
  uint32_t (*count)(const struct nas_factory_v1 *self);
  /* Descriptor `index` < count(), valid for the life of the process. */
  const nas_descriptor_t *(*get_descriptor)(const struct nas_factory_v1 *self, uint32_t index);
  /* Creates the plugin named `name`. `host` stays valid until the instance is destroyed;
   * `config` only until create returns. On a rejected config, error->key names the key. */
  nas_status_t (*create)(const struct nas_factory_v1 *self, const char *name,
                         const nas_host_t *host, const nas_config_t *config, nas_instance_t **out,
                         nas_error_t *error);
} nas_factory_v1_t;

/* The one symbol a plugin library exports, constant-initialized:
 *   NAS_EXPORT extern const nas_plugin_entry_t nas_plugin_entry;
 * The first three fields never move; the host reads them before anything else. */
typedef struct nas_plugin_entry {
  nas_version_t abi;       /* the ABI the plugin was built against */
  uint16_t min_host_minor; /* the lowest host minor (of the same major) it can run on */
  uint16_t reserved;
  uint32_t struct_size;
  /* Called once after loading, before anything else. `plugin_path` is the library file.
   * [main-thread] */
  nas_status_t (*init)(const char *plugin_path, const nas_version_t *host_abi, nas_error_t *error);
  /* Called once before the process exits (plugins are never unloaded). [main-thread] */
  void (*deinit)(void);
  /* NAS_FACTORY_V1 gives a nas_factory_v1_t; unknown ids give NULL. [thread-safe] */
  const void *(*get_factory)(const char *factory_id);
} nas_plugin_entry_t;

#define NAS_PLUGIN_ENTRY_SYMBOL "nas_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif /* NAS_ABI_H */
