// Forward kinematics against hand-computed chains, and Jacobians against central finite
// differences on a model with every kind of joint and coupling.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "dorsum/data.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"
#include "test_models.hpp"

using namespace dorsum;

namespace {

Pose at(double x, double y, double z) {
  Pose X;
  X.p = Vec3(x, y, z);
  return X;
}

Mat3 rot(const Vec3& axis, double angle) {
  return rotationAbout(axis, angle);
}

}  // namespace

TEST(Kinematics, PlanarTwoLinkChainMatchesHandComputation) {
  const double L1 = 0.4, L2 = 0.3;
  ModelSpec s;
  s.addBody("upper", 1.0, Vec3(L1 / 2, 0, 0), Mat3::Identity() * 0.01);
  s.addBody("lower", 1.0, Vec3(L2 / 2, 0, 0), Mat3::Identity() * 0.01);
  s.addCoordinate("q1");
  s.addCoordinate("q2");
  s.addJoint(JointSpec::pin("shoulder", "ground", "upper", "q1"));
  s.addJoint(JointSpec::pin("elbow", "upper", "lower", "q2", Vec3::UnitZ(), at(L1, 0, 0)));
  const Model m = compile(s);
  Data d = makeData(m);
  d.q << 0.7, -1.2;
  d.qd << 0.3, 0.5;
  calcKinematics(m, d);
  const double q1 = 0.7, q12 = 0.7 - 1.2;
  const int lower = m.findBody("lower");
  const Vec3 p = calcPointPosition(m, d, lower, Vec3(L2, 0, 0));
  EXPECT_NEAR(p.x(), L1 * std::cos(q1) + L2 * std::cos(q12), 1e-15);
  EXPECT_NEAR(p.y(), L1 * std::sin(q1) + L2 * std::sin(q12), 1e-15);
  EXPECT_NEAR(p.z(), 0.0, 1e-15);
  Jacobian3 J;
  calcPointJacobian(m, d, lower, Vec3(L2, 0, 0), J);
  EXPECT_NEAR(J(0, 0), -L1 * std::sin(q1) - L2 * std::sin(q12), 1e-15);
  EXPECT_NEAR(J(1, 0), L1 * std::cos(q1) + L2 * std::cos(q12), 1e-15);
  EXPECT_NEAR(J(0, 1), -L2 * std::sin(q12), 1e-15);
  EXPECT_NEAR(J(1, 1), L2 * std::cos(q12), 1e-15);
  const Vec3 v = calcPointVelocity(m, d, lower, Vec3(L2, 0, 0));
  EXPECT_NEAR((v - J * d.qd).norm(), 0.0, 1e-15);
}

TEST(Kinematics, Rotation3IsZThenXThenYBodyFixed) {
  ModelSpec s;
  s.addBody("L5", 1.0, Vec3::Zero(), Mat3::Identity() * 0.01);
  s.addBody("L4", 1.0, Vec3::Zero(), Mat3::Identity() * 0.01);
  for (const char* c : {"ext", "lat", "rot"}) s.addCoordinate(c);
  s.addJoint(JointSpec::weld("base", "ground", "L5"));
  Pose F = at(0.01, 0.03, 0.0), M = at(0.0, -0.01, 0.0);
  F.R = rot(Vec3(1, 2, 3), 0.2);
  s.addJoint(JointSpec::rotation3("L4_L5", "L5", "L4", "ext", "lat", "rot", F, M));
  const Model m = compile(s);
  Data d = makeData(m);
  d.q << 0.3, -0.2, 0.5;
  calcKinematics(m, d);
  const Mat3 R_FM = rot(Vec3::UnitZ(), 0.3) * rot(Vec3::UnitX(), -0.2) * rot(Vec3::UnitY(), 0.5);
  const Pose& X = d.body_pose[m.findBody("L4")];
  EXPECT_LT((X.R - F.R * R_FM).norm(), 1e-14);
  EXPECT_LT((X.p - (F.p + F.R * R_FM * Vec3(0.0, 0.01, 0.0))).norm(), 1e-15);
}

