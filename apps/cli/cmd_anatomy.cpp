// `dorsum anatomy list|show|action`: the built-in model's muscles and what they do, computed
// from the model (dorsum/catalog.hpp).
#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "cli_common.hpp"
#include "dorsum/catalog.hpp"
#include "dorsum/error.hpp"

namespace dorsum::cli {
namespace {

struct AnatomyOptions {
  SubjectOptions subject;
  std::string json, layer, name, action;
};

struct Built {
  ModelSpec spec;
  Catalog catalog;
};

Built build(const AnatomyOptions& o) {
  Built b{buildBackModel(o.subject.resolve()), {}};
  b.catalog = buildCatalog(b.spec);
  return b;
}

std::vector<std::string> muscleNames(const Catalog& c) {
  std::set<std::string> names;
  for (const CatalogMuscle& m : c.muscles) names.insert(m.name);
  return {names.begin(), names.end()};
}

// "body.landmark" split for JSON; inline points give their body and location.
nlohmann::ordered_json pointJson(const PathPointSpec& p) {
  if (!p.landmark.empty()) {
    const size_t dot = p.landmark.find('.');
    return {{"body", p.landmark.substr(0, dot)}, {"landmark", p.landmark.substr(dot + 1)}};
  }
  return {{"body", p.body}, {"location_m", {p.location.x(), p.location.y(), p.location.z()}}};
}

std::string pointText(const PathPointSpec& p) {
  return p.landmark.empty() ? fmt::format("{} ({:.3f}, {:.3f}, {:.3f})", p.body, p.location.x(),
                                          p.location.y(), p.location.z())
                            : p.landmark;
}

void runList(const AnatomyOptions& o) {
  static const std::vector<std::string> layers{"superficial", "intermediate", "intrinsic", "other"};
  if (!o.layer.empty() && std::find(layers.begin(), layers.end(), o.layer) == layers.end())
    throw InputError(
        fmt::format("--layer: unknown layer '{}'; choose superficial, intermediate, "
                    "intrinsic or other",
                    o.layer));
  const Built b = build(o);
  nlohmann::ordered_json out = {{"schema_version", kSchemaVersion},
                                {"muscles", nlohmann::ordered_json::array()}};
  std::string text = fmt::format("{:<32} {:<6} {:<13} {:<20} {:>9} {:>12}\n", "muscle", "side",
                                 "layer", "group", "fascicles", "max force N");
  for (const CatalogMuscle& m : b.catalog.muscles) {
    if (!o.layer.empty() && m.layer != o.layer) continue;
    out["muscles"].push_back({{"name", m.name},
                              {"side", m.side},
                              {"layer", m.layer},
                              {"group", m.group},
                              {"fascicles", m.fascicles.size()},
                              {"max_force_N", m.max_force_N}});
    text += fmt::format("{:<32} {:<6} {:<13} {:<20} {:>9} {:>12.0f}\n", m.name, m.side, m.layer,
                        m.group, m.fascicles.size(), m.max_force_N);
  }
  if (o.json == "-") return emitJson("-", out);
  fmt::print("{}", text);
  if (!o.json.empty()) emitJson(o.json, out);
}

void runShow(const AnatomyOptions& o) {
  const Built b = build(o);
  const auto entries = b.catalog.find(o.name);
  if (entries.empty()) {
    const std::string guess = closestMatch(o.name, muscleNames(b.catalog));
    throw InputError(fmt::format("unknown muscle '{}'{}; `dorsum anatomy list` shows them all",
                                 o.name,
                                 guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
  }
  nlohmann::ordered_json out = {{"schema_version", kSchemaVersion},
                                {"name", o.name},
                                {"layer", entries[0]->layer},
                                {"group", entries[0]->group},
                                {"fascicles", nlohmann::ordered_json::array()},
                                {"actions", nlohmann::ordered_json::array()}};
  std::string text = fmt::format("{}: {} layer, group {}\n\nfascicles\n", o.name, entries[0]->layer,
                                 entries[0]->group);
  for (const CatalogMuscle* e : entries) {
    for (int f : e->fascicles) {
      const MuscleSpec& m = b.spec.muscles[f];
      nlohmann::ordered_json via = nlohmann::ordered_json::array();
      for (size_t k = 1; k + 1 < m.path.size(); ++k) via.push_back(pointJson(m.path[k]));
      out["fascicles"].push_back({{"name", m.name},
                                  {"side", m.side},
                                  {"origin", pointJson(m.path.front())},
                                  {"insertion", pointJson(m.path.back())},
                                  {"via", via},
                                  {"max_isometric_force_N", m.max_isometric_force},
                                  {"optimal_fiber_length_m", m.optimal_fiber_length},
                                  {"tendon_slack_length_m", m.tendon_slack_length},
                                  {"pennation_deg", m.pennation_at_optimal * 180.0 / M_PI}});
      if (e->side == "right" || e->side.empty())
        text +=
            fmt::format("  {:<40} {} -> {}  F0 {:.0f} N, l_opt {:.0f} mm, l_TS {:.0f} mm\n", m.name,
                        pointText(m.path.front()), pointText(m.path.back()), m.max_isometric_force,
                        1e3 * m.optimal_fiber_length, 1e3 * m.tendon_slack_length);
    }
    for (const MuscleAction& a : e->actions)
      out["actions"].push_back({{"action", a.action},
                                {"side", e->side},
                                {"coordinate", a.coordinate},
                                {"moment_arm_m", a.moment_arm_m}});
  }
  // Text: each action once, with the largest moment arm and where it acts (right side).
  const CatalogMuscle* shown = entries.back();  // sides sort left, right
  std::map<std::string, std::pair<double, std::string>> best;
  for (const MuscleAction& a : shown->actions)
    if (std::abs(a.moment_arm_m) > std::abs(best[a.action].first))
      best[a.action] = {a.moment_arm_m, a.coordinate};
  text +=
      fmt::format("\nactions ({} side; largest moment arm at the neutral posture)\n", shown->side);
  for (const auto& [action, arm] : best)
    text += fmt::format("  {:<40} {:>6.1f} mm about {}\n", action, 1e3 * std::abs(arm.first),
                        arm.second);
  if (o.json == "-") return emitJson("-", out);
  fmt::print("{}", text);
  if (!o.json.empty()) emitJson(o.json, out);
}

void runAction(const AnatomyOptions& o) {
  const auto& vocabulary = actionVocabulary();
  if (std::find(vocabulary.begin(), vocabulary.end(), o.action) == vocabulary.end()) {
    const std::string guess = closestMatch(o.action, vocabulary);
    throw InputError(fmt::format("unknown action '{}'{}; actions: {}", o.action,
                                 guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess),
                                 fmt::join(vocabulary, ", ")));
  }
  const Built b = build(o);
  struct Row {
    const CatalogMuscle* muscle;
    MuscleAction best;
  };
  std::vector<Row> rows;
  for (const CatalogMuscle& m : b.catalog.muscles) {
    const MuscleAction* best = nullptr;
    for (const MuscleAction& a : m.actions)
      if (a.action.rfind(o.action, 0) == 0 && (!best || a.capacity_Nm > best->capacity_Nm))
        best = &a;
    if (best) rows.push_back({&m, *best});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.best.capacity_Nm != b.best.capacity_Nm
               ? a.best.capacity_Nm > b.best.capacity_Nm
               : a.muscle->name + a.muscle->side < b.muscle->name + b.muscle->side;
  });
  nlohmann::ordered_json out = {{"schema_version", kSchemaVersion},
                                {"action", o.action},
                                {"muscles", nlohmann::ordered_json::array()}};
  std::string text = fmt::format(
      "muscles producing {}, ranked by moment capacity (max force x moment "
      "arm) at the neutral posture\n{:<32} {:<6} {:>12} {:>14}  {}\n",
      o.action, "muscle", "side", "capacity N m", "moment arm mm", "coordinate");
  for (const Row& r : rows) {
    out["muscles"].push_back({{"name", r.muscle->name},
                              {"side", r.muscle->side},
                              {"action", r.best.action},
                              {"coordinate", r.best.coordinate},
                              {"moment_arm_m", r.best.moment_arm_m},
                              {"capacity_Nm", r.best.capacity_Nm}});
    text += fmt::format("{:<32} {:<6} {:>12.1f} {:>14.1f}  {}\n", r.muscle->name, r.muscle->side,
                        r.best.capacity_Nm, 1e3 * std::abs(r.best.moment_arm_m), r.best.coordinate);
  }
  if (o.json == "-") return emitJson("-", out);
  fmt::print("{}", text);
  if (!o.json.empty()) emitJson(o.json, out);
}

}  // namespace

void addAnatomyCommands(CLI::App& app) {
  auto options = std::make_shared<AnatomyOptions>();
  CLI::App* anatomy =
      app.add_subcommand("anatomy", "The built-in model's muscles and their actions");
  anatomy->require_subcommand(1);

  CLI::App* list =
      anatomy->add_subcommand("list", "Every muscle and side, with fascicles and strength");
  list->add_option("--layer", options->layer, "superficial, intermediate, intrinsic or other");
  CLI::App* show =
      anatomy->add_subcommand("show", "One muscle: fascicles, attachments, parameters, actions");
  show->add_option("name", options->name, "Canonical muscle name, e.g. latissimus_dorsi")
      ->required();
  CLI::App* action =
      anatomy->add_subcommand("action", "The muscles that produce an action, ranked");
  action->add_option("action", options->action, "e.g. \"trunk extension\"")->required();
  for (CLI::App* sub : {list, show, action}) {
    sub->add_option("--json", options->json,
                    "Write the result as JSON to FILE, or - for standard output");
    options->subject.add(sub);
  }
  list->callback([options] { runList(*options); });
  show->callback([options] { runShow(*options); });
  action->callback([options] { runAction(*options); });
}

}  // namespace dorsum::cli
