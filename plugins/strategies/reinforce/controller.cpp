// The controller's network, its sampling and its Adam step: the only file of the plugin that
// includes LibTorch. Everything is in double precision (the network is tiny) and runs on the
// CPU with an explicit thread count.
#include "controller.hpp"

#include <torch/torch.h>

#include <sstream>
#include <stdexcept>

namespace nas::reinforce {

namespace {

// Sets torch's intra-op thread count for one call and restores it afterwards: the count is
// process-wide, and an evaluator in the same process may run with another.
class ThreadScope {
public:
  explicit ThreadScope(int threads) : previous_(torch::get_num_threads()) {
    if (threads != previous_)
      torch::set_num_threads(threads);
  }
  ~ThreadScope() {
    if (torch::get_num_threads() != previous_)
      torch::set_num_threads(previous_);
  }
  ThreadScope(const ThreadScope &) = delete;
  ThreadScope &operator=(const ThreadScope &) = delete;

private:
  int previous_;
};

struct State {
  torch::Tensor h, c; // undefined before the first LSTM step (zeros)
};

struct Net : torch::nn::Module {
  Net(const std::vector<uint32_t> &options, bool lstm, int64_t hidden)
      : lstm(lstm), hidden(hidden) {
    const auto f64 = torch::TensorOptions().dtype(torch::kDouble);
    if (!lstm) {
      for (size_t i = 0; i < options.size(); ++i)
        logits.push_back(register_parameter("logits" + std::to_string(i),
                                            torch::zeros({int64_t(options[i])}, f64)));
      return;
    }
    start = register_parameter("start", torch::zeros({1, hidden}, f64));
    cell = register_module("cell", torch::nn::LSTMCell(torch::nn::LSTMCellOptions(hidden, hidden)));
    for (size_t i = 0; i < options.size(); ++i) {
      heads.push_back(register_module("head" + std::to_string(i),
                                      torch::nn::Linear(hidden, int64_t(options[i]))));
      if (i + 1 < options.size()) // the last choice feeds no further step
        embeddings.push_back(register_module("embedding" + std::to_string(i),
                                             torch::nn::Embedding(int64_t(options[i]), hidden)));
    }
    to(torch::kDouble);
  }

  // The logits [batch, options of i] of decision i, given decision i-1's choices
  // `previous` [batch] (unused at i = 0); advances the LSTM's state.
  torch::Tensor logits_at(size_t i, const torch::Tensor &previous, int64_t batch, State &state) {
    if (!lstm)
      return logits[i].unsqueeze(0).expand({batch, -1});
    torch::Tensor input =
        i == 0 ? start.expand({batch, hidden}) : embeddings[i - 1]->forward(previous);
    auto hc = state.h.defined() ? cell->forward(input, std::make_tuple(state.h, state.c))
                                : cell->forward(input);
    state.h = std::get<0>(hc);
    state.c = std::get<1>(hc);
    return heads[i]->forward(state.h);
  }

  bool lstm;
  int64_t hidden;
  torch::Tensor start;                          // the input of step 0
  torch::nn::LSTMCell cell{nullptr};            // shared by every step
  std::vector<torch::nn::Embedding> embeddings; // [i]: decision i's choice, input of step i+1
  std::vector<torch::nn::Linear> heads;         // [i]: hidden state -> decision i's logits
  std::vector<torch::Tensor> logits;            // the "logits" policy's parameters
};

} // namespace

struct Controller::Impl {
  Impl(std::vector<uint32_t> options_, const ControllerOptions &settings_)
      : options(std::move(options_)), settings(settings_),
        net(std::make_shared<Net>(options, settings.kind == "lstm", settings.hidden)),
        adam(net->parameters(), torch::optim::AdamOptions(settings.learning_rate)) {}

  // Zoph and Le initialize uniformly in [-0.08, 0.08]; NAS-Bench-201's logits start at
  // 1e-3 * N(0, 1). Drawn in parameter registration order.
  void init(Rng &rng) {
    torch::NoGradGuard no_grad;
    for (torch::Tensor &p : net->parameters()) {
      std::vector<double> values(static_cast<size_t>(p.numel()));
      for (double &v : values)
        v = net->lstm ? rng.uniform(-0.08, 0.08) : 1e-3 * rng.normal();
      p.copy_(torch::from_blob(values.data(), p.sizes(), torch::kDouble));
    }
  }

