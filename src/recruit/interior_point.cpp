// Primal-dual interior-point method (Mehrotra predictor-corrector) for both criteria
// (docs/RECRUITMENT.md, "Interior point"). It solves min/max, whose dual is not smooth, and is the
// fallback of the dual Newton method.
//
// Unknowns: x (n), the bound t of the maximum (min/max only), lambda (m) and one multiplier per
// finite bound: z_lower for g = x - lo >= 0, z_upper for g = hi - x >= 0, z_max for
// g = t - x_i >= 0 (kPower variables under min/max). The objective is sum_i f_i(x_i) (+ t), where
// f_i is the variable's term, or 0 for a kPower variable under min/max. Newton's method on
//   f'(x) - A^T lambda - z_lower + z_upper + z_max = 0      (r_d, per variable)
//   1 - sum z_max = 0                                        (r_t, min/max only)
//   A x - b = 0                                              (r_p)
//   g z = mu                                                 (per inequality)
// After eliminating the multipliers, x and then t, the step in lambda solves the m x m system
//   (A P^-1 A^T + v v^T / c) dlambda = rhs,  P = f'' + z_l/g_l + z_u/g_u + sigma (diagonal),
//   sigma = z_max / g_max, v = A (sigma / P), c = sum sigma (P - sigma) / P.
#include <algorithm>
#include <cmath>
#include <limits>

#include "recruit/recruit_internal.hpp"

namespace dorsum::recruit_detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kStepFraction = 0.995;  // of the step to the boundary of the positive orthant
constexpr double kGapTolerance = 1e-7;   // loosest relative duality gap

struct Terms {
  double gradient;
  double curvature;
};

// f_i'(x) and f_i''(x); zero for a kPower variable under min/max.
inline Terms termDerivatives(const RecruitmentProblem& p, int i, bool in_max, double x) {
  if (in_max) return {0.0, 0.0};
  const double w = p.weight[i];
  if (termExponent(p, i) == 2) return {2.0 * w * x, 2.0 * w};
  return {3.0 * w * x * std::abs(x), 6.0 * w * std::abs(x)};
}

// The largest alpha <= limit keeping v + alpha dv >= 0, for v > 0.
inline double stepToBoundary(double v, double dv, double limit) {
  return dv < 0.0 ? std::min(limit, -v / dv) : limit;
}

// What each variable carries: finite bounds (a fixed variable, lo = hi, carries none and does not
// move) and membership of the maximum.
struct Flags {
  bool lower, upper, in_max, fixed;
};

class InteriorPoint {
 public:
  InteriorPoint(const RecruitmentProblem& p, RecruitmentWorkspace& ws) : p_(p), ws_(ws) {
    for (int i = 0; i < ws.ncol; ++i) npower_ += p.kind[i] == RecruitmentVariable::kPower;
    min_max_ = p.criterion == RecruitmentCriterion::kMinMax && npower_ > 0;
  }

  bool solve(double tolerance, int max_iterations, RecruitmentResult& result);

 private:
  Flags flags(int i) const {
    const double lo = p_.lower[i], hi = p_.upper[i];
    const bool fixed = lo == hi;
    return {!fixed && std::isfinite(lo), !fixed && std::isfinite(hi),
            min_max_ && p_.kind[i] == RecruitmentVariable::kPower, fixed};
  }
  void start();
  // Residuals into ws.residual (r_p), ws.rho (r_d), rt_; returns the duality measure mu, and
  // in `objective` the objective at x (and t).
  double evaluateResiduals(double& rd_norm, double& dual_scale, double& objective);
  void assembleSystem();
  // Step for complementarity target `target`; with `corrector`, subtracts the predictor's
  // second-order terms dg_aff dz_aff. Writes dx, dz_* (and returns dt).
  double computeStep(double target, bool corrector);
  double maxStep(const Eigen::VectorXd& dx, double dt, const Eigen::VectorXd& dzl,
                 const Eigen::VectorXd& dzu, const Eigen::VectorXd& dzm) const;
  double complementarityAfter(double alpha) const;  // mu at the predictor step alpha

