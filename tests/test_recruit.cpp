// The recruitment solver (src/recruit): closed-form cases, agreement with Ipopt, warm start,
// reserves, the KKT conditions, bad input, and no allocation per solve.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "dorsum/error.hpp"
#include "dorsum/recruit.hpp"
#ifdef DORSUM_HAVE_IPOPT
#include "ipopt_reference.hpp"
#endif

using namespace dorsum;
using alloc_counter::CountAllocations;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// One joint, two muscles: A = [c1 c2] with c_i = r_i F_i (moment arm times maximal force, N m),
// activations in [0, 1], unit weights.
RecruitmentProblem twoMuscles(double c1, double c2, double moment) {
  RecruitmentProblem p = makeRecruitmentProblem(1, 2);
  p.A << c1, c2;
  p.b << moment;
  return p;
}

// The same with one reserve actuator (unit column, weight w_r).
RecruitmentProblem twoMusclesAndReserve(double c1, double c2, double moment, double w_r) {
  RecruitmentProblem p = makeRecruitmentProblem(1, 3);
  p.A << c1, c2, 1.0;
  p.b << moment;
  p.weight[2] = w_r;
  p.lower[2] = -kInf;
  p.upper[2] = kInf;
  p.kind[2] = RecruitmentVariable::kReserve;
  return p;
}

RecruitmentResult solve(const RecruitmentProblem& p, const RecruitmentOptions& options = {}) {
  RecruitmentWorkspace ws = makeRecruitmentWorkspace(p.rows(), p.cols());
  RecruitmentResult r = makeRecruitmentResult(p.rows(), p.cols());
  solveRecruitment(p, ws, r, options);
  return r;
}

RecruitmentProblem synthetic(int m, int n, unsigned seed, int exponent = 2,
                             RecruitmentCriterion criterion = RecruitmentCriterion::kSumOfPowers) {
  SyntheticRecruitmentOptions o;
  o.nrow = m;
  o.ncol = n;
  o.seed = seed;
  RecruitmentProblem p = makeSyntheticRecruitmentProblem(o);
  p.exponent = exponent;
  p.criterion = criterion;
  return p;
}

double relativeResidual(const RecruitmentProblem& p, const Eigen::VectorXd& x) {
  return (p.A * x - p.b).lpNorm<Eigen::Infinity>() / (1.0 + p.b.lpNorm<Eigen::Infinity>());
}

// The KKT conditions of the sum-of-powers problem at (x, lambda), checked independently of the
// solver: A x = b; lo <= x <= hi; and with s = A^T lambda the bound multiplier
// z_i = phi_i'(x_i) - s_i is ~0 where x_i is strictly inside, >= 0 at a lower bound, <= 0 at an
// upper bound. Tolerances are relative to the size of the terms.
void expectKkt(const RecruitmentProblem& p, const RecruitmentResult& r) {
  ASSERT_TRUE(r.converged);
  EXPECT_LT(relativeResidual(p, r.x), 1e-9);
  const Eigen::VectorXd s = p.A.transpose() * r.multiplier;
  const double s_scale = 1.0 + s.lpNorm<Eigen::Infinity>();
  for (int i = 0; i < p.cols(); ++i) {
    const double x = r.x[i], lo = p.lower[i], hi = p.upper[i];
    const int q = p.kind[i] == RecruitmentVariable::kPower ? p.exponent : 2;
    const double grad = q == 2 ? 2.0 * p.weight[i] * x : 3.0 * p.weight[i] * x * std::abs(x);
    const double z = grad - s[i];
    const double tol = 1e-7 * s_scale;
    EXPECT_GE(x, lo) << i;
    EXPECT_LE(x, hi) << i;
    const bool at_lower = x <= lo + 1e-12, at_upper = x >= hi - 1e-12;
    if (at_lower && !at_upper) {
      EXPECT_GE(z, -tol) << "variable " << i << " at its lower bound";
    } else if (at_upper && !at_lower) {
      EXPECT_LE(z, tol) << "variable " << i << " at its upper bound";
    } else if (!at_lower && !at_upper) {
      EXPECT_NEAR(z, 0.0, tol) << "free variable " << i;
    }
  }
}

}  // namespace

