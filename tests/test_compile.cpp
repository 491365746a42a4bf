// compile() refuses bad specs with a message that names the object and the field.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "dorsum/error.hpp"
#include "dorsum/model.hpp"

using namespace dorsum;

namespace {

// A valid two-body model with one muscle; each test breaks one thing.
ModelSpec valid() {
  ModelSpec s;
  s.addBody("pelvis", 10.0, Vec3::Zero(), Mat3::Identity() * 0.1);
  s.addBody("trunk", 30.0, Vec3(0, 0.3, 0), Mat3::Identity() * 0.5);
  s.addCoordinate("ext", 0.0, -1.0, 1.0);
  s.addJoint(JointSpec::weld("ground_pelvis", "ground", "pelvis"));
  s.addJoint(JointSpec::pin("lumbar", "pelvis", "trunk", "ext"));
  s.addLandmark("spinous", "trunk", Vec3(-0.06, 0.1, 0.0));
  s.addMuscle("erector_r", 1000.0, 0.1, 0.05,
              {PathPointSpec::fixed("pelvis", Vec3(-0.05, 0, 0.03)), PathPointSpec::at("spinous")});
  return s;
}

// Expects compile to throw SpecError whose message contains every one of `words`.
void expectRefused(const std::function<void(ModelSpec&)>& breakIt,
                   std::initializer_list<const char*> words) {
  ModelSpec s = valid();
  breakIt(s);
  try {
    compile(s);
    ADD_FAILURE() << "compile accepted a bad spec; expected a message with '" << *words.begin()
                  << "'";
  } catch (const SpecError& e) {
    for (const char* w : words)
      EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Compile, AcceptsTheValidModel) {
  const Model m = compile(valid());
  EXPECT_EQ(m.nbody, 3);
  EXPECT_EQ(m.ndof, 1);
  EXPECT_EQ(m.body_name[0], "ground");
  EXPECT_EQ(m.findMuscle("erector_r"), 0);
  EXPECT_EQ(m.findBody("nope"), -1);
}

TEST(Compile, OrdersBodiesParentsFirstWhateverTheSpecOrder) {
  ModelSpec s = valid();
  std::swap(s.bodies[0], s.bodies[1]);  // trunk listed before its parent
  std::swap(s.joints[0], s.joints[1]);
  const Model m = compile(s);
  for (int b = 1; b < m.nbody; ++b) EXPECT_LT(m.body_parent[b], b);
  EXPECT_EQ(m.joint_name[m.findBody("trunk") - 1], "lumbar");
}

TEST(Compile, RefusesUnknownParent) {
  expectRefused([](ModelSpec& s) { s.joints[1].parent = "pelvsi"; },
                {"joint 'lumbar'", "unknown parent body 'pelvsi'"});
}

TEST(Compile, RefusesCyclicParents) {
  expectRefused(
      [](ModelSpec& s) {
        s.addBody("a", 1.0, Vec3::Zero(), Mat3::Identity());
        s.addBody("b", 1.0, Vec3::Zero(), Mat3::Identity());
        s.addJoint(JointSpec::weld("ab", "a", "b"));
        s.addJoint(JointSpec::weld("ba", "b", "a"));
      },
      {"cycle", "body '"});
}

TEST(Compile, RefusesNegativeMass) {
  expectRefused([](ModelSpec& s) { s.bodies[1].mass = -3.0; },
                {"body 'trunk'", "mass is negative"});
}

TEST(Compile, RefusesInertiaNotPositiveDefinite) {
  expectRefused([](ModelSpec& s) { s.bodies[0].inertia(1, 1) = -0.1; },
                {"body 'pelvis'", "inertia", "positive definite"});
  expectRefused([](ModelSpec& s) { s.bodies[0].inertia.setZero(); },
                {"body 'pelvis'", "positive definite"});
  expectRefused([](ModelSpec& s) { s.bodies[0].inertia(0, 1) = 0.05; },
                {"body 'pelvis'", "symmetric"});
}

TEST(Compile, RefusesDuplicateNames) {
  expectRefused([](ModelSpec& s) { s.bodies[1].name = "pelvis"; },
                {"duplicate body name 'pelvis'"});
  expectRefused([](ModelSpec& s) { s.addCoordinate("ext"); }, {"duplicate coordinate name 'ext'"});
  expectRefused([](ModelSpec& s) { s.muscles.push_back(s.muscles[0]); },
                {"duplicate muscle name 'erector_r'"});
  expectRefused([](ModelSpec& s) { s.joints[0].name = "lumbar"; },
                {"duplicate joint name 'lumbar'"});
  expectRefused([](ModelSpec& s) { s.addLandmark("spinous", "pelvis", Vec3::Zero()); },
                {"duplicate landmark name 'spinous'"});
}

TEST(Compile, RefusesShortPaths) {
  expectRefused([](ModelSpec& s) { s.muscles[0].path.pop_back(); },
                {"muscle 'erector_r'", "path has 1 point"});
  expectRefused(
      [](ModelSpec& s) {
        s.muscles[0].path[1] = PathPointSpec::conditional("trunk", Vec3::Zero(), "ext", -0.1, 0.1);
      },
      {"muscle 'erector_r'", "unconditional"});
}

TEST(Compile, RefusesNaNAnywhere) {
  expectRefused([](ModelSpec& s) { s.bodies[1].com.y() = NAN; }, {"body 'trunk'", "com"});
  expectRefused([](ModelSpec& s) { s.bodies[1].mass = NAN; }, {"body 'trunk'", "mass"});
  expectRefused([](ModelSpec& s) { s.bodies[1].inertia(2, 2) = NAN; }, {"body 'trunk'", "inertia"});
  expectRefused([](ModelSpec& s) { s.joints[1].parent_frame.p.x() = NAN; },
                {"joint 'lumbar'", "parent_frame"});
  expectRefused([](ModelSpec& s) { s.joints[1].child_frame.R(0, 0) = NAN; },
                {"joint 'lumbar'", "child_frame"});
  expectRefused([](ModelSpec& s) { s.joints[1].axes[0].axis.z() = NAN; },
                {"joint 'lumbar'", "axis"});
  expectRefused([](ModelSpec& s) { s.coordinates[0].default_value = NAN; },
                {"coordinate 'ext'", "default_value"});
  expectRefused([](ModelSpec& s) { s.coordinates[0].range_min = NAN; },
                {"coordinate 'ext'", "range"});
  expectRefused([](ModelSpec& s) { s.landmarks[0].location.x() = NAN; },
                {"landmark 'spinous'", "location"});
  expectRefused([](ModelSpec& s) { s.muscles[0].max_isometric_force = NAN; },
                {"muscle 'erector_r'", "max_isometric_force"});
  expectRefused([](ModelSpec& s) { s.muscles[0].tendon_slack_length = NAN; },
                {"muscle 'erector_r'", "tendon_slack_length"});
  expectRefused([](ModelSpec& s) { s.muscles[0].path[0].location.z() = NAN; },
                {"muscle 'erector_r' path point 0", "location"});
  expectRefused([](ModelSpec& s) { s.gravity.y() = NAN; }, {"gravity"});
  expectRefused([](ModelSpec& s) { s.joints[1].axes[0].function = Function::linear(NAN); },
                {"joint 'lumbar' axis 0", "NaN"});
  expectRefused(
      [](ModelSpec& s) {
        s.addCoordinate("follower").coupling = {
            {"ext", Function::naturalCubicSpline({0, 1}, {0, NAN})}};
      },
      {"coordinate 'follower' coupling term 0", "NaN"});
}

TEST(Compile, RefusesDefaultOutsideRange) {
  expectRefused([](ModelSpec& s) { s.coordinates[0].default_value = 1.5; },
                {"coordinate 'ext'", "default_value 1.5", "outside"});
  expectRefused(
      [](ModelSpec& s) {
        std::swap(s.coordinates[0].range_min, s.coordinates[0].range_max);
        s.coordinates[0].default_value = 0;
      },
      {"coordinate 'ext'", "range_min"});
}

TEST(Compile, RefusesBadReferences) {
  expectRefused([](ModelSpec& s) { s.joints[1].axes[0].coordinate = "flex"; },
                {"joint 'lumbar'", "unknown coordinate 'flex'"});
  expectRefused([](ModelSpec& s) { s.muscles[0].path[0].body = "sacrum"; },
                {"muscle 'erector_r' path point 0", "unknown body 'sacrum'"});
  expectRefused([](ModelSpec& s) { s.muscles[0].path[1].landmark = "spinus"; },
                {"unknown landmark 'spinus'"});
  expectRefused([](ModelSpec& s) { s.landmarks[0].body = "torso"; },
                {"landmark 'spinous'", "unknown body 'torso'"});
  expectRefused(
      [](ModelSpec& s) {
        s.addCoordinate("c").coupling = {{"nothing", {}}};
      },
      {"coordinate 'c'", "unknown coordinate 'nothing'"});
}

TEST(Compile, RefusesCouplingCycles) {
  expectRefused(
      [](ModelSpec& s) {
        s.addCoordinate("a").coupling = {{"b", {}}};
        s.addCoordinate("b").coupling = {{"a", {}}};
      },
      {"cycle of couplings"});
  expectRefused(
      [](ModelSpec& s) {
        s.addCoordinate("a").coupling = {{"a", {}}};
      },
      {"cannot depend on itself"});
}

TEST(Compile, RefusesStructuralMistakes) {
  expectRefused([](ModelSpec& s) { s.addBody("floating", 1.0, Vec3::Zero(), Mat3::Identity()); },
                {"body 'floating' has no joint"});
  expectRefused([](ModelSpec& s) { s.addJoint(JointSpec::weld("again", "ground", "trunk")); },
                {"joint 'again'", "already the child"});
  expectRefused([](ModelSpec& s) { s.joints[1].axes.push_back(s.joints[1].axes[0]); },
                {"joint 'lumbar' (pin)", "exactly 1"});
  expectRefused([](ModelSpec& s) { s.bodies[0].name = "ground"; }, {"reserved"});
  expectRefused([](ModelSpec& s) { s.muscles[0].optimal_fiber_length = 0.0; },
                {"muscle 'erector_r'", "optimal_fiber_length"});
  expectRefused([](ModelSpec& s) { s.muscles[0].pennation_at_optimal = 2.0; },
                {"muscle 'erector_r'", "pennation_at_optimal"});
  expectRefused(
      [](ModelSpec& s) {
        s.coordinates[0].locked = true;
        s.coordinates[0].coupling = {{"ext", {}}};
      },
      {"coordinate 'ext'"});
}
