// Muscle recruitment as a numerical problem, with no knowledge of anatomy (issue 4, section 3):
//
//   minimize    sum_i phi_i(x_i)
//   subject to  A x = b,   lower <= x <= upper
//
// with phi_i(x) = w_i |x|^p for the kPower variables (muscle activations; p = 2 or 3) and
// phi_i(x) = w_i x^2 for the kQuadratic and kReserve variables (contact forces that only press,
// reserve actuators), whatever p. The min/max criterion replaces the sum over the kPower
// variables by their maximum. docs/RECRUITMENT.md gives the methods: Newton's method on the
// dual, warm-started from the previous frame, and a primal-dual interior-point method for
// min/max and as the fallback.
//
// Use: make the problem, workspace and result once for a size (m rows, n variables), then per
// frame fill problem.A and problem.b (and anything else that changed) and call
// solveRecruitment, which allocates nothing when the sizes match the workspace.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace dorsum {

// What a variable is, which decides its term of the objective.
enum class RecruitmentVariable : std::uint8_t {
  kPower,      // w |x|^p; the maximum of the min/max criterion runs over these (activations)
  kQuadratic,  // w x^2 whatever the criterion (contact forces)
  kReserve,    // w x^2 whatever the criterion, and reported in RecruitmentResult (reserves)
};

enum class RecruitmentCriterion : std::uint8_t {
  kSumOfPowers,  // minimize sum_{kPower} w |x|^p + sum_{others} w x^2
  kMinMax,       // minimize max_{kPower} x + sum_{others} w x^2 (kPower weights are unused)
};

enum class RecruitmentMethod : std::uint8_t {
  kNone,           // nothing solved yet
  kDualNewton,     // Newton's method on the dual (kSumOfPowers)
  kInteriorPoint,  // primal-dual interior point (kMinMax, and the fallback of kSumOfPowers)
};

// Preconditions (solveRecruitment checks them and throws UsageError naming the field):
// sizes as commented; no NaN; weight > 0 wherever it is used; lower <= upper; exponent 2 or 3;
// under kMinMax every kPower variable has a finite lower bound (the maximum is then bounded).
struct RecruitmentProblem {
  Eigen::MatrixXd A;       // column j: the right-hand side that x_j = 1 produces      (m x n)
  Eigen::VectorXd b;       // required right-hand side                                 (m)
  Eigen::VectorXd weight;  // w_i > 0                                                  (n)
  Eigen::VectorXd lower;   // lower bound, may be -infinity                            (n)
  Eigen::VectorXd upper;   // upper bound, may be +infinity                            (n)
  std::vector<RecruitmentVariable> kind;  // (n)
  // Optional bands: every nonzero of column j lies in rows [column_row_begin[j],
  // column_row_end[j]); entries outside are taken as zero and never read. Empty: every row. A
  // muscle's column touches only the coordinates it crosses, so the bands let the solver read
  // about nnz(A) entries per solve instead of m n.                          (n, or empty)
  std::vector<int> column_row_begin, column_row_end;
  int exponent = 2;  // p of the kPower variables: 2 or 3
  RecruitmentCriterion criterion = RecruitmentCriterion::kSumOfPowers;

  int rows() const { return static_cast<int>(A.rows()); }
  int cols() const { return static_cast<int>(A.cols()); }
};

// A problem of m rows and n variables: A = 0, b = 0, weight 1, bounds [0, 1], all kPower.
RecruitmentProblem makeRecruitmentProblem(int nrow, int ncol);

struct RecruitmentOptions {
  // Convergence: ||A x - b||_inf <= tolerance * (1 + ||b||_inf). The dual Newton method
  // satisfies the bounds and the stationarity conditions exactly at every iterate, so this is
  // its only test; the interior-point method also requires its duality measure below it.
  double tolerance = 1e-9;
  int max_iterations = 50;  // dual Newton iterations before the fallback
  int max_interior_point_iterations = 200;
  // Start from what the workspace kept from the last solve (multipliers, preconditioner, the
  // pattern of A); false: a cold solve, the same on any workspace.
  bool warm_start = true;
  // Start from the multipliers extrapolated from the last solves instead of the last ones: the
  // quadratic through the last three (3 lambda_1 - 3 lambda_2 + lambda_3) when they were
  // consecutive converged warm solves, else the line through the last two (2 lambda_1 -
  // lambda_2). On a smooth sequence of frames the start is then third- (second-) order close,
  // and the active set it predicts is mostly right. Solves of unrelated problems on one
  // workspace may prefer false.
  bool extrapolate_warm_start = true;
};

// Every buffer a solve needs, sized once for (m, n) by makeRecruitmentWorkspace. Between solves
// it keeps what makes the next frame cheap: the multipliers of the last solve (warm start), the
// Cholesky factor of its normal matrix (the preconditioner of the next Newton systems), and the
// sparsity pattern of A. The fields are the solvers' internals, public only so that tests can
// inspect them.
struct RecruitmentWorkspace {
  int nrow = 0, ncol = 0;

  // A by columns, as runs of consecutive rows: column j holds runs column_start[j] to
  // column_start[j + 1] - 1; run k starts at row run_row[k] and its run_length[k] entries are
  // values[run_offset[k]] onwards. With bands (RecruitmentProblem::column_row_begin), run j is
  // column j's band and `values` points into the problem's A (set at every solve: it is not
  // valid between solves, nor in a copy). Without, `values` points to `value`, where the nonzeros
  // are packed; that pattern is kept while A's nonzeros stay inside it (an entry that becomes 0
  // stays as a stored zero) and refilled at every solve.
  std::vector<int> column_start;  // (n + 1)
  std::vector<int> run_row;       // (capacity n (m + 1) / 2)
  std::vector<int> run_offset;    // (capacity n (m + 1) / 2 + 1)
  std::vector<int> run_length;    // (capacity n (m + 1) / 2)
  std::vector<double> value;      // (capacity m n)
  const double* values = nullptr;
  bool has_pattern = false;

