// Moment arms of the built-in model at the neutral posture beside published values
// (tests/data/published_moment_arms.toml: each entry's source, population and range rule).
#include <gtest/gtest.h>

#include <cmath>
#include <toml.hpp>

#include "dorsum/anatomy.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"
#include "dorsum/muscle_path.hpp"

using namespace dorsum;

namespace {

// Force-weighted mean moment arm over the right-side fascicles of the muscles named (and of
// the fascicle suffixes named, when any) that cross the coordinate.
double modelMomentArm(const Model& m, const Data& d, int dof,
                      const std::vector<std::string>& muscles,
                      const std::vector<std::string>& fascicles) {
  double weighted = 0.0, weight = 0.0;
  for (int mu = 0; mu < m.nmuscle; ++mu) {
    if (m.muscle_side[mu] != "right") continue;
    if (std::find(muscles.begin(), muscles.end(), m.muscle_anatomical[mu]) == muscles.end())
      continue;
    if (!fascicles.empty()) {
      const std::string& name = m.muscle_name[mu];
      const std::string suffix = name.substr(m.muscle_anatomical[mu].size() + 1,
                                             name.size() - m.muscle_anatomical[mu].size() - 3);
      if (std::find(fascicles.begin(), fascicles.end(), suffix) == fascicles.end()) continue;
    }
    const double r = d.moment_arm(dof, mu);
    if (r == 0.0) continue;
    weighted += m.muscle_max_force[mu] * r;
    weight += m.muscle_max_force[mu];
  }
  return weight > 0.0 ? weighted / weight : NAN;
}

}  // namespace

TEST(MomentArms, LumbarMomentArmsLieWithinPublishedRanges) {
  const toml::value file =
      toml::parse(std::string(DORSUM_SOURCE_DIR) + "/tests/data/published_moment_arms.toml");
  const Model m = compile(buildBackModel(defaultSubject(Sex::Male)));
  Data d = makeData(m);
  calcKinematics(m, d);
  calcMusclePaths(m, d);
  int asserted = 0;
  for (const toml::value& e : toml::find<std::vector<toml::value>>(file, "entry")) {
    if (!toml::find_or<bool>(e, "assert", false)) continue;
    const std::string id = toml::find<std::string>(e, "id");
    const int dof = m.coord_dof[m.findCoordinate(toml::find<std::string>(e, "coordinate"))];
    ASSERT_GE(dof, 0) << id;
    const double r =
        modelMomentArm(m, d, dof, toml::find<std::vector<std::string>>(e, "model_muscles"),
                       toml::find<std::vector<std::string>>(e, "model_fascicles"));
    ASSERT_FALSE(std::isnan(r)) << id << ": no fascicle crosses the level";
    if (toml::find<std::string>(e, "kind") == "sign") {
      EXPECT_EQ(r > 0 ? 1 : -1, toml::find<int>(e, "expected_sign")) << id << " r = " << r;
    } else {
      const auto range = toml::find<std::vector<double>>(e, "test_range_m");
      EXPECT_GE(r, range[0]) << id;
      EXPECT_LE(r, range[1]) << id;
    }
    ++asserted;
  }
  EXPECT_GE(asserted, 10);
}
