#include "dorsum/function.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

namespace dorsum {

Function Function::constant(double value) {
  Function f;
  f.kind_ = Kind::Constant;
  f.a_ = value;
  f.b_ = 0.0;
  return f;
}

Function Function::linear(double slope, double intercept) {
  Function f;
  f.kind_ = Kind::Linear;
  f.a_ = slope;
  f.b_ = intercept;
  return f;
}

Function Function::piecewiseLinear(std::vector<double> x, std::vector<double> y) {
  Function f;
  f.kind_ = Kind::PiecewiseLinear;
  f.x_ = std::move(x);
  f.y_ = std::move(y);
  return f;
}

// Second derivatives m_i of the natural cubic spline through (x_i, y_i), m_0 = m_{n-1} = 0:
// the tridiagonal system h_{i-1} m_{i-1} + 2 (h_{i-1} + h_i) m_i + h_i m_{i+1} = 6 (s_i - s_{i-1})
// with slopes s_i = (y_{i+1} - y_i) / h_i, solved by the Thomas algorithm.
static std::vector<double> naturalSplineMoments(const std::vector<double>& x,
                                                const std::vector<double>& y) {
  const size_t n = x.size();
  std::vector<double> m(n, 0.0);
  if (n < 3) return m;
  std::vector<double> diag(n, 0.0), rhs(n, 0.0), upper(n, 0.0);
  for (size_t i = 1; i + 1 < n; ++i) {
    const double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
    diag[i] = 2.0 * (h0 + h1);
    upper[i] = h1;
    rhs[i] = 6.0 * ((y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0);
  }
  for (size_t i = 2; i + 1 < n; ++i) {  // forward elimination (lower diagonal is h_{i-1})
    const double w = (x[i] - x[i - 1]) / diag[i - 1];
    diag[i] -= w * upper[i - 1];
    rhs[i] -= w * rhs[i - 1];
  }
  for (size_t i = n - 2; i >= 1; --i) {
    m[i] = (rhs[i] - upper[i] * m[i + 1]) / diag[i];
    if (i == 1) break;
  }
  return m;
}

Function Function::naturalCubicSpline(std::vector<double> x, std::vector<double> y) {
  Function f;
  f.kind_ = Kind::NaturalCubicSpline;
  f.x_ = std::move(x);
  f.y_ = std::move(y);
  if (f.validate().empty()) f.m_ = naturalSplineMoments(f.x_, f.y_);
  return f;
}

Function Function::polynomial(std::vector<double> coefficients) {
  Function f;
  f.kind_ = Kind::Polynomial;
  f.y_ = std::move(coefficients);
  return f;
}

Function Function::multiplier(Function g, double scale) {
  Function f;
  f.kind_ = Kind::Multiplier;
  f.a_ = scale;
  f.inner_ = std::make_shared<const Function>(std::move(g));
  return f;
}

const char* Function::kindName() const {
  switch (kind_) {
    case Kind::Constant:
      return "constant";
    case Kind::Linear:
      return "linear";
    case Kind::PiecewiseLinear:
      return "piecewise linear";
    case Kind::NaturalCubicSpline:
      return "natural cubic spline";
    case Kind::Polynomial:
      return "polynomial";
    case Kind::Multiplier:
      return "multiplier";
  }
  return "unknown";
}

std::string Function::validate() const {
  const auto finite = [](double v) { return std::isfinite(v); };
  switch (kind_) {
    case Kind::Constant:
    case Kind::Linear:
      if (!finite(a_) || !finite(b_))
        return fmt::format("{} function has a NaN or infinite parameter", kindName());
      return {};
    case Kind::Multiplier:
      if (!finite(a_)) return "multiplier function has a NaN or infinite scale";
      if (!inner_) return "multiplier function has no inner function";
      if (auto inner = inner_->validate(); !inner.empty()) return "multiplier: " + inner;
      return {};
    case Kind::Polynomial:
      if (y_.empty()) return "polynomial function has no coefficients";
      for (size_t i = 0; i < y_.size(); ++i)
        if (!finite(y_[i]))
          return fmt::format("polynomial coefficient c[{}] is NaN or infinite", i);
      return {};
    case Kind::PiecewiseLinear:
    case Kind::NaturalCubicSpline:
      if (x_.size() != y_.size())
        return fmt::format("{} function has {} x knots but {} y values", kindName(), x_.size(),
                           y_.size());
      if (x_.size() < 2)
        return fmt::format("{} function needs at least 2 knots, has {}", kindName(), x_.size());
      for (size_t i = 0; i < x_.size(); ++i) {
        if (!finite(x_[i])) return fmt::format("{} knot x[{}] is NaN or infinite", kindName(), i);
        if (!finite(y_[i])) return fmt::format("{} value y[{}] is NaN or infinite", kindName(), i);
        if (i > 0 && !(x_[i] > x_[i - 1]))
          return fmt::format("{} knots are not strictly increasing at x[{}] = {}", kindName(), i,
                             x_[i]);
      }
      return {};
  }
  return "unknown function kind";
}

// Index i of the knot interval [x_i, x_{i+1}] holding x, clamped to the first and last.
int Function::findInterval(double x) const {
  const auto it = std::upper_bound(x_.begin(), x_.end(), x);
  const int i = static_cast<int>(it - x_.begin()) - 1;
  return std::clamp(i, 0, static_cast<int>(x_.size()) - 2);
}

void Function::evaluate(double x, double& f, double& df, double& ddf) const {
  switch (kind_) {
    case Kind::Constant:
      f = a_, df = 0.0, ddf = 0.0;
      return;
    case Kind::Linear:
      f = a_ * x + b_, df = a_, ddf = 0.0;
      return;
    case Kind::Multiplier:
      inner_->evaluate(x, f, df, ddf);
      f *= a_, df *= a_, ddf *= a_;
      return;
    case Kind::Polynomial: {  // Horner's rule for the value and both derivatives
      f = 0.0, df = 0.0, ddf = 0.0;
      for (size_t k = y_.size(); k-- > 0;) {
        ddf = ddf * x + 2.0 * df;
        df = df * x + f;
        f = f * x + y_[k];
      }
      return;
    }
    case Kind::PiecewiseLinear: {
      const int i = findInterval(x);
      const double slope = (y_[i + 1] - y_[i]) / (x_[i + 1] - x_[i]);
      f = y_[i] + slope * (x - x_[i]), df = slope, ddf = 0.0;
      return;
    }
    case Kind::NaturalCubicSpline: {
      const int last = static_cast<int>(x_.size()) - 1;
      if (x < x_[0] || x > x_[last]) {  // straight continuation along the end tangent
        const int k = x < x_[0] ? 0 : last;
        double fk, dfk, ddfk;
        evaluate(x_[k], fk, dfk, ddfk);
        f = fk + dfk * (x - x_[k]), df = dfk, ddf = 0.0;
        return;
      }
      const int i = findInterval(x);
      const double h = x_[i + 1] - x_[i];
      const double A = (x_[i + 1] - x) / h, B = (x - x_[i]) / h;
      const double m0 = m_[i], m1 = m_[i + 1];
      f = A * y_[i] + B * y_[i + 1] + ((A * A * A - A) * m0 + (B * B * B - B) * m1) * h * h / 6.0;
      df = (y_[i + 1] - y_[i]) / h - (3.0 * A * A - 1.0) * h * m0 / 6.0 +
           (3.0 * B * B - 1.0) * h * m1 / 6.0;
      ddf = A * m0 + B * m1;
      return;
    }
  }
}

double Function::value(double x) const {
  double f, df, ddf;
  evaluate(x, f, df, ddf);
  return f;
}

double Function::derivative(double x) const {
  double f, df, ddf;
  evaluate(x, f, df, ddf);
  return df;
}

double Function::secondDerivative(double x) const {
  double f, df, ddf;
  evaluate(x, f, df, ddf);
  return ddf;
}

}  // namespace dorsum