  const RecruitmentProblem& p_;
  RecruitmentWorkspace& ws_;
  int npower_ = 0, ninequality_ = 0;
  bool min_max_ = false;
  double t_ = 0.0, rt_ = 0.0, c_ = 0.0, dt_aff_ = 0.0;
};

void InteriorPoint::start() {
  // x inside its bounds, t above every kPower variable, unit bound multipliers, and z_max
  // summing to 1 so that dL/dt = 0.
  double tmax = -kInf;
  ninequality_ = 0;
  for (int i = 0; i < ws_.ncol; ++i) {
    const Flags f = flags(i);
    const double lo = p_.lower[i], hi = p_.upper[i];
    double x = 0.0;
    if (f.fixed)
      x = lo;
    else if (f.lower && f.upper)
      x = lo + 0.5 * (hi - lo);
    else if (f.lower)
      x = lo + std::max(1.0, std::abs(lo));
    else if (f.upper)
      x = hi - std::max(1.0, std::abs(hi));
    ws_.x[i] = x;
    ws_.z_lower[i] = f.lower ? 1.0 : 0.0;
    ws_.z_upper[i] = f.upper ? 1.0 : 0.0;
    ws_.z_max[i] = f.in_max ? 1.0 / npower_ : 0.0;
    if (f.in_max) tmax = std::max(tmax, x);
    ninequality_ += f.lower + f.upper + f.in_max;
  }
  t_ = min_max_ ? tmax + 1.0 : 0.0;
  ws_.lambda.setZero();
}

double InteriorPoint::evaluateResiduals(double& rd_norm, double& dual_scale, double& objective) {
  multiplyTransposed(ws_, ws_.lambda, ws_.s);
  multiply(ws_, ws_.x, ws_.residual);
  ws_.residual -= p_.b;
  rd_norm = 0.0;
  dual_scale = 1.0;
  objective = t_;
  double complementarity = 0.0, zmax_sum = 0.0;
  for (int i = 0; i < ws_.ncol; ++i) {
    const Flags f = flags(i);
    const double x = ws_.x[i];
    const Terms d = termDerivatives(p_, i, f.in_max, x);
    if (!f.in_max) objective += d.gradient * x / termExponent(p_, i);  // f = x f'(x) / q
    // A fixed variable has no stationarity condition (its bound multipliers absorb it).
    const double rd =
        f.fixed ? 0.0 : d.gradient - ws_.s[i] - ws_.z_lower[i] + ws_.z_upper[i] + ws_.z_max[i];
    ws_.rho[i] = rd;
    rd_norm = std::max(rd_norm, std::abs(rd));
    if (!f.fixed) dual_scale = std::max({dual_scale, std::abs(d.gradient), std::abs(ws_.s[i])});
    if (f.lower) complementarity += (x - p_.lower[i]) * ws_.z_lower[i];
    if (f.upper) complementarity += (p_.upper[i] - x) * ws_.z_upper[i];
    if (f.in_max) complementarity += (t_ - x) * ws_.z_max[i], zmax_sum += ws_.z_max[i];
  }
  rt_ = min_max_ ? 1.0 - zmax_sum : 0.0;
  return ninequality_ > 0 ? complementarity / ninequality_ : 0.0;
}

