"""Loads actors with the PyTorch module documented in docs/actors.md (the first ```python block there,
executed as written) and prints each one's outputs on the inputs given, as JSON.

usage: actor_module.py DOCS_MD INPUTS_JSON ACTOR.pth [ACTOR.pth ...]
INPUTS_JSON: a list of input vectors (for a recurrent actor, one episode's observations in order). Prints {"ACTOR.pth": [[output...], ...], ...}.
"""
import json
import re
import sys

import torch

docs, inputs_path, actors = sys.argv[1], sys.argv[2], sys.argv[3:]
block = re.search(r"```python\n(.*?)```", open(docs).read(), re.S).group(1)
namespace = {}
exec(block, namespace)
Actor = namespace["Actor"]

inputs = json.load(open(inputs_path))
out = {}
for path in actors:
    actor = Actor.load(path)
    dtype = actor.layer1.weight.dtype
    with torch.no_grad():
        if hasattr(actor, "recurrent1"):
            # A recurrent actor: the inputs are one episode's observations, stepped in order.
            actor.reset()
            y = torch.stack([actor(torch.tensor(x, dtype=dtype)) for x in inputs])
        else:
            y = actor(torch.tensor(inputs, dtype=dtype))
    out[path] = y.double().tolist()
print(json.dumps(out))