// ---- closed-form cases: one joint, two muscles, r1 F1 a1 + r2 F2 a2 = M ----

TEST(Recruitment, TwoMusclesQuadraticClosedForm) {
  // min a1^2 + a2^2: a_i = M c_i / (c1^2 + c2^2), both inside [0, 1].
  const double c1 = 0.05 * 1000.0, c2 = 0.03 * 600.0, M = 30.0;
  const RecruitmentResult r = solve(twoMuscles(c1, c2, M));
  ASSERT_TRUE(r.converged);
  const double den = c1 * c1 + c2 * c2;
  EXPECT_NEAR(r.x[0], M * c1 / den, 1e-12);
  EXPECT_NEAR(r.x[1], M * c2 / den, 1e-12);
  EXPECT_NEAR(r.objective, M * M / den, 1e-12);
  EXPECT_NEAR(r.multiplier[0], 2.0 * M / den, 1e-12);  // d objective / d M
  EXPECT_LT(r.max_equality_residual, 1e-9);
  EXPECT_EQ(r.method, RecruitmentMethod::kDualNewton);
}

TEST(Recruitment, TwoMusclesOneSaturated) {
  // The unconstrained optimum would put a1 = M c1 / (c1^2 + c2^2) = 1.03 above 1: a1 = 1 and a2
  // takes the rest, (M - c1) / c2.
  const double c1 = 50.0, c2 = 20.0, M = 60.0;
  ASSERT_GT(M * c1 / (c1 * c1 + c2 * c2), 1.0);
  const RecruitmentResult r = solve(twoMuscles(c1, c2, M));
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR(r.x[0], 1.0, 1e-14);
  EXPECT_NEAR(r.x[1], (M - c1) / c2, 1e-12);
}

TEST(Recruitment, TwoMusclesCubicClosedForm) {
  // min a1^3 + a2^3: 3 a_i^2 = lambda c_i, so a_i = M sqrt(c_i) / (c1^1.5 + c2^1.5).
  const double c1 = 50.0, c2 = 18.0, M = 25.0;
  RecruitmentProblem p = twoMuscles(c1, c2, M);
  p.exponent = 3;
  const RecruitmentResult r = solve(p);
  ASSERT_TRUE(r.converged);
  const double den = std::pow(c1, 1.5) + std::pow(c2, 1.5);
  EXPECT_NEAR(r.x[0], M * std::sqrt(c1) / den, 1e-10);
  EXPECT_NEAR(r.x[1], M * std::sqrt(c2) / den, 1e-10);
}

TEST(Recruitment, TwoMusclesMinMaxClosedForm) {
  // min max(a1, a2): both equal, a = M / (c1 + c2).
  const double c1 = 50.0, c2 = 18.0, M = 25.0;
  RecruitmentProblem p = twoMuscles(c1, c2, M);
  p.criterion = RecruitmentCriterion::kMinMax;
  const RecruitmentResult r = solve(p);
  ASSERT_TRUE(r.converged);
  EXPECT_EQ(r.method, RecruitmentMethod::kInteriorPoint);
  EXPECT_NEAR(r.x[0], M / (c1 + c2), 1e-8);
  EXPECT_NEAR(r.x[1], M / (c1 + c2), 1e-8);
  EXPECT_NEAR(r.objective, M / (c1 + c2), 1e-8);
  EXPECT_NEAR(r.max_power, M / (c1 + c2), 1e-8);
}

TEST(Recruitment, FixedVariableStaysFixed) {
  // A variable with lower = upper (a muscle switched off, or held) keeps its value in both
  // methods; the other muscle supplies the rest.
  for (RecruitmentCriterion criterion :
       {RecruitmentCriterion::kSumOfPowers, RecruitmentCriterion::kMinMax}) {
    RecruitmentProblem p = twoMuscles(50.0, 20.0, 25.0);
    p.criterion = criterion;
    p.lower[0] = p.upper[0] = 0.2;
    const RecruitmentResult r = solve(p);
    ASSERT_TRUE(r.converged);
    EXPECT_EQ(r.x[0], 0.2);
    EXPECT_NEAR(r.x[1], (25.0 - 50.0 * 0.2) / 20.0, 1e-8);
  }
}

