"""Oracle of tests/env_gomez.rs: Gomez's pole-balancing benchmarks (Gomez, Schmidhuber & Miikkulainen,
JMLR 9, 2008, Appendix A: Wieland's equations for N unjoined poles on one cart), transcribed from the
paper in plain Python floats, independently of src/env/classic/gomez.rs.

    x''  = (F - mu_c sgn(x') + sum_i Ft_i) / (M + sum_i mt_i)
    th_i'' = -(3 / (4 l_i)) (x'' cos th_i + g sin th_i + mu_p th_i' / (m_i l_i))
    Ft_i = m_i l_i th_i'^2 sin th_i + (3/4) m_i cos th_i (mu_p th_i' / (m_i l_i) + g sin th_i)
    mt_i = m_i (1 - (3/4) cos^2 th_i)

g = -9.8, M = 1, pole 1 (m, l) = (0.1, 0.5), pole 2 (0.01, 0.05), mu_c = 5e-4 (cart_friction),
mu_p = 2e-6. Classic RK4, h = 0.01, two per step with the force held; F = 10 clip(a, -1, 1), at least
10/256 in magnitude (the clipped action's sign, 0 counting as positive). Start (0, 0, theta0, 0, 0, 0);
failure |x| > 2.4 or any |th_i| > 12 deg (one pole) / 36 deg (two); reward 1 per step up to and
including the failing one, 0 after. Observations x/4.8, x'/2, th/0.52, th'/2 (velocities dropped for
the NoVel ids). The arithmetic is written in the order the Rust module documents, so both agree to the
bit.

    python gomez_cartpole.py < episodes.json > trajectories.json

Input: {"episodes": [{"id", "cart_friction"?, "theta0_deg"?, "perturbation"?: {name: value},
"actions": [a, ...]}]}, perturbation names as the environment's (x, x_dot, theta / theta1, ...,
masscart, masspole / masspole1, length / length1, masspole2, length2, force_mag), applied after reset.
Output: {"episodes": [{"states": [[...] after reset and perturbation, then after each step], "obs",
"rewards", "terminated", "wobble"}]}.
"""

import json
import math
import sys

IDS = {
    "SinglePole-v0": (1, True),
    "SinglePoleNoVel-v0": (1, False),
    "DoublePole-v0": (2, True),
    "DoublePoleNoVel-v0": (2, False),
}
G = -9.8
MU_P = 2e-6
H = 0.01

# The single-pole names of the perturbations, as the double-pole ones.
ALIASES = {"theta": "theta1", "theta_dot": "theta1_dot", "masspole": "masspole1", "length": "length1"}
STATE_NAMES = ["x", "x_dot", "theta1", "theta1_dot", "theta2", "theta2_dot"]


def sgn(v):
    if v > 0.0:
        return 1.0
    if v < 0.0:
        return -1.0
    return 0.0


def derivatives(s, force, p, n_poles):
    """(x', x'', th1', th1'', [th2', th2'']) at state s."""
    num = force - p["mu_c"] * sgn(s[1])
    den = p["masscart"]
    per_pole = []
    for i in range(n_poles):
        m, l = p["masspole"][i], p["length"][i]
        th, thd = s[2 + 2 * i], s[3 + 2 * i]
        c, sn = math.cos(th), math.sin(th)
        ml = m * l
        fric = MU_P * thd / ml
        f_eff = ml * thd * thd * sn + 0.75 * m * c * (fric + G * sn)
        m_eff = m * (1.0 - 0.75 * c * c)
        num += f_eff
        den += m_eff
        per_pole.append((c, sn, fric, l))
    xacc = num / den
    d = [s[1], xacc]
    for i, (c, sn, fric, l) in enumerate(per_pole):
        d.append(s[3 + 2 * i])
        d.append(-0.75 * (xacc * c + G * sn + fric) / l)
    return d


def rk4(s, force, p, n_poles):
    n = len(s)
    k1 = derivatives(s, force, p, n_poles)
    k2 = derivatives([s[i] + (H / 2.0) * k1[i] for i in range(n)], force, p, n_poles)
    k3 = derivatives([s[i] + (H / 2.0) * k2[i] for i in range(n)], force, p, n_poles)
    k4 = derivatives([s[i] + H * k3[i] for i in range(n)], force, p, n_poles)
    return [s[i] + (H / 6.0) * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) for i in range(n)]


def force_of(a, force_mag):
    a = min(max(a, -1.0), 1.0)
    f = force_mag * a
    floor = force_mag / 256.0
    if abs(f) < floor:
        f = floor if a >= 0.0 else -floor
    return f


def observe(s, n_poles, velocities):
    o = [s[0] / 4.8]
    if velocities:
        o.append(s[1] / 2.0)
    for i in range(n_poles):
        o.append(s[2 + 2 * i] / 0.52)
        if velocities:
            o.append(s[3 + 2 * i] / 2.0)
    return o


def episode(spec):
    n_poles, velocities = IDS[spec["id"]]
    theta0 = spec.get("theta0_deg", 4.0) * math.pi / 180.0
    p = {
        "mu_c": spec.get("cart_friction", 5e-4),
        "masscart": 1.0,
        "masspole": [0.1, 0.01],
        "length": [0.5, 0.05],
        "force_mag": 10.0,
    }
    s = [0.0, 0.0, theta0, 0.0, 0.0, 0.0][: 2 + 2 * n_poles]
    for name, v in spec.get("perturbation", {}).items():
        name = ALIASES.get(name, name)
        if name in STATE_NAMES:
            s[STATE_NAMES.index(name)] = v
        elif name in ("masscart", "force_mag"):
            p[name] = v
        else:
            key, pole = name[:-1], int(name[-1]) - 1
            p[key][pole] = v
    fail = (12.0 if n_poles == 1 else 36.0) * math.pi / 180.0
    out = {"states": [list(s)], "obs": [observe(s, n_poles, velocities)], "rewards": [],
           "terminated": [], "wobble": []}
    failed = False
    for a in spec["actions"]:
        f = force_of(a, p["force_mag"])
        for _ in range(2):
            s = rk4(s, f, p, n_poles)
        term = abs(s[0]) > 2.4 or any(abs(s[2 + 2 * i]) > fail for i in range(n_poles))
        if not term:
            r = 1.0
        elif not failed:
            failed = True
            r = 1.0
        else:
            r = 0.0
        out["states"].append(list(s))
        out["obs"].append(observe(s, n_poles, velocities))
        out["rewards"].append(r)
        out["terminated"].append(term)
        out["wobble"].append(abs(s[0]) + abs(s[1]) + abs(s[2]) + abs(s[3]))
    return out


def main():
    req = json.load(sys.stdin)
    json.dump({"episodes": [episode(e) for e in req["episodes"]]}, sys.stdout)


if __name__ == "__main__":
    main()
