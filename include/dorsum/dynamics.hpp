// Inverse dynamics: the generalized forces the actuators must supply for the state in Data
// (q, qd, qdd) under gravity and the external loads, by recursive Newton-Euler over the tree
// rooted at the ground through the pelvis.
#pragma once

#include "dorsum/data.hpp"

namespace dorsum {

// After calcKinematics. Fills coord_accel, body velocities and accelerations, every body's
// and subtree's needed wrench, the ground reaction at the ground contacts, tau_inverse_dynamics
// and tau_passive. Does not allocate.
//
// Ground reaction rule: the wrench the whole body needs from the ground is carried by the
// ground contacts (the feet). Its centre of pressure (where the total force's line of action
// meets the contacts' mean height) is projected on the segment between two contacts, and the
// force is shared in proportion to that position (all of it on one foot when the centre of
// pressure lies beyond it); what the point forces leave of the moment is shared as free moments
// in the same proportion. With one contact it takes everything; with more than two, the
// shares are inversely proportional to the horizontal distances to the centre of pressure.
// The root's residual is then zero and the legs' joint moments follow from the ground reaction.
void calcInverseDynamics(const Model& model, Data& data);

// The tension of a ligament of the given slack length (m), stiffness (N/m) and toe strain at
// `length` (m), by the law of LigamentSpec (spec.hpp): zero while slack, quadratic in the strain
// up to the toe strain, linear beyond.
double ligamentForce(double length, double slack_length, double stiffness, double toe_strain);

// After calcKinematics: every ligament's end points (ligament_point_W), length and tension, and
// the generalized force the ligaments exert on each coordinate (coord_ligament_force, positive
// pushing the coordinate towards larger values). calcInverseDynamics calls it and adds its
// share to tau_passive; compile() uses it to set slack lengths and to split in-vitro curves.
// Does not allocate.
void calcLigaments(const Model& model, Data& data);

// Sums wrenches given per body (forces and moments about the world origin) over each body's
// subtree, the body included: what crosses the joint above it. Inverse dynamics and joint
// loads both use it. Does not allocate.
void sumOverSubtrees(const Model& model, const std::vector<Vec3>& body_force,
                     const std::vector<Vec3>& body_moment, std::vector<Vec3>& subtree_force,
                     std::vector<Vec3>& subtree_moment);

}  // namespace dorsum