TEST(Recruitment, MinimumActivationAndZeroColumn) {
  // A muscle in spasm (lower bound 0.1) and a paralysed one (zero column) keep their lower
  // bounds; the third muscle takes the rest of the moment.
  for (int exponent : {2, 3}) {
    RecruitmentProblem p = makeRecruitmentProblem(1, 3);
    p.A << 50.0, 0.0, 20.0;
    p.b << 20.0;
    p.exponent = exponent;
    p.lower[0] = 0.1;
    const RecruitmentResult r = solve(p);
    ASSERT_TRUE(r.converged);
    EXPECT_EQ(r.x[1], 0.0);
    EXPECT_GE(r.x[0], 0.1);
    EXPECT_NEAR(50.0 * r.x[0] + 20.0 * r.x[2], 20.0, 1e-9);
    if (r.x[0] > 0.1) {  // interior: the closed form of the two working muscles
      const double expected =
          exponent == 2 ? 20.0 * 50.0 / (50.0 * 50.0 + 20.0 * 20.0)
                        : 20.0 * std::sqrt(50.0) / (std::pow(50.0, 1.5) + std::pow(20.0, 1.5));
      EXPECT_NEAR(r.x[0], expected, 1e-9);
    }
  }
}

// ---- reserves ----

TEST(Recruitment, ReserveSuppliesOnlyWhatTheMusclesCannot) {
  // Both muscles at full activation supply c1 + c2 = 70 N m; 100 N m are asked. With the reserve
  // the problem is feasible, the muscles saturate and the reserve supplies exactly the 30 N m
  // missing (the least reserve use), reported in the result.
  const double c1 = 50.0, c2 = 20.0, M = 100.0;
  const RecruitmentResult r = solve(twoMusclesAndReserve(c1, c2, M, 1e3));
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR(r.x[0], 1.0, 1e-14);
  EXPECT_NEAR(r.x[1], 1.0, 1e-14);
  EXPECT_NEAR(r.x[2], M - c1 - c2, 1e-9);
  EXPECT_EQ(r.max_reserve_index, 2);
  EXPECT_NEAR(r.max_abs_reserve, M - c1 - c2, 1e-9);
  EXPECT_NEAR(r.objective, 2.0 + 1e3 * 30.0 * 30.0, 1e-6);

  // Under min/max the same: the maximum activation is 1 and the reserve supplies the rest.
  RecruitmentProblem mm = twoMusclesAndReserve(c1, c2, M, 1e3);
  mm.criterion = RecruitmentCriterion::kMinMax;
  const RecruitmentResult rm = solve(mm);
  ASSERT_TRUE(rm.converged);
  EXPECT_NEAR(rm.max_power, 1.0, 1e-7);
  EXPECT_NEAR(rm.max_abs_reserve, M - c1 - c2, 1e-6);
}

TEST(Recruitment, ReserveIsTinyWhenMusclesSuffice) {
  // Feasible without the reserve: the quadratic penalty still lets it take a sliver,
  // lambda / (2 w_r), which a large weight makes negligible.
  const RecruitmentResult r = solve(twoMusclesAndReserve(50.0, 20.0, 30.0, 1e6));
  ASSERT_TRUE(r.converged);
  EXPECT_LT(r.max_abs_reserve, 1e-6);
  EXPECT_NEAR(r.x[2], r.multiplier[0] / (2.0 * 1e6), 1e-15);
}

TEST(Recruitment, InfeasibleWithoutReservesIsReportedNotThrown) {
  const RecruitmentResult r = solve(twoMuscles(50.0, 20.0, 100.0));
  EXPECT_FALSE(r.converged);
  EXPECT_GT(r.max_equality_residual, 1.0);  // 30 N m missing
}

