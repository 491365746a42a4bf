// Inverse dynamics against closed forms and the energy of the system: gravity forces equal the
// gradient of potential energy, the mass matrix is symmetric and gives the kinetic energy, and
// the actuators' power equals the rate of change of the total energy.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "dorsum/anatomy.hpp"
#include "dorsum/dynamics.hpp"
#include "dorsum/kinematics.hpp"
#include "test_models.hpp"

using namespace dorsum;

namespace {

double potentialEnergy(const Model& m, Data& d) {
  calcKinematics(m, d);
  double V = 0.0;
  for (int b = 1; b < m.nbody; ++b)
    V -= m.body_mass[b] * m.gravity.dot(d.body_pose[b] * m.body_com[b]);
  return V;
}

double kineticEnergy(const Model& m, Data& d) {
  calcKinematics(m, d);
  calcInverseDynamics(m, d);  // fills the bodies' angular velocities
  double T = 0.0;
  for (int b = 1; b < m.nbody; ++b) {
    const Vec3 v = calcPointVelocity(m, d, b, m.body_com[b]);
    const Mat3 I_W = d.body_pose[b].R * m.body_inertia[b] * d.body_pose[b].R.transpose();
    T += 0.5 * m.body_mass[b] * v.squaredNorm() +
         0.5 * d.body_omega_W[b].dot(I_W * d.body_omega_W[b]);
  }
  return T;
}

Eigen::VectorXd tau(const Model& m, Data& d) {
  calcKinematics(m, d);
  calcInverseDynamics(m, d);
  return d.tau_inverse_dynamics;
}

}  // namespace

TEST(InverseDynamics, PendulumHoldingTorqueIsClosedForm) {
  const double mass = 3.0, l = 0.4;
  ModelSpec s;
  s.addBody("arm", mass, Vec3(l, 0, 0), Mat3::Identity() * 0.01);
  s.addCoordinate("q", 0.0, -4.0, 4.0);
  s.addJoint(JointSpec::pin("shoulder", "ground", "arm", "q"));
  const Model m = compile(s);
  Data d = makeData(m);
  for (double q : {-1.0, 0.0, 0.5, 2.0}) {
    d.q << q;
    d.qd << 0.0;
    d.qdd << 0.0;
    EXPECT_NEAR(tau(m, d)[0], mass * 9.80665 * l * std::cos(q), 1e-12);
    // With speed and acceleration: (I_zz + m l^2) qdd; the centripetal force has no moment.
    d.qd << 2.0;
    d.qdd << 1.5;
    EXPECT_NEAR(tau(m, d)[0], (0.01 + mass * l * l) * 1.5 + mass * 9.80665 * l * std::cos(q),
                1e-12);
  }
}

TEST(InverseDynamics, StaticForcesAreTheGradientOfPotentialEnergy) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m), dp = makeData(m), dm = makeData(m);
  std::mt19937 rng(2);
  for (int trial = 0; trial < 10; ++trial) {
    test_models::randomState(m, d, rng);
    d.qd.setZero();
    d.qdd.setZero();
    const Eigen::VectorXd t = tau(m, d);
    const double h = 1e-6;
    for (int k = 0; k < m.ndof; ++k) {
      dp.q = d.q, dm.q = d.q;
      dp.q[k] += h, dm.q[k] -= h;
      const double grad = (potentialEnergy(m, dp) - potentialEnergy(m, dm)) / (2 * h);
      EXPECT_NEAR(t[k], grad, 1e-6 * std::max(1.0, std::abs(grad))) << m.coord_name[m.dof_coord[k]];
    }
  }
}

TEST(InverseDynamics, ExternalLoadsEnterThroughTheTransposedJacobian) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m);
  std::mt19937 rng(4);
  test_models::randomState(m, d, rng);
  d.qd.setZero();
  const Eigen::VectorXd without = tau(m, d);
  const int head = m.findBody("head");
  const Vec3 point(0.02, 0.1, -0.03), force(3.0, -20.0, 5.0), moment(0.5, 0.0, -1.0);
  d.external_loads.push_back({head, point, force, moment});
  const Eigen::VectorXd with = tau(m, d);
  Jacobian3 J;
  calcPointJacobian(m, d, head, point, J);
  // The load supplies J^T F; a pure moment supplies its projection on each rotation (checked
  // by the finite difference of the work of a moment: rotate about the world axes).
  Eigen::VectorXd expected = without - J.transpose() * force;
  Jacobian3 Jx, Jy;
  calcPointJacobian(m, d, head, point + d.body_pose[head].R.transpose() * Vec3(1, 0, 0), Jx);
  calcPointJacobian(m, d, head, point + d.body_pose[head].R.transpose() * Vec3(0, 1, 0), Jy);
  // omega x e = dp: recover omega's columns from the two unit-offset points.
  for (int k = 0; k < m.ndof; ++k) {
    const Vec3 ex(1, 0, 0), ey(0, 1, 0);
    const Vec3 dx = Jx.col(k) - J.col(k), dy = Jy.col(k) - J.col(k);
    // dx = w x ex = (0, w_z, -w_y), dy = w x ey = (-w_z, 0, w_x)
    const Vec3 w(dy.z(), -dx.z(), dx.y());
    expected[k] -= w.dot(moment);
  }
  for (int k = 0; k < m.ndof; ++k)
    EXPECT_NEAR(with[k], expected[k], 1e-9) << m.coord_name[m.dof_coord[k]];
}

