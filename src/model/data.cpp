#include "dorsum/data.hpp"

#include <algorithm>

#include "dorsum/muscle.hpp"

namespace dorsum {
namespace {

// True when every path point of the muscle is fixed on its body (no condition, no moving
// location): its segments, and the bodies they join, never change.
bool hasFixedPath(const Model& model, int mu) {
  const int first = model.muscle_point_start[mu], count = model.muscle_point_count[mu];
  for (int pt = first; pt < first + count; ++pt) {
    const auto& mc = model.point_moving_coord[pt];
    if (model.point_cond_coord[pt] >= 0 || mc[0] >= 0 || mc[1] >= 0 || mc[2] >= 0) return false;
  }
  return true;
}

// Whether some motion of joint j can ever move its body: a motion counts when it has a
// driving coordinate that depends on some degree of freedom. A joint all of whose coordinates
// are locked (or constant) adds no term to any moment arm in any frame, so the recorded climbs
// leave it out rather than have calcMusclePaths visit it every frame for nothing.
bool jointCanMove(const Model& model, int j) {
  const int first = model.joint_axis_start[j], end = first + model.joint_axis_count[j];
  for (int a = first; a < end; ++a) {
    const int c = model.axis_coord[a];
    if (c >= 0 && model.coord_jac_count[c] > 0) return true;
  }
  return false;
}

// The tables of calcJointLoads (Data::load_pair_body): the 1,700 body-crossing segments of the
// built-in model join some 300 pairs of bodies, so summing each pair's pull before touching the
// bodies' totals saves most of the per-body updates.
void buildLoadSegments(const Model& model, Data& d) {
  struct Entry {
    std::array<int, 2> body;
    CrossingSegment segment;
  };
  std::vector<Entry> entries;
  for (int mu = 0; mu < model.nmuscle; ++mu) {
    if (!hasFixedPath(model, mu)) {
      d.load_walk_muscle.push_back(mu);
      continue;
    }
    const int first = model.muscle_point_start[mu], count = model.muscle_point_count[mu];
    for (int pt = first + 1; pt < first + count; ++pt) {
      const int a = model.point_body[pt - 1], b = model.point_body[pt];
      // Each pair once, lower body first; the pull is symmetric, so the ends may swap.
      if (a < b)
        entries.push_back({{a, b}, {mu, pt - 1, pt}});
      else if (b < a)
        entries.push_back({{b, a}, {mu, pt, pt - 1}});
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& x, const Entry& y) { return x.body < y.body; });
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i == 0 || entries[i].body != entries[i - 1].body) {
      d.load_pair_body.push_back(entries[i].body);
      d.load_pair_start.push_back(static_cast<int>(i));
    }
    d.load_segment.push_back(entries[i].segment);
  }
  d.load_pair_start.push_back(static_cast<int>(entries.size()));
}

}  // namespace

