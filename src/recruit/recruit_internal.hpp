// Pieces shared by the recruitment solvers (src/recruit). docs/RECRUITMENT.md gives the maths.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "dorsum/recruit.hpp"
#include "recruit/kernels.hpp"

namespace dorsum::recruit_detail {

// The exponent of variable i's term: p for kPower, 2 for the others.
inline int termExponent(const RecruitmentProblem& problem, int i) {
  return problem.kind[i] == RecruitmentVariable::kPower ? problem.exponent : 2;
}

// The minimizer over [lo, hi] of w |x|^q - s x (q = 2 or 3), and its derivative dx/ds (0 where
// a bound is active; at a tie the free branch, so that the dual Hessian keeps the column).
// For q = 3 the derivative 1 / (6 w |x|) is infinite at s = 0: in it |x| is floored at `floor3`
// (see cubicFloor).
struct Minimizer {
  double x;
  double slope;
};
inline Minimizer minimizeTerm(double s, double w, double lo, double hi, int q, double floor3) {
  double y, slope;
  if (q == 2) {
    y = s / (2.0 * w);
    slope = 1.0 / (2.0 * w);
  } else {
    y = std::copysign(std::sqrt(std::abs(s) / (3.0 * w)), s);
    slope = 1.0 / (6.0 * w * std::max(std::abs(y), floor3));
  }
  if (y < lo) return {lo, 0.0};
  if (y > hi) return {hi, 0.0};
  return {y, slope};
}

// The floor of |x| in the q = 3 derivative, given the relative residual ||A x - b||_inf /
// (1 + ||b||_inf) of the current iterate. Far from the solution the exact derivative misleads:
// a variable that has just left its bound (s slightly above 0) gets a near-infinite slope, which
// freezes it, while one just below gets none; a floor of up to 1e-2 (of an activation) keeps the
// model honest on the scale of the step. It shrinks with the residual, so that the last
// iterations use the exact derivative and converge quadratically.
inline double cubicFloor(double relative_residual) {
  return std::clamp(0.1 * relative_residual, 1e-12, 1e-2);
}

// ---- A by columns, as runs of consecutive rows (RecruitmentWorkspace), built by packColumns ----

// Describes A to the products below: with bands, each column's band is one run read in place from
// problem.A (no copy); without, the nonzeros are packed by column into the workspace. Returns
// whether A's entries were checked: packing throws UsageError on a NaN or infinite entry, reading
// in place does not look (the caller checks a product, A^T lambda, instead: a non-finite entry
// makes it non-finite, and then calls checkBandsFinite).
bool packColumns(const RecruitmentProblem& problem, RecruitmentWorkspace& ws);

// Throws UsageError naming the first entry inside the bands (every entry without bands) that is
// NaN or infinite.
void checkBandsFinite(const RecruitmentProblem& problem, const RecruitmentWorkspace& ws);

// a^T y for column j.
inline double columnDot(const RecruitmentWorkspace& ws, int j, const double* __restrict y) {
  double acc = 0.0;
  for (int k = ws.column_start[j]; k < ws.column_start[j + 1]; ++k)
    acc += dot(ws.run_length[k], ws.values + ws.run_offset[k], y + ws.run_row[k]);
  return acc;
}

// out = A^T y (n)
inline void multiplyTransposed(const RecruitmentWorkspace& ws, const Eigen::VectorXd& y,
                               Eigen::VectorXd& out) {
  for (int j = 0; j < ws.ncol; ++j) out[j] = columnDot(ws, j, y.data());
}

// out = A x (m)
inline void multiply(const RecruitmentWorkspace& ws, const Eigen::VectorXd& x,
                     Eigen::VectorXd& out) {
  out.setZero();
  double* __restrict o = out.data();
  for (int j = 0; j < ws.ncol; ++j) {
    const double xj = x[j];
    if (xj == 0.0) continue;
    for (int k = ws.column_start[j]; k < ws.column_start[j + 1]; ++k)
      axpy(ws.run_length[k], xj, ws.values + ws.run_offset[k], o + ws.run_row[k]);
  }
}

// ws.hessian (lower triangle) = A diag(d) A^T; columns with d_j = 0 are skipped.
void assembleNormalMatrix(RecruitmentWorkspace& ws, const Eigen::VectorXd& d);

// Factors ws.hessian (lower triangle) into ws.factor, adding a growing multiple of the identity
// if it is not numerically positive definite. Returns false if that fails too. Sets
// ws.factor_curvature to d when given (the dual Newton method's preconditioner), else to zero.
bool factorNormalMatrix(RecruitmentWorkspace& ws, const Eigen::VectorXd* d = nullptr);

// ---- dense Cholesky kernels on an m x m column-major lower triangle (normal_matrix.cpp) ----

// L L^T = H in place (H's lower triangle becomes L). Returns false at a pivot that is not
// positive (or not finite).
bool choleskyFactor(Eigen::MatrixXd& H);

// x = (L L^T)^-1 x.
void choleskySolve(const Eigen::MatrixXd& L, Eigen::VectorXd& x);

// L L^T + sigma v v^T (sigma = +1 or -1) in place, for v zero above row `first`; v is
// overwritten. Returns false if a downdate would leave a pivot below `min_pivot_ratio` times its
// old value (the matrix is then not safely positive definite; L is left half-updated and must
// be refactored).
bool choleskyRankOne(Eigen::MatrixXd& L, Eigen::VectorXd& v, int first, double sigma,
                     double min_pivot_ratio);

// ---- the two methods; both work on ws.lambda, leave the solution in ws.x, and add their
// iterations and factorizations to the counters of `result` ----

// Newton's method on the dual of a kSumOfPowers problem, starting from ws.lambda (and ws.s =
// A^T ws.lambda when `s_current`, else it forms it). Returns true when ||A x - b||_inf <=
// tolerance.
bool solveDualNewton(const RecruitmentProblem& problem, RecruitmentWorkspace& ws, double tolerance,
                     int max_iterations, bool s_current, RecruitmentResult& result);

// Primal-dual interior point (Mehrotra predictor-corrector) for either criterion, from a cold
// start. Returns true when converged; leaves x in ws.x and the multipliers in ws.lambda.
// `tolerance` is relative (RecruitmentOptions::tolerance).
bool solveInteriorPoint(const RecruitmentProblem& problem, RecruitmentWorkspace& ws,
                        double tolerance, int max_iterations, RecruitmentResult& result);

}  // namespace dorsum::recruit_detail