void InteriorPoint::assembleSystem() {
  c_ = 0.0;
  for (int i = 0; i < ws_.ncol; ++i) {
    const Flags f = flags(i);
    const double x = ws_.x[i];
    if (f.fixed) {  // P = infinity: the column drops out; t - x_i >= 0 still binds t
      const double sigma = f.in_max ? ws_.z_max[i] / (t_ - x) : 0.0;
      ws_.pivot[i] = kInf;
      ws_.sigma_max[i] = sigma;
      ws_.curvature[i] = 0.0;  // 1 / P
      c_ += sigma;             // the limit of sigma P / (P + sigma)
      continue;
    }
    double pv = termDerivatives(p_, i, f.in_max, x).curvature;
    if (f.lower) pv += ws_.z_lower[i] / (x - p_.lower[i]);
    if (f.upper) pv += ws_.z_upper[i] / (p_.upper[i] - x);
    pv += 1e-14 * (1.0 + pv);  // keeps P > 0 for a variable with neither curvature nor bounds
    const double sigma = f.in_max ? ws_.z_max[i] / (t_ - x) : 0.0;
    ws_.sigma_max[i] = sigma;
    ws_.pivot[i] = pv + sigma;
    ws_.curvature[i] = 1.0 / (pv + sigma);
    c_ += sigma * pv / (pv + sigma);
  }
  assembleNormalMatrix(ws_, ws_.curvature);
  if (min_max_) {
    for (int i = 0; i < ws_.ncol; ++i) ws_.u[i] = ws_.sigma_max[i] * ws_.curvature[i];
    multiply(ws_, ws_.u, ws_.coupling);  // v = A (sigma / P)
    const double inv_c = 1.0 / c_;
    for (int j = 0; j < ws_.nrow; ++j)
      for (int r = j; r < ws_.nrow; ++r)
        ws_.hessian(r, j) += ws_.coupling[r] * ws_.coupling[j] * inv_c;
  }
}

double InteriorPoint::computeStep(double target, bool corrector) {
  const int n = ws_.ncol;
  Eigen::VectorXd& rho = ws_.dx;  // the x right-hand side, then the step dx
  double rho_t = rt_, sum_sigma_rho = 0.0;
  // Complementarity right-hand sides c = target - g z - corr (corr only in the corrector).
  auto cLower = [&](int i, double g) {
    return target - g * ws_.z_lower[i] - (corrector ? ws_.dx_aff[i] * ws_.dz_lower_aff[i] : 0.0);
  };
  auto cUpper = [&](int i, double g) {
    return target - g * ws_.z_upper[i] + (corrector ? ws_.dx_aff[i] * ws_.dz_upper_aff[i] : 0.0);
  };
  auto cMax = [&](int i, double g) {
    return target - g * ws_.z_max[i] -
           (corrector ? (dt_aff_ - ws_.dx_aff[i]) * ws_.dz_max_aff[i] : 0.0);
  };
  for (int i = 0; i < n; ++i) {
    const Flags f = flags(i);
    const double x = ws_.x[i];
    double r = -ws_.rho[i];
    if (f.lower) r += cLower(i, x - p_.lower[i]) / (x - p_.lower[i]);
    if (f.upper) r -= cUpper(i, p_.upper[i] - x) / (p_.upper[i] - x);
    if (f.in_max) {
      const double g = t_ - x, cm = cMax(i, g);
      r -= cm / g;
      rho_t -= cm / g;
    }
    rho[i] = f.fixed ? 0.0 : r;
    sum_sigma_rho += ws_.sigma_max[i] * rho[i] * ws_.curvature[i];
  }
  // rhs = -r_p - A (rho / P) - v (sum sigma rho / P - rho_t) / c
  for (int i = 0; i < n; ++i) ws_.u[i] = rho[i] * ws_.curvature[i];
  multiply(ws_, ws_.u, ws_.rhs);
  ws_.rhs = -ws_.rhs - ws_.residual;
  const double t_term = min_max_ ? (sum_sigma_rho - rho_t) / c_ : 0.0;
  if (min_max_) ws_.rhs -= t_term * ws_.coupling;
  ws_.direction = ws_.rhs;
  choleskySolve(ws_.factor, ws_.direction);

  // dt = (sum sigma rho / P - rho_t + v^T dlambda) / c;  dx = (rho + sigma dt + A^T dlambda) / P
  double dt = min_max_ ? t_term + ws_.coupling.dot(ws_.direction) / c_ : 0.0;
  multiplyTransposed(ws_, ws_.direction, ws_.s);  // ws.s now holds A^T dlambda
  for (int i = 0; i < n; ++i)
    ws_.dx[i] = (rho[i] + ws_.sigma_max[i] * dt + ws_.s[i]) * ws_.curvature[i];  // 0 if fixed

  // One step of iterative refinement of A dx = -r_p: near the end P spans twenty orders of
  // magnitude, and the computed step would miss the equality by far more than the tolerance.
  // The correction dlambda' = -H^-1 (A dx + r_p), with dt' = v^T dlambda' / c and
  // dx' = (sigma dt' + A^T dlambda') / P, satisfies A dx' = H dlambda'.
  multiply(ws_, ws_.dx, ws_.rhs);
  ws_.rhs = -ws_.rhs - ws_.residual;
  choleskySolve(ws_.factor, ws_.rhs);
  const double dt_fix = min_max_ ? ws_.coupling.dot(ws_.rhs) / c_ : 0.0;
  multiplyTransposed(ws_, ws_.rhs, ws_.s);
  for (int i = 0; i < n; ++i)
    ws_.dx[i] += (ws_.sigma_max[i] * dt_fix + ws_.s[i]) * ws_.curvature[i];
  ws_.direction += ws_.rhs;
  dt += dt_fix;

  for (int i = 0; i < n; ++i) {
    const Flags f = flags(i);
    const double x = ws_.x[i];
    const double dx = ws_.dx[i];
    if (f.lower) {
      const double g = x - p_.lower[i];
      ws_.dz_lower[i] = (cLower(i, g) - ws_.z_lower[i] * dx) / g;
    } else {
      ws_.dz_lower[i] = 0.0;
    }
    if (f.upper) {
      const double g = p_.upper[i] - x;
      ws_.dz_upper[i] = (cUpper(i, g) + ws_.z_upper[i] * dx) / g;
    } else {
      ws_.dz_upper[i] = 0.0;
    }
    if (f.in_max) {
      const double g = t_ - x;
      ws_.dz_max[i] = (cMax(i, g) - ws_.z_max[i] * (dt - dx)) / g;
    } else {
      ws_.dz_max[i] = 0.0;
    }
  }
  return dt;
}

