// Postures: angles a person would name (trunk flexion, knee flexion, ...) turned into the
// model's coordinates, each spinal motion spread over its levels.
#include <fmt/format.h>
#include <cmath>

#include "dorsum/analysis.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"

namespace dorsum {
namespace {

constexpr double kDeg = M_PI / 180.0;

const auto& kLumbarLevels = kLumbarJoints;
const char* const kThoracicLevels[] = {"T11_T12", "T10_T11", "T9_T10", "T8_T9", "T7_T8", "T6_T7",
                                       "T5_T6",   "T4_T5",   "T3_T4",  "T2_T3", "T1_T2"};
const char* const kCervicalLevels[] = {"C7_T1", "C6_C7", "C5_C6", "C4_C5",
                                       "C3_C4", "C2_C3", "C1_C2", "skull_C1"};

int coordinateDof(const Model& m, const std::string& name) {
  const int c = m.findCoordinate(name);
  if (c < 0 || m.coord_dof[c] < 0)
    throw UsageError(fmt::format("posture: the model has no free coordinate '{}'", name));
  return m.coord_dof[c];
}

void setCoordinate(const Model& m, Data& d, const std::string& name, double value) {
  const int c = m.findCoordinate(name);
  const int k = coordinateDof(m, name);
  if (value < m.coord_min[c] - 1e-9 || value > m.coord_max[c] + 1e-9)
    throw InputError(
        fmt::format("posture: {} = {:.1f} deg is outside its range [{:.1f}, {:.1f}] deg", name,
                    value / kDeg, m.coord_min[c] / kDeg, m.coord_max[c] / kDeg));
  d.q[k] = value;
}

// The sum over `levels` of each coordinate's range in the direction of `sign`.
template <class Levels>
double rangeSum(const Model& m, const Levels& levels, const char* suffix, double sign) {
  double total = 0.0;
  for (const char* l : levels) {
    const int c = m.findCoordinate(std::string(l) + suffix);
    if (c < 0) continue;
    total += sign < 0 ? -m.coord_min[c] : m.coord_max[c];
  }
  return total;
}

// Spreads `total` (rad) over the levels in proportion to their ranges in its direction. The
// caller has checked that it fits; `what` names the motion in the message if it does not.
template <class Levels>
void spread(const Model& m, Data& d, const Levels& levels, const char* suffix, double total,
            const char* what) {
  if (total == 0.0) return;
  const double sign = total < 0 ? -1.0 : 1.0;
  const double range = rangeSum(m, levels, suffix, sign);
  if (std::abs(total) > range * (1.0 + 1e-9))
    throw InputError(fmt::format(
        "posture: {} of {:.1f} deg is beyond the spine's range in that direction ({:.1f} deg)",
        what, std::abs(total) / kDeg, range / kDeg));
  for (const char* l : levels) {
    const int c = m.findCoordinate(std::string(l) + suffix);
    if (c < 0) continue;
    const double r = sign < 0 ? -m.coord_min[c] : m.coord_max[c];
    d.q[m.coord_dof[c]] = total * r / range;
  }
}

double lowestSoleHeight(const Model& m, Data& d) {
  calcKinematics(m, d);
  double y = std::numeric_limits<double>::infinity();
  for (int g = 0; g < m.nground; ++g)
    y = std::min(y, (d.body_pose[m.ground_body[g]] * m.ground_location[g]).y());
  return y;
}

}  // namespace

double lumbarFlexionForTrunkFlexion(double t) {
  const double share = kRhythmInitialLumbarShare;
  if (t <= 0.0) return share * t;
  return share * kRhythmTauDeg * (1.0 - std::exp(-t / kRhythmTauDeg));
}

void applyPosture(const Model& m, Data& d, const Posture& p, std::vector<std::string>* notes) {
  setDefaultState(m, d);
  // Legs: thigh and shank angles from the vertical (forward positive); foot flat.
  // Standing: the shank leans forward by half the knee angle, up to the ankle's dorsiflexion
  // range (heels stay down), and the thigh takes the rest.
  const double knee = p.knee_flexion_deg * kDeg;
  const int ankle = m.findCoordinate("ankle_dorsiflexion_r");
  double thigh = knee - std::min(0.5 * knee, 0.95 * m.coord_max[ankle]);
  if (p.base == BasePosture::kSitting) thigh = 90.0 * kDeg;
  if (p.base == BasePosture::kLyingSupine) thigh = 0.0;

  // Sagittal plane: thorax angle = pelvis forward tilt + lumbar flexion + thoracic flexion,
  // and hip flexion = thigh angle + pelvis forward tilt.
  const double trunk = p.trunk_flexion_deg * kDeg;
  const double thoracic = p.thoracic_flexion_deg * kDeg;
  if (p.lumbar_flexion_deg && p.hip_flexion_deg)
    throw InputError(
        "posture: give the lumbar flexion or the hip flexion, not both: with the trunk flexion "
        "the one fixes the other");
  double lumbar = p.lumbar_flexion_deg ? *p.lumbar_flexion_deg * kDeg
                  : p.hip_flexion_deg
                      ? trunk - thoracic - (*p.hip_flexion_deg * kDeg - thigh)
                      : lumbarFlexionForTrunkFlexion((trunk - thoracic) / kDeg) * kDeg;
  const bool from_rhythm = !p.lumbar_flexion_deg && !p.hip_flexion_deg;
  // A stiff lumbar spine cannot give what the rhythm asks: the hips take the rest.
  const double lumbar_range = rangeSum(m, kLumbarLevels, "_extension", lumbar < 0 ? 1.0 : -1.0);
  if (from_rhythm && std::abs(lumbar) > lumbar_range) {
    const double capped = std::copysign(lumbar_range, lumbar);
    if (notes)
      notes->push_back(fmt::format(
          "lumbar flexion limited to its range, {:.1f} deg; the pelvis tilts {:.1f} deg more",
          std::abs(capped) / kDeg, std::abs(lumbar - capped) / kDeg));
    lumbar = capped;
  }
  spread(m, d, kLumbarLevels, "_extension", -lumbar, "lumbar flexion");
  spread(m, d, kThoracicLevels, "_extension", -thoracic, "thoracic flexion");
  const double pelvis_forward = trunk - lumbar - thoracic;

  // Lateral bending and axial rotation over the lumbar and thoracic levels together.
  static const char* const kTrunkLevels[] = {
      "L5_S1", "L4_L5", "L3_L4", "L2_L3", "L1_L2", "T12_L1", "T11_T12", "T10_T11", "T9_T10",
      "T8_T9", "T7_T8", "T6_T7", "T5_T6", "T4_T5", "T3_T4",  "T2_T3",   "T1_T2"};
  spread(m, d, kTrunkLevels, "_lateral_bending", p.trunk_lateral_bending_deg * kDeg,
         "trunk lateral bending");
  spread(m, d, kTrunkLevels, "_axial_rotation", p.trunk_axial_rotation_deg * kDeg,
         "trunk axial rotation");
  spread(m, d, kCervicalLevels, "_extension", -p.neck_flexion_deg * kDeg, "neck flexion");

  double pelvis_tilt = -pelvis_forward;
  if (p.base == BasePosture::kLyingSupine)
    pelvis_tilt = 90.0 * kDeg - pelvis_forward;  // lying on the back
  const double shank = thigh - knee;
  setCoordinate(m, d, "pelvis_tilt", pelvis_tilt);
  // Arms: the shoulder angle from the vertical (world) when upright; from the trunk lying.
  const double arm = p.base == BasePosture::kLyingSupine
                         ? p.shoulder_flexion_deg * kDeg
                         : (p.shoulder_flexion_deg + p.trunk_flexion_deg) * kDeg;
  for (const char* s : {"_r", "_l"}) {
    const double hip = p.base == BasePosture::kLyingSupine ? 0.0 : thigh + pelvis_forward;
    setCoordinate(m, d, std::string("hip_flexion") + s, hip);
    setCoordinate(m, d, std::string("knee_flexion") + s, knee);
    setCoordinate(m, d, std::string("ankle_dorsiflexion") + s,
                  p.base == BasePosture::kLyingSupine ? 0.0 : -shank);
    setCoordinate(m, d, std::string("shoulder_flexion") + s, arm);
    setCoordinate(m, d, std::string("shoulder_adduction") + s, -p.shoulder_abduction_deg * kDeg);
    setCoordinate(m, d, std::string("elbow_flexion") + s, p.elbow_flexion_deg * kDeg);
  }
  // Standing and sitting: the soles on the ground. Lying: the back on a bed 0.5 m high.
  const int ty = coordinateDof(m, "pelvis_ty");
  if (p.base == BasePosture::kLyingSupine) {
    d.q[ty] = 0.5 + 0.12;  // the pelvis centre about 12 cm above the mattress
  } else {
    d.q[ty] -= lowestSoleHeight(m, d);
  }
  d.stages = 0;
}

}  // namespace dorsum
