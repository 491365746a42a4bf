// Scenarios: parsing with clear errors, variants, named postures, supports, conditions and the
// hand-target posture, each checked against a property or a closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "dorsum/anatomy.hpp"
#include "dorsum/error.hpp"
#include "dorsum/scenario.hpp"

namespace dorsum {
namespace {

using Json = nlohmann::ordered_json;

std::string errorOf(const std::string& toml) {
  try {
    parseScenario(toml, "test.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

double joint(const Json& r, const std::string& name, const char* key) {
  for (const Json& j : r["joints"])
    if (j["name"] == name) return j[key].get<double>();
  ADD_FAILURE() << "no joint " << name;
  return 0.0;
}

double muscleActivation(const Json& r, const std::string& name, const std::string& side) {
  for (const Json& m : r["muscles"])
    if (m["name"] == name && m["side"] == side) return m["activation"].get<double>();
  ADD_FAILURE() << "no muscle " << name;
  return 0.0;
}

Json run(const std::string& toml) {
  return runScenario(parseScenario(toml, "test.toml"));
}

}  // namespace

TEST(Scenario, UnknownKeysNameTheirPathAndASuggestion) {
  const std::string e = errorOf("[posture]\ntrunk_flexon_deg = 10\n");
  EXPECT_NE(e.find("test.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("posture.trunk_flexon_deg"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'trunk_flexion_deg'"), std::string::npos) << e;
  EXPECT_NE(errorOf("[postur]\nname = \"standing\"\n").find("did you mean 'posture'"),
            std::string::npos);
}

TEST(Scenario, BadValuesAreRefusedWithTheirPath) {
  EXPECT_NE(errorOf("[posture]\ntrunk_flexion_deg = \"a lot\"\n").find("expected a number"),
            std::string::npos);
  EXPECT_NE(errorOf("[load]\nmass_kg = -3\n").find("load.mass_kg"), std::string::npos);
  EXPECT_NE(errorOf("[posture]\ntechnique = \"squaat\"\n").find("did you mean 'squat'"),
            std::string::npos);
  EXPECT_NE(errorOf("[posture]\nname = \"sittin_relaxed\"\n").find("sitting_relaxed"),
            std::string::npos);
  EXPECT_NE(errorOf("[posture]\ntrunk_flexion_deg = 10\ntrunk_flexion_deg = 20\n").find("TOML"),
            std::string::npos);
  EXPECT_NE(errorOf("[posture]\ntechnique = \"stoop\"\n").find("hand target"), std::string::npos);
  EXPECT_NE(
      errorOf("[conditions.x]\nkind = \"spasm\"\nmuscles = \"multifidus\"\n").find("activation"),
      std::string::npos);
  EXPECT_NE(errorOf("[variants]\nmass_kg = [60, 80]\n[load]\nmass_kg = 5\n").find("ambiguous"),
            std::string::npos);
  EXPECT_NE(errorOf("[variants]\ntrunk_flexon_deg = [1, 2]\n").find("trunk_flexion_deg"),
            std::string::npos);
}

TEST(Scenario, VariantsAreEveryCombination) {
  const Scenario s = parseScenario(
      "[posture]\nname = \"standing\"\n[variants]\ntrunk_flexion_deg = [0, 20]\n"
      "\"subject.mass_kg\" = [60, 70, 80]\n",
      "test.toml");
  const auto cases = expandVariants(s);
  ASSERT_EQ(cases.size(), 6u);
  for (const auto& [label, c] : cases) {
    EXPECT_NE(label.find("trunk_flexion_deg="), std::string::npos);
    EXPECT_NE(label.find("mass_kg="), std::string::npos);
  }
  EXPECT_DOUBLE_EQ(cases[1].second.posture.angles.trunk_flexion_deg, 20.0);
  EXPECT_DOUBLE_EQ(cases[5].second.subject.subject.mass_kg, 80.0);
}

TEST(Scenario, TheRhythmPassesThroughItsPublishedPoints) {
  // Esola et al. 1996: 41.6 deg lumbar at 111 deg of forward bending; initial share 2/3.
  EXPECT_NEAR(lumbarFlexionForTrunkFlexion(111.0), 41.6, 0.05);
  EXPECT_NEAR(lumbarFlexionForTrunkFlexion(0.01) / 0.01, 2.0 / 3.0, 1e-3);
  EXPECT_DOUBLE_EQ(lumbarFlexionForTrunkFlexion(0.0), 0.0);
}

TEST(Scenario, EveryBuiltinScenarioRunsToEquilibrium) {
  const auto& list = builtinScenarios();
  ASSERT_GE(list.size(), 18u);
  for (const char* required :
       {"standing", "sitting_relaxed", "sitting_upright", "sitting_slouched", "lying_supine",
        "standing_flexed", "lift_20kg_round_back", "lift_20kg_bent_knees", "hold_20kg_close",
        "hold_20kg_arms_stretched", "twist_holding_10kg", "niosh_ideal_lift"})
    EXPECT_TRUE(std::any_of(list.begin(), list.end(), [&](const BuiltinScenario& b) {
      return b.name == required;
    })) << required;
  for (const BuiltinScenario& b : list) {
    SCOPED_TRACE(b.name);
    EXPECT_FALSE(b.summary.empty());
    const Json r = analyzeScenario(loadBuiltinScenario(b.name));
    ASSERT_EQ(r["schema_version"], kResultSchemaVersion);
    const auto check = [](const Json& c) {
      EXPECT_TRUE(c["recruitment"]["converged"].get<bool>());
      EXPECT_LT(c["max_residual_Nm"].get<double>(), 1e-6);
      for (const char* level : {"L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1"})
        EXPECT_TRUE(c["disc_pressure_MPa"].contains(level));
      EXPECT_TRUE(c["assessment"].contains("verdict"));
    };
    check(r);
    for (const Json& v : r["variants"]) check(v);
  }
}

TEST(Scenario, ABedCarriesEverySegmentSoTheMusclesRest) {
  // Each segment's weight is carried under its own centre of mass: no gravitational moment is
  // left at any joint, so no muscle needs to work and the discs carry almost nothing.
  const Json r = run("[posture]\nname = \"lying_supine\"\n");
  for (const Json& m : r["muscles"]) EXPECT_LT(m["activation"].get<double>(), 0.05) << m["name"];
  EXPECT_LT(std::abs(joint(r, "L4_L5", "compression_N")), 50.0);
  const Subject s = defaultSubject();
  ASSERT_EQ(r["supports"].size(), 1u);
  EXPECT_NEAR(r["supports"][0]["force_N"][1].get<double>(), s.mass_kg * 9.80665,
              1e-6 * s.mass_kg * 10);
}

TEST(Scenario, TheSeatCarriesTheBodyAboveTheShanks) {
  // Vertical equilibrium: seat force = body weight - the shanks' and feet's weight (feet rule).
  const Json r = run("[posture]\nname = \"sitting_relaxed\"\n");
  const Model m = compile(buildBackModel(defaultSubject()));
  double total = 0.0, legs = 0.0;
  for (int b = 0; b < m.nbody; ++b) {
    total += m.body_mass[b];
    if (m.body_name[b].rfind("tibia", 0) == 0 || m.body_name[b].rfind("foot", 0) == 0)
      legs += m.body_mass[b];
  }
  ASSERT_EQ(r["supports"].size(), 1u);
  EXPECT_NEAR(r["supports"][0]["force_N"][1].get<double>(), (total - legs) * m.gravity.norm(),
              1e-6);
}

TEST(Scenario, LeaningOnABackrestUnloadsTheLumbarDiscs) {
  // Andersson et al. 1975, Nachemson: reclining against a backrest lowers disc pressure below
  // unsupported sitting.
  const Json relaxed = run("[posture]\nname = \"sitting_relaxed\"\n");
  const Json reclined = run("[posture]\nname = \"sitting_reclined\"\n");
  ASSERT_EQ(reclined["supports"].size(), 2u);
  EXPECT_GT(reclined["supports"][0]["force_N"][0].get<double>(), 0.0);  // pushes forward
  EXPECT_LT(joint(reclined, "L4_L5", "compression_N"), joint(relaxed, "L4_L5", "compression_N"));
}

TEST(Scenario, TheHandsReachTheTarget) {
  for (const char* technique : {"stoop", "semi_squat", "squat"}) {
    const Json r = run(std::string("[posture]\ntechnique = \"") + technique +
                       "\"\nhand_forward_m = 0.3\nhand_height_m = 0.35\n[load]\nmass_kg = 5\n");
    EXPECT_NEAR(r["posture"]["hands_forward_m"].get<double>(), 0.3, 0.005) << technique;
    EXPECT_NEAR(r["posture"]["hands_height_m"].get<double>(), 0.35, 0.005) << technique;
  }
  // Above the hanging hands: the arms alone, trunk upright.
  const Json high =
      run("[posture]\ntechnique = \"stoop\"\nhand_forward_m = 0.3\nhand_height_m = 1.0\n");
  EXPECT_DOUBLE_EQ(high["posture"]["trunk_flexion_deg"].get<double>(), 0.0);
  EXPECT_NEAR(high["posture"]["hands_height_m"].get<double>(), 1.0, 0.005);
  try {
    run("[posture]\ntechnique = \"stoop\"\nhand_forward_m = 1.4\nhand_height_m = 0.0\n");
    ADD_FAILURE() << "an unreachable target was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot reach"), std::string::npos) << e.what();
  }
}

TEST(Scenario, CompressionRisesWithTheLoadsDistance) {
  const Json r = analyzeScenario(loadBuiltinScenario("whatif_load_close"));
  ASSERT_EQ(r["variants"].size(), 3u);
  double last = 0.0;
  for (const Json& v : r["variants"]) {
    const double c = joint(v, "L5_S1", "compression_N");
    EXPECT_GT(c, last) << v["label"];
    last = c;
  }
}

TEST(Scenario, ParalysedMusclesCarryNoForce) {
  const Json r =
      run("[posture]\nname = \"standing\"\ntrunk_flexion_deg = 20\n"
          "[conditions.paralysis]\nkind = \"weakness\"\nmuscles = \"multifidus\"\nstrength = 0\n");
  // Only the passive force of the stretched tissue is left.
  for (const Json& f : r["fascicles"])
    if (f["muscle"] == "multifidus") {
      EXPECT_DOUBLE_EQ(f["strength"].get<double>(), 0.0);
      EXPECT_NEAR(f["force_N"].get<double>(), f["passive_force_N"].get<double>(), 1e-9);
    }
}

TEST(Scenario, WeakerMusclesWorkCloserToTheirCapacity) {
  const std::string base =
      "[posture]\nname = \"standing\"\ntrunk_flexion_deg = 30\n[load]\nmass_kg = 5\n";
  const Json normal = run(base);
  const Json weak = run(base +
                        "[conditions.w]\nkind = \"weakness\"\nmuscles = \"erector_spinae\"\n"
                        "strength = 0.5\n");
  // Activation is relative to the muscle's own (reduced) strength.
  EXPECT_GT(weak["conditions"][0]["mean_activation"].get<double>(),
            muscleActivation(normal, "longissimus_thoracis", "right") * 0.0);
  double a_normal = 0.0, a_weak = 0.0;
  for (const Json& f : normal["fascicles"])
    if (f["muscle"] == "iliocostalis_lumborum") a_normal += f["activation"].get<double>();
  for (const Json& f : weak["fascicles"])
    if (f["muscle"] == "iliocostalis_lumborum") a_weak += f["activation"].get<double>();
  EXPECT_GT(a_weak, a_normal);
}

TEST(Scenario, ASpasmAddsLoadToTheSpine) {
  const Json r = analyzeScenario(loadBuiltinScenario("condition_spasm"));
  ASSERT_EQ(r["variants"].size(), 3u);
  double last = -1.0;
  for (const Json& v : r["variants"]) {
    const double spasm = v["values"]["conditions.lumbar_spasm.activation"].get<double>();
    for (const Json& f : v["fascicles"])
      if (f["side"] == "right" &&
          (f["muscle"] == "multifidus" || f["muscle"] == "longissimus_thoracis")) {
        EXPECT_GE(f["activation"].get<double>(), spasm - 1e-6);
      }
    const double c = joint(v, "L4_L5", "compression_N");
    EXPECT_GT(c, last);
    last = c;
  }
}

TEST(Scenario, AStiffLumbarSpineHandsTheBendToTheHips) {
  const std::string base = "[posture]\nname = \"standing\"\ntrunk_flexion_deg = 80\n";
  const Json normal = run(base);
  const Json stiff = run(base +
                         "[conditions.s]\nkind = \"stiffness\"\nregion = \"lumbar\"\n"
                         "range_scale = 0.5\npassive_scale = 2\n");
  EXPECT_LT(stiff["posture"]["lumbar_flexion_deg"].get<double>(),
            normal["posture"]["lumbar_flexion_deg"].get<double>());
  EXPECT_NEAR(stiff["posture"]["lumbar_flexion_deg"].get<double>() +
                  stiff["posture"]["pelvis_forward_tilt_deg"].get<double>(),
              80.0, 1e-6);
  bool noted = false;
  for (const Json& w : stiff["warnings"])
    noted |= w.get<std::string>().find("limited") != std::string::npos;
  EXPECT_TRUE(noted);
}

}  // namespace dorsum

namespace dorsum {

TEST(Scenario, ARepeatedTaskFatiguesTheMusclesAndShiftsTheWork) {
  const Json r = analyzeScenario(loadBuiltinScenario("condition_fatigue"));
  ASSERT_TRUE(r.contains("fatigue"));
  const Json& f = r["fatigue"];
  const Json& timeline = f["timeline"];
  ASSERT_GE(timeline.size(), 10u);
  EXPECT_DOUBLE_EQ(timeline[0]["min_capacity"].get<double>(), 1.0);  // fresh at the start
  for (size_t k = 1; k < timeline.size(); ++k) {
    // Holding the task without rest long enough to recover, no capacity comes back.
    EXPECT_LE(timeline[k]["min_capacity"].get<double>(),
              timeline[k - 1]["min_capacity"].get<double>() + 1e-12);
    EXPECT_GT(timeline[k]["time_min"].get<double>(), timeline[k - 1]["time_min"].get<double>());
  }
  EXPECT_NEAR(timeline.back()["time_min"].get<double>(), f["duration_min"].get<double>(), 1e-9);
  // The most fatigued muscles end up doing less of the work.
  ASSERT_FALSE(f["work_shift"].empty());
  const Json& first = f["work_shift"][0];
  EXPECT_LT(first["active_force_end_N"].get<double>(), first["active_force_start_N"].get<double>());
  // The fresh result is unchanged by the fatigue simulation that follows it.
  Scenario fresh = loadBuiltinScenario("condition_fatigue");
  fresh.fatigue.enabled = false;
  const Json without = runScenario(fresh);
  EXPECT_NEAR(r["joints"][1]["compression_N"].get<double>(),
              without["joints"][1]["compression_N"].get<double>(), 1e-6);
}

}  // namespace dorsum

namespace dorsum {

TEST(Scenario, IntraAbdominalPressureFollowsTheL4L5MomentAndUnloadsTheSpine) {
  const std::string flexed = "[posture]\nname = \"standing\"\ntrunk_flexion_deg = 45\n";
  const Json on = run(flexed);
  const Json off = run(flexed + "[recruitment]\nintra_abdominal_pressure = false\n");
  ASSERT_TRUE(off["intra_abdominal_pressure"].is_null());
  const Json& iap = on["intra_abdominal_pressure"];
  // Mairiaux et al. 1984: IAP [kPa] = 0.079 M - 1.127.
  const double moment = iap["L4_L5_extension_moment_Nm"].get<double>();
  EXPECT_NEAR(iap["pressure_kPa"].get<double>(), 0.079 * moment - 1.127, 1e-12);
  EXPECT_GT(iap["pressure_kPa"].get<double>(), 0.0);
  // The abdominal wall holds it.
  const double a_min = iap["abdominal_wall_min_activation"].get<double>();
  for (const Json& f : on["fascicles"])
    if (f["muscle"] == "transversus_abdominis" || f["muscle"] == "internal_oblique") {
      EXPECT_GE(f["activation"].get<double>(), a_min - 1e-9) << f["name"];
    }
  // Stokes et al. 2010: intra-abdominal pressurization reduces spinal compression.
  EXPECT_LT(joint(on, "L4_L5", "compression_N"), joint(off, "L4_L5", "compression_N"));
  // Upright standing needs too small a moment for any pressure.
  EXPECT_DOUBLE_EQ(
      run("[posture]\nname = \"standing\"\n")["intra_abdominal_pressure"]["pressure_kPa"]
          .get<double>(),
      0.0);
}

}  // namespace dorsum

namespace dorsum {

TEST(Scenario, AHipAngleFixesThePelvisAndTheLumbarSpineTakesTheRest) {
  // Standing, straight knees: thigh vertical, so pelvis forward tilt = hip flexion and
  // lumbar flexion = trunk flexion - pelvis tilt.
  const Json r =
      run("[posture]\nname = \"standing\"\ntrunk_flexion_deg = 40\nhip_flexion_deg = 30\n");
  EXPECT_NEAR(r["posture"]["hip_flexion_deg"].get<double>(), 30.0, 1e-9);
  EXPECT_NEAR(r["posture"]["pelvis_forward_tilt_deg"].get<double>(), 30.0, 1e-9);
  EXPECT_NEAR(r["posture"]["lumbar_flexion_deg"].get<double>(), 10.0, 1e-9);
  // Sitting: thighs horizontal, so the pelvis tilt is hip flexion - 90.
  const Json s = run("[posture]\nname = \"sitting_relaxed\"\nhip_flexion_deg = 80\n");
  EXPECT_NEAR(s["posture"]["pelvis_forward_tilt_deg"].get<double>(), -10.0, 1e-9);
  try {
    run("[posture]\nlumbar_flexion_deg = 10\nhip_flexion_deg = 20\n");
    ADD_FAILURE() << "both accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not both"), std::string::npos);
  }
}

}  // namespace dorsum

namespace dorsum {

TEST(Scenario, TheExampleInTheDocumentationRuns) {
  // docs/SCENARIOS.md opens with an example; it must stay a scenario that works.
  std::ifstream in(std::string(DORSUM_SOURCE_DIR) + "/docs/SCENARIOS.md");
  ASSERT_TRUE(in) << "docs/SCENARIOS.md not found";
  const std::string doc{std::istreambuf_iterator<char>(in), {}};
  const size_t start = doc.find("```toml\n");
  ASSERT_NE(start, std::string::npos);
  const size_t end = doc.find("```", start + 8);
  const Scenario s = parseScenario(doc.substr(start + 8, end - start - 8), "docs/SCENARIOS.md");
  const Json r = analyzeScenario(s);
  EXPECT_EQ(r["variants"].size(), 4u);
  EXPECT_TRUE(r.contains("niosh"));
  EXPECT_EQ(r["conditions"][0]["kind"], "weakness");
}

}  // namespace dorsum