TEST(Kinematics, CustomJointTranslatesByFunctionsOfItsCoordinate) {
  // A knee-like joint: the shank rotates by the knee angle and its origin slides along a
  // spline of the same angle, translations first in the parent's joint frame (as OpenSim).
  const Function tx = Function::naturalCubicSpline({-2.0, -1.0, 0.0}, {-0.003, 0.002, 0.0});
  const Function ty = Function::polynomial({-0.4, 0.0, 0.01});
  std::vector<JointAxisSpec> axes(3);
  axes[0] = {JointAxisSpec::Motion::Translation, Vec3::UnitX(), "knee", tx};
  axes[1] = {JointAxisSpec::Motion::Translation, Vec3::UnitY(), "knee", ty};
  axes[2] = {JointAxisSpec::Motion::Rotation, Vec3::UnitZ(), "knee", Function()};
  ModelSpec s;
  s.addBody("shank", 3.0, Vec3::Zero(), Mat3::Identity() * 0.04);
  s.addCoordinate("knee", 0.0, -2.0, 0.1);
  s.addJoint(JointSpec::custom("knee", "ground", "shank", axes));
  const Model m = compile(s);
  Data d = makeData(m);
  d.q << -1.3;
  calcKinematics(m, d);
  const Pose& X = d.body_pose[1];
  EXPECT_NEAR(X.p.x(), tx.value(-1.3), 1e-15);
  EXPECT_NEAR(X.p.y(), -0.4 + 0.01 * 1.69, 1e-15);
  EXPECT_LT((X.R - rot(Vec3::UnitZ(), -1.3)).norm(), 1e-15);
}

TEST(Kinematics, CouplingsAndLocksGiveTheirClosedFormValues) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m);
  d.q.setZero();
  d.q[m.coord_dof[m.findCoordinate("lumbar_ext")]] = 0.4;
  d.q[m.coord_dof[m.findCoordinate("lumbar_lat")]] = -0.1;
  d.q[m.coord_dof[m.findCoordinate("head_flex")]] = 0.2;
  calcKinematics(m, d);
  const auto value = [&](const char* name) { return d.coord_value[m.findCoordinate(name)]; };
  EXPECT_NEAR(value("thorax_ext"), 0.6 * 0.4, 1e-15);               // rhythm
  EXPECT_NEAR(value("thorax_lat"), 0.1 - 0.1 + 2.0 * 0.01, 1e-15);  // polynomial
  EXPECT_NEAR(value("head_tilt"), 0.5 * 0.24 + 0.2 * 0.2, 1e-15);   // chained
  EXPECT_NEAR(value("hip_add"), 0.1, 0.0);                          // locked
  EXPECT_EQ(m.coord_dof[m.findCoordinate("hip_add")], -1);
  EXPECT_EQ(m.coord_dof[m.findCoordinate("head_tilt")], -1);
}

// Central differences of point positions with respect to each degree of freedom.
TEST(Kinematics, PointJacobiansEqualFiniteDifferencesAtRandomPoses) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m), dp = makeData(m), dm = makeData(m);
  std::mt19937 rng(7);
  const double h = 1e-6;
  Jacobian3 J(3, m.ndof);
  for (int trial = 0; trial < 20; ++trial) {
    test_models::randomState(m, d, rng);
    calcKinematics(m, d);
    for (int b = 1; b < m.nbody; ++b) {
      const Vec3 p_B(0.05, -0.1, 0.03);
      calcPointJacobian(m, d, b, p_B, J);
      for (int k = 0; k < m.ndof; ++k) {
        dp.q = d.q, dm.q = d.q;
        dp.q[k] += h, dm.q[k] -= h;
        calcKinematics(m, dp);
        calcKinematics(m, dm);
        const Vec3 fd =
            (calcPointPosition(m, dp, b, p_B) - calcPointPosition(m, dm, b, p_B)) / (2 * h);
        for (int i = 0; i < 3; ++i)
          ASSERT_NEAR(J(i, k), fd[i], 1e-6 * std::max(1.0, std::abs(fd[i])))
              << m.body_name[b] << " d/d " << m.coord_name[m.dof_coord[k]] << " trial " << trial;
      }
      const Vec3 v = calcPointVelocity(m, d, b, p_B);
      EXPECT_LT((v - J * d.qd).norm(), 1e-12);
    }
  }
}

