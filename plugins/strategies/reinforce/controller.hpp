// The policy that REINFORCE trains: a torch-free interface over controller.cpp, the one file
// of this plugin that includes LibTorch (so the rest compiles in seconds).
//
// "lstm" (Zoph and Le, ICLR 2017): one LSTM cell emits the decisions in order; the input of
// step i is a learned start token (i = 0) or the embedding of decision i-1's choice, and a
// linear head per decision maps the hidden state onto that decision's options.
// "logits" (the policy NAS-Bench-201 benchmarked): one independent vector of logits per
// decision, softmax over it.
#pragma once

#include <nas/plugin.hpp>
#include <nas/random.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nas::reinforce {

struct ControllerOptions {
  std::string kind = "lstm"; // or "logits"
  int64_t hidden = 35;
  double learning_rate = 0.002;
  double entropy_weight = 1e-4;
  int threads = 1;
};

class Controller {
public:
  // `options[i]`: the option count of decision i (all > 0). The weights are drawn from
  // `init` (nas::Rng, so they are the same whichever libtorch runs).
  Controller(std::vector<uint32_t> options, const ControllerOptions &settings, Rng init);
  ~Controller();
  Controller(const Controller &) = delete;
  Controller &operator=(const Controller &) = delete;

  // Draws one architecture into `out` (sized to the space) with `rng` from the policy's
  // probabilities; returns the probability of the whole architecture.
  double sample(Rng &rng, Choices &out);
  // One Adam step on the REINFORCE loss, averaged over the batch:
  //   -advantage * log p(choices) - entropy_weight * entropy of the policy along choices.
  void update(const std::vector<Choices> &batch, const std::vector<double> &advantages);

  // Weights and Adam's state, as torch::serialize's archive bytes.
  std::string save() const;
  // Throws std::exception when the bytes are not a state of this controller's shape.
  void load(std::string_view bytes);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace nas::reinforce
