// nas.distance.path_encoding: the path encoding of BANANAS (White, Neiswanger & Savani,
// "BANANAS: Bayesian Optimization with Neural Architectures for Neural Architecture Search",
// AAAI 2021). An architecture is the set of its input-to-output paths labelled with their
// ops; the distance is the size of the symmetric difference of two such sets, and the
// features (nas.features/1) are the 0/1 indicator vector over every path the space can have,
// so their squared Euclidean distance equals the distance exactly.
#include "arch_cache.hpp"
#include "network_source.hpp"
#include "path_set.hpp"
#include "path_tables.hpp"
#include "path_vocabulary.hpp"

#include <nas/plugin.hpp>

#include <algorithm>

namespace nas::distances {

class PathEncodingDistance final : public Distance {
public:
  PathEncodingDistance(const Config &config, const Host &host)
      : Distance(host), render_(config.get_bool("render", false)) {}

  static Info info() {
    Info i;
    i.name = "nas.distance.path_encoding";
    i.version = "1.0.0";
    i.description = "Symmetric difference of the op-labelled input-to-output paths of the "
                    "cells (BANANAS path encoding), with the path indicator features.";
    i.config = std::string("{") + kRenderConfigEntry + "}";
    i.roles = kSpaceRole;
    return i;
  }

  void bind(const std::string &role, nas_instance_t *other) override {
    if (role != "space")
      return Distance::bind(role, other);
    source_.bind(SpaceRef(other), render_, host());
    vocabulary_.build(source_.layout());
    const bool fast = source_.decodes() && tables_.build(vocabulary_);
    host().debug(std::to_string(vocabulary_.size()) + " labelled paths" +
                 (fast ? ", read from the choices by table" : ", cached per architecture"));
  }

  double distance(const Choices &a, const Choices &b) const override {
    if (tables_.ready() && vocabulary_.size() <= PathBits::kMaxPaths) { // NB201: 84 paths
      PathBits x, y;
      source_.check(a);
      source_.check(b);
      tables_.for_each_path(a, [&](uint32_t i) { x.add(i); });
      tables_.for_each_path(b, [&](uint32_t i) { y.add(i); });
      return static_cast<double>(symmetric_difference_size(x, y, (vocabulary_.size() + 63) / 64));
    }
    if (tables_.ready()) {
      thread_local PathSet pa, pb; // reused: no allocation per call
      paths(a, pa);
      paths(b, pb);
      return static_cast<double>(symmetric_difference_size(pa, pb));
    }
    return static_cast<double>(symmetric_difference_size(*cached(a), *cached(b)));
  }

  uint32_t feature_dimension() const override { return source_.bound() ? vocabulary_.size() : 0; }

  void features(const Choices &arch, double *out) const override {
    std::fill(out, out + vocabulary_.size(), 0.0);
    PathSet own;
    const PathSet *set = &own;
    std::shared_ptr<const PathSet> held;
    if (tables_.ready()) {
      paths(arch, own);
    } else {
      held = cached(arch);
      set = held.get();
    }
    for (uint32_t i : *set)
      out[i] = 1.0;
  }

private:
  void paths(const Choices &arch, PathSet &out) const {
    source_.check(arch);
    tables_.paths_of(arch, out);
  }

  std::shared_ptr<const PathSet> cached(const Choices &arch) const {
    source_.check(arch);
    return cache_.get(arch, [this](const Choices &c) {
      OpNetwork network;
      source_.network(c, network);
      return vocabulary_.paths_of(network);
    });
  }

  bool render_;
  NetworkSource source_;
  PathVocabulary vocabulary_;
  PathTables tables_;
  ArchCache<PathSet> cache_;
};

} // namespace nas::distances

NAS_PLUGIN_LIBRARY(nas::distances::PathEncodingDistance);
