#!/usr/bin/python3
"""One first-order DARTS epoch, nas.strategy.darts vs PyTorch: interleaved repeats, medians.

Per repeat and thread count, the two sides (nas_bench_darts search, torch_darts.py) in an
order alternated per repeat, each a fresh process running one epoch on the same
Fashion-MNIST slices and batches, with OMP_WAIT_POLICY=passive. Writes every measurement as
a JSON line (--raw) and the table as markdown (--output). See bench/README.md ("DARTS").
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SIDES = ["nas", "torch"]


def run(cmd, env, answers=True):
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]) if answers else None


def env_for(threads):
    # Passive: a spinning OpenMP team steals the other core from the other jobs on a shared
    # 2-core machine, and from torch's own inter-op work (bench/training measured both).
    return dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY="passive")


def side_cmd(side, driver, work, threads, train, valid):
    ir, data = os.path.join(work, "supernet.json"), os.path.join(work, "data.json")
    if side == "nas":
        return [driver, "search", ir, str(threads), str(train), str(valid)]
    return ["/usr/bin/python3", os.path.join(HERE, "torch_darts.py"), ir, data, str(threads)]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def med(values):
    return statistics.median(values) if values else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--train", type=int, default=2000)
    p.add_argument("--valid", type=int, default=2000)
    p.add_argument("--raw", default=os.path.join(HERE, "last_raw.jsonl"))
    p.add_argument("--output", default=os.path.join(HERE, "last_results.md"))
    a = p.parse_args()

    build = os.path.abspath(a.build)
    driver = os.path.join(build, "bench", "darts", "nas_bench_darts")
    work = os.path.join(build, "bench", "darts", "work")
    run([driver, "ir", os.path.join(build, "plugins"), work, str(a.train), str(a.valid)],
        dict(os.environ), answers=False)
    threads_list = [int(t) for t in a.threads.split(",")]

    rows = []
    with open(a.raw, "w") as raw:
        for rep in range(a.repeats):
            for threads in threads_list:
                for side in SIDES[rep % 2:] + SIDES[:rep % 2]:
                    load = os.getloadavg()[0]
                    r = run(side_cmd(side, driver, work, threads, a.train, a.valid),
                            env_for(threads))
                    r.update(repeat=rep, load=load)
                    rows.append(r)
                    raw.write(json.dumps(r) + "\n")
                    raw.flush()
                    print(f"repeat {rep + 1} threads {threads} {side:5s} {r['steps_s']:6.2f} s "
                          f"steps ({r['steps_cpu_s']:6.2f} s CPU), {r['valid_s']:5.2f} s valid, {r['images_per_s']:6.1f} img/s, "
                          f"{r['maxrss_mib']:4.0f} MiB, loss {r['train_loss']:.6f} "
                          f"(load {load:.1f})", flush=True)
    write_tables(rows, a, threads_list)


def paired(rows, threads, key):
    """Median over repeats of PyTorch / nas, each pair run back to back: the load drifts
    over minutes, and a pair shares most of it."""
    ratios = []
    for rep in sorted({r["repeat"] for r in rows}):
        pair = {r["side"]: r[key] for r in rows if r["repeat"] == rep and r["threads"] == threads}
        if len(pair) == 2:
            ratios.append(pair["torch"] / pair["nas"])
    return med(ratios)


def write_tables(rows, a, threads_list):
    loads = [r["load"] for r in rows]
    params = {r["side"]: r["params"] for r in rows}
    losses = {r["side"]: r["train_loss"] for r in rows if r["threads"] == threads_list[0]}
    steps = rows[0]["steps"]
    out = [f"# One first-order DARTS epoch, nas vs PyTorch, {datetime.date.today()}",
           "",
           f"Machine: {os.cpu_count()} cores ({cpu_model()}), load average during the runs "
           f"{min(loads):.1f}-{max(loads):.1f}. NB201 supernet (C=8, N=1, 1x28x28), "
           f"{a.train} training + {a.valid} validation Fashion-MNIST images, batch 64, "
           f"{steps} steps (each an alpha step on a validation batch and a weight step on a "
           f"training batch), OMP_WAIT_POLICY=passive; medians of {a.repeats} interleaved "
           f"repeats. Parameters: nas {params.get('nas')}, PyTorch {params.get('torch')}; "
           f"mean training loss nas {losses.get('nas', float('nan')):.9f}, PyTorch "
           f"{losses.get('torch', float('nan')):.9f}.",
           "",
           "| threads | nas steps s | PyTorch steps s | ratio (PyTorch / nas) "
           "| paired ratio | nas steps CPU s | PyTorch steps CPU s | CPU ratio | nas img/s "
           "| PyTorch img/s | nas valid pass s | PyTorch valid pass s | peak RSS MiB nas "
           "| peak RSS MiB PyTorch |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for threads in threads_list:
        def pick(side, key):
            return med([r[key] for r in rows if r["side"] == side and r["threads"] == threads])
        out.append(
            f"| {threads} | {pick('nas', 'steps_s'):.2f} | {pick('torch', 'steps_s'):.2f} "
            f"| {pick('torch', 'steps_s') / pick('nas', 'steps_s'):.2f}x "
            f"| {paired(rows, threads, 'steps_s'):.2f}x "
            f"| {pick('nas', 'steps_cpu_s'):.2f} | {pick('torch', 'steps_cpu_s'):.2f} "
            f"| {pick('torch', 'steps_cpu_s') / pick('nas', 'steps_cpu_s'):.2f}x "
            f"| {pick('nas', 'images_per_s'):.1f} | {pick('torch', 'images_per_s'):.1f} "
            f"| {pick('nas', 'valid_s'):.2f} | {pick('torch', 'valid_s'):.2f} "
            f"| {pick('nas', 'maxrss_mib'):.0f} | {pick('torch', 'maxrss_mib'):.0f} |")
    out += ["", "Each run (side, threads, repeat: steps s, valid pass s, peak RSS, load):", ""]
    for r in rows:
        out.append(f"- {r['side']} t{r['threads']} #{r['repeat'] + 1}: {r['steps_s']:.2f} s "
                   f"({r['steps_cpu_s']:.2f} s CPU), "
                   f"{r['valid_s']:.2f} s, {r['maxrss_mib']:.0f} MiB (load {r['load']:.1f})")
    with open(a.output, "w") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out[:6 + len(threads_list)]))


if __name__ == "__main__":
    main()
