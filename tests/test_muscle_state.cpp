// calcMuscleState (rigid tendon) and solveMuscleEquilibrium (compliant tendon). Models and Data
// are built inline, sized by hand, so that these tests need nothing but the muscle module.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "dorsum/error.hpp"
#include "dorsum/muscle.hpp"

namespace dorsum {
namespace {

// A model holding only muscles (the stage reads nothing else).
Model makeMuscleModel(const std::vector<MuscleParameters>& muscles) {
  Model model;
  model.nmuscle = static_cast<int>(muscles.size());
  for (const MuscleParameters& p : muscles) {
    model.muscle_name.push_back(std::to_string(model.muscle_name.size()));
    model.muscle_max_force.push_back(p.max_force);
    model.muscle_opt_fiber_length.push_back(p.opt_fiber_length);
    model.muscle_tendon_slack.push_back(p.tendon_slack);
    model.muscle_pennation_opt.push_back(p.pennation_opt);
    model.muscle_max_velocity.push_back(p.max_velocity);
    model.muscle_activation_time.push_back(0.015);
    model.muscle_deactivation_time.push_back(0.060);
  }
  return model;
}

// The buffers calcMuscleState reads and writes, as calcMusclePaths would leave them.
Data makeMuscleData(const Model& model) {
  const int n = model.nmuscle;
  Data data;
  for (Eigen::VectorXd* v :
       {&data.activation, &data.muscle_length, &data.muscle_speed, &data.muscle_fiber_length,
        &data.muscle_norm_fiber_length, &data.muscle_norm_fiber_velocity,
        &data.muscle_cos_pennation, &data.muscle_active_fl, &data.muscle_fv,
        &data.muscle_passive_fl, &data.muscle_active_gain, &data.muscle_passive_force,
        &data.muscle_force}) {
    v->setZero(n);
  }
  data.stages = kStageKinematics | kStageMusclePaths;
  return data;
}

// Erector-spinae-like fascicle: F0 = 500 N, l_opt = 0.12 m, l_TS = 0.03 m, v_max = 10 l_opt/s.
MuscleParameters unpennated() {
  return {500.0, 0.12, 0.03, 0.0, 10.0};
}
MuscleParameters pennated(double alpha0) {
  return {800.0, 0.08, 0.05, alpha0, 10.0};
}

// ---- rigid tendon ----

TEST(MuscleState, RequiresMusclePaths) {
  const Model model = makeMuscleModel({unpennated()});
  Data data = makeMuscleData(model);
  data.stages = kStageKinematics;
  try {
    calcMuscleState(model, data);
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("calcMusclePaths"), std::string::npos) << e.what();
  }
  EXPECT_EQ(data.stages & kStageMuscleState, 0u);
}

TEST(MuscleState, ChecksBufferSizes) {
  const Model model = makeMuscleModel({unpennated(), unpennated()});
  Data data = makeMuscleData(model);
  data.muscle_fv.resize(1);
  try {
    calcMuscleState(model, data);
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("muscle_fv"), std::string::npos) << e.what();
  }
}

TEST(MuscleState, SetsItsStageBit) {
  const Model model = makeMuscleModel({unpennated()});
  Data data = makeMuscleData(model);
  data.muscle_length[0] = 0.15;
  calcMuscleState(model, data);
  EXPECT_EQ(data.stages, kStageKinematics | kStageMusclePaths | kStageMuscleState);
}

TEST(MuscleState, OptimalLengthUnpennated) {
  const MuscleParameters p = unpennated();
  const Model model = makeMuscleModel({p});
  Data data = makeMuscleData(model);
  data.muscle_length[0] = p.tendon_slack + p.opt_fiber_length;
  data.activation[0] = 0.5;
  calcMuscleState(model, data);
  EXPECT_NEAR(data.muscle_fiber_length[0], p.opt_fiber_length, 1e-15);
  EXPECT_NEAR(data.muscle_norm_fiber_length[0], 1.0, 1e-14);
  EXPECT_EQ(data.muscle_norm_fiber_velocity[0], 0.0);
  EXPECT_EQ(data.muscle_cos_pennation[0], 1.0);
  EXPECT_NEAR(data.muscle_passive_fl[0], 0.0, 1e-14);
  EXPECT_NEAR(data.muscle_passive_force[0], 0.0, 1e-11);
  // Published curves at the optimum: f_L(1) and f_V(0) = d1 asinh(d3) + d4.
  const double fv0 = -0.318 * std::asinh(-0.374) + 0.886;
  EXPECT_NEAR(data.muscle_fv[0], fv0, 1e-14);
  EXPECT_NEAR(data.muscle_active_gain[0], p.max_force * calcActiveForceLength(1.0) * fv0, 1e-11);
  EXPECT_NEAR(data.muscle_force[0], 0.5 * data.muscle_active_gain[0], 1e-11);
}

