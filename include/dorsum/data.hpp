// Data: everything one frame of the pipeline reads and writes, sized once by makeData() so
// that no stage allocates. Inputs (state) first, then one group per stage, in pipeline order.
// One Data per thread; a Data belongs to the Model it was made for.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

#include "dorsum/model.hpp"

namespace dorsum {

// Which stages have run on the current inputs (Data::stages).
enum Stage : std::uint32_t {
  kStageKinematics = 1u << 0,
  kStageMusclePaths = 1u << 1,
  kStageMuscleState = 1u << 2,
  kStageInverseDynamics = 1u << 3,
  kStageRecruitment = 1u << 4,
  kStageJointLoads = 1u << 5,
};

// A force and moment applied to a body by the world (a held load, a push, a support),
// the force acting at point_B (body frame), both expressed in world axes.
struct ExternalLoad {
  int body = 0;
  Vec3 point_B = Vec3::Zero();   // m
  Vec3 force_W = Vec3::Zero();   // N
  Vec3 moment_W = Vec3::Zero();  // N m
};

// What calcMusclePaths needs of one joint to add w . dp/dq for a point p moved by it, built
// each frame from the kinematics: when every motion of the joint is a rotation (so all turn
// about the joint frame's origin) and each drives one degree of freedom, the term of motion k is
// axis[k] . ((p - origin) x w) into dof[k], with axis[k] = slope dq_c/dq_dof n_W folded in: one
// cross product per joint instead of one per motion, and no look-up through the coordinates.
struct JointPathTerms {
  bool fast = false;  // false: the general walk over the joint's motions (translations, couplings)
  int count = 0;      // motions that move anything (at most 3 when fast)
  Vec3 origin = Vec3::Zero();
  std::array<Vec3, 3> axis{Vec3::Zero(), Vec3::Zero(), Vec3::Zero()};
  std::array<int, 3> dof{0, 0, 0};
  // Three motions driving consecutive degrees of freedom dof[0] .. dof[0] + 2 (the common case):
  // calcMusclePaths then adds the three terms with packed operations, reading axis[0] and
  // axis[1] component by component from axis01 (x0 x1 y0 y1 z0 z1)
  bool packed = false;
  std::array<double, 6> axis01{0, 0, 0, 0, 0, 0};
};

// A path segment that joins two bodies, as calcJointLoads reads it: the muscle's tension pulls
// path point `from` towards path point `to` and `to` towards `from`.
struct CrossingSegment {
  int muscle = 0;
  int from = 0, to = 0;
};

struct Data {
  // ---- inputs: the state of the independent coordinates                         (ndof)
  Eigen::VectorXd q;           // rad or m
  Eigen::VectorXd qd;          // rad/s or m/s
  Eigen::VectorXd qdd;         // rad/s^2 or m/s^2
  Eigen::VectorXd activation;  // muscle activation in [0, 1]                     (nmuscle)
  // Loads on the body from outside; makeData reserves room for kMaxExternalLoads so that
  // setting them each frame does not allocate.
  std::vector<ExternalLoad> external_loads;

  std::uint32_t stages = 0;  // Stage bits of the stages run since the inputs last changed

  // ---- calcKinematics
  Eigen::VectorXd coord_value;         // every coordinate, rad or m              (ncoord)
  Eigen::VectorXd coord_speed;         // rad/s or m/s                            (ncoord)
  std::vector<double> coord_jac;       // dq_c/dq_dof on the pattern Model::jac_dof  (nnz)
  std::vector<Pose> body_pose;         // X_WB of every body                      (nbody)
  std::vector<Vec3> axis_origin_W;     // origin of each joint motion's frame, m  (naxis)
  std::vector<Vec3> axis_direction_W;  // its unit axis in world                  (naxis)
  Eigen::VectorXd axis_value;          // its angle (rad) or displacement (m)     (naxis)
  Eigen::VectorXd axis_slope;          // d value / d q of its coordinate         (naxis)

  // ---- calcMusclePaths
  std::vector<Vec3> point_position_W;      // every path point, world, m             (npoint)
  std::vector<std::uint8_t> point_active;  // 1 where the point is part of the path (npoint)
  Eigen::VectorXd muscle_length;           // musculotendon length, m                (nmuscle)
  Eigen::VectorXd muscle_speed;            // lengthening speed, m/s                 (nmuscle)
  Eigen::MatrixXd moment_arm;  // r = -dL/dq: m per rad or m per m       (ndof x nmuscle)
  std::vector<JointPathTerms> joint_path_terms;  // scratch of calcMusclePaths       (njoint)
  // The joints each path segment climbs, in climbing order, for the muscles whose path points
  // are all fixed on their bodies (no conditional or moving point: their segments never
  // change). Built by makeData from the model alone; muscle_path_step_start[mu] is -1 for the
  // other muscles (and an empty table makes every muscle take the general walk). The steps of
  // the segment that ends at path point pt are path_step[segment_step_start[pt] ..
  // segment_step_start[pt + 1]), each 2 j + 1 for joint j on the side of pt, 2 j on the side
  // of the point before it.
  std::vector<int> muscle_path_step_start;  // (nmuscle)
  std::vector<int> segment_step_start;      // (npoint + 1)
  std::vector<int> path_step;

