// The host's logs: to stderr always, and to RUN_DIR/nas.log during a run.
#pragma once

#include <string>

namespace nas::core {

// verbosity: -1 quiet (warnings and errors), 0 normal, 1 debug, 2 trace.
void init_logging(int verbosity);
void add_log_file(const std::string &path);

} // namespace nas::core
