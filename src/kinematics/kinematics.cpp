// Forward kinematics: coordinates (with couplings), body poses, and the world frame of every
// elementary joint motion, which is all that point Jacobians and moment arms need.
#include "dorsum/kinematics.hpp"

#include <fmt/format.h>

#include "dorsum/error.hpp"
#include "kinematics/kinematics_internal.hpp"

namespace dorsum {
namespace {

// Rotation by `angle` about the unit axis `a` (Rodrigues' formula).
inline Mat3 rotation(const Vec3& a, double angle) {
  const double c = std::cos(angle), s = std::sin(angle), t = 1.0 - c;
  Mat3 R;
  R << t * a.x() * a.x() + c, t * a.x() * a.y() - s * a.z(), t * a.x() * a.z() + s * a.y(),
      t * a.x() * a.y() + s * a.z(), t * a.y() * a.y() + c, t * a.y() * a.z() - s * a.x(),
      t * a.x() * a.z() - s * a.y(), t * a.y() * a.z() + s * a.x(), t * a.z() * a.z() + c;
  return R;
}

// One coordinate's value, speed and dq_c/dq_dof, from q, qd and its sources' (computed before it
// in Model::coord_order).
inline void calcCoordinate(const Model& m, Data& d, int c) {
  const int start = m.coord_jac_start[c], count = m.coord_jac_count[c];
  double* jac = d.coord_jac.data() + start;
  const int dof = m.coord_dof[c];
  if (dof >= 0) {
    d.coord_value[c] = d.q[dof];
    d.coord_speed[c] = d.qd[dof];
    jac[0] = 1.0;
    return;
  }
  if (m.coord_term_count[c] == 0) {  // locked
    d.coord_value[c] = m.coord_default[c];
    d.coord_speed[c] = 0.0;
    return;
  }
  double value = 0.0;
  for (int e = 0; e < count; ++e) jac[e] = 0.0;
  for (int k = 0; k < m.coord_term_count[c]; ++k) {
    const int term = m.coord_term_start[c] + k, src = m.term_coord[term];
    double f, slope, curvature;
    m.evalFunction(m.term_function[term], d.coord_value[src], f, slope, curvature);
    value += f;
    const int* map = m.term_jac_map.data() + m.term_jac_map_start[term];
    const double* src_jac = d.coord_jac.data() + m.coord_jac_start[src];
    for (int e = 0; e < m.coord_jac_count[src]; ++e) d.coord_jac[map[e]] += slope * src_jac[e];
  }
  double speed = 0.0;
  for (int e = 0; e < count; ++e) speed += jac[e] * d.qd[m.jac_dof[start + e]];
  d.coord_value[c] = value;
  d.coord_speed[c] = speed;
}

void calcCoordinates(const Model& m, Data& d) {
  for (int c : m.coord_order) calcCoordinate(m, d, c);
}

// The poses of `bodies` (every body when null; each listed after its parent) and the world
// frames of their joints' motions. One loop for both uses: as two call sites GCC stopped
// inlining the body of it, a call per body in the full kinematics.
void calcBodyPoses(const Model& m, Data& d, const std::vector<int>* bodies) {
  d.body_pose[0] = Pose{};
  const int n = bodies ? static_cast<int>(bodies->size()) : m.nbody - 1;
  for (int i = 0; i < n; ++i) {
    const int b = bodies ? (*bodies)[i] : i + 1, j = b - 1;
    Pose X = d.body_pose[m.body_parent[b]] * m.joint_X_PF[j];
    const int end = m.joint_axis_start[j] + m.joint_axis_count[j];
    for (int a = m.joint_axis_start[j]; a < end; ++a) {
      const int coord = m.axis_coord[a];
      double value, slope, curvature;
      m.evalFunction(m.axis_function[a], coord >= 0 ? d.coord_value[coord] : 0.0, value, slope,
                     curvature);
      if (coord < 0) slope = 0.0;
      d.axis_origin_W[a] = X.p;
      d.axis_direction_W[a] = X.R * m.axis_direction[a];
      d.axis_value[a] = value;
      d.axis_slope[a] = slope;
      if (m.axis_rotation[a])
        X.R = X.R * rotation(m.axis_direction[a], value);
      else
        X.p += d.axis_direction_W[a] * value;
    }
    d.body_pose[b] = X * m.joint_X_MC[j];
  }
}

}  // namespace

void requireStages(const Model& model, const Data& data, std::uint32_t required,
                   const char* stage) {
  if (data.q.size() != model.ndof || data.qd.size() != model.ndof ||
      static_cast<int>(data.body_pose.size()) != model.nbody ||
      data.muscle_length.size() != model.nmuscle)
    throw UsageError(
        fmt::format("{}: this Data was not made for this Model (use makeData)", stage));
  if ((data.stages & required) != required)
    throw UsageError(
        fmt::format("{}: an earlier stage of the pipeline has not run on this Data "
                    "(run calcKinematics, then calcMusclePaths, ... in order)",
                    stage));
}

void calcKinematics(const Model& model, Data& data) {
  requireStages(model, data, 0, "calcKinematics");
  calcCoordinates(model, data);
  calcBodyPoses(model, data, nullptr);
  data.stages = kStageKinematics;
}

void calcKinematicsOf(const Model& model, Data& data, const std::vector<int>& coords,
                      const std::vector<int>& bodies) {
  requireStages(model, data, 0, "calcKinematicsOf");
  for (int c : coords) calcCoordinate(model, data, c);
  calcBodyPoses(model, data, &bodies);
  data.stages = 0;  // the rest of Data is not this state's
}

Vec3 calcPointPosition(const Model& model, const Data& data, int body, const Vec3& p_B) {
  (void)model;
  return data.body_pose[body] * p_B;
}

namespace {

// Calls fn(a, v) for every elementary joint motion a between `body` and its ancestor `stop` (the
// ground: 0) that moves (slope not zero), with v = d p / d q_c of the world point p for the
// motion's coordinate c.
template <typename Fn>
void forEachPointMotion(const Model& model, const Data& data, int body, const Vec3& p, Fn&& fn,
                        int stop = 0) {
  for (int b = body; b != stop && b > 0; b = model.body_parent[b]) {
    const int j = b - 1, end = model.joint_axis_start[j] + model.joint_axis_count[j];
    for (int a = model.joint_axis_start[j]; a < end; ++a) {
      if (data.axis_slope[a] == 0.0) continue;
      const Vec3& dir = data.axis_direction_W[a];
      fn(a, data.axis_slope[a] *
                (model.axis_rotation[a] ? Vec3(dir.cross(p - data.axis_origin_W[a])) : dir));
    }
  }
}

}  // namespace

void calcPointJacobian(const Model& model, const Data& data, int body, const Vec3& p_B,
                       Jacobian3& J) {
  if (J.cols() != model.ndof) J.resize(3, model.ndof);
  J.setZero();
  forEachPointMotion(model, data, body, data.body_pose[body] * p_B, [&](int a, const Vec3& column) {
    const int c = model.axis_coord[a], start = model.coord_jac_start[c];
    for (int e = 0; e < model.coord_jac_count[c]; ++e)
      J.col(model.jac_dof[start + e]) += column * data.coord_jac[start + e];
  });
}

void addPointForceGeneralized(const Model& model, const Data& data, int body, const Vec3& p_W,
                              const Vec3& f, Eigen::Ref<Eigen::VectorXd> tau, int stop) {
  forEachPointMotion(
      model, data, body, p_W,
      [&](int a, const Vec3& column) {
        const double work = column.dot(f);
        const int c = model.axis_coord[a], start = model.coord_jac_start[c];
        for (int e = 0; e < model.coord_jac_count[c]; ++e)
          tau[model.jac_dof[start + e]] += work * data.coord_jac[start + e];
      },
      stop);
}

Vec3 calcPointVelocity(const Model& model, const Data& data, int body, const Vec3& p_B) {
  Vec3 v = Vec3::Zero();
  forEachPointMotion(model, data, body, data.body_pose[body] * p_B, [&](int a, const Vec3& column) {
    v += column * data.coord_speed[model.axis_coord[a]];
  });
  return v;
}

}  // namespace dorsum