// Constant thickness: at l_MT = l_TS + l_opt cos(alpha_0) the fibre is at l_opt, alpha_0.
TEST(MuscleState, OptimalLengthPennated) {
  const MuscleParameters p = pennated(0.3);
  const RigidTendonState s =
      calcRigidTendonState(p, p.tendon_slack + p.opt_fiber_length * std::cos(0.3), 0.0);
  EXPECT_NEAR(s.fiber_length, p.opt_fiber_length, 1e-15);
  EXPECT_NEAR(s.cos_pennation, std::cos(0.3), 1e-15);
  EXPECT_NEAR(s.active_gain,
              p.max_force * calcActiveForceLength(1.0) * calcForceVelocity(0.0) * std::cos(0.3),
              1e-10);
}

TEST(MuscleState, ConstantThicknessGeometry) {
  const MuscleParameters p = pennated(0.4);
  for (double l_mt = 0.07; l_mt <= 0.2; l_mt += 0.005) {
    const RigidTendonState s = calcRigidTendonState(p, l_mt, 0.0);
    const double sin_pen = std::sqrt(1.0 - s.cos_pennation * s.cos_pennation);
    EXPECT_NEAR(s.fiber_length * sin_pen, p.opt_fiber_length * std::sin(0.4), 1e-14);
    EXPECT_NEAR(s.fiber_length * s.cos_pennation, l_mt - p.tendon_slack, 1e-14);
    EXPECT_NEAR(s.norm_fiber_length * p.opt_fiber_length, s.fiber_length, 1e-15);
  }
}

TEST(MuscleState, FiberVelocityIsTheRateOfFiberLength) {
  const double dt = 1e-6;  // s
  for (const MuscleParameters& p : {unpennated(), pennated(0.35)}) {
    for (double speed : {-0.4, -0.05, 0.1, 0.3}) {  // m/s
      const double l_mt = p.tendon_slack + 1.1 * p.opt_fiber_length;
      const RigidTendonState s = calcRigidTendonState(p, l_mt, speed);
      const double rate = (calcRigidTendonState(p, l_mt + speed * dt, 0.0).fiber_length -
                           calcRigidTendonState(p, l_mt - speed * dt, 0.0).fiber_length) /
                          (2.0 * dt);  // m/s
      EXPECT_NEAR(s.norm_fiber_velocity, rate / (p.max_velocity * p.opt_fiber_length), 1e-7);
    }
  }
}

TEST(MuscleState, ForceIsActivationTimesGainPlusPassive) {
  const MuscleParameters p = pennated(0.2);
  const Model model = makeMuscleModel({p, p, p});
  Data data = makeMuscleData(model);
  data.muscle_length << 0.11, 0.14, 0.16;
  data.muscle_speed << -0.1, 0.0, 0.2;
  data.activation << 0.0, 0.3, 1.0;
  calcMuscleState(model, data);
  for (int m = 0; m < 3; ++m) {
    const RigidTendonState s = calcRigidTendonState(p, data.muscle_length[m], data.muscle_speed[m]);
    EXPECT_EQ(data.muscle_active_gain[m], s.active_gain);
    EXPECT_NEAR(
        data.muscle_active_gain[m],
        p.max_force * data.muscle_active_fl[m] * data.muscle_fv[m] * data.muscle_cos_pennation[m],
        1e-10);
    EXPECT_NEAR(data.muscle_passive_force[m],
                p.max_force * data.muscle_passive_fl[m] * data.muscle_cos_pennation[m], 1e-10);
    EXPECT_NEAR(data.muscle_force[m],
                data.activation[m] * data.muscle_active_gain[m] + data.muscle_passive_force[m],
                1e-10);
  }
  EXPECT_GT(data.muscle_passive_force[2], 0.0);  // stretched beyond l_opt
}

