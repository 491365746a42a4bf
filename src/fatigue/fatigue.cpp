// The three-compartment controller model of muscle fatigue (Xia & Frey Law 2008), integrated
// exactly. docs/FATIGUE.md gives the equations and the sources of the constants.
//
// With M_R = 1 - M_A - M_F the state of one muscle is x = (a, f) = (M_A, M_F), and each branch of
// the controller makes the model an affine system dx/dt = M x + b with constant M and b:
//   relax    (a > TL):                        C = L_R (TL - a)
//   track    (a <= TL, f < 1 - TL):           C = L_D (TL - a)
//   depleted (a <= TL, f > 1 - TL):           C = L_D (1 - a - f)
// (M_R > TL - M_A is the same as M_F < 1 - TL.) The controller is continuous across both
// switching surfaces, a = TL and f = 1 - TL, so the solution is unique and one branch hands over
// to the next where the state meets a surface. Within a branch the solution is
// x(t) = x* + exp(M t) (x0 - x*), with real, distinct, negative eigenvalues (checkFatigueParameters
// guarantees it), so f(t) is a constant plus two exponentials and has at most one extremum: the
// first crossing of a surface is found on monotone pieces by safeguarded Newton iterations. Any
// step length is therefore exact up to rounding, and stable.
#include "dorsum/fatigue.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "dorsum/error.hpp"