  // Kept from the last solves.
  Eigen::VectorXd warm_multiplier;      // (m) the multipliers of the last solve
  Eigen::VectorXd previous_multiplier;  // (m) of the solve before it
  Eigen::VectorXd older_multiplier;     // (m) and of the one before that
  // How many of those three are set (0 to 3, in that order), from consecutive converged dual
  // Newton solves each warm-started from the one before.
  int warm_solves = 0;
  bool has_factor = false;    // factor holds a positive definite factor, usable as a preconditioner
  bool factor_stale = false;  // the last CG solve needed many iterations: refactor the next system

  // Shared by both methods.
  Eigen::VectorXd lambda, residual, direction, rhs;  // (m)
  Eigen::VectorXd s, u, x, curvature;                // (n)
  Eigen::MatrixXd hessian;                           // reduced system, lower triangle (m x m)
  // Its Cholesky factor L (lower triangle; the upper one is not used), hand-written so that it
  // can be updated in place when a column enters or leaves the active set (Eigen's
  // LLT::rankUpdate allocates). factor_curvature holds the dx/ds of each column that the factor
  // currently includes (0: not included).
  Eigen::MatrixXd factor;            // (m x m)
  Eigen::VectorXd factor_curvature;  // (n)
  Eigen::VectorXd update_column;     // scratch for the rank-one updates (m)

  // Preconditioned conjugate gradients.
  Eigen::VectorXd cg_residual, cg_preconditioned, cg_search, cg_product;  // (m)

  // Interior point: bound multipliers, steps, and per-variable terms.
  Eigen::VectorXd z_lower, z_upper, z_max;  // (n)
  Eigen::VectorXd dx, dz_lower, dz_upper, dz_max, dx_aff, dz_lower_aff, dz_upper_aff,
      dz_max_aff;                         // (n)
  Eigen::VectorXd rho, pivot, sigma_max;  // (n)
  Eigen::VectorXd coupling;               // A (sigma / P)                     (m)
  Eigen::VectorXd best_x, best_lambda;    // the best iterate so far        (n), (m)
  Eigen::VectorXd saved_x, saved_lambda;  // the fallback's solution       (n), (m)
};

RecruitmentWorkspace makeRecruitmentWorkspace(int nrow, int ncol);
// Forget the previous solve: the next one starts cold, exactly as from a new workspace.
inline void resetWarmStart(RecruitmentWorkspace& workspace) {
  workspace.warm_solves = 0;
  workspace.has_factor = false;
  workspace.factor_stale = false;
  workspace.has_pattern = false;
}

struct RecruitmentResult {
  Eigen::VectorXd x;                   // the solution                                       (n)
  Eigen::VectorXd multiplier;          // lambda, the sensitivity d objective / d b          (m)
  double objective = 0.0;              // the criterion's value at x
  double max_power = 0.0;              // largest kPower variable (the min/max term), 0 if none
  double max_abs_reserve = 0.0;        // largest |x| over the kReserve variables, 0 if none
  int max_reserve_index = -1;          // index of that reserve, -1 if none
  double max_equality_residual = 0.0;  // ||A x - b||_inf
  int iterations = 0;                  // all iterations (dual Newton + interior point)
  int interior_point_iterations = 0;   // of which interior point
  int factorizations = 0;              // m x m Cholesky factorizations
  int cg_iterations = 0;               // preconditioned conjugate-gradient iterations
  RecruitmentMethod method = RecruitmentMethod::kNone;  // the method that gave x
  bool converged = false;
};

RecruitmentResult makeRecruitmentResult(int nrow, int ncol);

// Solves the problem. Allocates nothing when problem, workspace and result have the sizes the
// workspace was made for. Does not throw on non-convergence: result.converged is false and
// result.x holds the last iterate (for an infeasible problem without reserves, for example).
// Throws UsageError on a broken precondition.
void solveRecruitment(const RecruitmentProblem& problem, RecruitmentWorkspace& workspace,
                      RecruitmentResult& result, const RecruitmentOptions& options = {});

// The objective of `problem` at x (the criterion's value), for checks and reports.
double calcRecruitmentObjective(const RecruitmentProblem& problem, const Eigen::VectorXd& x);

// A synthetic problem shaped like the back model's, for tests and benchmarks: m rows of
// balanced coordinates (three per intervertebral level from the bottom up, any remainder as
// shoulder-girdle rows), fascicles that span a few adjacent levels (and a few long ones) with
// moment arm times force entries of either sign, `ncontact` contact forces that only press,
// one reserve per row, and b = A a for activations a drawn in [0, max_activation] (so b is
// reachable without reserves). n = fascicles + ncontact + m. Deterministic for a seed.
struct SyntheticRecruitmentOptions {
  int nrow = 100;
  int ncol = 850;
  int ncontact = 8;
  double max_activation = 0.3;
  double reserve_weight = 1e4;   // per (N m)^2
  double contact_weight = 1e-6;  // per N^2
  unsigned seed = 1;
};
RecruitmentProblem makeSyntheticRecruitmentProblem(const SyntheticRecruitmentOptions& options);

}  // namespace dorsum
