// The plugins the host found: every library in the plugin folders, loaded and checked.
// Problems (a file that fails to load, two plugins with one name) are kept, not thrown,
// so the rest still load; using a conflicting name is an error naming both files.
#pragma once

#include "plugin_library.hpp"

#include <map>
#include <string>
#include <vector>

namespace nas::core {

class Registry {
public:
  // Scans one folder for *.so files (not recursive). A missing folder is ignored.
  void add_folder(const std::string &folder);
  // Loads one plugin library (a worker loads only the files its plugins live in: scanning
  // folders would dlopen every plugin, LibTorch ones included, in every worker).
  void add_file(const std::string &file);
  // The default folders: NAS_PLUGIN_PATH (colon-separated), then the build's plugin folder
  // when this binary runs from the build tree, else the install's plugin folder.
  void add_default_folders();

  // The descriptor of `name`; throws std::runtime_error when absent or ambiguous.
  const Descriptor &find(const std::string &name) const;
  bool contains(const std::string &name) const { return by_name_.count(name) > 0; }
  // The library that provides `name` (after find succeeded).
  const PluginLibrary &library_of(const std::string &name) const;

  std::vector<const Descriptor *> all() const;
  const std::vector<std::string> &problems() const { return problems_; }
  const std::vector<std::string> &folders() const { return folders_; }

private:
  void add_library(const PluginLibrary &lib);
  std::map<std::string, const PluginLibrary *> libraries_; // by canonical path
  std::map<std::string, const Descriptor *> by_name_;
  std::map<std::string, std::vector<std::string>> conflicts_; // name -> files
  std::vector<std::string> problems_;
  std::vector<std::string> folders_;
};

} // namespace nas::core
