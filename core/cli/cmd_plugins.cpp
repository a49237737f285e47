#include "commands.hpp"
#include "load.hpp"
#include "options.hpp"
#include "report.hpp"

#include "../descriptor_schema.hpp"
#include "../errors.hpp"

#include <iostream>

namespace nas::cli {

namespace {

std::string abi_text(const core::Registry &r, const core::Descriptor &d) {
  nas_version_t v = r.library_of(d.name).abi();
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

} // namespace

int cmd_plugins(const Args &args) {
  po::options_description options("Options");
  options.add_options()("json", po::bool_switch(), "one JSON array instead of a table")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(),
      "another folder to look for plugins in");
  options.add(common_options());
  po::variables_map vm = parse(args, options, {});
  if (vm.count("help")) {
    print_help("plugins [--json] [--plugin-path DIR]...",
               "Lists the plugins found in --plugin-path folders, NAS_PLUGIN_PATH and the\n"
               "host's own plugin folder. Files that fail to load are reported on stderr.",
               options);
    return 0;
  }
  init_logging_from(vm);
  auto paths = vm.count("plugin-path") ? vm["plugin-path"].as<std::vector<std::string>>() : Args{};
  auto registry = load_registry(paths);
  if (vm["json"].as<bool>()) {
    core::Json out = core::Json::array();
    for (const auto *d : registry->all())
      out.push_back({{"name", d->name},
                     {"kind", d->kind},
                     {"version", d->version},
                     {"abi", abi_text(*registry, *d)},
                     {"description", d->description},
                     {"file", d->file}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "KIND", "VERSION", "ABI", "FILE"}};
  for (const auto *d : registry->all())
    rows.push_back({d->name, d->kind, d->version, abi_text(*registry, *d), d->file});
  std::vector<size_t> width(5, 0);
  for (const auto &r : rows)
    for (size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  for (const auto &r : rows) {
    for (size_t i = 0; i < r.size(); ++i)
      std::cout << r[i] << (i + 1 < r.size() ? std::string(width[i] - r[i].size() + 2, ' ') : "");
    std::cout << "\n";
  }
  if (rows.size() == 1)
    std::cout << "(no plugins found; searched: "
              << (registry->folders().empty() ? "no folder" : registry->folders().front()) << ")\n";
  return 0;
}

int cmd_describe(const Args &args) {
  po::options_description options("Options");
  options.add_options()("plugin", po::value<std::string>(),
                        "the plugin's name")("json", po::bool_switch(), "the descriptor as JSON")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(),
      "another folder to look for plugins in");
  options.add(common_options());
  po::positional_options_description positional;
  positional.add("plugin", 1);
  po::variables_map vm = parse(args, options, positional);
  if (vm.count("help")) {
    print_help("describe PLUGIN [--json]",
               "Shows what a plugin is, its config keys (type, default, help), the roles it\n"
               "binds collaborators under, and the metrics it produces.",
               options);
    return 0;
  }
  init_logging_from(vm);
  if (!vm.count("plugin"))
    throw core::UsageError("which plugin? usage: nas describe PLUGIN (see `nas plugins`)");
  auto paths = vm.count("plugin-path") ? vm["plugin-path"].as<std::vector<std::string>>() : Args{};
  auto registry = load_registry(paths);
  const core::Descriptor *d = nullptr;
  try {
    d = &registry->find(vm["plugin"].as<std::string>());
  } catch (const std::exception &e) {
    throw core::UsageError(e.what());
  }
  core::Schema schema = core::parse_schema(*d);
  if (vm["json"].as<bool>()) {
    core::Json j = {{"name", d->name},
                    {"kind", d->kind},
                    {"version", d->version},
                    {"description", d->description},
                    {"file", d->file},
                    {"flags", d->flags},
                    {"config", core::Json::parse(d->config)},
                    {"roles", core::Json::parse(d->roles)},
                    {"metrics", core::Json::parse(d->metrics)}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << d->name << " " << d->version << " (" << d->kind << ", ABI "
            << abi_text(*registry, *d) << ")\n  " << d->description << "\n  file: " << d->file
            << "\n";
  std::cout << "\nconfig keys:\n";
  if (schema.config.empty())
    std::cout << "  (none)\n";
  for (const auto &k : schema.config)
    std::cout << "  " << k.name << " (" << k.type << ", "
              << (k.required ? std::string("required") : "default " + k.fallback.dump())
              << ")\n      " << k.help << "\n";
  std::cout << "\nroles:\n";
  if (schema.roles.empty())
    std::cout << "  (none)\n";
  for (const auto &r : schema.roles)
    std::cout << "  " << r.name << " (" << r.kind << ", " << (r.required ? "required" : "optional")
              << ")\n      " << r.help << "\n";
  if (!schema.metrics.empty()) {
    std::cout << "\nmetrics:\n";
    for (const auto &m : schema.metrics)
      std::cout << "  " << m.name << (m.unit.empty() ? "" : " [" + m.unit + "]") << "  " << m.help
                << "\n";
  }
  return 0;
}

} // namespace nas::cli
