// Compliant-tendon equilibrium of one muscle: the fibre length at which the fibre force along
// the tendon equals the tendon force, with the De Groote et al. (2016) curves and the
// constant-thickness pennation model (docs/MUSCLE.md, "Compliant tendon").
//
// The unknown is x = l_f cos(alpha), the fibre's projection on the line of action, rather than
// l_f: the tendon length is then l_MT - x, and cos(alpha) = x / sqrt(x^2 + h^2) has the smooth
// derivative h^2 / l_f^3, with no pole at alpha = 90 degrees.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "dorsum/muscle.hpp"

namespace dorsum {
namespace {

// Everything the residual needs at one x, with the residual r = (F_fibre - F_tendon) / F0 and
// its derivative dr/dx (1/m).
struct Point {
  double along = 0.0;         // x = l_f cos(alpha), m
  double fiber_length = 0.0;  // l_f, m
  double cos_pen = 1.0;
  double norm_velocity = 0.0;  // v~ given to the report (before clamping to [-1, 1])
  double fiber_force = 0.0;    // normalized, along the tendon
  double tendon_force = 0.0;   // normalized
  double r = 0.0;
  double dr = 0.0;
};

struct Problem {
  const MuscleParameters& p;
  double mt_length;  // m
  double activation;
  std::optional<double> mt_speed;  // m/s; none: static, f_V = 1
  double stiffness;                // kT
  double height;                   // l_opt sin(alpha_0), m
};

// f_V and df_V/dx at fibre cos(alpha) = c, dc/dx = dc. The fibre takes the rigid-tendon share of
// the unit's speed, v_f = v_MT cos(alpha); v~ is clamped to the fitted range [-1, 1].
void forceVelocity(const Problem& pr, double c, double dc, Point& pt, double& fv, double& dfv) {
  fv = 1.0;
  dfv = 0.0;
  if (!pr.mt_speed) return;
  const double scale = *pr.mt_speed / (pr.p.max_velocity * pr.p.opt_fiber_length);  // v~ / c
  pt.norm_velocity = scale * c;
  const bool inside = std::abs(pt.norm_velocity) < 1.0;
  fv = calcForceVelocity(std::clamp(pt.norm_velocity, -1.0, 1.0));
  dfv = inside ? calcForceVelocityDerivative(pt.norm_velocity) * scale * dc : 0.0;
}

Point evaluate(const Problem& pr, double along) {
  Point pt;
  const double h = pr.height;
  const double l_opt = pr.p.opt_fiber_length;
  pt.along = along;
  pt.fiber_length = std::sqrt(along * along + h * h);  // > 0: along >= min_along (see bracket)
  pt.cos_pen = along / pt.fiber_length;
  const double dc = h * h / (pt.fiber_length * pt.fiber_length * pt.fiber_length);  // 1/m
  const double l_norm = pt.fiber_length / l_opt;
  const double dl_norm = pt.cos_pen / l_opt;  // d l~ / dx, 1/m

  double fv = 1.0, dfv = 0.0;
  forceVelocity(pr, pt.cos_pen, dc, pt, fv, dfv);
  const double fl = calcActiveForceLength(l_norm);
  const double fpe = calcPassiveForceLength(l_norm);
  const double fa = pr.activation * fl * fv + fpe;
  const double dfa =
      pr.activation * (calcActiveForceLengthDerivative(l_norm) * dl_norm * fv + fl * dfv) +
      calcPassiveForceLengthDerivative(l_norm) * dl_norm;
  pt.fiber_force = fa * pt.cos_pen;
  const double dfiber = dfa * pt.cos_pen + fa * dc;

  const double slack = pr.p.tendon_slack;
  const double t_norm = (pr.mt_length - along) / slack;
  pt.tendon_force = calcTendonForceLength(t_norm, pr.stiffness);
  const double dtendon = -calcTendonForceLengthDerivative(t_norm, pr.stiffness) / slack;
  pt.r = pt.fiber_force - pt.tendon_force;
  pt.dr = dfiber - dtendon;
  return pt;
}

MuscleEquilibrium report(const Problem& pr, const Point& pt, int iterations, bool converged) {
  const MuscleParameters& p = pr.p;
  MuscleEquilibrium e;
  e.fiber_length = pt.fiber_length;
  e.norm_fiber_length = pt.fiber_length / p.opt_fiber_length;
  e.norm_fiber_velocity = pt.norm_velocity;
  e.pennation = std::atan2(pr.height, pt.along);
  e.cos_pennation = pt.cos_pen;
  e.tendon_length = pr.mt_length - pt.along;
  e.tendon_strain = p.tendon_slack > 0.0 ? e.tendon_length / p.tendon_slack - 1.0 : 0.0;
  e.tendon_force = p.max_force * pt.tendon_force;
  e.fiber_force = p.max_force * pt.fiber_force;
  e.residual = p.max_force * pt.r;
  e.iterations = iterations;
  e.converged = converged;
  return e;
}

// The same problem for a fibre held at its shortest length: it does not move, so v~ = 0.
Problem pinned(const Problem& pr) {
  Problem q = pr;
  if (q.mt_speed) q.mt_speed = 0.0;
  return q;
}

// No tendon (l_TS = 0): the fibre spans the unit and the tendon carries the fibre force.
MuscleEquilibrium solveWithoutTendon(const Problem& pr, double min_along) {
  const bool clamped = pr.mt_length < min_along;
  const Problem q = clamped ? pinned(pr) : pr;
  Point pt;
  pt.along = std::max(pr.mt_length, min_along);
  pt.fiber_length = std::sqrt(pt.along * pt.along + q.height * q.height);
  pt.cos_pen = pt.along / pt.fiber_length;
  double fv = 1.0, dfv = 0.0;
  forceVelocity(q, pt.cos_pen, 0.0, pt, fv, dfv);
  const double l_norm = pt.fiber_length / q.p.opt_fiber_length;
  const double fa =
      q.activation * calcActiveForceLength(l_norm) * fv + calcPassiveForceLength(l_norm);
  pt.fiber_force = fa * pt.cos_pen;
  pt.tendon_force = pt.fiber_force;
  MuscleEquilibrium e = report(q, pt, 0, true);
  e.at_min_length = clamped;
  return e;
}

// True when [lo, hi] holds no double strictly between its ends: the root is as close as double
// precision allows.
bool collapsed(double lo, double hi) {
  return hi - lo <=
         2.0 * std::numeric_limits<double>::epsilon() * std::max(std::abs(lo), std::abs(hi));
}

// Newton's method on x, falling back to bisection when the step leaves the bracket [lo, hi]
// (r(lo) < 0 < r(hi)) or does not halve the step before last (as rtsafe, Numerical Recipes).
MuscleEquilibrium solveBracketed(const Problem& pr, Point lo, Point hi,
                                 const EquilibriumOptions& opt) {
  double x = std::clamp(pr.mt_length - pr.p.tendon_slack, lo.along, hi.along);
  if (x <= lo.along || x >= hi.along) x = 0.5 * (lo.along + hi.along);
  double step_before_last = hi.along - lo.along;
  double last_step = step_before_last;
  for (int it = 1; it <= opt.max_iterations; ++it) {
    const Point pt = evaluate(pr, x);
    if (std::abs(pt.r) <= opt.tolerance) return report(pr, pt, it, true);
    (pt.r < 0.0 ? lo : hi) = pt;
    if (collapsed(lo.along, hi.along)) {
      return report(pr, std::abs(lo.r) < std::abs(hi.r) ? lo : hi, it, true);
    }
    const double newton = x - pt.r / pt.dr;
    const bool use_newton = std::isfinite(newton) && newton > lo.along && newton < hi.along &&
                            std::abs(2.0 * pt.r) <= std::abs(step_before_last * pt.dr);
    step_before_last = last_step;
    const double next = use_newton ? newton : 0.5 * (lo.along + hi.along);
    last_step = next - x;
    x = next;
  }
  const Point& best = std::abs(lo.r) < std::abs(hi.r) ? lo : hi;
  return report(pr, best, opt.max_iterations, false);
}

}  // namespace

MuscleEquilibrium solveMuscleEquilibrium(const MuscleParameters& p, double mt_length,
                                         double activation, std::optional<double> mt_speed,
                                         const EquilibriumOptions& options) {
  const double height = p.opt_fiber_length * std::sin(p.pennation_opt);  // m
  const Problem pr{p, mt_length, activation, mt_speed, options.stiffness, height};
  // Shortest fibre, as in the rigid-tendon stage: l_f >= kMinNormFiberLength l_opt.
  const double min_length = kMinNormFiberLength * p.opt_fiber_length;  // m
  const double min_along = std::sqrt(std::max(min_length * min_length - height * height, 0.0));
  if (p.tendon_slack <= 0.0) return solveWithoutTendon(pr, min_along);

  // r(min_along) >= 0: even the shortest fibre pulls at least as hard as the tendon, i.e. the
  // unit is slack. The fibre stays at its shortest length; the residual is reported.
  const Point lo = evaluate(pr, min_along);
  if (lo.r >= 0.0) {
    const Problem q = pinned(pr);
    const Point at_min = evaluate(q, min_along);
    MuscleEquilibrium e = report(q, at_min, 0, std::abs(at_min.r) <= options.tolerance);
    e.at_min_length = true;
    return e;
  }
  // At l_T = 0.9 l_TS the tendon pushes (f_T < -0.05 for any kT > 0) while the fibre force is
  // at least -0.0187 (a >= 0), so r > 0. Grow the bracket further only for odd inputs.
  double grow = 0.1 * p.tendon_slack + p.opt_fiber_length;  // m
  Point hi = evaluate(pr, std::max(mt_length - 0.9 * p.tendon_slack, min_along));
  for (int k = 0; hi.r <= 0.0 && k < 60; ++k, grow *= 2.0) hi = evaluate(pr, hi.along + grow);
  if (hi.r <= 0.0) return report(pr, hi, 0, false);
  return solveBracketed(pr, lo, hi, options);
}

}  // namespace dorsum
