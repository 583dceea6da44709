"""pybullet 3.2.7 running the reachers' committed MJCF (assets/mjcf/reacher_plane.xml, reacher_3d.xml)
the way Roboschool ran Gestures' reachers: one physics step of 0.0165/4 s per environment step,
gravity 9.81, torque 2.5 * a on each hinge, hinges starting at exactly 0. For benches/reacher.rs,
which runs ours the same way (pybullet is Roboschool's sibling: the same Bullet MJCF importer).

Usage: python reacher_pybullet.py EPISODES
Prints one JSON line:
- "plane_push": the shoulder's angle after 20 and 50 steps of a = (1, 0) (the elbow free);
- "fall_3d": Reacher3D with zero action from the arm held out level: the hand's height after 20 and
  100 steps (it swings down under gravity);
- "plane_speed", "speed_3d": the mean |joint velocity| (rad/s) over EPISODES random-action episodes of
  300 steps (actions U(-1, 1) from np.random.RandomState(1000 + episode));
- "us_per_step": microseconds per step of the plane's random-action episodes (Python included).
"""
import json
import os
import sys
import time

import numpy as np
import pybullet as p

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name):
    p.resetSimulation()
    p.setGravity(0, 0, -9.81)
    p.setTimeStep(0.0165 / 4)
    body = p.loadMJCF(os.path.join(ROOT, "assets", "mjcf", name))[-1]
    joints = [j for j in range(p.getNumJoints(body)) if p.getJointInfo(body, j)[2] == p.JOINT_REVOLUTE]
    for j in joints:
        p.setJointMotorControl2(body, j, p.VELOCITY_CONTROL, force=0)
    hand = [j for j in range(p.getNumJoints(body)) if p.getJointInfo(body, j)[12] == b"robot_hand"][0]
    return body, joints, hand


def step(body, joints, a):
    for j, v in zip(joints, a):
        p.setJointMotorControl2(body, j, p.TORQUE_CONTROL, force=2.5 * float(np.clip(v, -1, 1)))
    p.stepSimulation()


def main():
    episodes = int(sys.argv[1])
    p.connect(p.DIRECT)
    out = {}
    body, joints, _ = load("reacher_plane.xml")
    angles = []
    for t in range(50):
        step(body, joints, [1.0, 0.0])
        if t + 1 in (20, 50):
            angles.append(p.getJointState(body, joints[0])[0])
    out["plane_push"] = angles
    body, joints, hand = load("reacher_3d.xml")
    heights = []
    for t in range(100):
        step(body, joints, [0.0, 0.0, 0.0])
        if t + 1 in (20, 100):
            heights.append(p.getLinkState(body, hand)[0][2])
    out["fall_3d"] = heights
    for name, key, n in (("reacher_plane.xml", "plane_speed", 2), ("reacher_3d.xml", "speed_3d", 3)):
        total, count, seconds = 0.0, 0, 0.0
        for ep in range(episodes):
            body, joints, _ = load(name)
            rng = np.random.RandomState(1000 + ep)
            clock = time.perf_counter()
            for _ in range(300):
                step(body, joints, rng.uniform(-1, 1, size=n))
                total += sum(abs(s[1]) for s in p.getJointStates(body, joints))
                count += n
            seconds += time.perf_counter() - clock
        out[key] = total / count
        if key == "plane_speed":
            out["us_per_step"] = seconds / (episodes * 300) * 1e6
    print(json.dumps(out))


if __name__ == "__main__":
    main()
