// The recruitment problem as an Ipopt TNLP (ipopt_reference.hpp).
//
// Variables: x (n), and for min/max one more, t. Constraints: A x = b (m rows), and for min/max
// x_i - t <= 0 for every kPower variable. Objective: sum of w |x|^q over the variables, or for
// min/max t + sum of w x^2 over the non-kPower variables. The Hessian of the Lagrangian is
// diagonal (the constraints are linear).
#include "ipopt_reference.hpp"

// Ipopt's headers leave parameters unused; they are not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <IpIpoptApplication.hpp>
#include <IpSolveStatistics.hpp>
#include <IpTNLP.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cmath>
#include <vector>

namespace ipopt_reference {
namespace {

using dorsum::RecruitmentCriterion;
using dorsum::RecruitmentProblem;
using dorsum::RecruitmentVariable;
using Ipopt::Index;
using Ipopt::Number;

constexpr double kIpoptInfinity = 1e20;  // beyond Ipopt's nlp_{lower,upper}_bound_inf (1e19)

class RecruitmentNlp : public Ipopt::TNLP {
 public:
  RecruitmentNlp(const RecruitmentProblem& p, Solution& out) : p_(p), out_(out) {
    n_ = p.cols();
    m_ = p.rows();
    min_max_ = p.criterion == RecruitmentCriterion::kMinMax;
    for (int i = 0; i < n_; ++i)
      if (p.kind[i] == RecruitmentVariable::kPower) power_.push_back(i);
    if (power_.empty()) min_max_ = false;
    for (int j = 0; j < n_; ++j)
      for (int r = 0; r < m_; ++r)
        if (p.A(r, j) != 0.0) nz_row_.push_back(r), nz_col_.push_back(j);
  }

  bool get_nlp_info(Index& n, Index& m, Index& nnz_jac_g, Index& nnz_h_lag,
                    IndexStyleEnum& index_style) override {
    n = n_ + (min_max_ ? 1 : 0);
    m = m_ + (min_max_ ? static_cast<Index>(power_.size()) : 0);
    nnz_jac_g = static_cast<Index>(nz_row_.size() + (min_max_ ? 2 * power_.size() : 0));
    nnz_h_lag = n_;
    index_style = C_STYLE;
    return true;
  }

  bool get_bounds_info(Index, Number* x_l, Number* x_u, Index, Number* g_l, Number* g_u) override {
    for (int i = 0; i < n_; ++i) {
      x_l[i] = std::isfinite(p_.lower[i]) ? p_.lower[i] : -kIpoptInfinity;
      x_u[i] = std::isfinite(p_.upper[i]) ? p_.upper[i] : kIpoptInfinity;
    }
    if (min_max_) x_l[n_] = -kIpoptInfinity, x_u[n_] = kIpoptInfinity;
    for (int r = 0; r < m_; ++r) g_l[r] = g_u[r] = p_.b[r];
    for (std::size_t k = 0; min_max_ && k < power_.size(); ++k) {
      g_l[m_ + k] = -kIpoptInfinity;
      g_u[m_ + k] = 0.0;
    }
    return true;
  }

  bool get_starting_point(Index, bool init_x, Number* x, bool, Number*, Number*, Index, bool,
                          Number*) override {
    if (!init_x) return false;
    for (int i = 0; i < n_; ++i) x[i] = std::clamp(0.0, p_.lower[i], p_.upper[i]);
    if (min_max_) x[n_] = 1.0;
    return true;
  }

  bool eval_f(Index, const Number* x, bool, Number& f) override {
    f = min_max_ ? x[n_] : 0.0;
    for (int i = 0; i < n_; ++i) {
      if (inMax(i)) continue;
      const double a = std::abs(x[i]);
      f += p_.weight[i] * (exponent(i) == 2 ? a * a : a * a * a);
    }
    return true;
  }

  bool eval_grad_f(Index, const Number* x, bool, Number* g) override {
    for (int i = 0; i < n_; ++i) {
      if (inMax(i))
        g[i] = 0.0;
      else if (exponent(i) == 2)
        g[i] = 2.0 * p_.weight[i] * x[i];
      else
        g[i] = 3.0 * p_.weight[i] * x[i] * std::abs(x[i]);
    }
    if (min_max_) g[n_] = 1.0;
    return true;
  }

