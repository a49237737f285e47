// Helpers shared by the distance tests: random architectures of a bound space, NB201 cells
// written with short op names, and a run over several threads.
#pragma once

#include "plugin_harness.hpp"

#include <gtest/gtest.h>

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace nas::test {

inline Choices random_arch(const SpaceRef &space, Rng &rng) {
  Choices c(space.num_decisions());
  for (uint32_t i = 0; i < c.size(); ++i)
    c[i] = static_cast<int32_t>(rng.below(space.num_options(i)));
  return c;
}

// An NB201 cell from its six ops in decision order (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2),
// each one of "-" (none), "skip", "c1", "c3", "avg": cell("c3 - - skip c1 -").
inline Choices nb201_cell(const std::string &ops) {
  static const char *names[] = {"-", "skip", "c1", "c3", "avg"};
  Choices out;
  size_t at = 0;
  while (at < ops.size()) {
    size_t end = ops.find(' ', at);
    if (end == std::string::npos)
      end = ops.size();
    const std::string op = ops.substr(at, end - at);
    at = end + 1;
    if (op.empty())
      continue;
    int32_t v = -1;
    for (int32_t i = 0; i < 5; ++i)
      if (op == names[i])
        v = i;
    if (v < 0)
      throw std::invalid_argument("nb201_cell: unknown op " + op);
    out.push_back(v);
  }
  if (out.size() != 6)
    throw std::invalid_argument("nb201_cell: expected 6 ops in '" + ops + "'");
  return out;
}

// A distance created without a space refuses calls; bound to NB201 it refuses a choices vector
// of the wrong length or with an option out of range, and puts equal architectures at 0.
inline void expect_needs_a_bound_space_and_valid_architectures(const std::string &name) {
  Harness h(0);
  core::Instance &space = h.create("nas.space.nb201");
  core::Instance &dist = h.create(name);
  Choices ok(6, 0);
  EXPECT_THROW(DistanceRef(dist.raw())(ok, ok), Error);
  h.bind(dist, "space", space);
  DistanceRef d(dist.raw());
  Choices short_arch(5, 0), out_of_range = ok;
  out_of_range[0] = -1;
  EXPECT_THROW(d(ok, short_arch), Error);
  EXPECT_THROW(d(out_of_range, ok), Error);
  EXPECT_EQ(d(ok, ok), 0.0);
}

// Runs body(thread_index) on `n` threads and joins them.
template <class Body> void on_threads(int n, Body body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t)
    threads.emplace_back(body, t);
  for (std::thread &t : threads)
    t.join();
}

// The build's plugins and test.space.two_cells (two_cell_space.cpp, built for these tests
// alone), with the instances a test creates; destroyed in reverse order of creation.
class TwoCellHarness {
public:
  TwoCellHarness() : run_(std::make_shared<core::RunContext>()) {
    registry_.add_folder(NAS_BUILD_PLUGIN_DIR);
    registry_.add_folder(NAS_TEST_PLUGIN_DIR "/two_cells");
  }
  ~TwoCellHarness() {
    while (!owned_.empty())
      owned_.pop_back();
  }
  TwoCellHarness(const TwoCellHarness &) = delete;
  TwoCellHarness &operator=(const TwoCellHarness &) = delete;

  // test.space.two_cells with `supernet` = "decisions", "free" or "shifted", and `ops` options
  // per edge.
  SpaceRef space(const std::string &supernet, int ops = 3) {
    space_ = &create("test.space.two_cells", {{"supernet", supernet}, {"ops", ops}});
    return SpaceRef(space_->raw());
  }
  // A distance bound to the last space made.
  DistanceRef distance(const std::string &name, const core::Json &config = core::Json::object()) {
    core::Instance &d = create(name, config);
    d.bind("space", *space_);
    return DistanceRef(d.raw());
  }

private:
  core::Instance &create(const std::string &name, const core::Json &config) {
    owned_.push_back(core::Instance::create(registry_, name, config, run_, "test"));
    return *owned_.back();
  }
  core::Registry registry_;
  std::shared_ptr<core::RunContext> run_;
  std::vector<std::unique_ptr<core::Instance>> owned_;
  core::Instance *space_ = nullptr;
};

// Decision of edge from -> to (0 <= from < to, 2 <= to <= 4) in cell 0 or 1 of two_cells.
inline int two_cell_decision(int cell, int from, int to) {
  static const int first[] = {0, 0, 0, 2, 5}; // decisions before the edges into node `to`
  return 9 * cell + first[to] + from;
}

} // namespace nas::test
