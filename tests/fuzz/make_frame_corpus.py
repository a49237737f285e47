#!/usr/bin/python3
"""Writes the seed corpus of frame_fuzz (tests/fuzz/corpus/frames/): valid frames of every
message type host and workers exchange (core/worker/messages.hpp), streams of several,
truncated ones and garbage. Usage: tests/fuzz/make_frame_corpus.py [OUT_DIR]"""
import json
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "frames")


def frame(message):
    payload = message if isinstance(message, bytes) else json.dumps(
        message, ensure_ascii=False, separators=(",", ":")).encode()
    return struct.pack("<I", len(payload)) + payload


with open(os.path.join(here, "..", "..", "configs", "nb201-random.toml"), encoding="utf-8") as f:
    pipeline_text = f.read()

job = {"id": 17, "choices": [0, 3, 2, 4, 1, 1], "canonical": "|nor_conv_3x3~0|+|...|",
       "ir_json": "{\"nodes\":[]}", "fidelity": 1.0, "seed": 123456789012, "repeat": 0,
       "artifact_dir": "/tmp/run/trials/17", "resume_from": "", "tag": ""}
outcome = {"id": 17, "status": 0, "metrics": {"valid_accuracy": 91.5, "train_seconds": 12.25},
           "error": "", "started": 1764200000.125, "ended": 1764200001.5}
messages = {
    "hello": {"type": "hello", "worker": 1, "pipeline_file": "/work/configs/nb201-random.toml",
              "pipeline_text": pipeline_text, "overrides": ["stage.0.budget.evaluations=300"],
              "plugin_paths": [], "stage": 0, "seed": 7, "run_dir": "/work/runs/nb201-random",
              "config_dir": "/work/configs", "threads": 2, "log_level": 2,
              "memory_limit": 2147483648, "memory_method": "cgroup"},
    "trial": {"type": "trial", "trial": job},
    "quit": {"type": "quit"},
    "ready": {"type": "ready", "pid": 4242},
    "error": {"type": "error", "message": "cannot load nas.evaluator.tabular: no such file"},
    "report": {"type": "report", "trial": 17, "path": "evaluator", "step": 3,
               "json": "{\"loss\": 0.5}"},
    "progress": {"type": "progress", "path": "evaluator", "done": 3.0, "total": 10.0,
                 "message": "epoch 3 \u2192 10"},
    "log": {"type": "log", "level": 3, "message": "a warning from the evaluator \u00fc"},
    "result": {"type": "result", "outcome": outcome},
    "result_failed": {"type": "result", "outcome": dict(outcome, status=2, metrics={},
                                                        error="segfault in a kernel")},
}

os.makedirs(out, exist_ok=True)
seeds = {}
for name, m in messages.items():
    seeds["valid_" + name] = frame(m)
seeds["stream_worker"] = b"".join(frame(messages[k]) for k in
                                  ["ready", "log", "progress", "report", "result", "log"])
seeds["stream_host"] = b"".join(frame(messages[k]) for k in ["hello", "trial", "trial", "quit"])
for name in ["trial", "result", "log"]:
    f = frame(messages[name])
    seeds["truncated_prefix_" + name] = f[:3]
    seeds["truncated_payload_" + name] = f[: 4 + (len(f) - 4) // 2]
seeds["truncated_stream"] = seeds["stream_worker"][:-5]
seeds["empty_frame"] = frame(b"")
seeds["too_long"] = struct.pack("<I", 0xFFFFFFF0) + b"{\"type\":\"log\"}"
seeds["not_json"] = frame(b"\x00\xffgarbage from a test evaluator")
seeds["not_object"] = frame(b"[1, 2, 3]")
seeds["no_type"] = frame({"level": 3, "message": "no type"})
seeds["type_not_string"] = frame({"type": 7})
seeds["deep"] = frame(b"{\"type\":\"log\",\"a\":" + b"[" * 129 + b"]" * 129 + b"}")
seeds["bad_utf8"] = frame(b"{\"type\":\"log\",\"level\":3,\"message\":\"\xc3\x28\"}")
seeds["wrong_fields"] = frame({"type": "result", "outcome": {"id": "17", "status": 0,
                                                            "metrics": [], "error": None}})
seeds["big_numbers"] = frame({"type": "trial", "trial": dict(job, id=2 ** 63, seed=-1,
                                                              repeat=2 ** 40, fidelity=1e308)})
# Integers written as floats at the edge of their type's range: a digit more and converting
# them is undefined behaviour unless the reader checks.
seeds["float_integers_log"] = frame(b'{"type":"log","level":2147483647.0,"message":"x"}')
seeds["float_integers_result"] = frame(
    b'{"type":"result","outcome":{"id":9.2e18,"status":2147483647.0,"metrics":{},'
    b'"error":"","started":1e308,"ended":-1e308}}')
seeds["float_integers_trial"] = frame(
    b'{"type":"trial","trial":{"id":1.0,"choices":[2147483647.0,-2147483648.0],'
    b'"canonical":"","ir_json":"","fidelity":0.5,"seed":1.8e19,"repeat":4294967295.0,'
    b'"artifact_dir":"","resume_from":"","tag":""}}')
seeds["float_integers_hello"] = frame(dict(messages["hello"], pipeline_text="", worker=2147483647.0,
                                           stage=1.0, threads=1e9, memory_limit=9.2e18))
seeds["float_integers_report"] = frame(
    b'{"type":"report","trial":9.2e18,"path":"","step":-9.2e18,"json":"{}"}')
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}")
