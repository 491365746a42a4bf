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

static Posture posture(double trunk_flexion_deg) {
  Posture p;
  p.trunk_flexion_deg = trunk_flexion_deg;
  return p;
}

const std::vector<Task>& builtinTasks() {
  static const std::vector<Task> tasks{
      {"standing", "Relaxed upright standing, arms hanging, no load", {}, 0.0},
      {"standing_flexed",
       "Standing with the trunk flexed 45 degrees forward, arms hanging, no load", posture(45.0),
       0.0},
      {"lift_20kg_round_back",
       "Stoop lift: 20 kg held in both hands with straight knees and the trunk flexed 75 degrees "
       "(arms hanging)",
       posture(75.0), 20.0},
  };
  return tasks;
}

const Task* findBuiltinTask(const std::string& name) {
  for (const Task& t : builtinTasks())
    if (t.name == name) return &t;
  return nullptr;
}

void applyHandLoad(const Model& m, Data& d, double mass_kg, const Vec3& extra_force_W,
                   Hands hands) {
  d.external_loads.clear();
  const double share = hands == Hands::kBoth ? 0.5 : 1.0;
  const Vec3 force = share * (mass_kg * m.gravity + extra_force_W);
  if (force.norm() == 0.0) return;
  for (const char* grip : {"hand_r.grip_centre", "hand_l.grip_centre"}) {
    const bool right = grip[5] == 'r';
    if ((right && hands == Hands::kLeft) || (!right && hands == Hands::kRight)) continue;
    const int l = m.findLandmark(grip);
    d.external_loads.push_back({m.landmark_body[l], m.landmark_location[l], force, Vec3::Zero()});
  }
}

namespace {

// The lumbar endplate areas of the reference geometry, read once from the embedded data.
struct EndplateAreas {
  double reference_stature_m = 0.0;
  std::map<std::string, double> area_m2;  // by vertebra (the disc's lower endplate)
};

const EndplateAreas& endplateAreas() {
  static const EndplateAreas areas = [] {
    EndplateAreas a;
    const toml::value file = anatomy::parseDataFile("spine.toml");
    const anatomy::Table vertebrae = anatomy::root(file, "spine.toml").at("vertebrae");
    a.reference_stature_m =
        anatomy::root(anatomy::parseDataFile("anthropometry.toml"), "anthropometry.toml")
            .at("reference_subject")
            .at("male")
            .number("stature_m");
    for (const char* v : {"L2", "L3", "L4", "L5", "S1"})
      a.area_m2[v] = vertebrae.at(v).number("endplate_area_m2");
    return a;
  }();
  return areas;
}

}  // namespace

std::map<std::string, double> calcLumbarDiscPressures(const Model& m, const Data& d,
                                                      const Subject& s) {
  const EndplateAreas& areas = endplateAreas();
  const double scale = s.height_m / areas.reference_stature_m;
  std::map<std::string, double> out;
  for (const char* j : {"L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1"}) {
    const std::string lower = std::string(j).substr(3);  // the disc's area: the lower endplate
    const double area = areas.area_m2.at(lower) * scale * scale;
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
