#!/usr/bin/python3
"""Training throughput, nas.evaluator.train vs PyTorch: interleaved repeats, medians.

Per repeat, for each thread count and OpenMP wait policy: the matrix-product peak
(nas_bench_train mm), then for each network the three sides (nas, torch-loop, torch-typical)
in an order rotated per repeat, each a fresh process training one epoch on the same
Fashion-MNIST slice. Writes every measurement as a JSON line (--raw) and the tables as
markdown (--output). See bench/README.md ("Training throughput") for the set-up.
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SIDES = ["nas", "torch-loop", "torch-typical"]


def run(cmd, env, answers=True):
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]) if answers else None


def env_for(threads, policy):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    env.pop("OMP_WAIT_POLICY", None)
    if policy != "default":
        env["OMP_WAIT_POLICY"] = policy
    return env


def side_cmd(side, driver, work, net, threads, images, valid):
    ir = os.path.join(work, f"{net}.json")
    if side == "nas":
        return [driver, "train", ir, str(threads), str(images), str(valid)]
    form = side.split("-")[1]
    return ["/usr/bin/python3", os.path.join(HERE, "torch_bench.py"), form, ir,
            os.path.join(work, "data.json"), str(threads), str(images), str(valid)]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--policies", default="default,passive",
                   help="OMP_WAIT_POLICY values; 'default' leaves it unset")
    p.add_argument("--networks", default="nb201,chain")
    p.add_argument("--images", type=int, default=10000)
    p.add_argument("--valid", type=int, default=100)
    p.add_argument("--raw", default=os.path.join(HERE, "last_raw.jsonl"))
    p.add_argument("--output", default=os.path.join(HERE, "last_results.md"))
    a = p.parse_args()

    build = os.path.abspath(a.build)
    driver = os.path.join(build, "bench", "training", "nas_bench_train")
    work = os.path.join(build, "bench", "training", "work")
    run([driver, "ir", os.path.join(build, "plugins"), work], dict(os.environ), answers=False)
    threads_list = [int(t) for t in a.threads.split(",")]
    policies, nets = a.policies.split(","), a.networks.split(",")

    rows = []  # every measurement, with its set-up
    with open(a.raw, "w") as raw:
        for rep in range(a.repeats):
            for threads in threads_list:
                for policy in policies_for(threads, policies):
                    env = env_for(threads, policy)
                    load = os.getloadavg()[0]
                    m = run([driver, "mm", str(threads)], env)
                    m.update(kind="mm", policy=policy, repeat=rep, load=load)
                    rows.append(m)
                    raw.write(json.dumps(m) + "\n")
                    for net in nets:
                        order = SIDES[rep % 3:] + SIDES[:rep % 3]
                        for side in order:
                            load = os.getloadavg()[0]
                            r = run(side_cmd(side, driver, work, net, threads, a.images, a.valid),
                                    env)
                            r.update(kind="train", side=side, net=net, policy=policy,
                                     repeat=rep, load=load)
                            rows.append(r)
                            raw.write(json.dumps(r) + "\n")
                            raw.flush()
                            print(f"repeat {rep + 1} threads {threads} {policy:8s} {net:6s} "
                                  f"{side:14s} {r['images_per_s']:7.1f} img/s "
                                  f"{r['maxrss_mib']:6.0f} MiB (load {load:.1f})", flush=True)
    write_tables(rows, a, threads_list, policies, nets)


def policies_for(threads, policies):
    """One thread has no team to wait for: the wait policy cannot matter, so run it once."""
    return policies[:1] if threads == 1 else policies


def med(values):
    return statistics.median(values) if values else float("nan")


def write_tables(rows, a, threads_list, policies, nets):
    macs = {r["net"]: r["macs_per_image"] for r in rows if r["kind"] == "train" and r["side"] == "nas"}
    loads = [r["load"] for r in rows]
    out = [f"# Training throughput, {datetime.date.today()}",
           "",
           f"Machine: {os.cpu_count()} cores ({cpu_model()}), load average during the runs "
           f"{min(loads):.1f}-{max(loads):.1f}; {a.images} training images, one epoch, batch 64, "
           f"{a.valid} validation images; medians of {a.repeats} interleaved repeats.",
           "",
           "| network | threads | OMP_WAIT_POLICY | nas img/s | torch loop img/s | torch typical img/s "
           "| nas / loop | nas / typical | peak RSS MiB nas / loop / typical | forward MMAC/image "
           "| nas GMAC/s (3x forward) | mm peak GMAC/s | nas / mm peak | conv peak GMAC/s "
           "| nas / conv peak |",
           "|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for net in nets:
        for threads in threads_list:
            for policy in policies_for(threads, policies):
                def pick(side, key):
                    return med([r[key] for r in rows if r["kind"] == "train" and r["side"] == side and
                                r["net"] == net and r["threads"] == threads and
                                r["policy"] == policy])
                rate = {s: pick(s, "images_per_s") for s in SIDES}
                rss = {s: pick(s, "maxrss_mib") for s in SIDES}
                peak = med([r["gmacs"] for r in rows if r["kind"] == "mm" and
                            r["threads"] == threads and r["policy"] == policy])
                conv = med([r["conv_gmacs"] for r in rows if r["kind"] == "mm" and
                            r["threads"] == threads and r["policy"] == policy])
                achieved = 3 * macs[net] * rate["nas"] / 1e9
                out.append(
                    f"| {net} | {threads} | {policy} | {rate['nas']:.1f} | {rate['torch-loop']:.1f} "
                    f"| {rate['torch-typical']:.1f} | {rate['nas'] / rate['torch-loop']:.2f}x "
                    f"| {rate['nas'] / rate['torch-typical']:.2f}x "
                    f"| {rss['nas']:.0f} / {rss['torch-loop']:.0f} / {rss['torch-typical']:.0f} "
                    f"| {macs[net] / 1e6:.2f} | {achieved:.2f} | {peak:.2f} "
                    f"| {100 * achieved / peak:.0f}% | {conv:.2f} | {100 * achieved / conv:.0f}% |")
    out += ["", "Each run (images/s; side, network, threads, policy, repeat, load):", ""]
    for r in rows:
        if r["kind"] == "train":
            out.append(f"- {r['side']} {r['net']} t{r['threads']} {r['policy']} "
                       f"#{r['repeat'] + 1}: {r['images_per_s']:.1f} img/s, "
                       f"{r['maxrss_mib']:.0f} MiB, loss {r['train_loss']:.3f} (load {r['load']:.1f})")
        else:
            out.append(f"- mm t{r['threads']} {r['policy']} #{r['repeat'] + 1}: "
                       f"{r['gflops']:.2f} GFLOP/s, conv {r['conv_gmacs']:.2f} GMAC/s "
                       f"(load {r['load']:.1f})")
    with open(a.output, "w") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out[:6 + len(nets) * len(threads_list) * len(policies)]))


if __name__ == "__main__":
    main()