double InteriorPoint::maxStep(const Eigen::VectorXd& dx, double dt, const Eigen::VectorXd& dzl,
                              const Eigen::VectorXd& dzu, const Eigen::VectorXd& dzm) const {
  double alpha = 1.0 / kStepFraction;
  for (int i = 0; i < ws_.ncol; ++i) {
    const Flags f = flags(i);
    const double x = ws_.x[i];
    if (f.lower) {
      alpha = stepToBoundary(x - p_.lower[i], dx[i], alpha);
      alpha = stepToBoundary(ws_.z_lower[i], dzl[i], alpha);
    }
    if (f.upper) {
      alpha = stepToBoundary(p_.upper[i] - x, -dx[i], alpha);
      alpha = stepToBoundary(ws_.z_upper[i], dzu[i], alpha);
    }
    if (f.in_max) {
      alpha = stepToBoundary(t_ - x, dt - dx[i], alpha);
      alpha = stepToBoundary(ws_.z_max[i], dzm[i], alpha);
    }
  }
  return alpha;
}

double InteriorPoint::complementarityAfter(double alpha) const {
  double sum = 0.0;
  for (int i = 0; i < ws_.ncol; ++i) {
    const Flags f = flags(i);
    const double x = ws_.x[i] + alpha * ws_.dx_aff[i];
    if (f.lower) sum += (x - p_.lower[i]) * (ws_.z_lower[i] + alpha * ws_.dz_lower_aff[i]);
    if (f.upper) sum += (p_.upper[i] - x) * (ws_.z_upper[i] + alpha * ws_.dz_upper_aff[i]);
    if (f.in_max) sum += (t_ + alpha * dt_aff_ - x) * (ws_.z_max[i] + alpha * ws_.dz_max_aff[i]);
  }
  return ninequality_ > 0 ? sum / ninequality_ : 0.0;
}

