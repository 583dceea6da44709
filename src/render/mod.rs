//! Episodes as animated GIFs (`--display`), drawn from the recorded observations (BipedalWalker's,
//! which hold no position, from a replay of the episode's actions).
//!
//! Each environment's picture is a [`Scene`]: shapes in world units (metres, radians), in the
//! proportions of the renderer its users know (Gymnasium's for the classic environments, the
//! `gym-cartpole-swingup` package's, pybullet's model). World units map to pixels with one scale on both
//! axes, so lengths and angles are true. A perturbed physical length (CartPole's `length`, Pendulum's
//! `l`, the swing-up's `pole_length`) is drawn as perturbed.
//!
//! Frames are quantised to a fixed 256-colour palette and, after the first, only the rectangle that
//! changed is stored, so a 500-step episode stays well under a megabyte. The file is written atomically.

pub mod animate;
pub mod solid;

use crate::env::box2d::bipedal_walker::{self as walker, BipedalWalker, Terrain, WalkerPose};
use crate::env::box2d::lunar_lander as lunar;
use crate::env::{Action, Env, EnvName, Perturbation, SceneKind};
use crate::error::{Error, Result};
use crate::rollout::Trajectory;

pub use animate::{frame_plan, render_gif};

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// A shape in world coordinates (metres; y up).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled polygon.
    Polygon(Vec<(f64, f64)>),
    /// A polyline, `width` pixels wide.
    Line {
        points: Vec<(f64, f64)>,
        width: u32,
        dashed: bool,
    },
    /// A filled disc.
    Circle { center: (f64, f64), radius: f64 },
}

/// A named part of a picture: tests find the pole by its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: &'static str,
    pub shape: Shape,
    pub color: Rgb,
}

/// One observation as a picture: the world window shown and the parts, drawn in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// `(x_min, x_max, y_min, y_max)` in world units.
    pub view: (f64, f64, f64, f64),
    pub parts: Vec<Part>,
}

impl Scene {
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }
}

/// How an environment is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    CartPole,
    Pendulum,
    MountainCar,
    /// `gym-cartpole-swingup`: the pole tip at `x − L sin θ`.
    SwingUp,
    /// pybullet's swing-up: the pole tip at `x + L sin θ`; `rail` is the slider's half range.
    BulletSwingUp {
        rail: f64,
    },
    /// Gymnasium's LunarLander: the terrain of the episode's seed (smoothed chunk heights), flat
    /// ground at the pad when the seed is not known.
    LunarLander {
        terrain: Option<[f64; lunar::CHUNKS]>,
    },
    /// Gymnasium's BipedalWalker: its observation holds no position, so it is drawn from a replay of
    /// the episode (the bodies' poses and the seed's terrain), the view following the hull.
    BipedalWalker {
        hardcore: bool,
    },
    /// Gomez's pole balancing: CartPole's picture with one or two poles (the second short), from the
    /// scaled observation (with or without velocities).
    PoleBalancing {
        poles: usize,
        velocities: bool,
    },
    /// A 3-D body on rapier3d, ray-traced (`solid`) from a replay of the episode: the reachers from
    /// a fixed camera, the ant from one that follows its torso.
    Solid {
        ant: bool,
    },
}

/// The kind of `env_id` (a name `env::make` takes), from its spec.
fn kind(env_id: &str) -> Result<Kind> {
    let name = EnvName::parse(env_id)
        .map_err(|e| Error::Invalid(format!("{env_id}: no renderer for this environment: {e}")))?;
    Ok(match name.scene() {
        SceneKind::CartPole => Kind::CartPole,
        SceneKind::Pendulum => Kind::Pendulum,
        SceneKind::MountainCar => Kind::MountainCar,
        SceneKind::SwingUp => Kind::SwingUp,
        SceneKind::BulletSwingUp { rail } => Kind::BulletSwingUp { rail },
        SceneKind::LunarLander => Kind::LunarLander { terrain: None },
        SceneKind::BipedalWalker { hardcore } => Kind::BipedalWalker { hardcore },
        SceneKind::PoleBalancing { poles, velocities } => Kind::PoleBalancing { poles, velocities },
        SceneKind::Ant => Kind::Solid { ant: true },
        SceneKind::Reacher => Kind::Solid { ant: false },
    })
}

impl Kind {
    /// Seconds per step (MountainCar has none: Gymnasium plays it at 30 frames per second).
    fn dt(self) -> f64 {
        match self {
            Kind::CartPole => 0.02,
            Kind::Pendulum => 0.05,
            Kind::MountainCar => 1.0 / 30.0,
            Kind::SwingUp => 0.01,
            Kind::BulletSwingUp { .. } => 0.0165,
            Kind::LunarLander { .. } => 1.0 / lunar::FPS,
            Kind::BipedalWalker { .. } => 1.0 / walker::FPS,
            Kind::PoleBalancing { .. } => 0.02,
            Kind::Solid { ant: true } => 0.0165,
            Kind::Solid { ant: false } => 0.0165 / 4.0,
        }
    }

    fn obs_len(self) -> usize {
        match self {
            Kind::CartPole => 4,
            Kind::Pendulum => 3,
            Kind::MountainCar => 2,
            Kind::SwingUp | Kind::BulletSwingUp { .. } => 5,
            Kind::LunarLander { .. } => 8,
            Kind::BipedalWalker { .. } => 24,
            Kind::PoleBalancing { poles, velocities } => (1 + poles) * (1 + velocities as usize),
            // Drawn from a replay, never from an observation.
            Kind::Solid { .. } => 0,
        }
    }
}

const BLACK_: Rgb = (0, 0, 0);
const LIMIT: Rgb = (204, 51, 51);

/// A bar `width` wide from `a` to `b` (a pole, a rod), as a polygon.
fn bar(a: (f64, f64), b: (f64, f64), width: f64) -> Shape {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy).max(f64::MIN_POSITIVE);
    let (nx, ny) = (-dy / len * width / 2.0, dx / len * width / 2.0);
    Shape::Polygon(vec![
        (a.0 + nx, a.1 + ny),
        (b.0 + nx, b.1 + ny),
        (b.0 - nx, b.1 - ny),
        (a.0 - nx, a.1 - ny),
    ])
}

