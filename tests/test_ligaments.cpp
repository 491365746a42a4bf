// Ligaments: the force law, their generalized force, the load they put on the joint they cross,
// compile()'s slack lengths and split of in-vitro curves, and the built-in posterior ligaments.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "dorsum/analysis.hpp"
#include "dorsum/anatomy.hpp"
#include "dorsum/data.hpp"
#include "dorsum/dynamics.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/loads.hpp"
#include "dorsum/model.hpp"
#include "dorsum/muscle_path.hpp"
#include "dorsum/recruitment.hpp"
#include "dorsum/report.hpp"
#include "dorsum/scenario.hpp"

using namespace dorsum;

namespace {

constexpr double kDeg = M_PI / 180.0;

// Two blocks on a pin about Z at the joint 50 mm above the lower block's origin; a ligament
// from 50 mm behind the joint on the upper block straight down to the lower block: flexion
// (negative `ext`) stretches it. No gravity unless asked.
ModelSpec twoBlocks(double reference_strain = 0.0, bool gravity = false) {
  ModelSpec s;
  if (!gravity) s.gravity = Vec3::Zero();
  s.addBody("lower", 1.0, Vec3::Zero(), Mat3::Identity() * 0.01);
  s.addBody("upper", 5.0, Vec3(0.0, 0.1, 0.0), Mat3::Identity() * 0.01);
  s.addCoordinate("ext", 0.0, -0.5, 0.5);
  s.addJoint(JointSpec::weld("fix", "ground", "lower"));
  Pose above;
  above.p = Vec3(0.0, 0.05, 0.0);
  s.addJoint(JointSpec::pin("joint", "lower", "upper", "ext", Vec3::UnitZ(), above));
  s.addLandmark("upper.back", "upper", Vec3(-0.05, 0.02, 0.0));
  s.addLandmark("lower.back", "lower", Vec3(-0.05, 0.03, 0.0));
  LigamentSpec l;
  l.name = "band";
  l.origin = "upper.back";
  l.insertion = "lower.back";
  l.joint = "joint";
  l.stiffness = 20000.0;
  l.toe_strain = 0.05;
  l.reference_strain = reference_strain;
  s.ligaments.push_back(l);
  return s;
}

}  // namespace

TEST(LigamentForce, SlackThenQuadraticToeThenLinear) {
  const double L0 = 0.02, k = 20000.0, toe = 0.05;
  EXPECT_EQ(ligamentForce(0.9 * L0, L0, k, toe), 0.0);
  EXPECT_EQ(ligamentForce(L0, L0, k, toe), 0.0);
  // Halfway through the toe: k L0 e^2 / (2 e_toe) with e = e_toe / 2.
  EXPECT_NEAR(ligamentForce(L0 * 1.025, L0, k, toe), k * L0 * 0.025 * 0.025 / 0.1, 1e-9);
  // The two regions meet with the same value and slope (dF/dL = k in the linear region).
  const double h = 1e-9;
  const double at = L0 * (1.0 + toe);
  EXPECT_NEAR(ligamentForce(at - h, L0, k, toe), ligamentForce(at + h, L0, k, toe), 1e-4);
  const double slope_below =
      (ligamentForce(at - h, L0, k, toe) - ligamentForce(at - 2e-7, L0, k, toe)) / (2e-7 - h);
  EXPECT_NEAR(slope_below, k, 1e-2 * k);
  EXPECT_NEAR(ligamentForce(L0 * 1.3, L0, k, toe) - ligamentForce(L0 * 1.2, L0, k, toe),
              k * 0.1 * L0, 1e-9);
}

TEST(Ligaments, SlackLengthComesFromTheReferenceStrainAtTheDefaultPosture) {
  const Model m = compile(twoBlocks(0.1));
  ASSERT_EQ(m.nligament, 1);
  // The two ends lie 0.05 + 0.02 - 0.03 = 0.04 m apart, one above the other.
  EXPECT_NEAR(m.ligament_slack_length[0], 0.04 / 1.1, 1e-12);
  Data d = makeData(m);
  calcKinematics(m, d);
  calcLigaments(m, d);
  EXPECT_NEAR(d.ligament_length[0], 0.04, 1e-12);
  EXPECT_NEAR(d.ligament_force[0], ligamentForce(0.04, 0.04 / 1.1, 20000.0, 0.05), 1e-9);
}