namespace dorsum {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Frey-Law LA, Looft JM, Heitsman J (2012), J Biomech 45:1803, Table 1: fatigue rate F and
// recovery rate R (1/s) per joint region, fitted with L_D = L_R = 10 s^-1 to the endurance-time
// curves of Frey Law & Avin (2010, Ergonomics 53:109). docs/FATIGUE.md says how they were read
// and how tests/test_fatigue.cpp checks each row against its region's published curve.
struct RegionRates {
  std::string_view name;
  double F;  // 1/s
  double R;  // 1/s
};
constexpr std::array<RegionRates, 7> kRegionRates = {{
    {"ankle", 0.00589, 0.00058},        // Table 1, ankle (also the abstract's lowest F and R)
    {"knee", 0.01500, 0.00149},         // Table 1, knee
    {"trunk", 0.00755, 0.00075},        // Table 1, trunk
    {"shoulder", 0.01820, 0.00168},     // Table 1, shoulder (the abstract's highest F and R)
    {"elbow", 0.00912, 0.00094},        // Table 1, elbow
    {"hand", 0.00980, 0.00064},         // Table 1, hand/grip
    {"generalized", 0.00970, 0.00091},  // Table 1, all joints pooled
}};

enum class Branch { kRelax, kTrack, kDepleted };

// The branch that governs the next instant. On a switching surface both neighbouring branches
// give the same flows, so the choice follows where the state goes next.
Branch selectBranch(const FatigueParameters& p, double target, double a, double f) {
  if (a > target) return Branch::kRelax;
  const double threshold = 1.0 - target;
  if (f < threshold) return Branch::kTrack;
  if (f > threshold) return Branch::kDepleted;
  const double df = p.F * a - p.R * f;
  if (df != 0.0) return df > 0.0 ? Branch::kDepleted : Branch::kTrack;
  const double da = p.L_D * (target - a) - p.F * a;  // the same in both branches here
  return da > 0.0 ? Branch::kDepleted : Branch::kTrack;
}

// dx/dt = M x + b of one branch at one target, as its equilibrium x* and eigenvalues.
struct AffineSystem {
  double m00 = 0.0, m01 = 0.0, m10 = 0.0, m11 = 0.0;  // M, x = (a, f)
  double a_eq = 0.0, f_eq = 0.0;                      // x*: M x* + b = 0
  double fast = 0.0, slow = 0.0;                      // eigenvalues, fast < slow < 0, 1/s
};

AffineSystem makeSystem(const FatigueParameters& p, Branch branch, double target) {
  AffineSystem s;
  const double gain = branch == Branch::kRelax ? p.L_R : p.L_D;
  s.m00 = -(gain + p.F);
  s.m10 = p.F;
  s.m11 = -p.R;
  if (branch == Branch::kDepleted) {
    // A closed cycle resting -> active -> fatigued -> resting with rates L_D, F, R: at
    // equilibrium the three flows are equal, L_D M_R = F M_A = R M_F.
    s.m01 = -gain;
    const double sum = p.F * p.R + gain * p.R + gain * p.F;
    s.a_eq = gain * p.R / sum;
    s.f_eq = gain * p.F / sum;
    const double half_trace = 0.5 * (s.m00 + s.m11);
    const double det = s.m00 * s.m11 - s.m01 * s.m10;
    // Positive when gain > (sqrt(F) + sqrt(R))^2 (checkFatigueParameters).
    const double disc = half_trace * half_trace - det;
    s.fast = half_trace - std::sqrt(disc);
    s.slow = det / s.fast;  // product of the roots is det: no cancellation
  } else {
    // a follows its own equation: the steady active fraction lags the target by F / (gain + F).
    s.a_eq = gain * target / (gain + p.F);
    s.f_eq = p.F * s.a_eq / p.R;
    s.fast = s.m00;
    s.slow = s.m11;
  }
  return s;
}

// x(t) = x* + exp(M t) (x0 - x*), with exp(M t) = c I + s (M - mu I), c = (e_fast + e_slow) / 2,
// s = (e_slow - e_fast) / (slow - fast), mu = (fast + slow) / 2.
void propagate(const AffineSystem& s, double t, double a0, double f0, double& a, double& f) {
  const double ya = a0 - s.a_eq;
  const double yf = f0 - s.f_eq;
  const double gap = s.slow - s.fast;  // > 0
  const double e_fast = std::exp(s.fast * t);
  const double e_slow = std::exp(s.slow * t);
  const double c = 0.5 * (e_fast + e_slow);
  const double sn = e_slow * (-std::expm1(-gap * t)) / gap;
  const double mu = 0.5 * (s.fast + s.slow);
  a = s.a_eq + c * ya + sn * ((s.m00 - mu) * ya + s.m01 * yf);
  f = s.f_eq + c * yf + sn * (s.m10 * ya + (s.m11 - mu) * yf);
}

// Time at which f(t) = f_eq + A_fast e^(fast t) + A_slow e^(slow t) is extremal, or +inf.
double extremumTime(const AffineSystem& s, double a0, double f0) {
  const double ya = a0 - s.a_eq;
  const double yf = f0 - s.f_eq;
  const double gap = s.slow - s.fast;
  const double mu = 0.5 * (s.fast + s.slow);
  const double w = s.m10 * ya + (s.m11 - mu) * yf;
  const double a_fast = 0.5 * yf - w / gap;
  const double a_slow = 0.5 * yf + w / gap;
  if (a_slow == 0.0) return kInf;
  const double ratio = -(a_fast * s.fast) / (a_slow * s.slow);  // e^(gap t) at the extremum
  return ratio > 1.0 ? std::log(ratio) / gap : kInf;
}

// side * (f(t) - threshold), which is <= 0 while the branch holds and > 0 past its surface.
double excess(const AffineSystem& s, double side, double threshold, double t, double a0,
              double f0) {
  double a = 0.0;
  double f = 0.0;
  propagate(s, t, a0, f0, a, f);
  return side * (f - threshold);
}

// The crossing in (lo, hi], where excess(lo) <= 0 < excess(hi) and excess is increasing: Newton
// steps on df/dt = F a - R f, kept inside the bracket by bisection. Returns a time at or just
// past the crossing (within 1e-13 relative).
double findCrossing(const FatigueParameters& p, const AffineSystem& s, double side,
                    double threshold, double a0, double f0, double lo, double hi) {
  double t = 0.5 * (lo + hi);
  for (int iteration = 0; iteration < 200; ++iteration) {
    double a = 0.0;
    double f = 0.0;
    propagate(s, t, a0, f0, a, f);
    const double g = side * (f - threshold);
    if (g > 0.0) {
      hi = t;
    } else {
      lo = t;
    }
    const double tol = 1e-13 * std::max(1.0, hi);
    if (hi - lo <= tol) break;
    const double slope = side * (p.F * a - p.R * f);
    double next = slope > 0.0 ? t - g / slope : 0.5 * (lo + hi);
    // Newton converges from one side; once its step is below the tolerance, step a little past
    // the root so that the bracket closes.
    if (std::abs(next - t) < 0.25 * tol) next = g > 0.0 ? t - 0.5 * tol : t + 0.5 * tol;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    t = next;
  }
  return hi;
}

// Time within (0, horizon] at which a track or depleted branch starting at (a0, f0) first
// reaches the surface f = 1 - TL, or +inf if it stays in the branch for the whole horizon.
// f_horizon is f at the horizon.
double nextCrossing(const FatigueParameters& p, const AffineSystem& s, Branch branch, double target,
                    double a0, double f0, double horizon, double f_horizon) {
  const double side = branch == Branch::kTrack ? 1.0 : -1.0;
  const double threshold = 1.0 - target;
  const double t_ext = extremumTime(s, a0, f0);
  // f is monotone on [0, t_ext] and on [t_ext, horizon]; the first piece that ends past the
  // surface holds the crossing.
  if (t_ext > 0.0 && t_ext < horizon && excess(s, side, threshold, t_ext, a0, f0) > 0.0) {
    return findCrossing(p, s, side, threshold, a0, f0, 0.0, t_ext);
  }
  if (side * (f_horizon - threshold) > 0.0) {
    const double lo = t_ext > 0.0 && t_ext < horizon ? t_ext : 0.0;
    return findCrossing(p, s, side, threshold, a0, f0, lo, horizon);
  }
  return kInf;
}

// Advances one muscle by `duration` seconds at a constant target in [0, 1], crossing from branch
// to branch. If stop_when_depleted, stops at the first instant the residual capacity cannot cover
// the target (the depleted branch) and returns that time; otherwise returns `duration`.
double advanceMuscle(const FatigueParameters& p, double target, double duration,
                     bool stop_when_depleted, double& a, double& f) {
  // Far more than the model can use in one step at one target (relax -> track -> depleted ->
  // track); the cap only guards against a state that grazes a surface without crossing it.
  constexpr int kMaxSwitches = 16;
  double elapsed = 0.0;
  for (int switches = 0;; ++switches) {
    const Branch branch = selectBranch(p, target, a, f);
    if (stop_when_depleted && branch == Branch::kDepleted) return elapsed;
    const double left = duration - elapsed;
    if (left <= 0.0) break;
    const AffineSystem s = makeSystem(p, branch, target);
    double a_end = 0.0;
    double f_end = 0.0;
    propagate(s, left, a, f, a_end, f_end);
    double t_switch = kInf;
    if (switches < kMaxSwitches) {
      if (branch == Branch::kRelax) {
        // a(t) = a_eq + (a0 - a_eq) e^(fast t) falls to TL (a_eq < TL unless TL = 0).
        if (target > s.a_eq) t_switch = std::log1p((a - target) / (target - s.a_eq)) / -s.fast;
      } else {
        t_switch = nextCrossing(p, s, branch, target, a, f, left, f_end);
      }
    }
    if (t_switch >= left) {
      a = a_end;
      f = f_end;
      elapsed = duration;
      break;
    }
    propagate(s, t_switch, a, f, a, f);
    // Land exactly on the surface so that the next branch is chosen from it.
    if (branch == Branch::kRelax) {
      a = target;
    } else {
      f = 1.0 - target;
    }
    elapsed += t_switch;
  }
  a = std::clamp(a, 0.0, 1.0);
  f = std::clamp(f, 0.0, 1.0);
  return elapsed;
}

void checkTarget(const char* function, double target) {
  if (!std::isfinite(target)) {
    throw UsageError(std::string(function) + ": target load must be finite, got " +
                     std::to_string(target));
  }
}

void checkMaxTime(double max_time_s) {
  if (!(max_time_s >= 0.0 && std::isfinite(max_time_s))) {
    throw InputError("enduranceTime: max_time_s must be finite and >= 0, got " +
                     std::to_string(max_time_s));
  }
}

void checkState(const char* function, const FatigueState& state, Eigen::Index n) {
  if (state.active.size() != n || state.resting.size() != n || state.fatigued.size() != n) {
    throw UsageError(std::string(function) + ": the state's active, resting and fatigued need " +
                     std::to_string(n) + " entries; got " + std::to_string(state.active.size()) +
                     ", " + std::to_string(state.resting.size()) + " and " +
                     std::to_string(state.fatigued.size()));
  }
}

void checkTask(double duty, double cycle_s) {
  if (!(duty > 0.0 && duty <= 1.0)) {
    throw InputError("intermittent task: duty must be in (0, 1], got " + std::to_string(duty));
  }
  if (!(cycle_s > 0.0 && std::isfinite(cycle_s))) {
    throw InputError("intermittent task: cycle_s must be positive and finite, got " +
                     std::to_string(cycle_s));
  }
}

// One whole cycle of the square wave for one muscle.
void advanceCycle(const FatigueParameters& p, double on_target, double duty, double cycle_s,
                  double& a, double& f) {
  const double on = duty * cycle_s;
  advanceMuscle(p, on_target, on, false, a, f);
  if (cycle_s - on > 0.0) advanceMuscle(p, 0.0, cycle_s - on, false, a, f);
}

void writeMuscle(FatigueState& state, Eigen::Index i, double a, double f) {
  state.active[i] = a;
  state.fatigued[i] = f;
  state.resting[i] = std::max(0.0, 1.0 - a - f);
}

}  // namespace

