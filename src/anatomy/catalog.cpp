// Actions from moment arms: a muscle produces an action about a coordinate when the
// force-weighted mean moment arm of its fascicles there is at least kActionMinMomentArm.
#include "dorsum/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "dorsum/data.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"
#include "dorsum/muscle_path.hpp"

namespace dorsum {
namespace {

bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

// Intervertebral and craniovertebral coordinates: "L4_L5_extension", "skull_C1_...".
bool isSpinal(const std::string& coord) {
  if (coord.rfind("skull_C1_", 0) == 0) return true;
  return coord.size() > 2 && (coord[0] == 'L' || coord[0] == 'T' || coord[0] == 'C') &&
         std::isdigit(static_cast<unsigned char>(coord[1]));
}

bool isNeckJoint(const std::string& coord) {
  return coord[0] == 'C' || coord.rfind("skull", 0) == 0;
}

// The action of a positive (+1) or negative (-1) moment arm about a coordinate, for a muscle
// on `side` ("right", "left" or ""); empty if the coordinate has no action name.
std::string actionName(const std::string& coord, double sign, const std::string& side) {
  const bool positive = sign > 0.0;
  const std::string region = isNeckJoint(coord) ? "neck" : "trunk";
  // Lateral bending is positive to the right, axial rotation positive to the left (ISB).
  const auto sided = [&](const std::string& base, bool toward_right) {
    if (side.empty()) return base + (toward_right ? ", to the right" : ", to the left");
    return base + ((toward_right == (side == "right")) ? ", same side" : ", opposite side");
  };
  if (isSpinal(coord)) {
    if (contains(coord, "_extension")) return region + (positive ? " extension" : " flexion");
    if (contains(coord, "_lateral_bending")) return sided(region + " lateral bending", positive);
    if (contains(coord, "_axial_rotation")) return sided(region + " axial rotation", !positive);
    return {};
  }
  if (contains(coord, "clavicle_elevation"))
    return positive ? "scapular elevation" : "scapular depression";
  if (contains(coord, "clavicle_protraction") || contains(coord, "scapula_internal_rotation"))
    return positive ? "scapular protraction" : "scapular retraction";
  if (contains(coord, "scapula_upward_rotation"))
    return positive ? "scapular upward rotation" : "scapular downward rotation";
  if (contains(coord, "shoulder_flexion"))
    return positive ? "shoulder flexion" : "shoulder extension";
  if (contains(coord, "shoulder_adduction"))
    return positive ? "shoulder adduction" : "shoulder abduction";
  if (contains(coord, "shoulder_rotation_internal"))
    return positive ? "shoulder internal rotation" : "shoulder external rotation";
  if (contains(coord, "rib") && contains(coord, "_elevation"))
    return positive ? "rib elevation" : "rib depression";
  return {};
}

// The spec with every coordinate independent and free: moment arms exist about all of them.
ModelSpec freed(const ModelSpec& spec) {
  ModelSpec s = spec;
  for (CoordinateSpec& c : s.coordinates) {
    c.coupling.clear();
    c.locked = false;
  }
  return s;
}

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<std::string>& actionVocabulary() {
  static const std::vector<std::string> words{"trunk extension",
                                              "trunk flexion",
                                              "trunk lateral bending",
                                              "trunk axial rotation",
                                              "neck extension",
                                              "neck flexion",
                                              "neck lateral bending",
                                              "neck axial rotation",
                                              "scapular elevation",
                                              "scapular depression",
                                              "scapular retraction",
                                              "scapular protraction",
                                              "scapular upward rotation",
                                              "scapular downward rotation",
                                              "shoulder extension",
                                              "shoulder flexion",
                                              "shoulder adduction",
                                              "shoulder abduction",
                                              "shoulder internal rotation",
                                              "shoulder external rotation",
                                              "rib elevation",
                                              "rib depression"};
  return words;
}

std::vector<const CatalogMuscle*> Catalog::find(const std::string& name) const {
  std::vector<const CatalogMuscle*> out;
  for (const CatalogMuscle& m : muscles)
    if (m.name == name) out.push_back(&m);
  return out;
}

Catalog buildCatalog(const ModelSpec& spec) {
  const Model model = compile(freed(spec));
  Data d = makeData(model);
  calcKinematics(model, d);
  calcMusclePaths(model, d);
  // Layers from the surface inwards, then the muscles that share the back's work.
  const auto layerRank = [](const std::string& layer) {
    static const std::vector<std::string> order{"superficial", "intermediate", "intrinsic",
                                                "other"};
    return static_cast<int>(std::find(order.begin(), order.end(), layer) - order.begin());
  };
  std::map<std::tuple<int, std::string, std::string, std::string>, CatalogMuscle> by_key;
  for (int mu = 0; mu < model.nmuscle; ++mu) {
    const MuscleSpec& ms = spec.muscles[mu];
    CatalogMuscle& entry = by_key[{layerRank(ms.layer), ms.group, ms.muscle, ms.side}];
    entry.name = ms.muscle.empty() ? ms.name : ms.muscle;
    entry.side = ms.side, entry.layer = ms.layer, entry.group = ms.group;
    entry.fascicles.push_back(mu);
    entry.max_force_N += ms.max_isometric_force;
  }
  Catalog catalog;
  for (auto& [key, entry] : by_key) {
    for (int k = 0; k < model.ndof; ++k) {
      double weighted = 0.0, weight = 0.0, capacity = 0.0;
      for (int mu : entry.fascicles) {
        const double r = d.moment_arm(k, mu);
        if (r == 0.0) continue;
        weighted += model.muscle_max_force[mu] * r;
        weight += model.muscle_max_force[mu];
        capacity += model.muscle_max_force[mu] * r;
      }
      if (weight == 0.0) continue;
      const double r = weighted / weight;
      const std::string& coord = model.coord_name[model.dof_coord[k]];
      const std::string action = actionName(coord, r, entry.side);
      if (action.empty() || std::abs(r) < kActionMinMomentArm) continue;
      entry.actions.push_back({action, coord, r, std::abs(capacity)});
    }
    catalog.muscles.push_back(std::move(entry));
  }
  return catalog;
}

std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(3, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const size_t distance = editDistance(word, c);
    if (distance < best_distance) best = c, best_distance = distance;
  }
  return best;
}

}  // namespace dorsum
