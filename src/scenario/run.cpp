// Running a scenario: the subject's model (with its conditions), the posture (by angles or by
// reaching a hand target), loads and supports, the whole pipeline, and the result.
#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "dorsum/catalog.hpp"
#include "dorsum/dynamics.hpp"
#include "dorsum/error.hpp"
#include "dorsum/fatigue.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/loads.hpp"
#include "dorsum/muscle.hpp"
#include "dorsum/muscle_path.hpp"
#include "dorsum/niosh.hpp"
#include "dorsum/scenario.hpp"
#include "scenario_internal.hpp"

namespace dorsum {
namespace {

using Json = nlohmann::ordered_json;
constexpr double kDeg = M_PI / 180.0;

// ---- the subject's model -----------------------------------------------------------------

// Whether an intervertebral joint ("L4_L5", "skull_C1") lies in a region: lumbar (T12_L1 to
// L5_S1), thoracic, cervical (skull_C1 included) or the whole spine.
bool jointInRegion(const std::string& joint, const std::string& region) {
  static const std::set<std::string> lumbar(kLumbarJoints.begin(), kLumbarJoints.end());
  if (joint.size() < 2) return false;
  const bool is_lumbar = lumbar.count(joint) > 0;
  const bool is_cervical = joint == "skull_C1" || (joint[0] == 'C' && std::isdigit(joint[1]));
  const bool is_thoracic = !is_lumbar && joint[0] == 'T' && std::isdigit(joint[1]);
  if (region == "lumbar") return is_lumbar;
  if (region == "thoracic") return is_thoracic;
  if (region == "cervical") return is_cervical;
  return is_lumbar || is_thoracic || is_cervical;  // "spine"
}

// The same for an intervertebral coordinate ("L4_L5_extension"); false for any other.
bool inRegion(const std::string& coord, const std::string& region) {
  const size_t end =
      coord.find("_extension") != std::string::npos         ? coord.find("_extension")
      : coord.find("_lateral_bending") != std::string::npos ? coord.find("_lateral_bending")
      : coord.find("_axial_rotation") != std::string::npos  ? coord.find("_axial_rotation")
                                                            : std::string::npos;
  return end != std::string::npos && jointInRegion(coord.substr(0, end), region);
}

// Ranges times `range`, and the passive moment-angle curve stretched along the angle by `range`
// and along the moment by `moment`: the tissue reaches its old end-of-range moment at the new
// end of range, `moment` times stiffer or softer.
void scaleCoordinate(CoordinateSpec& c, double range, double moment) {
  c.range_min *= range;
  c.range_max *= range;
  if (!c.passive_force) return;
  const Function& f = *c.passive_force;
  std::vector<double> x = f.x(), y = f.y();
  for (double& v : x) v *= range;
  for (double& v : y) v *= moment;
  if (f.kind() == Function::Kind::PiecewiseLinear)
    c.passive_force = Function::piecewiseLinear(x, y);
  else if (f.kind() == Function::Kind::NaturalCubicSpline)
    c.passive_force = Function::naturalCubicSpline(x, y);
  else
    throw Error(fmt::format("cannot scale the passive curve of {} ({})", c.name, f.kindName()));
}

// The ligament's tension at a strain e becomes `moment` times its old tension at e / `range`,
// as the coordinates' curves: stiffness x moment / range and toe strain x range do it exactly
// (LigamentSpec's law); the slack length stays where the default posture puts it.
void scaleLigament(LigamentSpec& l, double range, double moment) {
  l.stiffness *= moment / range;
  l.toe_strain *= range;
}

ModelSpec subjectSpec(const Scenario& s, std::vector<std::string>& notes) {
  ModelSpec spec = buildBackModel(s.subject.subject);
  const double flex = s.subject.flexibility_scale;
  for (CoordinateSpec& c : spec.coordinates) {
    if (flex != 1.0 && inRegion(c.name, "spine")) scaleCoordinate(c, flex, 1.0);
    for (const Condition& k : s.conditions)
      if (k.kind == Condition::Kind::kStiffness && inRegion(c.name, k.region))
        scaleCoordinate(c, k.range_scale, k.passive_scale);
  }
  for (LigamentSpec& l : spec.ligaments) {
    if (flex != 1.0 && jointInRegion(l.joint, "spine")) scaleLigament(l, flex, 1.0);
    for (const Condition& k : s.conditions)
      if (k.kind == Condition::Kind::kStiffness && jointInRegion(l.joint, k.region))
        scaleLigament(l, k.range_scale, k.passive_scale);
  }
  if (flex != 1.0)
    notes.push_back(
        fmt::format("flexibility: spinal ranges of motion x {:.2f}, passive tissues "
                    "reaching their end-of-range moment {:.0f}% later",
                    flex, 100.0 * (flex - 1.0)));
  return spec;
}

std::vector<int> musclesMatching(const Model& m, const Condition& k, const std::string& where) {
  std::vector<int> out;
  std::set<std::string> known;
  for (int i = 0; i < m.nmuscle; ++i) {
    known.insert(m.muscle_anatomical[i]);
    known.insert(m.muscle_group[i]);
    known.insert(m.muscle_layer[i]);
  }
  for (const std::string& name : k.muscles) {
    if (!known.count(name)) {
      const std::string guess = closestMatch(name, {known.begin(), known.end()});
      throw InputError(
          fmt::format("{}.muscles: no muscle, group or layer '{}'{}", where, name,
                      guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
    }
    for (int i = 0; i < m.nmuscle; ++i) {
      const bool named =
          m.muscle_anatomical[i] == name || m.muscle_group[i] == name || m.muscle_layer[i] == name;
      const bool side = k.side == "both" || m.muscle_side[i] == k.side;
      if (named && side) out.push_back(i);
    }
  }
  return out;
}

RecruitmentSettings settingsFor(const Model& m, const Scenario& s) {
  RecruitmentSettings r = s.recruitment;
  r.strength.assign(m.nmuscle, s.subject.strength_scale);
  r.min_activation.assign(m.nmuscle, 0.0);
  for (int i = 0; i < m.nmuscle; ++i)
    if (m.muscle_group[i] == "abdominal") r.strength[i] *= s.subject.core_strength_scale;
  for (const Condition& k : s.conditions) {
    const std::string where = "conditions." + k.name;
    if (k.kind == Condition::Kind::kWeakness)
      for (int i : musclesMatching(m, k, where)) r.strength[i] *= k.strength;
    if (k.kind == Condition::Kind::kSpasm)
      for (int i : musclesMatching(m, k, where))
        r.min_activation[i] = std::max(r.min_activation[i], k.activation);
  }
  return r;
}

// ---- posture -----------------------------------------------------------------------------

Vec3 landmarkW(const Model& m, const Data& d, const std::string& name) {
  const int l = m.findLandmark(name);
  if (l < 0) throw Error("built-in model: no landmark " + name);
  return calcPointPosition(m, d, m.landmark_body[l], m.landmark_location[l]);
}

Vec3 gripMid(const Model& m, const Data& d) {
  return 0.5 * (landmarkW(m, d, "hand_r.grip_centre") + landmarkW(m, d, "hand_l.grip_centre"));
}
Vec3 ankleMid(const Model& m, const Data& d) {
  return 0.5 * (landmarkW(m, d, "foot_r.ankle_centre") + landmarkW(m, d, "foot_l.ankle_centre"));
}

// The technique's posture family, one depth u (deg) and the arm angle (deg, from vertical).
// Dorsum's definitions (docs/SCENARIOS.md): stoop bends the trunk with the knees as given;
// semi-squat bends knees and trunk alike; squat bends the knees with the trunk at 45 % of it.
Posture techniquePosture(const ScenarioPosture& sp, double u, double arm) {
  Posture p = sp.angles;
  p.shoulder_flexion_deg = arm;
  switch (sp.technique) {
    case Technique::kStoop:
      p.trunk_flexion_deg = u;
      break;
    case Technique::kSemiSquat:
      p.trunk_flexion_deg = u, p.knee_flexion_deg = u;
      break;
    case Technique::kSquat:
      p.trunk_flexion_deg = 0.45 * u, p.knee_flexion_deg = u;
      break;
    case Technique::kNone:
      break;
  }
  return p;
}

// Newton's method on a 2 x 2 reach problem (finite-difference Jacobian, backtracking, steps
// kept inside the bounds). `residual` returns nothing where a posture is outside the model's
// ranges. Returns the final residual norm; x holds the solution.
template <typename F>
double solveReach(F residual, Eigen::Vector2d& x, const Eigen::Vector2d& lo,
                  const Eigen::Vector2d& hi) {
  std::optional<Eigen::Vector2d> r = residual(x);
  if (!r) return std::numeric_limits<double>::infinity();
  for (int it = 0; it < 60 && r->norm() > 1e-4; ++it) {
    Eigen::Matrix2d J;
    for (int k = 0; k < 2; ++k) {
      Eigen::Vector2d xh = x;
      const double h = xh[k] + 0.01 > hi[k] ? -0.01 : 0.01;
      xh[k] += h;
      const std::optional<Eigen::Vector2d> rh = residual(xh);
      if (!rh) return r->norm();
      J.col(k) = (*rh - *r) / h;
    }
    Eigen::Vector2d step = -J.colPivHouseholderQr().solve(*r);
    if (!step.allFinite()) break;
    if (step.cwiseAbs().maxCoeff() > 20.0) step *= 20.0 / step.cwiseAbs().maxCoeff();
    bool moved = false;
    double scale = 1.0;
    for (int k = 0; k < 14; ++k, scale *= 0.5) {
      const Eigen::Vector2d x1 = (x + scale * step).cwiseMax(lo).cwiseMin(hi);
      const std::optional<Eigen::Vector2d> r1 = residual(x1);
      if (r1 && r1->norm() < r->norm()) {
        x = x1, r = r1, moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  return r->norm();
}

// The posture that puts the hands (grip centres' midpoint) on the target. A target at or above
// the hands' height in upright standing is reached with the arms alone (shoulders and elbows,
// trunk upright); a lower one by the technique's bend, arms straight.
Posture reachTarget(const Model& m, Data& d, const ScenarioPosture& sp,
                    std::vector<std::string>& notes) {
  const HandTarget t = *sp.hand_target;
  const auto residualOf = [&](const Posture& p) -> std::optional<Eigen::Vector2d> {
    std::vector<std::string> ignored;
    try {
      applyPosture(m, d, p, &ignored);
    } catch (const InputError&) {
      return std::nullopt;  // outside a range
    }
    calcKinematics(m, d);
    const Vec3 g = gripMid(m, d), a = ankleMid(m, d);
    return Eigen::Vector2d(g.x() - a.x() - t.forward_m, g.y() - t.height_m);
  };
  // Arms alone: shoulder flexion and elbow flexion, trunk upright.
  Posture upright = sp.angles;
  upright.trunk_flexion_deg = 0.0, upright.knee_flexion_deg = 0.0;
  const auto arms = [&](const Eigen::Vector2d& x) {
    Posture p = upright;
    p.shoulder_flexion_deg = x[0], p.elbow_flexion_deg = x[1];
    return residualOf(p);
  };
  const std::optional<Eigen::Vector2d> hanging = arms(Eigen::Vector2d(0.0, 0.0));
  if (hanging && (*hanging)[1] <= 0.0) {
    Eigen::Vector2d x(20.0, 60.0);
    if (solveReach(arms, x, Eigen::Vector2d(-30.0, 0.0), Eigen::Vector2d(150.0, 145.0)) < 0.002) {
      upright.shoulder_flexion_deg = x[0], upright.elbow_flexion_deg = x[1];
      notes.push_back(
          fmt::format("the hands reach the load with the arms alone: shoulders {:.0f} "
                      "deg, elbows {:.0f} deg",
                      x[0], x[1]));
      return upright;
    }
  }
  // The technique's bend.
  const double u_max = sp.technique == Technique::kStoop ? 120.0 : 135.0;
  const auto bend = [&](const Eigen::Vector2d& x) {
    return residualOf(techniquePosture(sp, x[0], x[1]));
  };
  Eigen::Vector2d x(20.0, 0.0);
  const double miss =
      solveReach(bend, x, Eigen::Vector2d(0.0, -30.0), Eigen::Vector2d(u_max, 150.0));
  if (miss > 0.005) {
    const char* name = sp.technique == Technique::kStoop       ? "stoop"
                       : sp.technique == Technique::kSemiSquat ? "semi_squat"
                                                               : "squat";
    throw InputError(fmt::format(
        "posture: the hands cannot reach a load {:.2f} m ahead of the ankles and {:.2f} m above "
        "the floor with the {} technique (the closest posture within the joints' ranges misses "
        "it by {:.0f} mm)",
        t.forward_m, t.height_m, name, std::isfinite(miss) ? 1000.0 * miss : 0.0));
  }
  Posture p = techniquePosture(sp, x[0], x[1]);
  notes.push_back(
      fmt::format("posture found by reaching the hand target: trunk flexion {:.0f} deg, "
                  "knee flexion {:.0f} deg, arms {:.0f} deg from the vertical",
                  p.trunk_flexion_deg, p.knee_flexion_deg, p.shoulder_flexion_deg));
  return p;
}

// ---- loads and supports ------------------------------------------------------------------

bool inSubtree(const Model& m, int body, int root) {
  for (int b = body; b >= 0; b = m.body_parent[b])
    if (b == root) return true;
  return false;
}

void addLoad(Data& d, int body, const Vec3& point_W, const Vec3& force_W) {
  const Pose& X = d.body_pose[body];
  d.external_loads.push_back({body, X.R.transpose() * (point_W - X.p), force_W, Vec3::Zero()});
}

// Supports as external forces by the rules of docs/SCENARIOS.md, after calcKinematics and the
// hand loads. Returns the support forces for the result: name, point, force.
std::vector<std::tuple<std::string, Vec3, Vec3>> addSupports(const Model& m, Data& d,
                                                             const ScenarioPosture& sp,
                                                             std::vector<std::string>& notes) {
  std::vector<std::tuple<std::string, Vec3, Vec3>> out;
  if (sp.support == Support::kNone) return out;
  const Vec3 g = m.gravity;
  if (sp.support == Support::kBed) {
    // Each segment rests on the mattress under its own centre of mass.
    Vec3 total = Vec3::Zero();
    for (int b = 0; b < m.nbody; ++b) {
      if (m.body_mass[b] <= 0.0) continue;
      const Vec3 c = d.body_pose[b] * m.body_com[b];
      addLoad(d, b, c, -m.body_mass[b] * g);
      total += -m.body_mass[b] * g;
    }
    out.push_back({"bed", Vec3(d.body_pose[m.findBody("pelvis")].p), total});
    return out;
  }
  // Seat (and backrest). Weight and moment of everything, the hand loads included.
  Vec3 weight = Vec3::Zero(), moment = Vec3::Zero();  // about the world origin
  double feet_weight = 0.0;
  for (int b = 0; b < m.nbody; ++b) {
    if (m.body_mass[b] <= 0.0) continue;
    const Vec3 c = d.body_pose[b] * m.body_com[b];
    weight += m.body_mass[b] * g;
    moment += c.cross(m.body_mass[b] * g);
    const std::string& n = m.body_name[b];
    if (n.rfind("tibia", 0) == 0 || n.rfind("foot", 0) == 0)
      feet_weight += m.body_mass[b] * g.norm();
  }
  for (const ExternalLoad& e : d.external_loads) {
    const Vec3 p = d.body_pose[e.body] * e.point_B;
    weight += e.force_W;
    moment += p.cross(e.force_W);
  }
  Vec3 backrest = Vec3::Zero(), backrest_point = Vec3::Zero();
  if (sp.support == Support::kSeatBackrest) {
    // The trunk leans on the backrest as much as the moment of everything above L5/S1 about
    // that joint asks (extension: falling back); the backrest only pushes.
    const int l5 = m.findBody("L5");
    const Vec3 o = d.body_pose[l5].p;
    double m_ext = 0.0;
    for (int b = 0; b < m.nbody; ++b)
      if (m.body_mass[b] > 0.0 && inSubtree(m, b, l5))
        m_ext += ((d.body_pose[b] * m.body_com[b]) - o).cross(m.body_mass[b] * g).z();
    for (const ExternalLoad& e : d.external_loads)
      if (inSubtree(m, e.body, l5))
        m_ext += ((d.body_pose[e.body] * e.point_B) - o).cross(e.force_W).z();
    backrest_point = landmarkW(m, d, "T8.spinous_process_tip");
    const double beta = sp.backrest_recline_deg * kDeg;
    const Vec3 n(std::cos(beta), std::sin(beta), 0.0);
    const double lever = (backrest_point - o).cross(n).z();
    const double f = lever < 0.0 ? std::max(0.0, m_ext / -lever) : 0.0;
    backrest = f * n;
    if (f > 0.0) {
      addLoad(d, m.findBody("T8"), backrest_point, backrest);
      weight += backrest;  // (an applied force; "weight" is the sum of applied forces)
      moment += backrest_point.cross(backrest);
      out.push_back({"backrest", backrest_point, backrest});
    } else {
      notes.push_back(
          "the trunk does not lean on the backrest in this posture (no extension "
          "moment at L5/S1 for it to take)");
    }
  }
  // The feet carry the shanks and feet, under the ankles; the seat carries the rest.
  const Vec3 ankles = ankleMid(m, d);
  const double seat_force = -weight.y() - feet_weight;
  // Sagittal moment balance about z: seat x position.
  const double m_feet = ankles.x() * feet_weight;  // (x F_y) of the feet's upward force
  const double x_seat = (-moment.z() - m_feet) / seat_force;
  const Vec3 it_r = landmarkW(m, d, "pelvis.hip_joint_centre_r"),
             it_l = landmarkW(m, d, "pelvis.hip_joint_centre_l");
  const Vec3 th_r =
      0.5 * (landmarkW(m, d, "femur_r.hip_centre") + landmarkW(m, d, "femur_r.knee_centre"));
  const Vec3 th_l =
      0.5 * (landmarkW(m, d, "femur_l.hip_centre") + landmarkW(m, d, "femur_l.knee_centre"));
  const double x_it = 0.5 * (it_r.x() + it_l.x()), x_th = 0.5 * (th_r.x() + th_l.x());
  double alpha = (x_seat - x_it) / (x_th - x_it);
  if (alpha < -1e-6 || alpha > 1.0 + 1e-6)
    notes.push_back(fmt::format(
        "the seat cannot balance this posture: its centre of pressure would lie {:.0f} mm {} the "
        "{}; the forces are placed at the nearest edge",
        1000.0 * std::abs(alpha < 0 ? x_seat - x_it : x_seat - x_th),
        alpha < 0 ? "behind" : "ahead of", alpha < 0 ? "ischial tuberosities" : "mid-thighs"));
  alpha = std::clamp(alpha, 0.0, 1.0);
  const Vec3 up(0.0, seat_force, 0.0);
  const int pelvis = m.findBody("pelvis");
  // Ischial tuberosities: below the hip joint centres (their seat contact, an estimate).
  const Vec3 down = d.body_pose[pelvis].R * Vec3(-0.02, -0.07, 0.0);
  addLoad(d, pelvis, it_r + down, 0.5 * (1.0 - alpha) * up);
  addLoad(d, pelvis, it_l + down, 0.5 * (1.0 - alpha) * up);
  addLoad(d, m.findBody("femur_r"), th_r, 0.5 * alpha * up);
  addLoad(d, m.findBody("femur_l"), th_l, 0.5 * alpha * up);
  out.push_back({"seat", Vec3(x_seat, 0.5 * (it_r.y() + th_r.y()), 0.0), up});
  return out;
}

// ---- intra-abdominal pressure -----------------------------------------------------------

// IAP from the extensor moment at L4/L5 by the regression of Mairiaux, Davis, Stubbs and Baty
// 1984 (Ergonomics 27:883, 14 men lifting in an erect posture): IAP [kPa] = 0.079 M [N m] -
// 1.127, r = 0.75 (the abstract prints the constant as "1127": its decimal point was lost, since
// with -1127 the pressure would be negative for every moment). The pressure acts on the
// diaphragm's area, pushing the thorax (T12) up and the pelvic floor down along the line
// between points 5 cm in front of the T12 and S1 vertebral bodies (the abdominal cavity's
// axis; an estimate), and the abdominal wall that holds it is active: transversus abdominis and
// internal oblique at least at IAP / maximal IAP.
constexpr double kIapSlopeKPaPerNm = 0.079;  // Mairiaux et al. 1984
constexpr double kIapInterceptKPa = -1.127;  // Mairiaux et al. 1984 (see above)
constexpr double kDiaphragmAreaM2 = 0.0465;  // McGill and Norman 1987 (recalled, unverified)
constexpr double kMaxIapKPa = 20.0;          // estimate: a maximal Valsalva effort
constexpr double kIapOffsetM = 0.05;         // estimate: the cavity's axis before the bodies

Json addIntraAbdominalPressure(const Model& m, Data& d, Recruiter& recruiter) {
  calcInverseDynamics(m, d);
  const double moment = d.tau_inverse_dynamics[m.coord_dof[m.findCoordinate("L4_L5_extension")]];
  const double p_kpa = std::max(0.0, kIapSlopeKPaPerNm * moment + kIapInterceptKPa);
  const double force = 1000.0 * p_kpa * kDiaphragmAreaM2;
  const int t12 = m.findBody("T12"), pelvis = m.findBody("pelvis");
  const Vec3 top = landmarkW(m, d, "T12.vertebral_body_anterior") +
                   d.body_pose[t12].R * Vec3(kIapOffsetM, 0.0, 0.0);
  // S1's anterior surface: half an endplate depth (about 2.2 cm) before its centre.
  const Vec3 bottom = landmarkW(m, d, "pelvis.s1_endplate_centre") +
                      d.body_pose[pelvis].R * Vec3(kIapOffsetM + 0.022, 0.0, 0.0);
  const Vec3 axis = (top - bottom).normalized();
  const double a_min = std::min(1.0, p_kpa / kMaxIapKPa);
  if (force > 0.0) {
    addLoad(d, t12, top, force * axis);
    addLoad(d, pelvis, bottom, -force * axis);
    if (recruiter.settings.min_activation.empty())
      recruiter.settings.min_activation.assign(m.nmuscle, 0.0);
    for (int i = 0; i < m.nmuscle; ++i)
      if (m.muscle_anatomical[i] == "transversus_abdominis" ||
          m.muscle_anatomical[i] == "internal_oblique") {
        recruiter.settings.min_activation[i] =
            std::max(recruiter.settings.min_activation[i], a_min);
        recruiter.problem.lower[i] = recruiter.settings.min_activation[i];  // bounds of the problem
      }
  }
  return {{"pressure_kPa", p_kpa},
          {"force_N", force},
          {"L4_L5_extension_moment_Nm", moment},
          {"abdominal_wall_min_activation", a_min}};
}

// ---- the result --------------------------------------------------------------------------

bool isSpinalJoint(const std::string& name) {
  return name == "skull_C1" ||
         (name.size() > 3 && (name[0] == 'L' || name[0] == 'T' || name[0] == 'C') &&
          std::isdigit(name[1]));
}

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

Json vec(const Vec3& v) {
  return Json::array({v.x(), v.y(), v.z()});
}

// The repeated task held over time: every step, recruitment runs again with each muscle's
// strength reduced to its residual capacity (three-compartment model, docs/FATIGUE.md), the
// muscles' targets (activation x capacity, a fraction of the fresh maximum) drive the fatigue
// model through whole cycles of the task, and the work shifts to the muscles that still can.
// Endurance: the first time the muscles fall short of the task by more than 5 N m (the
// assessment's "cannot hold" threshold).
Json simulateFatigue(const Model& m, Data& d, Recruiter& recruiter, const Scenario& s) {
  const FatigueInput& in = s.fatigue;
  const FatigueParameters params = fatigueParametersFor(in.region);
  const std::vector<double> strength0 = recruiter.settings.strength;
  FatigueState state = makeFatigueState(m.nmuscle);
  Eigen::VectorXd capacity(m.nmuscle), target(m.nmuscle);
  const double total_s = 60.0 * in.duration_min;
  const int total_cycles = std::max(1, static_cast<int>(std::lround(total_s / in.cycle_s)));
  const int steps = std::min(total_cycles, 60);
  Json timeline = Json::array();
  std::optional<double> endurance_s;
  std::vector<double> force_start(m.nmuscle), force_end(m.nmuscle);
  int done = 0;
  for (int step = 0; step <= steps; ++step) {
    calcResidualCapacity(state, capacity);
    for (int i = 0; i < m.nmuscle; ++i) recruiter.settings.strength[i] = strength0[i] * capacity[i];
    solveRecruitment(m, d, recruiter);
    calcJointLoads(m, d);
    double reserve = 0.0;
    for (int k = 0; k < m.ndof; ++k) reserve = std::max(reserve, std::abs(d.reserve[k]));
    const double t = done * in.cycle_s;
    if (!endurance_s && reserve > 5.0) endurance_s = t;
    timeline.push_back({{"time_min", t / 60.0},
                        {"L4_L5_compression_N", -d.joint_force_D[m.findJoint("L4_L5")].y()},
                        {"max_reserve_Nm", reserve},
                        {"min_capacity", capacity.minCoeff()},
                        {"max_activation", d.activation.maxCoeff()}});
    for (int i = 0; i < m.nmuscle; ++i) {
      (step == 0 ? force_start : force_end)[i] = d.muscle_force[i] - d.muscle_passive_force[i];
      target[i] = d.activation[i] * capacity[i];
    }
    if (step == steps) break;
    const int cycles = (total_cycles - done) / (steps - step);
    stepIntermittent(params, target, in.duty_cycle, in.cycle_s, cycles, state);
    done += cycles;
  }
  recruiter.settings.strength = strength0;
  solveRecruitment(m, d, recruiter);  // back to the fresh state for the rest of the result
  calcJointLoads(m, d);
  // How the work shifted: active force per muscle and side, start versus end.
  std::map<std::pair<std::string, std::string>, std::array<double, 3>> shift;
  for (int i = 0; i < m.nmuscle; ++i) {
    auto& v = shift[{m.muscle_anatomical[i], m.muscle_side[i]}];
    v[0] += force_start[i], v[1] += force_end[i],
        v[2] = std::min(v[2] == 0 ? 1.0 : v[2], capacity[i]);
  }
  std::vector<std::pair<double, Json>> rows;
  for (const auto& [key, v] : shift)
    if (std::abs(v[1] - v[0]) > 1.0)
      rows.push_back({std::abs(v[1] - v[0]), Json{{"muscle", key.first},
                                                  {"side", key.second},
                                                  {"active_force_start_N", v[0]},
                                                  {"active_force_end_N", v[1]},
                                                  {"lowest_capacity", v[2]}}});
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  Json shifts = Json::array();
  for (size_t k = 0; k < std::min<size_t>(rows.size(), 12); ++k) shifts.push_back(rows[k].second);
  Json out = {{"region", in.region},
              {"F_per_s", params.F},
              {"R_per_s", params.R},
              {"duty_cycle", in.duty_cycle},
              {"cycle_s", in.cycle_s},
              {"duration_min", in.duration_min},
              {"endurance_time_min", endurance_s ? Json(*endurance_s / 60.0) : Json(nullptr)},
              {"timeline", timeline},
              {"work_shift", shifts}};
  return out;
}

}  // namespace

// The limits the assessment uses, with their sources (docs/SCENARIOS.md).
constexpr double kCompressionActionLimitN = 3400.0;  // NIOSH, Waters et al. 1993
constexpr double kCompressionMaximumN = 6400.0;      // NIOSH, Waters et al. 1993
constexpr double kShearFrequentN = 700.0;            // Gallagher and Marras 2012
constexpr double kShearOccasionalN = 1000.0;         // Gallagher and Marras 2012
constexpr double kOverstretchReport = 0.05;          // active overstretch worth listing

Json runScenario(const Scenario& s, const RunOptions& options) {
  std::vector<std::string> notes;
  const Model m = compile(subjectSpec(s, notes));
  Data d = makeData(m);
  const RecruitmentSettings settings = settingsFor(m, s);
  Recruiter recruiter = makeRecruiter(m, settings);

  Posture posture = s.posture.angles;
  if (s.posture.hand_target) posture = reachTarget(m, d, s.posture, notes);
  applyPosture(m, d, posture, &notes);
  calcKinematics(m, d);
  applyHandLoad(m, d, s.load.mass_kg, s.load.force_N,
                s.load.hands == "right"  ? Hands::kRight
                : s.load.hands == "left" ? Hands::kLeft
                                         : Hands::kBoth);
  const auto supports = addSupports(m, d, s.posture, notes);
  calcMusclePaths(m, d);
  calcMuscleState(m, d);
  Json iap = nullptr;
  if (s.intra_abdominal_pressure) iap = addIntraAbdominalPressure(m, d, recruiter);
  calcInverseDynamics(m, d);
  solveRecruitment(m, d, recruiter);
  calcJointLoads(m, d);

  Json out;
  out["subject"] = {{"height_m", s.subject.subject.height_m},
                    {"mass_kg", s.subject.subject.mass_kg},
                    {"sex", sexName(s.subject.subject.sex)},
                    {"strength_scale", s.subject.strength_scale},
                    {"core_strength_scale", s.subject.core_strength_scale},
                    {"flexibility_scale", s.subject.flexibility_scale}};
  const Vec3 grip = gripMid(m, d), ankles = ankleMid(m, d);
  out["posture"] = {{"name", s.posture.name},
                    {"trunk_flexion_deg", posture.trunk_flexion_deg},
                    {"knee_flexion_deg", posture.knee_flexion_deg},
                    {"shoulder_flexion_deg", posture.shoulder_flexion_deg},
                    {"elbow_flexion_deg", posture.elbow_flexion_deg},
                    {"trunk_lateral_bending_deg", posture.trunk_lateral_bending_deg},
                    {"trunk_axial_rotation_deg", posture.trunk_axial_rotation_deg},
                    {"hands_forward_m", grip.x() - ankles.x()},
                    {"hands_height_m", grip.y()}};
  // Lumbar flexion actually applied, and the pelvis tilt, read back from the coordinates.
  double lumbar = 0.0;
  for (const char* l : kLumbarJoints)
    lumbar -= d.q[m.coord_dof[m.findCoordinate(std::string(l) + "_extension")]];
  out["posture"]["lumbar_flexion_deg"] = lumbar / kDeg;
  out["posture"]["hip_flexion_deg"] = d.q[m.coord_dof[m.findCoordinate("hip_flexion_r")]] / kDeg;
  out["posture"]["pelvis_forward_tilt_deg"] =
      -d.q[m.coord_dof[m.findCoordinate("pelvis_tilt")]] / kDeg;
  out["load"] = {
      {"mass_kg", s.load.mass_kg}, {"hands", s.load.hands}, {"force_N", vec(s.load.force_N)}};
  // The NIOSH equation with the geometry of the posture: H from the ankles' midpoint to the
  // hands' midpoint on the floor, V the hands' height, A their angle from the sagittal plane.
  if (s.niosh.enabled) {
    const Vec3 rel = grip - ankles;
    niosh::Lift lift;
    lift.load = s.load.mass_kg;
    lift.h = 100.0 * std::hypot(rel.x(), rel.z());
    lift.v = 100.0 * grip.y();
    lift.d = s.niosh.vertical_travel_cm;
    lift.a = std::abs(std::atan2(rel.z(), rel.x())) / kDeg;
    lift.coupling = s.niosh.coupling == "poor"   ? niosh::Coupling::kPoor
                    : s.niosh.coupling == "fair" ? niosh::Coupling::kFair
                                                 : niosh::Coupling::kGood;
    lift.frequency_per_min = s.niosh.frequency_per_min;
    lift.duration_h = s.niosh.duration_h;
    lift.recovery_h = s.niosh.recovery_h;
    Json n = niosh::toJson(niosh::evaluate(lift), niosh::Units::kMetric);
    n["geometry_cm"] = {{"h", lift.h}, {"v", lift.v}, {"d", lift.d}, {"a_deg", lift.a}};
    out["niosh"] = n;
  }
  Json sup = Json::array();
  for (const auto& [name, point, force] : supports)
    sup.push_back({{"name", name}, {"point", vec(point)}, {"force_N", vec(force)}});
  out["supports"] = sup;
  out["intra_abdominal_pressure"] = iap;

  // Muscles: per muscle and side, force-weighted mean activation and total force.
  struct Sum {
    std::string layer, group;
    double a_f0 = 0, f0 = 0, force = 0, l_f0 = 0, overstretch = 0, capacity = 0;
    int n = 0;
  };
  std::map<std::pair<std::string, std::string>, Sum> sums;
  Json fascicles = Json::array();
  std::vector<std::pair<double, int>> stretched;
  for (int i = 0; i < m.nmuscle; ++i) {
    Sum& u = sums[{m.muscle_anatomical[i], m.muscle_side[i]}];
    u.layer = m.muscle_layer[i], u.group = m.muscle_group[i];
    const double f0 = m.muscle_max_force[i] * settings.strength[i];
    u.a_f0 += d.activation[i] * m.muscle_max_force[i];
    u.f0 += m.muscle_max_force[i];
    u.force += d.muscle_force[i];
    u.l_f0 += d.muscle_norm_fiber_length[i] * m.muscle_max_force[i];
    u.capacity += f0;
    // Active overstretch: activation x how far the fibres are beyond their optimal length.
    const double over = d.activation[i] * std::max(0.0, d.muscle_norm_fiber_length[i] - 1.0);
    u.overstretch = std::max(u.overstretch, over);
    if (over >= kOverstretchReport) stretched.push_back({over, i});
    ++u.n;
    fascicles.push_back({{"name", m.muscle_name[i]},
                         {"muscle", m.muscle_anatomical[i]},
                         {"side", m.muscle_side[i]},
                         {"activation", d.activation[i]},
                         {"force_N", d.muscle_force[i]},
                         {"passive_force_N", d.muscle_passive_force[i]},
                         {"normalized_fiber_length", d.muscle_norm_fiber_length[i]},
                         {"overstretch", over},
                         {"strength", settings.strength[i]}});
  }
  Json muscles = Json::array();
  for (const auto& [key, u] : sums)
    muscles.push_back({{"name", key.first},
                       {"side", key.second},
                       {"layer", u.layer},
                       {"group", u.group},
                       {"activation", u.a_f0 / u.f0},
                       {"force_N", u.force},
                       {"normalized_fiber_length", u.l_f0 / u.f0},
                       {"capacity_N", u.capacity},
                       {"max_overstretch", u.overstretch},
                       {"fascicles", u.n}});
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
                      {"moment_Nm", vec(M)}});
  }
  out["joints"] = joints;
  Json pressure = Json::object();
  for (const auto& [level, mpa] : calcLumbarDiscPressures(m, d, s.subject.subject))
    pressure[level] = mpa;
  out["disc_pressure_MPa"] = pressure;
  out["max_residual_Nm"] = d.max_residual;

  // Ligaments: the tension of every posterior ligament, and those beyond their failure force.
  Json ligaments = Json::array();
  std::vector<std::pair<double, int>> overloaded;  // share of the failure force, ligament
  for (int l = 0; l < m.nligament; ++l) {
    const double share = d.ligament_force[l] / m.ligament_failure_force[l];
    ligaments.push_back(
        {{"name", m.ligament_name[l]},
         {"joint", m.ligament_joint[l] >= 0 ? m.joint_name[m.ligament_joint[l]] : ""},
         {"force_N", d.ligament_force[l]},
         {"strain", d.ligament_length[l] / m.ligament_slack_length[l] - 1.0},
         {"failure_force_N", m.ligament_failure_force[l]},
         {"failure_share", share}});
    if (share >= 1.0) overloaded.push_back({share, l});
  }
  out["ligaments"] = ligaments;

  Json reserves = Json::array(), net = Json::array();
  double worst_reserve = 0.0;
  std::string worst_reserve_coord;
  for (int k = 0; k < m.ndof; ++k) {
    const int c = m.dof_coord[k];
    if (m.coord_balanced[c] && std::abs(d.reserve[k]) > 1e-3) {
      reserves.push_back(
          {{"coordinate", m.coord_name[c]},
           {"moment_Nm", d.reserve[k]},
           {"note", fmt::format("the muscles cannot supply {:.2f} N m of {}; a reserve actuator "
                                "supplies it",
                                std::abs(d.reserve[k]), senseOf(m.coord_name[c], d.reserve[k]))}});
      if (std::abs(d.reserve[k]) > std::abs(worst_reserve))
        worst_reserve = d.reserve[k], worst_reserve_coord = m.coord_name[c];
    }
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
      {"volume_weights", settings.volume_weights},
      {"iterations", d.recruitment_iterations},
      {"converged", d.recruitment_converged}};

  // Strain: the fascicles stretched beyond their optimal length while active.
  std::sort(stretched.rbegin(), stretched.rend());
  Json strain = Json::array();
  for (size_t k = 0; k < std::min<size_t>(20, stretched.size()); ++k) {
    const int i = stretched[k].second;
    strain.push_back({{"fascicle", m.muscle_name[i]},
                      {"muscle", m.muscle_anatomical[i]},
                      {"side", m.muscle_side[i]},
                      {"overstretch", stretched[k].first},
                      {"activation", d.activation[i]},
                      {"normalized_fiber_length", d.muscle_norm_fiber_length[i]}});
  }
  out["strain"] = strain;

  // Conditions, as applied.
  Json conditions = Json::array();
  for (const Condition& k : s.conditions) {
    Json c = {{"name", k.name}};
    if (k.kind == Condition::Kind::kStiffness) {
      c["kind"] = "stiffness";
      c["region"] = k.region;
      c["range_scale"] = k.range_scale;
      c["passive_scale"] = k.passive_scale;
    } else {
      const std::vector<int> which = musclesMatching(m, k, "conditions." + k.name);
      double a = 0.0, f0 = 0.0;
      for (int i : which) a += d.activation[i] * m.muscle_max_force[i], f0 += m.muscle_max_force[i];
      c["kind"] = k.kind == Condition::Kind::kSpasm ? "spasm" : "weakness";
      c["muscles"] = k.muscles;
      c["side"] = k.side;
      c["fascicles"] = which.size();
      if (k.kind == Condition::Kind::kSpasm)
        c["activation"] = k.activation;
      else
        c["strength"] = k.strength;
      c["mean_activation"] = f0 > 0 ? a / f0 : 0.0;
    }
    conditions.push_back(c);
  }
  out["conditions"] = conditions;

  // Assessment against the limits.
  Json assessment;
  std::vector<std::string> messages;
  int level = 0;  // 0 acceptable, 1 caution, 2 hazardous
  double worst_c = 0.0, worst_s = 0.0;
  std::string worst_c_level, worst_s_level;
  for (const Json& j : joints) {
    const std::string name = j["name"];
    if (name != "L4_L5" && name != "L5_S1") continue;
    if (j["compression_N"].get<double>() >= worst_c)
      worst_c = j["compression_N"], worst_c_level = name;
    if (std::abs(j["shear_ap_N"].get<double>()) >= std::abs(worst_s))
      worst_s = j["shear_ap_N"], worst_s_level = name;
  }
  if (worst_c > kCompressionMaximumN) {
    level = 2;
    messages.push_back(fmt::format("{} compression {:.0f} N exceeds the 6400 N maximum (NIOSH)",
                                   worst_c_level, worst_c));
  } else if (worst_c > kCompressionActionLimitN) {
    level = std::max(level, 1);
    messages.push_back(fmt::format(
        "{} compression {:.0f} N exceeds the 3400 N action limit (NIOSH)", worst_c_level, worst_c));
  }
  if (std::abs(worst_s) > kShearOccasionalN) {
    level = 2;
    messages.push_back(
        fmt::format("{} shear {:.0f} N exceeds the 1000 N limit for occasional loading (Gallagher "
                    "and Marras 2012)",
                    worst_s_level, std::abs(worst_s)));
  } else if (std::abs(worst_s) > kShearFrequentN) {
    level = std::max(level, 1);
    messages.push_back(
        fmt::format("{} shear {:.0f} N exceeds the 700 N limit for frequent loading (Gallagher and "
                    "Marras 2012)",
                    worst_s_level, std::abs(worst_s)));
  }
  if (std::abs(worst_reserve) > 5.0) {
    level = 2;
    messages.push_back(fmt::format(
        "the muscles cannot hold this task: {:.1f} N m of {} missing at {} (see reserves)",
        std::abs(worst_reserve), senseOf(worst_reserve_coord, worst_reserve), worst_reserve_coord));
  } else if (std::abs(worst_reserve) > 0.5) {
    level = std::max(level, 1);
    messages.push_back(
        fmt::format("the muscles fall {:.1f} N m short of {} at {}", std::abs(worst_reserve),
                    senseOf(worst_reserve_coord, worst_reserve), worst_reserve_coord));
  }
  if (out.contains("niosh") && out["niosh"]["origin"]["li"].is_number()) {
    const double li = out["niosh"]["origin"]["li"].get<double>();
    if (li > 3.0) {
      level = 2;
      messages.push_back(
          fmt::format("NIOSH lifting index {:.2f} is above 3: a high risk for "
                      "nearly all workers (Waters et al. 1994)",
                      li));
    } else if (li > 1.0) {
      level = std::max(level, 1);
      messages.push_back(
          fmt::format("NIOSH lifting index {:.2f} is above 1: an increased risk "
                      "for some workers (Waters et al. 1994)",
                      li));
    }
  } else if (out.contains("niosh")) {
    level = 2;
    messages.push_back("NIOSH: the lift lies beyond the equation's limits (RWL 0)");
  }
  if (s.fatigue.enabled) {
    out["fatigue"] = simulateFatigue(m, d, recruiter, s);
    const Json& e = out["fatigue"]["endurance_time_min"];
    if (e.is_number()) {
      level = std::max(level, 1);
      messages.push_back(
          fmt::format("fatigue: the muscles can no longer hold the repeated task "
                      "after {:.1f} min (of {:.0f})",
                      e.get<double>(), s.fatigue.duration_min));
    }
  }
  if (!overloaded.empty()) {
    std::sort(overloaded.rbegin(), overloaded.rend());
    level = 2;
    messages.push_back(fmt::format(
        "{} posterior ligament{} stretched beyond the failure force measured in vitro (most: {}, "
        "{:.0f} N, {:.0f}% of {:.0f} N); a sprain risk",
        overloaded.size(), overloaded.size() > 1 ? "s" : "", m.ligament_name[overloaded[0].second],
        d.ligament_force[overloaded[0].second], 100.0 * overloaded[0].first,
        m.ligament_failure_force[overloaded[0].second]));
  }
  if (!stretched.empty()) {
    level = std::max(level, 1);
    messages.push_back(
        fmt::format("{} fascicles work stretched beyond their optimal length (most: {} of {}, "
                    "active overstretch {:.2f}); a strain risk",
                    stretched.size(), m.muscle_name[stretched[0].second],
                    m.muscle_anatomical[stretched[0].second], stretched[0].first));
  }
  if (messages.empty())
    messages.push_back("spinal loads below the limits; the muscles hold the task");
  assessment["verdict"] = level == 0 ? "acceptable" : level == 1 ? "caution" : "hazardous";
  assessment["messages"] = messages;
  assessment["compression"] = {{"level", worst_c_level},
                               {"value_N", worst_c},
                               {"action_limit_N", kCompressionActionLimitN},
                               {"maximum_N", kCompressionMaximumN}};
  assessment["shear"] = {{"level", worst_s_level},
                         {"value_N", std::abs(worst_s)},
                         {"frequent_limit_N", kShearFrequentN},
                         {"occasional_limit_N", kShearOccasionalN}};
  out["assessment"] = assessment;
  out["warnings"] = notes;
  out["fascicles"] = fascicles;

  if (options.geometry) {
    Json geo;
    Json segs = Json::array();
    for (int b = 1; b < m.nbody; ++b) {
      const int p = m.body_parent[b];
      if (p <= 0) continue;
      segs.push_back({{"body", m.body_name[b]},
                      {"from", vec(d.body_pose[p].p)},
                      {"to", vec(d.body_pose[b].p)}});
    }
    for (const auto& [body, mark] :
         std::vector<std::pair<std::string, std::string>>{{"hand_r", "hand_r.grip_centre"},
                                                          {"hand_l", "hand_l.grip_centre"},
                                                          {"foot_r", "foot_r.toe_tip"},
                                                          {"foot_l", "foot_l.toe_tip"}}) {
      const int b = m.findBody(body);
      segs.push_back(
          {{"body", body}, {"from", vec(d.body_pose[b].p)}, {"to", vec(landmarkW(m, d, mark))}});
    }
    geo["segments"] = segs;
    Json fs = Json::array();
    for (int i = 0; i < m.nmuscle; ++i) {
      Json pts = Json::array();
      for (int k = m.muscle_point_start[i]; k < m.muscle_point_start[i] + m.muscle_point_count[i];
           ++k)
        if (d.point_active[k]) pts.push_back(vec(d.point_position_W[k]));
      fs.push_back({{"name", m.muscle_name[i]},
                    {"muscle", m.muscle_anatomical[i]},
                    {"side", m.muscle_side[i]},
                    {"layer", m.muscle_layer[i]},
                    {"activation", d.activation[i]},
                    {"points", pts}});
    }
    geo["fascicles"] = fs;
    Json loads = Json::array();
    for (const ExternalLoad& e : d.external_loads) {
      const std::string& body = m.body_name[e.body];
      if (body.rfind("hand", 0) != 0) continue;
      loads.push_back(
          {{"point", vec(d.body_pose[e.body] * e.point_B)}, {"force_N", vec(e.force_W)}});
    }
    geo["loads"] = loads;
    geo["supports"] = sup;
    out["geometry"] = geo;
  }
  return out;
}

Json analyzeScenario(const Scenario& s, const RunOptions& options,
                     void (*progress)(const std::string&)) {
  const auto variants = expandVariants(s);
  Json out;
  out["schema_version"] = kResultSchemaVersion;
  out["scenario"] = {{"name", s.name},
                     {"description", s.description},
                     {"source", s.source},
                     {"compare_with", s.compare_with}};
  if (progress) progress(fmt::format("{}: base case", s.name));
  Json base = runScenario(s, options);
  for (auto& [k, v] : base.items()) out[k] = v;
  Json list = Json::array();
  int n = 0;
  for (const auto& [label, v] : variants) {
    if (progress)
      progress(fmt::format("{}: variant {}/{}: {}", s.name, ++n, variants.size(), label));
    Json r;
    r["label"] = label;
    Json values = Json::object();
    for (const auto& [path, vals] : s.variants) {
      std::string pointer = "/" + path;
      std::replace(pointer.begin(), pointer.end(), '.', '/');
      values[path] = v.document.at(Json::json_pointer(pointer));
    }
    r["values"] = values;
    Json result;
    try {
      result = runScenario(v, options);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: variant {}: {}", s.source, label, e.what()));
    }
    for (const auto& [k, val] : result.items()) r[k] = val;
    list.push_back(r);
  }
  out["variants"] = list;
  return out;
}

}  // namespace dorsum