// l_MT <= l_TS: the fibre is held at its shortest admissible length and does not move.
TEST(MuscleState, SlackUnitIsClamped) {
  const MuscleParameters p = unpennated();
  for (double l_mt : {0.0, 0.01, p.tendon_slack, p.tendon_slack + 0.1 * p.opt_fiber_length}) {
    const RigidTendonState s = calcRigidTendonState(p, l_mt, -1.0);
    EXPECT_NEAR(s.norm_fiber_length, kMinNormFiberLength, 1e-15);
    EXPECT_EQ(s.norm_fiber_velocity, 0.0);
    EXPECT_EQ(s.cos_pennation, 1.0);
    EXPECT_TRUE(std::isfinite(s.active_gain));
    EXPECT_GE(s.active_gain, 0.0);
  }
  // Strongly pennated: the fibre stands across the line of action (alpha = 90 degrees) and
  // pulls nothing along it.
  const MuscleParameters q = pennated(0.5);
  const RigidTendonState s = calcRigidTendonState(q, 0.5 * q.tendon_slack, 0.0);
  EXPECT_NEAR(s.fiber_length, q.opt_fiber_length * std::sin(0.5), 1e-15);
  EXPECT_EQ(s.cos_pennation, 0.0);
  EXPECT_EQ(s.active_gain, 0.0);
  EXPECT_EQ(s.passive_force, 0.0);
}

TEST(MuscleState, ForceVelocityHeldAtTheEndsOfItsRange) {
  const MuscleParameters p = unpennated();
  const double l_mt = p.tendon_slack + p.opt_fiber_length;
  const double v_max = p.max_velocity * p.opt_fiber_length;  // m/s
  const RigidTendonState fast_short = calcRigidTendonState(p, l_mt, -3.0 * v_max);
  EXPECT_NEAR(fast_short.norm_fiber_velocity, -3.0, 1e-14);
  EXPECT_EQ(fast_short.fv, calcForceVelocity(-1.0));
  EXPECT_GT(fast_short.active_gain, 0.0);
  EXPECT_EQ(calcRigidTendonState(p, l_mt, 3.0 * v_max).fv, calcForceVelocity(1.0));
}

TEST(MuscleState, DoesNotAllocate) {
  std::vector<MuscleParameters> muscles(50);
  for (int i = 0; i < 50; ++i) muscles[i] = pennated(0.01 * i);
  const Model model = makeMuscleModel(muscles);
  Data data = makeMuscleData(model);
  for (int m = 0; m < model.nmuscle; ++m) data.muscle_length[m] = 0.08 + 0.002 * m;
  alloc_counter::CountAllocations counter;
  calcMuscleState(model, data);
  EXPECT_EQ(counter.count(), 0);
}

TEST(MuscleEquilibrium, DoesNotAllocate) {
  const MuscleParameters p = pennated(0.3);
  alloc_counter::CountAllocations counter;
  double sum = 0.0;
  for (double l_mt = 0.08; l_mt < 0.2; l_mt += 0.01) {
    sum += solveMuscleEquilibrium(p, l_mt, 0.5).tendon_force;
    sum += solveMuscleEquilibrium(p, l_mt, 0.5, -0.1).tendon_force;
  }
  EXPECT_EQ(counter.count(), 0);
  EXPECT_TRUE(std::isfinite(sum));
}

// ---- compliant tendon ----

// Fibre force along the tendon minus tendon force, recomputed from the public curves.
double independentResidual(const MuscleParameters& p, double l_mt, double a,
                           const MuscleEquilibrium& e, double fv = 1.0) {
  const double l = e.fiber_length / p.opt_fiber_length;
  const double sin_pen = p.opt_fiber_length * std::sin(p.pennation_opt) / e.fiber_length;
  const double cos_pen = std::sqrt(1.0 - sin_pen * sin_pen);
  const double l_t = l_mt - e.fiber_length * cos_pen;
  return p.max_force * ((a * calcActiveForceLength(l) * fv + calcPassiveForceLength(l)) * cos_pen -
                        calcTendonForceLength(l_t / p.tendon_slack));
}

