// From a validated scenario document to a Scenario: defaults, named postures, variants and
// the built-in set (data/scenarios/, embedded).
#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dorsum/catalog.hpp"
#include "dorsum/error.hpp"
#include "dorsum/scenario.hpp"
#include "scenario_internal.hpp"

namespace dorsum {
namespace {

using Json = nlohmann::ordered_json;

const Json& namedPostures() {
  static const Json postures = [] {
    const auto& files = scenario::embeddedFiles();
    const auto it = files.find("postures.toml");
    if (it == files.end()) throw Error("built-in scenario data: postures.toml is missing");
    return parseScenarioToml(std::string(it->second), "postures.toml");
  }();
  return postures;
}

double number(const Json& t, const char* key, double fallback) {
  return t.contains(key) ? t[key].get<double>() : fallback;
}
std::string text(const Json& t, const char* key, const std::string& fallback) {
  return t.contains(key) ? t[key].get<std::string>() : fallback;
}

ScenarioPosture postureFrom(const Json& given, const std::string& src) {
  Json p = Json::object();
  ScenarioPosture out;
  if (given.contains("name")) {
    out.name = given["name"].get<std::string>();
    const Json& named = namedPostures();
    if (!named.contains(out.name)) {
      std::vector<std::string> names;
      for (const auto& [n, v] : named.items()) names.push_back(n);
      const std::string guess = closestMatch(out.name, names);
      throw InputError(fmt::format(
          "{}: posture.name: unknown posture '{}'{}; the named postures "
          "are: {}",
          src, out.name, guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess),
          fmt::join(names, ", ")));
    }
    for (const auto& [k, v] : named[out.name].items())
      if (k != "source" && k != "description") p[k] = v;
  }
  // The lumbar flexion and the hip flexion fix each other: one given by the scenario
  // replaces the other from the named posture.
  if (given.contains("hip_flexion_deg") && !given.contains("lumbar_flexion_deg"))
    p.erase("lumbar_flexion_deg");
  if (given.contains("lumbar_flexion_deg") && !given.contains("hip_flexion_deg"))
    p.erase("hip_flexion_deg");
  for (const auto& [k, v] : given.items())
    if (k != "name") p[k] = v;

  Posture& a = out.angles;
  const std::string base = text(p, "base", "standing");
  a.base = base == "sitting"        ? BasePosture::kSitting
           : base == "lying_supine" ? BasePosture::kLyingSupine
                                    : BasePosture::kStanding;
  a.trunk_flexion_deg = number(p, "trunk_flexion_deg", 0.0);
  if (p.contains("lumbar_flexion_deg"))
    a.lumbar_flexion_deg = p["lumbar_flexion_deg"].get<double>();
  if (p.contains("hip_flexion_deg")) a.hip_flexion_deg = p["hip_flexion_deg"].get<double>();
  a.thoracic_flexion_deg = number(p, "thoracic_flexion_deg", 0.0);
  a.trunk_lateral_bending_deg = number(p, "trunk_lateral_bending_deg", 0.0);
  a.trunk_axial_rotation_deg = number(p, "trunk_axial_rotation_deg", 0.0);
  a.neck_flexion_deg = number(p, "neck_flexion_deg", 0.0);
  a.knee_flexion_deg = number(p, "knee_flexion_deg", 0.0);
  a.shoulder_flexion_deg = number(p, "shoulder_flexion_deg", 0.0);
  a.shoulder_abduction_deg = number(p, "shoulder_abduction_deg", 0.0);
  a.elbow_flexion_deg = number(p, "elbow_flexion_deg", 0.0);

