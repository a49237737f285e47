#!/usr/bin/python3
"""Time per BO ask of nas.predictor.gp against scikit-learn's GaussianProcessRegressor and
Optuna's TPE on NB201 (bench/gp; see run.sh and bench/README.md).

One ask = fit the GP to N observations (marginal-likelihood fit: the default start plus 2
random restarts) and predict mean and standard deviation at a pool of 2,000 candidates.
Observations are N random NB201 cells with their `valid-accuracy` from the cifar10-valid
table; candidates are 2,000 other random cells. The same problem goes to:

  - nas: bench/gp/gp_ask.cpp (nas.predictor.gp -> nas.distance.hamming -> nas.space.nb201,
    through the plugin ABI; one process per ask, timed inside around fit and predictions);
  - scikit-learn: ConstantKernel * RBF + WhiteKernel on one-hot encodings (30 columns). With
    one-hot x, ||x - x'||^2 = 2 h (h the Hamming distance), so RBF's exp(-||x - x'||^2 / (2
    ell^2)) is our exp(-h / l) with l = ell^2: the same kernel family, and the bounds are set
    to ours (s^2 in [1e-2, 1e2], l in [median h / 100, median h x 100], noise in [1e-6,
    10]), the same start (s^2 1, l = median h, noise 0.01), normalize_y (our standardized
    targets), n_restarts_optimizer = 2, alpha 1e-10;
  - Optuna 3.1 TPE: the N observations added as completed trials (6 categorical params),
    then one ask with its 6 suggest_categorical calls timed.

Repeats are interleaved (nas, [nas before], sklearn, Optuna, then the next repeat); medians
are reported. Log marginal likelihoods are on the standardized targets for both GPs; the
sklearn likelihood at our hyperparameters is printed as a check that the kernels agree.
"""
import argparse
import csv
import datetime
import gzip
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = ["edge_1_0", "edge_2_0", "edge_2_1", "edge_3_0", "edge_3_1", "edge_3_2"]


def read_table(path):
    """{choices tuple: valid-accuracy}; the arch_str's ops in nas.space.nb201's edge order."""
    table = {}
    with gzip.open(path, "rt", newline="") as f:
        for row in csv.DictReader(f):
            ops = [part.split("~")[0] for part in row["arch_str"].split("|") if "~" in part]
            table[tuple(OPS.index(o) for o in ops)] = float(row["valid-accuracy"])
    return table


def make_problem(table, n, pool, seed):
    cells = sorted(table)
    random.Random(seed).shuffle(cells)
    obs, cand = cells[:n], cells[n:n + pool]
    return obs, [table[c] for c in obs], cand


def write_problem(path, obs, values, cand):
    with open(path, "w") as f:
        f.write(f"{len(obs)} {len(cand)}\n")
        for c, v in zip(obs, values):
            f.write(" ".join(map(str, c)) + f" {v!r}\n")
        for c in cand:
            f.write(" ".join(map(str, c)) + "\n")