  bool eval_g(Index, const Number* x, bool, Index, Number* g) override {
    for (int r = 0; r < m_; ++r) g[r] = 0.0;
    for (std::size_t k = 0; k < nz_row_.size(); ++k)
      g[nz_row_[k]] += p_.A(nz_row_[k], nz_col_[k]) * x[nz_col_[k]];
    for (std::size_t k = 0; min_max_ && k < power_.size(); ++k) g[m_ + k] = x[power_[k]] - x[n_];
    return true;
  }

  bool eval_jac_g(Index, const Number*, bool, Index, Index, Index* row, Index* col,
                  Number* values) override {
    const std::size_t nz = nz_row_.size();
    if (values == nullptr) {
      for (std::size_t k = 0; k < nz; ++k) row[k] = nz_row_[k], col[k] = nz_col_[k];
      for (std::size_t k = 0; min_max_ && k < power_.size(); ++k) {
        row[nz + 2 * k] = static_cast<Index>(m_ + k), col[nz + 2 * k] = power_[k];
        row[nz + 2 * k + 1] = static_cast<Index>(m_ + k), col[nz + 2 * k + 1] = n_;
      }
      return true;
    }
    for (std::size_t k = 0; k < nz; ++k) values[k] = p_.A(nz_row_[k], nz_col_[k]);
    for (std::size_t k = 0; min_max_ && k < power_.size(); ++k) {
      values[nz + 2 * k] = 1.0;
      values[nz + 2 * k + 1] = -1.0;
    }
    return true;
  }

  bool eval_h(Index, const Number* x, bool, Number obj_factor, Index, const Number*, bool, Index,
              Index* row, Index* col, Number* values) override {
    if (values == nullptr) {
      for (int i = 0; i < n_; ++i) row[i] = col[i] = i;
      return true;
    }
    for (int i = 0; i < n_; ++i) {
      if (inMax(i))
        values[i] = 0.0;
      else if (exponent(i) == 2)
        values[i] = obj_factor * 2.0 * p_.weight[i];
      else
        values[i] = obj_factor * 6.0 * p_.weight[i] * std::abs(x[i]);
    }
    return true;
  }

  void finalize_solution(Ipopt::SolverReturn status, Index, const Number* x, const Number*,
                         const Number*, Index, const Number*, const Number*, Number obj_value,
                         const Ipopt::IpoptData*, Ipopt::IpoptCalculatedQuantities*) override {
    out_.x = Eigen::Map<const Eigen::VectorXd>(x, n_);
    out_.objective = obj_value;
    out_.solved = status == Ipopt::SUCCESS;
  }

 private:
  bool inMax(int i) const { return min_max_ && p_.kind[i] == RecruitmentVariable::kPower; }
  int exponent(int i) const { return p_.kind[i] == RecruitmentVariable::kPower ? p_.exponent : 2; }

  const RecruitmentProblem& p_;
  Solution& out_;
  int n_ = 0, m_ = 0;
  bool min_max_ = false;
  std::vector<int> power_, nz_row_, nz_col_;
};

}  // namespace

Solution solve(const RecruitmentProblem& problem, double tolerance) {
  Solution out;
  Ipopt::SmartPtr<Ipopt::IpoptApplication> app = IpoptApplicationFactory();
  app->Options()->SetIntegerValue("print_level", 0);
  app->Options()->SetStringValue("sb", "yes");  // no banner
  app->Options()->SetNumericValue("tol", tolerance);
  app->Options()->SetNumericValue("constr_viol_tol", tolerance);
  app->Options()->SetIntegerValue("max_iter", 3000);
  app->Options()->SetStringValue("mu_strategy", "adaptive");
  if (app->Initialize() != Ipopt::Solve_Succeeded) return out;
  Ipopt::SmartPtr<Ipopt::TNLP> nlp = new RecruitmentNlp(problem, out);
  const Ipopt::ApplicationReturnStatus status = app->OptimizeTNLP(nlp);
  out.status = static_cast<int>(status);
  out.solved = out.solved && status == Ipopt::Solve_Succeeded;
  if (Ipopt::SmartPtr<Ipopt::SolveStatistics> stats = app->Statistics(); IsValid(stats))
    out.iterations = stats->IterationCount();
  return out;
}

}  // namespace ipopt_reference
