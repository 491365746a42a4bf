// The recruitment stage of the pipeline: static optimization of the muscles of a Model so that
// they balance every balanced coordinate (intervertebral, craniovertebral, shoulder girdle),
// with the scapulothoracic contact forces as unknowns that only press and one reserve actuator
// per balanced coordinate, heavily penalized, so that a posture the muscles cannot hold is
// still solved and the shortfall is reported, never hidden. recruit.hpp is the solver.
#pragma once

#include <vector>

#include "dorsum/data.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/recruit.hpp"

namespace dorsum {

struct RecruitmentSettings {
  int exponent = 2;  // p of sum w a^p: 2 or 3
  RecruitmentCriterion criterion = RecruitmentCriterion::kSumOfPowers;
  bool volume_weights = false;   // w_i proportional to muscle volume (F0 l_opt), mean 1
  double reserve_weight = 1e4;   // per (N m)^2: a reserve is the last resort
  double contact_weight = 1e-6;  // per N^2: regularizes the contact forces
  // Strength of each muscle as a fraction of its model value (weakness, paralysis = 0);
  // empty means all 1. Spasm: an involuntary minimum activation per muscle; empty means 0.
  std::vector<double> strength;
  std::vector<double> min_activation;
  RecruitmentOptions solver;
};

// Everything recruitment needs per thread besides Data: the problem, the solver's workspace
// (which keeps the previous frame's multipliers for a warm start) and scratch Jacobians.
struct Recruiter {
  RecruitmentSettings settings;
  std::vector<int> balanced_dofs;   // the degrees of freedom balanced, in row order
  std::vector<int> dof_row;         // row of each degree of freedom, -1 if not balanced (ndof)
  Eigen::VectorXd tau_muscle;       // scratch: sum of moment arm x a muscle force     (ndof)
  Eigen::VectorXd tau_passive_row;  // scratch: the passive muscle moments, by row      (rows)
  RecruitmentProblem problem;
  RecruitmentWorkspace workspace;
  RecruitmentResult result;
  Eigen::VectorXd contact_tau;  // scratch: a contact's generalized force, per dof   (ndof)
  // Each muscle's band of rows as runs of rows whose degrees of freedom are consecutive (so that
  // its moment arms are one contiguous copy per run): muscle i has runs fill_run_start[i] to
  // fill_run_start[i + 1] - 1; run k covers rows fill_row[k] to fill_row[k] + fill_length[k] - 1,
  // the degrees of freedom from fill_dof[k] on.
  std::vector<int> fill_run_start, fill_row, fill_dof, fill_length;
};

Recruiter makeRecruiter(const Model& model, const RecruitmentSettings& settings = {});

// After calcInverseDynamics and calcMuscleState. Fills activation, muscle_force,
// contact_force/point/normal, reserve, residual, max_residual and the iteration count.
// Does not allocate.
void solveRecruitment(const Model& model, Data& data, Recruiter& recruiter);

}  // namespace dorsum