def run_nas(driver, plugins, problem, restarts):
    out = subprocess.run([driver, plugins, problem, str(restarts)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def one_hot(cells):
    x = np.zeros((len(cells), 6 * len(OPS)))
    for i, c in enumerate(cells):
        for e, o in enumerate(c):
            x[i, e * len(OPS) + o] = 1
    return x


def median_hamming(x):
    """Our median_spread: the upper median of the positive off-diagonal distances."""
    h = (x.shape[1] // len(OPS)) - x @ x.T  # one-hot: shared ops on the diagonal blocks
    off = h[np.triu_indices(len(x), 1)]
    off = np.sort(off[off > 0])
    return float(off[len(off) // 2]) if len(off) else 1.0


def run_sklearn(obs, values, cand, restarts, seed):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
    x, xc, y = one_hot(obs), one_hot(cand), np.array(values)
    spread = median_hamming(x)
    kernel = (ConstantKernel(1.0, (1e-2, 1e2))
              * RBF(np.sqrt(spread), (np.sqrt(spread / 100), np.sqrt(spread * 100)))
              + WhiteKernel(0.01, (1e-6, 10)))
    class Counted(GaussianProcessRegressor):
        """Counts likelihood evaluations (the optimizer's calls; one more for the final value)."""
        evaluations = 0

        def log_marginal_likelihood(self, *args, **kwargs):
            Counted.evaluations += 1
            return super().log_marginal_likelihood(*args, **kwargs)

    gp = Counted(kernel, alpha=1e-10, normalize_y=True, n_restarts_optimizer=restarts,
                 random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpu = time.process_time()
        start = time.perf_counter()
        gp.fit(x, y)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        gp.predict(xc, return_std=True)
        predict_s = time.perf_counter() - start
        cpu_s = time.process_time() - cpu
    s2, ell, noise = np.exp(gp.kernel_.theta)
    return {"fit_s": fit_s, "predict_s": predict_s, "ask_s": fit_s + predict_s,
            "cpu_s": cpu_s, "evaluations": Counted.evaluations, "log_likelihood": float(gp.log_marginal_likelihood_value_),
            "signal_variance": s2, "lengthscale": ell ** 2, "noise_variance": noise, "gp": gp}


def sklearn_lml_at(gp, r):
    """sklearn's log marginal likelihood at our (printed, 4 digits) hyperparameters."""
    theta = np.log([r["signal_variance"], np.sqrt(r["lengthscale"]), r["noise_variance"]])
    lo, hi = gp.kernel_.bounds[:, 0], gp.kernel_.bounds[:, 1]
    return float(gp.log_marginal_likelihood(np.clip(theta, lo, hi)))


def run_optuna(obs, values, seed):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists = {e: optuna.distributions.CategoricalDistribution(OPS) for e in EDGES}
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    study.add_trials([optuna.trial.create_trial(
        params={e: OPS[o] for e, o in zip(EDGES, c)}, distributions=dists, value=v)
        for c, v in zip(obs, values)])
    cpu = time.process_time()
    start = time.perf_counter()
    trial = study.ask()
    for e in EDGES:
        trial.suggest_categorical(e, OPS)
    return {"ask_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu}


def med(rows, key):
    vals = [r[key] for r in rows if key in r]
    return statistics.median(vals) if vals else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--sizes", default="100,300,1000")
    p.add_argument("--pool", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--restarts", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--before", default="",
                   help="a plugin folder with an older nas.predictor.gp, timed too")
    p.add_argument("--no-sklearn", action="store_true")
    p.add_argument("--output", default=os.path.join(ROOT, "bench", "gp", "last_results.md"))
    a = p.parse_args()

    driver = os.path.join(a.build, "bench", "gp", "nas_bench_gp_ask")
    plugins = os.path.join(a.build, "plugins")
    table = read_table(os.path.join(ROOT, "data", "nb201", "cifar10_avg.csv.gz"))
    sides = ["nas"] + (["nas before"] if a.before else []) + \
        ([] if a.no_sklearn else ["sklearn"]) + ["optuna"]
    lines = []

    def say(s=""):
        print(s, flush=True)
        lines.append(s)

    import optuna
    import sklearn
    say("# GP per BO ask: nas.predictor.gp vs scikit-learn GaussianProcessRegressor vs Optuna "
        "TPE (NB201)")
    say()
    say(f"- date: {datetime.date.today()}; machine: {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}, load before {os.getloadavg()[0]:.2f}; "
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, Optuna "
        f"{optuna.__version__}; build {a.build}")
    say(f"- pool {a.pool} candidates, restarts {a.restarts}, {a.repeats} interleaved repeats, "
        f"medians; seconds per ask = fit + predictions")
    say()
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in a.sizes.split(",")]:
            obs, values, cand = make_problem(table, n, a.pool, a.seed * 1000 + n)
            path = os.path.join(tmp, f"problem-{n}.txt")
            write_problem(path, obs, values, cand)
            rows = {s: [] for s in sides}
            for r in range(a.repeats):
                for side in sides:
                    if side == "nas":
                        res = run_nas(driver, plugins, path, a.restarts)
                    elif side == "nas before":
                        res = run_nas(driver, a.before, path, a.restarts)
                    elif side == "sklearn":
                        res = run_sklearn(obs, values, cand, a.restarts, r)
                        if rows["nas"]:
                            res["lml_at_ours"] = sklearn_lml_at(res["gp"], rows["nas"][-1])
                        del res["gp"]
                    else:
                        res = run_optuna(obs, values, r)
                    rows[side].append(res)
                    say(f"    n {n} repeat {r + 1} {side}: " + ", ".join(
                        f"{k} {v:.6g}" for k, v in res.items() if isinstance(v, (int, float))))
            summary.append((n, rows))
    say()
    head = ("| observations | nas s/ask (fit + predict) | nas CPU s | nas evaluations |"
            " nas log lik |")
    sep = "|---:|---:|---:|---:|---:|"
    if a.before:
        head += " nas before s/ask | before CPU s | before log lik |"
        sep += "---:|---:|---:|"
    if not a.no_sklearn:
        head += (" sklearn s/ask (fit + predict) | sklearn CPU s | sklearn evaluations | sklearn log lik | sklearn log"
                 " lik at nas's hyperparameters | sklearn / nas (wall, CPU) |")
        sep += "---:|---:|---:|---:|---:|---:|"
    head += " Optuna TPE s/ask |"
    sep += "---:|"
    say(head)
    say(sep)
    for n, rows in summary:
        ours = rows["nas"]
        line = (f"| {n} | {med(ours, 'ask_s'):.3f} ({med(ours, 'fit_s'):.3f} + "
                f"{med(ours, 'predict_s'):.3f}) | {med(ours, 'cpu_s'):.3f} | "
                f"{med(ours, 'evaluations'):.0f} | {med(ours, 'log_likelihood'):.2f} |")
        if a.before:
            b = rows["nas before"]
            line += (f" {med(b, 'ask_s'):.3f} | {med(b, 'cpu_s'):.3f} |"
                     f" {med(b, 'log_likelihood'):.2f} |")
        if not a.no_sklearn:
            s = rows["sklearn"]
            line += (f" {med(s, 'ask_s'):.3f} ({med(s, 'fit_s'):.3f} + {med(s, 'predict_s'):.3f})"
                     f" | {med(s, 'cpu_s'):.3f} | {med(s, 'evaluations'):.0f} |"
                     f" {med(s, 'log_likelihood'):.2f} |"
                     f" {med(s, 'lml_at_ours'):.2f} |"
                     f" **{med(s, 'ask_s') / med(ours, 'ask_s'):.1f}x**,"
                     f" {med(s, 'cpu_s') / med(ours, 'cpu_s'):.1f}x |")
        line += f" {med(rows['optuna'], 'ask_s'):.4f} |"
        say(line)
    with open(a.output, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
