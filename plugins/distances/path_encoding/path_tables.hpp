// The paths of an architecture straight from its choices: each supernet path gets a table
// from the options chosen along it (a mixed-radix number) to its vocabulary index, or to
// "absent" when one of them is `none`. A distance call then costs a few table reads, with no
// rendering, lock or allocation. Only where the supernet's decisions predict to_ir.
#ifndef NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_TABLES_HPP
#define NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_TABLES_HPP

#include "path_set.hpp"
#include "path_vocabulary.hpp"

#include <nas/plugin.hpp>

#include <cstdint>
#include <vector>

namespace nas::distances {

class PathTables {
public:
  // Above this many entries in all (4 bytes each) the plugin caches path sets instead.
  static constexpr uint64_t kMaxEntries = uint64_t{1} << 22;

  // Returns false (and holds no tables) when they would exceed kMaxEntries.
  bool build(const PathVocabulary &vocabulary);
  bool ready() const { return !paths_.empty(); }

  // Calls add(index) for each path of `choices` (already checked against the space), in
  // supernet order; an index may come more than once (same ops along another route).
  template <class Add> void for_each_path(const Choices &choices, Add &&add) const {
    for (const Path &p : paths_) {
      uint32_t at = p.table;
      for (uint32_t s = p.first_step; s < p.end_step; ++s)
        at += static_cast<uint32_t>(choices[steps_[s].decision]) * steps_[s].stride;
      if (entries_[at] != PathVocabulary::kNone)
        add(entries_[at]);
    }
  }
  // The normalized path set of `choices`, into `out`.
  void paths_of(const Choices &choices, PathSet &out) const {
    out.clear();
    for_each_path(choices, [&](uint32_t i) { out.push_back(i); });
    normalize(out);
  }

private:
  bool build_failed(); // empties the tables

  struct Step {
    size_t decision; // fixed slots have no step: they add 0 to the index
    uint32_t stride; // of this slot's option in the path's table
  };
  struct Path {
    uint32_t first_step, end_step; // into steps_
    uint32_t table;                // where its table starts in entries_
  };
  std::vector<Path> paths_;
  std::vector<Step> steps_;
  std::vector<uint32_t> entries_; // every table, one after another: index or kNone
};

} // namespace nas::distances

#endif
