// DARTS' bilevel step (Liu et al. 2019, section 2.3), on a libnas_torch Supernet. Includes
// torch: only for bilevel.cpp, search.cpp and their test.
//
// Weights w are trained on the training split, architecture parameters alpha (one vector
// per mixing group, mixed through a softmax) on the validation split:
//   first order:  grad_alpha L_val(w, alpha)
//   second order: grad_alpha L_val(w', alpha) - xi (grad_alpha L_train(w+) -
//                 grad_alpha L_train(w-)) / (2 eps),
//   with w' = w - xi (momentum * m + grad_w L_train(w, alpha) + weight_decay * w) (one virtual
//   SGD step, m the optimizer's momentum buffer), w+- = w +- eps grad_w' L_val(w', alpha)
//   and eps = 0.01 / |grad_w' L_val|: the paper's finite-difference Hessian-vector product.
#pragma once

#include <nas/torch/supernet.hpp>

#include <torch/torch.h>

#include <vector>

namespace nas::darts_search {

struct Batch {
  ::torch::Tensor x, y;
};

// Softmax of each alpha vector: the supernet's mixing weights.
std::vector<::torch::Tensor> mixing_weights(const std::vector<::torch::Tensor> &alphas);

// Cross-entropy of the supernet mixed by softmax(alphas) on `batch`.
::torch::Tensor supernet_loss(nas::torch::SupernetImpl &net,
                              const std::vector<::torch::Tensor> &alphas, const Batch &batch);

// grad_alpha L_val(w, alpha) at the current weights.
std::vector<::torch::Tensor> first_order_gradient(nas::torch::SupernetImpl &net,
                                                  const std::vector<::torch::Tensor> &alphas,
                                                  const Batch &valid);

struct VirtualStep {
  double xi = 0;            // the virtual step's rate (DARTS: the weights' current rate)
  double weight_decay = 0;
  double momentum = 0;
  // The weights' momentum buffers, one per net.parameters() entry (undefined: none yet).
  std::vector<::torch::Tensor> momentum_buffers;
};

// The second-order hypergradient above. The weights end as they started (BN running
// statistics see the extra forwards, as in the paper's code).
std::vector<::torch::Tensor> second_order_gradient(nas::torch::SupernetImpl &net,
                                                   const std::vector<::torch::Tensor> &alphas,
                                                   const Batch &train, const Batch &valid,
                                                   const VirtualStep &step);

// The momentum buffers of `optimizer` for `params`, in order (undefined where it has none).
std::vector<::torch::Tensor> momentum_buffers(::torch::optim::SGD &optimizer,
                                              const std::vector<::torch::Tensor> &params);

} // namespace nas::darts_search
