// The first analyses on the built-in model: a posture and a load in the hands, through the
// whole pipeline (kinematics, paths, muscle state, inverse dynamics, recruitment, joint loads),
// and the loads on the spine that come out. Issue 5 grows this into scenario files.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dorsum/anatomy.hpp"
#include "dorsum/data.hpp"
#include "dorsum/recruitment.hpp"

namespace dorsum {

// Angles in degrees with their sense in the name (DESIGN.md conventions).
struct Posture {
  double trunk_flexion_deg = 0.0;     // forward; spread over the lumbar levels and the hips
  double knee_flexion_deg = 0.0;      // squatting; the hips and ankles follow to keep the feet flat
  double shoulder_flexion_deg = 0.0;  // arms forward, relative to the vertical (world)
  double elbow_flexion_deg = 0.0;
};

struct Task {
  std::string name;
  std::string description;
  Posture posture;
  double hand_load_kg = 0.0;  // held in both hands, shared equally, at the grip centres
};

// The built-in tasks (`dorsum analyze --builtin NAME`).
const std::vector<Task>& builtinTasks();
const Task* findBuiltinTask(const std::string& name);

// Lumbopelvic rhythm: the share of trunk flexion taken by the lumbar spine (the rest by the
// pelvis rotating on the hips), spread over L5/S1 ... T12/L1 in proportion to each level's
// flexion range. docs/ANALYSIS.md gives the source.
inline constexpr double kLumbarShareOfTrunkFlexion = 0.6;

// Writes the posture into data.q (every other coordinate at its default) and places the
// pelvis so that the feet stay flat on the ground. Throws InputError for an angle outside the
// coordinates' ranges, naming it.
void applyPosture(const Model& model, Data& data, const Posture& posture);

// The held load as external forces at the hands' grip centres (half in each hand).
void applyHandLoad(const Model& model, Data& data, double mass_kg);

// Intradiscal pressure estimate, MPa: 1.5 x compression / endplate area (Nachemson 1960's
// correction factor for the nucleus; areas from data/anatomy/spine.toml, scaled to the subject).
std::map<std::string, double> calcLumbarDiscPressures(const Model& model, const Data& data,
                                                      const Subject& subject);

// Runs the whole pipeline on a task; data and recruiter are reused between calls.
void runTask(const Model& model, Data& data, Recruiter& recruiter, const Task& task);

}  // namespace dorsum
