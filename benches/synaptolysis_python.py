"""The Synaptolysis mk1 generation as the authors' exp003 code runs it, timed, for benches/synaptolysis.rs.

The authors' scripts (riveSunder/synaptolytic-learning, src/prune_bot.py at 01bddbd) cannot be fetched on
a machine without GitHub access, so this restates their generation loop, call for call where the time
goes: for every individual, `epds` episodes of `env.reset()` / `env.step(action)` on pybullet's
InvertedPendulumSwingupBulletEnv-v0 (gym 0.18 + pybullet 3.2.7, the long rail through a modified copy of
pybullet's XML, as their README modifies it), the action from NumPy per step
(`tanh(tanh(obs @ W1) @ W2)`, W the 0/1 mask), then the rank-linear resampling of the elite and the
deletion mutation. Prints JSON: seconds per generation, environment steps per generation.

Usage: synaptolysis_python.py GENERATIONS POPULATION EPISODES
"""
import copy
import json
import os
import sys
import tempfile
import time

import numpy as np


def long_rail_env():
    import gym
    import pybullet_data
    import pybullet_envs  # noqa: F401  (registers the ids)
    src = os.path.join(pybullet_data.getDataPath(), "mjcf", "inverted_pendulum.xml")
    xml = open(src).read()
    xml = xml.replace('range="-1 1"', 'range="-2 2"').replace('size="0.02 1"', 'size="0.02 2"')
    d = tempfile.mkdtemp(prefix="longrail")
    os.makedirs(os.path.join(d, "mjcf"))
    with open(os.path.join(d, "mjcf", "inverted_pendulum.xml"), "w") as fh:
        fh.write(xml)
    pybullet_data.getDataPath = lambda: d
    return gym.make("InvertedPendulumSwingupBulletEnv-v0")


def main():
    generations, pop_size, epds = (int(a) for a in sys.argv[1:4])
    env = long_rail_env()
    np.random.seed(0)
    shapes = [(5, 32), (32, 1)]
    pop = [[np.ones(s) * (np.random.random(s) > 0.25) for s in shapes] for _ in range(pop_size)]
    best, best_gen, elite_agent, elite_pop = -np.inf, -np.inf, None, None
    times, steps = [], 0
    for _ in range(generations):
        t0 = time.perf_counter()
        fitness = []
        steps = 0
        for agent in pop:
            total = 0.0
            for _ in range(epds):
                obs, done = env.reset(), False
                while not done:
                    x = np.tanh(np.matmul(obs, agent[0]))
                    act = np.tanh(np.matmul(x, agent[1]))
                    obs, reward, done, _ = env.step(act)
                    total += reward
                    steps += 1
            fitness.append(total / epds - np.mean([np.mean(layer) for layer in agent]))
        order = list(np.argsort(fitness))[::-1]
        keep = int(np.ceil(0.125 * pop_size))
        if fitness[order[0]] > best:
            best, elite_agent = fitness[order[0]], pop[order[0]]
        if np.mean([fitness[i] for i in order[:keep]]) > best_gen:
            best_gen = np.mean([fitness[i] for i in order[:keep]])
            elite_pop = [elite_agent] + [pop[i] for i in order[:keep]]
        conns = [sum(np.sum(layer) for layer in agent) for agent in pop]
        n = len(elite_pop)
        p = np.arange(n, 0, -1) / np.sum(np.arange(n, 0, -1))
        pop = [copy.deepcopy(elite_pop[np.random.choice(np.arange(n), size=1, p=p)[0]])
               for _ in range(pop_size)]
        spread = np.sum([(np.mean(conns) - sum(np.sum(layer) for layer in e)) ** 2 for e in elite_pop])
        rate = float(np.clip(np.sqrt(spread / n) / np.mean(conns), 0.001, 0.125))
        pop = [[layer * (np.random.random(layer.shape) > rate) for layer in agent] for agent in pop]
        times.append(time.perf_counter() - t0)
    # On a line of its own: pybullet's C code prints its build time on stdout at exit.
    print(json.dumps({"seconds_per_generation": float(np.mean(times)), "steps_per_generation": steps,
                      "generations": generations}), flush=True)


if __name__ == "__main__":
    main()
