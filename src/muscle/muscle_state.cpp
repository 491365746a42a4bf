// Rigid-tendon muscle state: fibre kinematics from the musculotendon length and speed with the
// constant-thickness pennation model, then the De Groote et al. (2016) multipliers, the active
// gain and the passive force (docs/MUSCLE.md).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dorsum/error.hpp"
#include "dorsum/muscle.hpp"
#include "muscle/curve_batches.hpp"

namespace dorsum {
namespace {

// Throws unless buffer `name` of Data has one entry per muscle. Builds the message only on
// failure, so the normal path does not allocate.
void checkMuscleBuffer(const Eigen::VectorXd& v, int nmuscle, const char* name) {
  if (v.size() == nmuscle) return;
  throw UsageError("calcMuscleState: Data::" + std::string(name) + " has " +
                   std::to_string(v.size()) + " entries, expected nmuscle = " +
                   std::to_string(nmuscle) + " (make the Data with makeData(model))");
}

void checkInputs(const Model& model, const Data& data) {
  if ((data.stages & kStageMusclePaths) == 0) {
    throw UsageError(
        "calcMuscleState: stage calcMusclePaths has not run on the current state "
        "(Data::stages lacks kStageMusclePaths); call calcKinematics and calcMusclePaths first");
  }
  const int n = model.nmuscle;
  checkMuscleBuffer(data.muscle_length, n, "muscle_length");
  checkMuscleBuffer(data.muscle_speed, n, "muscle_speed");
  checkMuscleBuffer(data.activation, n, "activation");
  checkMuscleBuffer(data.muscle_fiber_length, n, "muscle_fiber_length");
  checkMuscleBuffer(data.muscle_norm_fiber_length, n, "muscle_norm_fiber_length");
  checkMuscleBuffer(data.muscle_norm_fiber_velocity, n, "muscle_norm_fiber_velocity");
  checkMuscleBuffer(data.muscle_cos_pennation, n, "muscle_cos_pennation");
  checkMuscleBuffer(data.muscle_active_fl, n, "muscle_active_fl");
  checkMuscleBuffer(data.muscle_fv, n, "muscle_fv");
  checkMuscleBuffer(data.muscle_passive_fl, n, "muscle_passive_fl");
  checkMuscleBuffer(data.muscle_active_gain, n, "muscle_active_gain");
  checkMuscleBuffer(data.muscle_passive_force, n, "muscle_passive_force");
  checkMuscleBuffer(data.muscle_force, n, "muscle_force");
}

}  // namespace

MuscleParameters getMuscleParameters(const Model& model, int muscle) {
  const auto m = static_cast<std::size_t>(muscle);
  return {model.muscle_max_force[m], model.muscle_opt_fiber_length[m], model.muscle_tendon_slack[m],
          model.muscle_pennation_opt[m], model.muscle_max_velocity[m]};
}

PennationConstants calcPennationConstants(const MuscleParameters& p) {
  PennationConstants k;
  // Constant thickness: the fibres keep the height h they have at optimal length.
  k.height = p.opt_fiber_length * std::sin(p.pennation_opt);  // m
  // Shortest projection along the tendon that keeps l_f >= kMinNormFiberLength l_opt (the
  // active curve's pole is at 0.15 l_opt). When the unit is shorter than that, in particular
  // l_MT <= l_TS, the fibre is held there and does not move.
  const double min_length = kMinNormFiberLength * p.opt_fiber_length;  // m
  k.min_along = std::sqrt(std::max(min_length * min_length - k.height * k.height, 0.0));
  return k;
}

RigidTendonState calcRigidTendonState(const MuscleParameters& p, double mt_length,
                                      double mt_speed) {
  return calcRigidTendonState(p, calcPennationConstants(p), mt_length, mt_speed);
}

namespace {

// The fibre's geometry and speed and the force-velocity multiplier: the part of the rigid-tendon
// state before the force-length curves, which calcMuscleState evaluates over all muscles at once.
void calcFiberKinematics(const MuscleParameters& p, const PennationConstants& k, double mt_length,
                         double mt_speed, RigidTendonState& s) {
  const double height = k.height, min_along = k.min_along;  // m
  const double free_along = mt_length - p.tendon_slack;     // l_f cos(alpha), m
  const bool clamped = free_along < min_along;
  const double along = clamped ? min_along : free_along;

  // Never below max(min_length, height) > 0, so the divisions below are safe.
  s.fiber_length = std::sqrt(along * along + height * height);
  s.cos_pennation = along / s.fiber_length;
  s.norm_fiber_length = s.fiber_length / p.opt_fiber_length;
  // d/dt sqrt(x^2 + h^2) = (x / l_f) dx/dt with h constant and dx/dt = dl_MT/dt.
  const double fiber_speed = clamped ? 0.0 : s.cos_pennation * mt_speed;  // m/s
  s.norm_fiber_velocity = fiber_speed / (p.max_velocity * p.opt_fiber_length);
  // The force-velocity fit holds on [-1, 1]; below -1.037 it turns negative. Past either end
  // the multiplier keeps its end value (about 0.012 and 1.79).
  // At rest (static postures) the curve's value at 0 is a constant: no asinh per muscle.
  static const double fv_at_rest = calcForceVelocity(0.0);
  s.fv = s.norm_fiber_velocity == 0.0
             ? fv_at_rest
             : calcForceVelocity(std::clamp(s.norm_fiber_velocity, -1.0, 1.0));
}

}  // namespace

RigidTendonState calcRigidTendonState(const MuscleParameters& p, const PennationConstants& k,
                                      double mt_length, double mt_speed) {
  RigidTendonState s;
  calcFiberKinematics(p, k, mt_length, mt_speed, s);
  s.active_fl = calcActiveForceLength(s.norm_fiber_length);
  s.passive_fl = calcPassiveForceLength(s.norm_fiber_length);
  s.active_gain = p.max_force * s.active_fl * s.fv * s.cos_pennation;
  s.passive_force = p.max_force * s.passive_fl * s.cos_pennation;
  return s;
}

// calcRigidTendonState for every muscle, in passes over arrays so that the arithmetic runs two
// muscles at a time where the target has SSE2, the force-length curves (four exponentials per
// muscle) included (curve_batches.hpp). The packed operations are the scalar ones (IEEE add,
// multiply, divide, square root, in the same order), so the results are bit for bit those of
// calcRigidTendonState.
void calcMuscleState(const Model& model, Data& data) {
  checkInputs(model, data);
  const int n = model.nmuscle;
  // The pennation constants makeData computed, or (a Data assembled by hand) computed here.
  const bool cached =
      data.muscle_fiber_height.size() == n && data.muscle_min_fiber_along.size() == n;
  int m = 0;
#if defined(__SSE2__)
  if (cached) {
    static const double fv_at_rest = calcForceVelocity(0.0);
    for (; m + 2 <= n; m += 2) {
      const auto mu = static_cast<std::size_t>(m);
      const __m128d height = _mm_loadu_pd(&data.muscle_fiber_height[m]);
      const __m128d min_along = _mm_loadu_pd(&data.muscle_min_fiber_along[m]);
      const __m128d opt_length = _mm_loadu_pd(&model.muscle_opt_fiber_length[mu]);
      const __m128d free_along = _mm_sub_pd(_mm_loadu_pd(&data.muscle_length[m]),
                                            _mm_loadu_pd(&model.muscle_tendon_slack[mu]));
      const __m128d clamped = _mm_cmplt_pd(free_along, min_along);
      const __m128d along =
          _mm_or_pd(_mm_and_pd(clamped, min_along), _mm_andnot_pd(clamped, free_along));
      const __m128d fiber_length =
          _mm_sqrt_pd(_mm_add_pd(_mm_mul_pd(along, along), _mm_mul_pd(height, height)));
      const __m128d cos_pennation = _mm_div_pd(along, fiber_length);
      const __m128d fiber_speed =
          _mm_andnot_pd(clamped, _mm_mul_pd(cos_pennation, _mm_loadu_pd(&data.muscle_speed[m])));
      const __m128d norm_velocity = _mm_div_pd(
          fiber_speed, _mm_mul_pd(_mm_loadu_pd(&model.muscle_max_velocity[mu]), opt_length));
      _mm_storeu_pd(&data.muscle_fiber_length[m], fiber_length);
      _mm_storeu_pd(&data.muscle_cos_pennation[m], cos_pennation);
      _mm_storeu_pd(&data.muscle_norm_fiber_length[m], _mm_div_pd(fiber_length, opt_length));
      _mm_storeu_pd(&data.muscle_norm_fiber_velocity[m], norm_velocity);
      if (_mm_movemask_pd(_mm_cmpeq_pd(norm_velocity, _mm_setzero_pd())) == 3) {
        data.muscle_fv[m] = data.muscle_fv[m + 1] = fv_at_rest;  // a static posture
        continue;
      }
      for (int i = m; i < m + 2; ++i) {
        const double v = data.muscle_norm_fiber_velocity[i];
        data.muscle_fv[i] = v == 0.0 ? fv_at_rest : calcForceVelocity(std::clamp(v, -1.0, 1.0));
      }
    }
  }
#endif
  for (; m < n; ++m) {
    const MuscleParameters p = getMuscleParameters(model, m);
    const PennationConstants k =
        cached ? PennationConstants{data.muscle_fiber_height[m], data.muscle_min_fiber_along[m]}
               : calcPennationConstants(p);
    RigidTendonState s;
    calcFiberKinematics(p, k, data.muscle_length[m], data.muscle_speed[m], s);
    data.muscle_fiber_length[m] = s.fiber_length;
    data.muscle_norm_fiber_length[m] = s.norm_fiber_length;
    data.muscle_norm_fiber_velocity[m] = s.norm_fiber_velocity;
    data.muscle_cos_pennation[m] = s.cos_pennation;
    data.muscle_fv[m] = s.fv;
  }
  calcActiveForceLengths(n, data.muscle_norm_fiber_length.data(), data.muscle_active_fl.data());
  calcPassiveForceLengths(n, data.muscle_norm_fiber_length.data(), data.muscle_passive_fl.data());
  // active gain F0 f_L f_V cos(alpha), passive force F0 f_PE cos(alpha), the force a gain +
  // passive: plain loops over arrays, which the compiler vectorizes
  const double* __restrict max_force = model.muscle_max_force.data();
  const double* __restrict active_fl = data.muscle_active_fl.data();
  const double* __restrict fv = data.muscle_fv.data();
  const double* __restrict passive_fl = data.muscle_passive_fl.data();
  const double* __restrict cos_pennation = data.muscle_cos_pennation.data();
  const double* __restrict activation = data.activation.data();
  double* __restrict active_gain = data.muscle_active_gain.data();
  double* __restrict passive_force = data.muscle_passive_force.data();
  double* __restrict force = data.muscle_force.data();
  for (int i = 0; i < n; ++i) {
    active_gain[i] = max_force[i] * active_fl[i] * fv[i] * cos_pennation[i];
    passive_force[i] = max_force[i] * passive_fl[i] * cos_pennation[i];
    force[i] = activation[i] * active_gain[i] + passive_force[i];
  }
  data.stages |= kStageMuscleState;
}

}  // namespace dorsum
