// nas: the host program. Dispatches to one subcommand and maps errors to exit codes.
#include "commands.hpp"

#include "../errors.hpp"
#include "../plugin_library.hpp"
#include "version.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

namespace {

const char *kUsage = R"(usage: nas <command> [options]

Neural architecture search: a host that chains search spaces, strategies, evaluators and
distances, all plugins, as a TOML pipeline says.

Commands:
  run PIPELINE        run a pipeline (a search) and store its trials in a run folder
  validate PIPELINE   check a pipeline against the installed plugins; runs nothing
  plugins             list the plugins found (name, kind, version, ABI, file)
  describe PLUGIN     a plugin's description, config keys, roles and metrics
  results RUN_DIR     the trials of a run, best first (table, csv or json)
  export RUN_DIR      copy a trained trial's network and weights out of a run

Options:
  -h, --help          this help; `nas <command> --help` for a command's own
  --version           the host's version and plugin ABI

Exit status: 0 success, 1 a failed run, 2 bad usage or a bad pipeline.
)";

} // namespace

int main(int argc, char **argv) {
  // OpenMP threads (LibTorch's) that busy-wait between parallel regions slow training several
  // times over wherever the cores are shared (bench/README.md, training: 2 threads 31 -> 190
  // images/s). The runtime reads this once, when a plugin first loads it, so it is set here,
  // before any plugin, and workers inherit it. A value the user set wins.
  ::setenv("OMP_WAIT_POLICY", "passive", 0);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    nas_version_t abi = nas::core::host_abi();
    std::cout << "nas " << nas::core::kVersion << " (plugin ABI " << abi.major << "." << abi.minor
              << ")\n";
    return 0;
  }
  const std::map<std::string, int (*)(const nas::cli::Args &)> commands = {
      {"run", nas::cli::cmd_run},
      {"validate", nas::cli::cmd_validate},
      {"plugins", nas::cli::cmd_plugins},
      {"describe", nas::cli::cmd_describe},
      {"results", nas::cli::cmd_results},
      {"export", nas::cli::cmd_export},
      {"worker", nas::cli::cmd_worker}}; // internal: not in the usage above
  auto it = commands.find(args[0]);
  if (it == commands.end()) {
    std::cerr << "nas: unknown command '" << args[0] << "'\n\n" << kUsage;
    return 2;
  }
  try {
    return it->second(nas::cli::Args(args.begin() + 1, args.end()));
  } catch (const nas::core::UsageError &e) {
    std::cerr << "nas " << args[0] << ": " << e.what() << "\n";
    return 2;
  } catch (const nas::core::PipelineError &e) {
    for (const auto &p : e.problems())
      std::cerr << "error: " << p << "\n";
    return 2;
  } catch (const std::exception &e) {
    std::cerr << "nas " << args[0] << ": " << e.what() << "\n";
    return 1;
  }
}
