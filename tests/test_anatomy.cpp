// The built-in back model: mass bookkeeping, mirror symmetry, structure and scaling.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "dorsum/anatomy.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"

using namespace dorsum;

namespace {

const Model& defaultModel() {
  static const Model model = compile(buildBackModel(defaultSubject(Sex::Male)));
  return model;
}

// The left twin of a right-side name ("scapula_r" -> "scapula_l", "x_r.y_r" -> "x_l.y_l").
std::string leftTwin(std::string name) {
  for (size_t pos = 0; (pos = name.find("_r", pos)) != std::string::npos; pos += 2)
    if (pos + 2 == name.size() || name[pos + 2] == '.' || name[pos + 2] == '_') name[pos + 1] = 'l';
  return name;
}

bool isRight(const std::string& name) {
  return leftTwin(name) != name;
}

bool isLeft(const std::string& name) {
  std::string right = name;
  for (size_t pos = 0; (pos = right.find("_l", pos)) != std::string::npos; pos += 2)
    if (pos + 2 == right.size() || right[pos + 2] == '.' || right[pos + 2] == '_')
      right[pos + 1] = 'r';
  return right != name;
}

Vec3 mirror(const Vec3& p) {
  return {p.x(), p.y(), -p.z()};
}

}  // namespace

TEST(Anatomy, SegmentMassesSumToTheSubjectsMass) {
  for (Sex sex : {Sex::Male, Sex::Female})
    for (double height : {1.2, 1.63, 1.9, 2.25})
      for (double mass : {30.0, 67.8, 120.0, 240.0}) {
        const ModelSpec spec = buildBackModel({height, mass, sex});
        double total = 0.0;
        for (const BodySpec& b : spec.bodies) total += b.mass;
        EXPECT_NEAR(total, mass, 1e-9 * mass) << sexName(sex) << " " << height << " m";
      }
}

TEST(Anatomy, RefusesSubjectsOutsideTheModelsRange) {
  EXPECT_THROW(buildBackModel({0.9, 70.0, Sex::Male}), InputError);
  EXPECT_THROW(buildBackModel({2.4, 70.0, Sex::Male}), InputError);
  EXPECT_THROW(buildBackModel({1.7, 20.0, Sex::Female}), InputError);
  EXPECT_THROW(buildBackModel({1.7, 260.0, Sex::Female}), InputError);
  EXPECT_THROW(buildBackModel({NAN, 70.0, Sex::Male}), InputError);
  try {
    buildBackModel({2.5, 70.0, Sex::Male});
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("height"), std::string::npos);
  }
  EXPECT_THROW(parseSex("other"), InputError);
  EXPECT_EQ(parseSex("Female"), Sex::Female);
}

TEST(Anatomy, HasTheWholeSkeleton) {
  const Model& m = defaultModel();
  for (const char* b : {"pelvis", "L5", "L1", "T12", "T1", "C7", "C1", "skull", "sternum"})
    EXPECT_GE(m.findBody(b), 0) << b;
  for (const char* side : {"_r", "_l"}) {
    for (int k = 1; k <= 12; ++k) EXPECT_GE(m.findBody("rib" + std::to_string(k) + side), 0);
    for (const char* b :
         {"clavicle", "scapula", "humerus", "forearm", "hand", "femur", "tibia", "foot"})
      EXPECT_GE(m.findBody(std::string(b) + side), 0) << b << side;
  }
  // Every intervertebral and craniovertebral joint has three rotations.
  for (const char* j : {"L5_S1", "L4_L5", "T12_L1", "T6_T7", "C7_T1", "C1_C2", "skull_C1"}) {
    const int joint = m.findJoint(j);
    ASSERT_GE(joint, 0) << j;
    EXPECT_EQ(m.joint_type[joint], JointSpec::Type::Rotation3);
    for (const char* dof : {"_extension", "_lateral_bending", "_axial_rotation"})
      EXPECT_GE(m.coord_dof[m.findCoordinate(std::string(j) + dof)], 0) << j << dof;
  }
  EXPECT_GE(m.ndof, 60);
}

