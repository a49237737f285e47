// nas/torch/ops.hpp: the op vocabulary of the network IR as torch modules, extensible.
//
// An op maps [N, in_channels, H, W] to [N, out_channels, ceil(H / stride), ceil(W / stride)].
// OpRegistry::standard() holds every op of the table "Standard op vocabulary" in sdk/IR.md
// and the head pool `global_avg`; a plugin copies it and adds its own:
//
//   nas::torch::OpRegistry ops = nas::torch::OpRegistry::standard();
//   ops.add("my_conv", [](const nas::torch::OpSpec &s) {
//     s.expect_attrs({"kernel"});
//     return torch::nn::AnyModule(MyConv(s.in_channels, s.out_channels, s.stride, ...));
//   });
//
// Errors are nas::ir::Error whose path points into the IR ("/cells/nb201/edges/3/op: ...").
#pragma once

#include <nas/ir.hpp>
#include <nas/torch/export.hpp>

#include <torch/nn/modules/container/any.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

// TORCH_MODULE for use inside namespace nas::torch (torch's macro names `torch::nn`
// unqualified, which there would mean nas::torch::nn).
#define NAS_TORCH_MODULE(Name)                                                                 \
  class Name : public ::torch::nn::ModuleHolder<Name##Impl> {                                  \
  public:                                                                                      \
    using ::torch::nn::ModuleHolder<Name##Impl>::ModuleHolder;                                 \
    using Impl = Name##Impl;                                                                   \
  }

namespace nas::torch {

// What an op factory is asked to build, and where in the IR the request comes from.
struct NAS_TORCH_API OpSpec {
  std::string op;          // the op's name
  int in_channels = 0;
  int out_channels = 0;
  int stride = 1;
  nlohmann::json attrs = nlohmann::json::object();
  std::string path;        // JSON pointer of the IR entry: "/layers/2", "/cells/c/edges/3"

  // Throws ir::Error at `path` (or below it) saying what is wrong with the request.
  [[noreturn]] void fail(const std::string &message) const;
  // Rejects attrs outside `allowed` (the standard ops allow none).
  void expect_attrs(std::initializer_list<const char *> allowed = {}) const;
};

// Builds one op: a module whose forward takes and returns one tensor.
using OpFactory = std::function<::torch::nn::AnyModule(const OpSpec &)>;
// Builds a head pool: [N, C, H, W] -> [N, C].
using PoolFactory = std::function<::torch::nn::AnyModule(int channels)>;

class NAS_TORCH_API OpRegistry {
public:
  // Every standard op and the pool global_avg (sdk/IR.md). Copy it to extend it.
  static const OpRegistry &standard();

  // Adds an op or pool; throws std::invalid_argument for a name that is taken or does not
  // match [a-z0-9_]+. `set` replaces an existing one (a plugin's own variant of a standard op).
  void add(const std::string &name, OpFactory factory);
  void set(const std::string &name, OpFactory factory);
  void add_pool(const std::string &name, PoolFactory factory);

  bool has(const std::string &name) const { return ops_.count(name) != 0; }
  bool has_pool(const std::string &name) const { return pools_.count(name) != 0; }
  std::vector<std::string> names() const;      // sorted
  std::vector<std::string> pool_names() const; // sorted

  // Builds spec.op; an unknown op is ir::Error at spec.path + "/op" listing the known ones.
  ::torch::nn::AnyModule make(const OpSpec &spec) const;
  // Builds a pool; an unknown one is ir::Error at path + "/pool".
  ::torch::nn::AnyModule make_pool(const std::string &name, int channels,
                                   const std::string &path) const;

private:
  std::map<std::string, OpFactory> ops_;
  std::map<std::string, PoolFactory> pools_;
};

// Registers the standard vocabulary into `registry` (what standard() holds).
NAS_TORCH_API void add_standard_ops(OpRegistry &registry);

} // namespace nas::torch
