/* A shared library that is not a nas plugin: it exports no nas_plugin_entry. The registry
 * must report it with that reason and go on loading the other files of its folder. */
int nas_test_not_a_plugin(void);
int nas_test_not_a_plugin(void) { return 42; }
