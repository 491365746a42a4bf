// solveRecruitment: checks the problem, picks the method, fills the result
// (docs/RECRUITMENT.md, "Which method").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "dorsum/error.hpp"
#include "dorsum/recruit.hpp"
#include "recruit/recruit_internal.hpp"

namespace dorsum {

using namespace recruit_detail;

RecruitmentProblem makeRecruitmentProblem(int nrow, int ncol) {
  RecruitmentProblem p;
  p.A.setZero(nrow, ncol);
  p.b.setZero(nrow);
  p.weight.setOnes(ncol);
  p.lower.setZero(ncol);
  p.upper.setOnes(ncol);
  p.kind.assign(ncol, RecruitmentVariable::kPower);
  return p;
}

RecruitmentWorkspace makeRecruitmentWorkspace(int nrow, int ncol) {
  if (nrow < 0 || ncol < 0)
    throw UsageError(fmt::format("makeRecruitmentWorkspace: sizes {} x {}", nrow, ncol));
  RecruitmentWorkspace ws;
  ws.nrow = nrow;
  ws.ncol = ncol;
  ws.column_start.assign(ncol + 1, 0);
  // A column of m rows has at most (m + 1) / 2 runs.
  const std::size_t max_runs = static_cast<std::size_t>((nrow + 1) / 2) * ncol;
  ws.run_row.assign(max_runs, 0);
  ws.run_offset.assign(max_runs + 1, 0);
  ws.run_length.assign(max_runs, 0);
  ws.value.assign(static_cast<std::size_t>(nrow) * ncol, 0.0);
  ws.warm_multiplier.setZero(nrow);
  ws.previous_multiplier.setZero(nrow);
  ws.older_multiplier.setZero(nrow);
  for (Eigen::VectorXd* v :
       {&ws.lambda, &ws.residual, &ws.direction, &ws.rhs, &ws.coupling, &ws.saved_lambda,
        &ws.cg_residual, &ws.cg_preconditioned, &ws.cg_search, &ws.cg_product, &ws.best_lambda})
    v->setZero(nrow);
  for (Eigen::VectorXd* v : {&ws.s,
                             &ws.u,
                             &ws.x,
                             &ws.curvature,
                             &ws.z_lower,
                             &ws.z_upper,
                             &ws.z_max,
                             &ws.dx,
                             &ws.dz_lower,
                             &ws.dz_upper,
                             &ws.dz_max,
                             &ws.dx_aff,
                             &ws.dz_lower_aff,
                             &ws.dz_upper_aff,
                             &ws.dz_max_aff,
                             &ws.rho,
                             &ws.pivot,
                             &ws.sigma_max,
                             &ws.saved_x,
                             &ws.best_x})
    v->setZero(ncol);
  ws.hessian.setZero(nrow, nrow);
  ws.factor.setIdentity(nrow, nrow);
  ws.factor_curvature.setZero(ncol);
  ws.update_column.setZero(nrow);
  return ws;
}

RecruitmentResult makeRecruitmentResult(int nrow, int ncol) {
  RecruitmentResult r;
  r.x.setZero(ncol);
  r.multiplier.setZero(nrow);
  return r;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

[[noreturn]] void fail(const std::string& what) {
  throw UsageError("solveRecruitment: " + what);
}

void checkProblem(const RecruitmentProblem& p) {
  const int m = p.rows(), n = p.cols();
  auto checkSize = [&](const char* name, Eigen::Index size, int expected) {
    if (size != expected)
      fail(fmt::format("RecruitmentProblem.{} has {} entries, expected {}", name, size, expected));
  };
  checkSize("b", p.b.size(), m);
  checkSize("weight", p.weight.size(), n);
  checkSize("lower", p.lower.size(), n);
  checkSize("upper", p.upper.size(), n);
  checkSize("kind", static_cast<Eigen::Index>(p.kind.size()), n);
  if (!p.column_row_begin.empty() || !p.column_row_end.empty()) {
    checkSize("column_row_begin", static_cast<Eigen::Index>(p.column_row_begin.size()), n);
    checkSize("column_row_end", static_cast<Eigen::Index>(p.column_row_end.size()), n);
    for (int j = 0; j < n; ++j)
      if (!(0 <= p.column_row_begin[j] && p.column_row_begin[j] <= p.column_row_end[j] &&
            p.column_row_end[j] <= m))
        fail(
            fmt::format("RecruitmentProblem band of column {} is rows [{}, {}), expected "
                        "0 <= begin <= end <= {}",
                        j, p.column_row_begin[j], p.column_row_end[j], m));
  }
  if (p.exponent != 2 && p.exponent != 3)
    fail(fmt::format("RecruitmentProblem.exponent = {}, expected 2 or 3", p.exponent));
  for (int r = 0; r < m; ++r)
    if (!std::isfinite(p.b[r])) fail(fmt::format("RecruitmentProblem.b[{}] = {}", r, p.b[r]));
  const bool min_max = p.criterion == RecruitmentCriterion::kMinMax;
  // Every frame passes these tests: vector checks first, the loop below only to name the culprit.
  const bool all_good = !min_max && (p.weight.array() > 0.0).all() && p.weight.allFinite() &&
                        (p.lower.array() <= p.upper.array()).all() &&
                        (p.lower.array() < kInf).all() && (p.upper.array() > -kInf).all();
  if (all_good) return;
  for (int i = 0; i < n; ++i) {
    const bool power = p.kind[i] == RecruitmentVariable::kPower;
    const double w = p.weight[i], lo = p.lower[i], hi = p.upper[i];
    if (!(min_max && power) && !(w > 0.0 && std::isfinite(w)))
      fail(fmt::format("RecruitmentProblem.weight[{}] = {}, expected a finite w > 0", i, w));
    if (!(lo <= hi) || lo == kInf || hi == -kInf)  // also false for a NaN
      fail(
          fmt::format("RecruitmentProblem bounds of variable {} are [{}, {}], expected "
                      "lower <= upper",
                      i, lo, hi));
    if (min_max && power && !std::isfinite(lo))
      fail(
          fmt::format("RecruitmentProblem.lower[{}] = {}: under min/max a kPower variable "
                      "needs a finite lower bound",
                      i, lo));
  }
}

// residual_current: ws.residual already holds b - A x for ws.x (the dual Newton method's last
// convergence test), so the product need not be formed again.
void fillResult(const RecruitmentProblem& p, RecruitmentWorkspace& ws, RecruitmentResult& result,
                bool residual_current) {
  result.x = ws.x;
  result.multiplier = ws.lambda;
  if (!residual_current) {
    multiply(ws, ws.x, ws.residual);
    ws.residual -= p.b;
  }
  result.max_equality_residual = ws.residual.lpNorm<Eigen::Infinity>();
  result.objective = calcRecruitmentObjective(p, ws.x);
  result.max_power = 0.0;
  result.max_abs_reserve = 0.0;
  result.max_reserve_index = -1;
  bool any_power = false;
  for (int i = 0; i < ws.ncol; ++i) {
    if (p.kind[i] == RecruitmentVariable::kPower) {
      result.max_power = any_power ? std::max(result.max_power, ws.x[i]) : ws.x[i];
      any_power = true;
    } else if (p.kind[i] == RecruitmentVariable::kReserve) {
      if (result.max_reserve_index < 0 || std::abs(ws.x[i]) > result.max_abs_reserve) {
        result.max_abs_reserve = std::abs(ws.x[i]);
        result.max_reserve_index = i;
      }
    }
  }
}

}  // namespace

double calcRecruitmentObjective(const RecruitmentProblem& p, const Eigen::VectorXd& x) {
  const bool min_max = p.criterion == RecruitmentCriterion::kMinMax;
  if (!min_max && p.exponent == 2) return (p.weight.array() * x.array().square()).sum();
  double sum = 0.0, max_power = 0.0;
  bool any_power = false;
  for (int i = 0; i < p.cols(); ++i) {
    const bool power = p.kind[i] == RecruitmentVariable::kPower;
    if (min_max && power) {
      max_power = any_power ? std::max(max_power, x[i]) : x[i];
      any_power = true;
      continue;
    }
    const double a = std::abs(x[i]);
    sum += p.weight[i] * (termExponent(p, i) == 2 ? a * a : a * a * a);
  }
  return sum + max_power;
}

void solveRecruitment(const RecruitmentProblem& problem, RecruitmentWorkspace& ws,
                      RecruitmentResult& result, const RecruitmentOptions& options) {
  checkProblem(problem);
  const int m = problem.rows(), n = problem.cols();
  if (ws.nrow != m || ws.ncol != n) ws = makeRecruitmentWorkspace(m, n);  // allocates, once
  result.x.resize(n);
  result.multiplier.resize(m);
  const bool entries_checked = packColumns(problem, ws);

  const double tolerance = options.tolerance * (1.0 + problem.b.lpNorm<Eigen::Infinity>());
  bool any_power = false;
  for (int i = 0; i < n && !any_power; ++i)
    any_power = problem.kind[i] == RecruitmentVariable::kPower;
  const bool min_max = problem.criterion == RecruitmentCriterion::kMinMax && any_power;

  result.iterations = 0;
  result.interior_point_iterations = 0;
  result.factorizations = 0;
  result.cg_iterations = 0;
  bool converged = false;
  bool residual_current = false;  // ws.residual = b - A ws.x
  if (!min_max) {
    // docs/RECRUITMENT.md, section 5: the quadratic through the last three multipliers, else the
    // line through the last two, else the last.
    const int kept = options.warm_start ? ws.warm_solves : 0;
    const bool extrapolate = options.extrapolate_warm_start;
    if (extrapolate && kept >= 3)
      ws.lambda = 3.0 * (ws.warm_multiplier - ws.previous_multiplier) + ws.older_multiplier;
    else if (extrapolate && kept >= 2)
      ws.lambda = 2.0 * ws.warm_multiplier - ws.previous_multiplier;
    else if (kept >= 1)
      ws.lambda = ws.warm_multiplier;
    else
      ws.lambda.setZero();
    if (!options.warm_start) ws.has_factor = false;  // (the pattern only saves time)
    // s = A^T lambda, the dual Newton method's first product, doubles as the check of A's
    // entries when they were not copied (packColumns).
    multiplyTransposed(ws, ws.lambda, ws.s);
    if (!entries_checked && !ws.s.allFinite()) checkBandsFinite(problem, ws);
    converged = solveDualNewton(problem, ws, tolerance, options.max_iterations, true, result);
    residual_current = converged;
    result.method = RecruitmentMethod::kDualNewton;
    if (!converged) {
      // Fallback: the interior point from a cold start, then the dual Newton method from its
      // multipliers, which satisfies bounds and stationarity exactly. If the interior point
      // fails too (an infeasible problem without reserves), the dual Newton iterate stays: it
      // satisfies the bounds, and its residual says what is missing.
      ws.saved_x = ws.x;
      ws.saved_lambda = ws.lambda;
      if (solveInteriorPoint(problem, ws, options.tolerance, options.max_interior_point_iterations,
                             result)) {
        ws.saved_x = ws.x;
        ws.saved_lambda = ws.lambda;
        converged = true;
        result.method = RecruitmentMethod::kInteriorPoint;
        if (solveDualNewton(problem, ws, tolerance, options.max_iterations, false, result))
          result.method = RecruitmentMethod::kDualNewton;
      }
      if (result.method != RecruitmentMethod::kDualNewton || !converged) {
        ws.x = ws.saved_x;
        ws.lambda = ws.saved_lambda;
      }
    }
    const bool keep = converged && result.method == RecruitmentMethod::kDualNewton;
    ws.warm_solves = keep ? std::min(kept + 1, 3) : 0;
    if (keep) {
      // (swaps the buffers, no allocation)
      ws.older_multiplier.swap(ws.previous_multiplier);
      ws.previous_multiplier.swap(ws.warm_multiplier);
      ws.warm_multiplier = ws.lambda;
    }
  } else {
    if (!entries_checked) checkBandsFinite(problem, ws);
    converged = solveInteriorPoint(problem, ws, options.tolerance,
                                   options.max_interior_point_iterations, result);
    result.method = RecruitmentMethod::kInteriorPoint;
  }
  result.converged = converged;
  fillResult(problem, ws, result, residual_current);
}

}  // namespace dorsum
