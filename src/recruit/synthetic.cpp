// A synthetic recruitment problem shaped like the back model's (recruit.hpp), for the tests and
// the benchmark. The numbers are plausible orders of magnitude, not anatomy: moment arms of
// 0.5 to 7 cm and fascicle forces of 30 to 600 N, so that a column holds moment arm x force.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "dorsum/error.hpp"
#include "dorsum/recruit.hpp"

namespace dorsum {
namespace {

// Uniform on (a, b) from the raw engine output, the same on every standard library.
class Uniform {
 public:
  explicit Uniform(unsigned seed) : engine_(seed) {}
  double operator()(double a, double b) {
    return a + (b - a) * ((static_cast<double>(engine_()) + 0.5) / 4294967296.0);
  }
  int integer(int a, int b) {  // in [a, b]
    return std::min(b, a + static_cast<int>((*this)(0.0, 1.0) * (b - a + 1)));
  }

 private:
  std::mt19937 engine_;
};

}  // namespace

RecruitmentProblem makeSyntheticRecruitmentProblem(const SyntheticRecruitmentOptions& o) {
  const int m = o.nrow, n = o.ncol;
  const int nfascicle = n - o.ncontact - m;
  if (m < 3 || o.ncontact < 0 || nfascicle < 1)
    throw UsageError(
        fmt::format("makeSyntheticRecruitmentProblem: {} rows, {} columns and {} "
                    "contacts leave no fascicles",
                    m, n, o.ncontact));
  // Rows: three per intervertebral level (extension, lateral bending, axial rotation) from the
  // bottom up, then the shoulder-girdle rows.
  const int nshoulder = (m >= 30 ? 6 : 0) + m % 3;
  const int nlevel = (m - nshoulder) / 3;
  const int shoulder0 = 3 * nlevel;

  RecruitmentProblem p = makeRecruitmentProblem(m, n);
  Uniform uniform(o.seed);
  Eigen::VectorXd activation(nfascicle);
  for (int j = 0; j < nfascicle; ++j) {
    // Most fascicles span 1-3 levels (multifidus, rotatores), some 4-8, a few are long.
    const double kind = uniform(0.0, 1.0);
    int span = kind < 0.65  ? uniform.integer(1, 3)
               : kind < 0.9 ? uniform.integer(4, 8)
                            : uniform.integer(9, nlevel);
    span = std::min(span, nlevel);
    const int first = uniform.integer(0, nlevel - span);
    const double side = uniform(0.0, 1.0) < 0.5 ? -1.0 : 1.0;
    const double extensor = uniform(0.0, 1.0) < 0.85 ? 1.0 : -1.0;
    const double force = 30.0 * std::pow(20.0, uniform(0.0, 1.0));  // 30 to 600 N
    const double ext = extensor * uniform(0.02, 0.07);
    const double lat = side * uniform(0.005, 0.05);
    const double axial = uniform(-0.02, 0.02);
    for (int level = first; level < first + span; ++level) {
      const double scale = force * uniform(0.8, 1.2);
      p.A(3 * level + 0, j) = ext * scale;
      p.A(3 * level + 1, j) = lat * scale;
      p.A(3 * level + 2, j) = axial * scale;
    }
    // Upper fascicles that reach the shoulder girdle (trapezius, rhomboids).
    if (nshoulder >= 2 && first + span > nlevel / 2 && uniform(0.0, 1.0) < 0.3) {
      const int base = shoulder0 + (side > 0 ? 0 : nshoulder / 2);
      for (int r = base; r < base + std::max(1, nshoulder / 2); ++r)
        p.A(r, j) = force * uniform(-0.05, 0.05);
    }
    activation[j] = uniform(0.0, o.max_activation);
  }
  p.b = p.A.leftCols(nfascicle) * activation;

  // Contacts that only press (scapulothoracic): shoulder rows and the top level.
  for (int c = 0; c < o.ncontact; ++c) {
    const int j = nfascicle + c;
    for (int r = std::max(0, shoulder0 - 3); r < m; ++r) p.A(r, j) = uniform(-0.1, 0.1);
    p.weight[j] = o.contact_weight;
    p.upper[j] = std::numeric_limits<double>::infinity();
    p.kind[j] = RecruitmentVariable::kQuadratic;
  }
  // One reserve per row.
  for (int r = 0; r < m; ++r) {
    const int j = nfascicle + o.ncontact + r;
    p.A(r, j) = 1.0;
    p.weight[j] = o.reserve_weight;
    p.lower[j] = -std::numeric_limits<double>::infinity();
    p.upper[j] = std::numeric_limits<double>::infinity();
    p.kind[j] = RecruitmentVariable::kReserve;
  }
  return p;
}

}  // namespace dorsum
