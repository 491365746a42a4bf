// The load across a joint is what the subtree above it needs (inertia minus gravity and
// external loads, from inverse dynamics) less what the muscles and contacts crossing into the
// subtree supply (the ligaments' pull counts with the muscles'); the joint itself (disc, facets,
// the rest of the passive stiffness, any reserve actuator) transmits the rest.
#include <Eigen/Geometry>

#include "dorsum/dynamics.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/loads.hpp"

namespace dorsum {
namespace {

inline void addForce(Data& d, int body, const Vec3& point, const Vec3& force) {
  d.body_actuator_force_W[body] += force;
  d.body_actuator_moment_W[body] += point.cross(force);
}

void applyMuscleForces(const Model& m, Data& d) {
  for (int mu = 0; mu < m.nmuscle; ++mu) {
    const double tension = d.muscle_force[mu];
    if (tension == 0.0) continue;
    const int first = m.muscle_point_start[mu], last = first + m.muscle_point_count[mu];
    int prev = -1;
    for (int pt = first; pt < last; ++pt) {
      if (!d.point_active[pt]) continue;
      if (prev >= 0 && m.point_body[prev] != m.point_body[pt]) {
        const Vec3 segment = d.point_position_W[pt] - d.point_position_W[prev];
        const double len = segment.norm();
        if (len > 1e-12) {
          const Vec3 pull = tension * segment / len;  // on the first point, towards the second
          addForce(d, m.point_body[prev], d.point_position_W[prev], pull);
          addForce(d, m.point_body[pt], d.point_position_W[pt], -pull);
        }
      }
      prev = pt;
    }
  }
}

void applyLigamentForces(const Model& m, Data& d) {
  for (int l = 0; l < m.nligament; ++l) {
    const double tension = d.ligament_force[l];
    if (tension == 0.0) continue;
    const Vec3& p0 = d.ligament_point_W[l][0];
    const Vec3& p1 = d.ligament_point_W[l][1];
    const Vec3 pull = tension * (p1 - p0) / d.ligament_length[l];  // on the origin
    addForce(d, m.ligament_body[l][0], p0, pull);
    addForce(d, m.ligament_body[l][1], p1, -pull);
  }
}

void applyContactForces(const Model& m, Data& d) {
  for (int c = 0; c < m.ncontact; ++c) {
    const double f = d.contact_force[c];
    if (f == 0.0) continue;
    addForce(d, m.contact_body[c], d.contact_point_W[c], f * d.contact_normal_W[c]);
    addForce(d, m.contact_surface_body[c], d.contact_point_W[c], -f * d.contact_normal_W[c]);
  }
}

}  // namespace

void calcJointLoads(const Model& model, Data& data) {
  requireStages(model, data, kStageKinematics | kStageMusclePaths | kStageInverseDynamics,
                "calcJointLoads");
  Data& d = data;
  for (int b = 0; b < model.nbody; ++b) {
    d.body_actuator_force_W[b].setZero();
    d.body_actuator_moment_W[b].setZero();
  }
  applyMuscleForces(model, d);
  applyLigamentForces(model, d);
  applyContactForces(model, d);
  sumOverSubtrees(model, d.body_actuator_force_W, d.body_actuator_moment_W,
                  d.subtree_actuator_force_W, d.subtree_actuator_moment_W);
  for (int j = 0; j < model.njoint; ++j) {
    const int child = j + 1, parent = model.body_parent[child];
    // Load on the body below = what crosses into the subtree minus what the subtree needs.
    const Vec3 F_W = d.subtree_actuator_force_W[child] - d.subtree_force_W[child];
    const Vec3 N_W = d.subtree_actuator_moment_W[child] - d.subtree_moment_W[child];
    // Disc frame: halfway between the joint frame on the parent (F) and on the child (M).
    const Mat3 R_WF = d.body_pose[parent].R * model.joint_X_PF[j].R;
    const Mat3 R_WM = d.body_pose[child].R * model.joint_X_MC[j].R.transpose();
    // Half of the turn from F to M: with the turn as a unit quaternion q = (cos(t/2), sin(t/2) n)
    // (w >= 0, so that t <= pi), q + 1 = 2 cos(t/4) (cos(t/4), sin(t/4) n) is half the turn
    // once normalized: no trigonometric function.
    Eigen::Quaterniond turn(Mat3(R_WF.transpose() * R_WM));
    if (turn.w() < 0.0) turn.coeffs() = -turn.coeffs();
    turn.w() += 1.0;
    const Mat3 R_WD = R_WF * turn.normalized().toRotationMatrix();
    const Vec3 origin = d.body_pose[parent] * model.joint_load_origin[j];
    d.joint_disc_frame_W[j] = {R_WD, origin};
    d.joint_force_D[j] = R_WD.transpose() * F_W;
    d.joint_moment_D[j] = R_WD.transpose() * (N_W - origin.cross(F_W));
  }
  data.stages |= kStageJointLoads;
}

}  // namespace dorsum