TEST(MuscleEquilibrium, ResidualBelowTolerance) {
  for (const MuscleParameters& p : {unpennated(), pennated(0.15), pennated(0.45)}) {
    for (double a : {0.0, 0.05, 0.5, 1.0}) {
      for (double stretch = 0.85; stretch <= 1.25; stretch += 0.05) {
        const double l_mt =
            p.tendon_slack * 1.01 + stretch * p.opt_fiber_length * std::cos(p.pennation_opt);
        const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, a);
        ASSERT_TRUE(e.converged) << "a = " << a << ", l_MT = " << l_mt;
        EXPECT_FALSE(e.at_min_length);
        EXPECT_LT(std::abs(independentResidual(p, l_mt, a, e)), 1e-9 * p.max_force);
        EXPECT_LT(std::abs(e.residual), 1e-9 * p.max_force);
        EXPECT_NEAR(e.fiber_force - e.tendon_force, e.residual, 1e-9 * p.max_force);
        EXPECT_NEAR(e.tendon_length, l_mt - e.fiber_length * e.cos_pennation, 1e-14);
        EXPECT_NEAR(e.tendon_strain, e.tendon_length / p.tendon_slack - 1.0, 1e-12);
        EXPECT_NEAR(std::cos(e.pennation), e.cos_pennation, 1e-14);
        EXPECT_NEAR(e.fiber_length * std::sin(e.pennation),
                    p.opt_fiber_length * std::sin(p.pennation_opt), 1e-14);
      }
    }
  }
}

// a = 0 with the tendon at its zero-force length c2 + ln(c3 / c1) / kT (De Groote et al. 2016)
// and the fibre at l_opt, where f_PE(1) = 0: both forces vanish, so that is the equilibrium.
TEST(MuscleEquilibrium, SlackLimitAtZeroActivation) {
  const double zero_force_length = 0.995 + std::log(0.25 / 0.2) / 35.0;
  for (const MuscleParameters& p : {unpennated(), pennated(0.3)}) {
    const double l_mt =
        zero_force_length * p.tendon_slack + p.opt_fiber_length * std::cos(p.pennation_opt);
    const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, 0.0);
    ASSERT_TRUE(e.converged);
    EXPECT_NEAR(e.fiber_length, p.opt_fiber_length, 1e-9 * p.opt_fiber_length);
    EXPECT_NEAR(e.pennation, p.pennation_opt, 1e-8);
    EXPECT_NEAR(e.tendon_force, 0.0, 1e-9 * p.max_force);
  }
}

// At a = 0 only the passive fibre holds the tendon: F_T = F0 f_PE cos(alpha).
TEST(MuscleEquilibrium, PassiveOnlyAtZeroActivation) {
  const MuscleParameters p = pennated(0.25);
  for (double l_mt = 0.12; l_mt <= 0.17; l_mt += 0.01) {
    const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, 0.0);
    ASSERT_TRUE(e.converged);
    EXPECT_NEAR(e.tendon_force,
                p.max_force * calcPassiveForceLength(e.norm_fiber_length) * e.cos_pennation,
                1e-9 * p.max_force);
  }
}

// A unit so short that even the shortest fibre leaves the tendon below 0.9 l_TS.
TEST(MuscleEquilibrium, SlackUnitHoldsTheShortestFiber) {
  const MuscleParameters p = unpennated();
  const double l_mt = 0.9 * p.tendon_slack + kMinNormFiberLength * p.opt_fiber_length;
  const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, 0.5, 0.0);
  EXPECT_TRUE(e.at_min_length);
  EXPECT_FALSE(e.converged);
  EXPECT_NEAR(e.norm_fiber_length, kMinNormFiberLength, 1e-15);
  EXPECT_EQ(e.norm_fiber_velocity, 0.0);
  EXPECT_TRUE(std::isfinite(e.tendon_force));
}

