//! The subset of MJCF (MuJoCo's XML) that pybullet's locomotion and manipulator models use: a tree of
//! `<body>`s with `pos`, sphere and capsule `<geom>`s (`size`, `pos`, `fromto`), hinge and slide
//! `<joint>`s with `axis`, `pos` and `range`, one level of `<default>`, and `<motor>` actuators.
//!
//! It reads what pybullet 3.2.7's `loadMJCF` reads and nothing more, so a model means the same here as
//! there. Attributes pybullet ignores (`density`, `armature`, `damping`, `margin`, `condim`, ...) are
//! accepted and ignored, as pybullet does; every other element or attribute is refused with its name
//! and line, so a model never loads as something other than what its file says.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// A shape, in its body's frame (metres).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Sphere {
        center: [f64; 3],
        radius: f64,
    },
    /// The segment from `a` to `b`, swept by a sphere of `radius`.
    Capsule {
        a: [f64; 3],
        b: [f64; 3],
        radius: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Geom {
    pub name: String,
    pub shape: Shape,
    /// The lateral friction coefficient (the first of MJCF's three).
    pub friction: f64,
    pub rgba: [f64; 4],
}

impl Geom {
    /// The same geom with its points mapped by `at` (a rigid motion: radii are kept).
    pub fn moved(&self, at: impl Fn([f64; 3]) -> [f64; 3]) -> Geom {
        let shape = match self.shape {
            Shape::Sphere { center, radius } => Shape::Sphere {
                center: at(center),
                radius,
            },
            Shape::Capsule { a, b, radius } => Shape::Capsule {
                a: at(a),
                b: at(b),
                radius,
            },
        };
        Geom {
            shape,
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JointKind {
    Hinge,
    Slide,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Joint {
    pub name: String,
    pub kind: JointKind,
    /// Unit axis in the body's frame.
    pub axis: [f64; 3],
    /// The joint's anchor in the body's frame.
    pub pos: [f64; 3],
    /// Limits in radians (hinges) or metres (slides), when `limited`.
    pub range: Option<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub name: String,
    /// Index of the parent in [`Model::bodies`]; `None` for a child of `<worldbody>`.
    pub parent: Option<usize>,
    /// The body's origin in its parent's frame (in the world for a root body).
    pub pos: [f64; 3],
    pub geoms: Vec<Geom>,
    /// The body's joints, applied in order (MuJoCo's and pybullet's rule: each axis is in the frame
    /// the joints before it have turned). A body with none is welded to its parent; a root body's
    /// joints hinge it to the world.
    pub joints: Vec<Joint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Motor {
    pub joint: String,
    pub gear: f64,
}

/// A parsed model: bodies in document order (a parent before its children).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub bodies: Vec<Body>,
    /// Geoms of `<worldbody>` itself: fixed scenery (a post), drawn but never simulated.
    pub world_geoms: Vec<Geom>,
    pub motors: Vec<Motor>,
}

impl Model {
    /// The index of the body called `name`.
    pub fn body(&self, name: &str) -> Option<usize> {
        self.bodies.iter().position(|b| b.name == name)
    }

    /// The hinges and slides in document order (pybullet's joint order), as (body index, joint).
    pub fn joints(&self) -> impl Iterator<Item = (usize, &Joint)> {
        self.bodies
            .iter()
            .enumerate()
            .flat_map(|(i, b)| b.joints.iter().map(move |j| (i, j)))
    }

    /// Whether body `a` is `b` or one of its ancestors.
    pub fn is_ancestor(&self, a: usize, mut b: usize) -> bool {
        loop {
            if a == b {
                return true;
            }
            match self.bodies[b].parent {
                Some(p) => b = p,
                None => return false,
            }
        }
    }
}

/// Attributes pybullet's importer does not read: accepted, and ignored as pybullet ignores them.
const IGNORED: &[(&str, &[&str])] = &[
    (
        "geom",
        &[
            "conaffinity",
            "contype",
            "condim",
            "density",
            "margin",
            "material",
            "solimp",
            "solref",
            "group",
        ],
    ),
    (
        "joint",
        &[
            "armature",
            "damping",
            "stiffness",
            "margin",
            "solimplimit",
            "solreflimit",
            "frictionloss",
            "ref",
        ],
    ),
    ("motor", &["ctrllimited", "ctrlrange", "name"]),
    ("body", &["childclass"]),
];

struct Parser<'a> {
    doc: &'a roxmltree::Document<'a>,
    source: &'a str,
    degrees: bool,
    defaults: BTreeMap<&'static str, Vec<(String, String)>>,
}

/// Parse an MJCF document. `source` names it in errors (a path, or `built-in ant.xml`).
pub fn parse(text: &str, source: &str) -> Result<Model> {
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| Error::Invalid(format!("{source}: not well-formed XML: {e}")))?;
    let mut p = Parser {
        doc: &doc,
        source,
        degrees: true,
        defaults: BTreeMap::new(),
    };
    p.model()
}

impl Parser<'_> {
    fn error(&self, node: roxmltree::Node, what: impl std::fmt::Display) -> Error {
        let pos = self.doc.text_pos_at(node.range().start);
        Error::Invalid(format!(
            "{}, line {}: <{}>: {what}",
            self.source,
            pos.row,
            node.tag_name().name()
        ))
    }

    fn elements<'n>(
        node: roxmltree::Node<'n, 'n>,
    ) -> impl Iterator<Item = roxmltree::Node<'n, 'n>> {
        node.children().filter(|c| c.is_element())
    }

    /// Refuse attributes outside `known` and the ones pybullet ignores.
    fn check_attributes(&self, node: roxmltree::Node, known: &[&str]) -> Result<()> {
        let tag = node.tag_name().name();
        let ignored = IGNORED
            .iter()
            .find(|(t, _)| *t == tag)
            .map_or(&[][..], |(_, a)| a);
        for a in node.attributes() {
            if !known.contains(&a.name()) && !ignored.contains(&a.name()) {
                return Err(self.error(
                    node,
                    format!(
                        "attribute `{}` is not supported (supported: {})",
                        a.name(),
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The attribute `name` of `node`, else the `<default>` of its tag.
    fn attr(&self, node: roxmltree::Node, name: &str) -> Option<String> {
        node.attribute(name).map(str::to_string).or_else(|| {
            self.defaults
                .get(node.tag_name().name())
                .and_then(|d| d.iter().find(|(k, _)| k == name))
                .map(|(_, v)| v.clone())
        })
    }

    fn numbers(&self, node: roxmltree::Node, name: &str, text: &str) -> Result<Vec<f64>> {
        text.split_whitespace()
            .map(|t| {
                t.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        self.error(node, format!("`{name}`: `{t}` is not a finite number"))
                    })
            })
            .collect()
    }

    fn vector<const N: usize>(
        &self,
        node: roxmltree::Node,
        name: &str,
        default: [f64; N],
    ) -> Result<[f64; N]> {
        match self.attr(node, name) {
            None => Ok(default),
            Some(text) => {
                let v = self.numbers(node, name, &text)?;
                v.as_slice().try_into().map_err(|_| {
                    self.error(
                        node,
                        format!("`{name}` needs {N} numbers, found {}: `{text}`", v.len()),
                    )
                })
            }
        }
    }

    fn model(&mut self) -> Result<Model> {
        let root = self.doc.root_element();
        if root.tag_name().name() != "mujoco" {
            return Err(self.error(root, "the root element must be <mujoco>"));
        }
        let mut model = Model {
            name: root.attribute("model").unwrap_or("").to_string(),
            bodies: Vec::new(),
            world_geoms: Vec::new(),
            motors: Vec::new(),
        };
        for node in Self::elements(root) {
            match node.tag_name().name() {
                "compiler" => {
                    self.check_attributes(
                        node,
                        &["angle", "coordinate", "inertiafromgeom", "settotalmass"],
                    )?;
                    if node.attribute("settotalmass").is_some() {
                        return Err(self.error(node, "`settotalmass` is not supported"));
                    }
                    self.degrees = match node.attribute("angle").unwrap_or("degree") {
                        "degree" => true,
                        "radian" => false,
                        other => {
                            return Err(
                                self.error(node, format!("angle=\"{other}\": degree or radian"))
                            )
                        }
                    };
                    if let Some(c) = node.attribute("coordinate").filter(|c| *c != "local") {
                        return Err(self.error(
                            node,
                            format!("coordinate=\"{c}\": only local coordinates are supported"),
                        ));
                    }
                }
                // Simulation options and user data: pybullet_envs sets its own physics.
                "option" | "custom" | "size" | "visual" | "statistic" => {}
                "default" => self.default(node)?,
                "worldbody" => {
                    for child in Self::elements(node) {
                        match child.tag_name().name() {
                            "body" => self.body(child, None, &mut model)?,
                            "geom" => {
                                let g = self.geom(child, model.world_geoms.len())?;
                                model.world_geoms.push(g);
                            }
                            _ => {
                                return Err(self.error(
                                    child,
                                    "not supported in <worldbody> (bodies and geoms only: the floor is the scene's)",
                                ))
                            }
                        }
                    }
                }
                "actuator" => {
                    for m in Self::elements(node) {
                        if m.tag_name().name() != "motor" {
                            return Err(self.error(m, "not supported (actuators: <motor> only)"));
                        }
                        self.check_attributes(m, &["joint", "gear"])?;
                        let joint = m
                            .attribute("joint")
                            .ok_or_else(|| self.error(m, "needs `joint`"))?;
                        if !model.joints().any(|(_, j)| j.name == joint) {
                            return Err(self.error(m, format!("no joint named `{joint}`")));
                        }
                        let gear = self.vector(m, "gear", [1.0])?[0];
                        model.motors.push(Motor {
                            joint: joint.to_string(),
                            gear,
                        });
                    }
                }
                _ => return Err(self.error(node, "not supported")),
            }
        }
        if model.bodies.is_empty() {
            return Err(self.error(root, "no <body> in <worldbody>"));
        }
        Ok(model)
    }

    fn default(&mut self, node: roxmltree::Node) -> Result<()> {
        if node.attribute("class").is_some() {
            return Err(self.error(node, "default classes are not supported"));
        }
        for child in Self::elements(node) {
            let tag: &'static str = match child.tag_name().name() {
                "joint" => "joint",
                "geom" => "geom",
                "motor" => "motor",
                _ => {
                    return Err(self.error(
                        child,
                        "not supported in <default> (joint, geom and motor only)",
                    ))
                }
            };
            let attrs = child
                .attributes()
                .map(|a| (a.name().to_string(), a.value().to_string()))
                .collect();
            self.defaults.insert(tag, attrs);
        }
        Ok(())
    }

    fn body(&self, node: roxmltree::Node, parent: Option<usize>, model: &mut Model) -> Result<()> {
        self.check_attributes(node, &["name", "pos"])?;
        let index = model.bodies.len();
        let name = node
            .attribute("name")
            .map_or_else(|| format!("body{index}"), str::to_string);
        if model.body(&name).is_some() {
            return Err(self.error(node, format!("a second body named `{name}`")));
        }
        let pos = self.vector(node, "pos", [0.0; 3])?;
        model.bodies.push(Body {
            name,
            parent,
            pos,
            geoms: Vec::new(),
            joints: Vec::new(),
        });
        for child in Self::elements(node) {
            match child.tag_name().name() {
                "geom" => {
                    let g = self.geom(child, model.bodies[index].geoms.len())?;
                    model.bodies[index].geoms.push(g);
                }
                "joint" => {
                    let j = self.joint(child)?;
                    if model.joints().any(|(_, k)| k.name == j.name) {
                        return Err(self.error(child, format!("a second joint named `{}`", j.name)));
                    }
                    model.bodies[index].joints.push(j);
                }
                "body" => self.body(child, Some(index), model)?,
                _ => return Err(self.error(child, "not supported in <body>")),
            }
        }
        Ok(())
    }

    fn geom(&self, node: roxmltree::Node, index: usize) -> Result<Geom> {
        self.check_attributes(
            node,
            &["name", "type", "size", "pos", "fromto", "friction", "rgba"],
        )?;
        let name = self
            .attr(node, "name")
            .unwrap_or_else(|| format!("geom{index}"));
        let size_text = self
            .attr(node, "size")
            .ok_or_else(|| self.error(node, "needs `size`"))?;
        let size = self.numbers(node, "size", &size_text)?;
        if size.is_empty() || size.iter().any(|s| *s <= 0.0) {
            return Err(self.error(node, format!("`size` must be positive: `{size_text}`")));
        }
        let radius = size[0];
        let pos = self.vector(node, "pos", [0.0; 3])?;
        let shape = match self.attr(node, "type").as_deref().unwrap_or("sphere") {
            "sphere" => Shape::Sphere {
                center: pos,
                radius,
            },
            "capsule" => match self.attr(node, "fromto") {
                Some(_) => {
                    let f = self.vector::<6>(node, "fromto", [0.0; 6])?;
                    Shape::Capsule {
                        a: [f[0], f[1], f[2]],
                        b: [f[3], f[4], f[5]],
                        radius,
                    }
                }
                None => {
                    let half = *size.get(1).ok_or_else(|| {
                        self.error(
                            node,
                            "a capsule needs `fromto`, or `size` = radius half-length",
                        )
                    })?;
                    Shape::Capsule {
                        a: [pos[0], pos[1], pos[2] - half],
                        b: [pos[0], pos[1], pos[2] + half],
                        radius,
                    }
                }
            },
            other => {
                return Err(self.error(
                    node,
                    format!("type=\"{other}\" is not supported (sphere, capsule)"),
                ))
            }
        };
        let friction = match self.attr(node, "friction") {
            Some(t) => *self
                .numbers(node, "friction", &t)?
                .first()
                .ok_or_else(|| self.error(node, "`friction` is empty"))?,
            None => 1.0,
        };
        let rgba = self.vector(node, "rgba", [0.5, 0.5, 0.5, 1.0])?;
        Ok(Geom {
            name,
            shape,
            friction,
            rgba,
        })
    }

    fn joint(&self, node: roxmltree::Node) -> Result<Joint> {
        self.check_attributes(node, &["name", "type", "axis", "pos", "range", "limited"])?;
        let name = self
            .attr(node, "name")
            .ok_or_else(|| self.error(node, "needs `name`"))?;
        let kind = match self.attr(node, "type").as_deref().unwrap_or("hinge") {
            "hinge" => JointKind::Hinge,
            "slide" => JointKind::Slide,
            other => {
                return Err(self.error(
                    node,
                    format!("type=\"{other}\" is not supported (hinge, slide)"),
                ))
            }
        };
        let axis = self.vector(node, "axis", [0.0, 0.0, 1.0])?;
        let norm = axis.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm == 0.0 {
            return Err(self.error(node, "`axis` is zero"));
        }
        let axis = axis.map(|a| a / norm);
        let pos = self.vector(node, "pos", [0.0; 3])?;
        let limited = match self.attr(node, "limited").as_deref() {
            None | Some("auto") => self.attr(node, "range").is_some(),
            Some("true") => true,
            Some("false") => false,
            Some(other) => {
                return Err(self.error(node, format!("limited=\"{other}\": true, false or auto")))
            }
        };
        let range = if limited {
            let r = self.vector::<2>(node, "range", [0.0; 2])?;
            if r[0] >= r[1] {
                return Err(self.error(node, format!("`range` {} {} is empty", r[0], r[1])));
            }
            let scale = if kind == JointKind::Hinge && self.degrees {
                std::f64::consts::PI / 180.0
            } else {
                1.0
            };
            Some([r[0] * scale, r[1] * scale])
        } else {
            None
        };
        Ok(Joint {
            name,
            kind,
            axis,
            pos,
            range,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(body: &str) -> String {
        format!("<mujoco model=\"m\"><worldbody>{body}</worldbody></mujoco>")
    }

    #[test]
    fn the_ant_reads_as_pybullet_reads_it() {
        let m = parse(super::super::ant::ANT_XML, "ant.xml").unwrap();
        assert_eq!(m.bodies.len(), 13);
        let names: Vec<&str> = m.joints().map(|(_, j)| j.name.as_str()).collect();
        assert_eq!(
            names,
            ["hip_1", "ankle_1", "hip_2", "ankle_2", "hip_3", "ankle_3", "hip_4", "ankle_4"]
        );
        let (_, ankle) = m.joints().nth(1).unwrap();
        let r = ankle.range.unwrap();
        assert!(
            (r[0] - 30f64.to_radians()).abs() < 1e-15 && (r[1] - 100f64.to_radians()).abs() < 1e-15
        );
        assert!((ankle.axis[0] + 0.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(m.motors.len(), 8);
        assert_eq!(m.motors[0].joint, "hip_4");
        // The default geom's friction reaches every geom.
        assert!(m
            .bodies
            .iter()
            .flat_map(|b| &b.geoms)
            .all(|g| g.friction == 1.5));
        assert!(m.is_ancestor(0, m.body("front_left_foot").unwrap()));
        assert!(!m.is_ancestor(m.body("aux_2").unwrap(), m.body("front_left_foot").unwrap()));
    }

    #[test]
    fn unsupported_elements_and_attributes_are_named_with_their_line() {
        let cases = [
            (wrap("<body>\n<geom type=\"box\" size=\"1\"/></body>"), "line 2: <geom>: type=\"box\""),
            (wrap("<body><inertial/></body>"), "<inertial>: not supported in <body>"),
            (wrap("<body quat=\"1 0 0 0\"/>"), "attribute `quat` is not supported"),
            (wrap("<body><geom size=\"x\"/></body>"), "`size`: `x` is not a finite number"),
            (wrap("<body><geom size=\"0.1\" pos=\"1 2\"/></body>"), "`pos` needs 3 numbers, found 2"),
            (wrap("<light/>"), "not supported in <worldbody>"),
            (
                wrap("<body><joint name=\"j\"/><joint name=\"j\"/></body>"),
                "a second joint named `j`",
            ),
            ("<mujoco><worldbody><body".into(), "not well-formed XML"),
            ("<robot/>".into(), "the root element must be <mujoco>"),
            (wrap(""), "no <body>"),
            (
                wrap("<body><body><joint name=\"j\" range=\"1 0\"/></body></body>"),
                "`range` 1 0 is empty",
            ),
            (
                "<mujoco><worldbody><body><geom size=\"1\"/></body></worldbody><actuator><motor joint=\"x\"/></actuator></mujoco>".into(),
                "no joint named `x`",
            ),
        ];
        for (text, want) in cases {
            let err = parse(&text, "m.xml").unwrap_err().to_string();
            assert!(err.contains(want), "{want:?} not in {err:?}");
            assert!(err.starts_with("m.xml"), "{err}");
        }
    }
}