FatigueParameters fatigueParametersFor(const std::string& region) {
  const std::string_view name = region == "grip" ? std::string_view("hand") : region;
  for (const RegionRates& row : kRegionRates) {
    if (row.name == name) return {row.F, row.R, 10.0, 10.0};
  }
  std::string known;
  for (const RegionRates& row : kRegionRates) {
    known += (known.empty() ? "" : ", ") + std::string(row.name);
  }
  throw InputError("fatigue region '" + region + "' is unknown; expected one of " + known +
                   " (or grip)");
}

std::vector<std::string> fatigueRegions() {
  std::vector<std::string> names;
  names.reserve(kRegionRates.size());
  for (const RegionRates& row : kRegionRates) names.emplace_back(row.name);
  return names;
}

void checkFatigueParameters(const FatigueParameters& params) {
  const auto require_rate = [](const char* field, double value) {
    if (!(value > 0.0 && std::isfinite(value))) {
      throw InputError(std::string("fatigue parameters: ") + field +
                       " must be positive and finite (1/s), got " + std::to_string(value));
    }
  };
  require_rate("F", params.F);
  require_rate("R", params.R);
  const double root_sum = std::sqrt(params.F) + std::sqrt(params.R);
  const double min_gain = root_sum * root_sum;
  const auto require_gain = [min_gain](const char* field, double value) {
    if (!(value > min_gain && std::isfinite(value))) {
      throw InputError(std::string("fatigue parameters: ") + field + " must be finite and exceed " +
                       "(sqrt(F) + sqrt(R))^2 = " + std::to_string(min_gain) + " 1/s, got " +
                       std::to_string(value));
    }
  };
  require_gain("L_D", params.L_D);
  require_gain("L_R", params.L_R);
}

