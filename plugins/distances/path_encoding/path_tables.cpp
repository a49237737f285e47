#include "path_tables.hpp"

namespace nas::distances {

bool PathTables::build(const PathVocabulary &vocabulary) {
  paths_.clear();
  steps_.clear();
  entries_.clear();
  for (const SlotPath &p : vocabulary.slot_paths()) {
    Path path{static_cast<uint32_t>(steps_.size()), 0, static_cast<uint32_t>(entries_.size())};
    uint64_t stride = 1;
    for (size_t j = p.slots.size(); j-- > 0;) { // the last slot varies fastest
      if (p.slots[j].decision >= 0)
        steps_.push_back({static_cast<size_t>(p.slots[j].decision), static_cast<uint32_t>(stride)});
      if ((stride *= p.slots[j].ops.size()) > kMaxEntries)
        return build_failed();
    }
    path.end_step = static_cast<uint32_t>(steps_.size());
    if (entries_.size() + stride > kMaxEntries)
      return build_failed();
    for_each_combination(p, [&](const std::vector<size_t> &digits) {
      Label label = PathVocabulary::label_of(p, digits);
      entries_.push_back(label.empty() ? PathVocabulary::kNone : vocabulary.find(label));
    });
    paths_.push_back(path);
  }
  return ready();
}

bool PathTables::build_failed() {
  paths_.clear();
  steps_.clear();
  entries_.clear();
  return false;
}

} // namespace nas::distances
