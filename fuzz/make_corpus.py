"""Seed corpora for the fuzz targets (fuzz/README.md): small real files, as PyTorch and NumPy write
them, plus this project's own YAML, formulas and architecture files. Run from the repository root with
the test venv's Python; fuzz/corpus/ holds its output, committed."""
import io
import os
import shutil
import zipfile

import numpy as np
import torch

out = "fuzz/corpus"
for t in ["pth", "pickle", "npy", "failures", "yaml", "formula", "hypernca_config", "arch"]:
    os.makedirs(f"{out}/{t}", exist_ok=True)

torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
sd = {"layer1.weight": net[0].weight.data, "layer1.bias": net[0].bias.data,
      "layer2.weight": net[2].weight.data, "layer2.bias": net[2].bias.data}
torch.save(sd, f"{out}/pth/tiny.pth")
torch.save({k: v.double() for k, v in sd.items()}, f"{out}/pth/tiny_f64.pth")
torch.save(sd, f"{out}/pth/tiny_legacy.pth", _use_new_zipfile_serialization=False)
with zipfile.ZipFile(f"{out}/pth/tiny.pth") as z:
    name = next(n for n in z.namelist() if n.endswith("data.pkl"))
    open(f"{out}/pickle/data.pkl", "wb").write(z.read(name))
np.save(f"{out}/npy/population.npy", np.array([[np.zeros((4, 3)), np.ones((3, 2))]], dtype=object),
        allow_pickle=True)
np.save(f"{out}/npy/vector.npy", np.arange(5, dtype=np.float64))
for f in ["nca_config.yml", "nca.config"]:
    src = f"/tmp/ha/saved_models/nobias/{f}"
    if os.path.exists(src):
        shutil.copy(src, f"{out}/hypernca_config/{f}")
