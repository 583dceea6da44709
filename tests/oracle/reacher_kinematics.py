"""Roboschool's reacher kinematics and rewards, in NumPy, for tests/env_reacher.rs.

Roboschool itself no longer installs (C++ bindings for Python 3.5-3.7), so this is the same
computation written from its definition, independently of the Rust code:

- forward kinematics of an MJCF body tree as MuJoCo and Roboschool compose it: a body's frame is its
  parent's, moved by the body's `pos`, then turned by each of its hinges in file order (Rodrigues'
  rotation about the hinge's axis in the frame the earlier hinges turned); the key points are the
  origins of `robot_elbow` and `robot_hand`. The model is read from the committed asset with
  xml.etree, not from our parser.
- the rewards of Gestures' code (`project/environments/reacher.py`, `gesture/environments/social.py`):
  ReacherPlane and Reacher3D: r1 * d(-k |elbow - t0|) + r2 * d(-k |hand - t1|); SocialReacher:
  r1 * d(-k |target - (elbow xy, hand xy)|), k = 100.

Input (stdin, JSON): {"xml": path, "angles": [[q...], ...], "kind": "plane"|"3d"|"social",
"trajectory": [[key point values...], ...], "target": [...]}.
Output (stdout, JSON): {"key_points": [[elbow xyz, hand xyz], ...], "rewards": [...]}.
"""

import json
import sys
import xml.etree.ElementTree as ET

import numpy as np


def rotation(axis, angle):
    axis = np.asarray(axis, dtype=np.float64)
    axis = axis / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)


def numbers(text, default):
    return np.array([float(t) for t in text.split()]) if text else np.array(default, dtype=float)


def key_points(xml_path, q):
    root = ET.parse(xml_path).getroot()
    angles = iter(q)
    found = {}

    def walk(body, parent_rot, parent_pos):
        pos = parent_pos + parent_rot @ numbers(body.get("pos"), [0, 0, 0])
        rot = parent_rot
        for joint in body.findall("joint"):
            rot = rot @ rotation(numbers(joint.get("axis"), [0, 0, 1]), next(angles))
        found[body.get("name")] = pos
        for child in body.findall("body"):
            walk(child, rot, pos)

    for body in root.find("worldbody").findall("body"):
        walk(body, np.eye(3), np.zeros(3))
    return np.concatenate([found["robot_elbow"], found["robot_hand"]])


def rewards(kind, trajectory, target, k=100.0, r1=1.0, r2=1.0):
    target = np.asarray(target, dtype=np.float64)
    out = []
    old = None
    for kp in trajectory:
        kp = np.asarray(kp, dtype=np.float64)
        if kind == "social":
            p = np.array([-k * np.linalg.norm(target - kp)])
        else:
            p = np.array([-k * np.linalg.norm(kp[:3] - target[:3]),
                          -k * np.linalg.norm(kp[3:] - target[3:])])
        if old is not None:
            d = p - old
            out.append(float(r1 * d[0]) if kind == "social" else float(r1 * d[0]) + float(r2 * d[1]))
        old = p
    return out


def main():
    job = json.load(sys.stdin)
    kps = [key_points(job["xml"], q).tolist() for q in job["angles"]]
    rw = rewards(job["kind"], job["trajectory"], job["target"])
    print(json.dumps({"key_points": kps, "rewards": rw}))


if __name__ == "__main__":
    main()