TEST(Recruitment, MinimalReserveUseOnALargeProblem) {
  // Ask for twenty times what the synthetic muscles were drawn to produce: some rows exceed the
  // muscles' capacity and need reserves.
  RecruitmentProblem p = synthetic(60, 500, 7);
  p.b *= 20.0;
  const int first_reserve = p.cols() - p.rows();
  double previous_norm = kInf;
  for (double w_r : {1e2, 1e3, 1e6}) {
    p.weight.tail(p.rows()).setConstant(w_r);
    const RecruitmentResult r = solve(p);
    SCOPED_TRACE(::testing::Message() << "reserve weight " << w_r);
    expectKkt(p, r);
    // Multipliers up to 2 w_r x_r ~ 3e9 leave the dual Newton method its full precision.
    EXPECT_EQ(r.interior_point_iterations, 0);
    EXPECT_GT(r.max_abs_reserve, 1.0);  // N m, not a sliver
    // A row that no contact touches needs at least what its muscles cannot give at full
    // activation: b_k - sum_j max(A_kj, 0) when b_k > 0 (and symmetrically).
    for (int row = 0; row < p.rows(); ++row) {
      double push = 0.0, pull = 0.0;
      bool contact = false;
      for (int j = 0; j < first_reserve; ++j) {
        if (p.kind[j] == RecruitmentVariable::kQuadratic && p.A(row, j) != 0.0) contact = true;
        if (p.kind[j] == RecruitmentVariable::kPower)
          push += std::max(p.A(row, j), 0.0), pull += std::min(p.A(row, j), 0.0);
      }
      if (contact) continue;
      const double reserve = r.x[first_reserve + row];
      if (p.b[row] > push) {
        EXPECT_GE(reserve, p.b[row] - push - 1e-6) << "row " << row;
      }
      if (p.b[row] < pull) {
        EXPECT_LE(reserve, p.b[row] - pull + 1e-6) << "row " << row;
      }
    }
    // A heavier penalty never uses more reserve.
    const double norm = r.x.tail(p.rows()).norm();
    EXPECT_LE(norm, previous_norm * (1.0 + 1e-9));
    previous_norm = norm;
  }
}

// ---- KKT conditions (property test on random problems) ----

TEST(Recruitment, KktConditionsHoldOnRandomProblems) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    for (int exponent : {2, 3}) {
      const int m = 30 + 13 * static_cast<int>(seed), n = 8 * m;
      const RecruitmentProblem p = synthetic(m, n, seed, exponent);
      SCOPED_TRACE(::testing::Message() << "seed " << seed << ", p = " << exponent);
      const RecruitmentResult r = solve(p);
      expectKkt(p, r);
      EXPECT_EQ(r.method, RecruitmentMethod::kDualNewton);
      EXPECT_NEAR(r.objective, calcRecruitmentObjective(p, r.x), 1e-12 * r.objective);
    }
  }
}

TEST(Recruitment, MinMaxIsNoWorseThanAnyFeasiblePoint) {
  // The sum-of-powers solutions are feasible for min/max; none may beat its optimum.
  for (unsigned seed = 1; seed <= 3; ++seed) {
    RecruitmentProblem p = synthetic(50, 400, seed, 2, RecruitmentCriterion::kMinMax);
    const RecruitmentResult mm = solve(p);
    ASSERT_TRUE(mm.converged);
    EXPECT_LT(relativeResidual(p, mm.x), 1e-9);
    for (int exponent : {2, 3}) {
      RecruitmentProblem q = p;
      q.criterion = RecruitmentCriterion::kSumOfPowers;
      q.exponent = exponent;
      const RecruitmentResult r = solve(q);
      ASSERT_TRUE(r.converged);
      EXPECT_LE(mm.objective, calcRecruitmentObjective(p, r.x) + 1e-9);
    }
  }
}

// ---- the fallback ----

TEST(Recruitment, InteriorPointFallbackGivesTheSameSolution) {
  // With no dual Newton iteration allowed, the interior point solves the problem alone.
  for (int exponent : {2, 3}) {
    const RecruitmentProblem p = synthetic(50, 400, 3, exponent);
    const RecruitmentResult newton = solve(p);
    RecruitmentOptions options;
    options.max_iterations = 0;
    const RecruitmentResult ipm = solve(p, options);
    ASSERT_TRUE(ipm.converged);
    // The polish from the interior point's multipliers may already meet the tolerance without
    // an iteration, and then reports the dual Newton method.
    EXPECT_GT(ipm.interior_point_iterations, 0);
    EXPECT_LT(relativeResidual(p, ipm.x), 1e-9);
    const int nmuscle = p.cols() - p.rows() - 8;
    EXPECT_LT((ipm.x.head(nmuscle) - newton.x.head(nmuscle)).lpNorm<Eigen::Infinity>(), 1e-4)
        << "p = " << exponent;
    EXPECT_NEAR(ipm.objective, newton.objective, 1e-6 * newton.objective);  // gap 1e-7
  }
}

