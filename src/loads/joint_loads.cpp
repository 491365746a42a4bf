// The load across a joint is what the subtree above it needs (inertia minus gravity and
// external loads, from inverse dynamics) less what the muscles and contacts crossing into the
// subtree supply (the ligaments' pull counts with the muscles'); the joint itself (disc, facets,
// the rest of the passive stiffness, any reserve actuator) transmits the rest.
#include <Eigen/Geometry>
#include <cmath>
#include <cstdint>

#include "dorsum/dynamics.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/loads.hpp"

namespace dorsum {
namespace {

inline void addForce(Data& d, int body, const Vec3& point, const Vec3& force) {
  d.body_actuator_force_W[body] += force;
  d.body_actuator_moment_W[body] += point.cross(force);
}

// The muscles of Data::load_walk_muscle: every pair of consecutive active points on two bodies.
void applyWalkedMuscleForces(const Model& m, Data& d) {
  for (int mu : d.load_walk_muscle) {
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

// The muscles with fixed paths, one pair of bodies at a time (Data::load_pair_body). A
// segment's pull on its `to` end is opposite to that on its `from` end and on the same line, so
// it has the opposite moment too (about any point): one cross product per segment, and one
// update of the two bodies' totals per pair.
void applyFixedMuscleForces(Data& d) {
  const int npair = static_cast<int>(d.load_pair_body.size());
  for (int g = 0; g < npair; ++g) {
    Vec3 force = Vec3::Zero(), moment = Vec3::Zero();
    const int end = d.load_pair_start[g + 1];
    for (int s = d.load_pair_start[g]; s < end; ++s) {
      const CrossingSegment& seg = d.load_segment[s];
      const double tension = d.muscle_force[seg.muscle];
      // A muscle without force (none recruited, no passive stretch) pulls nothing: skipping it
      // saves its square root, division and cross product, and adds exactly what adding zero did.
      if (tension == 0.0) continue;
      const Vec3& from = d.point_position_W[seg.from];
      const Vec3 span = d.point_position_W[seg.to] - from;
      const double len = span.norm();
      if (!(len > 1e-12)) continue;              // coinciding ends: no direction, no pull
      const Vec3 pull = (tension / len) * span;  // on `from`, towards `to`
      force += pull;
      moment += from.cross(pull);
    }
    const std::array<int, 2>& body = d.load_pair_body[g];
    d.body_actuator_force_W[body[0]] += force;
    d.body_actuator_moment_W[body[0]] += moment;
    d.body_actuator_force_W[body[1]] -= force;
    d.body_actuator_moment_W[body[1]] -= moment;
  }
}

// Pulls kept by calcLigaments; as for the muscles, the insertion's moment is the origin's,
// negated.
void applyLigamentForces(const Model& m, Data& d) {
  for (int l = 0; l < m.nligament; ++l) {
    if (d.ligament_force[l] == 0.0) continue;
    const Vec3& pull = d.ligament_pull_W[l];  // on the origin
    const Vec3 moment = d.ligament_point_W[l][0].cross(pull);
    const std::array<int, 2>& body = m.ligament_body[l];
    d.body_actuator_force_W[body[0]] += pull;
    d.body_actuator_moment_W[body[0]] += moment;
    d.body_actuator_force_W[body[1]] -= pull;
    d.body_actuator_moment_W[body[1]] -= moment;
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

// The turn about the same axis as R by half its angle t (at most pi). With R as the unit
// quaternion (w, v), w = cos(t/2) >= 0, the half turn is (1 + w, v) / sqrt(2 + 2 w), whose
// matrix reduces to w I + [v]x + v v^T / (1 + w): no trigonometric function, and no square root
// beyond the one that gives w.
Mat3 halfTurn(const Mat3& R) {
  const double trace = R.trace();
  if (trace <= 0.0) {  // beyond 120 degrees w is small: the general quaternion conversion
    Eigen::Quaterniond turn(R);
    if (turn.w() < 0.0) turn.coeffs() = -turn.coeffs();
    turn.w() += 1.0;
    return turn.normalized().toRotationMatrix();
  }
  const double twice_w = std::sqrt(1.0 + trace), w = 0.5 * twice_w;
  const Vec3 v = (0.5 / twice_w) * Vec3(R(2, 1) - R(1, 2), R(0, 2) - R(2, 0), R(1, 0) - R(0, 1));
  Mat3 H = v * (v.transpose() / (1.0 + w));
  H.diagonal().array() += w;
  H(1, 0) += v.z(), H(0, 1) -= v.z();
  H(0, 2) += v.y(), H(2, 0) -= v.y();
  H(2, 1) += v.x(), H(1, 2) -= v.x();
  return H;
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
  applyFixedMuscleForces(d);
  applyWalkedMuscleForces(model, d);
  applyLigamentForces(model, d);
  applyContactForces(model, d);
  sumOverSubtrees(model, d.body_actuator_force_W, d.body_actuator_moment_W,
                  d.subtree_actuator_force_W, d.subtree_actuator_moment_W);
  const bool have_identity = static_cast<int>(d.joint_frame_identity.size()) == model.njoint;
  for (int j = 0; j < model.njoint; ++j) {
    const int child = j + 1, parent = model.body_parent[child];
    // Load on the body below = what crosses into the subtree minus what the subtree needs.
    const Vec3 F_W = d.subtree_actuator_force_W[child] - d.subtree_force_W[child];
    const Vec3 N_W = d.subtree_actuator_moment_W[child] - d.subtree_moment_W[child];
    // Disc frame: halfway between the joint frame on the parent (F) and on the child (M).
    // Most joint frames are their body's own axes (Data::joint_frame_identity): a product with
    // the identity gives back the same bits, so it is skipped.
    const std::uint8_t identity = have_identity ? d.joint_frame_identity[j] : 0;
    const Mat3 R_WF = (identity & 1u) != 0 ? d.body_pose[parent].R
                                           : Mat3(d.body_pose[parent].R * model.joint_X_PF[j].R);
    const Mat3 R_WM = (identity & 2u) != 0
                          ? d.body_pose[child].R
                          : Mat3(d.body_pose[child].R * model.joint_X_MC[j].R.transpose());
    const Mat3 R_WD = R_WF * halfTurn(Mat3(R_WF.transpose() * R_WM));
    const Vec3 origin = d.body_pose[parent] * model.joint_load_origin[j];
    d.joint_disc_frame_W[j] = {R_WD, origin};
    d.joint_force_D[j] = R_WD.transpose() * F_W;
    d.joint_moment_D[j] = R_WD.transpose() * (N_W - origin.cross(F_W));
  }
  data.stages |= kStageJointLoads;
}

}  // namespace dorsum
