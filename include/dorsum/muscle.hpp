// Hill-type muscle: the smooth force-length, force-velocity and tendon curves of De Groote,
// Kinney, Rao & Fregly (2016), the rigid-tendon stage calcMuscleState, a compliant-tendon
// equilibrium solver and first-order activation dynamics. docs/MUSCLE.md gives the equations.
//
// De Groote F, Kinney AL, Rao AV, Fregly BJ (2016). Evaluation of direct collocation optimal
// control problem formulations for solving the muscle redundancy problem. Annals of Biomedical
// Engineering 44(10):2922-2936. doi:10.1007/s10439-016-1591-9 (curves in its supplement).
//
// Normalized quantities: fibre length l~ = l_f / l_opt; fibre velocity v~ = v_f / (v_max l_opt),
// positive when the fibre lengthens; tendon length l~_T = l_T / l_TS; forces in units of F0.
#pragma once

#include <Eigen/Core>
#include <optional>

#include "dorsum/data.hpp"
#include "dorsum/model.hpp"

namespace dorsum {

// Tendon stiffness k_T of the tendon force-length curve (De Groote et al. 2016, supplement).
inline constexpr double kTendonStiffness = 35.0;

// Shortest fibre the muscle stages admit, in optimal lengths. Below it the second Gaussian of
// the active curve has a pole (b32 + b42 l~ = 0 at l~ = 0.15); 0.2 is the lower bound OpenSim's
// DeGrooteFregly2016Muscle places on the normalized fibre length.
inline constexpr double kMinNormFiberLength = 0.2;

// Steepness b of the tanh that blends activation and deactivation. De Groote et al. (2016)
// published b = 0.1; OpenSim's DeGrooteFregly2016Muscle recommends 10 so that the rise and the
// fall follow tau_a and tau_d, which is the behaviour Dorsum wants.
inline constexpr double kActivationSmoothing = 10.0;

// ---- curves (De Groote et al. 2016): value and derivative with respect to the argument ----

// Active force-length multiplier f_L(l~): three Gaussian-like terms. About 1 at l~ = 1 (the
// published constants give 0.9993 there; the peak, 1.0005, lies at l~ ~ 1.014).
double calcActiveForceLength(double norm_fiber_length);
double calcActiveForceLengthDerivative(double norm_fiber_length);

// Passive force-length multiplier f_PE(l~) = (exp(kPE (l~ - 1) / e0) - 1) / (exp(kPE) - 1).
// Zero at l~ = 1, 1 at l~ = 1 + e0. The published curve dips slightly below zero for l~ < 1
// (to -1 / (exp(kPE) - 1) = -0.0187): a slack fibre cannot push, so it is clamped at zero there
// (and so is its derivative).
double calcPassiveForceLength(double norm_fiber_length);
double calcPassiveForceLengthDerivative(double norm_fiber_length);

// Force-velocity multiplier f_V(v~) = d1 asinh(d2 v~ + d3) + d4, fitted on v~ in [-1, 1]:
// ~0 at -1 (maximal shortening), ~1 at 0, ~1.79 at +1 (eccentric plateau). Increasing.
double calcForceVelocity(double norm_fiber_velocity);
double calcForceVelocityDerivative(double norm_fiber_velocity);
// Its inverse v~(f_V) and the derivative dv~/df_V.
double calcForceVelocityInverse(double force_velocity);
double calcForceVelocityInverseDerivative(double force_velocity);

// Tendon force-length multiplier f_T(l~_T) = c1 exp(kT (l~_T - c2)) - c3. Not zero at slack:
// f_T(1) = 0.2 exp(0.175) - 0.25 = -0.0118; zero at l~_T = c2 + ln(c3 / c1) / kT = 1.00138.
// `stiffness` is kT; a larger one gives a stiffer tendon (the rigid limit is l~_T = c2).
double calcTendonForceLength(double norm_tendon_length, double stiffness = kTendonStiffness);
double calcTendonForceLengthDerivative(double norm_tendon_length,
                                       double stiffness = kTendonStiffness);
// Its inverse l~_T(f_T), defined for f_T > -c3 (clamped just above -c3), and dl~_T/df_T.
double calcTendonForceLengthInverse(double norm_tendon_force, double stiffness = kTendonStiffness);
double calcTendonForceLengthInverseDerivative(double norm_tendon_force,
                                              double stiffness = kTendonStiffness);

// ---- one muscle ----

// The parameters of one musculotendon unit. Preconditions (compile() checks them):
// max_force > 0, opt_fiber_length > 0, tendon_slack >= 0, 0 <= pennation_opt < pi/2,
// max_velocity > 0.
struct MuscleParameters {
  double max_force = 0.0;         // F0, N
  double opt_fiber_length = 0.0;  // l_opt, m
  double tendon_slack = 0.0;      // l_TS, m
  double pennation_opt = 0.0;     // alpha_0, rad
  double max_velocity = 10.0;     // v_max, optimal lengths per second
};

// The parameters of muscle `muscle` of `model` (cheap: copies five numbers).
MuscleParameters getMuscleParameters(const Model& model, int muscle);

// The state of one muscle with a rigid tendon: what calcMuscleState writes for it.
struct RigidTendonState {
  double fiber_length = 0.0;         // l_f, m
  double norm_fiber_length = 0.0;    // l_f / l_opt
  double norm_fiber_velocity = 0.0;  // v_f / (v_max l_opt), positive lengthening
  double cos_pennation = 1.0;        // cos(alpha)
  double active_fl = 0.0;            // f_L
  double fv = 0.0;                   // f_V (at v~ clamped to [-1, 1])
  double passive_fl = 0.0;           // f_PE
  double active_gain = 0.0;          // F0 f_L f_V cos(alpha): N per unit activation
  double passive_force = 0.0;        // F0 f_PE cos(alpha), N along the tendon
};

// Rigid tendon, constant-thickness pennation: l_f cos(alpha) = max(l_MT - l_TS, x_min) and
// l_f sin(alpha) = l_opt sin(alpha_0), where x_min keeps l_f >= kMinNormFiberLength l_opt.
// `mt_length` in m, `mt_speed` in m/s (positive lengthening). Pure; does not allocate.
RigidTendonState calcRigidTendonState(const MuscleParameters& p, double mt_length, double mt_speed);

// The constants of one muscle's constant-thickness pennation: the fibres' height
// h = l_opt sin(alpha_0) (m) and the shortest projection along the tendon that keeps
// l_f >= kMinNormFiberLength l_opt (m). makeData computes them once per muscle
// (Data::muscle_fiber_height, muscle_min_fiber_along) so that calcMuscleState needs no sine.
struct PennationConstants {
  double height = 0.0;
  double min_along = 0.0;
};
PennationConstants calcPennationConstants(const MuscleParameters& p);
// calcRigidTendonState with the constants given (the same result, bit for bit).
RigidTendonState calcRigidTendonState(const MuscleParameters& p, const PennationConstants& k,
                                      double mt_length, double mt_speed);

// Stage: after calcMusclePaths. Reads data.muscle_length, data.muscle_speed and
// data.activation; fills the calcMuscleState group of Data for every muscle (muscle_force =
// activation * active_gain + passive_force, N along the tendon) and sets kStageMuscleState.
// Throws UsageError if calcMusclePaths has not run or a buffer has the wrong size. Does not
// allocate.
void calcMuscleState(const Model& model, Data& data);

// ---- compliant tendon ----

struct EquilibriumOptions {
  double stiffness = kTendonStiffness;  // kT of the tendon curve
  double tolerance = 1e-12;             // on |residual| / F0
  int max_iterations = 100;
};

// A fibre length at which the fibre force along the tendon equals the tendon force.
struct MuscleEquilibrium {
  double fiber_length = 0.0;         // l_f, m
  double norm_fiber_length = 0.0;    // l_f / l_opt
  double norm_fiber_velocity = 0.0;  // v_f / (v_max l_opt) used in f_V; 0 if static
  double pennation = 0.0;            // alpha, rad
  double cos_pennation = 1.0;        // cos(alpha)
  double tendon_length = 0.0;        // l_T, m
  double tendon_strain = 0.0;        // (l_T - l_TS) / l_TS
  double tendon_force = 0.0;         // F0 f_T, N
  double fiber_force = 0.0;          // F0 (a f_L f_V + f_PE) cos(alpha), N along the tendon
  double residual = 0.0;             // fiber_force - tendon_force, N
  int iterations = 0;
  bool converged = false;      // |residual| <= tolerance F0, or root between adjacent doubles
  bool at_min_length = false;  // no equilibrium above the shortest fibre: slack unit, clamped
};

// Solves F0 (a f_L f_V + f_PE) cos(alpha) = F0 f_T(l_T / l_TS) with l_T = l_MT - l_f cos(alpha)
// for the fibre length by Newton's method safeguarded by bisection on a bracket. Without
// `mt_speed` the equilibrium is static and f_V = 1 exactly (F0 is the isometric force); with it
// (m/s) the fibre takes the rigid-tendon share of it, v_f = mt_speed cos(alpha), and f_V comes
// from the curve (so mt_speed = 0 gives f_V(0) = 1.0023, as the rigid-tendon stage does).
// Pure; does not allocate.
MuscleEquilibrium solveMuscleEquilibrium(const MuscleParameters& p, double mt_length,
                                         double activation,
                                         std::optional<double> mt_speed = std::nullopt,
                                         const EquilibriumOptions& options = {});

// ---- activation dynamics ----

// da/dt (1/s) from excitation e and activation a, both in [0, 1] (De Groote et al. 2016):
// f = 0.5 tanh(b (e - a)), z = 0.5 + 1.5 a,
// da/dt = [(f + 0.5) / (tau_a z) + (0.5 - f) z / tau_d] (e - a).
// Zero when e = a. tau_a, tau_d > 0 in s; a is clamped to [0, 1] inside z only.
double calcActivationRate(double excitation, double activation, double activation_time,
                          double deactivation_time, double smoothing = kActivationSmoothing);

// da/dt for every muscle of `model` into `rate` (all three of size nmuscle; throws UsageError
// otherwise). Does not allocate.
void calcActivationRates(const Model& model, const Eigen::VectorXd& excitation,
                         const Eigen::VectorXd& activation, Eigen::VectorXd& rate);

}  // namespace dorsum
