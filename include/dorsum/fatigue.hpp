// Muscle fatigue: the three-compartment controller model (3CC) of Xia & Frey Law (2008) with the
// joint-specific fatigue and recovery rates of Frey-Law, Looft & Heitsman (2012).
// docs/FATIGUE.md gives the equations, the source of every constant and the model's limits.
//
// Xia T, Frey Law LA (2008). A theoretical approach for modeling peripheral muscle fatigue and
// recovery. Journal of Biomechanics 41(14):3046-3052. doi:10.1016/j.jbiomech.2008.07.013
// Frey-Law LA, Looft JM, Heitsman J (2012). A three-compartment muscle fatigue model accurately
// predicts joint-specific maximum endurance times for sustained isometric tasks. Journal of
// Biomechanics 45(10):1803-1808. doi:10.1016/j.jbiomech.2012.04.018
//
// Each muscle's motor-unit pool is split into three fractions that sum to 1: active M_A, resting
// M_R and fatigued M_F. A controller C moves units between resting and active so that M_A follows
// the target load TL (fraction of the muscle's maximum; in Dorsum, the activation recruitment
// asks of the muscle):
//   dM_A/dt = C - F M_A,   dM_R/dt = -C + R M_F,   dM_F/dt = F M_A - R M_F,
//   C = L_D (TL - M_A)  if M_A < TL and M_R > TL - M_A   (recruit toward the target)
//   C = L_D M_R         if M_A < TL and M_R <= TL - M_A  (resting pool too small: recruit it all)
//   C = L_R (TL - M_A)  if M_A >= TL                     (relax units back to rest)
// The residual capacity M_A + M_R = 1 - M_F is the largest target the pool can still meet.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

namespace dorsum {

// Rates of the model, all per second. F and R have no default: take a region's published pair
// from fatigueParametersFor. Every function below checks the parameters (checkFatigueParameters).
struct FatigueParameters {
  double F = 0.0;  // fatigue rate: active -> fatigued, 1/s
  double R = 0.0;  // recovery rate: fatigued -> resting, 1/s
  // Controller gains, 1/s. Frey-Law et al. (2012) held L_D = L_R = 10 s^-1 for every joint
  // region when they fitted F and R (after Xia & Frey Law 2008); the published F and R belong
  // with these gains.
  double L_D = 10.0;  // development: recruiting resting units toward the target
  double L_R = 10.0;  // relaxation: returning active units to rest above the target
};

// F and R fitted per joint region by Frey-Law, Looft & Heitsman (2012, Table 1) to the
// intensity-endurance-time curves of Frey Law & Avin (2010); L_D = L_R = 10 s^-1. Regions:
// "ankle", "knee", "trunk" (the back muscles), "shoulder", "elbow", "hand" (also "grip") and
// "generalized" (all joints pooled). Throws InputError naming an unknown region and the known ones.
FatigueParameters fatigueParametersFor(const std::string& region);

// The region names fatigueParametersFor accepts (without aliases), in the table's order.
std::vector<std::string> fatigueRegions();

// Throws InputError naming the field unless F and R are positive and finite and both gains exceed
// (sqrt(F) + sqrt(R))^2. That bound (0.03 1/s for the fastest published region, against 10) keeps
// recruitment faster than the fatigue-recovery cycle, which the exact integration relies on: with
// it the linear pieces of the model never oscillate.
void checkFatigueParameters(const FatigueParameters& params);

// The three compartments of every muscle (fractions of its motor-unit pool), each of size n.
struct FatigueState {
  Eigen::VectorXd active;    // M_A
  Eigen::VectorXd resting;   // M_R
  Eigen::VectorXd fatigued;  // M_F
};

// n fresh muscles: all resting (M_R = 1). Throws UsageError if n < 0.
FatigueState makeFatigueState(int n);

// Advances every muscle by dt seconds with its target load held constant over the step (targets
// are clamped to [0, 1]). The model is piecewise linear and is integrated exactly, piece by piece,
// switching branch where the controller does, so any dt >= 0 is stable and one step of dt equals
// ten steps of dt / 10 to rounding. Reads active and fatigued; writes all three, resting as
// 1 - M_A - M_F. Throws UsageError if the sizes differ or dt or a target is not finite, InputError
// for bad parameters. Does not allocate.
void stepFatigue(const FatigueParameters& params, const Eigen::VectorXd& target, double dt,
                 FatigueState& state);

// Residual capacity M_A + M_R = 1 - M_F of every muscle: the largest target each can meet now.
Eigen::VectorXd residualCapacity(const FatigueState& state);
// The same into `capacity`, which must have the state's size (UsageError otherwise). Does not
// allocate.
void calcResidualCapacity(const FatigueState& state, Eigen::VectorXd& capacity);

// Largest constant target a fresh muscle holds forever: the target at which the steady fatigued
// fraction F M_A / R reaches 1 - TL, with M_A = L_D TL / (L_D + F) (the controller's steady lag).
// R (L_D + F) / (R (L_D + F) + F L_D); about R / (F + R) when L_D >> F.
double calcMaxSustainableTarget(const FatigueParameters& params);

// Endurance time, s, of a fresh muscle holding a constant target: the first time its residual
// capacity falls below the target (M_A + M_R < TL, the failure criterion of Frey-Law et al. 2012),
// after which M_A can only fall short of it. 0 for a target >= 1, +inf for a target <= 0 or at or
// below calcMaxSustainableTarget, and +inf if the capacity lasts max_time_s.
double enduranceTime(const FatigueParameters& params, double target, double max_time_s = 3600.0);

// A repeated task: the target is a square wave, `target` for the first `duty` of every cycle of
// `cycle_s` seconds and 0 (rest) for the remainder.
struct IntermittentTask {
  double target = 0.0;   // target load during the on phase, fraction of maximum
  double duty = 1.0;     // on fraction of each cycle, in (0, 1]
  double cycle_s = 1.0;  // period, s
};

// Endurance time, s, of a fresh muscle doing the task: the first time, during an on phase, that
// its residual capacity falls below the target; +inf if that does not happen within max_time_s.
// Equals enduranceTime(params, target) when duty = 1. Throws InputError for a duty outside
// (0, 1], a cycle that is not positive, or more than 1e8 cycles within max_time_s.
double enduranceTime(const FatigueParameters& params, const IntermittentTask& task,
                     double max_time_s = 3600.0);

// Advances every muscle by `cycles` whole cycles of the square wave, muscle i at on_target[i]
// during the on phase and at rest during the off phase. Same checks as stepFatigue, plus those of
// the task. Does not allocate.
void stepIntermittent(const FatigueParameters& params, const Eigen::VectorXd& on_target,
                      double duty, double cycle_s, int cycles, FatigueState& state);

// State of one fresh muscle (n = 1) after `cycles` cycles of the task.
FatigueState calcIntermittentState(const FatigueParameters& params, const IntermittentTask& task,
                                   int cycles);

}  // namespace dorsum
