// Every labelled path the space can produce, numbered: the coordinates of the path encoding.
// A label is {group, origin, op ids...}: for a cell path, group = the cell's index (cells in
// name order) and origin = the input node it starts from; for a chain layer that a decision
// picks, group = -1 and origin = the layer's index, with its one op. Enumerated once, at
// bind, from the supernet IR, where every edge carries all of its options.
#ifndef NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_VOCABULARY_HPP
#define NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_VOCABULARY_HPP

#include "path_set.hpp"
#include "supernet_layout.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nas::distances {

using Label = std::vector<int>;

// A path of the supernet: the slots along it (each fixed or a decision's options).
struct SlotPath {
  int group = -1, origin = 0;
  std::vector<Slot> slots;
};

class PathVocabulary {
public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // More labelled paths than this is a space the path encoding does not suit.
  static constexpr uint64_t kMaxPaths = uint64_t{1} << 22;

  // Throws Failed when the supernet has more than kMaxPaths labelled paths.
  void build(const SupernetLayout &layout);
  uint32_t size() const { return static_cast<uint32_t>(index_.size()); }
  uint32_t find(const Label &label) const;
  const std::vector<SlotPath> &slot_paths() const { return slot_paths_; }

  // The label of slot path `p` with option `digits[j]` at its slot j; empty when an op is
  // `none` (the path is absent).
  static Label label_of(const SlotPath &p, const std::vector<size_t> &digits);
  // The paths of a network (decoded or rendered); throws Failed on a path the supernet
  // cannot have (a space whose to_ir and supernet_ir disagree).
  PathSet paths_of(const OpNetwork &network) const;
  std::string describe(const Label &label) const; // "nb201[input 0]: nor_conv_3x3 > skip_connect"

private:
  std::map<Label, uint32_t> index_;
  std::vector<SlotPath> slot_paths_;
  std::vector<std::string> cell_names_;
  std::vector<std::string> op_names_;
  std::vector<int> fixed_chain_; // the op of each chain layer no decision picks, else kVaries
  static constexpr int kVaries = -2;
};

// Calls visit(digits) for every choice of an option per slot of `p`, the last slot fastest.
template <class Visit> void for_each_combination(const SlotPath &p, Visit &&visit) {
  std::vector<size_t> digits(p.slots.size(), 0);
  for (;;) {
    visit(static_cast<const std::vector<size_t> &>(digits));
    size_t j = digits.size();
    while (j > 0 && ++digits[j - 1] == p.slots[j - 1].ops.size())
      digits[--j] = 0;
    if (j == 0)
      return;
  }
}

} // namespace nas::distances

#endif
