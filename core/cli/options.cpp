#include "options.hpp"

#include "../errors.hpp"
#include "../logging.hpp"

#include <iostream>

namespace nas::cli {

po::variables_map parse(const std::vector<std::string> &args,
                        const po::options_description &options,
                        const po::positional_options_description &positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error &e) {
    throw core::UsageError(std::string(e.what()) + " (see --help)");
  }
  return vm;
}

void print_help(const std::string &usage, const std::string &about,
                const po::options_description &options) {
  std::cout << "usage: nas " << usage << "\n\n" << about << "\n\n" << options << "\n";
}

po::options_description common_options() {
  po::options_description o("Common options");
  o.add_options()("help,h", "show this help")(
      "verbose,v", po::bool_switch(), "log more (debug messages)")("quiet,q", po::bool_switch(),
                                                                   "log only warnings and errors");
  return o;
}

void init_logging_from(const po::variables_map &vm) {
  int verbosity = vm.count("verbose") && vm["verbose"].as<bool>() ? 1
                  : vm.count("quiet") && vm["quiet"].as<bool>()   ? -1
                                                                  : 0;
  core::init_logging(verbosity);
}

} // namespace nas::cli
