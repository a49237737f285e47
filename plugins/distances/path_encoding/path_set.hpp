// A set of paths: sorted, distinct indices into the path vocabulary; or, for vocabularies of
// at most PathBits::kMaxPaths, bits (no sorting; the distance is a popcount).
#ifndef NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_SET_HPP
#define NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_SET_HPP

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nas::distances {

using PathSet = std::vector<uint32_t>;

// Sorts and removes repeats: two paths with the same ops and origin are one labelled path.
inline void normalize(PathSet &paths) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
}

// |a \ b| + |b \ a| of two normalized sets, by one merge.
inline size_t symmetric_difference_size(const PathSet &a, const PathSet &b) {
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  return a.size() + b.size() - 2 * common;
}

struct PathBits {
  static constexpr uint32_t kWords = 8;
  static constexpr uint32_t kMaxPaths = 64 * kWords;
  uint64_t words[kWords] = {};
  void add(uint32_t path) { words[path >> 6] |= uint64_t{1} << (path & 63); }
};

// The same for bit sets whose paths all lie in the first `used` words.
inline size_t symmetric_difference_size(const PathBits &a, const PathBits &b, uint32_t used) {
  size_t n = 0;
  for (uint32_t w = 0; w < used; ++w)
    n += static_cast<size_t>(__builtin_popcountll(a.words[w] ^ b.words[w]));
  return n;
}

} // namespace nas::distances

#endif
