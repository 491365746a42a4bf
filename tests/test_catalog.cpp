// The built-in muscles: every canonical muscle on both sides, exact mirroring, fibre lengths
// near optimum at neutral, and the textbook actions coming out of the model's moment arms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "dorsum/anatomy.hpp"
#include "dorsum/catalog.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"
#include "dorsum/muscle.hpp"
#include "dorsum/muscle_path.hpp"

using namespace dorsum;

namespace {

const ModelSpec& defaultSpec() {
  static const ModelSpec spec = buildBackModel(defaultSubject(Sex::Male));
  return spec;
}

const Catalog& defaultCatalog() {
  static const Catalog catalog = buildCatalog(defaultSpec());
  return catalog;
}

// Does the muscle (right side) have this action (exact name or its prefix) anywhere?
bool hasAction(const std::string& muscle, const std::string& action) {
  for (const CatalogMuscle* m : defaultCatalog().find(muscle))
    if (m->side == "right")
      for (const MuscleAction& a : m->actions)
        if (a.action.rfind(action, 0) == 0) return true;
  return false;
}

const std::vector<std::string> kCanonical = {"trapezius_descending",
                                             "trapezius_transverse",
                                             "trapezius_ascending",
                                             "latissimus_dorsi",
                                             "levator_scapulae",
                                             "rhomboid_minor",
                                             "rhomboid_major",
                                             "serratus_posterior_superior",
                                             "serratus_posterior_inferior",
                                             "iliocostalis_lumborum",
                                             "iliocostalis_thoracis",
                                             "iliocostalis_cervicis",
                                             "longissimus_thoracis",
                                             "longissimus_cervicis",
                                             "longissimus_capitis",
                                             "spinalis_thoracis",
                                             "spinalis_cervicis",
                                             "spinalis_capitis",
                                             "multifidus",
                                             "semispinalis_thoracis",
                                             "semispinalis_cervicis",
                                             "semispinalis_capitis",
                                             "rotatores",
                                             "splenius_capitis",
                                             "splenius_cervicis",
                                             "interspinales",
                                             "intertransversarii",
                                             "levatores_costarum",
                                             "rectus_capitis_posterior_major",
                                             "rectus_capitis_posterior_minor",
                                             "obliquus_capitis_superior",
                                             "obliquus_capitis_inferior",
                                             "quadratus_lumborum",
                                             "psoas_major",
                                             "rectus_abdominis",
                                             "external_oblique",
                                             "internal_oblique",
                                             "transversus_abdominis",
                                             "serratus_anterior",
                                             "pectoralis_minor",
                                             "sternocleidomastoid",
                                             "scalenes",
                                             "longus_colli"};

}  // namespace

TEST(BuiltinMuscles, EveryCanonicalMuscleExistsOnBothSides) {
  const Catalog& c = defaultCatalog();
  for (const std::string& name : kCanonical) {
    const auto entries = c.find(name);
    ASSERT_EQ(entries.size(), 2u) << name;
    EXPECT_EQ(entries[0]->fascicles.size(), entries[1]->fascicles.size()) << name;
    EXPECT_GE(entries[0]->fascicles.size(), 1u) << name;
  }
  std::set<std::string> names;
  for (const CatalogMuscle& m : c.muscles) names.insert(m.name);
  EXPECT_EQ(names.size(), kCanonical.size()) << "a muscle outside the canonical list";
  const std::set<std::string> layers{"superficial", "intermediate", "intrinsic", "other"};
  for (const CatalogMuscle& m : c.muscles) EXPECT_TRUE(layers.count(m.layer)) << m.name;
}

TEST(BuiltinMuscles, ModelIsLargeEnough) {
  const Model m = compile(defaultSpec());
  EXPECT_GE(m.nmuscle, 500);
  EXPECT_GE(m.ndof, 60);
}

TEST(BuiltinMuscles, LeftAndRightFasciclesMirrorExactly) {
  const Model m = compile(defaultSpec());
  Data d = makeData(m);
  calcKinematics(m, d);
  calcMusclePaths(m, d);
  int checked = 0;
  for (int mu = 0; mu < m.nmuscle; ++mu) {
    const std::string& name = m.muscle_name[mu];
    if (name.compare(name.size() - 2, 2, "_r") != 0) continue;
    const int twin = m.findMuscle(name.substr(0, name.size() - 2) + "_l");
    ASSERT_GE(twin, 0) << name;
    EXPECT_NEAR(d.muscle_length[twin], d.muscle_length[mu], 1e-12) << name;
    EXPECT_EQ(m.muscle_max_force[twin], m.muscle_max_force[mu]);
    for (int k = 0; k < m.ndof; ++k) {
      const std::string& coord = m.coord_name[m.dof_coord[k]];
      const bool midline_odd = coord.find("lateral_bending") != std::string::npos ||
                               coord.find("axial_rotation") != std::string::npos ||
                               coord == "pelvis_tz" || coord == "pelvis_list" ||
                               coord == "pelvis_rotation";
      const bool sided = coord.size() > 2 && (coord.compare(coord.size() - 2, 2, "_r") == 0 ||
                                              coord.compare(coord.size() - 2, 2, "_l") == 0);
      if (sided) {  // same anatomical sense on both sides: the twin coordinate, same moment arm
        std::string twin_coord = coord;
        twin_coord.back() = coord.back() == 'r' ? 'l' : 'r';
        const int tk = m.coord_dof[m.findCoordinate(twin_coord)];
        ASSERT_GE(tk, 0) << twin_coord;
        EXPECT_NEAR(d.moment_arm(tk, twin), d.moment_arm(k, mu), 1e-12)
            << name << " about " << coord;
        continue;
      }
      const double expected = midline_odd ? -d.moment_arm(k, mu) : d.moment_arm(k, mu);
      EXPECT_NEAR(d.moment_arm(k, twin), expected, 1e-12) << name << " about " << coord;
    }
    ++checked;
  }
  EXPECT_GE(checked, 250);
}

