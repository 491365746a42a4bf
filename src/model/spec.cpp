#include <Eigen/Geometry>

#include "dorsum/spec.hpp"

namespace dorsum {

Mat3 rotationAbout(const Vec3& axis, double angle) {
  return Eigen::AngleAxisd(angle, axis.normalized()).toRotationMatrix();
}

static JointAxisSpec rotationAxis(std::string coordinate, const Vec3& axis) {
  JointAxisSpec a;
  a.motion = JointAxisSpec::Motion::Rotation;
  a.axis = axis;
  a.coordinate = std::move(coordinate);
  return a;
}

static JointSpec makeJoint(JointSpec::Type type, std::string name, std::string parent,
                           std::string child, const Pose& parent_frame, const Pose& child_frame) {
  JointSpec j;
  j.type = type;
  j.name = std::move(name);
  j.parent = std::move(parent);
  j.child = std::move(child);
  j.parent_frame = parent_frame;
  j.child_frame = child_frame;
  return j;
}

JointSpec JointSpec::weld(std::string name, std::string parent, std::string child,
                          const Pose& parent_frame, const Pose& child_frame) {
  return makeJoint(Type::Weld, std::move(name), std::move(parent), std::move(child), parent_frame,
                   child_frame);
}

JointSpec JointSpec::pin(std::string name, std::string parent, std::string child,
                         std::string coordinate, const Vec3& axis, const Pose& parent_frame,
                         const Pose& child_frame) {
  JointSpec j = makeJoint(Type::Pin, std::move(name), std::move(parent), std::move(child),
                          parent_frame, child_frame);
  j.axes.push_back(rotationAxis(std::move(coordinate), axis));
  return j;
}

JointSpec JointSpec::universal(std::string name, std::string parent, std::string child,
                               std::string coordinate1, std::string coordinate2, const Vec3& axis1,
                               const Vec3& axis2, const Pose& parent_frame,
                               const Pose& child_frame) {
  JointSpec j = makeJoint(Type::Universal, std::move(name), std::move(parent), std::move(child),
                          parent_frame, child_frame);
  j.axes.push_back(rotationAxis(std::move(coordinate1), axis1));
  j.axes.push_back(rotationAxis(std::move(coordinate2), axis2));
  return j;
}

JointSpec JointSpec::rotation3(std::string name, std::string parent, std::string child,
                               const std::string& coordinate_z, const std::string& coordinate_x,
                               const std::string& coordinate_y, const Pose& parent_frame,
                               const Pose& child_frame, const std::string& order) {
  JointSpec j = makeJoint(Type::Rotation3, std::move(name), std::move(parent), std::move(child),
                          parent_frame, child_frame);
  for (char c : order) {
    switch (c) {
      case 'X':
        j.axes.push_back(rotationAxis(coordinate_x, Vec3::UnitX()));
        break;
      case 'Y':
        j.axes.push_back(rotationAxis(coordinate_y, Vec3::UnitY()));
        break;
      case 'Z':
        j.axes.push_back(rotationAxis(coordinate_z, Vec3::UnitZ()));
        break;
      default:
        j.axes.push_back(rotationAxis("", Vec3::Zero()));  // refused by compile()
    }
  }
  return j;
}

JointSpec JointSpec::custom(std::string name, std::string parent, std::string child,
                            std::vector<JointAxisSpec> axes, const Pose& parent_frame,
                            const Pose& child_frame) {
  JointSpec j = makeJoint(Type::Custom, std::move(name), std::move(parent), std::move(child),
                          parent_frame, child_frame);
  j.axes = std::move(axes);
  return j;
}

PathPointSpec PathPointSpec::fixed(std::string body, const Vec3& location) {
  PathPointSpec p;
  p.body = std::move(body);
  p.location = location;
  return p;
}

PathPointSpec PathPointSpec::at(std::string landmark) {
  PathPointSpec p;
  p.landmark = std::move(landmark);
  return p;
}

PathPointSpec PathPointSpec::conditional(std::string body, const Vec3& location,
                                         std::string coordinate, double min, double max) {
  PathPointSpec p = fixed(std::move(body), location);
  p.condition_coordinate = std::move(coordinate);
  p.condition_min = min;
  p.condition_max = max;
  return p;
}

PathPointSpec PathPointSpec::moving(std::string body, const Vec3& location,
                                    const std::string coordinates[3], const Function functions[3]) {
  PathPointSpec p = fixed(std::move(body), location);
  for (int i = 0; i < 3; ++i) {
    p.moving_coordinate[i] = coordinates[i];
    p.moving_function[i] = functions[i];
  }
  return p;
}

bool PathPointSpec::isMoving() const {
  return !moving_coordinate[0].empty() || !moving_coordinate[1].empty() ||
         !moving_coordinate[2].empty();
}

BodySpec& ModelSpec::addBody(std::string name, double mass, const Vec3& com, const Mat3& inertia) {
  bodies.push_back({std::move(name), mass, com, inertia});
  return bodies.back();
}

JointSpec& ModelSpec::addJoint(JointSpec joint) {
  joints.push_back(std::move(joint));
  return joints.back();
}

CoordinateSpec& ModelSpec::addCoordinate(std::string name, double default_value, double range_min,
                                         double range_max) {
  CoordinateSpec c;
  c.name = std::move(name);
  c.default_value = default_value;
  c.range_min = range_min;
  c.range_max = range_max;
  coordinates.push_back(std::move(c));
  return coordinates.back();
}

LandmarkSpec& ModelSpec::addLandmark(std::string name, std::string body, const Vec3& location) {
  landmarks.push_back({std::move(name), std::move(body), location});
  return landmarks.back();
}

MuscleSpec& ModelSpec::addMuscle(std::string name, double max_isometric_force,
                                 double optimal_fiber_length, double tendon_slack_length,
                                 std::vector<PathPointSpec> path) {
  MuscleSpec m;
  m.name = std::move(name);
  m.max_isometric_force = max_isometric_force;
  m.optimal_fiber_length = optimal_fiber_length;
  m.tendon_slack_length = tendon_slack_length;
  m.path = std::move(path);
  muscles.push_back(std::move(m));
  return muscles.back();
}

}  // namespace dorsum
