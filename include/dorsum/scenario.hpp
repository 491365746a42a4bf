// Scenarios: a subject, a posture (by name, by angles, or by a hand target and a lifting
// technique), the loads, the subject's conditions and the what-if variants, read from a TOML
// file (docs/SCENARIOS.md lists every key) or from the built-in set, and run through the whole
// pipeline into one result (docs/SCHEMA.md).
//
// The parts are separate so that other front ends can reuse them: parseScenario() turns text
// into a validated Scenario; expandVariants() gives one Scenario per combination of variant
// values; runScenario() computes one case; analyzeScenario() does all of it and assembles the
// result JSON.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dorsum/analysis.hpp"
#include "dorsum/anatomy.hpp"
#include "dorsum/recruitment.hpp"

namespace dorsum {

enum class Technique { kNone, kStoop, kSemiSquat, kSquat };
enum class Support { kNone, kSeat, kSeatBackrest, kBed };

// A subject's condition of named muscles or of a region of the spine.
struct Condition {
  std::string name;  // the key of the [conditions.NAME] table
  enum class Kind { kWeakness, kSpasm, kStiffness } kind = Kind::kWeakness;
  // weakness, spasm: which muscles (any of: canonical muscle names, group names, layer names)
  std::vector<std::string> muscles;
  std::string side = "both";  // both, right, left
  double strength = 1.0;      // weakness: fraction of normal strength, 0 (paralysis) to 1
  double activation = 0.0;    // spasm: involuntary activation, 0 to 1
  // stiffness: a spinal region (lumbar, thoracic, cervical, spine)
  std::string region = "lumbar";
  double range_scale = 1.0;    // its ranges of motion multiplied by this
  double passive_scale = 1.0;  // its passive moment at a given share of the range, multiplied
};

struct ScenarioSubject {
  Subject subject;
  double strength_scale = 1.0;       // every muscle
  double core_strength_scale = 1.0;  // the abdominal muscles
  double flexibility_scale = 1.0;    // spinal ranges of motion x this, passive tissues softer
};

struct HandTarget {
  double forward_m = 0.0;  // grip centre (mean of both hands) ahead of the ankles' midpoint
  double height_m = 0.0;   // above the floor
};

struct ScenarioPosture {
  std::string name;  // the named posture it started from ("" if none)
  Posture angles;
  std::optional<HandTarget> hand_target;
  Technique technique = Technique::kNone;
  Support support = Support::kNone;
  double backrest_recline_deg = 0.0;  // backrest's angle from the vertical, leaning back
};

struct ScenarioLoad {
  double mass_kg = 0.0;         // held in the hands
  std::string hands = "both";   // both, right, left
  Vec3 force_N = Vec3::Zero();  // further force on the hands (pushing: +x on the body's side)
};

struct NioshInput {
  bool enabled = false;
  double frequency_per_min = 0.2, duration_h = 1.0, recovery_h = 0.0, vertical_travel_cm = 25.0;
  std::string coupling = "good";
};

// A repeated task held until fatigue (docs/SCENARIOS.md, [fatigue]).
struct FatigueInput {
  bool enabled = false;
  double duty_cycle = 1.0;       // share of each cycle spent holding the task
  double cycle_s = 10.0;         // one cycle, s
  double duration_min = 60.0;    // how long the task is repeated
  std::string region = "trunk";  // the muscles' fatigue and recovery rates (docs/FATIGUE.md)
};

struct Scenario {
  std::string name, description, source;  // source: "builtin" or the file path
  std::string compare_with;               // the study a built-in scenario reproduces
  ScenarioSubject subject;
  ScenarioPosture posture;
  ScenarioLoad load;
  std::vector<Condition> conditions;
  NioshInput niosh;
  FatigueInput fatigue;
  RecruitmentSettings recruitment;
  bool intra_abdominal_pressure = true;  // [recruitment] intra_abdominal_pressure
  // [variants]: key path -> the values to try (as TOML text of each value, for labels)
  std::vector<std::pair<std::string, std::vector<nlohmann::ordered_json>>> variants;
  nlohmann::ordered_json document;  // the whole file as JSON, for variants and the result
};

// Reads and validates a scenario; `source` names the file in messages. Throws InputError with
// the key's path (and a suggestion for a misspelt key) for anything wrong.
Scenario parseScenario(const std::string& toml_text, const std::string& source);
Scenario loadScenarioFile(const std::string& path);

struct BuiltinScenario {
  std::string name, summary;
};
const std::vector<BuiltinScenario>& builtinScenarios();
// Throws InputError (with the closest name) for an unknown one.
Scenario loadBuiltinScenario(const std::string& name);

// One Scenario per combination of the variant values, each with its label ("technique=squat").
std::vector<std::pair<std::string, Scenario>> expandVariants(const Scenario& scenario);

struct RunOptions {
  bool geometry = false;  // include the figure's geometry (the report needs it)
};

// Runs one scenario (no variants) and returns its result (CASE keys of docs/SCHEMA.md).
nlohmann::ordered_json runScenario(const Scenario& scenario, const RunOptions& options = {});

// The whole result of a scenario: the base case, and every variant. `progress` (may be null)
// is called with a line of text before each case.
nlohmann::ordered_json analyzeScenario(const Scenario& scenario, const RunOptions& options = {},
                                       void (*progress)(const std::string&) = nullptr);

inline constexpr int kResultSchemaVersion = 2;

}  // namespace dorsum
