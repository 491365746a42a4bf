// The muscles of the built-in model: every fascicle of data/anatomy/muscles*.toml on both
// sides, attached to the skeleton's landmarks, with parameters scaled to the subject.
#include <fmt/format.h>
#include <cmath>

#include "builder.hpp"
#include "dorsum/data.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"

namespace dorsum::anatomy {
namespace {

bool endsWithSideToken(const std::string& s, size_t pos) {
  return pos + 2 == s.size() || s[pos + 2] == '.' || s[pos + 2] == '_';
}

}  // namespace

std::string leftName(std::string name) {
  for (size_t pos = 0; (pos = name.find("_r", pos)) != std::string::npos; pos += 2)
    if (endsWithSideToken(name, pos)) name[pos + 1] = 'l';
  return name;
}

namespace {

// One point of a fascicle's path as the data file writes it.
PathPointSpec pointFrom(const Builder& b, const toml::value& v, const std::string& where,
                        bool left) {
  if (v.is_string()) {
    const std::string ref = left ? leftName(v.as_string().str) : v.as_string().str;
    return PathPointSpec::at(ref);
  }
  if (v.is_table()) {
    const Table t{&v, where};
    const std::string body = left ? leftName(t.text("body")) : t.text("body");
    const Vec3 at = b.len(t.vec3("at"));
    return PathPointSpec::fixed(body, left ? mirrored(at) : at);
  }
  throw Error(
      fmt::format("built-in anatomy: {}: a path point is a \"body.landmark\" string or a "
                  "{{ body, at }} table",
                  where));
}

// Musculotendon length of a path at the neutral posture (straight segments).
double neutralLength(const Model& skeleton, const Data& d, const std::vector<PathPointSpec>& path,
                     const std::string& where) {
  double length = 0.0;
  Vec3 prev = Vec3::Zero();
  for (size_t k = 0; k < path.size(); ++k) {
    int body;
    Vec3 location = path[k].location;
    if (!path[k].landmark.empty()) {
      const int l = skeleton.findLandmark(path[k].landmark);
      if (l < 0)
        throw Error(
            fmt::format("built-in anatomy: {}: unknown landmark '{}'", where, path[k].landmark));
      body = skeleton.landmark_body[l];
      location = skeleton.landmark_location[l];
    } else {
      body = skeleton.findBody(path[k].body);
      if (body < 0)
        throw Error(fmt::format("built-in anatomy: {}: unknown body '{}'", where, path[k].body));
    }
    const Vec3 p = d.body_pose[body] * location;
    if (k > 0) length += (p - prev).norm();
    prev = p;
  }
  return length;
}

struct MuscleDefaults {
  double specific_tension = 0.0;  // N/m^2
  double norm_fiber_length = 1.0;
  double pennation = 0.0;  // rad
};

}  // namespace

void addExtraLandmarks(Builder& b) {
  const auto hasBody = [&](const std::string& name) {
    for (const BodySpec& body : b.spec.bodies)
      if (body.name == name) return true;
    return false;
  };
  for (const auto& [file_name, text] : embeddedFiles()) {
    if (file_name.rfind("landmarks", 0) != 0) continue;
    const toml::value file = parseDataFile(file_name);
    const Table tables = root(file, file_name).at("landmarks");
    for (const std::string& body : tables.keys()) {
      if (hasBody(body)) {
        b.addLandmarks(tables.at(body), body, false);
      } else if (hasBody(body + "_r") && hasBody(body + "_l")) {
        b.addLandmarks(tables.at(body), body + "_r", false);
        b.addLandmarks(tables.at(body), body + "_l", true);
      } else {
        throw Error(fmt::format("built-in anatomy: {} [landmarks.{}]: no body '{}' (nor '{}_r')",
                                file_name, body, body, body));
      }
    }
  }
}

void buildMuscles(Builder& b) {
  // The skeleton alone, compiled once, gives each path's neutral length for its tendon.
  const Model skeleton = compile(b.spec);
  Data d = makeData(skeleton);
  calcKinematics(skeleton, d);
  const double strength = std::pow(b.subject.mass_kg / b.reference_mass_kg, 2.0 / 3.0);

  const toml::value meta_file = parseDataFile("muscles.toml");
  const Table meta = root(meta_file, "muscles.toml").at("meta");
  MuscleDefaults global;
  global.specific_tension = meta.number("specific_tension_N_per_cm2") * 1e4;
  for (const auto& [file_name, text] : embeddedFiles()) {
    if (file_name.rfind("muscles", 0) != 0) continue;
    const toml::value file = parseDataFile(file_name);
    const Table top = root(file, file_name);
    if (!top.has("muscle")) continue;
    for (const Table& muscle : top.array("muscle")) {
      const std::string name = muscle.text("name");
      MuscleDefaults defaults = global;
      if (muscle.has("specific_tension_N_per_cm2"))
        defaults.specific_tension = muscle.number("specific_tension_N_per_cm2") * 1e4;
      defaults.norm_fiber_length =
          muscle.numberOr("normalized_fiber_length_at_neutral", defaults.norm_fiber_length);
      defaults.pennation = muscle.numberOr("pennation_deg", 0.0) * kDeg;
      for (const Table& fascicle : muscle.array("fascicle")) {
        for (bool left : {false, true}) {
          MuscleSpec m;
          m.name = fmt::format("{}_{}_{}", name, fascicle.text("name"), left ? "l" : "r");
          const std::string where = fmt::format("{} (fascicle {})", fascicle.where, m.name);
          m.muscle = name;
          m.group = muscle.text("group");
          m.layer = muscle.text("layer");
          m.side = left ? "left" : "right";
          const toml::value& path = fascicle.raw("path");
          for (const toml::value& point : path.as_array())
            m.path.push_back(pointFrom(b, point, where, left));
          const double pcsa = fascicle.has("max_force_N")
                                  ? fascicle.number("max_force_N") / defaults.specific_tension
                                  : fascicle.number("pcsa_cm2") * 1e-4;
          m.max_isometric_force = pcsa * defaults.specific_tension * strength;
          m.optimal_fiber_length = b.len(fascicle.number("optimal_fiber_length_m"));
          m.pennation_at_optimal =
              fascicle.numberOr("pennation_deg", defaults.pennation / kDeg) * kDeg;
          // Tendon slack: the rest of the neutral path once the fibre has its published
          // normalized length at neutral (constant-thickness pennation, muscle.hpp).
          const double lnorm =
              fascicle.numberOr("normalized_fiber_length_at_neutral", defaults.norm_fiber_length);
          const double fiber = lnorm * m.optimal_fiber_length;
          const double sin_a = std::min(0.99, std::sin(m.pennation_at_optimal) / lnorm);
          const double cos_a = std::sqrt(1.0 - sin_a * sin_a);
          const double path_length = neutralLength(skeleton, d, m.path, where);
          m.tendon_slack_length = path_length - fiber * cos_a;
          // A unit keeps at least 5 % of its length as tendon or aponeurosis; where the
          // published fibre is longer than our path, the fibre is shortened to fit
          // (muscles.toml [meta].tendon_slack_minimum; docs/MODEL.md lists these).
          if (m.tendon_slack_length < 0.05 * path_length) {
            m.tendon_slack_length = 0.05 * path_length;
            m.optimal_fiber_length = 0.95 * path_length / (lnorm * cos_a);
          }
          b.spec.muscles.push_back(std::move(m));
        }
      }
    }
  }
}

}  // namespace dorsum::anatomy