FatigueState makeFatigueState(int n) {
  if (n < 0) throw UsageError("makeFatigueState: n must be >= 0, got " + std::to_string(n));
  FatigueState state;
  state.active.setZero(n);
  state.resting.setOnes(n);
  state.fatigued.setZero(n);
  return state;
}

void stepFatigue(const FatigueParameters& params, const Eigen::VectorXd& target, double dt,
                 FatigueState& state) {
  checkFatigueParameters(params);
  const Eigen::Index n = target.size();
  checkState("stepFatigue", state, n);
  if (!(dt >= 0.0 && std::isfinite(dt))) {
    throw UsageError("stepFatigue: dt must be finite and >= 0, got " + std::to_string(dt));
  }
  for (Eigen::Index i = 0; i < n; ++i) checkTarget("stepFatigue", target[i]);
  for (Eigen::Index i = 0; i < n; ++i) {
    double a = state.active[i];
    double f = state.fatigued[i];
    advanceMuscle(params, std::clamp(target[i], 0.0, 1.0), dt, false, a, f);
    writeMuscle(state, i, a, f);
  }
}

Eigen::VectorXd residualCapacity(const FatigueState& state) {
  Eigen::VectorXd capacity(state.fatigued.size());
  calcResidualCapacity(state, capacity);
  return capacity;
}

