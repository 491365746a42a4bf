// Musculotendon lengths, speeds and moment arms: closed forms on a single joint, and central
// finite differences on a model with couplings, conditional and moving points.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/muscle_path.hpp"
#include "test_models.hpp"

using namespace dorsum;

namespace {

void runPaths(const Model& m, Data& d) {
  calcKinematics(m, d);
  calcMusclePaths(m, d);
}

// True when a conditional point of any muscle would switch within +-margin of every dof.
bool nearConditionalSwitch(const Model& m, const Data& d, double margin) {
  for (int pt = 0; pt < m.npoint; ++pt) {
    const int c = m.point_cond_coord[pt];
    if (c < 0) continue;
    const double q = d.coord_value[c];
    if (std::abs(q - m.point_cond_min[pt]) < margin || std::abs(q - m.point_cond_max[pt]) < margin)
      return true;
  }
  return false;
}

}  // namespace

TEST(MusclePath, SinglePinMomentArmIsThePerpendicularDistanceClosedForm) {
  // Origin a fixed in the ground, insertion b on a body turning about Z at the origin:
  // L = |R(q) b - a| and r = -dL/dq = ((R b) x a)_z / L.
  const Vec3 a(-0.05, -0.2, 0.01), b(-0.04, 0.15, -0.02);
  ModelSpec s;
  s.addBody("trunk", 30.0, Vec3(0, 0.3, 0), Mat3::Identity());
  s.addCoordinate("ext", 0.0, -1.0, 1.0);
  s.addJoint(JointSpec::pin("hip", "ground", "trunk", "ext"));
  s.addMuscle("erector", 1000.0, 0.1, 0.2,
              {PathPointSpec::fixed("ground", a), PathPointSpec::fixed("trunk", b)});
  const Model m = compile(s);
  Data d = makeData(m);
  for (double q : {-0.8, -0.3, 0.0, 0.4, 0.9}) {
    d.q << q;
    d.qd << 0.7;
    runPaths(m, d);
    const Vec3 Rb = rotationAbout(Vec3::UnitZ(), q) * b;
    const double L = (Rb - a).norm();
    EXPECT_NEAR(d.muscle_length[0], L, 1e-15);
    EXPECT_NEAR(d.moment_arm(0, 0), Rb.cross(a).z() / L, 1e-15);
    EXPECT_NEAR(d.muscle_speed[0], -d.moment_arm(0, 0) * 0.7, 1e-15);
  }
  // A posterior muscle extends: a positive moment arm about +Z (extension) in upright posture.
  d.q << 0.0;
  runPaths(m, d);
  EXPECT_GT(d.moment_arm(0, 0), 0.0);
}

TEST(MusclePath, ViaPointsAddSegmentLengths) {
  ModelSpec s;
  s.addBody("b", 1.0, Vec3::Zero(), Mat3::Identity() * 0.01);
  s.addJoint(JointSpec::weld("w", "ground", "b"));
  s.addMuscle(
      "m", 10.0, 0.1, 0.1,
      {PathPointSpec::fixed("ground", Vec3(0, 0, 0)), PathPointSpec::fixed("b", Vec3(0.3, 0, 0)),
       PathPointSpec::fixed("b", Vec3(0.3, 0.4, 0))});
  const Model m = compile(s);
  Data d = makeData(m);
  runPaths(m, d);
  EXPECT_DOUBLE_EQ(d.muscle_length[0], 0.7);
}

TEST(MusclePath, ConditionalPointJoinsThePathOnlyInItsRange) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m);
  const int mu = m.findMuscle("extensor"), ext = m.coord_dof[m.findCoordinate("lumbar_ext")];
  const int cond = m.muscle_point_start[mu] + 2;
  d.q.setZero();
  d.q[ext] = 0.0;  // inside [-0.2, 0.05]
  runPaths(m, d);
  EXPECT_EQ(d.point_active[cond], 1);
  const Vec3* p = &d.point_position_W[m.muscle_point_start[mu]];
  EXPECT_NEAR(d.muscle_length[mu],
              (p[1] - p[0]).norm() + (p[2] - p[1]).norm() + (p[3] - p[2]).norm(), 1e-15);
  d.q[ext] = 0.3;  // outside
  runPaths(m, d);
  EXPECT_EQ(d.point_active[cond], 0);
  EXPECT_NEAR(d.muscle_length[mu], (p[1] - p[0]).norm() + (p[3] - p[1]).norm(), 1e-15);
}

TEST(MusclePath, MomentArmsEqualFiniteDifferencesOfLengthAtRandomPoses) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m), dp = makeData(m), dm = makeData(m);
  std::mt19937 rng(3);
  const double h = 1e-6;
  int checked = 0;
  for (int trial = 0; trial < 40; ++trial) {
    test_models::randomState(m, d, rng);
    runPaths(m, d);
    if (nearConditionalSwitch(m, d, 1e-3)) continue;  // the length has a kink at the switch
    ++checked;
    for (int k = 0; k < m.ndof; ++k) {
      dp.q = d.q, dm.q = d.q;
      dp.q[k] += h, dm.q[k] -= h;
      runPaths(m, dp);
      runPaths(m, dm);
      for (int mu = 0; mu < m.nmuscle; ++mu) {
        const double fd = -(dp.muscle_length[mu] - dm.muscle_length[mu]) / (2 * h);
        ASSERT_NEAR(d.moment_arm(k, mu), fd, 1e-6 * std::max(1.0, std::abs(fd)))
            << m.muscle_name[mu] << " about " << m.coord_name[m.dof_coord[k]] << " trial " << trial;
      }
    }
    // Lengthening speed: dL/dt along the state's velocity.
    dp.q = d.q + h * d.qd, dm.q = d.q - h * d.qd;
    runPaths(m, dp);
    runPaths(m, dm);
    for (int mu = 0; mu < m.nmuscle; ++mu) {
      const double fd = (dp.muscle_length[mu] - dm.muscle_length[mu]) / (2 * h);
      ASSERT_NEAR(d.muscle_speed[mu], fd, 1e-6 * std::max(1.0, std::abs(fd))) << m.muscle_name[mu];
    }
  }
  EXPECT_GE(checked, 30);
}

TEST(MusclePath, CoupledCoordinatesContributeThroughTheirRhythm) {
  // The extensor crosses lumbar and thorax joints; thorax_ext = 0.6 lumbar_ext, so a moment arm
  // about lumbar_ext includes 0.6 times the one about the thorax extension axis. Check the
  // lumbar degree of freedom sees a larger moment arm than the lumbar joint alone gives.
  const Model m = compile(test_models::everything());
  Data d = makeData(m);
  runPaths(m, d);
  const int mu = m.findMuscle("extensor");
  const int ext = m.coord_dof[m.findCoordinate("lumbar_ext")];
  EXPECT_GT(std::abs(d.moment_arm(ext, mu)), 0.0);
  // Locked and coupled coordinates have no row: only degrees of freedom do.
  EXPECT_EQ(d.moment_arm.rows(), m.ndof);
}

TEST(MusclePath, StagesMustRunInOrder) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m);
  EXPECT_THROW(calcMusclePaths(m, d), UsageError);
  calcKinematics(m, d);
  EXPECT_NO_THROW(calcMusclePaths(m, d));
}
