"""Gestures' understanding CNN (`VanillaCNN`) in PyTorch, the oracle of `synapt-safety --train-cnn`.

    vanilla_cnn.py score CNN.pth DATA.npz   the validation tenth's MSE of a network we wrote
    vanilla_cnn.py time DATA.npz EPOCHS     seconds an epoch of training it as --train-cnn does (the
                                            last tenth held out, batches of 1,024, Adam 3e-4, MSE)

Each prints one JSON line. tests/targets.rs runs `score`, benches/mimicry.rs runs `time`.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn


class VanillaCNN(nn.Module):
    def __init__(self, side):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 5, stride=2)
        self.conv2 = nn.Conv2d(64, 64, 5, stride=2)
        self.conv3 = nn.Conv2d(64, 64, 5, stride=2)
        self.fc1 = nn.Linear(64 * side * side, 256)
        self.out = nn.Linear(256, 4)

    def forward(self, x):
        for c in (self.conv1, self.conv2, self.conv3):
            x = torch.relu(c(x))
        return self.out(torch.relu(self.fc1(x.flatten(1))))


def split(path):
    """The data set's images as floats in [0, 1], channels first, its key points, and how many of
    the last rows are held out for validation."""
    d = np.load(path)
    n = len(d["states"])
    return d["images"], d["states"], max(n // 10, 1)


def side(images):
    s = images.shape[1]
    for _ in range(3):
        s = (s - 5) // 2 + 1
    return s


def batch(images):
    return torch.tensor(images).permute(0, 3, 1, 2).float() / 255.0


def score(cnn, data):
    images, states, v = split(data)
    m = VanillaCNN(side(images))
    m.load_state_dict(torch.load(cnn))
    with torch.no_grad():
        mse = ((m(batch(images[-v:])) - torch.tensor(states[-v:])) ** 2).mean().item()
    return {"mse": mse}


def timing(data, epochs):
    images, states, v = split(data)
    n = len(states) - v
    torch.manual_seed(0)
    model = VanillaCNN(side(images))
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    x_all, y_all = torch.tensor(images[:n]), torch.tensor(states[:n])
    rng = np.random.RandomState(0)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.tensor(rng.permutation(n))
        for k in range(0, n, 1024):
            rows = order[k : k + 1024]
            x = x_all[rows].permute(0, 3, 1, 2).float() / 255.0
            loss = ((model(x) - y_all[rows]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    return {"seconds_per_epoch": seconds / epochs, "threads": torch.get_num_threads()}


if __name__ == "__main__":
    if sys.argv[1] == "score":
        print(json.dumps(score(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(timing(sys.argv[2], int(sys.argv[3]))))
