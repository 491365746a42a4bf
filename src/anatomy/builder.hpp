// Internal: the state shared by the parts of the built-in model generator.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dorsum/anatomy.hpp"
#include "tables.hpp"

namespace dorsum::anatomy {

constexpr double kDeg = 3.14159265358979323846 / 180.0;

// Reflection across the sagittal plane (z -> -z), which turns the right side into the left.
inline Vec3 mirrored(const Vec3& p) {
  return {p.x(), p.y(), -p.z()};
}
inline Mat3 mirrored(const Mat3& R) {
  const Mat3 S = Eigen::Vector3d(1.0, 1.0, -1.0).asDiagonal();
  return S * R * S;
}
inline Pose mirrored(const Pose& X) {
  return {mirrored(X.R), mirrored(X.p)};
}
// A rotation axis mirrored so that the same coordinate value gives the mirrored motion:
// S R(a, q) S = R((-a_x, -a_y, a_z), q).
inline Vec3 mirroredAxis(const Vec3& a) {
  return {-a.x(), -a.y(), a.z()};
}

inline Mat3 rotZ(double deg) {
  return rotationAbout(Vec3::UnitZ(), deg * kDeg);
}

struct Builder {
  Subject subject;
  double length_scale = 1.0;       // subject height / reference height of the geometry
  double reference_mass_kg = 0.0;  // mass of the subject the data describe (muscle strength)
  toml::value spine_file, limbs_file, thorax_file, anthro_file, passive_file;
  Table spine, limbs, thorax, anthro, passive;
  ModelSpec spec;
  std::map<std::string, Pose> neutral;  // X_PB: body frames in the pelvis frame, neutral posture

  explicit Builder(const Subject& s);

  double len(double metres) const { return metres * length_scale; }
  Vec3 len(const Vec3& metres) const { return metres * length_scale; }
  // Segment entry of anthropometry.toml for the subject's sex.
  Table segment(const std::string& name) const;
  double segmentMass(const std::string& name) const;  // kg, normalised so that all sum to mass

  // Landmarks of a data table onto a body, mirrored for the left side.
  // Lengths are multiplied by `scale` (the subject's length_scale when negative).
  void addLandmarks(const Table& table, const std::string& body, bool left,
                    const std::vector<std::string>& skip = {}, double scale = -1.0);
  CoordinateSpec& coordinate(const std::string& name, double default_deg, double min_deg,
                             double max_deg);
};

// The left-side name of a right-side body or landmark name: every "_r" token becomes "_l"
// ("scapula_r.superior_angle" -> "scapula_l.superior_angle", "L4.tip_r" -> "L4.tip_l").
std::string leftName(std::string name);

void buildSpine(Builder& b);
void buildThorax(Builder& b);
void buildArm(Builder& b, bool left);
void buildLeg(Builder& b, bool left);
// Landmarks of data/anatomy/landmarks*.toml: [landmarks.<body>] tables of midline bodies
// ("L3", "pelvis") or of sided ones without their suffix ("scapula", "rib7").
void addExtraLandmarks(Builder& b);
void buildMuscles(Builder& b);
// Intervertebral moment-angle stiffness, the balanced coordinates, ground and scapulothoracic
// contacts.
void addPassiveAndBalance(Builder& b);
void addLigaments(Builder& b);
void addContacts(Builder& b);

const std::map<std::string, std::string_view>& embeddedFiles();  // embedded_anatomy.cpp

}  // namespace dorsum::anatomy
