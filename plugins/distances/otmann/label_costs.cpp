#include "label_costs.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace nas::distances {

namespace {

bool has(const std::string &s, const char *part) { return s.find(part) != std::string::npos; }

// The kernel size token of a name and where it sits: "3x3" in "sep_conv_3x3", "k5" in
// "mbconv_e6_k5", "3x3" in "conv3x3_bn_relu". {0, npos, 0} when there is none.
struct KernelToken {
  int size = 0;
  size_t at = std::string::npos, length = 0;
};

KernelToken find_kernel(const std::string &s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      continue;
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])))
      ++j;
    const int k = std::atoi(s.substr(i, j - i).c_str());
    // "KxK"
    if (j + 1 < s.size() && s[j] == 'x' && std::isdigit(static_cast<unsigned char>(s[j + 1]))) {
      size_t e = j + 1;
      while (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e])))
        ++e;
      return {k, i, e - i};
    }
    // "_kK" (the k right after a separator or at the start)
    if (i >= 1 && s[i - 1] == 'k' && (i == 1 || s[i - 2] == '_'))
      return {k, i - 1, j - i + 1};
    i = j;
  }
  return {};
}

} // namespace

OpLabel read_op_label(const std::string &name) {
  OpLabel out;
  out.group = has(name, "conv") ? OpGroup::conv : has(name, "pool") ? OpGroup::pool : OpGroup::other;
  const KernelToken k = find_kernel(name);
  out.kernel = k.size;
  out.kind = k.at == std::string::npos ? name : name.substr(0, k.at) + name.substr(k.at + k.length);
  return out;
}

LabelCosts::LabelCosts(const std::vector<std::string> &op_names, const LabelCostOptions &o)
    : n_(op_names.size()), cost_(n_ * n_, 0.0) {
  std::vector<OpLabel> labels;
  for (const std::string &name : op_names) {
    labels.push_back(read_op_label(name));
    groups_.push_back(labels.back().group);
  }
  for (size_t a = 0; a < n_; ++a)
    for (size_t b = 0; b < n_; ++b) {
      const OpLabel &x = labels[a], &y = labels[b];
      double c = 0;
      if (a == b)
        c = 0;
      else if (x.group != y.group || x.group == OpGroup::other)
        c = kNever;
      else if (x.group == OpGroup::conv)
        c = o.kernel_scale * std::sqrt(std::abs(x.kernel - y.kernel)) +
            (x.kind != y.kind ? o.family : 0.0);
      else // two pooling layers
        c = x.kind != y.kind || x.kernel != y.kernel ? o.pooling : 0.0;
      cost_[a * n_ + b] = c;
    }
}

} // namespace nas::distances
