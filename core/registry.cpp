#include "registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace nas::core {

namespace {

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

} // namespace

void Registry::add_folder(const std::string &folder) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(folder, ec);
  if (ec || !fs::is_directory(dir))
    return;
  if (std::find(folders_.begin(), folders_.end(), dir.string()) != folders_.end())
    return;
  folders_.push_back(dir.string());

  std::vector<fs::path> files;
  for (const auto &entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".so")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end()); // the same order, and the same messages, every time
  for (const auto &file : files)
    add_file(file.string());
}

void Registry::add_file(const std::string &file) {
  std::error_code ec;
  std::string path = fs::canonical(file, ec).string();
  if (ec || libraries_.count(path))
    return;
  try {
    add_library(PluginLibrary::load(path));
  } catch (const std::exception &e) {
    problems_.push_back(e.what());
  }
}

void Registry::add_default_folders() {
  if (const char *env = std::getenv("NAS_PLUGIN_PATH")) {
    std::stringstream in(env);
    std::string folder;
    while (std::getline(in, folder, ':'))
      if (!folder.empty())
        add_folder(folder);
  }
  fs::path exe_dir = executable_dir();
  std::error_code ec;
  if (!exe_dir.empty() && fs::equivalent(exe_dir, NAS_BUILD_BIN_DIR, ec)) {
    add_folder(NAS_BUILD_PLUGIN_DIR);
    return;
  }
  // Installed: <prefix>/bin/nas next to <prefix>/<libdir>/nas/plugins.
  add_folder((exe_dir / ".." / NAS_INSTALL_PLUGIN_DIR).string());
}

void Registry::add_library(const PluginLibrary &lib) {
  libraries_[lib.path()] = &lib;
  for (const Descriptor &d : lib.descriptors()) {
    auto it = by_name_.find(d.name);
    if (it == by_name_.end()) {
      by_name_[d.name] = &d;
      continue;
    }
    auto &files = conflicts_[d.name];
    if (files.empty())
      files.push_back(it->second->file);
    files.push_back(lib.path());
    problems_.push_back("two plugins are named '" + d.name + "': " + files.front() + " and " +
                        lib.path());
  }
}

const Descriptor &Registry::find(const std::string &name) const {
  if (auto c = conflicts_.find(name); c != conflicts_.end()) {
    std::string files;
    for (const auto &f : c->second)
      files += (files.empty() ? "" : " and ") + f;
    throw std::runtime_error("plugin '" + name + "' is ambiguous: it is provided by " + files +
                             "; remove one of them");
  }
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    std::string known;
    for (const auto &[n, d] : by_name_)
      known += (known.empty() ? "" : ", ") + n;
    throw std::runtime_error("no plugin named '" + name +
                             "' (found: " + (known.empty() ? "none" : known) + ")");
  }
  return *it->second;
}

const PluginLibrary &Registry::library_of(const std::string &name) const {
  const Descriptor &d = find(name);
  return *libraries_.at(d.file);
}

std::vector<const Descriptor *> Registry::all() const {
  std::vector<const Descriptor *> out;
  for (const auto &[name, d] : by_name_)
    out.push_back(d);
  return out;
}

} // namespace nas::core
