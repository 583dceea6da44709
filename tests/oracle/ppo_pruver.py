"""PyTorch side of tests/train_pruver.rs: one iteration of PruVer's PPO update (britig/PruVer,
ppoPolicyTraining.py `learn`), written from its algorithm in plain PyTorch.

Input (JSON file, argv[1]): actor and critic .pth paths, the batch (observations, actions, rewards per
episode), gamma, lr, clip, n_updates, discrete. The networks are PruVer's FeedForwardActorNN /
FeedForwardCriticNN: layer1..3 nn.Linear with ReLU between and, for discrete actions, softmax(dim=0),
which over a batch normalises across the batch (PruVer's behaviour, reproduced on purpose).

Output: the updated actor and critic written with torch.save to the paths given in the input.
"""

import json
import sys

import torch
from torch import nn
from torch.distributions import Categorical, MultivariateNormal
from torch.optim import Adam


class Net(nn.Module):
    def __init__(self, sizes, softmax):
        super().__init__()
        self.n = len(sizes) - 1
        for i in range(self.n):
            setattr(self, f"layer{i + 1}", nn.Linear(sizes[i], sizes[i + 1]))
        self.softmax = softmax

    def forward(self, x):
        for i in range(1, self.n):
            x = torch.relu(getattr(self, f"layer{i}")(x))
        x = getattr(self, f"layer{self.n}")(x)
        return torch.softmax(x, dim=0) if self.softmax else x


def load(path, softmax):
    sd = torch.load(path)
    n = len(sd) // 2
    sizes = [sd["layer1.weight"].shape[1]] + [sd[f"layer{i}.weight"].shape[0] for i in range(1, n + 1)]
    net = Net(sizes, softmax)
    net.load_state_dict(sd)
    return net


def main():
    cfg = json.load(open(sys.argv[1]))
    torch.set_num_threads(1)
    discrete = cfg["discrete"]
    actor = load(cfg["actor"], discrete)
    critic = load(cfg["critic"], False)
    obs = torch.tensor(cfg["obs"], dtype=torch.float)
    if discrete:
        acts = torch.tensor(cfg["acts"], dtype=torch.long).view(-1)
    else:
        acts = torch.tensor(cfg["acts"], dtype=torch.float)
    act_dim = actor.layer3.out_features if actor.n == 3 else getattr(actor, f"layer{actor.n}").out_features
    cov = torch.diag(torch.full(size=(act_dim,), fill_value=0.5))

    # The rollout's log-probabilities: one observation at a time, as get_action does.
    with torch.no_grad():
        old = []
        for o, a in zip(obs, acts):
            out = actor(o)
            dist = Categorical(out) if discrete else MultivariateNormal(out, cov)
            old.append(dist.log_prob(a).item())
    old = torch.tensor(old, dtype=torch.float)

    # Rewards-to-go per episode, discounted backwards in Python floats.
    rtgs = []
    for ep in reversed(cfg["rewards"]):
        acc = 0
        for r in reversed(ep):
            acc = r + acc * cfg["gamma"]
            rtgs.insert(0, acc)
    rtgs = torch.tensor(rtgs, dtype=torch.float)

    actor_optim = Adam(actor.parameters(), lr=cfg["lr"])
    critic_optim = Adam(critic.parameters(), lr=cfg["lr"])

    def evaluate():
        v = critic(obs).squeeze()
        out = actor(obs)
        dist = Categorical(out) if discrete else MultivariateNormal(out, cov)
        return v, dist.log_prob(acts)

    v, _ = evaluate()
    adv = rtgs - v.detach()
    adv = (adv - adv.mean()) / (adv.std() + 1e-10)
    for _ in range(cfg["n_updates"]):
        v, logp = evaluate()
        ratios = torch.exp(logp - old)
        surr1 = ratios * adv
        surr2 = torch.clamp(ratios, 1 - cfg["clip"], 1 + cfg["clip"]) * adv
        actor_loss = (-torch.min(surr1, surr2)).mean()
        critic_loss = nn.MSELoss()(v, rtgs)
        actor_optim.zero_grad()
        actor_loss.backward()
        actor_optim.step()
        critic_optim.zero_grad()
        critic_loss.backward()
        critic_optim.step()

    torch.save(actor.state_dict(), cfg["actor_out"])
    torch.save(critic.state_dict(), cfg["critic_out"])


if __name__ == "__main__":
    main()
