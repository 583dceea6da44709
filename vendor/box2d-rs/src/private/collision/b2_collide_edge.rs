use crate::b2_collision::*;
use crate::b2_math::*;
use crate::b2_common::*;
use crate::b2_settings::*;
use crate::shapes::b2_circle_shape::*;
use crate::shapes::b2_edge_shape::*;
use crate::shapes::b2_polygon_shape::*;

// Compute contact points for edge versus circle.
// This accounts for edge connectivity.
pub fn b2_collide_edge_and_circle(
	manifold: &mut B2manifold,
	edge_a: &B2edgeShape,
	xf_a: &B2Transform,
	circle_b: &B2circleShape,
	xf_b: &B2Transform,
) {
	manifold.point_count = 0;
	// Compute circle in frame of edge
	let q: B2vec2 =
		b2_mul_t_transform_by_vec2(*xf_a, b2_mul_transform_by_vec2(*xf_b, circle_b.m_p));

	let (a, b) = (edge_a.m_vertex1, edge_a.m_vertex2);
	let e: B2vec2 = b - a;

	// Normal points to the right for a CCW winding
	let mut n = B2vec2::new(e.y, -e.x);
	let offset: f32 = b2_dot(n, q - a);

	let one_sided: bool = edge_a.m_one_sided;
	if one_sided && offset < 0.0 {
		return;
	}

	// Barycentric coordinates
	let u: f32 = b2_dot(e, b - q);
	let v: f32 = b2_dot(e, q - a);

	let radius: f32 = edge_a.base.m_radius + circle_b.base.m_radius;
	let mut cf = B2contactFeature::default();
	cf.index_b = 0;
	cf.type_b = B2contactFeatureType::EVertex as u8;
	// Region A
	if v <= 0.0 {
		let p: B2vec2 = a;
		let d: B2vec2 = q - p;
		let dd: f32 = b2_dot(d, d);
		if dd > radius * radius {
			return;
		}
		// Is there an edge connected to A?
		if edge_a.m_one_sided {
			let a1: B2vec2 = edge_a.m_vertex0;
			let b1: B2vec2 = a;
			let e1: B2vec2 = b1 - a1;
			let u1: f32 = b2_dot(e1, b1 - q);
			// Is the circle in Region AB of the previous edge?
			if u1 > 0.0 {
				return;
			}
		}
		cf.index_a = 0;
		cf.type_a = B2contactFeatureType::EVertex as u8;
		manifold.point_count = 1;
		manifold.manifold_type = B2manifoldType::ECircles;
		manifold.local_normal.set_zero();
		manifold.local_point = p;
		manifold.points[0].id.cf = cf;
		manifold.points[0].local_point = circle_b.m_p;
		return;
	}
	// Region b
	if u <= 0.0 {
		let p: B2vec2 = b;
		let d: B2vec2 = q - p;
		let dd: f32 = b2_dot(d, d);
		if dd > radius * radius {
			return;
		}
		// Is there an edge connected to b?
		if edge_a.m_one_sided {
			let b2: B2vec2 = edge_a.m_vertex3;
			let a2: B2vec2 = b;
			let e2: B2vec2 = b2 - a2;
			let v2: f32 = b2_dot(e2, q - a2);
			// Is the circle in Region AB of the next edge?
			if v2 > 0.0 {
				return;
			}
		}
		cf.index_a = 1;
		cf.type_a = B2contactFeatureType::EVertex as u8;
		manifold.point_count = 1;
		manifold.manifold_type = B2manifoldType::ECircles;
		manifold.local_normal.set_zero();
		manifold.local_point = p;
		manifold.points[0].id.cf = cf;
		manifold.points[0].local_point = circle_b.m_p;
		return;
	}
	// Region AB
	let den: f32 = b2_dot(e, e);
	b2_assert(den > 0.0);
	let p: B2vec2 = (1.0 / den) * (u * a + v * b);
	let d: B2vec2 = q - p;
	let dd: f32 = b2_dot(d, d);
	if dd > radius * radius {
		return;
	}

	if offset < 0.0 {
		n.set(-n.x, -n.y);
	}
	n.normalize();
	cf.index_a = 0;
	cf.type_a = B2contactFeatureType::EFace as u8;
	manifold.point_count = 1;
	manifold.manifold_type = B2manifoldType::EFaceA;
	manifold.local_normal = n;
	manifold.local_point = a;
	manifold.points[0].id.cf = cf;
	manifold.points[0].local_point = circle_b.m_p;
}

