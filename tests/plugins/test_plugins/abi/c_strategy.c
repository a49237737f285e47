/*
 * A strategy written in C99 against nas/abi.h alone: no C++ layer, no JSON parser. It is
 * the proof that a C plugin works, and (compiled several times with -D overrides) the
 * material of the ABI tests: other ABI versions, a newer SDK, older and shorter structs.
 *
 * test.c.sequential proposes choice vectors in mixed-radix (lexicographic) order, the last
 * decision varying fastest: 0,0,...,0 then 0,...,0,1 and so on, `count` of them (config,
 * int, default 10), then NAS_DONE. Its one role, `space`, gives the radices through the
 * space's vtable. The tag of proposal i is "seq=i".
 *
 * Build-time overrides (tests/plugins/test_plugins/CMakeLists.txt):
 *   NAS_ABI_MAJOR, NAS_ABI_MINOR  the ABI the entry claims (abi.h's own overrides)
 *   TEST_MIN_HOST_MINOR           the entry's min_host_minor (default 0)
 *   TEST_PLUGIN_NAME              the plugin's name (default "test.c.sequential")
 *   TEST_SHORT_STRUCTS            an "older" plugin: its descriptor ends before `metrics`
 *                                 and its strategy vtable before `save`. The fields past
 *                                 struct_size are filled with poison (a string that is not
 *                                 JSON, functions that abort) so a host that reads past
 *                                 struct_size is caught instead of reading garbage.
 */
#include <nas/abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_PLUGIN_NAME
#define TEST_PLUGIN_NAME "test.c.sequential"
#endif
#ifndef TEST_MIN_HOST_MINOR
#define TEST_MIN_HOST_MINOR 0
#endif

#define DEFAULT_COUNT 10

#ifdef TEST_SHORT_STRUCTS
#define DESCRIPTOR_SIZE offsetof(nas_descriptor_t, metrics)
#define STRATEGY_VTABLE_SIZE offsetof(nas_strategy_v1_t, save)
#define POISON_TEXT "POISON: the host read nas_descriptor_t.metrics past struct_size {"
#else
#define DESCRIPTOR_SIZE sizeof(nas_descriptor_t)
#define STRATEGY_VTABLE_SIZE sizeof(nas_strategy_v1_t)
#endif

typedef struct seq_state {
  nas_instance_t inst; /* first, so a nas_instance_t* is a seq_state_t* */
  const nas_host_t *host;
  int64_t count;    /* proposals to make */
  int64_t proposed; /* made so far */
  int64_t told;
  const nas_instance_t *space;
  const nas_space_v1_t *space_vt;
} seq_state_t;

static void set_error(nas_error_t *error, nas_status_t code, const char *key, const char *message) {
  if (!error)
    return;
  error->code = code;
  strncpy(error->key, key ? key : "", sizeof error->key - 1);
  error->key[sizeof error->key - 1] = '\0';
  strncpy(error->message, message, sizeof error->message - 1);
  error->message[sizeof error->message - 1] = '\0';
}

/* ---- strategy ------------------------------------------------------------------------ */

static nas_status_t seq_ask(nas_instance_t *self, nas_ask_t *ask, nas_error_t *error) {
  seq_state_t *s = (seq_state_t *)self;
  uint32_t n, i;
  int64_t rest;
  if (!s->space_vt) {
    set_error(error, NAS_ERR_INVALID_ARGUMENT, "", TEST_PLUGIN_NAME ": no space is bound");
    return NAS_ERR_INVALID_ARGUMENT;
  }
  if (s->proposed >= s->count)
    return NAS_DONE;
  n = s->space_vt->num_decisions(s->space);
  if (ask->n != n) {
    set_error(error, NAS_ERR_INVALID_ARGUMENT, "",
              TEST_PLUGIN_NAME ": ask->n is not the "
                               "space's number of decisions");
    return NAS_ERR_INVALID_ARGUMENT;
  }
  /* Mixed radix: the last decision is the least significant digit. */
  rest = s->proposed;
  for (i = n; i-- > 0;) {
    uint32_t radix = s->space_vt->num_options(s->space, i);
    if (radix == 0)
      return NAS_DONE; /* a decision without options: no architecture at all */
    ask->choices[i] = (int32_t)(rest % radix);
    rest /= radix;
  }
  if (rest != 0)
    return NAS_DONE; /* every architecture of the space was proposed */
  snprintf(ask->tag, sizeof ask->tag, "seq=%ld", (long)s->proposed);
  s->proposed++;
  return NAS_OK;
}

static nas_status_t seq_tell(nas_instance_t *self, const nas_tell_t *tell, nas_error_t *error) {
  seq_state_t *s = (seq_state_t *)self;
  (void)error;
  (void)tell;
  s->told++;
  return NAS_OK;
}

#ifdef TEST_SHORT_STRUCTS
static nas_status_t poison_save(const nas_instance_t *self, nas_sink_t *out, nas_error_t *error) {
  (void)self;
  (void)out;
  (void)error;
  fprintf(stderr, "POISON: the host called nas_strategy_v1_t.save past struct_size\n");
  abort();
}
static nas_status_t poison_load(nas_instance_t *self, const char *data, size_t len,
                                nas_error_t *error) {
  (void)self;
  (void)data;
  (void)len;
  (void)error;
  fprintf(stderr, "POISON: the host called nas_strategy_v1_t.load past struct_size\n");
  abort();
}
#endif