/// An axis-aligned box centred at `c`, rotated by `angle` (radians, anticlockwise).
fn boxed(c: (f64, f64), w: f64, h: f64, angle: f64) -> Shape {
    let (s, co) = angle.sin_cos();
    Shape::Polygon(
        [(-w, -h), (-w, h), (w, h), (w, -h)]
            .iter()
            .map(|&(x, y)| (c.0 + (x * co - y * s) / 2.0, c.1 + (x * s + y * co) / 2.0))
            .collect(),
    )
}

fn part(name: &'static str, shape: Shape, color: Rgb) -> Part {
    Part { name, shape, color }
}

fn line(points: Vec<(f64, f64)>, width: u32, dashed: bool) -> Shape {
    Shape::Line {
        points,
        width,
        dashed,
    }
}

fn circle(center: (f64, f64), radius: f64) -> Shape {
    Shape::Circle { center, radius }
}

/// The hill of MountainCar.
fn hill(x: f64) -> f64 {
    0.45 * (3.0 * x).sin() + 0.55
}

/// A cart on a track at y = 0 with a pole of `length` from its axle at `angle` to the vertical
/// (`tip_sign` +1: the tip at `x + L sin θ`). `limits` are dashed vertical lines at ±limit.
#[allow(clippy::too_many_arguments)]
fn cart_pole(
    x: f64,
    (cos_t, sin_t): (f64, f64),
    tip_sign: f64,
    length: f64,
    (cart_w, cart_h, pole_w): (f64, f64, f64),
    limit: f64,
    colors: (Rgb, Rgb, Rgb),
    view: (f64, f64, f64, f64),
) -> Scene {
    let (cart_c, pole_c, axle_c) = colors;
    let axle = (x, cart_h / 4.0);
    let tip = (x + tip_sign * length * sin_t, axle.1 + length * cos_t);
    let top = view.3;
    Scene {
        view,
        parts: vec![
            part(
                "track",
                line(vec![(view.0, 0.0), (view.1, 0.0)], 1, false),
                BLACK_,
            ),
            part(
                "limit_left",
                line(vec![(-limit, view.2), (-limit, top)], 2, true),
                LIMIT,
            ),
            part(
                "limit_right",
                line(vec![(limit, view.2), (limit, top)], 2, true),
                LIMIT,
            ),
            part("cart", boxed((x, 0.0), cart_w, cart_h, 0.0), cart_c),
            part("pole", bar(axle, tip, pole_w), pole_c),
            part("axle", circle(axle, pole_w / 2.0), axle_c),
        ],
    }
}

/// The picture of one observation of `env_id` (a physical length taken from `perturbation` when it
/// sets one).
pub fn scene(env_id: &str, obs: &[f64], perturbation: &Perturbation) -> Result<Scene> {
    scene_of(kind(env_id)?, env_id, obs, perturbation)
}

/// LunarLander's picture with the terrain `reset(seed)` draws.
pub fn lunar_lander_scene(env_id: &str, obs: &[f64], seed: u64) -> Result<Scene> {
    scene_of(lunar_kind(env_id, seed)?, env_id, obs, &Perturbation::new())
}

/// The kind of `env_id`, with the terrain of `seed` for LunarLander.
fn lunar_kind(env_id: &str, seed: u64) -> Result<Kind> {
    Ok(match kind(env_id)? {
        Kind::LunarLander { .. } => Kind::LunarLander {
            terrain: Some(lunar::terrain(&mut crate::env::rng::NpRng::from_seed(seed))),
        },
        k => k,
    })
}

