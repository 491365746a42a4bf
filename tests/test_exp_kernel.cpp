// The muscle curves' own exp and expm1 (src/muscle/exp_kernel.hpp) against libm: they must agree
// to a few units in the last place over the kernel's whole domain, so that the curves differ from
// their closed forms by rounding only.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "muscle/exp_kernel.hpp"

using namespace dorsum::muscle_detail;

namespace {

// |a - b| in units of the spacing of doubles at b.
double ulps(double a, double b) {
  const double spacing =
      std::nextafter(std::abs(b), std::numeric_limits<double>::infinity()) - std::abs(b);
  return std::abs(a - b) / spacing;
}

}  // namespace

TEST(ExpKernel, ExpAgreesWithLibmOverItsDomain) {
  double worst = 0.0;
  for (double x = -kExpKernelMaxArg; x <= 40.0; x += 0.01237)
    worst = std::max(worst, ulps(expKernel(x), std::exp(x)));
  for (double x : {0.0, 1e-300, -1e-300, 1e-12, -1e-12, 0.5 * std::log(2.0), -0.5 * std::log(2.0)})
    worst = std::max(worst, ulps(expKernel(x), std::exp(x)));
  // The kernel is within about 1.1 ulp of the exact value and libm within 1: 3 leaves a margin.
  EXPECT_LE(worst, 3.0);
}

TEST(ExpKernel, Expm1AgreesWithLibmIncludingNearZero) {
  double worst = 0.0;
  for (double x = -kExpKernelMaxArg; x <= 40.0; x += 0.01237)
    worst = std::max(worst, ulps(expm1Kernel(x), std::expm1(x)));
  // Near zero, where exp(x) - 1 would lose every digit, expm1 must keep them.
  for (double x = -1e-3; x <= 1e-3; x += 1.3e-6)
    worst = std::max(worst, ulps(expm1Kernel(x), std::expm1(x)));
  for (double x : {1e-300, -1e-300, 1e-15, -1e-15, 1e-8, -1e-8})
    worst = std::max(worst, ulps(expm1Kernel(x), std::expm1(x)));
  EXPECT_LE(worst, 4.0);
}