static const nas_strategy_v1_t seq_strategy_vt = {(uint32_t)STRATEGY_VTABLE_SIZE, seq_ask, seq_tell,
#ifdef TEST_SHORT_STRUCTS
                                                  poison_save, poison_load
#else
    NULL, NULL /* no state snapshots: optional */
#endif
};

/* ---- instance ------------------------------------------------------------------------ */

static void seq_destroy(nas_instance_t *self) { free(self); }

static const void *seq_get_interface(const nas_instance_t *self, const char *id) {
  (void)self;
  if (id && strcmp(id, NAS_STRATEGY_V1) == 0)
    return &seq_strategy_vt;
  return NULL;
}

static nas_status_t seq_bind(nas_instance_t *self, const char *role, nas_instance_t *other,
                             nas_error_t *error) {
  seq_state_t *s = (seq_state_t *)self;
  const nas_space_v1_t *vt;
  if (!role || strcmp(role, "space") != 0) {
    set_error(error, NAS_ERR_NOT_FOUND, "", TEST_PLUGIN_NAME " has only the role 'space'");
    return NAS_ERR_NOT_FOUND;
  }
  vt = (const nas_space_v1_t *)other->get_interface(other, NAS_SPACE_V1);
  if (!vt || !NAS_HAS_FIELD(vt, nas_space_v1_t, num_options)) {
    set_error(error, NAS_ERR_INVALID_ARGUMENT, "", "the bound 'space' offers no " NAS_SPACE_V1);
    return NAS_ERR_INVALID_ARGUMENT;
  }
  s->space = other;
  s->space_vt = vt;
  return NAS_OK;
}

/* ---- descriptor and factory ---------------------------------------------------------- */

static const nas_descriptor_t seq_descriptor = {
    (uint32_t)DESCRIPTOR_SIZE,
    NAS_KIND_STRATEGY,
    TEST_PLUGIN_NAME,
    "1.0.0",
    "Test strategy in C99: choice vectors in mixed-radix order.",
    0,
    "{\"count\": {\"type\": \"int\", \"default\": 10, "
    "\"help\": \"how many architectures to propose (at least 1)\"}}",
    "{\"space\": {\"kind\": \"space\", \"required\": true, "
    "\"help\": \"the space whose decisions are enumerated\"}}",
#ifdef TEST_SHORT_STRUCTS
    POISON_TEXT
#else
    "{}"
#endif
};

static uint32_t factory_count(const nas_factory_v1_t *self) {
  (void)self;
  return 1;
}

static const nas_descriptor_t *factory_get_descriptor(const nas_factory_v1_t *self,
                                                      uint32_t index) {
  (void)self;
  return index == 0 ? &seq_descriptor : NULL;
}

static nas_status_t factory_create(const nas_factory_v1_t *self, const char *name,
                                   const nas_host_t *host, const nas_config_t *config,
                                   nas_instance_t **out, nas_error_t *error) {
  seq_state_t *s;
  int64_t count = DEFAULT_COUNT;
  nas_status_t status;
  (void)self;
  if (!name || strcmp(name, TEST_PLUGIN_NAME) != 0) {
    set_error(error, NAS_ERR_NOT_FOUND, "", "this library has only " TEST_PLUGIN_NAME);
    return NAS_ERR_NOT_FOUND;
  }
  status = config->get_int(config, "count", &count);
  if (status == NAS_ERR_NOT_FOUND) {
    count = DEFAULT_COUNT;
  } else if (status != NAS_OK) {
    set_error(error, NAS_ERR_CONFIG, "count", "'count' must be an integer");
    return NAS_ERR_CONFIG;
  }
  if (count < 1) {
    set_error(error, NAS_ERR_CONFIG, "count", "'count' must be at least 1");
    return NAS_ERR_CONFIG;
  }
  s = (seq_state_t *)calloc(1, sizeof *s);
  if (!s) {
    set_error(error, NAS_ERR_OUT_OF_MEMORY, "", "out of memory");
    return NAS_ERR_OUT_OF_MEMORY;
  }
  s->inst.struct_size = sizeof(nas_instance_t);
  s->inst.desc = &seq_descriptor;
  s->inst.plugin_data = s;
  s->inst.destroy = seq_destroy;
  s->inst.get_interface = seq_get_interface;
  s->inst.bind = seq_bind;
  s->host = host;
  s->count = count;
  *out = &s->inst;
  return NAS_OK;
}

static const nas_factory_v1_t seq_factory = {sizeof(nas_factory_v1_t), factory_count,
                                             factory_get_descriptor, factory_create};

/* ---- entry --------------------------------------------------------------------------- */

static nas_status_t entry_init(const char *plugin_path, const nas_version_t *host_abi,
                               nas_error_t *error) {
  (void)plugin_path;
  if (!host_abi || host_abi->major != NAS_ABI_MAJOR) {
    set_error(error, NAS_ERR_INVALID_ARGUMENT, "", "init: another ABI major");
    return NAS_ERR_INVALID_ARGUMENT;
  }
  return NAS_OK;
}

static void entry_deinit(void) {}

static const void *entry_get_factory(const char *factory_id) {
  if (factory_id && strcmp(factory_id, NAS_FACTORY_V1) == 0)
    return &seq_factory;
  return NULL;
}

NAS_EXPORT extern const nas_plugin_entry_t nas_plugin_entry;
NAS_EXPORT const nas_plugin_entry_t nas_plugin_entry = {{NAS_ABI_MAJOR, NAS_ABI_MINOR},
                                                        TEST_MIN_HOST_MINOR,
                                                        0,
                                                        sizeof(nas_plugin_entry_t),
                                                        entry_init,
                                                        entry_deinit,
                                                        entry_get_factory};
