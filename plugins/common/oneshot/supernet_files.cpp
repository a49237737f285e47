#include "supernet_files.hpp"

#include <nas/plugin.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nas::oneshot {

namespace fs = std::filesystem;

void write_text_atomically(const std::string &path, const std::string &text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
      throw Failed("cannot write " + temporary);
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error)
    throw Failed("cannot rename " + temporary + " to " + path + ": " + error.message());
}

void write_settings(const std::string &folder, const SupernetSettings &s) {
  nlohmann::json j = {{"dataset", s.data.dataset},
                      {"data_root", s.data.data_root},
                      {"split_seed", s.data.split_seed},
                      {"train_images", s.data.train_images},
                      {"valid_images", s.data.valid_images},
                      {"seed", s.seed}};
  write_text_atomically((fs::path(folder) / kSettingsFile).string(), j.dump(2) + "\n");
}

SupernetSettings read_settings(const std::string &folder) {
  const std::string path = (fs::path(folder) / kSettingsFile).string();
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Failed(path + ": cannot read the trained supernet's data settings");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object())
    throw Failed(path + ": not a JSON object");
  SupernetSettings s;
  auto field = [&](const char *key, auto &into) {
    try {
      into = j.at(key).get<std::decay_t<decltype(into)>>();
    } catch (const nlohmann::json::exception &) {
      throw Failed(path + ": '" + key + "' is missing or of the wrong type");
    }
  };
  field("dataset", s.data.dataset);
  field("data_root", s.data.data_root);
  field("split_seed", s.data.split_seed);
  field("train_images", s.data.train_images);
  field("valid_images", s.data.valid_images);
  field("seed", s.seed);
  if (s.data.train_images < 1 || s.data.valid_images < 1)
    throw Failed(path + ": train_images and valid_images must be positive");
  return s;
}

std::string missing_supernet_file(const std::string &folder) {
  for (const char *name : {kWeightsFile, kIrFile, kSettingsFile})
    if (!fs::is_regular_file(fs::path(folder) / name))
      return name;
  return "";
}

} // namespace nas::oneshot
