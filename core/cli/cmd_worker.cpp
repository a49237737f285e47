// `nas worker`: internal. The host starts it (fork+exec of its own binary) for the local
// engine; it is not meant to be run by hand, and is left out of `nas --help`.
#include "commands.hpp"
#include "options.hpp"

#include "../errors.hpp"
#include "../logging.hpp"
#include "../worker/worker_loop.hpp"

#include <unistd.h>

namespace nas::cli {

int cmd_worker(const Args &args) {
  po::options_description options("Options");
  options.add_options()("in", po::value<int>()->default_value(0),
                        "the descriptor the host's messages arrive on")(
      "out", po::value<int>()->default_value(1), "the descriptor answers go to")("help,h",
                                                                                 "show this help");
  po::variables_map vm = parse(args, options, {});
  if (vm.count("help")) {
    print_help("worker [--in FD] [--out FD]",
               "Internal: a worker process of the local engine ([execution] engine = \"local\").\n"
               "The host starts it and speaks length-prefixed JSON messages with it: it loads\n"
               "the space and one stage's evaluator once, then evaluates the trials it is\n"
               "sent. Logs go to the host (or to stderr before the host said hello).",
               options);
    return 0;
  }
  core::init_logging(0);
  int in = vm["in"].as<int>(), out = vm["out"].as<int>();
  if (out == STDOUT_FILENO) {
    // Messages keep fd 1 to themselves: anything a plugin prints goes to stderr instead.
    out = ::dup(STDOUT_FILENO);
    if (out < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
      throw core::RunError("cannot set up the worker's output");
  }
  return core::worker::run_worker(in, out);
}

} // namespace nas::cli
