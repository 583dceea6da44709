"""PyTorch side of tests/pth_pytorch.rs: writes .pth files with torch.save (or, for the variants torch no
longer writes, with zipfile + pickle, checked by torch.load), and loads files with torch.load.

Every command prints JSON: {"tensors": [{"name", "dtype", "shape", "bits"}]} where `bits` are the IEEE
bit patterns of the values widened to float64, in row-major order, so the Rust side compares exactly.
"""

import argparse
import collections
import io
import json
import pickle
import sys
import warnings
import zipfile

import numpy as np
import torch
from torch import nn

warnings.filterwarnings("ignore", message=".*TypedStorage is deprecated.*")


class FeedForwardActorNN(nn.Module):
    """PruVer's actor: layer1..layerN nn.Linear, ReLU between, softmax(dim=0) on the last if discrete."""

    def __init__(self, in_dim, out_dim, width, n_layers, is_discrete):
        super().__init__()
        dims = [in_dim] + [width] * (n_layers - 1) + [out_dim]
        for i in range(n_layers):
            setattr(self, f"layer{i + 1}", nn.Linear(dims[i], dims[i + 1]))
        self.n_layers = n_layers
        self.is_discrete = is_discrete

    def forward(self, obs):
        x = obs
        for i in range(1, self.n_layers):
            x = torch.relu(getattr(self, f"layer{i}")(x))
        x = getattr(self, f"layer{self.n_layers}")(x)
        return torch.softmax(x, dim=0) if self.is_discrete else x


DTYPES = {"float32": torch.float32, "float64": torch.float64}


def describe(sd):
    out = []
    for name, t in sd.items():
        flat = t.detach().to(torch.float64).contiguous().reshape(-1).numpy()
        out.append(
            {
                "name": name,
                "dtype": str(t.dtype).removeprefix("torch."),
                "shape": list(t.shape),
                "bits": flat.view(np.uint64).tolist(),
            }
        )
    return {"tensors": out}


def emit(obj):
    json.dump(obj, sys.stdout)
    sys.stdout.write("\n")


def make_actor(a):
    torch.manual_seed(a.seed)
    m = FeedForwardActorNN(a.obs, a.act, a.width, a.layers, a.discrete).to(DTYPES[a.dtype])
    return m


def views_dict():
    """Tensors that share storages and are not contiguous: transposes, slices with offsets, expands."""
    torch.manual_seed(7)
    w = torch.randn(5, 6)
    b = torch.randn(6, dtype=torch.float64)
    return collections.OrderedDict(
        [
            ("w", w),
            ("w_t", w.t()),
            ("block", w[1:4, 2:5]),
            ("column", w[:, 3]),
            ("every_other", w[::2, 1::2]),
            ("b_rows", b.expand(3, 6)),
            ("b_tail", b[2:]),
        ]
    )


def save_by_hand(obj, path, folder, big_endian=False, deflate=False):
    """Write the zip format with zipfile + pickle, keying storages by their data pointers (as old torch
    versions and the legacy format do) instead of 0, 1, 2, ..."""
    storages = {}

    class Pickler(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, torch.storage.TypedStorage):
                key = str(o._data_ptr())
                storages[key] = o
                return ("storage", getattr(torch, o._pickle_storage_type()), key, "cpu", o.size())
            return None

    buf = io.BytesIO()
    Pickler(buf, protocol=2).dump(obj)
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as z:
        z.writestr(f"{folder}/data.pkl", buf.getvalue())
        z.writestr(f"{folder}/byteorder", "big" if big_endian else "little")
        for key, st in storages.items():
            raw = bytes(st._untyped_storage.cpu())
            if big_endian:
                raw = np.frombuffer(raw, dtype=np.dtype(st.dtype.__str__().removeprefix("torch.")))
                raw = raw.byteswap().tobytes()
            z.writestr(f"{folder}/data/{key}", raw)
        z.writestr(f"{folder}/version", "3\n")
    # The file must be one that torch itself reads back unchanged.
    back = torch.load(path)
    for name, t in obj.items():
        assert torch.equal(back[name], t), name


