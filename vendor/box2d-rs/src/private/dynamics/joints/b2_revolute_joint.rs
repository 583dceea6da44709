use crate::b2_draw::*;
use crate::b2_math::*;
use crate::b2_common::*;
use crate::b2rs_common::UserDataType;
use crate::b2_time_step::*;
use crate::joints::b2_revolute_joint::*;

// Point-to-point constraint
// c = p2 - p1
// cdot = v2 - v1
//      = v2 + cross(w2, r2) - v1 - cross(w1, r1)
// J = [-i -r1_skew i r2_skew ]
// Identity used:
// w k % (rx i + ry j) = w * (-ry i + rx j)

// Motor constraint
// cdot = w2 - w1
// J = [0 0 -1 0 0 1]
// k = invI1 + invI2

// synapt-safety: the solver of Box2D 2.3.x (b2RevoluteJoint.cpp), which pybox2d 2.3.10 and so
// Gymnasium run, in place of 2.4.1's: the point and limit constraints are solved together as one 3x3
// block while the limit is active, with a limit state, and the position pass corrects the angle past
// the limit with the angular slop.
pub(crate) fn init_velocity_constraints<D: UserDataType>(
	self_: &mut B2revoluteJoint<D>,
	data: &B2solverData,
	positions: &[B2position],
	velocities: &mut [B2velocity],
) {
	let m_body_a = self_.base.m_body_a.borrow();
	let m_body_b = self_.base.m_body_b.borrow();
	self_.m_index_a = m_body_a.m_island_index;
	self_.m_index_b = m_body_b.m_island_index;
	self_.m_local_center_a = m_body_a.m_sweep.local_center;
	self_.m_local_center_b = m_body_b.m_sweep.local_center;
	self_.m_inv_mass_a = m_body_a.m_inv_mass;
	self_.m_inv_mass_b = m_body_b.m_inv_mass;
	self_.m_inv_ia = m_body_a.m_inv_i;
	self_.m_inv_ib = m_body_b.m_inv_i;

	let a_a: f32 = positions[self_.m_index_a as usize].a;
	let a_b: f32 = positions[self_.m_index_b as usize].a;
	let B2velocity { v: mut v_a, w: mut w_a } = velocities[self_.m_index_a as usize];
	let B2velocity { v: mut v_b, w: mut w_b } = velocities[self_.m_index_b as usize];
	let (q_a, q_b) = (B2Rot::new(a_a), B2Rot::new(a_b));

	self_.m_r_a = b2_mul_rot_by_vec2(q_a, self_.m_local_anchor_a - self_.m_local_center_a);
	self_.m_r_b = b2_mul_rot_by_vec2(q_b, self_.m_local_anchor_b - self_.m_local_center_b);
	let (r_a, r_b) = (self_.m_r_a, self_.m_r_b);

	let m_a: f32 = self_.m_inv_mass_a;
	let m_b: f32 = self_.m_inv_mass_b;
	let i_a: f32 = self_.m_inv_ia;
	let i_b: f32 = self_.m_inv_ib;
	let fixed_rotation: bool = i_a + i_b == 0.0;

	self_.m_mass.ex.x = m_a + m_b + r_a.y * r_a.y * i_a + r_b.y * r_b.y * i_b;
	self_.m_mass.ey.x = -r_a.y * r_a.x * i_a - r_b.y * r_b.x * i_b;
	self_.m_mass.ez.x = -r_a.y * i_a - r_b.y * i_b;
	self_.m_mass.ex.y = self_.m_mass.ey.x;
	self_.m_mass.ey.y = m_a + m_b + r_a.x * r_a.x * i_a + r_b.x * r_b.x * i_b;
	self_.m_mass.ez.y = r_a.x * i_a + r_b.x * i_b;
	self_.m_mass.ex.z = self_.m_mass.ez.x;
	self_.m_mass.ey.z = self_.m_mass.ez.y;
	self_.m_mass.ez.z = i_a + i_b;

	self_.m_motor_mass = i_a + i_b;
	if self_.m_motor_mass > 0.0 {
		self_.m_motor_mass = 1.0 / self_.m_motor_mass;
	}

	if self_.m_enable_motor == false || fixed_rotation {
		self_.m_motor_impulse = 0.0;
	}

	if self_.m_enable_limit && fixed_rotation == false {
		let joint_angle: f32 = a_b - a_a - self_.m_reference_angle;
		if b2_abs(self_.m_upper_angle - self_.m_lower_angle) < 2.0 * B2_ANGULAR_SLOP {
			self_.m_limit_state = B2LimitState::Equal;
		} else if joint_angle <= self_.m_lower_angle {
			if self_.m_limit_state != B2LimitState::AtLower {
				self_.m_impulse.z = 0.0;
			}
			self_.m_limit_state = B2LimitState::AtLower;
		} else if joint_angle >= self_.m_upper_angle {
			if self_.m_limit_state != B2LimitState::AtUpper {
				self_.m_impulse.z = 0.0;
			}
			self_.m_limit_state = B2LimitState::AtUpper;
		} else {
			self_.m_limit_state = B2LimitState::Inactive;
			self_.m_impulse.z = 0.0;
		}
	} else {
		self_.m_limit_state = B2LimitState::Inactive;
	}

	if data.step.warm_starting {
		// Scale impulses to support a variable time step.
		self_.m_impulse *= data.step.dt_ratio;
		self_.m_motor_impulse *= data.step.dt_ratio;

		let p = B2vec2::new(self_.m_impulse.x, self_.m_impulse.y);
		v_a -= m_a * p;
		w_a -= i_a * (b2_cross(r_a, p) + self_.m_motor_impulse + self_.m_impulse.z);
		v_b += m_b * p;
		w_b += i_b * (b2_cross(r_b, p) + self_.m_motor_impulse + self_.m_impulse.z);
	} else {
		self_.m_impulse.set_zero();
		self_.m_motor_impulse = 0.0;
	}

	velocities[self_.m_index_a as usize] = B2velocity { v: v_a, w: w_a };
	velocities[self_.m_index_b as usize] = B2velocity { v: v_b, w: w_b };
}

