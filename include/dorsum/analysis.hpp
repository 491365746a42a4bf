// The first analyses on the built-in model: a posture and a load in the hands, through the
// whole pipeline (kinematics, paths, muscle state, inverse dynamics, recruitment, joint loads),
// and the loads on the spine that come out. Issue 5 grows this into scenario files.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dorsum/anatomy.hpp"
#include "dorsum/data.hpp"
#include "dorsum/recruitment.hpp"

namespace dorsum {

enum class BasePosture { kStanding, kSitting, kLyingSupine };

// Angles in degrees with their sense in the name (DESIGN.md conventions; positive senses are
// the ISB right-hand senses: lateral bending to the right, axial rotation to the left).
struct Posture {
  double trunk_flexion_deg = 0.0;     // thorax forward from its standing orientation
  double knee_flexion_deg = 0.0;      // standing: squatting, feet flat; sitting: 90 at a chair
  double shoulder_flexion_deg = 0.0;  // arms forward, from the vertical (lying: from the trunk)
  double elbow_flexion_deg = 0.0;
  BasePosture base = BasePosture::kStanding;
  // The lumbar spine's part of the trunk flexion; empty: the lumbopelvic rhythm
  // (lumbarFlexionForTrunkFlexion). The pelvis takes what the lumbar and thoracic spines do not.
  std::optional<double> lumbar_flexion_deg;
  // The hip flexion instead (it fixes the pelvis, and so the lumbar part); at most one of the
  // two may be given.
  std::optional<double> hip_flexion_deg;
  double thoracic_flexion_deg = 0.0;       // spread over T1/T2 ... T12/L1's neighbours
  double trunk_lateral_bending_deg = 0.0;  // to the right; spread over L5/S1 ... T1/T2
  double trunk_axial_rotation_deg = 0.0;   // to the left; spread over L5/S1 ... T1/T2
  double neck_flexion_deg = 0.0;           // spread over C7/T1 ... skull/C1
  double shoulder_abduction_deg = 0.0;
};

// The lumbar intervertebral joints from the sacrum upward; T12/L1 counts as lumbar, as in the
// lumbar flexion range, the lumbopelvic rhythm and the disc pressures.
inline constexpr std::array<const char*, 6> kLumbarJoints = {"L5_S1", "L4_L5", "L3_L4",
                                                             "L2_L3", "L1_L2", "T12_L1"};

struct Task {
  std::string name;
  std::string description;
  Posture posture;
  double hand_load_kg = 0.0;  // held in both hands, shared equally, at the grip centres
};

// The built-in tasks (`dorsum analyze --builtin NAME`).
const std::vector<Task>& builtinTasks();
const Task* findBuiltinTask(const std::string& name);

// Lumbopelvic rhythm: the lumbar spine's part of a forward trunk flexion (both in degrees),
// the rest taken by the pelvis rotating on the hips. L(t) = L_max (1 - exp(-t / tau)): the
// lumbar spine leads early in the bend and the hips late. Two published facts fix it: the
// lumbar-to-hip ratio of about 2:1 early in flexion (initial slope 2/3; as summarised in BMC
// Musculoskelet Disord 18:1515, 2017) and 41.6 deg of lumbar flexion at 111 deg of forward bending
// (Esola et al. 1996, Spine 21:71), giving tau = 86.15 deg and L_max = 57.44 deg. Extension
// (t < 0) keeps the initial share. docs/SCENARIOS.md shows the curve.
inline constexpr double kRhythmInitialLumbarShare = 2.0 / 3.0;
inline constexpr double kRhythmTauDeg = 86.15;
double lumbarFlexionForTrunkFlexion(double trunk_flexion_deg);

// Writes the posture into data.q (every other coordinate at its default) and places the
// body: standing and sitting with the feet flat on the ground, lying on a bed. Each spinal
// motion is spread over its levels in proportion to their ranges in that direction. Lumbar
// flexion beyond the lumbar range is taken by the pelvis (a note says so when `notes` is
// given); any other angle outside a coordinate's range throws InputError naming it.
void applyPosture(const Model& model, Data& data, const Posture& posture,
                  std::vector<std::string>* notes = nullptr);

enum class Hands { kBoth, kRight, kLeft };

// Replaces data.external_loads by what the hands hold: the weight of mass_kg plus a further
// force (world frame, e.g. pushing), at the grip centres of the hands given, shared equally.
void applyHandLoad(const Model& model, Data& data, double mass_kg,
                   const Vec3& extra_force_W = Vec3::Zero(), Hands hands = Hands::kBoth);

// Intradiscal pressure estimate, MPa: 1.5 x compression / endplate area (Nachemson 1960's
// correction factor for the nucleus; areas from data/anatomy/spine.toml, scaled to the subject).
std::map<std::string, double> calcLumbarDiscPressures(const Model& model, const Data& data,
                                                      const Subject& subject);

// Runs the whole pipeline on a task; data and recruiter are reused between calls.
void runTask(const Model& model, Data& data, Recruiter& recruiter, const Task& task);

}  // namespace dorsum
