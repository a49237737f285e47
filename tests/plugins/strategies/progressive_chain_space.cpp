// test.space.chain: a tiny space with a decision tagged "depth", for progressive search's
// depth mode (no project space has one yet). Decisions, in this order on purpose (the
// depth decision is found by its tag, not its position):
//   0 op_0   (3 options)  active at every depth
//   1 op_1   (3)          active_if depth in {1, 2}
//   2 depth  (3: "1", "2", "3"; tags ordinal, depth)
//   3 op_2   (3)          active_if depth == 2
//   4 width  (2)          global, no condition
//   5 kernel_2 (2)        active_if op_2 in {1, 2}: a chain that leads to depth through op_2
// canonicalize zeroes inactive decisions; the string is the digits, e.g. "102110".
#include <nas/plugin.hpp>

#include <array>

namespace nas::test {

class ChainSpace final : public Space {
public:
  ChainSpace(const Config &, const Host &host) : Space(host) {}

  static Info info() {
    Info i;
    i.name = "test.space.chain";
    i.version = "1.0.0";
    i.description = "Test space: three layers behind a depth decision, with active_if.";
    return i;
  }

  std::string describe() const override {
    return R"({"decisions": [
  {"name": "op_0", "options": ["a", "b", "c"]},
  {"name": "op_1", "options": ["a", "b", "c"], "active_if": {"decision": 2, "values": [1, 2]}},
  {"name": "depth", "options": ["1", "2", "3"], "tags": ["ordinal", "depth"]},
  {"name": "op_2", "options": ["a", "b", "c"], "active_if": {"decision": 2, "values": [2]}},
  {"name": "width", "options": ["16", "32"]},
  {"name": "kernel_2", "options": ["3", "5"], "active_if": {"decision": 3, "values": [1, 2]}}
]})";
  }
  uint32_t num_decisions() const override { return 6; }
  uint32_t num_options(uint32_t d) const override {
    static constexpr std::array<uint32_t, 6> options{3, 3, 3, 3, 2, 2};
    return d < 6 ? options[d] : 0;
  }
  void canonicalize(Choices &c) const override {
    check_ranges(c);
    if (c[2] < 1)
      c[1] = 0;
    if (c[2] < 2)
      c[3] = 0;
    if (c[3] == 0)
      c[5] = 0;
  }
  std::string to_string(const Choices &c) const override {
    std::string s;
    for (int32_t v : c)
      s += static_cast<char>('0' + v);
    return s;
  }
  Choices from_string(const std::string &text) const override {
    Choices c;
    for (char ch : text)
      c.push_back(ch - '0');
    check_ranges(c);
    return c;
  }
};

} // namespace nas::test

NAS_PLUGIN_LIBRARY(nas::test::ChainSpace);
