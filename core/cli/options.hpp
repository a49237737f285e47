// Shared command-line plumbing: parsing with Boost.Program_options and help text.
#pragma once

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace nas::cli {

namespace po = boost::program_options;

// Parses `args` against `options` and `positional`; throws UsageError on bad usage.
po::variables_map parse(const std::vector<std::string> &args,
                        const po::options_description &options,
                        const po::positional_options_description &positional);

// Prints "usage: nas <usage>", the description and the options to stdout.
void print_help(const std::string &usage, const std::string &about,
                const po::options_description &options);

// Options every command shares: --help, -v/--verbose, -q/--quiet.
po::options_description common_options();
// Sets up logging from -v/-q.
void init_logging_from(const po::variables_map &vm);

} // namespace nas::cli
