"""Hostile .pth files, made with real PyTorch and pickle, for tests/hostile_files.rs.

    python hostile_pth.py make OUT_DIR BASE_PTH MARKER   writes OUT_DIR/<case>.pth, prints the cases
    python hostile_pth.py runs-in-torch MARKER FILE...   prints, for each file, whether
                                                         torch.load(weights_only=False) ran its command
                                                         (MARKER appeared), and whether
                                                         torch.load(weights_only=True) refused it

Every case's command is `touch MARKER`: a file that appears only if something ran it. BASE_PTH is a
real actor (its zip layout is kept; only the named entries change).
"""

import builtins
import io
import json
import os
import pickle
import subprocess
import sys
import zipfile


class Reduce:
    """An object whose pickle calls `fn(*args)` when loaded (REDUCE)."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def entries(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write_zip(path, items, deflate=()):
    """The entries in order; names in `deflate` compressed (the others stored, as torch does)."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            z.writestr(info, data)


def with_pickle(base, data_pkl):
    """The base file's entries with data.pkl replaced."""
    return [(n, data_pkl if n.endswith("/data.pkl") else d) for n, d in base]


def torch_pickle(obj, protocol):
    """data.pkl as torch.save writes it for `obj` (its own pickler, protocol `protocol`)."""
    import torch

    buf = io.BytesIO()
    torch.save(obj, buf, pickle_protocol=protocol)
    buf.seek(0)
    with zipfile.ZipFile(buf) as z:
        name = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        return z.read(name)


def s(text):
    """A pickle SHORT_BINUNICODE/BINUNICODE string."""
    b = text.encode()
    return b"X" + len(b).to_bytes(4, "little") + b


def make(out, base_path, marker):
    import torch

    cmd = f"touch {marker}"
    base = entries(base_path)
    prefix = base[0][0].split("/")[0]
    cases = {}

    def put(name, items, deflate=()):
        write_zip(os.path.join(out, name + ".pth"), items, deflate)
        cases[name] = name + ".pth"

    # REDUCE of os.system through GLOBAL (protocol 2, torch.save's default) and STACK_GLOBAL (4).
    put("reduce_global", with_pickle(base, torch_pickle({"w": Reduce(os.system, cmd)}, 2)))
    put("reduce_stack_global", with_pickle(base, torch_pickle({"w": Reduce(os.system, cmd)}, 4)))
    # builtins.eval and builtins.exec of Python that runs the command.
    code = f"__import__('os').system({cmd!r})"
    put("eval", with_pickle(base, torch_pickle({"w": Reduce(builtins.eval, code)}, 2)))
    put("exec", with_pickle(base, torch_pickle({"w": Reduce(builtins.exec, code)}, 4)))
    # subprocess.run through REDUCE, the command as a list.
    put(
        "subprocess",
        with_pickle(base, torch_pickle({"w": Reduce(subprocess.run, ["touch", marker])}, 2)),
    )
    # Protocol 0's INST (MARK args INST module name) and OBJ (MARK class args OBJ).
    put("inst", with_pickle(base, b"(" + s(cmd) + b"ios\nsystem\n."))
    put("obj", with_pickle(base, b"(cos\nsystem\n" + s(cmd) + b"o."))
    # NEWOBJ (cls.__new__(cls, *args)) and NEWOBJ_EX of a callable class.
    put("newobj", with_pickle(base, b"\x80\x02csubprocess\nPopen\n" + s(cmd) + b"\x85\x81."))
    put("newobj_ex", with_pickle(base, b"\x80\x04csubprocess\nPopen\n" + s(cmd) + b"\x85}\x92."))
    # BUILD: an allowed OrderedDict whose state names __setstate__ as os.system, and BUILD of a
    # state that is itself a REDUCE of os.system.
    od = b"\x80\x02ccollections\nOrderedDict\n)R"
    put("build_setstate", with_pickle(base, od + b"}" + s("__setstate__") + b"cos\nsystem\nsb."))
    put("build_reduce", with_pickle(base, od + b"cos\nsystem\n" + s(cmd) + b"\x85Rb."))
    # Persistent ids: a storage type that is os.system, a key that walks out of the archive, and
    # an id that is not a tuple.
    rebuild = b"ctorch._utils\n_rebuild_tensor_v2\n("
    tail = b"K\x00K\x04\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rtq\x00R"
    put(
        "persistent_system",
        with_pickle(
            base,
            b"\x80\x02}"
            + s("layer1.weight")
            + rebuild
            + b"(" + s("storage") + b"cos\nsystem\n" + s("0") + s("cpu") + b"K\x04tQ"
            + tail
            + b"s.",
        ),
    )
    put(
        "persistent_traversal",
        with_pickle(
            base,
            b"\x80\x02}"
            + s("layer1.weight")
            + rebuild
            + b"(" + s("storage") + b"ctorch\nFloatStorage\n" + s("../../../../etc/passwd")
            + s("cpu") + b"K\x04tQ"
            + tail
            + b"s.",
        ),
    )
    put("persistent_string", with_pickle(base, b"\x80\x02" + s(cmd) + b"Q."))
    # A zip bomb: the first tensor's storage record inflates to 256 MiB from a few hundred kB.
    first = next(n for n, _ in base if "/data/" in n and not n.endswith(".pkl"))
    bomb = [(n, bytes(256 << 20) if n == first else d) for n, d in base]
    put("zip_bomb", bomb, deflate={first})
    # Entry names that leave the folder (the real actor otherwise intact).
    put(
        "traversal_names",
        base
        + [
            ("../../PWNED_traversal", b"x"),
            (f"{prefix}/../../PWNED_traversal2", b"x"),
            ("/tmp/PWNED_absolute_synapt", b"x"),
        ],
    )
    # torch's own legacy (non-zip) format: a bare pickle stream that REDUCEs os.system.
    legacy = io.BytesIO()
    pickle.dump(Reduce(os.system, cmd), legacy, protocol=2)
    with open(os.path.join(out, "legacy_reduce.pth"), "wb") as f:
        f.write(legacy.getvalue())
    cases["legacy_reduce"] = "legacy_reduce.pth"
    print(json.dumps(cases))


def runs_in_torch(marker, paths):
    """For each file: did torch.load(weights_only=False) run its command, did weights_only=True
    refuse it, and did that run it."""
    import torch

    def load(path, weights_only):
        if os.path.exists(marker):
            os.remove(marker)
        try:
            torch.load(path, weights_only=weights_only)
            refused = False
        except Exception:
            refused = True
        ran = os.path.exists(marker)
        if ran:
            os.remove(marker)
        return ran, refused

    result = {}
    for path in paths:
        ran_false, _ = load(path, False)
        ran_true, refused_true = load(path, True)
        result[os.path.basename(path)] = {
            "ran_with_weights_only_false": ran_false,
            "weights_only_true_refused": refused_true,
            "ran_with_weights_only_true": ran_true,
        }
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "runs-in-torch":
        runs_in_torch(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