TEST(BuiltinMuscles, FibreLengthsLieNearOptimumAtNeutral) {
  // The tendon slack rule puts every fibre at its published operating length at neutral
  // (Ward et al. 2009: 0.84 for multifidus; 1.0 where unmeasured): a band of [0.8, 1.05].
  const Model m = compile(defaultSpec());
  Data d = makeData(m);
  calcKinematics(m, d);
  calcMusclePaths(m, d);
  calcMuscleState(m, d);
  for (int mu = 0; mu < m.nmuscle; ++mu) {
    EXPECT_GE(d.muscle_norm_fiber_length[mu], 0.8) << m.muscle_name[mu];
    EXPECT_LE(d.muscle_norm_fiber_length[mu], 1.05) << m.muscle_name[mu];
  }
}

TEST(BuiltinMuscles, TextbookActionsComeOutOfTheModel) {
  EXPECT_TRUE(hasAction("latissimus_dorsi", "shoulder extension"));
  EXPECT_TRUE(hasAction("latissimus_dorsi", "shoulder adduction"));
  EXPECT_TRUE(hasAction("latissimus_dorsi", "shoulder internal rotation"));
  EXPECT_TRUE(hasAction("levator_scapulae", "scapular elevation"));
  EXPECT_TRUE(hasAction("rhomboid_major", "scapular retraction"));
  EXPECT_TRUE(hasAction("rhomboid_minor", "scapular retraction"));
  EXPECT_TRUE(hasAction("serratus_posterior_superior", "rib elevation"));
  EXPECT_FALSE(hasAction("serratus_posterior_superior", "rib depression"));
  EXPECT_TRUE(hasAction("serratus_posterior_inferior", "rib depression"));
  EXPECT_FALSE(hasAction("serratus_posterior_inferior", "rib elevation"));
  for (const char* es :
       {"iliocostalis_lumborum", "longissimus_thoracis", "spinalis_thoracis", "multifidus"}) {
    EXPECT_TRUE(hasAction(es, "trunk extension")) << es;
    EXPECT_FALSE(hasAction(es, "trunk flexion")) << es;
  }
  EXPECT_TRUE(hasAction("rectus_abdominis", "trunk flexion"));
  EXPECT_TRUE(hasAction("trapezius_descending", "scapular elevation"));
  EXPECT_TRUE(hasAction("splenius_capitis", "neck extension"));
  EXPECT_TRUE(hasAction("longus_colli", "neck flexion"));
}

TEST(BuiltinMuscles, ActionsUseTheVocabulary) {
  const auto& words = actionVocabulary();
  for (const CatalogMuscle& m : defaultCatalog().muscles)
    for (const MuscleAction& a : m.actions) {
      const std::string base = a.action.substr(0, a.action.find(','));
      EXPECT_NE(std::find(words.begin(), words.end(), base), words.end()) << a.action;
      EXPECT_GE(std::abs(a.moment_arm_m), kActionMinMomentArm);
    }
}

TEST(BuiltinMuscles, StrengthScalesWithMassToTheTwoThirds) {
  const ModelSpec light = buildBackModel({1.75, 60.0, Sex::Male});
  const ModelSpec heavy = buildBackModel({1.75, 120.0, Sex::Male});
  ASSERT_EQ(light.muscles.size(), heavy.muscles.size());
  for (size_t i = 0; i < light.muscles.size(); i += 37)
    EXPECT_NEAR(heavy.muscles[i].max_isometric_force / light.muscles[i].max_isometric_force,
                std::pow(2.0, 2.0 / 3.0), 1e-12);
}

TEST(Catalog, ClosestMatchSuggestsNearNames) {
  EXPECT_EQ(closestMatch("latisimus_dorsi", {"latissimus_dorsi", "multifidus"}),
            "latissimus_dorsi");
  EXPECT_EQ(closestMatch("zzzzzzzzzzzz", {"latissimus_dorsi", "multifidus"}), "");
}