// The generalized force of a point force is its virtual work per unit of each degree of freedom:
// tau_k = f . dp/dq_k, with dp/dq_k from central differences of the point's position.
TEST(Kinematics, PointForceGeneralizedIsItsVirtualWork) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m), dp = makeData(m), dm = makeData(m);
  std::mt19937 rng(11);
  const double h = 1e-6;
  Eigen::VectorXd tau(m.ndof);
  for (int trial = 0; trial < 10; ++trial) {
    test_models::randomState(m, d, rng);
    calcKinematics(m, d);
    for (int b = 1; b < m.nbody; ++b) {
      const Vec3 p_B(-0.04, 0.08, 0.02), f(3.0, -1.5, 0.7);
      tau.setConstant(0.25);  // it adds
      addPointForceGeneralized(m, d, b, calcPointPosition(m, d, b, p_B), f, tau);
      for (int k = 0; k < m.ndof; ++k) {
        dp.q = d.q, dm.q = d.q;
        dp.q[k] += h, dm.q[k] -= h;
        calcKinematics(m, dp);
        calcKinematics(m, dm);
        const double work =
            f.dot(calcPointPosition(m, dp, b, p_B) - calcPointPosition(m, dm, b, p_B)) / (2 * h);
        ASSERT_NEAR(tau[k] - 0.25, work, 1e-6 * std::max(1.0, std::abs(work)))
            << m.body_name[b] << " d/d " << m.coord_name[m.dof_coord[k]] << " trial " << trial;
      }
      // Opposite forces at one point on the body and on an ancestor: the motions above the
      // ancestor move both alike, so walking only up to it gives the same generalized force.
      const int ancestor = m.body_parent[m.body_parent[b] > 0 ? m.body_parent[b] : b];
      const Vec3 p_W = calcPointPosition(m, d, b, p_B);
      Eigen::VectorXd full = Eigen::VectorXd::Zero(m.ndof), cut = full;
      addPointForceGeneralized(m, d, b, p_W, f, full);
      addPointForceGeneralized(m, d, ancestor, p_W, -f, full);
      addPointForceGeneralized(m, d, b, p_W, f, cut, ancestor);
      addPointForceGeneralized(m, d, ancestor, p_W, -f, cut, ancestor);
      EXPECT_LT((full - cut).lpNorm<Eigen::Infinity>(), 1e-12) << m.body_name[b];
    }
  }
}

TEST(Kinematics, CoordinateSpeedsFollowTheChainRule) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m), dp = makeData(m), dm = makeData(m);
  std::mt19937 rng(11);
  test_models::randomState(m, d, rng);
  calcKinematics(m, d);
  const double h = 1e-6;
  dp.q = d.q + h * d.qd, dm.q = d.q - h * d.qd;
  calcKinematics(m, dp);
  calcKinematics(m, dm);
  for (int c = 0; c < m.ncoord; ++c) {
    const double fd = (dp.coord_value[c] - dm.coord_value[c]) / (2 * h);
    EXPECT_NEAR(d.coord_speed[c], fd, 1e-6 * std::max(1.0, std::abs(fd))) << m.coord_name[c];
  }
}

TEST(Kinematics, RefusesDataOfAnotherModel) {
  const Model a = compile(test_models::everything());
  ModelSpec small;
  small.addBody("b", 1.0, Vec3::Zero(), Mat3::Identity());
  small.addJoint(JointSpec::weld("w", "ground", "b"));
  const Model b = compile(small);
  Data d = makeData(b);
  EXPECT_THROW(calcKinematics(a, d), UsageError);
}