// synapt-safety: from here to the end of the file is Box2D 2.3's b2EPCollider (b2CollideEdge.cpp in
// Box2D 2.3.2 and pybox2d 2.3.10), which box2d-rs's 2.4.1 port replaced. 2.3 chooses the edge's side
// by the polygon's centroid, keeps only that side's normal, filters polygon axes by the neighbouring
// edges' normals (adjacency), compares axes with 2.3's hysteresis, and orders the clip points and
// their feature ids as 2.3 does; the contact solver sees the points in that order and warm starts
// by those ids. 2.3's edges say whether they have neighbours (m_hasVertex0, m_hasVertex3); a 2.4.1
// edge has either both ghost vertices (`m_one_sided`, as chain shapes make) or none, so both flags
// read `m_one_sided`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum B2ePAxisType {
	EUnknown,
	EEdgeA,
	EEdgeB,
}

// This structure is used to keep track of the best separating axis.
#[derive(Clone, Copy, Debug)]
struct B2epaxis {
	axis_type: B2ePAxisType,
	index: i32,
	separation: f32,
}

// This holds polygon b expressed in frame A.
#[derive(Clone, Default, Copy, Debug)]
struct B2tempPolygon {
	vertices: [B2vec2; B2_MAX_POLYGON_VERTICES],
	normals: [B2vec2; B2_MAX_POLYGON_VERTICES],
	count: usize,
}

// Reference face used for clipping
#[derive(Clone, Default, Copy, Debug)]
struct B2referenceFace {
	i1: usize,
	i2: usize,

	v1: B2vec2,
	v2: B2vec2,

	normal: B2vec2,
	side_normal1: B2vec2,
	side_offset1: f32,

	side_normal2: B2vec2,
	side_offset2: f32,
}

// What 2.3's b2EPCollider keeps between its steps.
struct B2epCollider {
	polygon_b: B2tempPolygon,
	v1: B2vec2,
	v2: B2vec2,
	normal: B2vec2,
	lower_limit: B2vec2,
	upper_limit: B2vec2,
	radius: f32,
	front: bool,
}

impl B2epCollider {
	fn compute_edge_separation(&self) -> B2epaxis {
		let mut axis = B2epaxis {
			axis_type: B2ePAxisType::EEdgeA,
			index: if self.front { 0 } else { 1 },
			separation: B2_MAX_FLOAT,
		};
		for i in 0..self.polygon_b.count {
			let s: f32 = b2_dot(self.normal, self.polygon_b.vertices[i] - self.v1);
			if s < axis.separation {
				axis.separation = s;
			}
		}
		return axis;
	}

	fn compute_polygon_separation(&self) -> B2epaxis {
		let mut axis = B2epaxis {
			axis_type: B2ePAxisType::EUnknown,
			index: -1,
			separation: -B2_MAX_FLOAT,
		};

		let perp = B2vec2::new(-self.normal.y, self.normal.x);

		for i in 0..self.polygon_b.count {
			let n: B2vec2 = -self.polygon_b.normals[i];

			let s1: f32 = b2_dot(n, self.polygon_b.vertices[i] - self.v1);
			let s2: f32 = b2_dot(n, self.polygon_b.vertices[i] - self.v2);
			let s: f32 = b2_min(s1, s2);

			if s > self.radius {
				// No collision
				return B2epaxis { axis_type: B2ePAxisType::EEdgeB, index: i as i32, separation: s };
			}

			// Adjacency
			if b2_dot(n, perp) >= 0.0 {
				if b2_dot(n - self.upper_limit, self.normal) < -B2_ANGULAR_SLOP {
					continue;
				}
			} else {
				if b2_dot(n - self.lower_limit, self.normal) < -B2_ANGULAR_SLOP {
					continue;
				}
			}

			if s > axis.separation {
				axis.axis_type = B2ePAxisType::EEdgeB;
				axis.index = i as i32;
				axis.separation = s;
			}
		}

		return axis;
	}
}