// ---- warm start ----

TEST(Recruitment, WarmStartReducesIterations) {
  // A slowly changing right-hand side, as in a smooth motion.
  for (int exponent : {2, 3}) {
    RecruitmentProblem p = synthetic(80, 700, 11, exponent);
    const Eigen::VectorXd b0 = p.b;
    RecruitmentWorkspace warm_ws = makeRecruitmentWorkspace(p.rows(), p.cols());
    RecruitmentWorkspace cold_ws = makeRecruitmentWorkspace(p.rows(), p.cols());
    RecruitmentResult r = makeRecruitmentResult(p.rows(), p.cols());
    RecruitmentOptions cold;
    cold.warm_start = false;
    int warm_iterations = 0, cold_iterations = 0;
    const int nframe = 20;
    for (int frame = 0; frame < nframe; ++frame) {
      for (int row = 0; row < p.rows(); ++row)
        p.b[row] = b0[row] * (1.0 + 0.2 * std::sin(0.02 * frame + 0.1 * row));
      solveRecruitment(p, warm_ws, r);
      ASSERT_TRUE(r.converged);
      if (frame > 0) warm_iterations += r.iterations;  // the first frame starts cold
      const Eigen::VectorXd warm_x = r.x;
      solveRecruitment(p, cold_ws, r, cold);
      ASSERT_TRUE(r.converged);
      if (frame > 0) cold_iterations += r.iterations;
      EXPECT_LT((warm_x - r.x).lpNorm<Eigen::Infinity>(), 1e-7);
    }
    EXPECT_LT(warm_iterations, cold_iterations) << "p = " << exponent;
    std::cout << "p = " << exponent << ": " << warm_iterations << " warm and " << cold_iterations
              << " cold iterations over " << nframe - 1 << " frames\n";
  }
}

TEST(Recruitment, ResetWarmStartStartsCold) {
  const RecruitmentProblem p = synthetic(40, 320, 5);
  RecruitmentWorkspace ws = makeRecruitmentWorkspace(p.rows(), p.cols());
  RecruitmentResult first = makeRecruitmentResult(p.rows(), p.cols());
  RecruitmentResult again = makeRecruitmentResult(p.rows(), p.cols());
  solveRecruitment(p, ws, first);
  EXPECT_EQ(ws.warm_solves, 1);
  resetWarmStart(ws);
  solveRecruitment(p, ws, again);
  EXPECT_EQ(again.iterations, first.iterations);
  EXPECT_EQ(again.x, first.x);  // deterministic
}

// ---- no allocation per solve ----

TEST(Recruitment, NoAllocationPerSolve) {
  struct Case {
    int exponent;
    RecruitmentCriterion criterion;
    int max_iterations;  // 0 forces the interior-point fallback
  };
  for (const Case c :
       {Case{2, RecruitmentCriterion::kSumOfPowers, 50},
        Case{3, RecruitmentCriterion::kSumOfPowers, 50}, Case{2, RecruitmentCriterion::kMinMax, 50},
        Case{2, RecruitmentCriterion::kSumOfPowers, 0}}) {
    RecruitmentProblem p = synthetic(60, 500, 2, c.exponent, c.criterion);
    RecruitmentWorkspace ws = makeRecruitmentWorkspace(p.rows(), p.cols());
    RecruitmentResult r = makeRecruitmentResult(p.rows(), p.cols());
    RecruitmentOptions options;
    options.max_iterations = c.max_iterations;
    CountAllocations counter;  // from the first solve on: the workspace has every buffer
    for (int frame = 0; frame < 4; ++frame) {
      p.b *= 1.01;
      p.A(0, 0) *= 1.01;
      solveRecruitment(p, ws, r, options);
    }
    EXPECT_EQ(counter.count(), 0) << "p = " << c.exponent << ", max_iterations "
                                  << c.max_iterations;
    EXPECT_TRUE(r.converged);
  }
}

