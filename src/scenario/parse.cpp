// Scenario files: TOML read into JSON (one tree for validation, variants and the result), then
// checked key by key against the documented schema (docs/SCENARIOS.md).
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "dorsum/catalog.hpp"
#include "dorsum/error.hpp"
#include "dorsum/scenario.hpp"
#include "scenario_internal.hpp"

namespace dorsum {
namespace {

using Json = nlohmann::ordered_json;
using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

// TOML -> JSON, keeping the file's order of keys (by their line in the file).
Json toJson(const TomlValue& v, const std::string& path, const std::string& source) {
  switch (v.type()) {
    case toml::value_t::boolean:
      return v.as_boolean();
    case toml::value_t::integer:
      return static_cast<double>(v.as_integer());
    case toml::value_t::floating:
      return v.as_floating();
    case toml::value_t::string:
      return v.as_string().str;
    case toml::value_t::array: {
      Json a = Json::array();
      int i = 0;
      for (const TomlValue& e : v.as_array())
        a.push_back(toJson(e, fmt::format("{}[{}]", path, i++), source));
      return a;
    }
    case toml::value_t::table: {
      std::vector<std::pair<std::size_t, std::string>> keys;
      for (const auto& [k, e] : v.as_table()) keys.push_back({e.location().line(), k});
      std::stable_sort(keys.begin(), keys.end());
      Json o = Json::object();
      for (const auto& [line, k] : keys)
        o[k] = toJson(v.as_table().at(k), path.empty() ? k : path + "." + k, source);
      return o;
    }
    default:
      throw InputError(fmt::format("{}: {}: dates and times are not scenario values", source,
                                   path.empty() ? "(top level)" : path));
  }
}

}  // namespace

Json parseScenarioToml(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  TomlValue root;
  try {
    root = toml::parse<toml::discard_comments, std::map, std::vector>(in, source);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{} is not valid TOML: {}", source, e.what()));
  }
  return toJson(root, "", source);
}

namespace scenario {

// ---- the schema --------------------------------------------------------------------------

enum class Type { kNumber, kString, kBool, kVec3, kStrings };

struct Key {
  const char* name;
  Type type;
  double min = -1e300, max = 1e300;
  std::vector<std::string> choices = {};
};

const std::vector<std::pair<std::string, std::vector<Key>>>& schema() {
  static const std::vector<std::pair<std::string, std::vector<Key>>> s{
      {"scenario",
       {{"name", Type::kString}, {"description", Type::kString}, {"compare_with", Type::kString}}},
      {"subject",
       {{"height_m", Type::kNumber, 1.0, 2.3},
        {"mass_kg", Type::kNumber, 25.0, 250.0},
        {"sex", Type::kString, 0, 0, {"male", "female"}},
        {"strength_scale", Type::kNumber, 0.05, 3.0},
        {"core_strength_scale", Type::kNumber, 0.0, 3.0},
        {"flexibility_scale", Type::kNumber, 0.3, 1.5}}},
      {"posture",
       {{"name", Type::kString},
        {"base", Type::kString, 0, 0, {"standing", "sitting", "lying_supine"}},
        {"trunk_flexion_deg", Type::kNumber, -60.0, 150.0},
        {"lumbar_flexion_deg", Type::kNumber, -60.0, 90.0},
        {"thoracic_flexion_deg", Type::kNumber, -45.0, 90.0},
        {"hip_flexion_deg", Type::kNumber, -30.0, 150.0},
        {"trunk_lateral_bending_deg", Type::kNumber, -90.0, 90.0},
        {"trunk_axial_rotation_deg", Type::kNumber, -90.0, 90.0},
        {"neck_flexion_deg", Type::kNumber, -90.0, 90.0},
        {"knee_flexion_deg", Type::kNumber, 0.0, 160.0},
        {"shoulder_flexion_deg", Type::kNumber, -90.0, 180.0},
        {"shoulder_abduction_deg", Type::kNumber, -30.0, 180.0},
        {"elbow_flexion_deg", Type::kNumber, 0.0, 160.0},
        {"technique", Type::kString, 0, 0, {"stoop", "semi_squat", "squat"}},
        {"hand_forward_m", Type::kNumber, -0.5, 1.5},
        {"hand_height_m", Type::kNumber, -0.1, 2.5},
        {"support", Type::kString, 0, 0, {"none", "seat", "seat_backrest", "bed"}},
        {"backrest_recline_deg", Type::kNumber, -10.0, 60.0}}},
      {"load",
       {{"mass_kg", Type::kNumber, 0.0, 100.0},
        {"hands", Type::kString, 0, 0, {"both", "right", "left"}},
        {"force_N", Type::kVec3, -2000.0, 2000.0}}},
      {"niosh",
       {{"frequency_per_min", Type::kNumber, 0.0, 20.0},
        {"duration_h", Type::kNumber, 0.0, 8.0},
        {"recovery_h", Type::kNumber, 0.0, 24.0},
        {"vertical_travel_cm", Type::kNumber, 0.0, 300.0},
        {"coupling", Type::kString, 0, 0, {"good", "fair", "poor"}}}},
      {"fatigue",
       {{"duty_cycle", Type::kNumber, 0.01, 1.0},
        {"cycle_s", Type::kNumber, 0.1, 3600.0},
        {"duration_min", Type::kNumber, 0.1, 480.0},
        {"region",
         Type::kString,
         0,
         0,
         {"trunk", "shoulder", "elbow", "hand", "knee", "ankle", "generalized"}}}},
      {"recruitment",
       {{"exponent", Type::kNumber, 2.0, 3.0},
        {"criterion", Type::kString, 0, 0, {"sum", "minmax"}},
        {"volume_weights", Type::kBool},
        {"intra_abdominal_pressure", Type::kBool}}},
      {"conditions.*",
       {{"kind", Type::kString, 0, 0, {"weakness", "spasm", "stiffness"}},
        {"muscles", Type::kStrings},
        {"side", Type::kString, 0, 0, {"both", "right", "left"}},
        {"strength", Type::kNumber, 0.0, 1.0},
        {"activation", Type::kNumber, 0.0, 1.0},
        {"region", Type::kString, 0, 0, {"lumbar", "thoracic", "cervical", "spine"}},
        {"range_scale", Type::kNumber, 0.2, 1.5},
        {"passive_scale", Type::kNumber, 0.2, 5.0}}},
  };
  return s;
}

namespace {

std::vector<std::string> sectionNames() {
  std::vector<std::string> names{"conditions", "variants"};
  for (const auto& [section, keys] : schema())
    if (section.find('*') == std::string::npos) names.push_back(section);
  return names;
}

const std::vector<Key>& keysOf(const std::string& section) {
  for (const auto& [s, keys] : schema())
    if (s == section) return keys;
  throw Error("scenario schema: no section " + section);
}

std::string suggestion(const std::string& word, const std::vector<std::string>& names) {
  const std::string guess = closestMatch(word, names);
  return guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess);
}

void checkValue(const Json& v, const Key& key, const std::string& path, const std::string& src) {
  const auto fail = [&](const std::string& what) {
    throw InputError(fmt::format("{}: {}: {}", src, path, what));
  };
  switch (key.type) {
    case Type::kNumber: {
      if (!v.is_number()) fail(fmt::format("expected a number, got {}", v.dump()));
      const double x = v.get<double>();
      if (!std::isfinite(x)) fail("must be a finite number");
      if (x < key.min || x > key.max)
        fail(fmt::format("{} is outside the accepted range [{}, {}]", x, key.min, key.max));
      break;
    }
    case Type::kBool:
      if (!v.is_boolean()) fail(fmt::format("expected true or false, got {}", v.dump()));
      break;
    case Type::kString: {
      if (!v.is_string()) fail(fmt::format("expected a string, got {}", v.dump()));
      if (!key.choices.empty() && std::find(key.choices.begin(), key.choices.end(),
                                            v.get<std::string>()) == key.choices.end())
        fail(fmt::format("'{}' is not one of {}{}", v.get<std::string>(),
                         fmt::join(key.choices, ", "),
                         suggestion(v.get<std::string>(), key.choices)));
      break;
    }
    case Type::kVec3:
      if (!v.is_array() || v.size() != 3 ||
          !std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_number(); }))
        fail(fmt::format("expected three numbers [x, y, z], got {}", v.dump()));
      for (const Json& e : v)
        if (!std::isfinite(e.get<double>()) || std::abs(e.get<double>()) > key.max)
          fail(fmt::format("each component must be finite and within +-{}", key.max));
      break;
    case Type::kStrings:
      if (v.is_string()) break;
      if (!v.is_array() || v.empty() ||
          !std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); }))
        fail(fmt::format("expected a name or a list of names, got {}", v.dump()));
      break;
  }
}