// Algorithm (2.3):
// 1. Classify v1 and v2
// 2. Classify polygon centroid as front or back
// 3. Flip normal if necessary
// 4. Initialize normal range to [-pi, pi] about face normal
// 5. Adjust normal range according to adjacent edges
// 6. Visit each separating axes, only accept axes within the range
// 7. Return if _any_ axis indicates separation
// 8. Clip
pub fn b2_collide_edge_and_polygon(
	manifold: &mut B2manifold,
	edge_a: &B2edgeShape,
	xf_a: &B2Transform,
	polygon_b: &B2polygonShape,
	xf_b: &B2Transform,
) {
	let xf: B2Transform = b2_mul_t_transform(*xf_a, *xf_b);

	let centroid_b: B2vec2 = b2_mul_transform_by_vec2(xf, polygon_b.m_centroid);

	let v0: B2vec2 = edge_a.m_vertex0;
	let v1: B2vec2 = edge_a.m_vertex1;
	let v2: B2vec2 = edge_a.m_vertex2;
	let v3: B2vec2 = edge_a.m_vertex3;

	let has_vertex0: bool = edge_a.m_one_sided;
	let has_vertex3: bool = edge_a.m_one_sided;

	let mut edge1: B2vec2 = v2 - v1;
	edge1.normalize();
	let normal1 = B2vec2::new(edge1.y, -edge1.x);
	let offset1: f32 = b2_dot(normal1, centroid_b - v1);
	let mut normal0 = B2vec2::zero();
	let mut normal2 = B2vec2::zero();
	let mut offset0: f32 = 0.0;
	let mut offset2: f32 = 0.0;
	let mut convex1 = false;
	let mut convex2 = false;

	// Is there a preceding edge?
	if has_vertex0 {
		let mut edge0: B2vec2 = v1 - v0;
		edge0.normalize();
		normal0 = B2vec2::new(edge0.y, -edge0.x);
		convex1 = b2_cross(edge0, edge1) >= 0.0;
		offset0 = b2_dot(normal0, centroid_b - v0);
	}

	// Is there a following edge?
	if has_vertex3 {
		let mut edge2: B2vec2 = v3 - v2;
		edge2.normalize();
		normal2 = B2vec2::new(edge2.y, -edge2.x);
		convex2 = b2_cross(edge1, edge2) > 0.0;
		offset2 = b2_dot(normal2, centroid_b - v2);
	}

	// Determine front or back collision. Determine collision normal limits.
	let front: bool;
	let (normal, lower_limit, upper_limit);
	if has_vertex0 && has_vertex3 {
		if convex1 && convex2 {
			front = offset0 >= 0.0 || offset1 >= 0.0 || offset2 >= 0.0;
			if front {
				(normal, lower_limit, upper_limit) = (normal1, normal0, normal2);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, -normal1, -normal1);
			}
		} else if convex1 {
			front = offset0 >= 0.0 || (offset1 >= 0.0 && offset2 >= 0.0);
			if front {
				(normal, lower_limit, upper_limit) = (normal1, normal0, normal1);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, -normal2, -normal1);
			}
		} else if convex2 {
			front = offset2 >= 0.0 || (offset0 >= 0.0 && offset1 >= 0.0);
			if front {
				(normal, lower_limit, upper_limit) = (normal1, normal1, normal2);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, -normal1, -normal0);
			}
		} else {
			front = offset0 >= 0.0 && offset1 >= 0.0 && offset2 >= 0.0;
			if front {
				(normal, lower_limit, upper_limit) = (normal1, normal1, normal1);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, -normal2, -normal0);
			}
		}
	} else if has_vertex0 {
		if convex1 {
			front = offset0 >= 0.0 || offset1 >= 0.0;
			if front {
				(normal, lower_limit, upper_limit) = (normal1, normal0, -normal1);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, normal1, -normal1);
			}
		} else {
			front = offset0 >= 0.0 && offset1 >= 0.0;
			if front {
				(normal, lower_limit, upper_limit) = (normal1, normal1, -normal1);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, normal1, -normal0);
			}
		}
	} else if has_vertex3 {
		if convex2 {
			front = offset1 >= 0.0 || offset2 >= 0.0;
			if front {
				(normal, lower_limit, upper_limit) = (normal1, -normal1, normal2);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, -normal1, normal1);
			}
		} else {
			front = offset1 >= 0.0 && offset2 >= 0.0;
			if front {
				(normal, lower_limit, upper_limit) = (normal1, -normal1, normal1);
			} else {
				(normal, lower_limit, upper_limit) = (-normal1, -normal2, normal1);
			}
		}
	} else {
		front = offset1 >= 0.0;
		if front {
			(normal, lower_limit, upper_limit) = (normal1, -normal1, -normal1);
		} else {
			(normal, lower_limit, upper_limit) = (-normal1, normal1, normal1);
		}
	}

	// Get polygon_b in frameA
	let mut temp_polygon_b = B2tempPolygon::default();
	temp_polygon_b.count = polygon_b.m_count;
	for i in 0..polygon_b.m_count {
		temp_polygon_b.vertices[i] = b2_mul_transform_by_vec2(xf, polygon_b.m_vertices[i]);
		temp_polygon_b.normals[i] = b2_mul_rot_by_vec2(xf.q, polygon_b.m_normals[i]);
	}

	let collider = B2epCollider {
		polygon_b: temp_polygon_b,
		v1,
		v2,
		normal,
		lower_limit,
		upper_limit,
		radius: 2.0 * B2_POLYGON_RADIUS,
		front,
	};
	let radius = collider.radius;

	manifold.point_count = 0;

	let edge_axis: B2epaxis = collider.compute_edge_separation();

	// If no valid normal can be found than this edge should not collide.
	if edge_axis.axis_type == B2ePAxisType::EUnknown {
		return;
	}

	if edge_axis.separation > radius {
		return;
	}

	let polygon_axis: B2epaxis = collider.compute_polygon_separation();
	if polygon_axis.axis_type != B2ePAxisType::EUnknown && polygon_axis.separation > radius {
		return;
	}

	// Use hysteresis for jitter reduction.
	const K_RELATIVE_TOL: f32 = 0.98;
	const K_ABSOLUTE_TOL: f32 = 0.001;

	let primary_axis: B2epaxis;
	if polygon_axis.axis_type == B2ePAxisType::EUnknown {
		primary_axis = edge_axis;
	} else if polygon_axis.separation > K_RELATIVE_TOL * edge_axis.separation + K_ABSOLUTE_TOL {
		primary_axis = polygon_axis;
	} else {
		primary_axis = edge_axis;
	}

	let mut ie = <[B2clipVertex; 2]>::default();
	let mut rf = B2referenceFace::default();
	if primary_axis.axis_type == B2ePAxisType::EEdgeA {
		manifold.manifold_type = B2manifoldType::EFaceA;

		// Search for the polygon normal that is most anti-parallel to the edge normal.
		let mut best_index: usize = 0;
		let mut best_value: f32 = b2_dot(normal, temp_polygon_b.normals[0]);
		for i in 1..temp_polygon_b.count {
			let value: f32 = b2_dot(normal, temp_polygon_b.normals[i]);
			if value < best_value {
				best_value = value;
				best_index = i;
			}
		}

		let i1: usize = best_index;
		let i2: usize = if i1 + 1 < temp_polygon_b.count { i1 + 1 } else { 0 };

		ie[0].v = temp_polygon_b.vertices[i1];
		ie[0].id.cf.index_a = 0;
		ie[0].id.cf.index_b = i1 as u8;
		ie[0].id.cf.type_a = B2contactFeatureType::EFace as u8;
		ie[0].id.cf.type_b = B2contactFeatureType::EVertex as u8;

		ie[1].v = temp_polygon_b.vertices[i2];
		ie[1].id.cf.index_a = 0;
		ie[1].id.cf.index_b = i2 as u8;
		ie[1].id.cf.type_a = B2contactFeatureType::EFace as u8;
		ie[1].id.cf.type_b = B2contactFeatureType::EVertex as u8;

		if front {
			rf.i1 = 0;
			rf.i2 = 1;
			rf.v1 = v1;
			rf.v2 = v2;
			rf.normal = normal1;
		} else {
			rf.i1 = 1;
			rf.i2 = 0;
			rf.v1 = v2;
			rf.v2 = v1;
			rf.normal = -normal1;
		}
	} else {
		manifold.manifold_type = B2manifoldType::EFaceB;

		ie[0].v = v1;
		ie[0].id.cf.index_a = 0;
		ie[0].id.cf.index_b = primary_axis.index as u8;
		ie[0].id.cf.type_a = B2contactFeatureType::EVertex as u8;
		ie[0].id.cf.type_b = B2contactFeatureType::EFace as u8;

		ie[1].v = v2;
		ie[1].id.cf.index_a = 0;
		ie[1].id.cf.index_b = primary_axis.index as u8;
		ie[1].id.cf.type_a = B2contactFeatureType::EVertex as u8;
		ie[1].id.cf.type_b = B2contactFeatureType::EFace as u8;

		rf.i1 = primary_axis.index as usize;
		rf.i2 = if rf.i1 + 1 < temp_polygon_b.count { rf.i1 + 1 } else { 0 };
		rf.v1 = temp_polygon_b.vertices[rf.i1];
		rf.v2 = temp_polygon_b.vertices[rf.i2];
		rf.normal = temp_polygon_b.normals[rf.i1];
	}

	rf.side_normal1.set(rf.normal.y, -rf.normal.x);
	rf.side_normal2 = -rf.side_normal1;
	rf.side_offset1 = b2_dot(rf.side_normal1, rf.v1);
	rf.side_offset2 = b2_dot(rf.side_normal2, rf.v2);

	// Clip incident edge against extruded edge1 side edges.
	let mut clip_points1 = <[B2clipVertex; 2]>::default();
	let mut clip_points2 = <[B2clipVertex; 2]>::default();

	// Clip to box side 1
	let np: usize = b2_clip_segment_to_line(&mut clip_points1, ie, rf.side_normal1, rf.side_offset1, rf.i1);

	if np < B2_MAX_MANIFOLD_POINTS {
		return;
	}

	// Clip to negative box side 1
	let np: usize = b2_clip_segment_to_line(&mut clip_points2, clip_points1, rf.side_normal2, rf.side_offset2, rf.i2);

	if np < B2_MAX_MANIFOLD_POINTS {
		return;
	}

	// Now clip_points2 contains the clipped points.
	if primary_axis.axis_type == B2ePAxisType::EEdgeA {
		manifold.local_normal = rf.normal;
		manifold.local_point = rf.v1;
	} else {
		manifold.local_normal = polygon_b.m_normals[rf.i1];
		manifold.local_point = polygon_b.m_vertices[rf.i1];
	}

	let mut point_count: usize = 0;
	for i in 0..B2_MAX_MANIFOLD_POINTS {
		let separation: f32 = b2_dot(rf.normal, clip_points2[i].v - rf.v1);

		if separation <= radius {
			let cp: &mut B2manifoldPoint = &mut manifold.points[point_count];

			if primary_axis.axis_type == B2ePAxisType::EEdgeA {
				cp.local_point = b2_mul_t_transform_by_vec2(xf, clip_points2[i].v);
				cp.id = clip_points2[i].id;
			} else {
				cp.local_point = clip_points2[i].v;
				cp.id.cf.type_a = clip_points2[i].id.cf.type_b;
				cp.id.cf.type_b = clip_points2[i].id.cf.type_a;
				cp.id.cf.index_a = clip_points2[i].id.cf.index_b;
				cp.id.cf.index_b = clip_points2[i].id.cf.index_a;
			}

			point_count += 1;
		}
	}

	manifold.point_count = point_count;
}