pub(crate) fn solve_velocity_constraints<D: UserDataType>(
	self_: &mut B2revoluteJoint<D>,
	data: &B2solverData,
	velocities: &mut [B2velocity],
) {
	let B2velocity { v: mut v_a, w: mut w_a } = velocities[self_.m_index_a as usize];
	let B2velocity { v: mut v_b, w: mut w_b } = velocities[self_.m_index_b as usize];

	let m_a: f32 = self_.m_inv_mass_a;
	let m_b: f32 = self_.m_inv_mass_b;
	let i_a: f32 = self_.m_inv_ia;
	let i_b: f32 = self_.m_inv_ib;
	let (r_a, r_b) = (self_.m_r_a, self_.m_r_b);
	let fixed_rotation: bool = i_a + i_b == 0.0;

	// Solve motor constraint.
	if self_.m_enable_motor && self_.m_limit_state != B2LimitState::Equal && fixed_rotation == false {
		let cdot: f32 = w_b - w_a - self_.m_motor_speed;
		let mut impulse: f32 = -self_.m_motor_mass * cdot;
		let old_impulse: f32 = self_.m_motor_impulse;
		let max_impulse: f32 = data.step.dt * self_.m_max_motor_torque;
		self_.m_motor_impulse = b2_clamp(self_.m_motor_impulse + impulse, -max_impulse, max_impulse);
		impulse = self_.m_motor_impulse - old_impulse;

		w_a -= i_a * impulse;
		w_b += i_b * impulse;
	}

	// Solve limit constraint.
	if self_.m_enable_limit && self_.m_limit_state != B2LimitState::Inactive && fixed_rotation == false {
		let cdot1: B2vec2 = v_b + b2_cross_scalar_by_vec(w_b, r_b) - v_a - b2_cross_scalar_by_vec(w_a, r_a);
		let cdot2: f32 = w_b - w_a;
		let cdot = B2Vec3::new(cdot1.x, cdot1.y, cdot2);

		let mut impulse: B2Vec3 = -self_.m_mass.solve33(cdot);

		if self_.m_limit_state == B2LimitState::Equal {
			self_.m_impulse += impulse;
		} else if self_.m_limit_state == B2LimitState::AtLower {
			let new_impulse: f32 = self_.m_impulse.z + impulse.z;
			if new_impulse < 0.0 {
				let rhs: B2vec2 = -cdot1 + self_.m_impulse.z * B2vec2::new(self_.m_mass.ez.x, self_.m_mass.ez.y);
				let reduced: B2vec2 = self_.m_mass.solve22(rhs);
				impulse.x = reduced.x;
				impulse.y = reduced.y;
				impulse.z = -self_.m_impulse.z;
				self_.m_impulse.x += reduced.x;
				self_.m_impulse.y += reduced.y;
				self_.m_impulse.z = 0.0;
			} else {
				self_.m_impulse += impulse;
			}
		} else if self_.m_limit_state == B2LimitState::AtUpper {
			let new_impulse: f32 = self_.m_impulse.z + impulse.z;
			if new_impulse > 0.0 {
				let rhs: B2vec2 = -cdot1 + self_.m_impulse.z * B2vec2::new(self_.m_mass.ez.x, self_.m_mass.ez.y);
				let reduced: B2vec2 = self_.m_mass.solve22(rhs);
				impulse.x = reduced.x;
				impulse.y = reduced.y;
				impulse.z = -self_.m_impulse.z;
				self_.m_impulse.x += reduced.x;
				self_.m_impulse.y += reduced.y;
				self_.m_impulse.z = 0.0;
			} else {
				self_.m_impulse += impulse;
			}
		}

		let p = B2vec2::new(impulse.x, impulse.y);
		v_a -= m_a * p;
		w_a -= i_a * (b2_cross(r_a, p) + impulse.z);
		v_b += m_b * p;
		w_b += i_b * (b2_cross(r_b, p) + impulse.z);
	} else {
		// Solve point to point constraint
		let cdot: B2vec2 = v_b + b2_cross_scalar_by_vec(w_b, r_b) - v_a - b2_cross_scalar_by_vec(w_a, r_a);
		let impulse: B2vec2 = self_.m_mass.solve22(-cdot);

		self_.m_impulse.x += impulse.x;
		self_.m_impulse.y += impulse.y;

		v_a -= m_a * impulse;
		w_a -= i_a * b2_cross(r_a, impulse);
		v_b += m_b * impulse;
		w_b += i_b * b2_cross(r_b, impulse);
	}

	velocities[self_.m_index_a as usize] = B2velocity { v: v_a, w: w_a };
	velocities[self_.m_index_b as usize] = B2velocity { v: v_b, w: w_b };
}