fn scene_of(k: Kind, env_id: &str, obs: &[f64], perturbation: &Perturbation) -> Result<Scene> {
    if !matches!(k, Kind::Solid { .. }) && obs.len() != k.obs_len() {
        return Err(Error::Invalid(format!(
            "{env_id}: an observation has {} values, expected {}",
            obs.len(),
            k.obs_len()
        )));
    }
    let param = |name: &str, default: f64| perturbation.0.get(name).copied().unwrap_or(default);
    Ok(match k {
        Kind::Solid { .. } => {
            return Err(Error::Invalid(format!(
                "{env_id}: a 3-D body is drawn from a replay of the episode (`render_gif`)"
            )))
        }
        Kind::BipedalWalker { .. } => {
            return Err(Error::Invalid(format!(
            "{env_id}: the observation holds no position to draw; BipedalWalker is drawn from a \
                 replay of the episode (`render_gif`)"
        )))
        }
        // Gymnasium: 600 px for 4.8 m (125 px/m); a 50 × 30 px cart, a 10 px pole of 2·length, the
        // axle a quarter of the cart's height above its centre.
        Kind::CartPole => {
            let theta = obs[2];
            cart_pole(
                obs[0],
                (theta.cos(), theta.sin()),
                1.0,
                2.0 * param("length", 0.5),
                (0.4, 0.24, 0.08),
                2.4,
                ((0, 0, 0), (202, 152, 101), (129, 132, 203)),
                (-2.8, 2.8, -0.5, 1.35),
            )
        }
        // Gymnasium: a rod of length l and width 0.2 from the origin, θ = 0 upright, the tip at
        // (−l sin θ, l cos θ); a bob at the tip, a black axle.
        Kind::Pendulum => {
            let (c, s) = (obs[0], obs[1]);
            let l = param("l", 1.0);
            let tip = (-l * s, l * c);
            let r = 1.05 * l.max(1.0) + 0.15;
            Scene {
                view: (-r, r, -r, r),
                parts: vec![
                    part("rod", bar((0.0, 0.0), tip, 0.2), (204, 77, 77)),
                    part("bob", circle(tip, 0.1), (204, 77, 77)),
                    part("axle", circle((0.0, 0.0), 0.025), BLACK_),
                ],
            }
        }
        // Gymnasium: 600 px for [-1.2, 0.6]; a 40 × 20 px car 10 px above the hill, wheels of
        // radius 8 px, a 50 px flag at the goal 0.45. The car is tilted along the slope.
        Kind::MountainCar => {
            let x = obs[0];
            let n = 120;
            let hill_pts: Vec<(f64, f64)> = (0..=n)
                .map(|i| {
                    let xi = -1.2 + 1.8 * i as f64 / n as f64;
                    (xi, hill(xi))
                })
                .collect();
            let angle = (1.35 * (3.0 * x).cos()).atan();
            let (s, c) = angle.sin_cos();
            let (car_w, car_h, clearance) = (0.12, 0.06, 0.03);
            // Along the normal of the slope, the car's centre and the wheels' centres.
            let at = |along: f64, up: f64| (x + along * c - up * s, hill(x) + along * s + up * c);
            let goal = 0.45;
            let flag_base = (goal, hill(goal));
            let flag_top = (goal, flag_base.1 + 0.15);
            Scene {
                view: (-1.2, 0.6, 0.0, 1.25),
                parts: vec![
                    part("hill", line(hill_pts, 2, false), BLACK_),
                    part(
                        "flagpole",
                        line(vec![flag_base, flag_top], 2, false),
                        BLACK_,
                    ),
                    part(
                        "flag",
                        Shape::Polygon(vec![
                            flag_top,
                            (goal, flag_top.1 - 0.03),
                            (goal + 0.075, flag_top.1 - 0.015),
                        ]),
                        (204, 204, 0),
                    ),
                    part(
                        "car",
                        boxed(at(0.0, clearance + car_h / 2.0), car_w, car_h, angle),
                        BLACK_,
                    ),
                    part(
                        "wheel_front",
                        circle(at(car_w / 4.0, clearance), 0.024),
                        (128, 128, 128),
                    ),
                    part(
                        "wheel_back",
                        circle(at(-car_w / 4.0, clearance), 0.024),
                        (128, 128, 128),
                    ),
                ],
            }
        }
        // CartPole's picture (its cart, track, colours and window) with the long pole of 2·length(1)
        // and, for two poles, the short one of 2·length2 beside it on the same axle, drawn thinner
        // and darker. The observation is scaled (x/4.8, θ/0.52): unscaled here.
        Kind::PoleBalancing { poles, velocities } => {
            use crate::env::classic::gomez::OBS_SCALE;
            let x = obs[0] * OBS_SCALE[0];
            let theta = |i: usize| obs[(1 + velocities as usize) * (i + 1)] * OBS_SCALE[2];
            let long = if poles == 1 { "length" } else { "length1" };
            let t1 = theta(0);
            let mut sc = cart_pole(
                x,
                (t1.cos(), t1.sin()),
                1.0,
                2.0 * param(long, 0.5),
                (0.4, 0.24, 0.08),
                2.4,
                ((0, 0, 0), (202, 152, 101), (129, 132, 203)),
                (-2.8, 2.8, -0.5, 1.35),
            );
            if poles == 2 {
                let t2 = theta(1);
                let l2 = 2.0 * param("length2", 0.05);
                let axle = (x, 0.24 / 4.0);
                let tip = (axle.0 + l2 * t2.sin(), axle.1 + l2 * t2.cos());
                // Before the axle, which is drawn last.
                let at = sc.parts.len() - 1;
                sc.parts
                    .insert(at, part("pole2", bar(axle, tip, 0.04), (140, 90, 50)));
            }
            sc
        }
        // gym-cartpole-swingup: a 1/3 × 1/6 m red cart, a blue pole of 0.6 m (width 0.05), the tip at
        // (x − L sin θ, L cos θ), the episode ends beyond |x| = 2.4.
        Kind::SwingUp => {
            let mut sc = cart_pole(
                obs[0],
                (obs[2], obs[3]),
                -1.0,
                param("pole_length", 0.6),
                (1.0 / 3.0, 1.0 / 6.0, 0.05),
                2.4,
                ((204, 51, 51), (51, 51, 204), (26, 230, 230)),
                (-2.9, 2.9, -1.0, 1.0),
            );
            bob(&mut sc, 0.05);
            sc
        }
        // pybullet: a cart capsule (radius 0.1, half-length 0.1) on a slider of ±rail, a 0.6 m pole
        // of radius 0.049 hinged at the cart, the tip at (x + L sin θ, L cos θ).
        Kind::BulletSwingUp { rail } => {
            let mut sc = cart_pole(
                obs[0],
                (obs[2], obs[3]),
                1.0,
                0.6,
                (0.4, 0.2, 0.098),
                rail,
                ((51, 102, 153), (204, 153, 51), (26, 26, 26)),
                (-rail - 0.5, rail + 0.5, -0.8, 0.8),
            );
            bob(&mut sc, 0.098);
            sc
        }
        // Gymnasium: the moon white under a black sky, yellow flags on white poles at the pad's
        // ends, the lander and its legs purple; 30 px per metre. The legs are drawn resting on their
        // limits (their joint angle is not observed).
        Kind::LunarLander { terrain } => {
            let (w, h, scale) = (lunar::W, lunar::H, lunar::SCALE);
            let pad = 0.33 * 3.0 * lunar::HELIPAD_Y;
            let heights = terrain.unwrap_or([pad; lunar::CHUNKS]);
            let mut ground = vec![(0.0, 0.0)];
            ground.extend((0..lunar::CHUNKS).map(|i| (lunar::chunk_x(i), heights[i])));
            ground.push((w, 0.0));
            let (x, y, angle) = lunar_pose(obs);
            let body: Vec<(f64, f64)> = lunar::LANDER_POLY
                .iter()
                .map(|&(px, py)| {
                    let (rx, ry) = rot(angle, (px / scale, py / scale));
                    (x + rx, y + ry)
                })
                .collect();
            let purple = (128, 102, 230);
            let mut parts = vec![
                part(
                    "sky",
                    Shape::Polygon(vec![(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]),
                    BLACK_,
                ),
                part("moon", Shape::Polygon(ground), (255, 255, 255)),
            ];
            for (pole, name, fx) in [
                ("flagpole_left", "flag_left", 8.0),
                ("flagpole_right", "flag_right", 12.0),
            ] {
                let (y1, y2) = (lunar::HELIPAD_Y, lunar::HELIPAD_Y + 50.0 / scale);
                parts.push(part(
                    pole,
                    line(vec![(fx, y1), (fx, y2)], 2, false),
                    (255, 255, 255),
                ));
                parts.push(part(
                    name,
                    Shape::Polygon(vec![
                        (fx, y2),
                        (fx, y2 - 10.0 / scale),
                        (fx + 25.0 / scale, y2 - 5.0 / scale),
                    ]),
                    (204, 204, 0),
                ));
            }
            for (name, i, contact) in [("leg_right", -1.0, obs[6]), ("leg_left", 1.0, obs[7])] {
                // At the limit nearest the body: joint angle 0.4 (leg 0) or -0.4 (leg 1) from the
                // reference tilt of ±0.05.
                let leg_angle = angle + i * 0.05 - i * 0.4;
                let anchor = rot(
                    leg_angle,
                    (i * lunar::LEG_AWAY / scale, lunar::LEG_DOWN / scale),
                );
                let centre = (x - anchor.0, y - anchor.1);
                let color = if contact > 0.5 { (77, 204, 77) } else { purple };
                parts.push(part(
                    name,
                    boxed(
                        centre,
                        2.0 * lunar::LEG_W / scale,
                        2.0 * lunar::LEG_H / scale,
                        leg_angle,
                    ),
                    color,
                ));
            }
            parts.push(part("lander", Shape::Polygon(body), purple));
            Scene {
                view: (0.0, w, 0.0, h),
                parts,
            }
        }
    })
}

/// Gymnasium's BipedalWalker at one instant: a lavender sky, the ground in olive under its green
/// surface line, white hardcore obstacles, the red start flag, the legs (the first one lighter) and
/// the purple hull, in a 20 × 13.3 m window (600 × 400 px at 30 px per metre) scrolled to keep the
/// hull a fifth of the way in, as Gymnasium's viewport does.
pub fn bipedal_scene(terrain: &Terrain, pose: &WalkerPose) -> Scene {
    let scale = walker::SCALE;
    let (w, h) = (walker::VIEWPORT_W / scale, walker::VIEWPORT_H / scale);
    let scroll = pose.hull.0 .0 - w / 5.0;
    let view = (scroll, scroll + w, 0.0, h);
    let mut parts = vec![part(
        "sky",
        Shape::Polygon(vec![
            (scroll, 0.0),
            (scroll + w, 0.0),
            (scroll + w, h),
            (scroll, h),
        ]),
        (215, 215, 255),
    )];
    // Everything is cut at the window's sides, as Gymnasium's surface cuts it.
    let strip = (scroll, scroll + w);
    let surface: Vec<(f64, f64)> = terrain
        .x
        .iter()
        .copied()
        .zip(terrain.y.iter().copied())
        .collect();
    let mut ground = surface.clone();
    if let (Some(&(x0, _)), Some(&(x1, _))) = (surface.first(), surface.last()) {
        ground.extend([(x1, 0.0), (x0, 0.0)]);
    }
    let ground = clip_to_strip(&ground, strip);
    if ground.len() >= 3 {
        parts.push(part("ground", Shape::Polygon(ground), (102, 153, 76)));
        let visible: Vec<(f64, f64)> = surface
            .iter()
            .copied()
            .filter(|&(x, _)| x >= strip.0 && x <= strip.1)
            .collect();
        if visible.len() >= 2 {
            parts.push(part("surface", line(visible, 2, false), (76, 204, 76)));
        }
    }
    for o in &terrain.obstacles {
        let o = clip_to_strip(o, strip);
        if o.len() >= 3 {
            parts.push(part("obstacle", Shape::Polygon(o), (255, 255, 255)));
        }
    }
    let (fx, y1) = (walker::TERRAIN_STEP * 3.0, walker::TERRAIN_HEIGHT);
    let y2 = y1 + 50.0 / scale;
    if fx >= strip.0 && fx + 25.0 / scale <= strip.1 {
        parts.push(part(
            "flagpole",
            line(vec![(fx, y1), (fx, y2)], 2, false),
            BLACK_,
        ));
        parts.push(part(
            "flag",
            Shape::Polygon(vec![
                (fx, y2),
                (fx, y2 - 10.0 / scale),
                (fx + 25.0 / scale, y2 - 5.0 / scale),
            ]),
            (230, 51, 0),
        ));
    }
    let names = ["leg1_upper", "leg1_lower", "leg2_upper", "leg2_lower"];
    for (k, (&(centre, angle), name)) in pose.legs.iter().zip(names).enumerate() {
        let i = if k < 2 { -1.0 } else { 1.0 };
        let shade = |c: f64| (c - i * 25.0) as u8;
        let width = if k % 2 == 0 { 1.0 } else { 0.8 } * walker::LEG_W;
        parts.push(part(
            name,
            boxed(centre, width, walker::LEG_H, angle),
            (shade(153.0), shade(76.0), shade(127.0)),
        ));
    }
    let ((hx, hy), ha) = pose.hull;
    let hull = walker::HULL_POLY
        .iter()
        .map(|&(px, py)| {
            let (rx, ry) = rot(ha, (px / scale, py / scale));
            (hx + rx, hy + ry)
        })
        .collect();
    parts.push(part("hull", Shape::Polygon(hull), (127, 51, 229)));
    Scene { view, parts }
}

/// The part of polygon `poly` with `x0 <= x <= x1` (Sutherland–Hodgman against the two sides).
fn clip_to_strip(poly: &[(f64, f64)], (x0, x1): (f64, f64)) -> Vec<(f64, f64)> {
    let cut = |pts: &[(f64, f64)], inside: &dyn Fn(f64) -> bool, edge: f64| {
        let mut out = Vec::with_capacity(pts.len() + 2);
        for (i, &b) in pts.iter().enumerate() {
            let a = pts[(i + pts.len() - 1) % pts.len()];
            let cross = || (edge, a.1 + (b.1 - a.1) * (edge - a.0) / (b.0 - a.0));
            match (inside(a.0), inside(b.0)) {
                (true, true) => out.push(b),
                (true, false) => out.push(cross()),
                (false, true) => {
                    out.push(cross());
                    out.push(b);
                }
                (false, false) => {}
            }
        }
        out
    };
    let left = cut(poly, &|x| x >= x0, x0);
    cut(&left, &|x| x <= x1, x1)
}

/// The terrain and the walker's pose after reset and after every step of `traj`, replayed from its
/// seed, perturbation and actions (the replay is exact: the engine is deterministic).
pub fn walker_replay(hardcore: bool, traj: &Trajectory) -> Result<(Terrain, Vec<WalkerPose>)> {
    let id = if hardcore {
        "BipedalWalkerHardcore-v3"
    } else {
        "BipedalWalker-v3"
    };
    let mut env = BipedalWalker::new(id, hardcore);
    env.reset(Some(traj.seed));
    crate::env::perturb::apply(&mut env, &traj.perturbation)?;
    let mut poses = Vec::with_capacity(traj.actions.len() + 1);
    poses.push(env.pose());
    for a in &traj.actions {
        env.step(a);
        poses.push(env.pose());
    }
    Ok((env.terrain().clone(), poses))
}

/// Rotate `(px, py)` by `a` radians anticlockwise.
fn rot(a: f64, (px, py): (f64, f64)) -> (f64, f64) {
    let (s, c) = a.sin_cos();
    (c * px - s * py, s * px + c * py)
}

/// The lander's origin in world units and its angle, from an observation.
fn lunar_pose(obs: &[f64]) -> (f64, f64, f64) {
    let (w, h) = (lunar::W, lunar::H);
    (
        obs[0] * w / 2.0 + w / 2.0,
        obs[1] * h / 2.0 + lunar::HELIPAD_Y + lunar::LEG_DOWN / lunar::SCALE,
        obs[4],
    )
}

/// The engines the lander's `action` fires, as flames: the main engine's under the body, as long as
/// its throttle (continuous: 50–100% for `action[0]` in (0, 1]; discrete: action 2), and a side
/// engine's out of the side it fires from, pushing the lander the other way (continuous: `|action[1]|`
/// over 0.5, the right engine for positive values; discrete: 1 left, 3 right), as Gymnasium's
/// `step` decides. Gymnasium draws the exhaust as particles; these are their outline.
pub fn lunar_flames(obs: &[f64], action: &Action) -> Vec<Part> {
    let (main, side) = match action {
        Action::Discrete(2) => (1.0, 0.0),
        Action::Discrete(1) => (0.0, -1.0),
        Action::Discrete(3) => (0.0, 1.0),
        Action::Discrete(_) => (0.0, 0.0),
        Action::Continuous(a) => {
            let main = if a.first().is_some_and(|&m| m > 0.0) {
                (a[0].clamp(0.0, 1.0) + 1.0) / 2.0
            } else {
                0.0
            };
            let side = match a.get(1) {
                Some(&s) if s.abs() > 0.5 => s.signum() * s.abs().clamp(0.5, 1.0),
                _ => 0.0,
            };
            (main, side)
        }
    };
    let (x, y, angle) = lunar_pose(obs);
    let at = |(px, py): (f64, f64)| {
        let (rx, ry) = rot(angle, (px / lunar::SCALE, py / lunar::SCALE));
        (x + rx, y + ry)
    };
    let (flame, core) = ((255, 153, 0), (255, 255, 102));
    let mut parts = Vec::new();
    if main > 0.0 {
        let len = 8.0 + 22.0 * main;
        parts.push(part(
            "flame_main",
            Shape::Polygon(vec![
                at((-6.0, -10.0)),
                at((6.0, -10.0)),
                at((0.0, -10.0 - len)),
            ]),
            flame,
        ));
        parts.push(part(
            "flame_main_core",
            Shape::Polygon(vec![
                at((-3.0, -10.0)),
                at((3.0, -10.0)),
                at((0.0, -10.0 - len / 2.0)),
            ]),
            core,
        ));
    }
    if side != 0.0 {
        let d = side.signum();
        let len = 6.0 + 14.0 * side.abs();
        parts.push(part(
            if d > 0.0 { "flame_right" } else { "flame_left" },
            Shape::Polygon(vec![
                at((d * 17.0, -1.0)),
                at((d * 17.0, 7.0)),
                at((d * (17.0 + len), 3.0)),
            ]),
            flame,
        ));
    }
    parts
}

/// A black disc at the pole's tip (the swing-ups', so its direction reads at a glance).
fn bob(sc: &mut Scene, width: f64) {
    if let Some(Part {
        shape: Shape::Polygon(p),
        ..
    }) = sc.part("pole")
    {
        let tip = ((p[1].0 + p[2].0) / 2.0, (p[1].1 + p[2].1) / 2.0);
        sc.parts.push(part("bob", circle(tip, width / 2.0), BLACK_));
    }
}

#[cfg(test)]
mod tests {
    use super::animate::*;
    use super::*;
    use crate::env::make;
    use crate::rollout::replay;

    fn tip(sc: &Scene, name: &str) -> (f64, f64) {
        match &sc.part(name).unwrap().shape {
            Shape::Polygon(p) => ((p[1].0 + p[2].0) / 2.0, (p[1].1 + p[2].1) / 2.0),
            s => panic!("{name} is {s:?}"),
        }
    }

    fn close(a: (f64, f64), b: (f64, f64)) {
        assert!(
            (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12,
            "{a:?} != {b:?}"
        );
    }

    #[test]
    fn cartpole_pole_leans_with_theta_and_has_its_length() {
        let none = Perturbation::new();
        let sc = scene("CartPole-v1", &[1.0, 0.0, 0.3, 0.0], &none).unwrap();
        // The axle is 0.06 m above the cart's centre; the pole is 1 m long and leans right.
        close(tip(&sc, "pole"), (1.0 + 0.3f64.sin(), 0.06 + 0.3f64.cos()));
        match &sc.part("cart").unwrap().shape {
            Shape::Polygon(p) => {
                let xs: Vec<f64> = p.iter().map(|q| q.0).collect();
                let ys: Vec<f64> = p.iter().map(|q| q.1).collect();
                let span = |v: &[f64]| {
                    v.iter().cloned().fold(f64::MIN, f64::max)
                        - v.iter().cloned().fold(f64::MAX, f64::min)
                };
                assert!((span(&xs) - 0.4).abs() < 1e-12 && (span(&ys) - 0.24).abs() < 1e-12);
            }
            s => panic!("{s:?}"),
        }
        match &sc.part("limit_right").unwrap().shape {
            Shape::Line { points, .. } => assert_eq!(points[0].0, 2.4),
            s => panic!("{s:?}"),
        }
        // A perturbed half-length of 0.6 draws a 1.2 m pole.
        let long = Perturbation::new().with("length", 0.6);
        let sc = scene("CartPole-v0", &[0.0, 0.0, 0.0, 0.0], &long).unwrap();
        close(tip(&sc, "pole"), (0.0, 0.06 + 1.2));
    }

    #[test]
    fn pole_balancing_draws_one_or_two_poles_from_scaled_observations() {
        let none = Perturbation::new();
        let (x, t1, t2) = (0.5f64, 0.1f64, -0.2f64);
        let (sx, s1, s2) = (x / 4.8, t1 / 0.52, t2 / 0.52);
        let single = scene("SinglePole-v0", &[sx, 0.3, s1, 0.4], &none).unwrap();
        close(tip(&single, "pole"), (x + t1.sin(), 0.06 + t1.cos()));
        assert!(single.part("pole2").is_none());
        let novel = scene("SinglePoleNoVel-v0", &[sx, s1], &none).unwrap();
        close(tip(&novel, "pole"), tip(&single, "pole"));
        for (id, obs) in [
            ("DoublePole-v0", vec![sx, 0.1, s1, 0.2, s2, 0.3]),
            ("DoublePoleNoVel-v0", vec![sx, s1, s2]),
        ] {
            let sc = scene(id, &obs, &none).unwrap();
            close(tip(&sc, "pole"), (x + t1.sin(), 0.06 + t1.cos()));
            close(
                tip(&sc, "pole2"),
                (x + 0.1 * t2.sin(), 0.06 + 0.1 * t2.cos()),
            );
            // The axle is drawn over both poles.
            assert_eq!(sc.parts.last().unwrap().name, "axle");
        }
        // Perturbed half lengths are drawn as perturbed.
        let p = Perturbation::new()
            .with("length1", 0.6)
            .with("length2", 0.04);
        let sc = scene("DoublePoleNoVel-v0", &[0.0, 0.0, 0.0], &p).unwrap();
        close(tip(&sc, "pole"), (0.0, 0.06 + 1.2));
        close(tip(&sc, "pole2"), (0.0, 0.06 + 0.08));
        let e = scene("DoublePoleNoVel-v0", &[0.0; 6], &none).unwrap_err();
        assert!(e.to_string().contains("expected 3"), "{e}");
    }

    #[test]
    fn pendulum_is_upright_at_theta_zero_and_swings_anticlockwise() {
        let none = Perturbation::new();
        let sc = scene("Pendulum-v1", &[1.0, 0.0, 0.0], &none).unwrap();
        close(tip(&sc, "rod"), (0.0, 1.0));
        let t: f64 = 0.5;
        let sc = scene("Pendulum-v0", &[t.cos(), t.sin(), 0.0], &none).unwrap();
        close(tip(&sc, "rod"), (-t.sin(), t.cos()));
    }

    #[test]
    fn swing_ups_follow_their_packages_conventions() {
        let none = Perturbation::new();
        let t: f64 = 0.4;
        let obs = [0.5, 0.0, t.cos(), t.sin(), 0.0];
        let sc = scene("CartPoleSwingUp-v0", &obs, &none).unwrap();
        close(
            tip(&sc, "pole"),
            (0.5 - 0.6 * t.sin(), 1.0 / 24.0 + 0.6 * t.cos()),
        );
        let sc = scene("InvertedPendulumSwingupLongRailBulletEnv-v0", &obs, &none).unwrap();
        close(
            tip(&sc, "pole"),
            (0.5 + 0.6 * t.sin(), 0.05 + 0.6 * t.cos()),
        );
        match &sc.part("limit_left").unwrap().shape {
            Shape::Line { points, .. } => assert_eq!(points[0].0, -2.0),
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn mountain_car_sits_on_the_hill_and_the_flag_at_the_goal() {
        let none = Perturbation::new();
        let sc = scene("MountainCarContinuous-v0", &[-0.5, 0.0], &none).unwrap();
        match &sc.part("flagpole").unwrap().shape {
            Shape::Line { points, .. } => close(points[0], (0.45, hill(0.45))),
            s => panic!("{s:?}"),
        }
        match &sc.part("car").unwrap().shape {
            Shape::Polygon(p) => {
                let c = (
                    p.iter().map(|q| q.0).sum::<f64>() / 4.0,
                    p.iter().map(|q| q.1).sum::<f64>() / 4.0,
                );
                // At x = -0.5 the slope is 1.35 cos(-1.5) > 0: the centre sits up-normal of the hill.
                let a = (1.35 * (-1.5f64).cos()).atan();
                close(c, (-0.5 - 0.06 * a.sin(), hill(-0.5) + 0.06 * a.cos()));
            }
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn lunar_lander_sits_over_the_pad_between_the_flags_on_its_seeds_terrain() {
        // x = 0, y = 0: the lander's origin over the pad's centre, LEG_DOWN above the pad's height.
        let obs = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0];
        let sc = lunar_lander_scene("LunarLanderContinuous-v2", &obs, 0).unwrap();
        match &sc.part("lander").unwrap().shape {
            Shape::Polygon(p) => {
                let cx = p.iter().map(|q| q.0).sum::<f64>() / p.len() as f64;
                close((cx, p[1].1), (10.0, lunar::HELIPAD_Y + 0.6));
            }
            other => panic!("{other:?}"),
        }
        for (pole, x) in [("flagpole_left", 8.0), ("flagpole_right", 12.0)] {
            match &sc.part(pole).unwrap().shape {
                Shape::Line { points, .. } => assert_eq!(points[0], (x, lunar::HELIPAD_Y)),
                other => panic!("{other:?}"),
            }
        }
        // Seed 0's terrain, exactly as reset(seed=0) draws it; the pad flat at 3.3.
        let want = lunar::terrain(&mut crate::env::rng::NpRng::from_seed(0));
        match &sc.part("moon").unwrap().shape {
            Shape::Polygon(p) => {
                assert_eq!(
                    p[1..=lunar::CHUNKS].iter().map(|q| q.1).collect::<Vec<_>>(),
                    want
                );
                assert!((p[5].1 - 3.3).abs() < 1e-12);
            }
            other => panic!("{other:?}"),
        }
        // obs[6] is legs[0]'s contact, the leg at +x: it touches, drawn in green.
        assert_eq!(sc.part("leg_right").unwrap().color, (77, 204, 77));
        assert_eq!(sc.part("leg_left").unwrap().color, (128, 102, 230));
    }

    /// The walker is drawn from a replay: the hull where the engine has it, the legs under it, the
    /// view following it, the seed's terrain and (hardcore) its obstacles.
    #[test]
    fn bipedal_walker_is_drawn_from_a_replay_of_the_episode() {
        for (id, hardcore) in [
            ("BipedalWalker-v3", false),
            ("BipedalWalkerHardcore-v3", true),
        ] {
            let mut env = make(id).unwrap();
            let actions = vec![Action::Continuous(vec![0.5, -0.5, 0.5, -0.5]); 40];
            let traj = replay(env.as_mut(), 3, &Perturbation::new(), &actions).unwrap();
            let (terrain, poses) = walker_replay(hardcore, &traj).unwrap();
            assert_eq!(poses.len(), traj.observations.len());
            // The terrain of the episode's seed, not of another.
            let mut fresh = BipedalWalker::new(id, hardcore);
            fresh.reset(Some(3));
            assert_eq!(&terrain, fresh.terrain());
            fresh.reset(Some(4));
            assert_ne!(&terrain, fresh.terrain());
            // The hull's angle is the first observation, exactly (the replay is bit for bit).
            for (pose, obs) in poses.iter().zip(&traj.observations) {
                assert_eq!(pose.hull.1 as f32 as f64, obs[0]);
            }
            let start = walker::TERRAIN_STEP * walker::TERRAIN_STARTPAD as f64 / 2.0;
            assert!((poses[0].hull.0 .0 - start).abs() < 0.05, "{:?}", poses[0]);
            for pose in [&poses[0], poses.last().unwrap()] {
                let sc = bipedal_scene(&terrain, pose);
                let ((hx, hy), _) = pose.hull;
                close((sc.view.0, sc.view.1), (hx - 4.0, hx + 16.0));
                match &sc.part("hull").unwrap().shape {
                    Shape::Polygon(p) => {
                        let cx = p.iter().map(|q| q.0).sum::<f64>() / p.len() as f64;
                        assert!((cx - hx).abs() < 0.5 && p.iter().all(|q| q.1 > hy - 0.5));
                    }
                    other => panic!("{other:?}"),
                }
                for leg in ["leg1_lower", "leg2_lower"] {
                    match &sc.part(leg).unwrap().shape {
                        Shape::Polygon(p) => assert!(p.iter().all(|q| q.1 < hy), "{leg}: {p:?}"),
                        other => panic!("{other:?}"),
                    }
                }
                let in_view = terrain
                    .obstacles
                    .iter()
                    .filter(|o| o.iter().any(|q| q.0 > sc.view.0 && q.0 < sc.view.1))
                    .count();
                let obstacles = sc.parts.iter().filter(|p| p.name == "obstacle").count();
                assert_eq!(obstacles, in_view);
                // Nothing is drawn outside the window.
                for p in &sc.parts {
                    if let Shape::Polygon(pts) = &p.shape {
                        assert!(
                            pts.iter()
                                .all(|q| q.0 >= sc.view.0 - 1e-9 && q.0 <= sc.view.1 + 1e-9),
                            "{} leaves the window",
                            p.name
                        );
                    }
                }
                assert!(sc.part("ground").is_some());
            }
            assert_eq!(hardcore, !terrain.obstacles.is_empty());
            // The start flag is in the first frame's window.
            assert!(bipedal_scene(&terrain, &poses[0]).part("flag").is_some());
            // As a GIF: one frame per step at 50 steps per second (20 ms each).
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("w.gif");
            render_gif(id, &traj, "walker", &path).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let mut opts = gif::DecodeOptions::new();
            opts.set_color_output(gif::ColorOutput::Indexed);
            let mut dec = opts.read_info(bytes.as_slice()).unwrap();
            let mut frames = 0;
            while dec.read_next_frame().unwrap().is_some() {
                frames += 1;
            }
            assert_eq!(frames, traj.observations.len());
        }
    }

    #[test]
    fn lunar_lander_engines_show_as_flames_where_they_fire() {
        let obs = [0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let (x, y, _) = lunar_pose(&obs);
        let polygon = |parts: &[Part], name: &str| -> Vec<(f64, f64)> {
            match &parts.iter().find(|p| p.name == name).expect(name).shape {
                Shape::Polygon(p) => p.clone(),
                s => panic!("{s:?}"),
            }
        };
        let bottom = y - 10.0 / lunar::SCALE;
        // Full main throttle: a flame under the body, longer than at half throttle.
        let full = lunar_flames(&obs, &Action::Continuous(vec![1.0, 0.0]));
        let tip = |p: &[(f64, f64)]| p.iter().map(|q| q.1).fold(f64::INFINITY, f64::min);
        let flame = polygon(&full, "flame_main");
        assert!(flame.iter().all(|q| q.1 <= bottom + 1e-12), "{flame:?}");
        let half = lunar_flames(&obs, &Action::Continuous(vec![0.01, 0.0]));
        assert!(tip(&flame) < tip(&polygon(&half, "flame_main")));
        // No main engine at or below 0; side engines only beyond ±0.5, on the side they fire from.
        assert!(lunar_flames(&obs, &Action::Continuous(vec![0.0, 0.5])).is_empty());
        let right = lunar_flames(&obs, &Action::Continuous(vec![-1.0, 0.8]));
        assert_eq!(right.len(), 1);
        assert!(polygon(&right, "flame_right").iter().all(|q| q.0 > x));
        let left = lunar_flames(&obs, &Action::Discrete(1));
        assert!(polygon(&left, "flame_left").iter().all(|q| q.0 < x));
        assert!(lunar_flames(&obs, &Action::Discrete(0)).is_empty());
        assert_eq!(lunar_flames(&obs, &Action::Discrete(2)).len(), 2);
        // The flames turn with the lander: tilted by π the main flame points up.
        let upside_down = [0.0, 0.5, 0.0, 0.0, std::f64::consts::PI, 0.0, 0.0, 0.0];
        let f = lunar_flames(&upside_down, &Action::Discrete(2));
        assert!(polygon(&f, "flame_main").iter().all(|q| q.1 > y));
    }

    #[test]
    fn unknown_environments_and_wrong_observations_are_refused() {
        let none = Perturbation::new();
        let e = scene("BipedalWalker-v3", &[0.0; 24], &none).unwrap_err();
        assert!(e.to_string().contains("drawn from a replay"), "{e}");
        let e = scene("Acrobot-v1", &[0.0; 6], &none).unwrap_err();
        assert!(e.to_string().contains("no renderer"), "{e}");
        let e = scene("CartPole-v1", &[0.0; 3], &none).unwrap_err();
        assert!(e.to_string().contains("expected 4"), "{e}");
    }

    #[test]
    fn frames_play_in_real_time_and_stay_few() {
        // CartPole: every step, 20 ms; the last observation is always shown.
        assert_eq!(frame_plan(5, 0.02), (vec![0, 1, 2, 3, 4], 2));
        // The swing-up steps 10 ms: every other step, 20 ms.
        assert_eq!(frame_plan(6, 0.01), (vec![0, 2, 4, 5], 2));
        // 1001 observations: at most 300 frames (+ the last).
        let (idx, delay) = frame_plan(1001, 0.02);
        assert!(idx.len() <= MAX_FRAMES + 1, "{}", idx.len());
        assert_eq!(delay, 8);
        assert_eq!(*idx.last().unwrap(), 1000);
        assert_eq!(frame_plan(1, 0.05), (vec![0], 5));
    }

    #[test]
    fn every_palette_colour_maps_to_itself_or_a_shade_away() {
        let p = palette();
        assert_eq!(p.len(), 256 * 3);
        for i in 0..256 {
            let (r, g, b) = (p[3 * i], p[3 * i + 1], p[3 * i + 2]);
            let j = palette_index(r, g, b) as usize;
            // The cube's greys go to the finer grey ramp, a shade away.
            let d = (0..3).map(|k| (p[3 * j + k] as i32 - p[3 * i + k] as i32).abs());
            assert!(
                d.max().unwrap() <= 4,
                "colour {i} ({r}, {g}, {b}) maps to {j}"
            );
        }
    }

    #[test]
    fn a_gif_is_written_with_one_frame_per_planned_observation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cartpole.gif");
        let mut env = make("CartPole-v1").unwrap();
        let actions: Vec<Action> = (0..30).map(|i| Action::Discrete(i % 2)).collect();
        let pert = Perturbation::new().with("theta", 0.04);
        let traj = replay(env.as_mut(), 3, &pert, &actions).unwrap();
        render_gif("CartPole-v1", &traj, "a test", &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"GIF89a"));
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut dec = opts.read_info(bytes.as_slice()).unwrap();
        assert_eq!((dec.width(), dec.height()), (W as u16, H as u16));
        let mut delays = Vec::new();
        while let Some(f) = dec.read_next_frame().unwrap() {
            delays.push(f.delay);
        }
        assert_eq!(delays.len(), traj.observations.len());
        assert_eq!(delays[0], 2);
        assert_eq!(*delays.last().unwrap(), LAST_DELAY_CS);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1);
        let e = render_gif("Acrobot-v1", &traj, "t", &dir.path().join("x.gif")).unwrap_err();
        assert!(e.to_string().contains("no renderer"), "{e}");
    }

    #[test]
    fn three_d_bodies_are_ray_traced_from_a_replay() {
        let dir = tempfile::tempdir().unwrap();
        for (id, n, steps) in [
            ("SocialReacher-v0:power=0.8", 2, 60),
            ("AntBulletEnv-v0", 8, 6),
        ] {
            let mut env = make(id).unwrap();
            let actions: Vec<Action> = (0..steps)
                .map(|t| Action::Continuous((0..n).map(|k| ((t + k) as f64).sin()).collect()))
                .collect();
            let name = env.perturbations()[0].name;
            let pert = Perturbation::new().with(name, 0.05);
            let traj = replay(env.as_mut(), 4, &pert, &actions).unwrap();
            let (a, b) = (dir.path().join("a.gif"), dir.path().join("b.gif"));
            render_gif(id, &traj, "3-D", &a).unwrap();
            render_gif(id, &traj, "3-D", &b).unwrap();
            let bytes = std::fs::read(&a).unwrap();
            assert_eq!(bytes, std::fs::read(&b).unwrap(), "{id}: deterministic");
            let mut opts = gif::DecodeOptions::new();
            opts.set_color_output(gif::ColorOutput::RGBA);
            let mut dec = opts.read_info(bytes.as_slice()).unwrap();
            let (frames, _) = frame_plan(traj.observations.len(), kind(id).unwrap().dt());
            let first = dec.read_next_frame().unwrap().unwrap().buffer.to_vec();
            // The bodies' colours below the header: the reacher's blue arm, the ant's tan.
            let body = |p: &[u8]| {
                if n == 2 {
                    p[2] > 120 && p[0] < 60
                } else {
                    p[0] > 150 && p[2] < 110 && p[0] > p[2] + 60
                }
            };
            let below = &first[(HEADER as usize * W as usize * 4)..];
            let count = below.chunks_exact(4).filter(|p| body(p)).count();
            assert!(count > 200, "{id}: {count} body pixels");
            let mut moved = 0;
            while let Some(f) = dec.read_next_frame().unwrap() {
                moved += 1;
                assert!(
                    f.top as usize >= HEADER as usize / 2,
                    "{id}: only the scene and status change"
                );
            }
            assert_eq!(moved + 1, frames.len(), "{id}");
        }
        let e = scene("SocialReacher-v0", &[0.0; 10], &Perturbation::new()).unwrap_err();
        assert!(e.to_string().contains("replay"), "{e}");
    }
}
