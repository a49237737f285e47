// OpRegistry and OpSpec: name lookup with errors that point into the IR.
#include <nas/torch/ops.hpp>

#include <stdexcept>
#include <utility>

namespace nas::torch {

namespace {

std::string joined(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

void check_new_name(const std::string &name, bool taken, const char *what) {
  if (!ir::detail::is_name(name))
    throw std::invalid_argument(std::string(what) + " name must match [a-z0-9_]+, got '" + name +
                                "'");
  if (taken)
    throw std::invalid_argument(std::string(what) + " '" + name +
                                "' is already registered (use set() to replace it)");
}

} // namespace

void OpSpec::fail(const std::string &message) const {
  throw ir::Error(path, "op '" + op + "': " + message);
}

void OpSpec::expect_attrs(std::initializer_list<const char *> allowed) const {
  if (!attrs.is_object())
    throw ir::Error(ir::detail::join(path, "attrs"), "expected an object");
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    bool known = false;
    std::string list;
    for (const char *a : allowed) {
      known = known || it.key() == a;
      list += std::string(list.empty() ? "" : ", ") + a;
    }
    if (!known)
      throw ir::Error(ir::detail::join(ir::detail::join(path, "attrs"), it.key()),
                      "op '" + op + "' does not understand this attr (" +
                          (list.empty() ? std::string("it takes none") : "expected one of: " + list) +
                          ")");
  }
}

void OpRegistry::add(const std::string &name, OpFactory factory) {
  check_new_name(name, has(name), "op");
  ops_[name] = std::move(factory);
}

void OpRegistry::set(const std::string &name, OpFactory factory) {
  check_new_name(name, false, "op");
  ops_[name] = std::move(factory);
}

void OpRegistry::add_pool(const std::string &name, PoolFactory factory) {
  check_new_name(name, has_pool(name), "pool");
  pools_[name] = std::move(factory);
}

std::vector<std::string> OpRegistry::names() const {
  std::vector<std::string> out;
  for (const auto &entry : ops_)
    out.push_back(entry.first);
  return out;
}

std::vector<std::string> OpRegistry::pool_names() const {
  std::vector<std::string> out;
  for (const auto &entry : pools_)
    out.push_back(entry.first);
  return out;
}

::torch::nn::AnyModule OpRegistry::make(const OpSpec &spec) const {
  auto it = ops_.find(spec.op);
  if (it == ops_.end())
    throw ir::Error(ir::detail::join(spec.path, "op"),
                    "unknown op '" + spec.op + "'; known: " + joined(names()));
  return it->second(spec);
}

::torch::nn::AnyModule OpRegistry::make_pool(const std::string &name, int channels,
                                             const std::string &path) const {
  auto it = pools_.find(name);
  if (it == pools_.end())
    throw ir::Error(ir::detail::join(path, "pool"),
                    "unknown pool '" + name + "'; known: " + joined(pool_names()));
  return it->second(channels);
}

const OpRegistry &OpRegistry::standard() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    add_standard_ops(r);
    return r;
  }();
  return registry;
}

} // namespace nas::torch