void checkTable(const Json& table, const std::string& section, const std::string& path,
                const std::string& src) {
  if (!table.is_object())
    throw InputError(fmt::format("{}: {}: expected a table ([{}])", src, path, path));
  const std::vector<Key>& keys = keysOf(section);
  std::vector<std::string> names;
  names.reserve(keys.size());
  for (const Key& k : keys) names.push_back(k.name);
  for (const auto& [key_name, value] : table.items()) {
    const std::string name = key_name;  // (a lambda cannot capture a structured binding in C++17)
    const auto it =
        std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return name == k.name; });
    if (it == keys.end())
      throw InputError(fmt::format("{}: {}.{}: unknown key{}; the keys of [{}] are: {}", src, path,
                                   name, suggestion(name, names), path, fmt::join(names, ", ")));
    checkValue(value, *it, path + "." + name, src);
  }
}

}  // namespace

void validate(const Json& doc, const std::string& src) {
  const std::vector<std::string> sections = sectionNames();
  for (const auto& [name, value] : doc.items()) {
    if (std::find(sections.begin(), sections.end(), name) == sections.end())
      throw InputError(fmt::format("{}: unknown section or key '{}'{}; the sections are: {}", src,
                                   name, suggestion(name, sections), fmt::join(sections, ", ")));
    if (name == "conditions") {
      if (!value.is_object())
        throw InputError(fmt::format(
            "{}: conditions: expected tables [conditions.NAME], one per condition", src));
      for (const auto& [cname, c] : value.items()) {
        checkTable(c, "conditions.*", "conditions." + cname, src);
        if (!c.contains("kind"))
          throw InputError(fmt::format(
              "{}: conditions.{}: 'kind' is required (weakness, spasm or stiffness)", src, cname));
      }
    } else if (name == "variants") {
      if (!value.is_object())
        throw InputError(fmt::format("{}: variants: expected a table [variants]", src));
      for (const auto& [key, values] : value.items())
        if (!values.is_array() || values.empty())
          throw InputError(fmt::format(
              "{}: variants.{}: expected a non-empty list of values to try, e.g. [1, 2]", src,
              key));
    } else {
      checkTable(value, name, name, src);
    }
  }
}

// Every key path the schema allows in this document (for variant keys).
std::vector<std::string> keyPaths(const Json& doc) {
  std::vector<std::string> paths;
  for (const auto& [section, keys] : schema()) {
    if (section == "conditions.*") {
      if (doc.contains("conditions"))
        for (const auto& [cname, c] : doc["conditions"].items())
          for (const Key& k : keys) paths.push_back("conditions." + cname + "." + k.name);
      continue;
    }
    for (const Key& k : keys) paths.push_back(section + "." + k.name);
  }
  return paths;
}

}  // namespace scenario
}  // namespace dorsum
