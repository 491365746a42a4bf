// Builds the static-optimization problem of a frame from Model and Data, solves it with the
// dual Newton solver (recruit.hpp), and writes the answer back into Data.
//
// Variables: the activation of every muscle (kPower, bounds [a_min, 1]), the pressing force of
// every contact (kQuadratic, [0, inf)), a reserve moment per balanced coordinate (kReserve).
// Rows: the balanced coordinates. For row k (degree of freedom d):
//   sum_i r_di g_i a_i + sum_c J_c^T n_c f_c + reserve_k = tau_required_d - sum_i r_di p_i -
//   tau_passive_d
// with g_i = s_i F0 f_L f_V cos(alpha) the active gain (s_i the strength fraction) and p_i the
// passive fibre force along the tendon.
#include <fmt/format.h>
#include <cmath>
#include <limits>

#include "dorsum/error.hpp"
#include "dorsum/recruitment.hpp"
#include "recruit/kernels.hpp"

namespace dorsum {

Recruiter makeRecruiter(const Model& model, const RecruitmentSettings& settings) {
  if (settings.exponent != 2 && settings.exponent != 3)
    throw InputError(fmt::format("recruitment exponent must be 2 or 3, is {}", settings.exponent));
  if (!settings.strength.empty() && static_cast<int>(settings.strength.size()) != model.nmuscle)
    throw UsageError("RecruitmentSettings::strength must have one entry per muscle");
  if (!settings.min_activation.empty() &&
      static_cast<int>(settings.min_activation.size()) != model.nmuscle)
    throw UsageError("RecruitmentSettings::min_activation must have one entry per muscle");
  Recruiter r;
  r.settings = settings;
  r.dof_row.assign(model.ndof, -1);
  for (int k = 0; k < model.ndof; ++k)
    if (model.coord_balanced[model.dof_coord[k]]) {
      r.dof_row[k] = static_cast<int>(r.balanced_dofs.size());
      r.balanced_dofs.push_back(k);
    }
  r.tau_muscle.setZero(model.ndof);
  const int m = static_cast<int>(r.balanced_dofs.size());
  const int n = model.nmuscle + model.ncontact + m;
  r.problem = makeRecruitmentProblem(m, n);
  r.problem.exponent = settings.exponent;
  r.problem.criterion = settings.criterion;
  double mean_volume = 0.0;
  for (int i = 0; i < model.nmuscle; ++i)
    mean_volume += model.muscle_max_force[i] * model.muscle_opt_fiber_length[i] / model.nmuscle;
  for (int i = 0; i < model.nmuscle; ++i) {
    r.problem.kind[i] = RecruitmentVariable::kPower;
    r.problem.weight[i] =
        settings.volume_weights
            ? model.muscle_max_force[i] * model.muscle_opt_fiber_length[i] / mean_volume
            : 1.0;
    r.problem.lower[i] = settings.min_activation.empty() ? 0.0 : settings.min_activation[i];
    r.problem.upper[i] = 1.0;
  }
  for (int c = 0; c < model.ncontact; ++c) {
    const int j = model.nmuscle + c;
    r.problem.kind[j] = RecruitmentVariable::kQuadratic;
    r.problem.weight[j] = settings.contact_weight;
    r.problem.lower[j] = 0.0;
    r.problem.upper[j] = std::numeric_limits<double>::infinity();
  }
  for (int k = 0; k < m; ++k) {
    const int j = model.nmuscle + model.ncontact + k;
    r.problem.kind[j] = RecruitmentVariable::kReserve;
    r.problem.weight[j] = settings.reserve_weight;
    r.problem.lower[j] = -std::numeric_limits<double>::infinity();
    r.problem.upper[j] = std::numeric_limits<double>::infinity();
    r.problem.A(k, j) = 1.0;
  }
  // Bands of A's columns: a muscle's moment arms are zero outside its degree-of-freedom range
  // (Model::muscle_dof_begin/end), and rows follow the degrees of freedom in order, so its
  // column is zero outside the rows of the balanced degrees of freedom in that range. A contact
  // may touch every row, a reserve only its own.
  std::vector<int> rows_below(model.ndof + 1, 0);  // balanced degrees of freedom below each
  for (int k = 0; k < model.ndof; ++k) rows_below[k + 1] = rows_below[k] + (r.dof_row[k] >= 0);
  r.problem.column_row_begin.assign(n, 0);
  r.problem.column_row_end.assign(n, m);
  for (int i = 0; i < model.nmuscle; ++i) {
    r.problem.column_row_begin[i] = rows_below[model.muscle_dof_begin[i]];
    r.problem.column_row_end[i] = rows_below[model.muscle_dof_end[i]];
  }
  for (int k = 0; k < m; ++k) {
    const int j = model.nmuscle + model.ncontact + k;
    r.problem.column_row_begin[j] = k;
    r.problem.column_row_end[j] = k + 1;
  }
  r.tau_passive_row.setZero(m);
  r.workspace = makeRecruitmentWorkspace(m, n);
  r.result = makeRecruitmentResult(m, n);
  r.contact_tau.setZero(model.ndof);
  r.fill_run_start.assign(1, 0);
  for (int i = 0; i < model.nmuscle; ++i) {
    for (int k = r.problem.column_row_begin[i]; k < r.problem.column_row_end[i]; ++k) {
      const int dof = r.balanced_dofs[k];
      const bool extends =
          k > r.problem.column_row_begin[i] && r.fill_dof.back() + r.fill_length.back() == dof;
      if (extends) {
        ++r.fill_length.back();
      } else {
        r.fill_row.push_back(k);
        r.fill_dof.push_back(dof);
        r.fill_length.push_back(1);
      }
    }
    r.fill_run_start.push_back(static_cast<int>(r.fill_row.size()));
  }
  return r;
}

namespace {

// Where each contact presses and in which direction: the point on the pressing body, and the
// outward normal of the ellipsoid at that point's level set (the force on the pressing body).
void calcContactGeometry(const Model& m, Data& d) {
  for (int c = 0; c < m.ncontact; ++c) {
    const Pose& X_S = d.body_pose[m.contact_surface_body[c]];
    const Vec3 p = d.body_pose[m.contact_body[c]] * m.contact_location[c];
    const Vec3 local = X_S.R.transpose() * (p - X_S.p) - m.contact_centre[c];
    const Vec3 gradient = local.cwiseQuotient(m.contact_radii[c].cwiseProduct(m.contact_radii[c]));
    d.contact_point_W[c] = p;
    d.contact_normal_W[c] = X_S.R * gradient.normalized();
  }
}

// tau = sum over muscles of moment arm x force, over each muscle's degree-of-freedom range.
void accumulateMuscleMoments(const Model& m, const Data& d, const Eigen::VectorXd& force,
                             Eigen::VectorXd& tau) {
  tau.setZero();
  double* __restrict t = tau.data();
  for (int i = 0; i < m.nmuscle; ++i) {
    const double f = force[i];
    if (f == 0.0) continue;
    const int begin = m.muscle_dof_begin[i];
    recruit_detail::axpy(m.muscle_dof_end[i] - begin, f, d.moment_arm.col(i).data() + begin,
                         t + begin);
  }
}

}  // namespace

void solveRecruitment(const Model& model, Data& data, Recruiter& r) {
  requireStages(model, data, kStageInverseDynamics | kStageMuscleState, "solveRecruitment");
  const int m = static_cast<int>(r.balanced_dofs.size());
  RecruitmentProblem& P = r.problem;
  const bool weak = !r.settings.strength.empty();
  // The columns of A, all assembled here. Moment arms are zero outside each muscle's
  // degree-of-freedom range (Model::muscle_dof_begin), and A's entries there stay zero from
  // makeRecruiter: only the range is written.
  // NOTE: the solver reads column j only in rows [P.column_row_begin[j], P.column_row_end[j]),
  // set in makeRecruiter. A new term in a column (an intra-abdominal pressure term in the
  // abdominal muscles' columns, say) that reaches rows outside that band must widen the band
  // there, or the solver will not see it.
  // The band of column i (makeRecruiter) is exactly the rows of the balanced degrees of freedom
  // in the muscle's range, copied run by run (Recruiter::fill_row). The same pass sums the
  // passive muscle moments of the rows (b below): outside the band the moment arms are zero.
  double* __restrict tau_passive = r.tau_passive_row.data();
  r.tau_passive_row.setZero();
  for (int i = 0; i < model.nmuscle; ++i) {
    const double gain = data.muscle_active_gain[i] * (weak ? r.settings.strength[i] : 1.0);
    const double passive = data.muscle_passive_force[i];
    const double* __restrict arm = data.moment_arm.col(i).data();
    double* __restrict column = P.A.col(i).data();
    for (int k = r.fill_run_start[i]; k < r.fill_run_start[i + 1]; ++k) {
      const int row = r.fill_row[k], length = r.fill_length[k];
      const double* a = arm + r.fill_dof[k];
      if (passive != 0.0)
        recruit_detail::scaledCopyAxpy(length, gain, passive, a, column + row, tau_passive + row);
      else
        recruit_detail::scaledCopy(length, gain, a, column + row);
    }
  }
  // A contact's column: the generalized force of a unit press along the normal, on the pressing
  // body at the contact point and, opposite, on the surface's body at the same point.
  calcContactGeometry(model, data);
  for (int c = 0; c < model.ncontact; ++c) {
    const Vec3& p = data.contact_point_W[c];
    const Vec3& n = data.contact_normal_W[c];
    const int stop = model.contact_common_body[c];  // above it the two terms cancel
    r.contact_tau.setZero();
    addPointForceGeneralized(model, data, model.contact_body[c], p, n, r.contact_tau, stop);
    addPointForceGeneralized(model, data, model.contact_surface_body[c], p, -n, r.contact_tau,
                             stop);
    for (int k = 0; k < m; ++k) P.A(k, model.nmuscle + c) = r.contact_tau[r.balanced_dofs[k]];
  }
  for (int k = 0; k < m; ++k) {
    const int dof = r.balanced_dofs[k];
    P.b[k] = data.tau_inverse_dynamics[dof] - data.tau_passive[dof] - r.tau_passive_row[k];
  }
  solveRecruitment(P, r.workspace, r.result, r.settings.solver);

  const Eigen::VectorXd& x = r.result.x;
  for (int i = 0; i < model.nmuscle; ++i) {
    data.activation[i] = x[i];
    const double gain = data.muscle_active_gain[i] * (weak ? r.settings.strength[i] : 1.0);
    data.muscle_force[i] = x[i] * gain + data.muscle_passive_force[i];
  }
  for (int c = 0; c < model.ncontact; ++c) data.contact_force[c] = x[model.nmuscle + c];
  data.reserve.setZero();
  data.residual.setZero();
  data.max_residual = 0.0;
  accumulateMuscleMoments(model, data, data.muscle_force, r.tau_muscle);
  for (int k = 0; k < m; ++k) {
    const int dof = r.balanced_dofs[k];
    data.reserve[dof] = x[model.nmuscle + model.ncontact + k];
    // Balance of the coordinate with every actuator, reserves included: muscles' moments plus
    // passive moments plus contacts plus reserve minus what inverse dynamics requires.
    // (r.tau_muscle holds the muscles' moments, summed over each muscle's degree-of-freedom
    // range: outside it the moment arms are zero.)
    double supplied = data.tau_passive[dof] + data.reserve[dof] + r.tau_muscle[dof];
    for (int c = 0; c < model.ncontact; ++c)
      supplied += P.A(k, model.nmuscle + c) * data.contact_force[c];
    data.residual[dof] = supplied - data.tau_inverse_dynamics[dof];
    data.max_residual = std::max(data.max_residual, std::abs(data.residual[dof]));
  }
  data.recruitment_iterations = r.result.iterations;
  data.recruitment_converged = r.result.converged;
  data.stages |= kStageRecruitment;
}

}  // namespace dorsum
