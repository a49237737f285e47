#include "logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace nas::core {

void init_logging(int verbosity) {
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_pattern("%^%l%$: %v");
  console->set_level(verbosity < 0    ? spdlog::level::warn
                     : verbosity == 0 ? spdlog::level::info
                     : verbosity == 1 ? spdlog::level::debug
                                      : spdlog::level::trace);
  auto logger = std::make_shared<spdlog::logger>("nas", console);
  logger->set_level(spdlog::level::trace); // each sink filters for itself
  spdlog::set_default_logger(logger);
}

void add_log_file(const std::string &path) {
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
  file->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  file->set_level(spdlog::level::debug);
  spdlog::default_logger()->sinks().push_back(file);
  spdlog::default_logger()->flush_on(spdlog::level::warn);
}

} // namespace nas::core
