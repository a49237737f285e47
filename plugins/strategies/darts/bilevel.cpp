#include "bilevel.hpp"

#include <c10/util/StringUtil.h>

namespace nas::darts_search {

namespace {

using ::torch::Tensor;

// Gradients of `loss` with respect to `inputs`, zeros where an input does not reach it.
std::vector<Tensor> gradients(const Tensor &loss, const std::vector<Tensor> &inputs) {
  std::vector<Tensor> grads = ::torch::autograd::grad({loss}, inputs, /*grad_outputs=*/{},
                                                      /*retain_graph=*/false,
                                                      /*create_graph=*/false,
                                                      /*allow_unused=*/true);
  for (size_t i = 0; i < grads.size(); ++i)
    if (!grads[i].defined())
      grads[i] = ::torch::zeros_like(inputs[i]);
  return grads;
}

// The weights that train (those requiring gradients), in net.parameters() order.
std::vector<Tensor> trained(nas::torch::SupernetImpl &net) {
  std::vector<Tensor> out;
  for (const Tensor &p : net.parameters())
    if (p.requires_grad())
      out.push_back(p);
  return out;
}

void assign(std::vector<Tensor> &params, const std::vector<Tensor> &values) {
  ::torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i)
    params[i].copy_(values[i]);
}

// params += scale * direction
void shift(std::vector<Tensor> &params, const std::vector<Tensor> &direction, double scale) {
  ::torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i)
    params[i].add_(direction[i], scale);
}

} // namespace

std::vector<Tensor> mixing_weights(const std::vector<Tensor> &alphas) {
  std::vector<Tensor> w;
  w.reserve(alphas.size());
  for (const Tensor &a : alphas)
    w.push_back(::torch::softmax(a, 0));
  return w;
}

Tensor supernet_loss(nas::torch::SupernetImpl &net, const std::vector<Tensor> &alphas,
                     const Batch &batch) {
  return ::torch::nn::functional::cross_entropy(net.forward(batch.x, mixing_weights(alphas)),
                                                batch.y);
}

std::vector<Tensor> first_order_gradient(nas::torch::SupernetImpl &net,
                                         const std::vector<Tensor> &alphas, const Batch &valid) {
  return gradients(supernet_loss(net, alphas, valid), alphas);
}

std::vector<Tensor> second_order_gradient(nas::torch::SupernetImpl &net,
                                          const std::vector<Tensor> &alphas, const Batch &train,
                                          const Batch &valid, const VirtualStep &step) {
  std::vector<Tensor> w = trained(net);
  std::vector<Tensor> original;
  for (const Tensor &p : w)
    original.push_back(p.detach().clone());

  // w' = w - xi (momentum * m + grad_w L_train + weight_decay * w)
  std::vector<Tensor> g = gradients(supernet_loss(net, alphas, train), w);
  {
    ::torch::NoGradGuard no_grad;
    for (size_t i = 0; i < w.size(); ++i) {
      Tensor d = g[i] + step.weight_decay * original[i];
      if (step.momentum > 0 && i < step.momentum_buffers.size() &&
          step.momentum_buffers[i].defined())
        d += step.momentum * step.momentum_buffers[i];
      w[i].sub_(d, step.xi);
    }
  }

  // grad_alpha and grad_w' of L_val at w'
  std::vector<Tensor> inputs = alphas;
  inputs.insert(inputs.end(), w.begin(), w.end());
  std::vector<Tensor> all = gradients(supernet_loss(net, alphas, valid), inputs);
  std::vector<Tensor> d_alpha(all.begin(), all.begin() + static_cast<long>(alphas.size()));
  std::vector<Tensor> d_w(all.begin() + static_cast<long>(alphas.size()), all.end());

  // The Hessian-vector product by central differences around the original w.
  double norm = 0;
  for (const Tensor &d : d_w)
    norm += d.pow(2).sum().item<double>();
  norm = std::sqrt(norm);
  assign(w, original);
  if (norm == 0)
    return d_alpha;
  const double eps = 0.01 / norm;
  shift(w, d_w, eps);
  std::vector<Tensor> plus = gradients(supernet_loss(net, alphas, train), alphas);
  shift(w, d_w, -2 * eps);
  std::vector<Tensor> minus = gradients(supernet_loss(net, alphas, train), alphas);
  assign(w, original);

  for (size_t i = 0; i < d_alpha.size(); ++i)
    d_alpha[i] = d_alpha[i] - step.xi * (plus[i] - minus[i]) / (2 * eps);
  return d_alpha;
}

std::vector<Tensor> momentum_buffers(::torch::optim::SGD &optimizer,
                                     const std::vector<Tensor> &params) {
  std::vector<Tensor> out;
  auto &state = optimizer.state();
  for (const Tensor &p : params) {
    auto it = state.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
    if (it == state.end()) {
      out.emplace_back();
      continue;
    }
    auto &s = static_cast<::torch::optim::SGDParamState &>(*it->second);
    out.push_back(s.momentum_buffer());
  }
  return out;
}

} // namespace nas::darts_search
