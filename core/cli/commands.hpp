// The `nas` subcommands. Each takes its arguments (after the command name) and returns the
// process exit code: 0 success, 1 a failed run, 2 bad usage or config.
#pragma once

#include <string>
#include <vector>

namespace nas::cli {

using Args = std::vector<std::string>;

int cmd_run(const Args &args);
int cmd_validate(const Args &args);
int cmd_plugins(const Args &args);
int cmd_describe(const Args &args);
int cmd_results(const Args &args);
int cmd_export(const Args &args);
// Internal: a worker process of the local engine, started by the host.
int cmd_worker(const Args &args);

} // namespace nas::cli
