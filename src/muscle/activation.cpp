// First-order activation dynamics of De Groote et al. (2016): a smooth (tanh) blend of an
// activation time constant tau_a (0.5 + 1.5 a) and a deactivation one tau_d / (0.5 + 1.5 a)
// (docs/MUSCLE.md, "Activation dynamics").
#include <algorithm>
#include <cmath>
#include <string>

#include "dorsum/error.hpp"
#include "dorsum/muscle.hpp"

namespace dorsum {

double calcActivationRate(double excitation, double activation, double activation_time,
                          double deactivation_time, double smoothing) {
  const double gap = excitation - activation;
  // The factor slows activation and speeds deactivation as a grows (0.5 + 1.5 a, De Groote et
  // al. 2016). Clamping a keeps it in [0.5, 2] when an integrator overshoots [0, 1].
  const double z = 0.5 + 1.5 * std::clamp(activation, 0.0, 1.0);
  const double f = 0.5 * std::tanh(smoothing * gap);    // -0.5 (deactivating) to 0.5 (activating)
  const double rate_act = 1.0 / (activation_time * z);  // 1/s
  const double rate_deact = z / deactivation_time;      // 1/s
  return (rate_act * (f + 0.5) + rate_deact * (0.5 - f)) * gap;
}

void calcActivationRates(const Model& model, const Eigen::VectorXd& excitation,
                         const Eigen::VectorXd& activation, Eigen::VectorXd& rate) {
  const Eigen::Index n = model.nmuscle;
  if (excitation.size() != n || activation.size() != n || rate.size() != n) {
    throw UsageError(
        "calcActivationRates: excitation, activation and rate need nmuscle = " + std::to_string(n) +
        " entries; got " + std::to_string(excitation.size()) + ", " +
        std::to_string(activation.size()) + " and " + std::to_string(rate.size()));
  }
  for (Eigen::Index m = 0; m < n; ++m) {
    const auto i = static_cast<std::size_t>(m);
    rate[m] = calcActivationRate(excitation[m], activation[m], model.muscle_activation_time[i],
                                 model.muscle_deactivation_time[i]);
  }
}

}  // namespace dorsum
