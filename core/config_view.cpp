#include "config_view.hpp"

#include <cstring>

namespace nas::core {

namespace {

const ConfigView &self_of(const nas_config_t *c) {
  return *static_cast<const ConfigView *>(c->ctx);
}

nas_status_t copy_text(const std::string &text, char *buf, size_t cap, size_t *len) {
  if (len)
    *len = text.size();
  if (!buf || cap < text.size() + 1)
    return NAS_ERR_BUFFER_TOO_SMALL;
  std::memcpy(buf, text.c_str(), text.size() + 1);
  return NAS_OK;
}

int32_t type_of(const Json *v) {
  if (!v)
    return NAS_VALUE_NONE;
  switch (v->type()) {
  case Json::value_t::boolean:
    return NAS_VALUE_BOOL;
  case Json::value_t::number_integer:
  case Json::value_t::number_unsigned:
    return NAS_VALUE_INT;
  case Json::value_t::number_float:
    return NAS_VALUE_DOUBLE;
  case Json::value_t::string:
    return NAS_VALUE_STRING;
  case Json::value_t::array:
    return NAS_VALUE_ARRAY;
  case Json::value_t::object:
    return NAS_VALUE_TABLE;
  default:
    return NAS_VALUE_NONE;
  }
}

} // namespace

ConfigView::ConfigView(Json config) : json_(std::move(config)), text_(json_.dump()) {
  view_.struct_size = sizeof view_;
  view_.ctx = this;
  view_.json = text_.c_str();
  view_.type_of = [](const nas_config_t *c, const char *path) {
    return type_of(self_of(c).find(path));
  };
  view_.size = [](const nas_config_t *c, const char *path) -> uint32_t {
    const Json *v = self_of(c).find(path);
    return v && (v->is_array() || v->is_object()) ? static_cast<uint32_t>(v->size()) : 0;
  };
  view_.key_at = [](const nas_config_t *c, const char *path, uint32_t index, char *buf, size_t cap,
                    size_t *len) -> nas_status_t {
    const Json *v = self_of(c).find(path);
    if (!v || !v->is_object() || index >= v->size())
      return NAS_ERR_NOT_FOUND;
    auto it = v->begin();
    std::advance(it, index);
    return copy_text(it.key(), buf, cap, len);
  };
  view_.get_int = [](const nas_config_t *c, const char *path, int64_t *out) -> nas_status_t {
    const Json *v = self_of(c).find(path);
    if (!v)
      return NAS_ERR_NOT_FOUND;
    if (!v->is_number_integer())
      return NAS_ERR_TYPE;
    *out = v->get<int64_t>();
    return NAS_OK;
  };
  view_.get_double = [](const nas_config_t *c, const char *path, double *out) -> nas_status_t {
    const Json *v = self_of(c).find(path);
    if (!v)
      return NAS_ERR_NOT_FOUND;
    if (!v->is_number())
      return NAS_ERR_TYPE;
    *out = v->get<double>();
    return NAS_OK;
  };
  view_.get_bool = [](const nas_config_t *c, const char *path, int32_t *out) -> nas_status_t {
    const Json *v = self_of(c).find(path);
    if (!v)
      return NAS_ERR_NOT_FOUND;
    if (!v->is_boolean())
      return NAS_ERR_TYPE;
    *out = v->get<bool>() ? 1 : 0;
    return NAS_OK;
  };
  view_.get_string = [](const nas_config_t *c, const char *path, char *buf, size_t cap,
                        size_t *len) -> nas_status_t {
    const Json *v = self_of(c).find(path);
    if (!v)
      return NAS_ERR_NOT_FOUND;
    if (!v->is_string())
      return NAS_ERR_TYPE;
    return copy_text(v->get_ref<const std::string &>(), buf, cap, len);
  };
}

const Json *ConfigView::find(const std::string &path) const {
  const Json *node = &json_;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string::npos || !node->is_array())
        return nullptr;
      size_t index = 0;
      try {
        index = std::stoul(path.substr(i + 1, close - i - 1));
      } catch (const std::exception &) {
        return nullptr;
      }
      if (index >= node->size())
        return nullptr;
      node = &(*node)[index];
      i = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    std::string key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (!node->is_object())
      return nullptr;
    auto it = node->find(key);
    if (it == node->end())
      return nullptr;
    node = &*it;
    i = end == std::string::npos ? path.size() : end;
  }
  return node;
}

} // namespace nas::core