pub(crate) fn solve_position_constraints<D: UserDataType>(
	self_: &B2revoluteJoint<D>,
	_data: &B2solverData,
	positions: &mut [B2position],
) -> bool {
	let B2position { c: mut c_a, a: mut a_a } = positions[self_.m_index_a as usize];
	let B2position { c: mut c_b, a: mut a_b } = positions[self_.m_index_b as usize];

	let mut angular_error: f32 = 0.0;
	let position_error: f32;

	let fixed_rotation: bool = self_.m_inv_ia + self_.m_inv_ib == 0.0;

	// Solve angular limit constraint.
	if self_.m_enable_limit && self_.m_limit_state != B2LimitState::Inactive && fixed_rotation == false {
		let angle: f32 = a_b - a_a - self_.m_reference_angle;
		let mut limit_impulse: f32 = 0.0;

		if self_.m_limit_state == B2LimitState::Equal {
			// Prevent large angular corrections
			let c: f32 = b2_clamp(angle - self_.m_lower_angle, -B2_MAX_ANGULAR_CORRECTION, B2_MAX_ANGULAR_CORRECTION);
			limit_impulse = -self_.m_motor_mass * c;
			angular_error = b2_abs(c);
		} else if self_.m_limit_state == B2LimitState::AtLower {
			let mut c: f32 = angle - self_.m_lower_angle;
			angular_error = -c;
			// Prevent large angular corrections and allow some slop.
			c = b2_clamp(c + B2_ANGULAR_SLOP, -B2_MAX_ANGULAR_CORRECTION, 0.0);
			limit_impulse = -self_.m_motor_mass * c;
		} else if self_.m_limit_state == B2LimitState::AtUpper {
			let mut c: f32 = angle - self_.m_upper_angle;
			angular_error = c;
			// Prevent large angular corrections and allow some slop.
			c = b2_clamp(c - B2_ANGULAR_SLOP, 0.0, B2_MAX_ANGULAR_CORRECTION);
			limit_impulse = -self_.m_motor_mass * c;
		}

		a_a -= self_.m_inv_ia * limit_impulse;
		a_b += self_.m_inv_ib * limit_impulse;
	}

	// Solve point to point constraint.
	{
		let (q_a, q_b) = (B2Rot::new(a_a), B2Rot::new(a_b));
		let r_a: B2vec2 = b2_mul_rot_by_vec2(q_a, self_.m_local_anchor_a - self_.m_local_center_a);
		let r_b: B2vec2 = b2_mul_rot_by_vec2(q_b, self_.m_local_anchor_b - self_.m_local_center_b);

		let c: B2vec2 = c_b + r_b - c_a - r_a;
		position_error = c.length();

		let m_a: f32 = self_.m_inv_mass_a;
		let m_b: f32 = self_.m_inv_mass_b;
		let i_a: f32 = self_.m_inv_ia;
		let i_b: f32 = self_.m_inv_ib;

		let mut k = B2Mat22::zero();
		k.ex.x = m_a + m_b + i_a * r_a.y * r_a.y + i_b * r_b.y * r_b.y;
		k.ex.y = -i_a * r_a.x * r_a.y - i_b * r_b.x * r_b.y;
		k.ey.x = k.ex.y;
		k.ey.y = m_a + m_b + i_a * r_a.x * r_a.x + i_b * r_b.x * r_b.x;

		let impulse: B2vec2 = -k.solve(c);

		c_a -= m_a * impulse;
		a_a -= i_a * b2_cross(r_a, impulse);

		c_b += m_b * impulse;
		a_b += i_b * b2_cross(r_b, impulse);
	}

	positions[self_.m_index_a as usize] = B2position { c: c_a, a: a_a };
	positions[self_.m_index_b as usize] = B2position { c: c_b, a: a_b };

	return position_error <= B2_LINEAR_SLOP && angular_error <= B2_ANGULAR_SLOP;
}

