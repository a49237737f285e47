// The nas_config_t a plugin receives: typed getters over one JSON object the host owns.
#pragma once

#include <nas/abi.h>

#include "json.hpp"

#include <string>

namespace nas::core {

class ConfigView {
public:
  explicit ConfigView(Json config);
  ConfigView(const ConfigView &) = delete;
  ConfigView &operator=(const ConfigView &) = delete;

  const nas_config_t *raw() const { return &view_; }
  const Json &json() const { return json_; }

  // The value at a dotted path with [i] indices ("a.b[2].c"), or nullptr.
  const Json *find(const std::string &path) const;

private:
  Json json_;
  std::string text_;
  nas_config_t view_{};
};

} // namespace nas::core
