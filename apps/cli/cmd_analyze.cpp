// `dorsum analyze --builtin NAME`: a built-in task through the whole pipeline, with the loads on
// every spinal level and the muscles' work. `dorsum bench`: the per-frame speed.
#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
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

namespace dorsum::cli {
namespace {

using Json = nlohmann::ordered_json;

struct AnalyzeOptions {
  SubjectOptions subject;
  std::string builtin, json, criterion = "sum";
  int exponent = 2;
};

RecruitmentSettings settingsFrom(const AnalyzeOptions& o) {
  RecruitmentSettings s;
  if (o.exponent != 2 && o.exponent != 3)
    throw InputError(fmt::format("--exponent: {} is not supported; use 2 or 3", o.exponent));
  s.exponent = o.exponent;
  if (o.criterion == "minmax")
    s.criterion = RecruitmentCriterion::kMinMax;
  else if (o.criterion != "sum")
    throw InputError(
        fmt::format("--criterion: '{}' is not a criterion; use sum or minmax", o.criterion));
  return s;
}

bool isSpinalJoint(const std::string& name) {
  return name == "skull_C1" ||
         (name.size() > 3 && (name[0] == 'L' || name[0] == 'T' || name[0] == 'C') &&
          std::isdigit(name[1]));
}

// The anatomical sense of a moment about a coordinate ("extension", "bending to the left").
std::string senseOf(const std::string& coord, double moment) {
  const bool positive = moment > 0.0;
  if (coord.find("_extension") != std::string::npos) return positive ? "extension" : "flexion";
  if (coord.find("_lateral_bending") != std::string::npos)
    return positive ? "lateral bending to the right" : "lateral bending to the left";
  if (coord.find("_axial_rotation") != std::string::npos &&
      coord.find("clavicle") == std::string::npos)
    return positive ? "axial rotation to the left" : "axial rotation to the right";
  return fmt::format("{} moment about {}", positive ? "positive" : "negative", coord);
}

Json analysisJson(const Model& m, const Data& d, const Task& task, const Subject& subject,
                  const RecruitmentSettings& settings) {
  Json out;
  out["schema_version"] = kSchemaVersion;
  out["task"] = {
      {"name", task.name}, {"description", task.description}, {"hand_load_kg", task.hand_load_kg}};
  out["subject"] = {
      {"height_m", subject.height_m}, {"mass_kg", subject.mass_kg}, {"sex", sexName(subject.sex)}};
  // Per muscle and side: force-weighted mean activation and total force.
  struct Sum {
    std::string layer, group;
    double a_f0 = 0, f0 = 0, force = 0;
    int n = 0;
  };
  std::map<std::pair<std::string, std::string>, Sum> sums;
  Json fascicles = Json::array();
  for (int i = 0; i < m.nmuscle; ++i) {
    Sum& s = sums[{m.muscle_anatomical[i], m.muscle_side[i]}];
    s.layer = m.muscle_layer[i], s.group = m.muscle_group[i];
    s.a_f0 += d.activation[i] * m.muscle_max_force[i];
    s.f0 += m.muscle_max_force[i];
    s.force += d.muscle_force[i];
    ++s.n;
    fascicles.push_back({{"name", m.muscle_name[i]},
                         {"muscle", m.muscle_anatomical[i]},
                         {"side", m.muscle_side[i]},
                         {"activation", d.activation[i]},
                         {"force_N", d.muscle_force[i]},
                         {"normalized_fiber_length", d.muscle_norm_fiber_length[i]}});
  }
  Json muscles = Json::array();
  for (const auto& [key, s] : sums)
    muscles.push_back({{"name", key.first},
                       {"side", key.second},
                       {"layer", s.layer},
                       {"group", s.group},
                       {"activation", s.a_f0 / s.f0},
                       {"force_N", s.force},
                       {"fascicles", s.n}});
  out["muscles"] = muscles;
  Json joints = Json::array();
  for (int j = 0; j < m.njoint; ++j) {
    if (!isSpinalJoint(m.joint_name[j])) continue;
    const Vec3& F = d.joint_force_D[j];
    const Vec3& M = d.joint_moment_D[j];
    joints.push_back({{"name", m.joint_name[j]},
                      {"compression_N", -F.y()},
                      {"shear_ap_N", F.x()},
                      {"shear_lateral_N", F.z()},
                      {"moment_Nm", {M.x(), M.y(), M.z()}}});
  }
  out["joints"] = joints;
  Json pressure;
  for (const auto& [level, mpa] : calcLumbarDiscPressures(m, d, subject)) pressure[level] = mpa;
  out["disc_pressure_MPa"] = pressure;
  out["max_residual_Nm"] = d.max_residual;
  Json reserves = Json::array(), net = Json::array();
  for (int k = 0; k < m.ndof; ++k) {
    const int c = m.dof_coord[k];
    if (m.coord_balanced[c] && std::abs(d.reserve[k]) > 1e-3)
      reserves.push_back(
          {{"coordinate", m.coord_name[c]},
           {"moment_Nm", d.reserve[k]},
           {"note", fmt::format("the muscles cannot supply {:.2f} N m of {}; a reserve "
                                "actuator supplies it",
                                std::abs(d.reserve[k]), senseOf(m.coord_name[c], d.reserve[k]))}});
    if (!m.coord_balanced[c] && m.coord_name[c].rfind("pelvis_", 0) != 0 && m.coord_rotational[c]) {
      double muscles_moment = 0.0;
      for (int i = 0; i < m.nmuscle; ++i) muscles_moment += d.moment_arm(k, i) * d.muscle_force[i];
      net.push_back({{"coordinate", m.coord_name[c]},
                     {"required_Nm", d.tau_inverse_dynamics[k]},
                     {"from_modelled_muscles_Nm", muscles_moment},
                     {"net_Nm", d.tau_inverse_dynamics[k] - muscles_moment - d.tau_passive[k]}});
    }
  }
  out["reserves"] = reserves;
  out["net_joint_moments"] = net;
  out["recruitment"] = {
      {"criterion", settings.criterion == RecruitmentCriterion::kMinMax ? "minmax" : "sum"},
      {"exponent", settings.exponent},
      {"iterations", d.recruitment_iterations},
      {"converged", d.recruitment_converged}};
  out["fascicles"] = fascicles;
  return out;
}

std::string analysisText(const Json& j) {
  std::string t = fmt::format("{}: {}\n\n", j["task"]["name"].get<std::string>(),
                              j["task"]["description"].get<std::string>());
  t += "Spinal loads (disc frame)          compression N   AP shear N  lateral shear N  disc "
       "pressure MPa\n";
  for (const auto& joint : j["joints"]) {
    const std::string name = joint["name"];
    if (name != "L4_L5" && name != "L5_S1" && name != "L3_L4" && name != "T12_L1") continue;
    const std::string idp = j["disc_pressure_MPa"].contains(name)
                                ? fmt::format("{:.2f}", j["disc_pressure_MPa"][name].get<double>())
                                : "";
    t += fmt::format("  {:<32} {:>13.0f} {:>12.0f} {:>16.0f} {:>18}\n", name,
                     joint["compression_N"].get<double>(), joint["shear_ap_N"].get<double>(),
                     joint["shear_lateral_N"].get<double>(), idp);
  }
  t += "  limits: compression 3400 N action limit, 6400 N maximum (NIOSH, Waters et al. 1993);\n"
       "          shear 700 N frequent, 1000 N occasional (Gallagher and Marras 2012)\n\n";
  std::map<std::string, std::vector<std::pair<double, std::string>>> by_layer;
  for (const auto& m : j["muscles"])
    if (m["side"] == "right")
      by_layer[m["layer"]].push_back({m["activation"].get<double>(), m["name"]});
  t += "Most active muscles (right side; force-weighted mean activation)\n";
  for (const char* layer : {"superficial", "intermediate", "intrinsic", "other"}) {
    auto& v = by_layer[layer];
    std::sort(v.rbegin(), v.rend());
    std::string line;
    for (size_t i = 0; i < std::min<size_t>(3, v.size()); ++i)
      line += fmt::format("{} {:.2f}  ", v[i].second, v[i].first);
    t += fmt::format("  {:<13} {}\n", layer, line);
  }
  t += fmt::format("\nLargest balance residual {:.1e} N m; recruitment {} in {} iterations\n",
                   j["max_residual_Nm"].get<double>(),
                   j["recruitment"]["converged"].get<bool>() ? "converged" : "DID NOT CONVERGE",
                   j["recruitment"]["iterations"].get<int>());
  // The shortfalls worth a person's attention (0.5 N m or more); the JSON lists them all.
  int small = 0;
  for (const auto& r : j["reserves"]) {
    if (std::abs(r["moment_Nm"].get<double>()) < 0.5) {
      ++small;
      continue;
    }
    t += fmt::format("warning: {}: {}\n", r["coordinate"].get<std::string>(),
                     r["note"].get<std::string>());
  }
  if (small > 0)
    t += fmt::format(
        "warning: {} more coordinates need reserve moments below 0.5 N m (see the JSON "
        "'reserves')\n",
        small);
  return t;
}

void runAnalyze(const AnalyzeOptions& o) {
  const Task* task = findBuiltinTask(o.builtin);
  if (!task) {
    std::vector<std::string> names;
    for (const Task& t : builtinTasks()) names.push_back(t.name);
    const std::string guess = closestMatch(o.builtin, names);
    throw InputError(fmt::format("--builtin: unknown task '{}'{}; built-in tasks: {}", o.builtin,
                                 guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess),
                                 fmt::join(names, ", ")));
  }
  const RecruitmentSettings settings = settingsFrom(o);
  const Subject subject = o.subject.resolve();
  const Model model = compile(buildBackModel(subject));
  Data data = makeData(model);
  Recruiter recruiter = makeRecruiter(model, settings);
  runTask(model, data, recruiter, *task);
  const Json j = analysisJson(model, data, *task, subject, settings);
  if (o.json == "-") return emitJson("-", j);
  fmt::print("{}", analysisText(j));
  if (!o.json.empty()) emitJson(o.json, j);
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
  CLI::App* analyze = app.add_subcommand("analyze", "Muscle forces and spinal loads of a task");
  std::string names;
  for (const Task& t : builtinTasks()) names += (names.empty() ? "" : ", ") + t.name;
  analyze->add_option("--builtin", o->builtin, "A built-in task: " + names)->required();
  analyze->add_option("--json", o->json,
                      "Write the result as JSON to FILE, or - for standard output");
  analyze->add_option("--exponent", o->exponent, "p of the sum of activations^p: 2 (default) or 3");
  analyze->add_option("--criterion", o->criterion, "sum (default) or minmax");
  o->subject.add(analyze);
  analyze->callback([o] { runAnalyze(*o); });

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
