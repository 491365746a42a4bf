// Ligaments: straight passive bands between two bodies. Their lengths come from the kinematics,
// their forces from the toe-and-linear law of LigamentSpec, and their generalized forces from
// the joint motions between the two bodies (those above the bodies' lowest common ancestor move
// both ends alike, and an equal and opposite pair along the line joining them does no work
// there).
#include <cmath>

#include "dorsum/dynamics.hpp"
#include "dorsum/kinematics.hpp"
#include "dynamics/dynamics_internal.hpp"

namespace dorsum {
namespace {

// Adds the generalized force of `force` (world) acting at world point p of `body` to the
// coordinate forces, for the joint motions from `body` up to, not including, `stop`. A rotation
// leaves its frame's origin in place (calcKinematics), so the rotations that follow it share
// one moment arm: the moment (p - origin) x force is taken again only after a translation.
void addPointForce(const Model& m, Data& d, int body, int stop, const Vec3& p, const Vec3& force) {
  for (int b = body; b != stop && b > 0; b = m.body_parent[b]) {
    const int j = b - 1, end = m.joint_axis_start[j] + m.joint_axis_count[j];
    Vec3 moment = Vec3::Zero();
    bool moved = true;  // the motion's origin may differ from the one `moment` was taken about
    for (int a = m.joint_axis_start[j]; a < end; ++a) {
      const bool rotation = m.axis_rotation[a];
      const int c = m.axis_coord[a];
      const double slope = d.axis_slope[a];
      if (c >= 0 && slope != 0.0) {
        if (rotation && moved) {
          moment = (p - d.axis_origin_W[a]).cross(force);
          moved = false;
        }
        const Vec3& dir = d.axis_direction_W[a];
        d.coord_ligament_force[c] += slope * (rotation ? dir.dot(moment) : dir.dot(force));
      }
      moved = moved || !rotation;
    }
  }
}

}  // namespace

double ligamentForce(double length, double slack_length, double stiffness, double toe_strain) {
  const double strain = length / slack_length - 1.0;
  if (strain <= 0.0) return 0.0;
  if (strain < toe_strain) return stiffness * slack_length * strain * strain / (2.0 * toe_strain);
  return stiffness * slack_length * (strain - 0.5 * toe_strain);
}

namespace {

// One ligament's end points, length, tension and pull into Data, and its generalized force
// added to coord_ligament_force.
inline void calcLigament(const Model& m, Data& d, int l) {
  const std::array<int, 2>& body = m.ligament_body[l];
  const Vec3 p0 = d.body_pose[body[0]] * m.ligament_point[l][0];
  const Vec3 p1 = d.body_pose[body[1]] * m.ligament_point[l][1];
  d.ligament_point_W[l] = {p0, p1};
  const Vec3 span = p1 - p0;
  const double length = span.norm();
  d.ligament_length[l] = length;
  const double tension = ligamentForce(length, m.ligament_slack_length[l], m.ligament_stiffness[l],
                                       m.ligament_toe_strain[l]);
  d.ligament_force[l] = tension;
  if (tension == 0.0 || length < 1e-12) {
    d.ligament_pull_W[l].setZero();
    return;
  }
  const Vec3 pull = tension * span / length;  // on the origin, towards the insertion
  d.ligament_pull_W[l] = pull;
  const int stop = m.ligament_common_body[l];
  addPointForce(m, d, body[0], stop, p0, pull);
  addPointForce(m, d, body[1], stop, p1, -pull);
}

}  // namespace

void calcLigaments(const Model& m, Data& d) {
  requireStages(m, d, kStageKinematics, "calcLigaments");
  d.coord_ligament_force.setZero();
  for (int l = 0; l < m.nligament; ++l) calcLigament(m, d, l);
}

void calcLigamentsOf(const Model& model, Data& data, const std::vector<int>& ligaments) {
  data.coord_ligament_force.setZero();
  for (int l : ligaments) calcLigament(model, data, l);
}

}  // namespace dorsum