  // Teacher-forced pass over `choices` [batch, decisions]: log p(choices) and the summed
  // entropy of each step's distribution, both [batch].
  std::pair<torch::Tensor, torch::Tensor> evaluate(const torch::Tensor &choices) {
    const int64_t batch = choices.size(0);
    State state;
    torch::Tensor previous;
    torch::Tensor log_p = torch::zeros({batch}, torch::kDouble);
    torch::Tensor entropy = torch::zeros({batch}, torch::kDouble);
    for (size_t i = 0; i < options.size(); ++i) {
      torch::Tensor log_probs = torch::log_softmax(net->logits_at(i, previous, batch, state), -1);
      torch::Tensor chosen = choices.select(1, int64_t(i));
      log_p = log_p + log_probs.gather(1, chosen.unsqueeze(1)).squeeze(1);
      entropy = entropy - (log_probs.exp() * log_probs).sum(-1);
      previous = chosen;
    }
    return {log_p, entropy};
  }

  static torch::Tensor to_tensor(const std::vector<Choices> &batch, size_t decisions) {
    std::vector<int64_t> flat;
    flat.reserve(batch.size() * decisions);
    for (const Choices &c : batch) {
      if (c.size() != decisions)
        throw std::invalid_argument("an architecture with the wrong number of decisions");
      flat.insert(flat.end(), c.begin(), c.end());
    }
    return torch::tensor(flat, torch::kLong).view({int64_t(batch.size()), int64_t(decisions)});
  }

  std::vector<uint32_t> options;
  ControllerOptions settings;
  std::shared_ptr<Net> net;
  torch::optim::Adam adam;
};

Controller::Controller(std::vector<uint32_t> options, const ControllerOptions &settings, Rng init)
    : impl_(std::make_unique<Impl>(std::move(options), settings)) {
  ThreadScope threads(settings.threads);
  impl_->init(init);
}

Controller::~Controller() = default;

double Controller::sample(Rng &rng, Choices &out) {
  ThreadScope threads(impl_->settings.threads);
  torch::NoGradGuard no_grad;
  State state;
  torch::Tensor previous;
  double p = 1.0;
  for (size_t i = 0; i < impl_->options.size(); ++i) {
    torch::Tensor probs =
        torch::softmax(impl_->net->logits_at(i, previous, 1, state), -1).contiguous();
    // nas::Rng, not torch's sampler: the same draws whichever libtorch runs.
    const size_t k = rng.categorical(probs.data_ptr<double>(), impl_->options[i]);
    p *= probs.data_ptr<double>()[k];
    out[i] = static_cast<int32_t>(k);
    previous = torch::full({1}, static_cast<int64_t>(k), torch::kLong);
  }
  return p;
}

void Controller::update(const std::vector<Choices> &batch, const std::vector<double> &advantages) {
  if (batch.empty())
    return;
  if (batch.size() != advantages.size())
    throw std::invalid_argument("one advantage per architecture is needed");
  ThreadScope threads(impl_->settings.threads);
  auto [log_p, entropy] = impl_->evaluate(Impl::to_tensor(batch, impl_->options.size()));
  torch::Tensor advantage = torch::tensor(advantages, torch::kDouble);
  torch::Tensor loss =
      -(advantage * log_p).mean() - impl_->settings.entropy_weight * entropy.mean();
  impl_->adam.zero_grad();
  loss.backward();
  impl_->adam.step();
}

std::string Controller::save() const {
  torch::serialize::OutputArchive net, adam, all;
  impl_->net->save(net);
  impl_->adam.save(adam);
  all.write("net", net);
  all.write("adam", adam);
  std::ostringstream out;
  all.save_to(out);
  return out.str();
}

void Controller::load(std::string_view bytes) {
  // Into a fresh network and optimizer, swapped in only when everything was read.
  auto fresh = std::make_unique<Impl>(impl_->options, impl_->settings);
  std::istringstream in{std::string(bytes)};
  torch::serialize::InputArchive all, net, adam;
  all.load_from(in);
  all.read("net", net);
  all.read("adam", adam);
  fresh->net->load(net);
  fresh->adam.load(adam);
  // torch's archive adopts a saved tensor's shape: check it is still this controller's.
  auto want = impl_->net->named_parameters(), got = fresh->net->named_parameters();
  if (want.size() != got.size())
    throw std::invalid_argument("the saved controller has other parameters");
  for (const auto &p : want)
    if (!got.contains(p.key()) || !got[p.key()].sizes().equals(p.value().sizes()) ||
        got[p.key()].scalar_type() != torch::kDouble)
      throw std::invalid_argument("the saved controller's '" + p.key() + "' has another shape");
  impl_ = std::move(fresh);
}

} // namespace nas::reinforce
