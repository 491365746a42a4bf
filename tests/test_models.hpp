// Inline test models shared by the kinematics, path and allocation tests.
#pragma once

#include <random>

#include "dorsum/data.hpp"
#include "dorsum/spec.hpp"

namespace test_models {

// Every kind of joint, coupling and path point, a few readable lines each:
// - pelvis on a free custom joint (3 translations, 3 rotations);
// - lumbar on a three-rotation joint whose axial rotation is coupled to the other two;
// - thorax on a three-rotation joint following the lumbar angles by a rhythm (linear) and a
//   polynomial, with its own axial rotation free;
// - head on a universal joint whose second angle is coupled to a coupled coordinate (a chain);
// - thigh on a universal joint with a locked adduction; shank on an OpenSim-style knee;
// - muscles with via points, a conditional point and moving points.
inline dorsum::ModelSpec everything() {
  using namespace dorsum;
  const Mat3 I = Mat3::Identity() * 0.02;
  ModelSpec s;
  s.name = "everything";
  for (const char* b : {"pelvis", "lumbar", "thorax", "head", "thigh", "shank"})
    s.addBody(b, 2.0, Vec3(0.01, 0.05, 0.0), I);
  for (const char* c : {"tx", "ty", "tz"}) s.addCoordinate(c, 0.0, -1.0, 1.0).rotational = false;
  for (const char* c : {"rz", "rx", "ry", "lumbar_ext", "lumbar_lat", "thorax_rot", "head_flex",
                        "hip_flex", "knee"})
    s.addCoordinate(c, 0.0, -2.0, 2.0);
  s.addCoordinate("lumbar_rot").coupling = {
      {"lumbar_lat", Function::linear(0.3)},
      {"lumbar_ext", Function::naturalCubicSpline({-1, 0, 1}, {0.1, 0.0, 0.2})}};
  s.addCoordinate("thorax_ext").coupling = {{"lumbar_ext", Function::linear(0.6)}};
  s.addCoordinate("thorax_lat").coupling = {{"lumbar_lat", Function::polynomial({0.1, 1.0, 2.0})}};
  s.addCoordinate("head_tilt").coupling = {{"thorax_ext", Function::linear(0.5)},
                                           {"head_flex", Function::linear(0.2)}};
  CoordinateSpec& add = s.addCoordinate("hip_add", 0.1, -0.5, 0.5);
  add.locked = true;

  using M = JointAxisSpec::Motion;
  std::vector<JointAxisSpec> free{
      {M::Translation, Vec3::UnitX(), "tx", {}}, {M::Translation, Vec3::UnitY(), "ty", {}},
      {M::Translation, Vec3::UnitZ(), "tz", {}}, {M::Rotation, Vec3::UnitZ(), "rz", {}},
      {M::Rotation, Vec3::UnitX(), "rx", {}},    {M::Rotation, Vec3::UnitY(), "ry", {}}};
  Pose up;
  up.p = Vec3(-0.02, 0.1, 0.0);
  Pose tilted = up;
  tilted.R = rotationAbout(Vec3(0.2, 0.1, 1.0), 0.3);
  s.addJoint(JointSpec::custom("free", "ground", "pelvis", free));
  s.addJoint(JointSpec::rotation3("lumbar", "pelvis", "lumbar", "lumbar_ext", "lumbar_lat",
                                  "lumbar_rot", up));
  s.addJoint(JointSpec::rotation3("thorax", "lumbar", "thorax", "thorax_ext", "thorax_lat",
                                  "thorax_rot", tilted));
  s.addJoint(JointSpec::universal("neck", "thorax", "head", "head_flex", "head_tilt", Vec3::UnitZ(),
                                  Vec3(1, 0, 0.2), up));
  Pose hip;
  hip.p = Vec3(0.0, -0.08, 0.08);
  s.addJoint(JointSpec::universal("hip", "pelvis", "thigh", "hip_flex", "hip_add", Vec3::UnitZ(),
                                  Vec3::UnitX(), hip));
  std::vector<JointAxisSpec> knee{
      {M::Translation, Vec3::UnitX(), "knee",
       Function::naturalCubicSpline({-2, -1, 0, 1}, {-0.004, 0.003, 0.0, 0.001})},
      {M::Translation, Vec3::UnitY(), "knee", Function::polynomial({-0.4, 0.0, 0.005})},
      {M::Rotation, Vec3::UnitZ(), "knee", {}}};
  s.addJoint(JointSpec::custom("knee", "thigh", "shank", knee));

  s.addLandmark("spinous_lumbar", "lumbar", Vec3(-0.06, 0.01, 0.0));
  s.addMuscle(
      "extensor", 500.0, 0.1, 0.05,
      {PathPointSpec::fixed("pelvis", Vec3(-0.05, 0.0, 0.03)), PathPointSpec::at("spinous_lumbar"),
       PathPointSpec::conditional("lumbar", Vec3(-0.07, 0.05, 0.02), "lumbar_ext", -0.2, 0.05),
       PathPointSpec::fixed("thorax", Vec3(-0.06, 0.08, 0.02))});
  const std::string hip_knee[3] = {"hip_flex", "knee", ""};
  const Function moving_fns[3] = {Function::naturalCubicSpline({-2, 0, 2}, {0.02, 0.03, 0.01}),
                                  Function::linear(0.01, -0.2),
                                  {}};
  s.addMuscle("long", 300.0, 0.2, 0.3,
              {PathPointSpec::fixed("thorax", Vec3(0.05, 0.05, 0.04)),
               PathPointSpec::moving("thigh", Vec3(0.0, 0.0, 0.02), hip_knee, moving_fns),
               PathPointSpec::fixed("shank", Vec3(0.03, -0.1, 0.0))});
  s.addMuscle("neck", 100.0, 0.08, 0.04,
              {PathPointSpec::fixed("ground", Vec3(0.1, 0.5, -0.05)),
               PathPointSpec::fixed("head", Vec3(-0.03, 0.04, 0.0))});
  const std::string knee_only[3] = {"knee", "knee", ""};
  const Function knee_fns[3] = {
      Function::linear(0.01, 0.04), Function::polynomial({-0.02, 0.0, 0.003}), {}};
  s.addMuscle("hamstring", 800.0, 0.1, 0.3,
              {PathPointSpec::fixed("pelvis", Vec3(-0.06, -0.1, 0.06)),
               PathPointSpec::moving("shank", Vec3(0.0, 0.0, 0.03), knee_only, knee_fns)});
  return s;
}

// Uniform random angles in [-0.6, 0.6] rad (translations in [-0.1, 0.1] m) and speeds.
inline void randomState(const dorsum::Model& m, dorsum::Data& d, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int k = 0; k < m.ndof; ++k) {
    const double scale = m.coord_rotational[m.dof_coord[k]] ? 0.6 : 0.1;
    d.q[k] = scale * u(rng);
    d.qd[k] = u(rng);
  }
}

}  // namespace test_models
