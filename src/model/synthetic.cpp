#include <fmt/format.h>

#include "dorsum/examples.hpp"

namespace dorsum::examples {

ModelSpec syntheticSpine(int levels, int muscles) {
  constexpr double kHeight = 0.025;  // m between vertebral centres (a thoracolumbar average)
  constexpr double kMass = 1.0;      // kg per vertebral segment
  ModelSpec spec;
  spec.name = fmt::format("synthetic spine ({} levels)", levels);
  // A slab of 0.12 x 0.025 x 0.10 m: (m/12)(b^2 + c^2) about each axis.
  const auto slab = [](double m, double a, double b, double c) {
    const Eigen::Vector3d moments(b * b + c * c, a * a + c * c, a * a + b * b);
    return Mat3((m / 12.0 * moments).asDiagonal());
  };
  spec.addBody("pelvis", 10.0, Vec3::Zero(), slab(10.0, 0.15, 0.1, 0.25));
  spec.addJoint(JointSpec::weld("ground_pelvis", "ground", "pelvis"));
  std::vector<std::string> names{"pelvis"};
  for (int i = 1; i <= levels; ++i) {
    const std::string v = fmt::format("V{}", i), below = names.back();
    const std::string fe = v + "_extension", lb = v + "_lateral_bending",
                      ar = v + "_axial_rotation";
    spec.addBody(v, kMass, Vec3(0.01, 0.0, 0.0), slab(kMass, 0.12, kHeight, 0.10));
    spec.addCoordinate(fe, 0.0, -0.3, 0.3);
    spec.addCoordinate(lb, 0.0, -0.2, 0.2);
    spec.addCoordinate(ar, 0.0, -0.2, 0.2);
    Pose above;
    above.p = Vec3(0.0, kHeight, 0.0);
    spec.addJoint(
        JointSpec::rotation3(fmt::format("{}_{}", below, v), below, v, fe, lb, ar, above));
    names.push_back(v);
  }
  // Posterior fascicles from a transverse-process-like point below to a spinous-process-like
  // point above, on both sides, every span from 1 to 12 levels at every level in turn.
  int count = 0;
  for (int span = 1; span <= 12 && count < muscles; ++span) {
    for (int lo = 0; lo + span <= levels && count < muscles; ++lo) {
      for (int side : {1, -1}) {
        const char* suffix = side > 0 ? "r" : "l";
        MuscleSpec& m =
            spec.addMuscle(fmt::format("fascicle_{}_{}_{}", names[lo], names[lo + span], suffix),
                           150.0, 0.02 * span + 0.02, 0.01 * span, {});
        m.side = side > 0 ? "right" : "left";
        m.path.push_back(PathPointSpec::fixed(names[lo], Vec3(-0.04, 0.0, side * 0.03)));
        for (int via = lo + 2; via < lo + span; via += 2)
          m.path.push_back(PathPointSpec::fixed(names[via], Vec3(-0.05, 0.0, side * 0.025)));
        m.path.push_back(PathPointSpec::fixed(names[lo + span], Vec3(-0.06, 0.005, side * 0.01)));
        ++count;
      }
    }
  }
  return spec;
}

}  // namespace dorsum::examples