// As kT grows the tendon length tends to c2 l_TS at any finite force (f_T^-1(F) = c2 +
// ln((F + c3) / c1) / kT), so the result tends to the rigid-tendon one with slack c2 l_TS.
TEST(MuscleEquilibrium, StiffTendonApproachesRigidTendon) {
  const double c2 = 0.995;
  for (const MuscleParameters& p : {unpennated(), pennated(0.3)}) {
    for (double a : {0.1, 0.7}) {
      for (double speed : {-0.2, 0.0, 0.15}) {  // m/s
        const double l_mt = p.tendon_slack + 1.05 * p.opt_fiber_length;
        MuscleParameters rigid_p = p;
        rigid_p.tendon_slack = c2 * p.tendon_slack;
        const RigidTendonState r = calcRigidTendonState(rigid_p, l_mt, speed);
        const double rigid_force = a * r.active_gain + r.passive_force;
        double previous_error = 1e300;
        for (double k : {350.0, 3500.0, 35000.0, 350000.0}) {
          EquilibriumOptions opt;
          opt.stiffness = k;
          const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, a, speed, opt);
          ASSERT_TRUE(e.converged) << "kT = " << k;
          const double error = std::abs(e.fiber_length - r.fiber_length);
          EXPECT_LT(error, previous_error);
          previous_error = error;
          // |l_T - c2 l_TS| <= l_TS ln(F_max / c1) / kT with f_T below 5.
          EXPECT_LT(std::abs(e.tendon_length - c2 * p.tendon_slack),
                    p.tendon_slack * std::log(5.25 / 0.2) / k);
        }
        EquilibriumOptions stiff;
        stiff.stiffness = 350000.0;
        const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, a, speed, stiff);
        EXPECT_NEAR(e.fiber_length, r.fiber_length, 1e-5 * p.opt_fiber_length);
        EXPECT_NEAR(e.norm_fiber_velocity, r.norm_fiber_velocity, 1e-4);
        EXPECT_NEAR(e.tendon_force, rigid_force, 1e-3 * p.max_force);
      }
    }
  }
}

// With a speed, the fibre takes v_MT cos(alpha) and f_V comes from the curve.
TEST(MuscleEquilibrium, VelocityEntersThroughTheForceVelocityCurve) {
  const MuscleParameters p = pennated(0.3);
  const double l_mt = p.tendon_slack * 1.02 + p.opt_fiber_length;
  const double a = 0.6;
  for (double speed : {-0.3, -0.1, 0.0, 0.2}) {  // m/s
    const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, a, speed);
    ASSERT_TRUE(e.converged);
    const double v = speed * e.cos_pennation / (p.max_velocity * p.opt_fiber_length);
    EXPECT_NEAR(e.norm_fiber_velocity, v, 1e-14);
    EXPECT_LT(std::abs(independentResidual(p, l_mt, a, e, calcForceVelocity(v))),
              1e-9 * p.max_force);
  }
  // Shortening lowers the force the unit holds; lengthening raises it.
  const double f_static = solveMuscleEquilibrium(p, l_mt, a).tendon_force;
  EXPECT_LT(solveMuscleEquilibrium(p, l_mt, a, -0.2).tendon_force, f_static);
  EXPECT_GT(solveMuscleEquilibrium(p, l_mt, a, 0.2).tendon_force, f_static);
}

TEST(MuscleEquilibrium, NoTendonMeansRigid) {
  MuscleParameters p = unpennated();
  p.tendon_slack = 0.0;
  const RigidTendonState r = calcRigidTendonState(p, 0.13, 0.0);
  const MuscleEquilibrium e = solveMuscleEquilibrium(p, 0.13, 0.4, 0.0);
  EXPECT_TRUE(e.converged);
  EXPECT_EQ(e.fiber_length, r.fiber_length);
  EXPECT_NEAR(e.tendon_force, 0.4 * r.active_gain + r.passive_force, 1e-10);
}

TEST(MuscleEquilibrium, ConvergesOverAWideRange) {
  const MuscleParameters p = pennated(0.2);
  for (double l_mt = 0.06; l_mt <= 0.2; l_mt += 0.002) {
    for (double a : {0.0, 0.3, 1.0}) {
      const MuscleEquilibrium e = solveMuscleEquilibrium(p, l_mt, a, -0.05);
      EXPECT_TRUE(e.converged || e.at_min_length) << "l_MT = " << l_mt << ", a = " << a;
      EXPECT_LE(e.iterations, 60);
      EXPECT_TRUE(std::isfinite(e.fiber_length) && std::isfinite(e.tendon_force));
    }
  }
}

}  // namespace
}  // namespace dorsum