TEST(Ligaments, GeneralizedForceIsTensionTimesMinusTheLengthSlope) {
  const Model m = compile(twoBlocks());
  Data d = makeData(m);
  const auto length = [&](double q) {
    d.q[0] = q;
    calcKinematics(m, d);
    calcLigaments(m, d);
    return d.ligament_length[0];
  };
  for (double q : {-0.3, -0.1, -0.02}) {
    const double h = 1e-6;
    const double slope = (length(q + h) - length(q - h)) / (2.0 * h);
    length(q);
    ASSERT_GT(d.ligament_force[0], 0.0) << "flexion stretches the band";
    EXPECT_NEAR(d.coord_ligament_force[0], -d.ligament_force[0] * slope,
                1e-6 * std::max(1.0, d.ligament_force[0]));
    EXPECT_GT(d.coord_ligament_force[0], 0.0) << "it pulls back towards extension";
    // Inverse dynamics counts it among the passive forces.
    calcInverseDynamics(m, d);
    EXPECT_NEAR(d.tau_passive[0], d.coord_ligament_force[0], 1e-12);
  }
}

TEST(Ligaments, TheJointCarriesTheirPull) {
  // Stretched 10 % at the default posture, straight up and down 50 mm behind the joint: the
  // joint is pressed by the whole tension and turned by tension x 50 mm, as by a muscle there.
  const Model m = compile(twoBlocks(0.1));
  Data d = makeData(m);
  calcKinematics(m, d);
  calcMusclePaths(m, d);
  calcInverseDynamics(m, d);
  calcJointLoads(m, d);
  const double tension = d.ligament_force[0];
  ASSERT_GT(tension, 0.0);
  EXPECT_NEAR(-d.joint_force_D[1].y(), tension, 1e-9);
  EXPECT_NEAR(d.joint_force_D[1].x(), 0.0, 1e-9);
  EXPECT_NEAR(d.joint_moment_D[1].z(), tension * 0.05, 1e-9);
}

TEST(Ligaments, ACurveThatHoldsThemKeepsOnlyTheRemainder) {
  // A linear in-vitro curve of 40 N m/rad that already contains the band. A band softer than
  // the curve everywhere (10 kN/m at 50 mm: about 25 N m/rad) leaves a remainder that gives the
  // curve back exactly; a far stiffer one is softened until it stays below the curve, and the
  // remainder never makes the total smaller than the curve.
  for (double stiffness : {10000.0, 2.0e6}) {
    ModelSpec s = twoBlocks();
    s.ligaments[0].stiffness = stiffness;
    s.coordinates[0].passive_force = Function::linear(-40.0);
    s.coordinates[0].passive_force_includes_ligaments = true;
    const Model m = compile(s);
    Data d = makeData(m);
    for (double q = -0.5; q <= 0.5; q += 0.01) {
      d.q[0] = q;
      calcKinematics(m, d);
      calcInverseDynamics(m, d);
      const double measured = -40.0 * q;
      if (std::abs(measured) >= 1.0) {
        EXPECT_LE(d.coord_ligament_force[0] / measured, 1.0 + 1e-9) << "q = " << q;
      }
      // Within the error of the remainder's straight lines between its quarter-degree knots.
      if (stiffness < 1e5) {
        EXPECT_NEAR(d.tau_passive[0], measured, 5e-3) << "q = " << q;
      } else {
        EXPECT_GE(d.tau_passive[0] * (q < 0 ? 1 : -1), std::abs(measured) - 5e-3) << "q = " << q;
      }
    }
    if (stiffness > 1e5) {
      EXPECT_LT(m.ligament_stiffness[0], stiffness);
    } else {
      EXPECT_EQ(m.ligament_stiffness[0], stiffness);
    }
  }
}