// ---- bad input ----

TEST(Recruitment, RejectsBrokenPreconditions) {
  auto expectUsageError = [](const RecruitmentProblem& p, const char* what) {
    EXPECT_THROW(solve(p), UsageError) << what;
  };
  const RecruitmentProblem good = twoMuscles(50.0, 20.0, 30.0);
  RecruitmentProblem p = good;
  p.b.resize(2);
  expectUsageError(p, "b size");
  p = good;
  p.weight[1] = 0.0;
  expectUsageError(p, "zero weight");
  p = good;
  p.lower[0] = 2.0;
  expectUsageError(p, "lower > upper");
  p = good;
  p.exponent = 4;
  expectUsageError(p, "exponent");
  p = good;
  p.A(0, 1) = std::numeric_limits<double>::quiet_NaN();
  expectUsageError(p, "NaN in A");
  p = good;
  p.criterion = RecruitmentCriterion::kMinMax;
  p.lower[0] = -kInf;
  expectUsageError(p, "unbounded kPower variable under min/max");
  p = good;
  p.kind.pop_back();
  expectUsageError(p, "kind size");
  // The message names the field.
  p = good;
  p.weight[1] = -1.0;
  try {
    solve(p);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("weight[1]"), std::string::npos) << e.what();
  }
}

// With bands the solver reads each column's band where it lies in A, without copying it: the
// solution is the one of the packed A; entries outside the bands are never read; a NaN inside a
// band is still refused by name (through the check folded into A^T lambda).
TEST(Recruitment, BandsReadInPlace) {
  RecruitmentProblem p = synthetic(60, 500, 7);
  const int m = p.rows(), n = p.cols();
  p.column_row_begin.assign(n, 0);
  p.column_row_end.assign(n, 0);
  for (int j = 0; j < n; ++j) {
    int first = m, last = -1;
    for (int i = 0; i < m; ++i)
      if (p.A(i, j) != 0.0) first = std::min(first, i), last = i;
    p.column_row_begin[j] = last < 0 ? 0 : first;
    p.column_row_end[j] = last < 0 ? 0 : last + 1;
  }
  RecruitmentProblem dense = p;
  dense.column_row_begin.clear();
  dense.column_row_end.clear();
  // Garbage outside the bands, which the solver must not read.
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i)
      if (i < p.column_row_begin[j] || i >= p.column_row_end[j])
        p.A(i, j) = std::numeric_limits<double>::quiet_NaN();
  RecruitmentWorkspace ws_band = makeRecruitmentWorkspace(m, n);
  RecruitmentWorkspace ws_dense = makeRecruitmentWorkspace(m, n);
  RecruitmentResult r_band = makeRecruitmentResult(m, n), r_dense = makeRecruitmentResult(m, n);
  const Eigen::VectorXd b0 = p.b;
  for (int frame = 0; frame < 6; ++frame) {
    for (int row = 0; row < m; ++row)
      p.b[row] = b0[row] * (1.0 + 0.1 * std::sin(0.3 * frame + row));
    dense.b = p.b;
    solveRecruitment(p, ws_band, r_band);
    solveRecruitment(dense, ws_dense, r_dense);
    ASSERT_TRUE(r_band.converged && r_dense.converged);
    EXPECT_LT((r_band.x - r_dense.x).lpNorm<Eigen::Infinity>(), 1e-8) << "frame " << frame;
    EXPECT_LT(relativeResidual(dense, r_band.x), 1e-9);
  }
  // A NaN inside a band: refused, naming the entry, for both criteria and on a warm workspace.
  const int j = 3, i = p.column_row_begin[j];
  ASSERT_LT(i, p.column_row_end[j]);
  p.A(i, j) = std::numeric_limits<double>::quiet_NaN();
  for (RecruitmentCriterion criterion :
       {RecruitmentCriterion::kSumOfPowers, RecruitmentCriterion::kMinMax}) {
    p.criterion = criterion;
    try {
      solveRecruitment(p, ws_band, r_band);
      ADD_FAILURE() << "a NaN inside a band was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(
          std::string(e.what()).find("A(" + std::to_string(i) + ", " + std::to_string(j) + ")"),
          std::string::npos)
          << e.what();
    }
  }
}

