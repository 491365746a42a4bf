// Recursive Newton-Euler in world coordinates. Velocities and accelerations are propagated
// from the ground outwards through each joint's elementary motions; each body's needed wrench
// (about the world origin) is summed over its subtree, and projected on every joint axis to
// give that axis's generalized force, which the chain rule carries to the degrees of freedom.
#include <algorithm>
#include <cmath>

#include "dorsum/dynamics.hpp"
#include "dorsum/kinematics.hpp"

namespace dorsum {
namespace {

// q_dd of every coordinate: couplings add f''(q_s) q_s_dot^2 to the chain rule.
void calcCoordinateAccelerations(const Model& m, Data& d) {
  for (int c : m.coord_order) {
    const int dof = m.coord_dof[c];
    if (dof >= 0) {
      d.coord_accel[c] = d.qdd[dof];
      continue;
    }
    double acc = 0.0;
    for (int k = 0; k < m.coord_term_count[c]; ++k) {
      const int term = m.coord_term_start[c] + k, src = m.term_coord[term];
      double f, slope, curvature;
      m.evalFunction(m.term_function[term], d.coord_value[src], f, slope, curvature);
      acc += slope * d.coord_accel[src] + curvature * d.coord_speed[src] * d.coord_speed[src];
    }
    d.coord_accel[c] = acc;  // zero for a locked coordinate (no terms)
  }
}

// Moves a rigid frame's origin velocity/acceleration by the offset r (world).
inline void shift(const Vec3& w, const Vec3& alpha, const Vec3& r, Vec3& a) {
  a += alpha.cross(r) + w.cross(w.cross(r));
}

void calcBodyAccelerations(const Model& m, Data& d) {
  d.body_omega_W[0].setZero(), d.body_alpha_W[0].setZero(), d.body_accel_W[0].setZero();
  for (int b = 1; b < m.nbody; ++b) {
    const int j = b - 1, parent = m.body_parent[b];
    Vec3 w = d.body_omega_W[parent], alpha = d.body_alpha_W[parent];
    Vec3 acc = d.body_accel_W[parent];
    Vec3 origin = d.body_pose[parent].p;
    const int end = m.joint_axis_start[j] + m.joint_axis_count[j];
    for (int a = m.joint_axis_start[j]; a < end; ++a) {
      shift(w, alpha, d.axis_origin_W[a] - origin, acc);
      origin = d.axis_origin_W[a];
      const int c = m.axis_coord[a];
      if (c < 0) continue;
      double value, slope, curvature;
      m.evalFunction(m.axis_function[a], d.coord_value[c], value, slope, curvature);
      const double rate = slope * d.coord_speed[c];
      const double accel =
          slope * d.coord_accel[c] + curvature * d.coord_speed[c] * d.coord_speed[c];
      const Vec3& dir = d.axis_direction_W[a];
      if (m.axis_rotation[a]) {
        alpha += w.cross(dir) * rate + dir * accel;
        w += dir * rate;
      } else {
        // The frame's origin slides along dir, which turns with the frame (Coriolis term).
        acc += dir * accel + 2.0 * w.cross(dir) * rate;
      }
    }
    shift(w, alpha, d.body_pose[b].p - origin, acc);
    d.body_omega_W[b] = w, d.body_alpha_W[b] = alpha, d.body_accel_W[b] = acc;
  }
}

// A posture held still (zero qd and qdd: most analyses): every body's velocity and acceleration
// is zero, and the chain of evaluations, products and sums that would give those zeros is
// skipped.
void setStill(const Model& m, Data& d) {
  d.coord_accel.setZero();
  for (int b = 0; b < m.nbody; ++b)
    d.body_omega_W[b].setZero(), d.body_alpha_W[b].setZero(), d.body_accel_W[b].setZero();
}

void calcBodyWrenches(const Model& m, Data& d, bool still) {
  d.body_force_W[0].setZero(), d.body_moment_W[0].setZero();
  for (int b = 1; b < m.nbody; ++b) {
    if (still) {  // the weight alone: no inertial force, no inertia to turn into world axes
      const Vec3 force = m.body_mass[b] * (Vec3::Zero() - m.gravity);
      d.body_force_W[b] = force;
      d.body_moment_W[b] = (d.body_pose[b] * m.body_com[b]).cross(force);
      continue;
    }
    const Pose& X = d.body_pose[b];
    const Vec3 com = X * m.body_com[b];
    const Vec3& w = d.body_omega_W[b];
    const Vec3 r = com - X.p;
    const Vec3 a_com = d.body_accel_W[b] + d.body_alpha_W[b].cross(r) + w.cross(w.cross(r));
    const Mat3 I_W = X.R * m.body_inertia[b] * X.R.transpose();
    const Vec3 force = m.body_mass[b] * (a_com - m.gravity);
    d.body_force_W[b] = force;
    d.body_moment_W[b] = com.cross(force) + I_W * d.body_alpha_W[b] + w.cross(I_W * w);
  }
  for (const ExternalLoad& load : d.external_loads) {
    const Vec3 p = d.body_pose[load.body] * load.point_B;
    d.body_force_W[load.body] -= load.force_W;
    d.body_moment_W[load.body] -= p.cross(load.force_W) + load.moment_W;
  }
}

void sumSubtrees(const Model& m, Data& d) {
  sumOverSubtrees(m, d.body_force_W, d.body_moment_W, d.subtree_force_W, d.subtree_moment_W);
}

// Shares of the ground reaction among the contacts (rule in dynamics.hpp); returns the
// contacts' world positions in `points` (nground entries of d.ground_moment_W reused later).
void shareGroundReaction(const Model& m, Data& d) {
  const int n = m.nground;
  if (n == 0) return;
  const Vec3 F = d.subtree_force_W[0], N = d.subtree_moment_W[0];  // needed from the ground
  // Contact positions are kept in ground_force_W until the forces replace them.
  Vec3 mean = Vec3::Zero();
  for (int i = 0; i < n; ++i) {
    d.ground_force_W[i] = d.body_pose[m.ground_body[i]] * m.ground_location[i];
    mean += d.ground_force_W[i] / n;
  }
  Vec3 cop = mean;
  if (std::abs(F.y()) > 1e-9) {
    cop.z() = (mean.y() * F.z() - N.x()) / F.y();
    cop.x() = (N.z() + mean.y() * F.x()) / F.y();
  }
  // Weights, stored in ground_moment_W.x() for the moment.
  if (n == 1) {
    d.ground_moment_W[0].x() = 1.0;
  } else if (n == 2) {
    const Vec3 c1 = d.ground_force_W[0], c2 = d.ground_force_W[1];
    Vec3 span = c2 - c1, rel = cop - c1;
    span.y() = 0.0, rel.y() = 0.0;
    const double t =
        span.squaredNorm() > 0.0 ? std::clamp(rel.dot(span) / span.squaredNorm(), 0.0, 1.0) : 0.5;
    d.ground_moment_W[0].x() = 1.0 - t, d.ground_moment_W[1].x() = t;
  } else {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
      Vec3 rel = cop - d.ground_force_W[i];
      rel.y() = 0.0;
      d.ground_moment_W[i].x() = 1.0 / (rel.norm() + 1e-3);
      sum += d.ground_moment_W[i].x();
    }
    for (int i = 0; i < n; ++i) d.ground_moment_W[i].x() /= sum;
  }
  Vec3 remaining = N;
  for (int i = 0; i < n; ++i) remaining -= d.ground_force_W[i].cross(d.ground_moment_W[i].x() * F);
  for (int i = 0; i < n; ++i) {
    const double share = d.ground_moment_W[i].x();
    const Vec3 point = d.ground_force_W[i];
    d.ground_force_W[i] = share * F;
    d.ground_moment_W[i] = share * remaining;
    const int b = m.ground_body[i];
    d.body_force_W[b] -= d.ground_force_W[i];
    d.body_moment_W[b] -= point.cross(d.ground_force_W[i]) + d.ground_moment_W[i];
  }
}

void projectOnAxes(const Model& m, Data& d) {
  d.tau_inverse_dynamics.setZero();
  for (int b = 1; b < m.nbody; ++b) {
    const int j = b - 1, end = m.joint_axis_start[j] + m.joint_axis_count[j];
    const Vec3& f = d.subtree_force_W[b];
    const Vec3& n = d.subtree_moment_W[b];
    for (int a = m.joint_axis_start[j]; a < end; ++a) {
      const double slope = d.axis_slope[a];
      if (slope == 0.0) continue;
      const Vec3& dir = d.axis_direction_W[a];
      const double tau =
          slope * (m.axis_rotation[a] ? dir.dot(n - d.axis_origin_W[a].cross(f)) : dir.dot(f));
      const int c = m.axis_coord[a], start = m.coord_jac_start[c];
      for (int e = 0; e < m.coord_jac_count[c]; ++e)
        d.tau_inverse_dynamics[m.jac_dof[start + e]] += tau * d.coord_jac[start + e];
    }
  }
}

void calcPassiveForces(const Model& m, Data& d) {
  d.tau_passive.setZero();
  if (m.nligament > 0) calcLigaments(m, d);
  for (int c = 0; c < m.ncoord; ++c) {
    const bool own = m.coord_passive[c] >= 0;
    const double ligaments = m.nligament > 0 ? d.coord_ligament_force[c] : 0.0;
    if (!own && ligaments == 0.0) continue;
    const double force =
        (own ? m.functions[m.coord_passive[c]].value(d.coord_value[c]) : 0.0) + ligaments;
    const int start = m.coord_jac_start[c];
    for (int e = 0; e < m.coord_jac_count[c]; ++e)
      d.tau_passive[m.jac_dof[start + e]] += force * d.coord_jac[start + e];
  }
}

}  // namespace

