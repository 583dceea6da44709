"""The seed's understanding CNN (Gestures' VanillaCNN) trained in PyTorch on a data set of
`--collect-targets`, as `synapt-safety --train-cnn` trains it (the last tenth held out, batches of
1,024, Adam 3e-4, MSE): seconds an epoch, for benches/mimicry.rs. Usage: mimicry_torch.py DATA.npz
EPOCHS; prints one JSON line."""
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


def main():
    d = np.load(sys.argv[1])
    epochs = int(sys.argv[2])
    images, states = d["images"], d["states"]
    n = len(states)
    v = max(n // 10, 1)
    side = images.shape[1]
    for _ in range(3):
        side = (side - 5) // 2 + 1
    torch.manual_seed(0)
    model = VanillaCNN(side)
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    x_all = torch.tensor(images[: n - v])
    y_all = torch.tensor(states[: n - v])
    rng = np.random.RandomState(0)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.tensor(rng.permutation(n - v))
        for k in range(0, n - v, 1024):
            rows = order[k : k + 1024]
            x = x_all[rows].permute(0, 3, 1, 2).float() / 255.0
            loss = ((model(x) - y_all[rows]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds_per_epoch": seconds / epochs, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