TEST(Anatomy, LeftAndRightMirrorEachOtherExactly) {
  const Model& m = defaultModel();
  Data d = makeData(m);
  // A posture that is itself symmetric: the same value on each right/left coordinate pair,
  // the midline ones (spine, pelvis) in the sagittal plane only.
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-0.3, 0.3);
  for (int k = 0; k < m.ndof; ++k) {
    const int c = m.dof_coord[k];
    const std::string& name = m.coord_name[c];
    if (isRight(name)) {
      d.q[k] = std::clamp(u(rng), m.coord_min[c], m.coord_max[c]);
      d.q[m.coord_dof[m.findCoordinate(leftTwin(name))]] = d.q[k];
    } else if (!isLeft(name) && name.find("lateral_bending") == std::string::npos &&
               name.find("axial_rotation") == std::string::npos && name != "pelvis_tz" &&
               name != "pelvis_list" && name != "pelvis_rotation" && name != "pelvis_ty") {
      d.q[k] = std::clamp(u(rng), m.coord_min[c], m.coord_max[c]);
    }
  }
  calcKinematics(m, d);
  int pairs = 0;
  for (int b = 1; b < m.nbody; ++b) {
    if (isLeft(m.body_name[b])) continue;
    if (!isRight(m.body_name[b])) {
      EXPECT_NEAR(d.body_pose[b].p.z(), 0.0, 1e-12) << m.body_name[b];  // midline bodies stay there
      continue;
    }
    const int l = m.findBody(leftTwin(m.body_name[b]));
    ASSERT_GE(l, 0) << m.body_name[b];
    EXPECT_LT((d.body_pose[l].p - mirror(d.body_pose[b].p)).norm(), 1e-12) << m.body_name[b];
    EXPECT_NEAR(m.body_mass[l], m.body_mass[b], 1e-12);
    ++pairs;
  }
  EXPECT_GE(pairs, 2 * 12 + 2 * 8 - 20);
  for (int i = 0; i < m.nlandmark; ++i) {
    if (!isRight(m.landmark_name[i])) continue;
    const int l = m.findLandmark(leftTwin(m.landmark_name[i]));
    ASSERT_GE(l, 0) << m.landmark_name[i];
    const Vec3 pr = d.body_pose[m.landmark_body[i]] * m.landmark_location[i];
    const Vec3 pl = d.body_pose[m.landmark_body[l]] * m.landmark_location[l];
    EXPECT_LT((pl - mirror(pr)).norm(), 1e-12) << m.landmark_name[i];
  }
}

TEST(Anatomy, LengthsScaleWithHeight) {
  const Model small = compile(buildBackModel({1.5, 60.0, Sex::Male}));
  const Model tall = compile(buildBackModel({2.0, 60.0, Sex::Male}));
  Data ds = makeData(small), dt = makeData(tall);
  calcKinematics(small, ds);
  calcKinematics(tall, dt);
  const auto height = [](const Model& m, const Data& d) {
    const Vec3 top = d.body_pose[m.findBody("skull")] * Vec3::Zero();
    const Vec3 bottom = d.body_pose[m.findBody("pelvis")] * Vec3::Zero();
    return (top - bottom).norm();
  };
  EXPECT_NEAR(height(tall, dt) / height(small, ds), 2.0 / 1.5, 1e-9);
}

TEST(Anatomy, StandsOnTheGroundUpright) {
  const Model& m = defaultModel();
  Data d = makeData(m);
  calcKinematics(m, d);
  for (const char* heel : {"foot_r.heel", "foot_l.heel"}) {
    const int l = m.findLandmark(heel);
    ASSERT_GE(l, 0);
    EXPECT_NEAR((d.body_pose[m.landmark_body[l]] * m.landmark_location[l]).y(), 0.0, 1e-12);
  }
  // Skull above C7 above T1 ... above the pelvis: an upright spine.
  double y = -1.0;
  for (const char* b : {"pelvis", "L5", "L3", "L1", "T10", "T6", "T2", "C7", "C4", "C1", "skull"}) {
    const double by = d.body_pose[m.findBody(b)].p.y();
    EXPECT_GT(by, y) << b;
    y = by;
  }
}
