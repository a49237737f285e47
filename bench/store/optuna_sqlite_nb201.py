#!/usr/bin/python3
"""Optuna's peer of `nas` random search on NB201 with a durable store: RandomSampler, RDB
storage on SQLite (sqlite:///..., SQLite's defaults: rollback journal, synchronous=FULL),
the same table lookup (valid-accuracy by arch_str) as bench/host_overhead. Prints
"<trials/s> <seconds> <best>" for study.optimize only: the table is loaded and the study
created (schema included) before the clock starts.
Usage: optuna_sqlite_nb201.py TABLE_CSV_GZ DB_FILE TRIALS SEED"""
import csv
import gzip
import os
import sys
import time

import optuna

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = ["edge_1_0", "edge_2_0", "edge_2_1", "edge_3_0", "edge_3_1", "edge_3_2"]


def main():
    table_path, db, trials, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with gzip.open(table_path, "rt", newline="") as f:
        table = {row["arch_str"]: float(row["valid-accuracy"]) for row in csv.DictReader(f)}

    def objective(trial):
        o = [trial.suggest_categorical(e, OPS) for e in EDGES]
        arch = "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*o)
        return table[arch]

    if os.path.exists(db):
        os.remove(db)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", storage="sqlite:///" + os.path.abspath(db),
                                study_name="nb201-random",
                                sampler=optuna.samplers.RandomSampler(seed=seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    seconds = time.perf_counter() - start
    print(f"{trials / seconds:.1f} {seconds:.3f} {study.best_value:.4f}")


if __name__ == "__main__":
    main()