pub(crate) fn draw<D: UserDataType>(self_: &B2revoluteJoint<D>, draw: &mut dyn B2drawTrait) {
	let xf_a = self_.base.m_body_a.borrow().get_transform();
	let xf_b = self_.base.m_body_b.borrow().get_transform();
	let p_a: B2vec2 = b2_mul_transform_by_vec2(xf_a, self_.m_local_anchor_a);
	let p_b: B2vec2 = b2_mul_transform_by_vec2(xf_b, self_.m_local_anchor_b);

	let c1 = B2color::new(0.7, 0.7, 0.7);
	let c2 = B2color::new(0.3, 0.9, 0.3);
	let c3 = B2color::new(0.9, 0.3, 0.3);
	let c4 = B2color::new(0.3, 0.3, 0.9);
	let c5 = B2color::new(0.4, 0.4, 0.4);

	draw.draw_point(p_a, 5.0, c4);
	draw.draw_point(p_b, 5.0, c5);

	let a_a: f32 = self_.base.m_body_a.borrow().get_angle();
	let a_b: f32 = self_.base.m_body_b.borrow().get_angle();
	let angle: f32 = a_b - a_a - self_.m_reference_angle;

	const L: f32 = 0.5;

	let r: B2vec2 = L * B2vec2::new(f32::cos(angle), f32::sin(angle));
	draw.draw_segment(p_b, p_b + r, c1);
	draw.draw_circle(p_b, L, c1);

	if self_.m_enable_limit {
		let rlo: B2vec2 =
			L * B2vec2::new(f32::cos(self_.m_lower_angle), f32::sin(self_.m_lower_angle));
		let rhi: B2vec2 =
			L * B2vec2::new(f32::cos(self_.m_upper_angle), f32::sin(self_.m_upper_angle));

		draw.draw_segment(p_b, p_b + rlo, c2);
		draw.draw_segment(p_b, p_b + rhi, c3);
	}

	let color = B2color::new(0.5, 0.8, 0.8);
	draw.draw_segment(xf_a.p, p_a, color);
	draw.draw_segment(p_a, p_b, color);
	draw.draw_segment(xf_b.p, p_b, color);
}
