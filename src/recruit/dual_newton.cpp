// Newton's method on the dual of the sum-of-powers problem (docs/RECRUITMENT.md, "Dual Newton").
//
// The Lagrangian L(x, lambda) = sum_i phi_i(x_i) - lambda^T (A x - b) is separable: for given
// multipliers each x_i minimizes phi_i(x_i) - s_i x_i over its bounds, with s = A^T lambda, in
// closed form (minimizeTerm). The dual g(lambda) = L(x(lambda), lambda) is concave and C^1, with
// gradient b - A x(lambda) and (generalized) Hessian -A diag(dx/ds) A^T. Each iteration solves
// the Newton system and searches the step along it exactly: the slope of g along the direction
// is monotone and costs O(n) to evaluate, so a safeguarded one-dimensional Newton method finds
// its zero. Every iterate satisfies the bounds and stationarity exactly; only A x = b remains.
//
// The Newton system H d = r is solved by conjugate gradients preconditioned with the Cholesky
// factor of an earlier system (from the previous iteration or frame), which is close to H when
// the active set and A change little; when they do not converge in a few iterations, H is
// assembled and factored afresh.
#include <algorithm>
#include <cmath>
#include <limits>

#include "recruit/recruit_internal.hpp"

namespace dorsum::recruit_detail {
namespace {

// x(s) and dx/ds for every variable (into ws.x, ws.curvature).
void evaluatePrimal(const RecruitmentProblem& p, const Eigen::VectorXd& s, double floor3,
                    RecruitmentWorkspace& ws) {
  for (int i = 0; i < ws.ncol; ++i) {
    const Minimizer mz =
        minimizeTerm(s[i], p.weight[i], p.lower[i], p.upper[i], termExponent(p, i), floor3);
    ws.x[i] = mz.x;
    ws.curvature[i] = mz.slope;
  }
}

// The slope of the dual along the direction at step tau, phi'(tau) = d^T b - u^T x(s + tau u),
// and its derivative -u^T diag(dx/ds) u (<= 0), with u = A^T d in ws.u. It leaves x(s + tau u)
// and dx/ds there in ws.x and ws.curvature (entries with u_i = 0 do not move), so that an
// accepted step needs no second evaluation of the primal.
struct Slope {
  double value;
  double derivative;
};
Slope dualSlope(const RecruitmentProblem& p, RecruitmentWorkspace& ws, double db, double floor3,
                double tau) {
  double sum = 0.0, curv = 0.0;
  for (int i = 0; i < ws.ncol; ++i) {
    const double ui = ws.u[i];
    if (ui == 0.0) continue;
    const Minimizer mz = minimizeTerm(ws.s[i] + tau * ui, p.weight[i], p.lower[i], p.upper[i],
                                      termExponent(p, i), floor3);
    ws.x[i] = mz.x;
    ws.curvature[i] = mz.slope;
    sum += ui * mz.x;
    curv += ui * ui * mz.slope;
  }
  return {db - sum, -curv};
}

// A step tau > 0 at which |phi'(tau)| <= kSlopeRatio phi'(0): a safeguarded Newton method on the
// monotone slope (Numerical Recipes' rtsafe), which first expands the step while the slope stays
// positive. The full Newton step tau = 1 is tried first, and is exact for p = 2 once the active
// set has settled.
constexpr double kSlopeRatio = 0.05;
constexpr int kMaxLineSearchEvaluations = 80;

// ws.x and ws.curvature are left at the returned step when `*at_step` is true (the step was the
// last one evaluated), else at some other trial step.
double searchStep(const RecruitmentProblem& p, RecruitmentWorkspace& ws, double db, double floor3,
                  double slope0, bool* at_step) {
  *at_step = false;
  const double accept = kSlopeRatio * slope0;
  double lo = 0.0, hi = std::numeric_limits<double>::infinity();
  double tau = 1.0, best = 1.0, best_abs = std::numeric_limits<double>::infinity();
  double previous_width = std::numeric_limits<double>::infinity();
  for (int k = 0; k < kMaxLineSearchEvaluations; ++k) {
    const Slope sl = dualSlope(p, ws, db, floor3, tau);
    if (std::abs(sl.value) <= accept) {
      *at_step = true;
      return tau;
    }
    if (sl.value > 0.0) {
      lo = tau;
      if (std::abs(sl.value) < best_abs) best_abs = std::abs(sl.value), best = tau;
    } else {
      hi = tau;
    }
    const double newton = sl.derivative < 0.0 ? tau - sl.value / sl.derivative : hi;
    if (std::isinf(hi)) {
      // Unbracketed: Newton undershoots on the square-root branch of p = 3, so at least double.
      tau = std::max(newton, 2.0 * tau);
      if (tau > 1e30) break;
      continue;
    }
    const double width = hi - lo;
    if (newton > lo && newton < hi && width < 0.5 * previous_width) {
      tau = newton;
    } else {
      // Bisection, geometric while the bracket spans orders of magnitude.
      tau = (lo > 0.0 && hi > 16.0 * lo) ? std::sqrt(lo * hi) : 0.5 * (lo + hi);
    }
    previous_width = width;
  }
  // Not within the tolerance: the best step that still ascends (the slope is positive up to it).
  return lo > 0.0 ? lo : best;
}

// ws.cg_product = H v, with H = A diag(dx/ds) A^T applied column by column in one pass over A,
// skipping the columns at a bound (dx/ds = 0).
void multiplyNormal(RecruitmentWorkspace& ws, const Eigen::VectorXd& v) {
  ws.cg_product.setZero();
  double* __restrict out = ws.cg_product.data();
  for (int j = 0; j < ws.ncol; ++j) {
    const double dj = ws.curvature[j];
    if (dj == 0.0) continue;
    const double t = dj * columnDot(ws, j, v.data());
    for (int k = ws.column_start[j]; k < ws.column_start[j + 1]; ++k)
      axpy(ws.run_length[k], t, ws.values + ws.run_offset[k], out + ws.run_row[k]);
  }
}

// Eisenstat SC, Walker HF (1996). Choosing the forcing terms in an inexact Newton method. SIAM J.
// Sci. Comput. 17(1):16-32.
//
// Conjugate gradients on H d = r (r = ws.residual, d = ws.direction, from d = 0), preconditioned
// by the Cholesky factor kept in ws.factor, which belongs to an earlier Newton system (this frame's
// previous iteration or the previous frame). Returns false if they have not met the forcing
// term after kMaxCgIterations: the caller then factors H itself.
constexpr int kMaxCgIterations = 6;  // about the cost of a fresh assembly and factorization
// A solve that needed more than this many iterations marks the factor as stale: the next system
// is factored afresh (A has drifted too far from the factor's; refactoring then pays for itself
// over the following frames).
constexpr int kStaleCgIterations = 4;
constexpr double kMaxForcing = 1e-2;  // loosest relative accuracy of a Newton direction

bool solvePreconditioned(RecruitmentWorkspace& ws, double forcing, RecruitmentResult& result) {
  ws.direction.setZero();
  ws.cg_residual = ws.residual;
  ws.cg_preconditioned = ws.cg_residual;
  choleskySolve(ws.factor, ws.cg_preconditioned);
  ws.cg_search = ws.cg_preconditioned;
  double rz = ws.cg_residual.dot(ws.cg_preconditioned);
  // Both the residual (what the next Newton residual will be) and its preconditioned norm
  // r^T M^-1 r (about the error of d in the norm of H, which weights the directions of little
  // curvature, the rows only reserves hold, that the residual hardly sees) must fall by forcing.
  const double target = forcing * ws.residual.norm();
  const double target_rz = forcing * forcing * rz;
  for (int k = 0; k < kMaxCgIterations; ++k) {
    if (k == kStaleCgIterations) ws.factor_stale = true;
    ++result.cg_iterations;
    multiplyNormal(ws, ws.cg_search);
    const double curvature = ws.cg_search.dot(ws.cg_product);
    if (!(curvature > 0.0) || !(rz > 0.0)) return false;  // H singular along the search
    const double alpha = rz / curvature;
    ws.direction += alpha * ws.cg_search;
    ws.cg_residual -= alpha * ws.cg_product;
    ws.cg_preconditioned = ws.cg_residual;
    choleskySolve(ws.factor, ws.cg_preconditioned);
    const double rz_next = ws.cg_residual.dot(ws.cg_preconditioned);
    if (ws.cg_residual.norm() <= target && rz_next <= target_rz) return true;
    ws.cg_search = ws.cg_preconditioned + (rz_next / rz) * ws.cg_search;
    rz = rz_next;
  }
  return false;
}

// Brings the kept factor up to the current active set: a column that entered it since the
// factor was made (dx/ds > 0 now, not in the factor) is added by a rank-one update, one that
// left it removed by a downdate, with the column's current values (A has drifted a little since:
// the factor stays a preconditioner, not the exact matrix). Changes of dx/ds of a column that
// stays free (p = 3) are left to the conjugate gradients. Returns false when a refactorization
// is cheaper (too many changes) or needed (a downdate that would leave the factor nearly
// singular); the factor must then be rebuilt.
constexpr int kMaxFactorUpdates = 16;       // about the cost of an assembly and factorization
constexpr double kMinDowndatePivot = 1e-3;  // pivot after a downdate / before

bool updateFactor(RecruitmentWorkspace& ws) {
  int updates = 0;
  for (int j = 0; j < ws.ncol; ++j) {
    const double d = ws.curvature[j], kept = ws.factor_curvature[j];
    if ((d == 0.0) == (kept == 0.0)) continue;
    if (++updates > kMaxFactorUpdates) return false;
    const double scale = std::sqrt(d != 0.0 ? d : kept);
    double* __restrict v = ws.update_column.data();
    const int first_run = ws.column_start[j], end_run = ws.column_start[j + 1];
    if (first_run == end_run) {
      ws.factor_curvature[j] = d;
      continue;
    }
    for (int k = first_run; k < end_run; ++k) {
      const double* __restrict a = ws.values + ws.run_offset[k];
      double* __restrict o = v + ws.run_row[k];
      const int len = ws.run_length[k];
      for (int r = 0; r < len; ++r) o[r] = scale * a[r];
    }
    const int first = ws.run_row[first_run];
    const bool ok = choleskyRankOne(ws.factor, ws.update_column, first, d != 0.0 ? 1.0 : -1.0,
                                    kMinDowndatePivot);
    ws.update_column.setZero();
    if (!ok) return false;
    ws.factor_curvature[j] = d;
  }
  return true;
}

bool computeDirection(RecruitmentWorkspace& ws, double forcing, bool allow_cg,
                      RecruitmentResult& result) {
  if (allow_cg && ws.has_factor && !ws.factor_stale) {
    ws.has_factor = updateFactor(ws);
    if (ws.has_factor && solvePreconditioned(ws, forcing, result)) return true;
  }
  assembleNormalMatrix(ws, ws.curvature);
  ++result.factorizations;
  ws.has_factor = factorNormalMatrix(ws, &ws.curvature);
  ws.factor_stale = false;
  if (!ws.has_factor) return false;
  ws.direction = ws.residual;
  choleskySolve(ws.factor, ws.direction);
  return true;
}

}  // namespace

bool solveDualNewton(const RecruitmentProblem& p, RecruitmentWorkspace& ws, double tolerance,
                     int max_iterations, bool s_current, RecruitmentResult& result) {
  const int m = ws.nrow;
  double previous_norm = 0.0, previous_tau = 1.0;
  bool previous_from_cg = false, previous_cg_failed = false;
  // s = A^T lambda is formed once, then updated with the steps (s += tau A^T d): with large
  // multipliers (a reserve that carries a large moment under a large weight) a free muscle's
  // s_i in [0, 2 w_i] would come out of A^T lambda with the rounding error of terms many orders
  // larger, and lambda itself cannot represent steps below its own rounding. The small steps
  // u = A^T d are exact to their own scale, so x(s) keeps full precision.
  if (!s_current) multiplyTransposed(ws, ws.lambda, ws.s);
  const double b_scale = 1.0 + p.b.lpNorm<Eigen::Infinity>();
  double floor3 = cubicFloor(1.0);
  // x(s) is left by the line search at an accepted step; with p = 3 its dx/ds must be evaluated
  // again with the next iterate's floor.
  bool primal_current = false;
  for (int it = 0;; ++it) {
    if (!primal_current) evaluatePrimal(p, ws.s, floor3, ws);
    multiply(ws, ws.x, ws.residual);
    for (int r = 0; r < m; ++r) ws.residual[r] = p.b[r] - ws.residual[r];
    const double residual_norm = ws.residual.lpNorm<Eigen::Infinity>();
    if (residual_norm <= tolerance) return true;
    if (it >= max_iterations) return false;
    ++result.iterations;

    // The Newton system is solved inexactly (Eisenstat and Walker 1996, choice 2): loosely while
    // the residual falls slowly (the active set is still changing), tightly as it converges, and
    // never tighter than what lets the step meet the tolerance.
    const double ratio = it == 0 ? 1.0 : residual_norm / previous_norm;
    // The first system is the exception: from a warm start (the only case where it reaches the
    // conjugate gradients) the preconditioner is current and the active set mostly right, so
    // solving it to the tolerance at once is cheaper than a second Newton iteration.
    const double loosest = it == 0 ? 0.0 : std::min(kMaxForcing, 0.9 * ratio * ratio);
    const double forcing =
        std::clamp(std::max(0.1 * tolerance / residual_norm, loosest), 1e-12, kMaxForcing);
    // A stale preconditioner with an inexact direction can make the iterates cycle (a long step,
    // then a tiny one back): after a short step or a rise of the residual that followed a
    // conjugate-gradient direction, factor afresh. While the active set changes a lot (the
    // last attempt failed and the step was short), do not try them at all.
    const bool allow_cg =
        (it == 0 || !previous_from_cg || (previous_tau >= 0.1 && residual_norm <= previous_norm)) &&
        !(previous_cg_failed && previous_tau < 0.5);
    const int factorizations_before = result.factorizations;
    const int cg_before = result.cg_iterations;
    previous_norm = residual_norm;
    if (!computeDirection(ws, forcing, allow_cg, result)) return false;
    previous_from_cg = result.factorizations == factorizations_before;
    previous_cg_failed = !previous_from_cg && result.cg_iterations > cg_before;
    const double slope0 = ws.direction.dot(ws.residual);
    if (!(slope0 > 0.0)) return false;  // no ascent left in floating point

    multiplyTransposed(ws, ws.direction, ws.u);
    const double db = ws.direction.dot(p.b);
    bool at_step = false;
    const double tau = searchStep(p, ws, db, floor3, slope0, &at_step);
    // Unbounded dual (infeasible without reserves): stop before the multipliers overflow.
    if (!std::isfinite(tau * ws.direction.lpNorm<Eigen::Infinity>() +
                       ws.lambda.lpNorm<Eigen::Infinity>())) {
      evaluatePrimal(p, ws.s, floor3, ws);  // x(s) at the iterate returned
      return false;
    }
    ws.lambda += tau * ws.direction;
    ws.s += tau * ws.u;
    previous_tau = tau;
    floor3 = cubicFloor(residual_norm / b_scale);  // for the next iterate
    primal_current = at_step && p.exponent == 2;
  }
}

}  // namespace dorsum::recruit_detail
