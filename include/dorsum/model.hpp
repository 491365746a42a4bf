// Model: the compiled, immutable form of a ModelSpec. Flat arrays named <object>_<field>, each
// with its unit and size in a comment, indexed by integers; names for look-up. One Model is
// shared by every thread; each thread owns a Data (data.hpp).
//
// Order guarantees made by compile():
// - body 0 is the ground; a body's parent has a smaller index than the body (so one forward
//   sweep visits parents first); joint j moves body j + 1 (njoint = nbody - 1);
// - coordinates are kept in spec order; coord_order lists them so that every coupled
//   coordinate comes after the coordinates it depends on;
// - a muscle's path points are contiguous, origin first.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "dorsum/function.hpp"
#include "dorsum/spec.hpp"

namespace dorsum {

struct Model {
  std::string name;
  Vec3 gravity = Vec3::Zero();  // m/s^2, world frame

  int nbody = 0;            // bodies, ground included
  int njoint = 0;           // joints (nbody - 1)
  int naxis = 0;            // elementary joint motions over all joints
  int ncoord = 0;           // coordinates
  int ndof = 0;             // independent (free, uncoupled) coordinates: what solvers see
  int nlandmark = 0;        // landmarks
  int nmuscle = 0;          // musculotendon units
  int npoint = 0;           // path points over all muscles
  int max_path_points = 0;  // largest number of path points of one muscle

  // bodies                                                                        (nbody)
  std::vector<std::string> body_name;
  std::vector<int> body_parent;    // parent body, -1 for ground
  std::vector<int> body_depth;     // 0 for ground, parent depth + 1
  std::vector<double> body_mass;   // kg
  std::vector<Vec3> body_com;      // centre of mass, body frame, m
  std::vector<Mat3> body_inertia;  // about the centre of mass, body axes, kg m^2

  // joints (joint j moves body j + 1)                                              (njoint)
  std::vector<std::string> joint_name;
  std::vector<JointSpec::Type> joint_type;
  std::vector<Pose> joint_X_PF;         // joint frame F in the parent body
  std::vector<Pose> joint_X_MC;         // child body frame C in the joint's moving frame M
  std::vector<int> joint_axis_start;    // first elementary motion
  std::vector<int> joint_axis_count;    // number of elementary motions (0 to 6)
  std::vector<Vec3> joint_load_origin;  // where joint loads are reported, parent frame, m

  // elementary joint motions                                                       (naxis)
  std::vector<int> axis_joint;
  std::vector<std::uint8_t> axis_rotation;  // 1: rotation (rad), 0: translation (m)
  std::vector<Vec3> axis_direction;         // unit axis in the joint's current moving frame
  std::vector<int> axis_coord;              // driving coordinate, -1 for a constant motion
  std::vector<int> axis_function;           // index in `functions`, -1 for the identity

  // coordinates                                                                    (ncoord)
  std::vector<std::string> coord_name;
  std::vector<double> coord_default;  // rad or m
  std::vector<double> coord_min;      // rad or m
  std::vector<double> coord_max;      // rad or m
  std::vector<bool> coord_rotational;
  std::vector<bool> coord_locked;
  std::vector<int> coord_dof;         // degree of freedom, -1 if locked or coupled
  std::vector<int> coord_order;       // evaluation order (dependencies first)
  std::vector<int> coord_passive;     // passive force function (index in `functions`), -1 none
  std::vector<bool> coord_balanced;   // balanced by the muscles in recruitment
  std::vector<int> coord_term_start;  // coupling terms (term_*), count 0 if not coupled
  std::vector<int> coord_term_count;
  // Sparse pattern of dq_c/dq_dof: for coordinate c, entries coord_jac_start[c] ...
  // coord_jac_start[c] + coord_jac_count[c] - 1 of jac_dof (the degrees of freedom it depends on).
  std::vector<int> coord_jac_start;
  std::vector<int> coord_jac_count;
  std::vector<int> jac_dof;
  // coupling terms: q_c = sum_k f_k(q_{term_coord[k]})
  std::vector<int> term_coord;
  std::vector<int> term_function;       // index in `functions`, -1 for the identity
  std::vector<int> term_jac_map;        // for each entry of the source coordinate's pattern,
  std::vector<int> term_jac_map_start;  //   its position in the coupled one's (per term)

  // degrees of freedom                                                             (ndof)
  std::vector<int> dof_coord;  // the coordinate each degree of freedom is