TEST(InverseDynamics, MassMatrixIsSymmetricAndGivesTheKineticEnergy) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m);
  std::mt19937 rng(9);
  test_models::randomState(m, d, rng);
  const Eigen::VectorXd qd = d.qd;
  d.qd.setZero();
  d.qdd.setZero();
  const Eigen::VectorXd g = tau(m, d);
  Eigen::MatrixXd M(m.ndof, m.ndof);
  for (int k = 0; k < m.ndof; ++k) {
    d.qdd.setZero();
    d.qdd[k] = 1.0;
    M.col(k) = tau(m, d) - g;
  }
  EXPECT_LT((M - M.transpose()).norm(), 1e-10 * M.norm());
  d.qdd.setZero();
  d.qd = qd;
  EXPECT_NEAR(kineticEnergy(m, d), 0.5 * qd.dot(M * qd), 1e-10);
}

TEST(InverseDynamics, ActuatorPowerIsTheRateOfChangeOfEnergy) {
  const Model m = compile(test_models::everything());
  Data d = makeData(m), dp = makeData(m), dm = makeData(m);
  std::mt19937 rng(12);
  for (int trial = 0; trial < 5; ++trial) {
    test_models::randomState(m, d, rng);
    for (int k = 0; k < m.ndof; ++k) d.qdd[k] = std::uniform_real_distribution<double>(-2, 2)(rng);
    const double power = tau(m, d).dot(d.qd);
    const double h = 1e-5;
    const auto energy = [&](Data& x, double t) {
      x.q = d.q + t * d.qd + 0.5 * t * t * d.qdd;
      x.qd = d.qd + t * d.qdd;
      x.qdd = d.qdd;
      return kineticEnergy(m, x) + potentialEnergy(m, x);
    };
    const double dE = (energy(dp, h) - energy(dm, -h)) / (2 * h);
    EXPECT_NEAR(power, dE, 1e-6 * std::max(1.0, std::abs(dE)));
  }
}

TEST(InverseDynamics, GroundCarriesTheWholeBodyOnTheFeet) {
  const Model m = compile(buildBackModel(defaultSubject(Sex::Male)));
  Data d = makeData(m);
  calcKinematics(m, d);
  calcInverseDynamics(m, d);
  double mass = 0.0;
  for (double b : m.body_mass) mass += b;
  Vec3 total = Vec3::Zero();
  for (const Vec3& f : d.ground_force_W) total += f;
  EXPECT_NEAR(total.y(), mass * 9.80665, 1e-9 * mass);
  // Symmetric standing: half on each foot; nothing left for the pelvis's six coordinates.
  EXPECT_NEAR(d.ground_force_W[0].y(), d.ground_force_W[1].y(), 1e-9 * mass);
  for (const char* c :
       {"pelvis_tx", "pelvis_ty", "pelvis_tz", "pelvis_tilt", "pelvis_list", "pelvis_rotation"})
    EXPECT_NEAR(d.tau_inverse_dynamics[m.coord_dof[m.findCoordinate(c)]], 0.0, 1e-8) << c;
}

TEST(InverseDynamics, IntervertebralStiffnessResistsDeflection) {
  const Model m = compile(buildBackModel(defaultSubject(Sex::Male)));
  Data d = makeData(m);
  const int k = m.coord_dof[m.findCoordinate("L4_L5_extension")];
  d.q[k] = -0.1;  // flexion
  calcKinematics(m, d);
  calcInverseDynamics(m, d);
  EXPECT_GT(d.tau_passive[k], 0.0);  // pushes back towards extension
  d.q[k] = 0.05;
  calcKinematics(m, d);
  calcInverseDynamics(m, d);
  EXPECT_LT(d.tau_passive[k], 0.0);
}
