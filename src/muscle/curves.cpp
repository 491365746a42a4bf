// The dimensionless Hill-type curves of De Groote, Kinney, Rao & Fregly (2016), Ann Biomed Eng
// 44(10):2922-2936, supplementary material, with their analytic derivatives. Every constant
// below is the published value (OpenSim's DeGrooteFregly2016Muscle modifies some of them so
// that f_L(1) = 1 and f_V(0) = 1 exactly; Dorsum keeps the published ones).
#include <algorithm>
#include <cmath>
#include <limits>

#include "dorsum/muscle.hpp"
#include "muscle/curve_batches.hpp"
#include "muscle/exp_kernel.hpp"

namespace dorsum {
namespace {

// One Gaussian-like term b1 exp(-(l - b2)^2 / (2 (b3 + b4 l)^2)) of the active curve.
// The supplement prints the denominator unsquared; it is squared in the authors' code and in
// OpenSim (a typo noted in OpenSim's DeGrooteFregly2016Muscle.h).
struct GaussianTerm {
  double b1, b2, b3, b4;
};

// De Groote et al. 2016, supplement, active muscle force-length (b11 ... b43).
constexpr GaussianTerm kActiveTerms[3] = {
    {0.815, 1.055, 0.162, 0.063},   // b11, b21, b31, b41 (De Groote et al. 2016)
    {0.433, 0.717, -0.030, 0.200},  // b12, b22, b32, b42 (De Groote et al. 2016)
    {0.100, 1.000, 0.354, 0.000},   // b13, b23, b33, b43 (De Groote et al. 2016)
};

// De Groote et al. 2016, supplement, passive muscle force-length.
constexpr double kPE = 4.0;  // shape factor kPE (De Groote et al. 2016)
constexpr double kE0 = 0.6;  // strain at one normalized force e0 (De Groote et al. 2016)

// De Groote et al. 2016, supplement, muscle force-velocity.
constexpr double kD1 = -0.318;  // d1 (De Groote et al. 2016)
constexpr double kD2 = -8.149;  // d2 (De Groote et al. 2016)
constexpr double kD3 = -0.374;  // d3 (De Groote et al. 2016)
constexpr double kD4 = 0.886;   // d4 (De Groote et al. 2016)

// De Groote et al. 2016, supplement, tendon force-length (kT is kTendonStiffness, muscle.hpp).
constexpr double kC1 = 0.200;  // c1 (De Groote et al. 2016)
constexpr double kC2 = 0.995;  // c2 (De Groote et al. 2016)
constexpr double kC3 = 0.250;  // c3 (De Groote et al. 2016)

// Past this exponent exp(-x) underflows to 0 in double: the term is exactly zero there.
constexpr double kMaxGaussExponent = 700.0;
static_assert(kMaxGaussExponent <= muscle_detail::kExpKernelMaxArg);

// expm1(kPE), the passive curve's divisor (one constant for the scalar and the batched curve)
const double kPassiveScale = std::expm1(kPE);

using muscle_detail::expKernel;
using muscle_detail::expm1Kernel;

// Value and derivative of one Gaussian-like term. At b3 + b4 l = 0 the exponent tends to
// -infinity from both sides, so the term and its slope tend to 0: return the limit rather than
// 0 * inf = NaN.
void evalGaussian(const GaussianTerm& t, double l, double& value, double& slope) {
  const double width = t.b3 + t.b4 * l;
  const double offset = l - t.b2;
  if (std::abs(width) * std::sqrt(2.0 * kMaxGaussExponent) <= std::abs(offset)) {
    value = 0.0;
    slope = 0.0;
    return;
  }
  const double g = offset / width;                           // l in widths from the centre
  const double dg = (t.b3 + t.b2 * t.b4) / (width * width);  // dg/dl
  value = t.b1 * expKernel(-0.5 * g * g);
  slope = -value * g * dg;
}

#if defined(__SSE2__)
// The value of evalGaussian summed over the three terms, for two lengths at once: the same
// operations in the same order, the cut-off as a mask.
__m128d activeForceLengthPacket(__m128d l) {
  const __m128d sign = _mm_set1_pd(-0.0);
  const __m128d limit = _mm_set1_pd(std::sqrt(2.0 * kMaxGaussExponent));
  __m128d sum = _mm_setzero_pd();
  for (const GaussianTerm& t : kActiveTerms) {
    const __m128d width = _mm_add_pd(_mm_set1_pd(t.b3), _mm_mul_pd(_mm_set1_pd(t.b4), l));
    const __m128d offset = _mm_sub_pd(l, _mm_set1_pd(t.b2));
    const __m128d zero_term =
        _mm_cmple_pd(_mm_mul_pd(_mm_andnot_pd(sign, width), limit), _mm_andnot_pd(sign, offset));
    const __m128d g = _mm_div_pd(offset, width);
    // 0 in the lanes cut off (their g may be infinite or NaN), then their value masked to 0
    const __m128d x = _mm_andnot_pd(zero_term, _mm_mul_pd(_mm_mul_pd(_mm_set1_pd(-0.5), g), g));
    const __m128d value = _mm_mul_pd(_mm_set1_pd(t.b1), muscle_detail::expPacket(x));
    sum = _mm_add_pd(sum, _mm_andnot_pd(zero_term, value));
  }
  return sum;
}
#endif

double passiveForceLength(double norm_fiber_length) {
  if (norm_fiber_length <= 1.0) return 0.0;
  const double x = kPE * (norm_fiber_length - 1.0) / kE0;
  return (x <= muscle_detail::kExpKernelMaxArg ? expm1Kernel(x) : std::expm1(x)) / kPassiveScale;
}

}  // namespace

double calcActiveForceLength(double norm_fiber_length) {
#if defined(__SSE2__)
  return _mm_cvtsd_f64(activeForceLengthPacket(_mm_set1_pd(norm_fiber_length)));
#else
  double sum = 0.0;
  for (const GaussianTerm& t : kActiveTerms) {
    double value = 0.0, slope = 0.0;
    evalGaussian(t, norm_fiber_length, value, slope);
    sum += value;
  }
  return sum;
#endif
}

void calcActiveForceLengths(int n, const double* norm_fiber_length, double* active_fl) {
  int i = 0;
#if defined(__SSE2__)
  for (; i + 2 <= n; i += 2)
    _mm_storeu_pd(active_fl + i, activeForceLengthPacket(_mm_loadu_pd(norm_fiber_length + i)));
#endif
  for (; i < n; ++i) active_fl[i] = calcActiveForceLength(norm_fiber_length[i]);
}

double calcActiveForceLengthDerivative(double norm_fiber_length) {
  double sum = 0.0;
  for (const GaussianTerm& t : kActiveTerms) {
    double value = 0.0, slope = 0.0;
    evalGaussian(t, norm_fiber_length, value, slope);
    sum += slope;
  }
  return sum;
}

// Clamped at zero below the optimal length. The published exponential crosses zero at l~ = 1
// and goes on to -1 / (exp(kPE) - 1) = -0.0187 F0 for a short fibre: a passive element that
// pushes, which a fibre cannot do (it only slackens). Both pieces are zero at l~ = 1, so the
// curve is continuous; its slope jumps there from 0 to kPE / (e0 (exp(kPE) - 1)) = 0.124 per
// unit of normalized length (the fibre becomes taut). Above l~ = 1 the curve is the published
// one, unchanged.
double calcPassiveForceLength(double norm_fiber_length) {
  return passiveForceLength(norm_fiber_length);
}

void calcPassiveForceLengths(int n, const double* norm_fiber_length, double* passive_fl) {
  int i = 0;
#if defined(__SSE2__)
  // Most fibres are at or below their optimal length (a zero); pairs with a stretched fibre in
  // range take the packet expm1, the others (past the kernel's domain) libm.
  const __m128d one = _mm_set1_pd(1.0), x_max = _mm_set1_pd(muscle_detail::kExpKernelMaxArg);
  for (; i + 2 <= n; i += 2) {
    const __m128d l = _mm_loadu_pd(norm_fiber_length + i);
    const __m128d taut = _mm_cmpgt_pd(l, one);
    if (_mm_movemask_pd(taut) == 0) {
      _mm_storeu_pd(passive_fl + i, _mm_setzero_pd());
      continue;
    }
    const __m128d x =
        _mm_div_pd(_mm_mul_pd(_mm_set1_pd(kPE), _mm_sub_pd(l, one)), _mm_set1_pd(kE0));
    if (_mm_movemask_pd(_mm_cmple_pd(x, x_max)) != 3) {  // a lane past the domain (or NaN)
      passive_fl[i] = passiveForceLength(norm_fiber_length[i]);
      passive_fl[i + 1] = passiveForceLength(norm_fiber_length[i + 1]);
      continue;
    }
    const __m128d value = _mm_div_pd(muscle_detail::expm1Packet(x), _mm_set1_pd(kPassiveScale));
    _mm_storeu_pd(passive_fl + i, _mm_and_pd(taut, value));
  }
#endif
  for (; i < n; ++i) passive_fl[i] = passiveForceLength(norm_fiber_length[i]);
}

// The slope of the clamped curve: 0 at and below the optimal length (the right-hand slope at
// l~ = 1 is the published kPE / (e0 (exp(kPE) - 1))).
double calcPassiveForceLengthDerivative(double norm_fiber_length) {
  if (norm_fiber_length <= 1.0) return 0.0;
  return kPE / kE0 * std::exp(kPE * (norm_fiber_length - 1.0) / kE0) / std::expm1(kPE);
}

double calcForceVelocity(double norm_fiber_velocity) {
  // asinh(u) = log(u + sqrt(u^2 + 1)), the form printed in the supplement.
  return kD1 * std::asinh(kD2 * norm_fiber_velocity + kD3) + kD4;
}

double calcForceVelocityDerivative(double norm_fiber_velocity) {
  const double u = kD2 * norm_fiber_velocity + kD3;
  return kD1 * kD2 / std::sqrt(u * u + 1.0);
}

double calcForceVelocityInverse(double force_velocity) {
  // The supplement omits the "- d3" (noted in OpenSim's DeGrooteFregly2016Muscle.h); this is
  // the exact inverse of calcForceVelocity.
  return (std::sinh((force_velocity - kD4) / kD1) - kD3) / kD2;
}

double calcForceVelocityInverseDerivative(double force_velocity) {
  return std::cosh((force_velocity - kD4) / kD1) / (kD1 * kD2);
}

double calcTendonForceLength(double norm_tendon_length, double stiffness) {
  return kC1 * std::exp(stiffness * (norm_tendon_length - kC2)) - kC3;
}

double calcTendonForceLengthDerivative(double norm_tendon_length, double stiffness) {
  return kC1 * stiffness * std::exp(stiffness * (norm_tendon_length - kC2));
}

namespace {
// f_T + c3, kept positive: the curve's asymptote is -c3, below which it has no inverse.
double tendonForceAboveAsymptote(double norm_tendon_force) {
  return std::max(norm_tendon_force + kC3, std::numeric_limits<double>::min());
}
}  // namespace

double calcTendonForceLengthInverse(double norm_tendon_force, double stiffness) {
  return kC2 + std::log(tendonForceAboveAsymptote(norm_tendon_force) / kC1) / stiffness;
}

double calcTendonForceLengthInverseDerivative(double norm_tendon_force, double stiffness) {
  return 1.0 / (stiffness * tendonForceAboveAsymptote(norm_tendon_force));
}

}  // namespace dorsum