  // ---- calcMuscleState (rigid tendon, muscle.hpp)                              (nmuscle)
  Eigen::VectorXd muscle_fiber_length;         // l_f, m
  Eigen::VectorXd muscle_norm_fiber_length;    // l_f / l_opt
  Eigen::VectorXd muscle_norm_fiber_velocity;  // v_f / (v_max l_opt), positive lengthening
  Eigen::VectorXd muscle_cos_pennation;        // cos(alpha)
  Eigen::VectorXd muscle_active_fl;            // active force-length multiplier f_L
  Eigen::VectorXd muscle_fv;                   // force-velocity multiplier f_V
  Eigen::VectorXd muscle_passive_fl;           // passive force-length multiplier f_PE
  Eigen::VectorXd muscle_active_gain;          // F0 f_L f_V cos(alpha): N per unit activation
  Eigen::VectorXd muscle_passive_force;        // F0 f_PE cos(alpha), N along the tendon
  Eigen::VectorXd muscle_force;                // a * gain + passive, N along the tendon
  // Per-muscle constants of the pennation model, set by makeData (calcPennationConstants);
  // calcMuscleState computes them itself when they are empty
  Eigen::VectorXd muscle_fiber_height;     // l_opt sin(alpha_0), m
  Eigen::VectorXd muscle_min_fiber_along;  // shortest l_f cos(alpha), m

  // ---- calcInverseDynamics
  Eigen::VectorXd coord_accel;     // every coordinate's acceleration              (ncoord)
  std::vector<Vec3> body_omega_W;  // angular velocity, rad/s                      (nbody)
  std::vector<Vec3> body_alpha_W;  // angular acceleration, rad/s^2                (nbody)
  std::vector<Vec3> body_accel_W;  // acceleration of the body origin, m/s^2       (nbody)
  // Wrench each body needs (inertial minus gravity minus external loads, ground reaction
  // included), about the world origin, N and N m; then summed over each body's subtree.
  std::vector<Vec3> body_force_W, body_moment_W;        // (nbody)
  std::vector<Vec3> subtree_force_W, subtree_moment_W;  // (nbody)
  std::vector<Vec3> ground_force_W;      // reaction of the ground on each contact, N    (nground)
  std::vector<Vec3> ground_moment_W;     // its free moment, N m                          (nground)
  Eigen::VectorXd tau_inverse_dynamics;  // generalized force the actuators must supply (ndof)
  // supplied by the passive structures: each coordinate's passive force and the ligaments (ndof)
  Eigen::VectorXd tau_passive;
  // Ligaments (calcLigaments): end points in world (origin, insertion), length, tension, and
  // their generalized force on each coordinate
  std::vector<std::array<Vec3, 2>> ligament_point_W;  // m                      (nligament)
  Eigen::VectorXd ligament_length;                    // m                      (nligament)
  Eigen::VectorXd ligament_force;                     // N                      (nligament)
  // its force on the origin (towards the insertion; the opposite acts on the insertion), zero
  // while slack, for calcJointLoads
  std::vector<Vec3> ligament_pull_W;     // N                                      (nligament)
  Eigen::VectorXd coord_ligament_force;  // N m or N               (ncoord)

  // ---- solveRecruitment (recruit.hpp); muscle forces land in muscle_force
  Eigen::VectorXd contact_force;       // scapulothoracic pressing force, N            (ncontact)
  std::vector<Vec3> contact_point_W;   // where it acts, world                         (ncontact)
  std::vector<Vec3> contact_normal_W;  // its direction on the pressing body, world    (ncontact)
  Eigen::VectorXd reserve;             // reserve actuator at each balanced dof, N m   (ndof)
  Eigen::VectorXd residual;            // balance residual at each balanced dof, N m   (ndof)
  double max_residual = 0.0;           // largest |residual|, N m
  int recruitment_iterations = 0;
  bool recruitment_converged = false;

  // ---- calcJointLoads
  // Forces of the muscles and contacts on each body (about the world origin), then over
  // each subtree: what crosses into the subtree from outside it.
  std::vector<Vec3> body_actuator_force_W, body_actuator_moment_W;        // (nbody)
  std::vector<Vec3> subtree_actuator_force_W, subtree_actuator_moment_W;  // (nbody)
  // Load that everything above a joint exerts on the body below it, in the joint's disc frame
  // (origin at the disc centre when known, else the joint centre; axes bisecting the two
  // bodies' joint frames): force (N) and moment (N m), and that frame in world.
  std::vector<Vec3> joint_force_D, joint_moment_D;  // (njoint)
  std::vector<Pose> joint_disc_frame_W;             // (njoint)
  // Set by makeData from the model: bit 0 when the joint's frame on the parent
  // (Model::joint_X_PF) has exactly the identity rotation, bit 1 when its frame on the child
  // (joint_X_MC) has; calcJointLoads then skips the 3 x 3 product with it. Empty: no skipping.
  std::vector<std::uint8_t> joint_frame_identity;  // (njoint)
  // The segments by which the muscles whose path points are all fixed on their bodies (as for
  // path_step) pull on two bodies, built by makeData from the model alone and grouped by that
  // pair of bodies, so that each group adds its summed force and moment to its two bodies
  // once: group g joins load_pair_body[g][0] (every segment's `from` end) and
  // load_pair_body[g][1] (every `to` end), the lower-numbered body first, with segments
  // load_segment[load_pair_start[g] .. load_pair_start[g + 1]). The other muscles (conditional
  // or moving points) are listed in load_walk_muscle and take the general walk over their
  // active points.
  std::vector<std::array<int, 2>> load_pair_body;  // (npair)
  std::vector<int> load_pair_start;                // (npair + 1)
  std::vector<CrossingSegment> load_segment;
  std::vector<int> load_walk_muscle;
};

inline constexpr int kMaxExternalLoads = 64;

// A Data with every buffer sized for `model`, the state at the coordinates' defaults, zero
// speeds and accelerations, zero activations.
Data makeData(const Model& model);

// Writes the default values of the independent coordinates into data.q and zeroes qd, qdd.
void setDefaultState(const Model& model, Data& data);

}  // namespace dorsum
