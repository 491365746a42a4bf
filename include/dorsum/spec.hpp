// ModelSpec: the editable, named description of a musculoskeletal model. The built-in anatomy
// generator and the .osim importer both produce one; scaling edits one; compile() checks it
// and turns it into an immutable Model (model.hpp).
//
// Units are SI throughout (m, kg, kg m^2, N, rad); axes follow the ISB convention (+X anterior,
// +Y superior, +Z right).
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "dorsum/function.hpp"

namespace dorsum {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

// A rigid transform X_AB: orientation R_AB and position p_AB of frame B's origin, both in A.
struct Pose {
  Mat3 R = Mat3::Identity();
  Vec3 p = Vec3::Zero();

  Vec3 operator*(const Vec3& x_B) const { return R * x_B + p; }
  Pose operator*(const Pose& X_BC) const { return {R * X_BC.R, R * X_BC.p + p}; }
  Pose inverse() const { return {R.transpose(), -(R.transpose() * p)}; }
};

// The world is an implicit body named "ground"; every other body hangs from a joint.
struct BodySpec {
  std::string name;
  double mass = 0.0;            // kg; zero for a massless frame (then inertia must be zero)
  Vec3 com = Vec3::Zero();      // centre of mass in the body frame, m
  Mat3 inertia = Mat3::Zero();  // about the centre of mass, body axes, kg m^2
};

// A named point on a body: an anatomical landmark (spinous process, acromion, ...).
struct LandmarkSpec {
  std::string name;
  std::string body;
  Vec3 location = Vec3::Zero();  // in the body frame, m
};

// A coordinate is a generalized position: an angle (rad) or a distance (m).
// - independent: a degree of freedom that the solvers see;
// - locked: held at its default value (not a degree of freedom);
// - coupled: q = sum over terms of f_k(q_k), where q_k are other coordinates (independent,
//   locked or themselves coupled, without cycles): OpenSim's CoordinateCouplerConstraint and
//   the rhythms that spread a trunk angle over the vertebral levels.
struct CouplingTerm {
  std::string coordinate;
  Function function;  // identity by default
};

struct CoordinateSpec {
  std::string name;
  double default_value = 0.0;
  double range_min = -std::numeric_limits<double>::infinity();
  double range_max = std::numeric_limits<double>::infinity();
  bool rotational = true;  // rad if true, m otherwise
  bool locked = false;
  std::vector<CouplingTerm> coupling;  // empty: not coupled
  // Passive generalized force of the tissues this coordinate deforms (an intervertebral
  // joint's moment-angle stiffness), N m or N, as a function of the coordinate's value;
  // positive pushes the coordinate towards larger values.
  std::optional<Function> passive_force;
  // The passive_force curve was measured on a whole motion segment (an in-vitro pure-moment
  // test), so it already holds the moment of the model's ligaments that span this coordinate's
  // joint. compile() then keeps only the remainder (disc and facets): it subtracts the
  // ligaments' generalized force along this coordinate, the others at their defaults, so that
  // the ligaments' moment is not counted twice while their pull still loads the joint.
  bool passive_force_includes_ligaments = false;
  // Balanced by the muscles in recruitment (intervertebral and shoulder-girdle coordinates);
  // the others are reported as net joint moments.
  bool balanced = false;

  bool isCoupled() const { return !coupling.empty(); }
};

// One elementary motion of a joint: a rotation about, or a translation along, a unit axis of
// the joint's current moving frame, by function(coordinate). Axes apply in the order listed,
// each in the frame left by the ones before it (a body-fixed sequence). An empty coordinate
// makes the motion constant: function(0).
struct JointAxisSpec {
  enum class Motion { Rotation, Translation };
  Motion motion = Motion::Rotation;
  Vec3 axis = Vec3::UnitZ();
  std::string coordinate;
  Function function;  // identity by default
};

// A joint connects a parent body to a child body. Its frame F is fixed on the parent (X_PF)
// and its frame M on the child (X_CM); the axes move M relative to F.
struct JointSpec {
  enum class Type {
    Weld,       // no motion
    Pin,        // one rotation
    Universal,  // two rotations
    Rotation3,  // three ordered rotations (the intervertebral joint: Z flexion-extension,
                // X lateral bending, Y axial rotation)
    Custom      // up to three rotations and three translations, functions of coordinates
  };
  std::string name;
  Type type = Type::Weld;
  std::string parent;
  std::string child;
  Pose parent_frame;  // X_PF
  Pose child_frame;   // X_CM
  std::vector<JointAxisSpec> axes;
  // Where joint loads are reported (an intervertebral disc's centre), in the parent body's
  // frame; the joint frame's origin when absent.
  std::optional<Vec3> load_origin;

  static JointSpec weld(std::string name, std::string parent, std::string child,
                        const Pose& parent_frame = {}, const Pose& child_frame = {});
  static JointSpec pin(std::string name, std::string parent, std::string child,
                       std::string coordinate, const Vec3& axis = Vec3::UnitZ(),
                       const Pose& parent_frame = {}, const Pose& child_frame = {});
  static JointSpec universal(std::string name, std::string parent, std::string child,
                             std::string coordinate1, std::string coordinate2,
                             const Vec3& axis1 = Vec3::UnitZ(), const Vec3& axis2 = Vec3::UnitX(),
                             const Pose& parent_frame = {}, const Pose& child_frame = {});
  // Rotations about the joint frame's Z, X and Y axes in that order (flexion-extension, lateral
  // bending, axial rotation); other orders through `order` ("ZXY", "XYZ", ...).
  static JointSpec rotation3(std::string name, std::string parent, std::string child,
                             const std::string& coordinate_z, const std::string& coordinate_x,
                             const std::string& coordinate_y, const Pose& parent_frame = {},
                             const Pose& child_frame = {}, const std::string& order = "ZXY");
  static JointSpec custom(std::string name, std::string parent, std::string child,
                          std::vector<JointAxisSpec> axes, const Pose& parent_frame = {},
                          const Pose& child_frame = {});
};

// A point of a muscle path, fixed on a body, optionally
// - conditional: part of the path only while `condition_coordinate` lies in
//   [condition_min, condition_max] (OpenSim's ConditionalPathPoint), or
// - moving: each component i of its location in the body frame is moving_function[i] of
//   moving_coordinate[i] where that name is non-empty (OpenSim's MovingPathPoint).
// A point may name a landmark instead of a body and location.
struct PathPointSpec {
  std::string body;
  Vec3 location = Vec3::Zero();
  std::string landmark;

