// Scalar functions of one variable, as used by joint axes (OpenSim's CustomJoint), coordinate
// couplings (CoordinateCouplerConstraint, spinal rhythms) and moving path points.
//
// A Function is an immutable value. Evaluation never allocates, so the per-frame stages can
// call it freely. Constructors do not throw: validate() says what is wrong, and compile()
// reports it with the name of the object that holds the function.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace dorsum {

class Function {
 public:
  enum class Kind { Constant, Linear, PiecewiseLinear, NaturalCubicSpline, Polynomial, Multiplier };

  // The identity, f(x) = x.
  Function() = default;

  static Function constant(double value);
  // f(x) = slope * x + intercept.
  static Function linear(double slope, double intercept = 0.0);
  // Straight lines between the knots; extrapolated along the first and last segment.
  static Function piecewiseLinear(std::vector<double> x, std::vector<double> y);
  // Natural cubic spline (zero second derivative at both ends) through the knots; outside the
  // knots it continues as the straight line tangent at the end knot (C1, as OpenSim does).
  static Function naturalCubicSpline(std::vector<double> x, std::vector<double> y);
  // f(x) = c[0] + c[1] x + c[2] x^2 + ... (ascending powers; OpenSim lists them descending).
  static Function polynomial(std::vector<double> coefficients);
  // f(x) = scale * g(x).
  static Function multiplier(Function g, double scale);

  Kind kind() const { return kind_; }
  const char* kindName() const;

  double value(double x) const;
  double derivative(double x) const;
  double secondDerivative(double x) const;
  // Value, first and second derivative in one pass.
  void evaluate(double x, double& f, double& df, double& ddf) const;

  // Empty when the function is usable; otherwise what is wrong ("knot x[3] is NaN").
  std::string validate() const;

  // The knots or coefficients, for writing a model back out.
  const std::vector<double>& x() const { return x_; }
  const std::vector<double>& y() const { return y_; }

 private:
  Kind kind_ = Kind::Linear;
  double a_ = 1.0, b_ = 0.0;   // Constant: a; Linear: slope a, intercept b; Multiplier: scale a
  std::vector<double> x_, y_;  // knots (PiecewiseLinear, NaturalCubicSpline); coefficients in y_
  std::vector<double> m_;      // spline: second derivatives at the knots
  std::shared_ptr<const Function> inner_;  // Multiplier: g

  int findInterval(double x) const;
};

}  // namespace dorsum
