/* Compiled with -std=c99 -pedantic -Werror: abi.h stays plain C99. */
#include <nas/abi.h>

size_t nas_abi_c99_check(void);
size_t nas_abi_c99_check(void) {
  nas_descriptor_t d = {0};
  d.struct_size = sizeof d;
  return NAS_HAS_FIELD(&d, nas_descriptor_t, metrics) ? sizeof(nas_plugin_entry_t) : 0;
}