  std::string condition_coordinate;
  double condition_min = 0.0, condition_max = 0.0;

  std::array<std::string, 3> moving_coordinate;
  std::array<Function, 3> moving_function;

  static PathPointSpec fixed(std::string body, const Vec3& location);
  static PathPointSpec at(std::string landmark);
  static PathPointSpec conditional(std::string body, const Vec3& location, std::string coordinate,
                                   double min, double max);
  static PathPointSpec moving(std::string body, const Vec3& location,
                              const std::string coordinates[3], const Function functions[3]);
  bool isConditional() const { return !condition_coordinate.empty(); }
  bool isMoving() const;
};

// A Hill-type musculotendon unit (one fascicle of an anatomical muscle).
struct MuscleSpec {
  std::string name;    // unique in the model, side suffixed: "multifidus_L4_r"
  std::string muscle;  // the anatomical muscle: "multifidus"
  std::string group;   // "erector_spinae", "transversospinalis", ...
  std::string layer;   // "superficial", "intermediate", "intrinsic", "other"
  std::string side;    // "left", "right" or "" for a midline unit

  double max_isometric_force = 0.0;        // F0, N
  double optimal_fiber_length = 0.0;       // l_opt, m
  double tendon_slack_length = 0.0;        // l_TS, m
  double pennation_at_optimal = 0.0;       // alpha_0, rad
  double max_contraction_velocity = 10.0;  // v_max, optimal fibre lengths per second
  double activation_time = 0.015;          // tau_a, s (De Groote et al. 2016)
  double deactivation_time = 0.060;        // tau_d, s (De Groote et al. 2016)

  std::vector<PathPointSpec> path;  // origin first, insertion last
};

// A point of `body` that may press on an ellipsoid fixed on `surface_body` but never pull:
// the scapulothoracic contact (scapula on the thorax, as in the Delft shoulder model).
struct ContactSpec {
  std::string name;
  std::string body;
  Vec3 location = Vec3::Zero();  // on `body`, body frame, m
  std::string landmark;          // or a landmark instead of body and location
  std::string surface_body;
  Vec3 centre = Vec3::Zero();  // ellipsoid centre in surface_body's frame, m
  Vec3 radii = Vec3::Ones();   // semi-axes along surface_body's axes, m
};

// A passive band between two landmarks (a spinal ligament): a straight line that pulls only,
// with a quadratic toe region and a linear region. With e = L / slack_length - 1:
//   F = 0 for e <= 0;  F = k L0 e^2 / (2 e_toe) for e < e_toe;  F = k L0 (e - e_toe / 2) beyond,
// where k = stiffness (N/m of elongation in the linear region) and L0 = slack_length.
struct LigamentSpec {
  std::string name;
  std::string origin, insertion;  // landmark names ("L4.spinous_process_tip")
  std::string joint;              // the joint it spans (for grouping and reports); may be empty
  double stiffness = 0.0;         // k, N/m
  double toe_strain = 0.05;       // e_toe
  // Slack length L0, m. When not positive, compile() sets it from the length at the default
  // posture: L0 = L_default / (1 + reference_strain).
  double slack_length = 0.0;
  double reference_strain = 0.0;
  double failure_force = std::numeric_limits<double>::infinity();  // N, reported, not enforced
};

// Where the ground holds the body up: the root's residual wrench is shared among these
// points (the feet) by inverse dynamics (dynamics.hpp documents the rule).
struct GroundContactSpec {
  std::string name;
  std::string body;
  Vec3 location = Vec3::Zero();  // body frame, m
};

struct ModelSpec {
  std::string name;
  Vec3 gravity{0.0, -9.80665, 0.0};  // m/s^2, world frame (standard gravity)
  std::vector<BodySpec> bodies;
  std::vector<JointSpec> joints;
  std::vector<CoordinateSpec> coordinates;
  std::vector<LandmarkSpec> landmarks;
  std::vector<MuscleSpec> muscles;
  std::vector<ContactSpec> contacts;
  std::vector<GroundContactSpec> ground_contacts;
  std::vector<LigamentSpec> ligaments;

  // Appends and returns a reference to the new element (for readable inline test models).
  BodySpec& addBody(std::string name, double mass, const Vec3& com = Vec3::Zero(),
                    const Mat3& inertia = Mat3::Zero());
  JointSpec& addJoint(JointSpec joint);
  CoordinateSpec& addCoordinate(std::string name, double default_value = 0.0,
                                double range_min = -std::numeric_limits<double>::infinity(),
                                double range_max = std::numeric_limits<double>::infinity());
  LandmarkSpec& addLandmark(std::string name, std::string body, const Vec3& location);
  MuscleSpec& addMuscle(std::string name, double max_isometric_force, double optimal_fiber_length,
                        double tendon_slack_length, std::vector<PathPointSpec> path);
};

// Rotation of angle (rad) about a unit axis.
Mat3 rotationAbout(const Vec3& axis, double angle);

}  // namespace dorsum
