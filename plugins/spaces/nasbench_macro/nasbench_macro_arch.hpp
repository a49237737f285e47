// A NAS-Bench-Macro architecture as a plain C++ value: its string format, its layout and
// its equivalence key. No ABI here, so unit tests compile this file directly.
#ifndef NAS_PLUGINS_SPACES_NASBENCH_MACRO_ARCH_HPP
#define NAS_PLUGINS_SPACES_NASBENCH_MACRO_ARCH_HPP

#include <nas/plugin.hpp>

#include <array>
#include <string>

namespace nas::nasbench_macro {

constexpr int kNumLayers = 8;
constexpr int kNumOps = 3;
constexpr int kNumArchs = 6561; // kNumOps ^ kNumLayers
constexpr int kStemChannels = 32;

// Option indices, as the benchmark's key digits.
enum Op : int32_t { identity = 0, mbconv_e3_k3 = 1, mbconv_e6_k5 = 2 };

// "identity", "mbconv_e3_k3", "mbconv_e6_k5".
const std::array<const char *, kNumOps> &op_names();
// "layer_0" .. "layer_7".
const std::array<const char *, kNumLayers> &layer_names();

// The benchmark's stages hold 2, 3 and 3 layers; the first layer of each halves the
// resolution (stride 2) and doubles the width: 32 -> 64, 128, 256 channels.
bool starts_stage(int layer);
int layer_channels(int layer);

// Throws nas::InvalidArch unless `arch` has kNumLayers values in 0..kNumOps-1.
void check(const Choices &arch);

// The benchmark's key: one digit per layer, "22212220" (checks first).
std::string format(const Choices &arch);
// The inverse of format; anything else is nas::InvalidArch saying what was expected where.
Choices parse(const std::string &text);

// The architecture's number in 0..kNumArchs-1 (digits in base 3, layer 0 first), and back.
int index_of(const Choices &arch);
Choices arch_at(int index);

// The same network with each stage's stride-1 identities moved to the end of the stage,
// the form the benchmark trained (its get_real_arch). An identity that does not start a
// stage maps x to x, so dropping it changes nothing; the stage-starting one is a strided
// 1x1 projection and stays.
Choices canonical_representative(const Choices &arch);
// format(canonical_representative(arch)): equal exactly for the same network.
std::string equivalence_key(const Choices &arch);

} // namespace nas::nasbench_macro

#endif
