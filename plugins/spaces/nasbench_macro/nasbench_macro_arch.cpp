#include "nasbench_macro_arch.hpp"

namespace nas::nasbench_macro {

namespace {
constexpr std::array<int, 3> kStageSizes = {2, 3, 3};
} // namespace

const std::array<const char *, kNumOps> &op_names() {
  static const std::array<const char *, kNumOps> all = {"identity", "mbconv_e3_k3", "mbconv_e6_k5"};
  return all;
}

const std::array<const char *, kNumLayers> &layer_names() {
  static const std::array<const char *, kNumLayers> all = {
      "layer_0", "layer_1", "layer_2", "layer_3", "layer_4", "layer_5", "layer_6", "layer_7"};
  return all;
}

bool starts_stage(int layer) {
  for (int start = 0, s = 0; s < static_cast<int>(kStageSizes.size()); start += kStageSizes[s++])
    if (layer == start)
      return true;
  return false;
}

int layer_channels(int layer) {
  int channels = kStemChannels;
  for (int i = 0; i <= layer; ++i)
    if (starts_stage(i))
      channels *= 2;
  return channels;
}

void check(const Choices &arch) {
  if (arch.size() != kNumLayers)
    throw InvalidArch("a NAS-Bench-Macro architecture has " + std::to_string(kNumLayers) +
                      " decisions, got " + std::to_string(arch.size()));
  for (int i = 0; i < kNumLayers; ++i)
    if (arch[i] < 0 || arch[i] >= kNumOps)
      throw InvalidArch(std::string(layer_names()[i]) + " has option " + std::to_string(arch[i]) +
                        ", expected 0.." + std::to_string(kNumOps - 1));
}

std::string format(const Choices &arch) {
  check(arch);
  std::string out;
  for (int32_t op : arch)
    out += static_cast<char>('0' + op);
  return out;
}

Choices parse(const std::string &text) {
  const std::string expected = "expected " + std::to_string(kNumLayers) +
                               " digits 0-2 (0 identity, 1 mbconv_e3_k3, 2 mbconv_e6_k5), "
                               "like \"22212220\"";
  // The text is quoted only when short: error messages are truncated at 1 KiB.
  const std::string quoted = text.size() <= 64 ? "\"" + text + "\"" : "the string";
  Choices arch;
  for (size_t i = 0; i < text.size() && i < kNumLayers; ++i) {
    if (text[i] < '0' || text[i] >= '0' + kNumOps)
      throw InvalidArch("not a NAS-Bench-Macro key: " + quoted + " has '" +
                        std::string(1, text[i]) + "' at position " + std::to_string(i) + "; " +
                        expected);
    arch.push_back(text[i] - '0');
  }
  if (text.size() != kNumLayers)
    throw InvalidArch("not a NAS-Bench-Macro key: " + quoted + " has " +
                      std::to_string(text.size()) + " characters; " + expected);
  return arch;
}

int index_of(const Choices &arch) {
  check(arch);
  int index = 0;
  for (int32_t op : arch)
    index = index * kNumOps + op;
  return index;
}

Choices arch_at(int index) {
  if (index < 0 || index >= kNumArchs)
    throw InvalidArch("a NAS-Bench-Macro index is in 0.." + std::to_string(kNumArchs - 1) +
                      ", got " + std::to_string(index));
  Choices arch(kNumLayers);
  for (int i = kNumLayers - 1; i >= 0; --i, index /= kNumOps)
    arch[i] = index % kNumOps;
  return arch;
}

Choices canonical_representative(const Choices &arch) {
  check(arch);
  Choices out;
  for (int start = 0, s = 0; s < static_cast<int>(kStageSizes.size()); start += kStageSizes[s++]) {
    const int end = start + kStageSizes[s];
    out.push_back(arch[start]); // strided: never an identity function
    int identities = 0;
    for (int i = start + 1; i < end; ++i) {
      if (arch[i] == identity)
        ++identities;
      else
        out.push_back(arch[i]); // the MBConv blocks keep their order
    }
    out.insert(out.end(), identities, identity);
  }
  return out;
}

std::string equivalence_key(const Choices &arch) { return format(canonical_representative(arch)); }

} // namespace nas::nasbench_macro
