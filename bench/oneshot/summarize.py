"""Summarizes bench/oneshot/run.sh's runs as a markdown table (stdout).

Usage: summarize.py NAS_BINARY RUN_FOLDER SEEDS
"""
import json
import statistics
import subprocess
import sys

nas, folder, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3])
METHODS = [("darts", "DARTS (first order)"), ("rsws", "random search, weight sharing"),
           ("rspt", "random search, partial training")]


def trials(run):
    out = subprocess.run([nas, "results", run, "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["trials"]


def seconds(ts):
    return max(t["ended"] for t in ts) - min(t["started"] for t in ts)


print("# One-shot quality at equal search time (NB201 space, C=8, N=1, Fashion-MNIST)\n")
print("Search on 2,000 + 2,000 images; the result retrained 2 epochs on 10,000 and tested on")
print("the 10,000 test images. Search time: DARTS's, given to the others as their budget.\n")
print("| method | seed | search s | architectures scored | retrained test % | architecture |")
print("|---|---:|---:|---:|---:|---|")
summary = {}
for key, label in METHODS:
    for seed in range(1, seeds + 1):
        ts = trials(f"{folder}/{key}-{seed}")
        retrain = [t for t in ts if t["stage"] == "retrain"][0]
        search = [t for t in ts if t["stage"] != "retrain"]
        scored = len([t for t in search if t["stage"] == "search"])
        test = retrain["metrics"].get("test_accuracy", float("nan"))
        summary.setdefault(label, []).append(test)
        print(f"| {label} | {seed} | {seconds(search):.0f} | {scored} | {test:.2f} | "
              f"`{retrain['canonical']}` |")
print("\n| method | mean test % | sd | min | max |")
print("|---|---:|---:|---:|---:|")
for label, tests in summary.items():
    sd = statistics.stdev(tests) if len(tests) > 1 else 0.0
    print(f"| {label} | {statistics.mean(tests):.2f} | {sd:.2f} | {min(tests):.2f} | "
          f"{max(tests):.2f} |")