Data makeData(const Model& model) {
  Data d;
  d.q.setZero(model.ndof);
  d.qd.setZero(model.ndof);
  d.qdd.setZero(model.ndof);
  d.activation.setZero(model.nmuscle);
  d.external_loads.reserve(kMaxExternalLoads);

  d.coord_value.setZero(model.ncoord);
  d.coord_speed.setZero(model.ncoord);
  d.coord_jac.assign(model.jac_dof.size(), 0.0);
  d.body_pose.assign(model.nbody, Pose{});
  d.axis_origin_W.assign(model.naxis, Vec3::Zero());
  d.axis_direction_W.assign(model.naxis, Vec3::Zero());
  d.axis_value.setZero(model.naxis);
  d.axis_slope.setZero(model.naxis);

  d.point_position_W.assign(model.npoint, Vec3::Zero());
  d.point_active.assign(model.npoint, 0);
  d.muscle_length.setZero(model.nmuscle);
  d.muscle_speed.setZero(model.nmuscle);
  d.moment_arm.setZero(model.ndof, model.nmuscle);
  d.joint_path_terms.assign(model.njoint, JointPathTerms{});
  // The climb of calcLengthAndDerivative (muscle_path.cpp), recorded once for fixed paths,
  // without the joints that can never move (jointCanMove).
  d.muscle_path_step_start.assign(model.nmuscle, -1);
  d.segment_step_start.assign(model.npoint + 1, 0);
  for (int mu = 0; mu < model.nmuscle; ++mu) {
    const int first = model.muscle_point_start[mu], count = model.muscle_point_count[mu];
    if (!hasFixedPath(model, mu)) continue;
    d.muscle_path_step_start[mu] = static_cast<int>(d.path_step.size());
    for (int pt = first; pt < first + count; ++pt) {
      d.segment_step_start[pt] = static_cast<int>(d.path_step.size());
      if (pt == first) continue;
      int a = model.point_body[pt - 1], b = model.point_body[pt];
      while (a != b) {
        const int da = model.body_depth[a], db = model.body_depth[b];
        if (da >= db) {
          if (jointCanMove(model, a - 1)) d.path_step.push_back(2 * (a - 1));
          a = model.body_parent[a];
        }
        if (db >= da) {
          if (jointCanMove(model, b - 1)) d.path_step.push_back(2 * (b - 1) + 1);
          b = model.body_parent[b];
        }
      }
    }
    d.segment_step_start[first + count] = static_cast<int>(d.path_step.size());
  }

  for (Eigen::VectorXd* v :
       {&d.muscle_fiber_length, &d.muscle_norm_fiber_length, &d.muscle_norm_fiber_velocity,
        &d.muscle_cos_pennation, &d.muscle_active_fl, &d.muscle_fv, &d.muscle_passive_fl,
        &d.muscle_active_gain, &d.muscle_passive_force, &d.muscle_force})
    v->setZero(model.nmuscle);
  d.muscle_fiber_height.setZero(model.nmuscle);
  d.muscle_min_fiber_along.setZero(model.nmuscle);
  for (int m = 0; m < model.nmuscle; ++m) {
    const PennationConstants k = calcPennationConstants(getMuscleParameters(model, m));
    d.muscle_fiber_height[m] = k.height;
    d.muscle_min_fiber_along[m] = k.min_along;
  }

  d.coord_accel.setZero(model.ncoord);
  for (auto* v : {&d.body_omega_W, &d.body_alpha_W, &d.body_accel_W, &d.body_force_W,
                  &d.body_moment_W, &d.subtree_force_W, &d.subtree_moment_W})
    v->assign(model.nbody, Vec3::Zero());
  d.ground_force_W.assign(model.nground, Vec3::Zero());
  d.ground_moment_W.assign(model.nground, Vec3::Zero());
  d.tau_inverse_dynamics.setZero(model.ndof);
  d.tau_passive.setZero(model.ndof);
  d.ligament_point_W.assign(model.nligament, {Vec3::Zero(), Vec3::Zero()});
  d.ligament_length.setZero(model.nligament);
  d.ligament_force.setZero(model.nligament);
  d.ligament_pull_W.assign(model.nligament, Vec3::Zero());
  d.coord_ligament_force.setZero(model.ncoord);

  d.contact_force.setZero(model.ncontact);
  d.contact_point_W.assign(model.ncontact, Vec3::Zero());
  d.contact_normal_W.assign(model.ncontact, Vec3::Zero());
  d.reserve.setZero(model.ndof);
  d.residual.setZero(model.ndof);
  for (auto* v : {&d.body_actuator_force_W, &d.body_actuator_moment_W, &d.subtree_actuator_force_W,
                  &d.subtree_actuator_moment_W})
    v->assign(model.nbody, Vec3::Zero());
  d.joint_force_D.assign(model.njoint, Vec3::Zero());
  d.joint_moment_D.assign(model.njoint, Vec3::Zero());
  d.joint_disc_frame_W.assign(model.njoint, Pose{});
  d.joint_frame_identity.assign(model.njoint, 0);
  for (int j = 0; j < model.njoint; ++j) {
    // Exactly the identity (no tolerance), so that skipping the product changes no bit.
    if (model.joint_X_PF[j].R == Mat3::Identity()) d.joint_frame_identity[j] |= 1u;
    if (model.joint_X_MC[j].R == Mat3::Identity()) d.joint_frame_identity[j] |= 2u;
  }
  buildLoadSegments(model, d);

  setDefaultState(model, d);
  return d;
}

void setDefaultState(const Model& model, Data& data) {
  for (int k = 0; k < model.ndof; ++k) data.q[k] = model.coord_default[model.dof_coord[k]];
  data.qd.setZero();
  data.qdd.setZero();
  data.stages = 0;
}

}  // namespace dorsum