def cmd_save(a):
    obj = views_dict() if a.views else make_actor(a).state_dict()
    if a.format == "zip":
        torch.save(obj, a.out)
    elif a.format == "legacy":
        torch.save(obj, a.out, _use_new_zipfile_serialization=False)
    else:
        save_by_hand(obj, a.out, a.folder, big_endian=a.format == "by-hand-big", deflate=a.deflate)
    emit(describe(obj))


def cmd_dump(a):
    sd = torch.load(a.path)
    # Memory-mapped loading reads storages in place, which needs their offsets in the zip to be right.
    if zipfile.is_zipfile(a.path):
        mapped = torch.load(a.path, mmap=True)
        assert list(mapped) == list(sd) and all(torch.equal(mapped[k], sd[k]) for k in sd)
    emit(describe(sd))


def cmd_load_actor(a):
    """torch.load (weights_only=True by default) + load_state_dict(strict) into the matching actor."""
    m = make_actor(a)
    sd = torch.load(a.path)
    assert type(sd) in (dict, collections.OrderedDict), type(sd)
    m.load_state_dict(sd, strict=True)
    for name, p in m.state_dict().items():
        assert p.dtype == sd[name].dtype == DTYPES[a.dtype], (name, p.dtype, sd[name].dtype)
    # The module must run (test weights may be extreme, so the softmax is only checked when finite).
    with torch.no_grad():
        y = m(torch.linspace(-1, 1, a.obs, dtype=DTYPES[a.dtype]))
    assert y.shape == (a.act,), y.shape
    if a.discrete and torch.isfinite(y).all():
        assert abs(float(y.sum()) - 1.0) < 1e-5
    emit(describe(m.state_dict()))


def cmd_save_unsupported(a):
    """Files torch can write that are not float32/float64 state_dicts, one per case."""
    lin = nn.Linear(2, 2)
    cases = {
        "int64": {"layer1.weight": torch.ones(2, 2), "steps": torch.tensor([3, 4])},
        "float16": {"layer1.weight": torch.ones(2, 2, dtype=torch.float16)},
        "non_tensor": {"layer1.weight": torch.ones(2), "learning_rate": 0.001},
        "nested": {"model": lin.state_dict(), "epoch": 3},
        "list": [torch.ones(2)],
        "module": lin,
    }
    for name, obj in cases.items():
        torch.save(obj, f"{a.dir}/{name}.pth")
    emit({"cases": sorted(cases)})


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    def actor_args(s):
        s.add_argument("--obs", type=int, default=4)
        s.add_argument("--act", type=int, default=2)
        s.add_argument("--width", type=int, default=64)
        s.add_argument("--layers", type=int, default=3)
        s.add_argument("--dtype", choices=sorted(DTYPES), default="float32")
        s.add_argument("--discrete", action="store_true")
        s.add_argument("--seed", type=int, default=0)

    s = sub.add_parser("save", help="save an actor's state_dict (or the views dict) and print it")
    s.add_argument("out")
    actor_args(s)
    s.add_argument("--views", action="store_true", help="save views_dict() instead of an actor")
    s.add_argument("--format", choices=["zip", "legacy", "by-hand", "by-hand-big"], default="zip")
    s.add_argument("--folder", default="archive", help="zip folder for the by-hand formats")
    s.add_argument("--deflate", action="store_true", help="compress entries (by-hand formats)")
    s.set_defaults(fn=cmd_save)

    s = sub.add_parser("dump", help="torch.load a file and print its tensors")
    s.add_argument("path")
    s.set_defaults(fn=cmd_dump)

    s = sub.add_parser("load-actor", help="load a file into the matching actor and print its state")
    s.add_argument("path")
    actor_args(s)
    s.set_defaults(fn=cmd_load_actor)

    s = sub.add_parser("save-unsupported", help="write files with contents the reader must refuse")
    s.add_argument("dir")
    s.set_defaults(fn=cmd_save_unsupported)

    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
