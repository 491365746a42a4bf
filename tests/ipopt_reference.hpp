// Ipopt (Waechter & Biegler 2006, COIN-OR) as the reference solver of the recruitment tests: it
// solves the same RecruitmentProblem, written as a general nonlinear program, so that the
// dedicated solvers of src/recruit can be compared with an independent, general method. Test code
// only; tests/CMakeLists.txt links Ipopt into dorsum_tests alone and defines DORSUM_HAVE_IPOPT.
//
// Waechter A, Biegler LT (2006). On the implementation of an interior-point filter line-search
// algorithm for large-scale nonlinear programming. Math. Programming 106(1):25-57.
#pragma once

#include <Eigen/Core>

#include "dorsum/recruit.hpp"

namespace ipopt_reference {

struct Solution {
  Eigen::VectorXd x;       // (n)
  double objective = 0.0;  // the criterion's value (for min/max: max + quadratic terms)
  bool solved = false;     // Ipopt reported Solve_Succeeded
  int status = 0;          // Ipopt's ApplicationReturnStatus
  int iterations = 0;
};

// Solves `problem` (either criterion) with Ipopt to the given tolerance (Ipopt's `tol`).
Solution solve(const dorsum::RecruitmentProblem& problem, double tolerance = 1e-10);

}  // namespace ipopt_reference
