// The GP's matrix work in LibTorch, double precision. The only file of the plugin that
// includes torch: everything else sees gp_math.hpp.
#include "gp_math.hpp"

#include <nas/plugin.hpp>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/optim/adam.h>
#include <torch/optim/lbfgs.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

namespace nas::gp {

namespace {

const double kHalfLog2Pi = 0.5 * std::log(2.0 * M_PI);

at::TensorOptions f64() { return at::TensorOptions().dtype(at::kDouble); }

at::Tensor tensor_of(const Matrix &m) {
  return at::from_blob(const_cast<double *>(m.data.data()),
                       {static_cast<int64_t>(m.rows), static_cast<int64_t>(m.cols)}, f64())
      .clone();
}

at::Tensor column_of(const std::vector<double> &v) {
  return at::from_blob(const_cast<double *>(v.data()), {static_cast<int64_t>(v.size()), 1}, f64())
      .clone();
}

std::vector<double> values_of(const at::Tensor &t) {
  at::Tensor c = t.contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// `c` itself when it is PSD up to rounding, else Q max(L, 0) Q^T (the nearest PSD matrix in
// Frobenius norm), with `repaired` set.
at::Tensor psd_part(const at::Tensor &c, bool &repaired) {
  auto [w, q] = at::linalg_eigh(c);
  double top = std::max(w.max().item<double>(), 1.0);
  if (w.min().item<double>() >= -1e-9 * top)
    return c;
  repaired = true;
  at::Tensor p = at::matmul(q * w.clamp_min(0).unsqueeze(0), q.transpose(0, 1));
  return (p + p.transpose(0, 1)) * 0.5;
}

// exp(-dp / l). Where the kernel is not known to be PSD, the projection is added as a
// constant: the likelihood's gradient flows through the raw kernel, not through eigh (whose
// gradient is undefined at repeated eigenvalues).
at::Tensor correlation(const at::Tensor &dp, const at::Tensor &l, const KernelPolicy &policy,
                       bool &repaired) {
  at::Tensor c = at::exp(-dp / l);
  if (policy.psd_known || !policy.repair)
    return c;
  bool fixed_now = false;
  at::Tensor fixed = psd_part(c.detach(), fixed_now);
  repaired = repaired || fixed_now;
  return fixed_now ? c + (fixed - c.detach()) : c;
}

// -log p(y | K) - n/2 log(2 pi) = y^T K^-1 y / 2 + sum(log diag L), as one autograd node whose
// backward is the textbook gradient (K^-1 - alpha alpha^T) / 2 (Rasmussen and Williams, eq.
// 5.9): one cholesky_inverse instead of differentiating through the Cholesky factorization,
// about 4x fewer flops (what matters with the reference BLAS). NaN when K does not factorize.
struct NegativeLogMarginal : public torch::autograd::Function<NegativeLogMarginal> {
  static at::Tensor forward(torch::autograd::AutogradContext *ctx, const at::Tensor &k,
                            const at::Tensor &y) {
    auto [lower, info] = at::linalg_cholesky_ex(k);
    if (info.item<int64_t>() != 0)
      return at::full({}, std::numeric_limits<double>::quiet_NaN(), f64());
    at::Tensor alpha = at::cholesky_solve(y, lower);
    ctx->save_for_backward({lower, alpha});
    return 0.5 * (y * alpha).sum() + lower.diagonal().log().sum();
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list grad) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &lower = saved[0], &alpha = saved[1];
    at::Tensor g = (at::cholesky_inverse(lower) - at::matmul(alpha, alpha.transpose(0, 1))) * 0.5;
    return {g * grad[0], at::Tensor()};
  }
};

// -log p(y | hyperparameters) / n; NaN when K does not factorize.
at::Tensor negative_lml(const at::Tensor &dp, const at::Tensor &y, const at::Tensor &log_theta,
                        const KernelPolicy &policy) {
  at::Tensor theta = at::exp(log_theta);
  bool repaired = false;
  at::Tensor c = correlation(dp, theta[1], policy, repaired);
  at::Tensor k = theta[0] * c + theta[2] * at::eye(dp.size(0), f64());
  double n = static_cast<double>(y.size(0));
  return NegativeLogMarginal::apply(k, y) / n + kHalfLog2Pi;
}

struct Best {
  double loss = std::numeric_limits<double>::infinity();
  std::array<double, 3> log_theta{};
};

// One optimizer run from `start`; the parameters live in (lo, hi) through a sigmoid.
void optimize_from(const at::Tensor &dp, const at::Tensor &y, const Hyper &start,
                   const FitOptions &o, Best &best, int &evaluations) {
  const std::array<double, 3> s = {std::log(start.signal_variance), std::log(start.lengthscale),
                                   std::log(start.noise_variance)};
  std::array<double, 3> u0{};
  for (int i = 0; i < 3; ++i) {
    double frac = (s[i] - o.log_lo[i]) / (o.log_hi[i] - o.log_lo[i]);
    frac = std::min(std::max(frac, 1e-4), 1 - 1e-4);
    u0[i] = std::log(frac / (1 - frac));
  }
  at::Tensor lo = at::tensor({o.log_lo[0], o.log_lo[1], o.log_lo[2]}, f64());
  at::Tensor span = at::tensor(
      {o.log_hi[0] - o.log_lo[0], o.log_hi[1] - o.log_lo[1], o.log_hi[2] - o.log_lo[2]}, f64());
  at::Tensor u = at::tensor({u0[0], u0[1], u0[2]}, f64()).set_requires_grad(true);

  auto closure = [&](torch::optim::Optimizer &opt) {
    opt.zero_grad();
    at::Tensor log_theta = lo + span * at::sigmoid(u);
    at::Tensor loss = negative_lml(dp, y, log_theta, o.policy);
    ++evaluations;
    if (!std::isfinite(loss.item<double>())) {
      // A flat penalty: the line search backs off, the best point so far is kept.
      at::Tensor penalty = (u * 0).sum() + 1e3;
      penalty.backward();
      return penalty.detach();
    }
    loss.backward();
    double v = loss.item<double>();
    if (v < best.loss) {
      best.loss = v;
      at::Tensor t = log_theta.detach();
      for (int i = 0; i < 3; ++i)
        best.log_theta[i] = t[i].item<double>();
    }
    return loss.detach();
  };

  if (o.optimizer == Optimizer::lbfgs) {
    torch::optim::LBFGS opt({u}, torch::optim::LBFGSOptions(1.0)
                                     .max_iter(o.steps)
                                     .history_size(10)
                                     .tolerance_grad(1e-5)
                                     .tolerance_change(1e-9)
                                     .line_search_fn("strong_wolfe"));
    opt.step([&] { return closure(opt); });
  } else {
    torch::optim::Adam opt({u}, torch::optim::AdamOptions(0.1));
    for (int i = 0; i < o.steps; ++i)
      opt.step([&] { return closure(opt); });
  }
}

[[noreturn]] void rethrow_torch(const c10::Error &e, const char *what) {
  throw Failed(std::string("nas.predictor.gp: LibTorch failed in ") + what + ": " +
               e.what_without_backtrace());
}

} // namespace

FitResult fit_hyperparameters(const Matrix &dp, const std::vector<double> &y,
                              const std::vector<Hyper> &starts, const FitOptions &options) {
  try {
    at::Tensor d = tensor_of(dp), t = column_of(y);
    Best best;
    FitResult out;
    for (const Hyper &start : starts)
      optimize_from(d, t, start, options, best, out.evaluations);
    if (!std::isfinite(best.loss))
      throw Failed("nas.predictor.gp: no hyperparameters gave a kernel matrix that factorizes (" +
                   std::to_string(dp.rows) + " observations)");
    out.hyper = {std::exp(best.log_theta[0]), std::exp(best.log_theta[1]),
                 std::exp(best.log_theta[2])};
    out.log_likelihood = -best.loss * static_cast<double>(y.size());
    return out;
  } catch (const c10::Error &e) {
    rethrow_torch(e, "the hyperparameter fit");
  }
}

Factor factorize(const Matrix &dp, const std::vector<double> &y, const Hyper &hyper,
                 const KernelPolicy &policy, double jitter, int retries) {
  try {
    at::NoGradGuard no_grad;
    const int64_t n = static_cast<int64_t>(y.size());
    Factor out;
    out.n = y.size();
    at::Tensor c = at::exp(-tensor_of(dp) / hyper.lengthscale);
    if (!at::isfinite(c).all().item<bool>())
      throw Failed("nas.predictor.gp: the kernel matrix has non-finite entries (lengthscale " +
                   std::to_string(hyper.lengthscale) + ")");
    if (!policy.psd_known && policy.repair)
      c = psd_part(c, out.repaired);
    at::Tensor eye = at::eye(n, f64());
    at::Tensor k = hyper.signal_variance * c + hyper.noise_variance * eye;
    const double mean_diagonal = k.diagonal().mean().item<double>();
    double j = jitter * mean_diagonal;
    for (int attempt = 0; attempt <= retries; ++attempt) {
      auto [lower, info] = at::linalg_cholesky_ex(j > 0 ? k + j * eye : k);
      if (info.item<int64_t>() == 0) {
        at::Tensor yt = column_of(y);
        at::Tensor alpha = at::cholesky_solve(yt, lower);
        out.lower = values_of(lower);
        out.alpha = values_of(alpha);
        out.jitter = j;
        out.log_likelihood = -0.5 * (yt * alpha).sum().item<double>() -
                             lower.diagonal().log().sum().item<double>() -
                             kHalfLog2Pi * static_cast<double>(n);
        return out;
      }
      j = j > 0 ? j * 10 : 1e-12 * mean_diagonal;
    }
    std::ostringstream m;
    m << "nas.predictor.gp: the " << n << "x" << n
      << " kernel matrix is not positive definite, even with jitter " << j / 10
      << " on its diagonal (" << retries + 1 << " tries"
      << (policy.repair || policy.psd_known ? ")" : "; repair = false leaves negative eigenvalues)")
      << "; the distance may not give a valid kernel: set repair = true or raise "
         "noise_variance";
    throw Failed(m.str());
  } catch (const c10::Error &e) {
    rethrow_torch(e, "the factorization");
  }
}

std::pair<std::vector<double>, std::vector<double>>
joint_posterior(const Factor &factor, const Hyper &hyper, const Matrix &cross, const Matrix &self) {
  try {
    at::NoGradGuard no_grad;
    at::Tensor kss = hyper.signal_variance * at::exp(-tensor_of(self) / hyper.lengthscale);
    if (factor.n == 0)
      return {std::vector<double>(self.rows, 0.0), values_of(kss)};
    const int64_t n = static_cast<int64_t>(factor.n);
    at::Tensor lower =
        at::from_blob(const_cast<double *>(factor.lower.data()), {n, n}, f64()).clone();
    at::Tensor alpha = column_of(factor.alpha);
    at::Tensor ks = hyper.signal_variance * at::exp(-tensor_of(cross) / hyper.lengthscale);
    at::Tensor mean = at::matmul(ks, alpha).squeeze(1);
    at::Tensor v = at::linalg_solve_triangular(lower, ks.transpose(0, 1), /*upper=*/false);
    at::Tensor cov = kss - at::matmul(v.transpose(0, 1), v);
    cov = (cov + cov.transpose(0, 1)) * 0.5;
    return {values_of(mean), values_of(cov)};
  } catch (const c10::Error &e) {
    rethrow_torch(e, "the joint posterior");
  }
}

void set_threads(int threads) { at::set_num_threads(threads); }

} // namespace nas::gp
