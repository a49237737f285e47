#include "overrides.hpp"

#include "errors.hpp"

#include <cctype>
#include <sstream>

namespace nas::core {

namespace {

std::vector<std::string> split_path(const std::string &path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '.'))
    out.push_back(part);
  return out;
}

bool is_index(const std::string &s) {
  if (s.empty() || s.size() > 9) // an index past a billion is no array of a pipeline's
    return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

// The value as TOML, so `--set a=3` is an integer and `--set a=[1,2]` an array; what does
// not parse (my.strategy) is a plain string.
toml::node_view<toml::node> parse_value(const std::string &text, const std::string &origin,
                                        toml::table &holder) {
  try {
    holder = toml::parse("v = " + text, origin);
  } catch (const toml::parse_error &) {
    holder = toml::table{};
    holder.insert("v", text);
  }
  return holder["v"];
}

} // namespace

std::map<const void *, std::string> apply_overrides(toml::table &root,
                                                    const std::vector<std::string> &overrides) {
  std::map<const void *, std::string> origins;
  for (const std::string &o : overrides) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--set " + o + ": expected KEY=VALUE, e.g. stage.0.budget.evaluations=300");
    std::string key = o.substr(0, eq);
    std::vector<std::string> parts = split_path(key);
    toml::node *node = &root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      const std::string &seg = parts[i];
      if (auto *t = node->as_table()) {
        if (!t->contains(seg))
          t->insert(seg, toml::table{});
        node = t->get(seg);
      } else if (auto *a = node->as_array()) {
        if (!is_index(seg) || std::stoul(seg) >= a->size())
          throw UsageError("--set " + o + ": '" + seg + "' must be an index below " +
                           std::to_string(a->size()) + " (the array '" + parts[i - 1] + "')");
        node = a->get(std::stoul(seg));
      } else {
        throw UsageError("--set " + o + ": '" + parts[i - 1] + "' is a value, not a table");
      }
    }
    toml::table holder;
    auto value = parse_value(o.substr(eq + 1), "--set " + o, holder);
    const std::string &last = parts.back();
    if (auto *t = node->as_table()) {
      t->insert_or_assign(last, std::move(*value.node()));
      auto placed = t->find(last);
      origins[&placed->first] = origins[&placed->second] = "--set " + o;
    } else if (auto *a = node->as_array(); a && is_index(last) && std::stoul(last) < a->size()) {
      a->replace(a->begin() + std::stoul(last), std::move(*value.node()));
      origins[a->get(std::stoul(last))] = "--set " + o;
    } else {
      throw UsageError("--set " + o + ": cannot set '" + last + "' there");
    }
  }
  return origins;
}

} // namespace nas::core