  // landmarks                                                                      (nlandmark)
  std::vector<std::string> landmark_name;
  std::vector<int> landmark_body;
  std::vector<Vec3> landmark_location;  // body frame, m

  // muscles                                                                        (nmuscle)
  std::vector<std::string> muscle_name;
  std::vector<std::string> muscle_anatomical;  // the anatomical muscle ("multifidus")
  std::vector<std::string> muscle_group;
  std::vector<std::string> muscle_layer;
  std::vector<std::string> muscle_side;
  std::vector<double> muscle_max_force;          // F0, N
  std::vector<double> muscle_opt_fiber_length;   // l_opt, m
  std::vector<double> muscle_tendon_slack;       // l_TS, m
  std::vector<double> muscle_pennation_opt;      // alpha_0, rad
  std::vector<double> muscle_max_velocity;       // v_max, l_opt/s
  std::vector<double> muscle_activation_time;    // tau_a, s
  std::vector<double> muscle_deactivation_time;  // tau_d, s
  std::vector<int> muscle_point_start;           // first path point
  std::vector<int> muscle_point_count;           // path points (conditional ones included)
  // Degrees of freedom [dof_begin, dof_end) that can have a non-zero moment arm: those of the
  // joints between the path's bodies and their lowest common ancestor, and of the coordinates
  // that move its points. Moment arms outside the range are zero in every posture.
  std::vector<int> muscle_dof_begin;
  std::vector<int> muscle_dof_end;

  // path points                                                                    (npoint)
  std::vector<int> point_body;
  std::vector<Vec3> point_location;    // body frame, m (components a moving point overrides)
  std::vector<int> point_cond_coord;   // -1 if always active
  std::vector<double> point_cond_min;  // active while min <= q <= max
  std::vector<double> point_cond_max;
  std::vector<std::array<int, 3>> point_moving_coord;     // per component, -1 if fixed
  std::vector<std::array<int, 3>> point_moving_function;  // index in `functions`, -1 identity

  // scapulothoracic-type contacts                                                 (ncontact)
  int ncontact = 0;
  std::vector<std::string> contact_name;
  std::vector<int> contact_body;
  std::vector<Vec3> contact_location;  // body frame, m
  std::vector<int> contact_surface_body;
  std::vector<int> contact_common_body;  // the two bodies' lowest common ancestor
  std::vector<Vec3> contact_centre;      // ellipsoid centre, surface body frame, m
  std::vector<Vec3> contact_radii;       // ellipsoid semi-axes, m

  // ground contacts (the feet)                                                     (nground)
  int nground = 0;
  std::vector<std::string> ground_name;
  std::vector<int> ground_body;
  std::vector<Vec3> ground_location;  // body frame, m

  // ligaments: straight passive bands between two bodies (spec.hpp LigamentSpec) (nligament)
  int nligament = 0;
  std::vector<std::string> ligament_name;
  std::vector<int> ligament_joint;                  // the joint it spans, -1 if not given
  std::vector<std::array<int, 2>> ligament_body;    // origin's and insertion's body
  std::vector<std::array<Vec3, 2>> ligament_point;  // in those bodies' frames, m
  std::vector<int> ligament_common_body;            // their lowest common ancestor
  std::vector<double> ligament_slack_length;        // L0, m
  std::vector<double> ligament_stiffness;           // k, N/m
  std::vector<double> ligament_toe_strain;          // e_toe
  std::vector<double> ligament_failure_force;       // N

  std::vector<Function> functions;  // every non-identity function the model uses

  // Look-up by name: the index, or -1.
  int findBody(const std::string& name) const;
  int findJoint(const std::string& name) const;
  int findCoordinate(const std::string& name) const;
  int findLandmark(const std::string& name) const;
  int findMuscle(const std::string& name) const;
  int findLigament(const std::string& name) const;

  // Value, slope and curvature of function f of the table at x; f = -1 is the identity, which
  // has no table entry (axes, coupling terms and moving points use it most of the time).
  void evalFunction(int f, double x, double& value, double& slope, double& curvature) const {
    if (f < 0) {
      value = x, slope = 1.0, curvature = 0.0;
      return;
    }
    functions[f].evaluate(x, value, slope, curvature);
  }

  std::unordered_map<std::string, int> body_index, joint_index, coord_index, landmark_index,
      muscle_index, ligament_index;
};

// Checks a ModelSpec and compiles it. Throws SpecError naming the object and field at fault.
Model compile(const ModelSpec& spec);

}  // namespace dorsum