  const std::string technique = text(p, "technique", "");
  out.technique = technique == "stoop"        ? Technique::kStoop
                  : technique == "semi_squat" ? Technique::kSemiSquat
                  : technique == "squat"      ? Technique::kSquat
                                              : Technique::kNone;
  const bool forward = p.contains("hand_forward_m"), height = p.contains("hand_height_m");
  if (forward != height)
    throw InputError(
        fmt::format("{}: posture: a hand target needs both hand_forward_m and "
                    "hand_height_m",
                    src));
  if (forward) {
    out.hand_target =
        HandTarget{p["hand_forward_m"].get<double>(), p["hand_height_m"].get<double>()};
    if (out.technique == Technique::kNone)
      throw InputError(
          fmt::format("{}: posture: a hand target needs a technique (stoop, "
                      "semi_squat or squat) to say how the body reaches it",
                      src));
    if (a.base != BasePosture::kStanding)
      throw InputError(
          fmt::format("{}: posture: a hand target is reached standing; base is '{}'", src, base));
  } else if (out.technique != Technique::kNone) {
    throw InputError(
        fmt::format("{}: posture.technique: '{}' needs a hand target "
                    "(hand_forward_m and hand_height_m)",
                    src, technique));
  }
  const std::string support = text(p, "support", "none");
  out.support = support == "seat"            ? Support::kSeat
                : support == "seat_backrest" ? Support::kSeatBackrest
                : support == "bed"           ? Support::kBed
                                             : Support::kNone;
  out.backrest_recline_deg = number(p, "backrest_recline_deg", 0.0);
  if ((out.support == Support::kSeat || out.support == Support::kSeatBackrest) &&
      a.base != BasePosture::kSitting)
    throw InputError(fmt::format("{}: posture.support: a seat needs base = \"sitting\"", src));
  if (out.support == Support::kBed && a.base != BasePosture::kLyingSupine)
    throw InputError(fmt::format("{}: posture.support: a bed needs base = \"lying_supine\"", src));
  return out;
}

Scenario fromDocument(const Json& doc, const std::string& source, const std::string& fallback) {
  scenario::validate(doc, source);
  Scenario s;
  s.document = doc;
  s.source = source;
  const Json empty = Json::object();
  const Json& head = doc.contains("scenario") ? doc["scenario"] : empty;
  s.name = text(head, "name", fallback);
  s.description = text(head, "description", "");
  s.compare_with = text(head, "compare_with", "");

  const Json& sub = doc.contains("subject") ? doc["subject"] : empty;
  const Sex sex = parseSex(text(sub, "sex", "male"), "subject.sex");
  s.subject.subject = defaultSubject(sex);
  s.subject.subject.height_m = number(sub, "height_m", s.subject.subject.height_m);
  s.subject.subject.mass_kg = number(sub, "mass_kg", s.subject.subject.mass_kg);
  s.subject.strength_scale = number(sub, "strength_scale", 1.0);
  s.subject.core_strength_scale = number(sub, "core_strength_scale", 1.0);
  s.subject.flexibility_scale = number(sub, "flexibility_scale", 1.0);

  s.posture = postureFrom(doc.contains("posture") ? doc["posture"] : empty, source);

  const Json& load = doc.contains("load") ? doc["load"] : empty;
  s.load.mass_kg = number(load, "mass_kg", 0.0);
  s.load.hands = text(load, "hands", "both");
  if (load.contains("force_N"))
    s.load.force_N = Vec3(load["force_N"][0].get<double>(), load["force_N"][1].get<double>(),
                          load["force_N"][2].get<double>());

  if (doc.contains("conditions"))
    for (const auto& [name, c] : doc["conditions"].items()) {
      Condition k;
      k.name = name;
      const std::string kind = c["kind"].get<std::string>();
      k.kind = kind == "spasm"       ? Condition::Kind::kSpasm
               : kind == "stiffness" ? Condition::Kind::kStiffness
                                     : Condition::Kind::kWeakness;
      if (c.contains("muscles")) {
        if (c["muscles"].is_string())
          k.muscles.push_back(c["muscles"].get<std::string>());
        else
          for (const Json& m : c["muscles"]) k.muscles.push_back(m.get<std::string>());
      }
      k.side = text(c, "side", "both");
      k.strength = number(c, "strength", 1.0);
      k.activation = number(c, "activation", 0.0);
      k.region = text(c, "region", "lumbar");
      k.range_scale = number(c, "range_scale", 1.0);
      k.passive_scale = number(c, "passive_scale", 1.0);
      const std::string where = fmt::format("{}: conditions.{}", source, name);
      if (k.kind != Condition::Kind::kStiffness && k.muscles.empty())
        throw InputError(where + ": 'muscles' is required (muscle, group or layer names)");
      if (k.kind == Condition::Kind::kWeakness && !c.contains("strength"))
        throw InputError(where + ": a weakness needs 'strength' (fraction of normal, 0 to 1)");
      if (k.kind == Condition::Kind::kSpasm && !c.contains("activation"))
        throw InputError(where + ": a spasm needs 'activation' (0 to 1)");
      s.conditions.push_back(k);
    }

  if (doc.contains("niosh")) {
    const Json& n = doc["niosh"];
    s.niosh.enabled = true;
    s.niosh.frequency_per_min = number(n, "frequency_per_min", 0.2);
    s.niosh.duration_h = number(n, "duration_h", 1.0);
    s.niosh.recovery_h = number(n, "recovery_h", 0.0);
    s.niosh.vertical_travel_cm = number(n, "vertical_travel_cm", 25.0);
    s.niosh.coupling = text(n, "coupling", "good");
    if (!s.posture.hand_target && s.load.mass_kg <= 0.0)
      throw InputError(
          fmt::format("{}: niosh: the lifting equation needs a load "
                      "(load.mass_kg)",
                      source));
  }

  if (doc.contains("fatigue")) {
    const Json& f = doc["fatigue"];
    s.fatigue.enabled = true;
    s.fatigue.duty_cycle = number(f, "duty_cycle", 1.0);
    s.fatigue.cycle_s = number(f, "cycle_s", 10.0);
    s.fatigue.duration_min = number(f, "duration_min", 60.0);
    s.fatigue.region = text(f, "region", "trunk");
  }

  const Json& rec = doc.contains("recruitment") ? doc["recruitment"] : empty;
  const double exponent = number(rec, "exponent", 2.0);
  if (exponent != 2.0 && exponent != 3.0)
    throw InputError(
        fmt::format("{}: recruitment.exponent: {} is not supported; use 2 or 3", source, exponent));
  s.recruitment.exponent = static_cast<int>(exponent);
  if (text(rec, "criterion", "sum") == "minmax")
    s.recruitment.criterion = RecruitmentCriterion::kMinMax;
  s.recruitment.volume_weights =
      rec.contains("volume_weights") && rec["volume_weights"].get<bool>();
  s.intra_abdominal_pressure =
      !rec.contains("intra_abdominal_pressure") || rec["intra_abdominal_pressure"].get<bool>();

  if (doc.contains("variants")) {
    const std::vector<std::string> paths = scenario::keyPaths(doc);
    for (const auto& [key, values] : doc["variants"].items()) {
      std::vector<std::string> matches;
      for (const std::string& p : paths)
        if (p == key ||
            (p.size() > key.size() && p.compare(p.size() - key.size(), key.size(), key) == 0 &&
             p[p.size() - key.size() - 1] == '.'))
          matches.push_back(p);
      if (matches.empty()) {
        std::vector<std::string> leaves = paths;
        for (const std::string& p : paths) leaves.push_back(p.substr(p.rfind('.') + 1));
        const std::string guess = closestMatch(key, leaves);
        throw InputError(
            fmt::format("{}: variants.{}: no scenario key of that name{}", source, key,
                        guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
      }
      if (matches.size() > 1)
        throw InputError(fmt::format("{}: variants.{}: ambiguous; write the full key: {}", source,
                                     key, fmt::join(matches, " or ")));
      std::vector<Json> list(values.begin(), values.end());
      s.variants.push_back({matches.front(), list});
    }
  }
  return s;
}

std::string stem(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

}  // namespace

Scenario parseScenario(const std::string& toml_text, const std::string& source) {
  return fromDocument(parseScenarioToml(toml_text, source), source, stem(source));
}

Scenario loadScenarioFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("{}: is a directory, not a scenario file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the scenario file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parseScenario(text.str(), path);
}

const std::vector<BuiltinScenario>& builtinScenarios() {
  static const std::vector<BuiltinScenario> list = [] {
    std::vector<BuiltinScenario> out;
    for (const auto& [file, text] : scenario::embeddedFiles()) {
      if (file == "postures.toml") continue;
      const Json doc = parseScenarioToml(std::string(text), file);
      std::string summary;
      if (doc.contains("scenario") && doc["scenario"].contains("description"))
        summary = doc["scenario"]["description"].get<std::string>();
      out.push_back({stem(file), summary});
    }
    return out;
  }();
  return list;
}

Scenario loadBuiltinScenario(const std::string& name) {
  const auto& files = scenario::embeddedFiles();
  const auto it = files.find(name + ".toml");
  if (it == files.end() || name == "postures") {
    std::vector<std::string> names;
    for (const BuiltinScenario& b : builtinScenarios()) names.push_back(b.name);
    const std::string guess = closestMatch(name, names);
    throw InputError(
        fmt::format("--builtin: unknown scenario '{}'{}; `dorsum scenarios` lists "
                    "them",
                    name, guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
  }
  Scenario s = fromDocument(parseScenarioToml(std::string(it->second), it->first), "builtin", name);
  return s;
}

std::vector<std::pair<std::string, Scenario>> expandVariants(const Scenario& base) {
  std::vector<std::pair<std::string, Scenario>> out;
  if (base.variants.empty()) return out;
  std::vector<size_t> index(base.variants.size(), 0);
  while (true) {
    Json doc = base.document;
    doc.erase("variants");
    std::vector<std::string> label;
    for (size_t k = 0; k < base.variants.size(); ++k) {
      const auto& [path, values] = base.variants[k];
      const Json& v = values[index[k]];
      Json* node = &doc;
      std::string rest = path;
      for (size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1)) {
        Json& child = (*node)[rest.substr(0, dot)];
        if (child.is_null()) child = Json::object();
        node = &child;
      }
      (*node)[rest] = v;
      label.push_back(fmt::format("{}={}", path.substr(path.rfind('.') + 1),
                                  v.is_string() ? v.get<std::string>() : v.dump()));
    }
    const std::string name = fmt::format("{}", fmt::join(label, ", "));
    Scenario s = fromDocument(doc, fmt::format("{} (variant {})", base.source, name), base.name);
    s.source = base.source;
    out.push_back({name, std::move(s)});
    size_t k = 0;
    while (k < index.size() && ++index[k] == base.variants[k].second.size()) index[k++] = 0;
    if (k == index.size()) break;
  }
  return out;
}

}  // namespace dorsum
