// Functions of one variable: closed-form values, derivatives against finite differences, and
// the natural spline's defining properties.
#include <gtest/gtest.h>

#include <cmath>

#include "dorsum/function.hpp"

using dorsum::Function;

namespace {

void expectDerivativesMatchFiniteDifferences(const Function& f, double x) {
  const double h = 1e-5;
  const double fd1 = (f.value(x + h) - f.value(x - h)) / (2 * h);
  const double fd2 = (f.derivative(x + h) - f.derivative(x - h)) / (2 * h);
  EXPECT_NEAR(f.derivative(x), fd1, 1e-6 * std::max(1.0, std::abs(fd1)))
      << f.kindName() << " at " << x;
  EXPECT_NEAR(f.secondDerivative(x), fd2, 1e-5 * std::max(1.0, std::abs(fd2)))
      << f.kindName() << " at " << x;
}

}  // namespace

TEST(Function, DefaultIsIdentity) {
  const Function f;
  EXPECT_EQ(f.value(0.7), 0.7);
  EXPECT_EQ(f.derivative(0.7), 1.0);
}

TEST(Function, ConstantAndLinear) {
  EXPECT_EQ(Function::constant(2.5).value(-3.0), 2.5);
  EXPECT_EQ(Function::constant(2.5).derivative(-3.0), 0.0);
  const Function f = Function::linear(-2.0, 0.5);
  EXPECT_DOUBLE_EQ(f.value(1.5), -2.5);
  EXPECT_EQ(f.derivative(10.0), -2.0);
  EXPECT_EQ(f.secondDerivative(10.0), 0.0);
}

TEST(Function, PolynomialAscendingPowers) {
  const Function f = Function::polynomial({1.0, -2.0, 0.5, 3.0});  // 1 - 2x + 0.5x^2 + 3x^3
  const double x = 0.8;
  EXPECT_NEAR(f.value(x), 1 - 2 * x + 0.5 * x * x + 3 * x * x * x, 1e-15);
  EXPECT_NEAR(f.derivative(x), -2 + x + 9 * x * x, 1e-14);
  EXPECT_NEAR(f.secondDerivative(x), 1 + 18 * x, 1e-14);
}

TEST(Function, MultiplierScalesEverything) {
  const Function g = Function::polynomial({0.0, 1.0, 1.0});
  const Function f = Function::multiplier(g, -3.0);
  EXPECT_DOUBLE_EQ(f.value(2.0), -3.0 * 6.0);
  EXPECT_DOUBLE_EQ(f.derivative(2.0), -3.0 * 5.0);
  EXPECT_DOUBLE_EQ(f.secondDerivative(2.0), -3.0 * 2.0);
}

TEST(Function, PiecewiseLinearInterpolatesAndExtrapolates) {
  const Function f = Function::piecewiseLinear({0.0, 1.0, 3.0}, {0.0, 2.0, 1.0});
  EXPECT_DOUBLE_EQ(f.value(0.5), 1.0);
  EXPECT_DOUBLE_EQ(f.value(2.0), 1.5);
  EXPECT_DOUBLE_EQ(f.value(-1.0), -2.0);  // first segment continued
  EXPECT_DOUBLE_EQ(f.value(5.0), 0.0);    // last segment continued
  EXPECT_DOUBLE_EQ(f.derivative(2.0), -0.5);
}

TEST(Function, NaturalSplinePassesThroughKnotsWithZeroEndCurvature) {
  const std::vector<double> x{-1.0, -0.2, 0.5, 1.1, 2.0}, y{0.3, -0.4, 0.9, 0.2, 1.5};
  const Function f = Function::naturalCubicSpline(x, y);
  ASSERT_EQ(f.validate(), "");
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(f.value(x[i]), y[i], 1e-14);
  EXPECT_NEAR(f.secondDerivative(x.front()), 0.0, 1e-12);
  EXPECT_NEAR(f.secondDerivative(x.back()), 0.0, 1e-12);
  // C2 continuity at the inner knots.
  for (size_t i = 1; i + 1 < x.size(); ++i) {
    const double e = 1e-9;
    EXPECT_NEAR(f.derivative(x[i] - e), f.derivative(x[i] + e), 1e-7);
    EXPECT_NEAR(f.secondDerivative(x[i] - e), f.secondDerivative(x[i] + e), 1e-6);
  }
  // Beyond the knots: the end tangent line.
  EXPECT_NEAR(f.value(3.0), y.back() + f.derivative(2.0) * 1.0, 1e-12);
  EXPECT_EQ(f.secondDerivative(3.0), 0.0);
}

TEST(Function, NaturalSplineReproducesStraightLine) {
  const Function f = Function::naturalCubicSpline({0, 1, 2, 4}, {1, 3, 5, 9});
  EXPECT_NEAR(f.value(3.0), 7.0, 1e-13);
  EXPECT_NEAR(f.derivative(0.3), 2.0, 1e-13);
}

TEST(Function, DerivativesMatchFiniteDifferences) {
  const std::vector<Function> fs{
      Function::linear(0.3, 1.0), Function::polynomial({0.1, -0.2, 0.7, 0.05}),
      Function::naturalCubicSpline({-1.5, -0.5, 0.0, 0.8, 1.6}, {0.0, 0.4, 0.3, -0.2, 0.1}),
      Function::multiplier(Function::naturalCubicSpline({0, 1, 2}, {0, 1, 0}), 0.5)};
  for (const Function& f : fs)
    for (double x : {-1.2, -0.3, 0.1, 0.45, 1.3}) expectDerivativesMatchFiniteDifferences(f, x);
}

TEST(Function, ValidateNamesTheProblem) {
  EXPECT_NE(Function::piecewiseLinear({0, 1}, {0}).validate().find("x knots"), std::string::npos);
  EXPECT_NE(Function::naturalCubicSpline({0, 2, 1}, {0, 1, 2}).validate().find("increasing"),
            std::string::npos);
  EXPECT_NE(Function::linear(NAN, 0).validate().find("NaN"), std::string::npos);
  EXPECT_NE(Function::polynomial({}).validate().find("no coefficients"), std::string::npos);
  EXPECT_NE(Function::multiplier(Function::constant(INFINITY), 1.0).validate().find("multiplier"),
            std::string::npos);
  EXPECT_EQ(Function::naturalCubicSpline({0, 1}, {2, 3}).validate(), "");
}
