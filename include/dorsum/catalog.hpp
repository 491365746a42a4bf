// The muscles' actions, computed from a model rather than typed in: each anatomical muscle
// (per side) with its fascicles, and the actions its moment arms at the neutral posture give.
#pragma once

#include <string>
#include <vector>

#include "dorsum/spec.hpp"

namespace dorsum {

// Smallest |moment arm| that counts as an action, m (documented in docs/MODEL.md).
inline constexpr double kActionMinMomentArm = 0.003;

struct MuscleAction {
  std::string action;         // from actionVocabulary(), with its side where it matters
  std::string coordinate;     // the coordinate whose moment arm gives it
  double moment_arm_m = 0.0;  // force-weighted mean over the fascicles crossing it, signed
  double capacity_Nm = 0.0;   // sum over fascicles of max force x moment arm, in the action's sense
};

struct CatalogMuscle {
  std::string name, side, layer, group;
  std::vector<int> fascicles;  // indices into ModelSpec::muscles
  double max_force_N = 0.0;    // sum over fascicles
  std::vector<MuscleAction> actions;
};

struct Catalog {
  std::vector<CatalogMuscle> muscles;  // by layer (superficial first), group, name, side

  // Every muscle entry (both sides) of that name; empty if none.
  std::vector<const CatalogMuscle*> find(const std::string& name) const;
};

// The action names the catalog uses ("trunk extension", "scapular elevation", ...).
const std::vector<std::string>& actionVocabulary();

// Builds the catalog from a model spec: moment arms at the default posture about every
// coordinate, with locked and coupled coordinates freed so that the ribs' and other
// dependent coordinates' actions appear too.
Catalog buildCatalog(const ModelSpec& spec);

// The closest of `candidates` to `word` (edit distance), for "did you mean" messages; empty
// when nothing is close.
std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace dorsum
