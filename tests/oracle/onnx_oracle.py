"""The oracle of tests/convert_cli.rs: what onnx, onnxruntime, the VNN-LIB parser and Marabou make of
the files `--convert` writes.

    onnx_oracle.py run CASES.json      each case {"onnx": path, "inputs": {name: [[...], ...]}}: the
                                       model checked with onnx.checker (full_check) and run by
                                       onnxruntime on the inputs; prints {path: {"opset", "ir_version",
                                       "inputs", "outputs", "values": {name: rows}}}
    onnx_oracle.py vnnlib N_IN N_OUT FILE...
                                       each query read by the `vnnlib` package's VNN-COMP reader
                                       (read_vnnlib_simple); prints {file: [[box, [[A, b], ...]], ...]}
    onnx_oracle.py marabou ONNX FILE...
                                       Marabou 2.0 (its own ONNX and VNN-LIB readers) on each query;
                                       prints {file: {"result": "sat"|"unsat", "x": [...]}}
"""

import json
import os
import re
import subprocess
import sys

import numpy as np


def run(cases_path):
    import onnx
    import onnxruntime as ort

    with open(cases_path) as f:
        cases = json.load(f)
    out = {}
    for case in cases:
        path = case["onnx"]
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        feeds = {}
        for i in sess.get_inputs():
            dtype = np.float64 if i.type == "tensor(double)" else np.float32
            feeds[i.name] = np.asarray(case["inputs"][i.name], dtype=dtype)
        names = [o.name for o in sess.get_outputs()]
        values = sess.run(names, feeds)
        out[path] = {
            "opset": [op.version for op in model.opset_import],
            "ir_version": model.ir_version,
            "inputs": [i.name for i in sess.get_inputs()],
            "input_types": [i.type for i in sess.get_inputs()],
            "outputs": names,
            "values": {n: v.astype(np.float64).tolist() for n, v in zip(names, values)},
            "metadata": {p.key: p.value for p in model.metadata_props},
        }
    print(json.dumps(out))


def vnnlib(n_in, n_out, files):
    from vnnlib.compat import read_vnnlib_simple

    out = {}
    for f in files:
        spec = read_vnnlib_simple(f, int(n_in), int(n_out))
        out[f] = [
            [box, [[np.asarray(a).tolist(), np.asarray(b).tolist()] for a, b in polys]]
            for box, polys in spec
        ]
    print(json.dumps(out))


def marabou(onnx_path, files):
    exe = os.path.join(os.path.dirname(sys.executable), "Marabou")
    out = {}
    for f in files:
        p = subprocess.run(
            [exe, onnx_path, f, "--verbosity", "0", "--timeout", "120"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        text = p.stdout + p.stderr
        lines = [l.strip() for l in text.splitlines()]
        result = next((l for l in lines if l in ("sat", "unsat", "TIMEOUT", "UNKNOWN")), None)
        if result is None:
            raise SystemExit(f"Marabou gave no answer on {f}:\n{text}")
        xs = {}
        for m in re.finditer(r"^\s*x(\d+) = (\S+)", text, re.M):
            xs[int(m.group(1))] = float(m.group(2))
        out[f] = {"result": result, "x": [xs[i] for i in sorted(xs)]}
    print(json.dumps(out))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "run":
        run(*args)
    elif cmd == "vnnlib":
        vnnlib(args[0], args[1], args[2:])
    elif cmd == "marabou":
        marabou(args[0], args[1:])
    else:
        raise SystemExit(f"unknown command {cmd}")