void calcResidualCapacity(const FatigueState& state, Eigen::VectorXd& capacity) {
  checkState("calcResidualCapacity", state, capacity.size());
  capacity = (1.0 - state.fatigued.array()).max(0.0).matrix();
}

double calcMaxSustainableTarget(const FatigueParameters& params) {
  checkFatigueParameters(params);
  const double held = params.R * (params.L_D + params.F);
  return held / (held + params.F * params.L_D);
}

double enduranceTime(const FatigueParameters& params, double target, double max_time_s) {
  checkFatigueParameters(params);
  checkTarget("enduranceTime", target);
  checkMaxTime(max_time_s);
  if (target <= 0.0) return kInf;
  double a = 0.0;
  double f = 0.0;
  const double t = advanceMuscle(params, std::min(target, 1.0), max_time_s, true, a, f);
  return t < max_time_s ? t : kInf;
}

double enduranceTime(const FatigueParameters& params, const IntermittentTask& task,
                     double max_time_s) {
  checkFatigueParameters(params);
  checkTarget("enduranceTime", task.target);
  checkTask(task.duty, task.cycle_s);
  checkMaxTime(max_time_s);
  if (max_time_s / task.cycle_s > 1e8) {
    throw InputError("intermittent task: more than 1e8 cycles of " + std::to_string(task.cycle_s) +
                     " s within max_time_s = " + std::to_string(max_time_s));
  }
  if (task.target <= 0.0) return kInf;
  const double target = std::min(task.target, 1.0);
  const double on = task.duty * task.cycle_s;
  const double off = task.cycle_s - on;
  double a = 0.0;
  double f = 0.0;
  for (long cycle = 0;; ++cycle) {
    const double start = static_cast<double>(cycle) * task.cycle_s;
    if (start >= max_time_s) break;
    const double on_span = std::min(on, max_time_s - start);
    const double held = advanceMuscle(params, target, on_span, true, a, f);
    if (held < on_span) return start + held;
    if (off > 0.0) advanceMuscle(params, 0.0, off, false, a, f);
  }
  return kInf;
}

void stepIntermittent(const FatigueParameters& params, const Eigen::VectorXd& on_target,
                      double duty, double cycle_s, int cycles, FatigueState& state) {
  checkFatigueParameters(params);
  checkTask(duty, cycle_s);
  const Eigen::Index n = on_target.size();
  checkState("stepIntermittent", state, n);
  if (cycles < 0) {
    throw UsageError("stepIntermittent: cycles must be >= 0, got " + std::to_string(cycles));
  }
  for (Eigen::Index i = 0; i < n; ++i) checkTarget("stepIntermittent", on_target[i]);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double target = std::clamp(on_target[i], 0.0, 1.0);
    double a = state.active[i];
    double f = state.fatigued[i];
    for (int k = 0; k < cycles; ++k) advanceCycle(params, target, duty, cycle_s, a, f);
    writeMuscle(state, i, a, f);
  }
}

FatigueState calcIntermittentState(const FatigueParameters& params, const IntermittentTask& task,
                                   int cycles) {
  FatigueState state = makeFatigueState(1);
  stepIntermittent(params, Eigen::VectorXd::Constant(1, task.target), task.duty, task.cycle_s,
                   cycles, state);
  return state;
}

}  // namespace dorsum
