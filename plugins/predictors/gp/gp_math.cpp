// The GP's matrix work in LibTorch, double precision. The only file of the plugin that
// includes torch: everything else sees gp_math.hpp.
#include "gp_math.hpp"

#include "dense_linalg.hpp"
#include "marginal_likelihood.hpp"

#include <nas/plugin.hpp>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
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

// psd_part as marginal_likelihood's repair hook: C in, the projection out when one was needed.
bool repair_hook(const std::vector<double> &c, size_t n, std::vector<double> &fixed) {
  at::NoGradGuard no_grad;
  const auto m = static_cast<int64_t>(n);
  at::Tensor t = at::from_blob(const_cast<double *>(c.data()), {m, m}, f64());
  bool repaired = false;
  at::Tensor p;
  try {
    p = psd_part(t, repaired);
  } catch (const c10::Error &) {
    // LAPACK's eigh did not converge: use C as it is; if it is not positive definite the
    // evaluation fails (NaN) and the line search backs off.
    return false;
  }
  if (repaired)
    fixed = values_of(p);
  return repaired;
}

struct Best {
  double loss = std::numeric_limits<double>::infinity();
  std::array<double, 3> log_theta{};
};

// One optimizer run from `start` over the profile likelihood (s^2 in closed form): u = (log l,
// log r) with r = noise / s^2, each clamped to its box. Beyond a bound the likelihood stays at
// its value on the bound and a quadratic wall (excess^2 / 2) is added, so a parameter that
// wants to leave its box (the noise at its floor, typically) settles at the bound in a few
// steps (a sigmoid squashing instead approaches the bound ever more slowly), and a line
// search that overshoots far out is led back (a flat outside gave it two equal values and
// zero slopes, and its cubic step NaN). Two parameters instead of three took L-BFGS about
// half the likelihood evaluations for the same optimum (bench/gp).
void optimize_from(MarginalLikelihood &likelihood, const Hyper &start, const FitOptions &o,
                   Best &best, int &evaluations) {
  // r's box: every r in it leaves some s^2 with (s^2, r s^2) inside the box.
  const LogBox &b = o.bounds;
  const std::array<double, 2> lo = {b.lo[1], b.lo[2] - b.hi[0]}, hi = {b.hi[1], b.hi[2] - b.lo[0]};
  std::array<double, 2> u0 = {std::log(start.lengthscale),
                              std::log(start.noise_variance / start.signal_variance)};
  for (int i = 0; i < 2; ++i) { // strictly inside, where the gradient is the true one
    const double margin = 1e-6 * (hi[i] - lo[i]);
    u0[i] = std::min(std::max(u0[i], lo[i] + margin), hi[i] - margin);
  }
  at::Tensor u = at::tensor({u0[0], u0[1]}, f64()).set_requires_grad(true);

  // The loss and its gradient come from MarginalLikelihood (plain C++); torch only steps u.
  auto closure = [&](torch::optim::Optimizer &opt) {
    opt.zero_grad();
    std::array<double, 2> point{}, excess{}, grad{};
    bool finite = true;
    {
      at::Tensor uc = u.detach().contiguous();
      const double *up = uc.data_ptr<double>();
      for (int i = 0; i < 2; ++i) {
        finite = finite && std::isfinite(up[i]);
        point[i] = std::min(std::max(up[i], lo[i]), hi[i]);
        excess[i] = up[i] - point[i];
      }
    }
    double log_s2 = 0;
    const double loss =
        finite ? likelihood.evaluate_profile(point, o.bounds, log_s2, grad) : std::nan("");
    ++evaluations;
    if (!std::isfinite(loss)) {
      // A flat penalty: the line search backs off, the best point so far is kept.
      u.mutable_grad() = at::zeros({2}, f64());
      return at::full({}, 1e3, f64());
    }
    double wall = 0;
    for (int i = 0; i < 2; ++i) {
      wall += 0.5 * excess[i] * excess[i];
      if (excess[i] != 0)
        grad[i] = excess[i];
    }
    u.mutable_grad() = at::tensor({grad[0], grad[1]}, f64());
    if (loss < best.loss) {
      best.loss = loss;
      best.log_theta = {log_s2, point[0], log_s2 + point[1]};
    }
    return at::full({}, loss + wall, f64());
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
    PsdRepair repair;
    if (!options.policy.psd_known && options.policy.repair)
      repair = repair_hook;
    MarginalLikelihood likelihood(dp, y, repair);
    Best best;
    FitResult out;
    for (const Hyper &start : starts)
      optimize_from(likelihood, start, options, best, out.evaluations);
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
  const size_t n = y.size();
  Factor out;
  out.n = n;
  std::vector<double> c(n * n);
  for (size_t i = 0; i < n * n; ++i)
    c[i] = std::exp(-dp.data[i] / hyper.lengthscale);
  for (double v : c)
    if (!std::isfinite(v))
      throw Failed("nas.predictor.gp: the kernel matrix has non-finite entries (lengthscale " +
                   std::to_string(hyper.lengthscale) + ")");
  if (!policy.psd_known && policy.repair) {
    try {
      std::vector<double> fixed;
      if (repair_hook(c, n, fixed)) {
        out.repaired = true;
        c = std::move(fixed);
      }
    } catch (const c10::Error &e) {
      rethrow_torch(e, "the factorization");
    }
  }
  double mean_diagonal = 0;
  for (size_t i = 0; i < n; ++i)
    mean_diagonal += hyper.signal_variance * c[i * n + i] + hyper.noise_variance;
  mean_diagonal /= static_cast<double>(n);
  double j = jitter * mean_diagonal;
  for (int attempt = 0; attempt <= retries; ++attempt) {
    std::vector<double> k(n * n);
    for (size_t i = 0; i < n * n; ++i)
      k[i] = hyper.signal_variance * c[i];
    for (size_t i = 0; i < n; ++i)
      k[i * n + i] += hyper.noise_variance + j;
    if (cholesky_lower(k, n)) {
      std::vector<double> alpha = y;
      solve_lower(k, n, alpha);
      solve_lower_transposed(k, n, alpha);
      double log_det_half = 0;
      for (size_t i = 0; i < n; ++i)
        log_det_half += std::log(k[i * n + i]);
      out.log_likelihood = -0.5 * dot(y.data(), alpha.data(), n) - log_det_half -
                           kHalfLog2Pi * static_cast<double>(n);
      out.lower = std::move(k);
      out.alpha = std::move(alpha);
      out.jitter = j;
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