TEST(Ligaments, BadSpecsAreRefusedByName) {
  const auto message = [](const ModelSpec& s) {
    try {
      (void)compile(s);
    } catch (const SpecError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  ModelSpec s = twoBlocks();
  s.ligaments[0].insertion = "lower.nowhere";
  EXPECT_NE(message(s).find("ligament 'band': unknown insertion landmark 'lower.nowhere'"),
            std::string::npos)
      << message(s);
  s = twoBlocks();
  s.ligaments[0].insertion = "upper.back";
  EXPECT_NE(message(s).find("same body"), std::string::npos) << message(s);
  s = twoBlocks();
  s.ligaments[0].stiffness = -1.0;
  EXPECT_NE(message(s).find("ligament 'band': stiffness must be a positive"), std::string::npos)
      << message(s);
  s = twoBlocks();
  s.ligaments[0].joint = "knee";
  EXPECT_NE(message(s).find("unknown joint 'knee'"), std::string::npos) << message(s);
}

namespace {

const Model& builtin() {
  static const Model m = compile(buildBackModel(defaultSubject(Sex::Male)));
  return m;
}

}  // namespace

TEST(BuiltinLigaments, EveryLevelHasItsPosteriorLigamentsOnBothSides) {
  const Model& m = builtin();
  for (const char* joint : {"L5_S1", "L4_L5", "L1_L2", "T12_L1", "T6_T7", "C7_T1", "C2_C3"}) {
    const std::string j = joint;
    for (const std::string& name : {"interspinous_" + j, "flavum_" + j + "_r", "flavum_" + j + "_l",
                                    "capsular_" + j + "_r", "capsular_" + j + "_l"})
      EXPECT_GE(m.findLigament(name), 0) << name;
    // Supraspinous from C7/T1 to L4/L5; at L5/S1 it is absent (Bogduk 2005).
    EXPECT_EQ(m.findLigament("supraspinous_" + j) >= 0, j != "L5_S1" && j != "C2_C3") << j;
  }
  // The left ligament mirrors the right one.
  const int r = m.findLigament("capsular_L4_L5_r"), l = m.findLigament("capsular_L4_L5_l");
  for (int k = 0; k < 2; ++k) {
    const Vec3 a = m.ligament_point[r][k], b = m.ligament_point[l][k];
    EXPECT_NEAR(a.x(), b.x(), 1e-12);
    EXPECT_NEAR(a.y(), b.y(), 1e-12);
    EXPECT_NEAR(a.z(), -b.z(), 1e-12);
  }
  EXPECT_DOUBLE_EQ(m.ligament_slack_length[r], m.ligament_slack_length[l]);
}

TEST(BuiltinLigaments, FlexionStretchesThemAndTheWholeSegmentKeepsHeuersCurve) {
  const Model& m = builtin();
  Data d = makeData(m);
  const int c = m.findCoordinate("L4_L5_extension"), dof = m.coord_dof[c];
  // Heuer et al. 2007, intact L4-L5 segments: 5.0 deg of flexion under 7.5 N m (recalled; the
  // tabulated curve of data/anatomy/spine_passive.toml). Disc remainder plus ligaments must
  // give it back.
  d.q[dof] = -5.0 * kDeg;
  calcKinematics(m, d);
  calcInverseDynamics(m, d);
  EXPECT_NEAR(d.tau_passive[dof], 7.5, 0.05);
  double sum = 0.0;
  for (int l = 0; l < m.nligament; ++l)
    if (m.ligament_joint[l] == m.findJoint("L4_L5")) sum += d.ligament_force[l];
  EXPECT_GT(d.coord_ligament_force[c], 0.0) << "the ligaments resist flexion";
  EXPECT_GT(sum, 0.0);
  // In extension the interspinous and supraspinous ligaments slacken.
  d.q[dof] = 2.0 * kDeg;
  calcKinematics(m, d);
  calcInverseDynamics(m, d);
  EXPECT_EQ(d.ligament_force[m.findLigament("supraspinous_L4_L5")], 0.0);
  EXPECT_EQ(d.ligament_force[m.findLigament("interspinous_L4_L5")], 0.0);
}

TEST(BuiltinLigaments, TheyAddCompressionInAFlexedPosture) {
  // The same passive moment, carried partly by bands 3-7 cm behind the disc instead of by the
  // disc alone, must press the disc harder.
  ModelSpec with = buildBackModel(defaultSubject(Sex::Male));
  ModelSpec without = with;
  without.ligaments.clear();
  for (CoordinateSpec& c : without.coordinates) c.passive_force_includes_ligaments = false;
  Task t;
  t.posture.trunk_flexion_deg = 60.0;
  double compression[2];
  int k = 0;
  for (const ModelSpec* s : {&with, &without}) {
    const Model m = compile(*s);
    Data d = makeData(m);
    Recruiter r = makeRecruiter(m);
    runTask(m, d, r, t);
    compression[k++] = -d.joint_force_D[m.findJoint("L4_L5")].y();
  }
  EXPECT_GT(compression[0], compression[1] + 50.0);
}

TEST(BuiltinLigaments, ResultsListThemAndTheReportShowsTheLumbarOnes) {
  // Stooping far forward stretches the lumbar supraspinous ligament; standing leaves it slack.
  const auto run = [](const char* posture) {
    return runScenario(parseScenario(
        std::string("[scenario]\nname = \"t\"\n[posture]\n") + posture + "\n", "test.toml"));
  };
  const nlohmann::ordered_json flexed = run("trunk_flexion_deg = 80");
  const nlohmann::ordered_json upright = run("name = \"standing\"");
  const auto force = [](const nlohmann::ordered_json& r, const std::string& name) {
    for (const auto& l : r["ligaments"])
      if (l["name"] == name) return l["force_N"].get<double>();
    return -1.0;
  };
  EXPECT_GT(force(flexed, "supraspinous_L3_L4"), 10.0);
  EXPECT_EQ(force(upright, "supraspinous_L3_L4"), 0.0);
  for (const auto& l : flexed["ligaments"]) {
    EXPECT_GE(l["force_N"].get<double>(), 0.0) << l["name"];
    EXPECT_NEAR(l["failure_share"].get<double>(),
                l["force_N"].get<double>() / l["failure_force_N"].get<double>(), 1e-12);
  }
  const std::string html = renderHtmlReport(flexed);
  EXPECT_NE(html.find("<h2>Posterior ligaments</h2>"), std::string::npos);
  EXPECT_NE(html.find("<td>L4/L5</td>"), std::string::npos);
  // ligaments.csv: one row per ligament, its tension as the JSON has it.
  const std::string dir = ::testing::TempDir() + "dorsum_ligaments_csv";
  writeCsv(flexed, dir);
  std::ifstream in(dir + "/ligaments.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "variant,name,joint,force_N,strain,failure_force_N,failure_share");
  size_t rows = 0;
  bool found = false;
  while (std::getline(in, line)) {
    ++rows;
    if (line.rfind("base,supraspinous_L3_L4,L3_L4,", 0) == 0) {
      found = true;
      const size_t start = std::string("base,supraspinous_L3_L4,L3_L4,").size();
      EXPECT_EQ(std::stod(line.substr(start, line.find(',', start) - start)),
                force(flexed, "supraspinous_L3_L4"));
    }
  }
  EXPECT_EQ(rows, flexed["ligaments"].size());
  EXPECT_TRUE(found);
}

TEST(BuiltinLigaments, SupraAndInterspinousTensionAtFullFlexionIsOfThePublishedSize) {
  // The supraspinous and interspinous ligaments together carry up to 134 N at the end of
  // lumbar flexion (J Biomed Eng 1990, PMID 2395361, abstract). At the end of the model's L4/L5
  // flexion range their tension must be of that size: within a factor of two.
  const Model& m = builtin();
  Data d = makeData(m);
  const int c = m.findCoordinate("L4_L5_extension");
  d.q[m.coord_dof[c]] = m.coord_min[c];
  calcKinematics(m, d);
  calcInverseDynamics(m, d);
  const double both = d.ligament_force[m.findLigament("supraspinous_L4_L5")] +
                      d.ligament_force[m.findLigament("interspinous_L4_L5")];
  EXPECT_GT(both, 134.0 / 2.0);
  EXPECT_LT(both, 134.0 * 2.0);
}