void sumOverSubtrees(const Model& model, const std::vector<Vec3>& body_force,
                     const std::vector<Vec3>& body_moment, std::vector<Vec3>& subtree_force,
                     std::vector<Vec3>& subtree_moment) {
  for (int b = 0; b < model.nbody; ++b) {
    subtree_force[b] = body_force[b];
    subtree_moment[b] = body_moment[b];
  }
  for (int b = model.nbody - 1; b >= 1; --b) {  // children have larger indices than parents
    subtree_force[model.body_parent[b]] += subtree_force[b];
    subtree_moment[model.body_parent[b]] += subtree_moment[b];
  }
}

void calcInverseDynamics(const Model& model, Data& data) {
  requireStages(model, data, kStageKinematics, "calcInverseDynamics");
  const bool still = data.qd.isZero(0.0) && data.qdd.isZero(0.0);
  if (still) {
    setStill(model, data);
  } else {
    calcCoordinateAccelerations(model, data);
    calcBodyAccelerations(model, data);
  }
  calcBodyWrenches(model, data, still);
  sumSubtrees(model, data);
  shareGroundReaction(model, data);
  sumSubtrees(model, data);
  projectOnAxes(model, data);
  calcPassiveForces(model, data);
  data.stages |= kStageInverseDynamics;
}

}  // namespace dorsum