bool InteriorPoint::solve(double tolerance, int max_iterations, RecruitmentResult& result) {
  start();
  ws_.has_factor = false;  // its matrices are no preconditioner for the dual Newton method
  const double primal_tolerance = tolerance * (1.0 + p_.b.lpNorm<Eigen::Infinity>());
  // The duality gap bounds the error of the objective; 1e-7 of it is far below any use, and
  // asking for much less runs into the ill-conditioning of the last iterations (P spans twenty
  // orders of magnitude, and the steps lose the equality). For the same reason the centring
  // target never asks for a gap below a tenth of the tolerance.
  const double gap_tolerance = std::max(tolerance, kGapTolerance);
  double best_merit = kInf;
  for (int it = 0;; ++it) {
    double rd_norm = 0.0, dual_scale = 1.0, objective = 0.0;
    const double mu = evaluateResiduals(rd_norm, dual_scale, objective);
    // How far from convergence (1: just converged): each measure against its tolerance.
    const double merit =
        std::max({ws_.residual.lpNorm<Eigen::Infinity>() / primal_tolerance,
                  rd_norm / (tolerance * dual_scale), std::abs(rt_) / tolerance,
                  ninequality_ * mu / (gap_tolerance * (1.0 + std::abs(objective)))});
    if (merit <= 1.0) return true;
    if (!std::isfinite(merit) || it >= max_iterations) break;
    if (merit < best_merit) {  // kept in case rounding spoils the last iterations
      best_merit = merit;
      ws_.best_x = ws_.x;
      ws_.best_lambda = ws_.lambda;
    }
    ++result.iterations;
    ++result.interior_point_iterations;

    assembleSystem();
    ++result.factorizations;
    if (!factorNormalMatrix(ws_)) break;

    // Predictor (affine scaling): target 0.
    dt_aff_ = computeStep(0.0, false);
    ws_.dx_aff = ws_.dx;
    ws_.dz_lower_aff = ws_.dz_lower;
    ws_.dz_upper_aff = ws_.dz_upper;
    ws_.dz_max_aff = ws_.dz_max;
    const double alpha_aff = std::min(
        1.0, maxStep(ws_.dx_aff, dt_aff_, ws_.dz_lower_aff, ws_.dz_upper_aff, ws_.dz_max_aff));
    // Corrector with Mehrotra's centring sigma = (mu_aff / mu)^3.
    const double mu_aff = complementarityAfter(alpha_aff);
    const double ratio = mu > 0.0 ? mu_aff / mu : 0.0;
    const double centring = std::isfinite(ratio) ? std::pow(std::clamp(ratio, 0.0, 1.0), 3) : 0.0;
    const double mu_floor =
        0.1 * gap_tolerance * (1.0 + std::abs(objective)) / std::max(ninequality_, 1);
    const double dt = computeStep(std::max(centring * mu, std::min(mu_floor, mu)), true);
    const double alpha =
        std::min(1.0, kStepFraction * maxStep(ws_.dx, dt, ws_.dz_lower, ws_.dz_upper, ws_.dz_max));

    ws_.x += alpha * ws_.dx;
    ws_.z_lower += alpha * ws_.dz_lower;
    ws_.z_upper += alpha * ws_.dz_upper;
    ws_.z_max += alpha * ws_.dz_max;
    ws_.lambda += alpha * ws_.direction;
    t_ += alpha * dt;
  }
  // Not converged: the best iterate seen (never a NaN).
  if (best_merit < kInf) {
    ws_.x = ws_.best_x;
    ws_.lambda = ws_.best_lambda;
  }
  return false;
}

}  // namespace

bool solveInteriorPoint(const RecruitmentProblem& problem, RecruitmentWorkspace& ws,
                        double tolerance, int max_iterations, RecruitmentResult& result) {
  InteriorPoint ipm(problem, ws);
  return ipm.solve(tolerance, max_iterations, result);
}

}  // namespace dorsum::recruit_detail
