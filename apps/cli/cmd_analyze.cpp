// `dorsum analyze --builtin NAME`: a built-in task through the whole pipeline, with the loads on
// every spinal level and the muscles' work. `dorsum bench`: the per-frame speed.
#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include "cli_common.hpp"
#include "dorsum/analysis.hpp"
#include "dorsum/catalog.hpp"
#include "dorsum/dynamics.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/loads.hpp"
#include "dorsum/muscle.hpp"
#include "dorsum/muscle_path.hpp"
#include "dorsum/output.hpp"
#include "dorsum/report.hpp"
#include "dorsum/scenario.hpp"

namespace dorsum::cli {
namespace {

using Json = nlohmann::ordered_json;

struct AnalyzeOptions {
  SubjectOptions subject;
  std::string file, builtin, json, csv, report, criterion;
  int exponent = 0;
  bool volume_weights = false, geometry = false;
};

// The console table: loads at the lower lumbar levels against their limits, the most active
// muscles of each layer, NIOSH where present, and the warnings; variants side by side.
std::string caseText(const Json& j) {
  std::string t;
  t += "  Spinal loads (disc frame)   compression N   AP shear N   lateral shear N   disc pressure "
       "MPa\n";
  for (const auto& joint : j["joints"]) {
    const std::string name = joint["name"];
    if (name != "L4_L5" && name != "L5_S1" && name != "L3_L4" && name != "T12_L1") continue;
    const std::string idp = j["disc_pressure_MPa"].contains(name)
                                ? fmt::format("{:.2f}", j["disc_pressure_MPa"][name].get<double>())
                                : "";
    t += fmt::format("    {:<25} {:>13.0f} {:>12.0f} {:>17.0f} {:>19}\n", name,
                     joint["compression_N"].get<double>(), joint["shear_ap_N"].get<double>(),
                     joint["shear_lateral_N"].get<double>(), idp);
  }
  t += "    limits: compression 3400 N action limit, 6400 N maximum (NIOSH, Waters et al. 1993);\n"
       "            shear 700 N frequent, 1000 N occasional (Gallagher and Marras 2012)\n";
  std::map<std::string, std::vector<std::pair<double, std::string>>> by_layer;
  for (const auto& m : j["muscles"])
    by_layer[m["layer"]].push_back(
        {m["activation"].get<double>(),
         fmt::format("{} ({})", m["name"].get<std::string>(), m["side"] == "right" ? "R" : "L")});
  t += "  Most active muscles (force-weighted mean activation of each muscle and side)\n";
  for (const char* layer : {"superficial", "intermediate", "intrinsic", "other"}) {
    auto& v = by_layer[layer];
    std::sort(v.rbegin(), v.rend());
    std::string line;
    for (size_t i = 0; i < std::min<size_t>(3, v.size()); ++i)
      line += fmt::format("{} {:.2f}   ", v[i].second, v[i].first);
    t += fmt::format("    {:<13} {}\n", layer, line);
  }
  if (j.contains("niosh") && j["niosh"].is_object() && j["niosh"].contains("origin")) {
    const Json& o = j["niosh"]["origin"];
    t += fmt::format("  NIOSH: RWL {:.1f} kg, lifting index {:.2f}\n", o["rwl"].get<double>(),
                     o["li"].get<double>());
  }
  if (j.contains("intra_abdominal_pressure") && j["intra_abdominal_pressure"].is_object())
    t += fmt::format("  Intra-abdominal pressure {:.1f} kPa ({:.0f} N between thorax and pelvis)\n",
                     j["intra_abdominal_pressure"]["pressure_kPa"].get<double>(),
                     j["intra_abdominal_pressure"]["force_N"].get<double>());
  if (j.contains("fatigue")) {
    const Json& f = j["fatigue"];
    t += f["endurance_time_min"].is_number()
             ? fmt::format("  Fatigue: the muscles can no longer hold the task after {:.1f} min\n",
                           f["endurance_time_min"].get<double>())
             : fmt::format("  Fatigue: the muscles hold the task for all {:g} min\n",
                           f["duration_min"].get<double>());
    for (size_t k = 0; k < std::min<size_t>(3, f["work_shift"].size()); ++k) {
      const Json& w = f["work_shift"][k];
      t += fmt::format("    {} ({}): {:.0f} N at the start, {:.0f} N at the end\n",
                       w["muscle"].get<std::string>(), w["side"].get<std::string>(),
                       w["active_force_start_N"].get<double>(),
                       w["active_force_end_N"].get<double>());
    }
  }
  t += fmt::format("  Assessment: {}\n", j["assessment"]["verdict"].get<std::string>());
  for (const auto& msg : j["assessment"]["messages"])
    t += fmt::format("    - {}\n", msg.get<std::string>());
  for (const auto& w : j["warnings"]) t += fmt::format("  note: {}\n", w.get<std::string>());
  t += fmt::format("  Largest balance residual {:.1e} N m; recruitment {} in {} iterations\n",
                   j["max_residual_Nm"].get<double>(),
                   j["recruitment"]["converged"].get<bool>() ? "converged" : "DID NOT CONVERGE",
                   j["recruitment"]["iterations"].get<int>());
  return t;
}

double jointValue(const Json& c, const std::string& joint, const char* key) {
  for (const auto& j : c["joints"])
    if (j["name"] == joint) return std::abs(j[key].get<double>());
  return 0.0;
}

std::string resultText(const Json& r) {
  std::string t = fmt::format("{}: {}\n", r["scenario"]["name"].get<std::string>(),
                              r["scenario"]["description"].get<std::string>());
  if (!r["scenario"]["compare_with"].get<std::string>().empty())
    t += fmt::format("  (reproduces: {})\n", r["scenario"]["compare_with"].get<std::string>());
  t += "\n" + caseText(r);
  if (r["variants"].empty()) return t;
  t += "\nVariants                          L5/S1 comp N  L4/L5 comp N  L5/S1 shear N  L4/L5 "
       "IDP MPa  verdict\n";
  for (const auto& v : r["variants"]) {
    const double idp = v["disc_pressure_MPa"].contains("L4_L5")
                           ? v["disc_pressure_MPa"]["L4_L5"].get<double>()
                           : 0.0;
    t += fmt::format("  {:<32} {:>12.0f} {:>13.0f} {:>14.0f} {:>14.2f}  {}\n",
                     v["label"].get<std::string>(), jointValue(v, "L5_S1", "compression_N"),
                     jointValue(v, "L4_L5", "compression_N"), jointValue(v, "L5_S1", "shear_ap_N"),
                     idp, v["assessment"]["verdict"].get<std::string>());
  }
  for (const auto& v : r["variants"])
    for (const auto& msg : v["assessment"]["messages"])
      t += fmt::format("  {}: {}\n", v["label"].get<std::string>(), msg.get<std::string>());
  return t;
}

void printProgress(const std::string& line) {
  fmt::print(stderr, "  running {}\n", line);
}

// Refuses an output path that cannot be written before any work is done: a long analysis
// should not end in "cannot write", and a failed run writes nothing.
void checkOutputPath(const std::string& path, const char* option, bool directory) {
  namespace fs = std::filesystem;
  if (path.empty() || path == "-") return;
  std::error_code ec;
  if (directory) {
    if (fs::exists(path, ec) && !fs::is_directory(path, ec))
      throw InputError(fmt::format("{}: '{}' exists and is not a directory", option, path));
    return;  // created when the tables are written
  }
  if (fs::is_directory(path, ec))
    throw InputError(fmt::format("{}: '{}' is a directory, not a file", option, path));
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw InputError(fmt::format("{}: the directory '{}' does not exist", option, parent.string()));
}

void runAnalyze(const AnalyzeOptions& o) {
  checkOutputPath(o.json, "--json", false);
  checkOutputPath(o.report, "--report", false);
  checkOutputPath(o.csv, "--csv", true);
  if (o.file.empty() == o.builtin.empty())
    throw InputError(o.file.empty()
                         ? "analyze: give a scenario file or --builtin NAME (`dorsum scenarios` "
                           "lists the built-in ones)"
                         : "analyze: give either a scenario file or --builtin NAME, not both");
  Scenario s = o.file.empty() ? loadBuiltinScenario(o.builtin) : loadScenarioFile(o.file);
  // Command-line options override the scenario's.
  if (o.subject.sex_given) s.subject.subject = defaultSubject(parseSex(o.subject.sex));
  if (o.subject.height_m) s.subject.subject.height_m = *o.subject.height_m;
  if (o.subject.mass_kg) s.subject.subject.mass_kg = *o.subject.mass_kg;
  if (o.exponent != 0) {
    if (o.exponent != 2 && o.exponent != 3)
      throw InputError(fmt::format("--exponent: {} is not supported; use 2 or 3", o.exponent));
    s.recruitment.exponent = o.exponent;
  }
  if (!o.criterion.empty()) {
    if (o.criterion != "sum" && o.criterion != "minmax")
      throw InputError(
          fmt::format("--criterion: '{}' is not a criterion; use sum or minmax", o.criterion));
    s.recruitment.criterion = o.criterion == "minmax" ? RecruitmentCriterion::kMinMax
                                                      : RecruitmentCriterion::kSumOfPowers;
  }
  if (o.volume_weights) s.recruitment.volume_weights = true;
  checkSubject(s.subject.subject);
  RunOptions run;
  run.geometry = o.geometry || !o.report.empty();
  const bool quiet = o.json == "-";
  const Json r = analyzeScenario(s, run, quiet ? nullptr : printProgress);
  Json for_json = r;
  if (!o.geometry) {  // the figure's geometry only where asked for
    for_json.erase("geometry");
    for (auto& v : for_json["variants"]) v.erase("geometry");
  }
  // Every output is rendered before any is written: a failure leaves the old files alone.
  const std::string html = o.report.empty() ? "" : renderHtmlReport(r);
  if (quiet) {
    emitJson("-", for_json);
  } else {
    fmt::print("\n{}", resultText(r));
    if (!o.json.empty()) {
      emitJson(o.json, for_json);
      fmt::print("JSON written to {}\n", o.json);
    }
  }
  if (!o.report.empty()) {
    writeOutput(o.report, html);
    if (!quiet) fmt::print("Report written to {}\n", o.report);
  }
  if (!o.csv.empty()) {
    const std::vector<std::string> files = writeCsv(r, o.csv);
    if (!quiet) fmt::print("CSV tables written to {} ({} files)\n", o.csv, files.size());
  }
}

void listScenarios(bool json) {
  if (json) {
    Json list = Json::array();
    for (const BuiltinScenario& b : builtinScenarios())
      list.push_back({{"name", b.name}, {"description", b.summary}});
    return emitJson("-", list);
  }
  size_t width = 0;
  for (const BuiltinScenario& b : builtinScenarios()) width = std::max(width, b.name.size());
  for (const BuiltinScenario& b : builtinScenarios())
    fmt::print("{:<{}}  {}\n", b.name, width, b.summary);
}

struct BenchOptions {
  SubjectOptions subject;
  std::string json;
  int frames = 2000;
};

// The whole per-frame path on a smooth sequence of postures (trunk flexion 0 to 60 degrees and
// back with 10 kg in the hands), one core, warm-started recruitment.
void runBench(const BenchOptions& o) {
  if (o.frames < 10) throw InputError("--frames: at least 10 frames");
  const Model model = compile(buildBackModel(o.subject.resolve()));
  Data data = makeData(model);
  Recruiter recruiter = makeRecruiter(model);
  // Postures computed beforehand: the benchmark times the pipeline, not the posture set-up.
  std::vector<Eigen::VectorXd> postures;
  for (int f = 0; f < o.frames; ++f) {
    Posture p;
    p.trunk_flexion_deg = 30.0 - 30.0 * std::cos(2.0 * M_PI * f / o.frames);
    applyPosture(model, data, p);
    postures.push_back(data.q);
  }
  applyHandLoad(model, data, 10.0);
  using Clock = std::chrono::steady_clock;
  double stage[6] = {0, 0, 0, 0, 0, 0};
  long iterations = 0;
  const auto start = Clock::now();
  for (int f = 0; f < o.frames; ++f) {
    data.q = postures[f];
    auto t0 = Clock::now();
    calcKinematics(model, data);
    auto t1 = Clock::now();
    calcMusclePaths(model, data);
    calcMuscleState(model, data);
    auto t2 = Clock::now();
    calcInverseDynamics(model, data);
    auto t3 = Clock::now();
    solveRecruitment(model, data, recruiter);
    auto t4 = Clock::now();
    calcJointLoads(model, data);
    auto t5 = Clock::now();
    const auto us = [](auto a, auto b) {
      return std::chrono::duration<double, std::micro>(b - a).count();
    };
    stage[0] += us(t0, t1), stage[1] += us(t1, t2), stage[2] += us(t2, t3), stage[3] += us(t3, t4),
        stage[4] += us(t4, t5);
    iterations += data.recruitment_iterations;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const char* names[] = {"kinematics", "paths_and_muscle_state", "inverse_dynamics", "recruitment",
                         "joint_loads"};
  Json j;
  j["schema_version"] = kSchemaVersion;
  j["frames"] = o.frames;
  j["frames_per_second"] = o.frames / seconds;
  Json st;
  for (int s = 0; s < 5; ++s) st[names[s]] = stage[s] / o.frames;
  j["stage_us"] = st;
  j["iterations_per_frame"] = static_cast<double>(iterations) / o.frames;
  j["model"] = {{"muscles", model.nmuscle},
                {"dof", model.ndof},
                {"balanced", recruiter.balanced_dofs.size()}};
  if (o.json == "-") return emitJson("-", j);
  fmt::print(
      "{} frames of the built-in model ({} muscles, {} degrees of freedom, {} balanced): "
      "{:.0f} frames per second\n",
      o.frames, model.nmuscle, model.ndof, recruiter.balanced_dofs.size(), o.frames / seconds);
  for (int s = 0; s < 5; ++s)
    fmt::print("  {:<24} {:>9.1f} us per frame\n", names[s], stage[s] / o.frames);
  fmt::print("  recruitment iterations per frame: {:.2f}\n",
             static_cast<double>(iterations) / o.frames);
  if (!o.json.empty()) emitJson(o.json, j);
}

}  // namespace

void addAnalyzeCommands(CLI::App& app) {
  auto o = std::make_shared<AnalyzeOptions>();
  CLI::App* analyze = app.add_subcommand(
      "analyze", "Muscle forces and spinal loads of a scenario (a file or a built-in one)");
  analyze->add_option("scenario", o->file, "A scenario file (TOML; docs/SCENARIOS.md)");
  analyze->add_option("--builtin", o->builtin,
                      "A built-in scenario (`dorsum scenarios` lists them)");
  analyze->add_option(
      "--json", o->json,
      "Write the result as JSON to FILE, or - for standard output (docs/SCHEMA.md)");
  analyze->add_option("--csv", o->csv, "Write CSV tables of the result into directory DIR");
  analyze->add_option("--report", o->report, "Write a self-contained HTML report to FILE.html");
  analyze->add_option("--exponent", o->exponent, "p of the sum of activations^p: 2 (default) or 3");
  analyze->add_option("--criterion", o->criterion, "sum (default) or minmax");
  analyze->add_flag("--volume-weights", o->volume_weights,
                    "Weight each muscle's activation by its volume in the criterion");
  analyze->add_flag("--geometry", o->geometry,
                    "Include the posture's geometry (bones, muscle paths) in the JSON");
  o->subject.add(analyze);
  analyze->callback([o] { runAnalyze(*o); });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* scenarios = app.add_subcommand("scenarios", "List the built-in scenarios");
  scenarios->add_flag("--json", *list_json, "As JSON on standard output");
  scenarios->callback([list_json] { listScenarios(*list_json); });

  auto b = std::make_shared<BenchOptions>();
  CLI::App* bench =
      app.add_subcommand("bench", "Frames per second of the whole per-frame pipeline");
  bench->add_option("--frames", b->frames, "Frames in the posture sequence (default 2000)");
  bench->add_option("--json", b->json,
                    "Write the figures as JSON to FILE, or - for standard output");
  b->subject.add(bench);
  bench->callback([b] { runBench(*b); });
}

}  // namespace dorsum::cli