TEST(Recruitment, WorkspaceOfAnotherSizeIsRemade) {
  const RecruitmentProblem p = twoMuscles(50.0, 20.0, 30.0);
  RecruitmentWorkspace ws = makeRecruitmentWorkspace(5, 7);
  RecruitmentResult r = makeRecruitmentResult(5, 7);
  solveRecruitment(p, ws, r);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(ws.ncol, 2);
  EXPECT_EQ(r.x.size(), 2);
}

// ---- agreement with Ipopt ----

#ifdef DORSUM_HAVE_IPOPT

namespace {

struct Shape {
  int m, n;
  unsigned seed;
};
const Shape kShapes[] = {{42, 320, 21}, {75, 560, 22}, {100, 800, 23}};

// Largest difference over the kPower variables (the activations).
double activationDifference(const RecruitmentProblem& p, const Eigen::VectorXd& a,
                            const Eigen::VectorXd& b) {
  double diff = 0.0;
  for (int i = 0; i < p.cols(); ++i)
    if (p.kind[i] == RecruitmentVariable::kPower) diff = std::max(diff, std::abs(a[i] - b[i]));
  return diff;
}

}  // namespace

TEST(RecruitmentIpopt, SumOfPowersActivationsAgree) {
  for (int exponent : {2, 3}) {
    for (const Shape& s : kShapes) {
      SCOPED_TRACE(::testing::Message() << s.m << " x " << s.n << ", p = " << exponent);
      const RecruitmentProblem p = synthetic(s.m, s.n, s.seed, exponent);
      const RecruitmentResult r = solve(p);
      const ipopt_reference::Solution ref = ipopt_reference::solve(p);
      ASSERT_TRUE(r.converged);
      ASSERT_TRUE(ref.solved) << "Ipopt status " << ref.status;
      EXPECT_LT(activationDifference(p, r.x, ref.x), 1e-4);
      EXPECT_NEAR(r.objective, ref.objective, 1e-6 * ref.objective);
    }
  }
}

TEST(RecruitmentIpopt, MinMaxObjectiveAgrees) {
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(::testing::Message() << s.m << " x " << s.n);
    const RecruitmentProblem p = synthetic(s.m, s.n, s.seed, 2, RecruitmentCriterion::kMinMax);
    const RecruitmentResult r = solve(p);
    const ipopt_reference::Solution ref = ipopt_reference::solve(p);
    ASSERT_TRUE(r.converged);
    ASSERT_TRUE(ref.solved) << "Ipopt status " << ref.status;
    EXPECT_NEAR(r.objective, ref.objective, 1e-4 * std::abs(ref.objective));
    EXPECT_NEAR(calcRecruitmentObjective(p, ref.x), ref.objective, 1e-6 * ref.objective);
  }
}

TEST(RecruitmentIpopt, ReservesAgreeWhenTheMusclesFallShort) {
  for (int exponent : {2, 3}) {
    RecruitmentProblem p = synthetic(50, 400, 31, exponent);
    p.b *= 20.0;
    const RecruitmentResult r = solve(p);
    const ipopt_reference::Solution ref = ipopt_reference::solve(p);
    ASSERT_TRUE(r.converged);
    ASSERT_TRUE(ref.solved) << "Ipopt status " << ref.status;
    EXPECT_GT(r.max_abs_reserve, 1.0);
    const int first_reserve = p.cols() - p.rows();
    EXPECT_LT((r.x.tail(p.rows()) - ref.x.tail(p.rows())).lpNorm<Eigen::Infinity>(),
              1e-4 * (1.0 + r.max_abs_reserve))
        << "p = " << exponent << ", first reserve " << first_reserve;
    EXPECT_LT(activationDifference(p, r.x, ref.x), 1e-4);
  }
}

#else

TEST(RecruitmentIpopt, SkippedWithoutIpopt) {
  GTEST_SKIP() << "Ipopt is not linked into dorsum_tests (DORSUM_HAVE_IPOPT undefined): "
                  "see tests/CMakeLists.txt";
}

#endif
