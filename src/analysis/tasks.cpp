#include <fmt/format.h>
#include <cmath>

#include "../anatomy/builder.hpp"
#include "dorsum/analysis.hpp"
#include "dorsum/dynamics.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/loads.hpp"
#include "dorsum/muscle.hpp"
#include "dorsum/muscle_path.hpp"

namespace dorsum {

const std::vector<Task>& builtinTasks() {
  static const std::vector<Task> tasks{
      {"standing", "Relaxed upright standing, arms hanging, no load", {}, 0.0},
      {"standing_flexed",
       "Standing with the trunk flexed 45 degrees forward, arms hanging, no load",
       {45.0, 0.0, 0.0, 0.0},
       0.0},
      {"lift_20kg_round_back",
       "Stoop lift: 20 kg held in both hands with straight knees and the trunk flexed 75 degrees "
       "(arms hanging)",
       {75.0, 0.0, 0.0, 0.0},
       20.0},
  };
  return tasks;
}

const Task* findBuiltinTask(const std::string& name) {
  for (const Task& t : builtinTasks())
    if (t.name == name) return &t;
  return nullptr;
}

namespace {

constexpr double kDeg = M_PI / 180.0;

void setCoordinate(const Model& m, Data& d, const std::string& name, double value) {
  const int c = m.findCoordinate(name);
  if (c < 0 || m.coord_dof[c] < 0)
    throw UsageError(fmt::format("posture: no free coordinate '{}'", name));
  if (value < m.coord_min[c] - 1e-12 || value > m.coord_max[c] + 1e-12)
    throw InputError(
        fmt::format("posture: {} = {:.1f} deg is outside its range [{:.1f}, {:.1f}] deg", name,
                    value / kDeg, m.coord_min[c] / kDeg, m.coord_max[c] / kDeg));
  d.q[m.coord_dof[c]] = value;
}

double soleHeight(const Model& m, Data& d) {
  calcKinematics(m, d);
  const int g = 0;  // the right foot's ground contact
  return (d.body_pose[m.ground_body[g]] * m.ground_location[g]).y();
}

}  // namespace

void applyPosture(const Model& m, Data& d, const Posture& p) {
  setDefaultState(m, d);
  // Lumbar flexion spread over the levels by their flexion ranges; the pelvis takes the rest.
  const char* levels[] = {"L5_S1", "L4_L5", "L3_L4", "L2_L3", "L1_L2", "T12_L1"};
  double total_range = 0.0;
  for (const char* l : levels)
    total_range += -m.coord_min[m.findCoordinate(std::string(l) + "_extension")];
  const double lumbar = kLumbarShareOfTrunkFlexion * p.trunk_flexion_deg * kDeg;
  for (const char* l : levels) {
    const int c = m.findCoordinate(std::string(l) + "_extension");
    setCoordinate(m, d, m.coord_name[c], -lumbar * (-m.coord_min[c]) / total_range);
  }
  const double pelvis = (1.0 - kLumbarShareOfTrunkFlexion) * p.trunk_flexion_deg * kDeg;
  // Squat: the shanks lean forward by half the knee angle and the thighs back by the other
  // half (feet flat), the hips flex to keep the pelvis tilt asked for.
  const double knee = p.knee_flexion_deg * kDeg;
  setCoordinate(m, d, "pelvis_tilt", -pelvis);
  for (const char* s : {"_r", "_l"}) {
    setCoordinate(m, d, std::string("hip_flexion") + s, pelvis + 0.5 * knee);
    setCoordinate(m, d, std::string("knee_flexion") + s, knee);
    setCoordinate(m, d, std::string("ankle_dorsiflexion") + s, 0.5 * knee);
    // Arms: the trunk's forward flexion turns them back with it; the shoulder flexes by as
    // much again so that the arm's angle to the vertical is the one asked for.
    setCoordinate(m, d, std::string("shoulder_flexion") + s,
                  (p.shoulder_flexion_deg + p.trunk_flexion_deg) * kDeg);
    setCoordinate(m, d, std::string("elbow_flexion") + s, p.elbow_flexion_deg * kDeg);
  }
  // Feet flat on the ground: lower the pelvis by the soles' height.
  const int ty = m.coord_dof[m.findCoordinate("pelvis_ty")];
  d.q[ty] -= soleHeight(m, d);
  d.stages = 0;
}

void applyHandLoad(const Model& m, Data& d, double mass_kg) {
  d.external_loads.clear();
  if (mass_kg <= 0.0) return;
  for (const char* hand : {"hand_r", "hand_l"}) {
    const int l = m.findLandmark(std::string(hand) + ".grip_centre");
    d.external_loads.push_back(
        {m.landmark_body[l], m.landmark_location[l], 0.5 * mass_kg * m.gravity, Vec3::Zero()});
  }
}

std::map<std::string, double> calcLumbarDiscPressures(const Model& m, const Data& d,
                                                      const Subject& s) {
  const toml::value file = anatomy::parseDataFile("spine.toml");
  const anatomy::Table vertebrae = anatomy::root(file, "spine.toml").at("vertebrae");
  const double ref =
      anatomy::root(anatomy::parseDataFile("anthropometry.toml"), "anthropometry.toml")
          .at("reference_subject")
          .at("male")
          .number("stature_m");
  const double scale = s.height_m / ref;
  std::map<std::string, double> out;
  for (const char* j : {"L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1"}) {
    const std::string lower = std::string(j).substr(3);  // the disc's area: the lower endplate
    const double area = vertebrae.at(lower).number("endplate_area_m2") * scale * scale;
    const double compression = -d.joint_force_D[m.findJoint(j)].y();
    out[j] = 1.5 * compression / area * 1e-6;  // Nachemson 1960: IDP = 1.5 F / A
  }
  return out;
}

void runTask(const Model& model, Data& data, Recruiter& recruiter, const Task& task) {
  applyPosture(model, data, task.posture);
  applyHandLoad(model, data, task.hand_load_kg);
  calcKinematics(model, data);
  calcMusclePaths(model, data);
  calcMuscleState(model, data);
  calcInverseDynamics(model, data);
  solveRecruitment(model, data, recruiter);
  calcJointLoads(model, data);
}

}  // namespace dorsum
