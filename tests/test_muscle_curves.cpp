// The De Groote et al. (2016) curves: published values computed here in closed form from the
// published constants, the properties the curves are known to have, analytic derivatives
// against central differences, continuity, monotonicity and inverses. Also activation dynamics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "dorsum/error.hpp"
#include "dorsum/muscle.hpp"

namespace dorsum {
namespace {

// Published constants, written out again here so that the tests do not trust the code's copy
// (De Groote et al. 2016, Ann Biomed Eng 44(10):2922-2936, supplement).
constexpr double kB[3][4] = {
    {0.815, 1.055, 0.162, 0.063}, {0.433, 0.717, -0.030, 0.200}, {0.100, 1.000, 0.354, 0.000}};
constexpr double kPE = 4.0, kE0 = 0.6;
constexpr double kD1 = -0.318, kD2 = -8.149, kD3 = -0.374, kD4 = 0.886;
constexpr double kC1 = 0.2, kC2 = 0.995, kC3 = 0.25, kT = 35.0;

using Curve = std::function<double(double)>;

// The tendon curves at the published stiffness, as one-argument curves.
double tendon(double l) {
  return calcTendonForceLength(l);
}
double tendonSlope(double l) {
  return calcTendonForceLengthDerivative(l);
}
double tendonInverse(double f) {
  return calcTendonForceLengthInverse(f);
}
double tendonInverseSlope(double f) {
  return calcTendonForceLengthInverseDerivative(f);
}

// Central difference with a step that balances truncation (h^2) and rounding (eps / h).
double centralDifference(const Curve& f, double x) {
  const double h = 1e-5 * std::max(1.0, std::abs(x));
  return (f(x + h) - f(x - h)) / (2.0 * h);
}

void expectDerivativeMatches(const Curve& f, const Curve& df, double lo, double hi) {
  for (int i = 0; i <= 200; ++i) {
    const double x = lo + (hi - lo) * i / 200.0;
    const double fd = centralDifference(f, x);
    EXPECT_NEAR(df(x), fd, 1e-6 * std::max(1.0, std::abs(fd))) << "at x = " << x;
  }
}

// No jump: over a step dx the curve moves at most dx times the larger end slope (plus rounding).
void expectContinuous(const Curve& f, const Curve& df, double lo, double hi) {
  const double dx = 1e-7;
  for (double x = lo; x < hi; x += 1e-3) {
    const double bound = 1.01 * dx * std::max(std::abs(df(x)), std::abs(df(x + dx))) + 1e-14;
    EXPECT_LE(std::abs(f(x + dx) - f(x)), bound) << "at x = " << x;
  }
}

void expectIncreasing(const Curve& f, double lo, double hi) {
  double prev = f(lo);
  for (int i = 1; i <= 1000; ++i) {
    const double x = lo + (hi - lo) * i / 1000.0;
    const double y = f(x);
    EXPECT_GT(y, prev) << "at x = " << x;
    prev = y;
  }
}

// ---- active force-length ----

TEST(ActiveForceLength, PublishedValueAtOptimalLength) {
  double expected = 0.0;  // sum of b1i exp(-0.5 (1 - b2i)^2 / (b3i + b4i)^2)
  for (const auto& b : kB) {
    expected += b[0] * std::exp(-0.5 * std::pow(1.0 - b[1], 2) / std::pow(b[2] + b[3], 2));
  }
  EXPECT_NEAR(calcActiveForceLength(1.0), expected, 1e-15);
  EXPECT_NEAR(calcActiveForceLength(1.0), 1.0, 1e-3);  // about 1, not exactly
}

TEST(ActiveForceLength, PeakNearOneAtOptimalLength) {
  double peak_x = 0.0, peak = -1.0;
  for (double x = 0.4; x <= 1.8; x += 1e-4) {
    if (calcActiveForceLength(x) > peak) peak = calcActiveForceLength(x), peak_x = x;
  }
  EXPECT_NEAR(peak, 1.0, 1e-3);
  EXPECT_NEAR(peak_x, 1.0, 0.02);
  EXPECT_NEAR(calcActiveForceLengthDerivative(peak_x), 0.0, 1e-3);
}

TEST(ActiveForceLength, RisesBelowPeakFallsAbove) {
  double peak_x = 0.0, peak = -1.0;
  for (double x = 0.4; x <= 1.8; x += 1e-4) {
    if (calcActiveForceLength(x) > peak) peak = calcActiveForceLength(x), peak_x = x;
  }
  expectIncreasing(calcActiveForceLength, 0.4, peak_x - 1e-3);
  expectIncreasing([](double x) { return -calcActiveForceLength(x); }, peak_x + 1e-3, 1.8);
}

TEST(ActiveForceLength, PositiveAndSmallFarFromOptimum) {
  for (double x = 0.2; x <= 2.5; x += 1e-3) EXPECT_GT(calcActiveForceLength(x), 0.0);
  EXPECT_LT(calcActiveForceLength(0.4), 0.05);
  EXPECT_LT(calcActiveForceLength(1.8), 0.05);
}

TEST(ActiveForceLength, DerivativeMatchesFiniteDifference) {
  expectDerivativeMatches(calcActiveForceLength, calcActiveForceLengthDerivative, 0.2, 2.0);
}

TEST(ActiveForceLength, Continuous) {
  expectContinuous(calcActiveForceLength, calcActiveForceLengthDerivative, 0.2, 2.0);
}

// At l~ = 0.15 the second term's width b32 + b42 l~ is zero: value and slope tend to 0 there.
TEST(ActiveForceLength, FiniteAtThePoleOfTheSecondTerm) {
  const double pole = -kB[1][2] / kB[1][3];
  EXPECT_TRUE(std::isfinite(calcActiveForceLength(pole)));
  EXPECT_TRUE(std::isfinite(calcActiveForceLengthDerivative(pole)));
  EXPECT_NEAR(calcActiveForceLength(pole), calcActiveForceLength(pole + 1e-9), 1e-9);
  EXPECT_NEAR(calcActiveForceLength(pole), calcActiveForceLength(pole - 1e-9), 1e-9);
}

// ---- passive force-length ----

TEST(PassiveForceLength, PublishedValues) {
  EXPECT_DOUBLE_EQ(calcPassiveForceLength(1.0), 0.0);
  EXPECT_NEAR(calcPassiveForceLength(1.0 + kE0), 1.0, 1e-14);  // e0: strain at unit force
  // (exp(kPE 0.3 / e0) - 1) / (exp(kPE) - 1) = (e^2 - 1) / (e^4 - 1) = 1 / (e^2 + 1)
  EXPECT_NEAR(calcPassiveForceLength(1.3), 1.0 / (std::exp(2.0) + 1.0), 1e-14);
}

TEST(PassiveForceLength, ExponentialGrowth) {
  // Above the optimal length, each extra e0 / kPE of stretch multiplies
  // f_PE + 1 / (exp(kPE) - 1) by e (the published exponential).
  const double offset = 1.0 / std::expm1(kPE);
  for (double x = 1.0 + 1e-9; x < 1.8; x += 0.1) {
    EXPECT_NEAR(
        (calcPassiveForceLength(x + kE0 / kPE) + offset) / (calcPassiveForceLength(x) + offset),
        std::exp(1.0), 1e-12);
  }
}

// The published expression is negative below l~ = 1 (down to -1 / (exp(kPE) - 1) = -0.0187):
// a slack fibre would push. Dorsum clamps it: a shortened fascicle has no passive force.
TEST(PassiveForceLength, ZeroForAShortenedFibre) {
  for (double x = 0.0; x <= 1.0; x += 1e-3) {
    EXPECT_EQ(calcPassiveForceLength(x), 0.0) << "at x = " << x;
    EXPECT_EQ(calcPassiveForceLengthDerivative(x), 0.0) << "at x = " << x;
  }
  EXPECT_EQ(calcPassiveForceLength(0.5), 0.0);  // where the published curve gives -0.0180
}

TEST(PassiveForceLength, IncreasingAboveOptimalLengthAndNeverNegative) {
  expectIncreasing(calcPassiveForceLength, 1.0, 2.5);
  for (double x = 0.0; x <= 2.5; x += 1e-3) EXPECT_GE(calcPassiveForceLength(x), 0.0) << x;
}

TEST(PassiveForceLength, DerivativeMatchesFiniteDifference) {
  // On each side of the kink at l~ = 1 (the central difference straddles it within 1e-5).
  expectDerivativeMatches(calcPassiveForceLength, calcPassiveForceLengthDerivative, 0.2, 0.999);
  expectDerivativeMatches(calcPassiveForceLength, calcPassiveForceLengthDerivative, 1.001, 2.0);
}

TEST(PassiveForceLength, Continuous) {
  expectContinuous(calcPassiveForceLength, calcPassiveForceLengthDerivative, 0.2, 2.0);
  // No jump at the clamp: both pieces meet at zero, and the right-hand slope is the published
  // kPE / (e0 (exp(kPE) - 1)).
  const double slope = kPE / (kE0 * std::expm1(kPE));
  for (double h : {1e-4, 1e-6, 1e-8}) {
    EXPECT_NEAR(calcPassiveForceLength(1.0 + h), slope * h, 1e-3 * slope * h + 1e-16) << h;
    EXPECT_EQ(calcPassiveForceLength(1.0 - h), 0.0) << h;
  }
  EXPECT_NEAR(calcPassiveForceLengthDerivative(1.0 + 1e-9), slope, 1e-8);
}

// ---- force-velocity ----

TEST(ForceVelocity, PublishedValues) {
  EXPECT_NEAR(calcForceVelocity(0.0), kD1 * std::asinh(kD3) + kD4, 1e-15);
  EXPECT_NEAR(calcForceVelocity(0.0), 1.0, 5e-3);   // isometric: about 1
  EXPECT_NEAR(calcForceVelocity(-1.0), 0.0, 0.02);  // maximal shortening: about 0
  EXPECT_NEAR(calcForceVelocity(1.0), 1.8, 0.02);   // eccentric plateau: about 1.8
  // The printed log form: d1 log(u + sqrt(u^2 + 1)) + d4 with u = d2 v + d3.
  const double u = kD2 * 0.3 + kD3;
  EXPECT_NEAR(calcForceVelocity(0.3), kD1 * std::log(u + std::sqrt(u * u + 1.0)) + kD4, 1e-14);
}

TEST(ForceVelocity, IncreasingAndNonNegativeOnItsRange) {
  expectIncreasing(calcForceVelocity, -1.0, 1.0);
  EXPECT_GT(calcForceVelocity(-1.0), 0.0);
  // Eccentric plateau: much flatter above v~ = 0.5 than around isometric.
  EXPECT_LT(calcForceVelocityDerivative(0.8), 0.2 * calcForceVelocityDerivative(0.0));
}

TEST(ForceVelocity, DerivativesMatchFiniteDifference) {
  expectDerivativeMatches(calcForceVelocity, calcForceVelocityDerivative, -1.0, 1.0);
  expectDerivativeMatches(calcForceVelocityInverse, calcForceVelocityInverseDerivative, 0.05, 1.75);
}

TEST(ForceVelocity, Continuous) {
  expectContinuous(calcForceVelocity, calcForceVelocityDerivative, -1.0, 1.0);
}

TEST(ForceVelocity, InverseRoundTrips) {
  for (double v = -1.0; v <= 1.0; v += 0.01) {
    EXPECT_NEAR(calcForceVelocityInverse(calcForceVelocity(v)), v, 1e-12);
    EXPECT_NEAR(
        calcForceVelocityInverseDerivative(calcForceVelocity(v)) * calcForceVelocityDerivative(v),
        1.0, 1e-12);
  }
}

// ---- tendon force-length ----

TEST(TendonForceLength, PublishedValues) {
  // Not zero at slack length: c1 exp(kT (1 - c2)) - c3.
  EXPECT_NEAR(calcTendonForceLength(1.0), 0.2 * std::exp(35.0 * 0.005) - 0.25, 1e-15);
  EXPECT_LT(calcTendonForceLength(1.0), 0.0);
  // Zero at c2 + ln(c3 / c1) / kT; unit force at c2 + ln((1 + c3) / c1) / kT.
  EXPECT_NEAR(calcTendonForceLength(kC2 + std::log(kC3 / kC1) / kT), 0.0, 1e-15);
  const double unit_force_length = kC2 + std::log((1.0 + kC3) / kC1) / kT;
  EXPECT_NEAR(calcTendonForceLength(unit_force_length), 1.0, 1e-14);
  // Strain at unit force, 0.0474 (quoted for De Groote et al. 2016 in OpenSim's
  // DeGrooteFregly2016Muscle.h).
  EXPECT_NEAR(unit_force_length - 1.0, 0.0474, 5e-5);
  EXPECT_NEAR(calcTendonForceLength(-10.0), -kC3, 1e-12);  // asymptote -c3
}

TEST(TendonForceLength, StiffnessParameter) {
  for (double k : {10.0, 35.0, 350.0}) {
    EXPECT_NEAR(calcTendonForceLength(1.02, k), kC1 * std::exp(k * (1.02 - kC2)) - kC3, 1e-12);
    EXPECT_NEAR(calcTendonForceLengthInverse(0.0, k), kC2 + std::log(kC3 / kC1) / k, 1e-15);
  }
}

TEST(TendonForceLength, Increasing) {
  expectIncreasing(tendon, 0.9, 1.1);
}

TEST(TendonForceLength, DerivativesMatchFiniteDifference) {
  expectDerivativeMatches(tendon, tendonSlope, 0.9, 1.08);
  expectDerivativeMatches(tendonInverse, tendonInverseSlope, -0.2, 3.0);
}

TEST(TendonForceLength, Continuous) {
  expectContinuous(tendon, tendonSlope, 0.9, 1.08);
}

TEST(TendonForceLength, InverseRoundTrips) {
  for (double l = 0.95; l <= 1.08; l += 0.001) {
    EXPECT_NEAR(calcTendonForceLengthInverse(calcTendonForceLength(l)), l, 1e-12);
    EXPECT_NEAR(calcTendonForceLengthInverseDerivative(calcTendonForceLength(l)) *
                    calcTendonForceLengthDerivative(l),
                1.0, 1e-12);
  }
  // Below the asymptote there is no inverse: the result stays finite.
  EXPECT_TRUE(std::isfinite(calcTendonForceLengthInverse(-1.0)));
}

// ---- activation dynamics ----

constexpr double kTauA = 0.015, kTauD = 0.060;  // s, De Groote et al. 2016

// Time for activation to go from a0 towards a step of excitation e until it crosses `target`
// (classical RK4, 1 microsecond steps).
double timeToCross(double a0, double e, double target) {
  const double dt = 1e-6;
  auto rate = [&](double a) { return calcActivationRate(e, a, kTauA, kTauD); };
  double a = a0, t = 0.0;
  const bool rising = target > a0;
  while (rising ? a < target : a > target) {
    const double k1 = rate(a), k2 = rate(a + 0.5 * dt * k1), k3 = rate(a + 0.5 * dt * k2),
                 k4 = rate(a + dt * k3);
    a += dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    EXPECT_GE(a, -1e-12);
    EXPECT_LE(a, 1.0 + 1e-12);
    t += dt;
    if (t > 1.0) return t;
  }
  return t;
}

TEST(ActivationDynamics, RestsWhenExcitationEqualsActivation) {
  for (double a = 0.0; a <= 1.0; a += 0.05) {
    EXPECT_EQ(calcActivationRate(a, a, kTauA, kTauD), 0.0);
    EXPECT_GT(calcActivationRate(a + 0.01, a, kTauA, kTauD), 0.0);
    EXPECT_LT(calcActivationRate(a - 0.01, a, kTauA, kTauD), 0.0);
  }
}

TEST(ActivationDynamics, RateFarFromRestFollowsTheTimeConstants) {
  // |e - a| = 1: tanh(10) = 1 to 1e-8, so one time constant acts alone.
  EXPECT_NEAR(calcActivationRate(1.0, 0.0, kTauA, kTauD), 1.0 / (kTauA * 0.5), 1e-5);
  EXPECT_NEAR(calcActivationRate(0.0, 1.0, kTauA, kTauD), -2.0 / kTauD, 1e-5);
}

// With the switch sharp, rising from 0 under e = 1 obeys da/dt = (1 - a) / (tau_a (0.5 + 1.5 a)),
// so t(a) = tau_a (-1.5 a - 2 ln(1 - a)); at a = 1 - 1/e (63 %) that is 1.052 tau_a.
TEST(ActivationDynamics, StepUpRisesWithTheActivationTimeConstant) {
  const double a63 = 1.0 - std::exp(-1.0);
  const double expected = kTauA * (-1.5 * a63 - 2.0 * std::log(1.0 - a63));
  EXPECT_NEAR(timeToCross(0.0, 1.0, a63), expected, 0.01 * expected);
}

// Falling from 1 under e = 0 obeys da/dt = -a (0.5 + 1.5 a) / tau_d, so the time to reach a is
// 2 tau_d ln((1 + 3 a) / (4 a)); to 1/e (a 63 % fall) that is 0.715 tau_d.
TEST(ActivationDynamics, StepDownFallsWithTheDeactivationTimeConstant) {
  const double a37 = std::exp(-1.0);
  const double expected = 2.0 * kTauD * std::log((1.0 + 3.0 * a37) / (4.0 * a37));
  EXPECT_NEAR(timeToCross(1.0, 0.0, a37), expected, 0.01 * expected);
}

TEST(ActivationDynamics, DeactivationSlowerThanActivation) {
  EXPECT_GT(timeToCross(1.0, 0.0, 0.5), 2.0 * timeToCross(0.0, 1.0, 0.5));
}

TEST(ActivationDynamics, DerivativeIsContinuousInExcitation) {
  // The tanh blend makes the rate smooth across e = a (no switch).
  const double a = 0.4;
  Curve rate = [&](double e) { return calcActivationRate(e, a, kTauA, kTauD); };
  for (double e = 0.3; e <= 0.5; e += 1e-3) {
    EXPECT_LE(std::abs(rate(e + 1e-8) - rate(e)), 1e-8 * 1.0 / (kTauA * 0.5) * 1.01);
  }
}

TEST(ActivationDynamics, VectorFormMatchesScalarAndChecksSizes) {
  Model model;
  model.nmuscle = 2;
  model.muscle_activation_time = {0.01, 0.02};
  model.muscle_deactivation_time = {0.04, 0.05};
  Eigen::VectorXd e(2), a(2), rate(2);
  e << 0.8, 0.1;
  a << 0.2, 0.6;
  calcActivationRates(model, e, a, rate);
  EXPECT_EQ(rate[0], calcActivationRate(0.8, 0.2, 0.01, 0.04));
  EXPECT_EQ(rate[1], calcActivationRate(0.1, 0.6, 0.02, 0.05));
  Eigen::VectorXd short_rate(1);
  EXPECT_THROW(calcActivationRates(model, e, a, short_rate), UsageError);
}

}  // namespace
}  // namespace dorsum
