// Ribs and sternum, shoulder girdles and arms, and legs of the built-in model.
#include <fmt/format.h>
#include <cmath>

#include "builder.hpp"

namespace dorsum::anatomy {
namespace {

using Motion = JointAxisSpec::Motion;

JointAxisSpec rotation(const std::string& coordinate, const Vec3& axis, bool left) {
  return {Motion::Rotation, left ? mirroredAxis(axis) : axis, coordinate, {}};
}

std::string sided(const std::string& name, bool left) {
  return name + (left ? "_l" : "_r");
}

Pose sidedPose(const Pose& X, bool left) {
  return left ? mirrored(X) : X;
}

// Body of a limb segment hanging along -Y from its proximal joint (de Leva's segment axes):
// mass, centre of mass along the segment and inertia from the radii of gyration.
void addSegmentBody(Builder& b, const std::string& body, const std::string& segment,
                    const Vec3& direction) {
  const Table seg = b.segment(segment);
  const double m = b.segmentMass(segment);
  const double L = seg.number("length_per_stature") * b.subject.height_m;
  const Vec3 r(seg.number("r_gyr_x"), seg.number("r_gyr_y"), seg.number("r_gyr_z"));
  const Mat3 I = Eigen::Vector3d(m * std::pow(r.x() * L, 2), m * std::pow(r.y() * L, 2),
                                 m * std::pow(r.z() * L, 2))
                     .asDiagonal();
  b.spec.addBody(body, m, seg.number("com_from_proximal") * L * direction, I);
}

// A coordinate's range in degrees from limbs.toml [joints.<joint>].range_deg.
std::pair<double, double> jointRange(const Builder& b, const char* joint, const char* coord) {
  const toml::value& r = b.limbs.at("joints").at(joint).at("range_deg").raw(coord);
  const auto num = [](const toml::value& x) {
    return x.is_integer() ? static_cast<double>(x.as_integer()) : x.as_floating();
  };
  return {num(r.as_array()[0]), num(r.as_array()[1])};
}

double segmentLength(const Builder& b, const std::string& segment) {
  return b.segment(segment).number("length_per_stature") * b.subject.height_m;
}

// A one-rotation joint (elbow, wrist, knee, ankle) at the distal end of the parent segment
// (its de Leva length below the parent's origin): coordinate `coord` of limbs.toml
// [joints.<joint>] about `axis`.
void addDistalHinge(Builder& b, bool left, const char* joint, const char* coord,
                    const std::string& parent, const std::string& child, const char* parent_segment,
                    const Vec3& axis) {
  const auto [lo, hi] = jointRange(b, joint, coord);
  b.coordinate(sided(coord, left), 0.0, lo, hi);
  Pose F;
  F.p = -segmentLength(b, parent_segment) * Vec3::UnitY();
  b.spec.addJoint(JointSpec::custom(sided(joint, left), parent, child,
                                    {rotation(sided(coord, left), axis, left)},
                                    sidedPose(F, left)));
}

// Limb landmark tables are written for the reference male; those of a long bone scale with
// the subject's own segment length (de Leva, by sex), so that they meet the joints.
void addLimbLandmarks(Builder& b, const std::string& table, const std::string& body, bool left,
                      const std::string& segment = "") {
  double scale = b.length_scale;
  if (!segment.empty())
    scale = segmentLength(b, segment) /
            b.anthro.at("segments").at(segment).at("male").number("length_m");
  b.addLandmarks(b.limbs.at("landmarks").at(table), body, left, {}, scale);
}

}  // namespace

// ---- ribs and sternum ---------------------------------------------------------------------

void buildThorax(Builder& b) {
  const Table breathing = b.thorax.at("breathing");
  const double neutral = breathing.number("neutral");
  // One breathing coordinate (0 full expiration, 1 full inspiration) drives the ribs and the
  // sternum through couplings; it is held (locked) at its neutral phase until breathing is
  // modelled, so the ribs move with their thoracic vertebrae.
  CoordinateSpec& breath = b.spec.addCoordinate("breathing", neutral, 0.0, 1.0);
  breath.rotational = false;
  breath.locked = true;
  for (int k = 1; k <= 12; ++k) {
    const Table rib = b.thorax.at("ribs").at(std::to_string(k));
    const std::string vertebra = rib.text("vertebra");
    const double range = rib.number("elevation_range_deg") * kDeg;
    for (bool left : {false, true}) {
      const std::string body = sided(fmt::format("rib{}", k), left);
      const std::string coord = body + "_elevation";
      // Ribs carry no mass of their own: Pearsall's level masses include them.
      b.spec.addBody(body, 0.0);
      b.spec.addCoordinate(coord, 0.0, -range, range).coupling = {
          {"breathing", Function::linear(range, -range * neutral)}};
      Pose F;
      F.p = b.len(rib.vec3("costovertebral_joint_m"));
      if (left) F = mirrored(F);
      JointSpec j = JointSpec::pin(body, vertebra, body, coord, Vec3::UnitZ(), F);
      j.axes[0] = rotation(coord, rib.vec3("elevation_axis").normalized(), left);
      b.spec.addJoint(j);
      for (const char* key :
           {"head", "tubercle", "angle", "lateral", "costochondral", "anterior_end"}) {
        const Vec3 p = b.len(rib.vec3(key));
        b.spec.addLandmark(body + "." + key, body, left ? mirrored(p) : p);
      }
    }
  }
  // Sternum: hangs from T1 at the jugular notch, axes parallel to the pelvis frame in neutral;
  // it translates forward and up with the breathing coordinate (pump-handle motion).
  const Table sternum = b.thorax.at("sternum");
  b.spec.addBody("sternum", 0.0);
  const Pose X_PT1 = b.neutral.at("T1");
  const Pose X_PS{Mat3::Identity(), X_PT1.p + b.len(sternum.vec3("t1_offset_m"))};
  const Vec3 shift = b.len(sternum.vec3("breathing_translation_m"));
  b.spec.addJoint(JointSpec::custom("sternum", "T1", "sternum",
                                    {{Motion::Translation, Vec3::UnitX(), "breathing",
                                      Function::linear(shift.x(), -shift.x() * neutral)},
                                     {Motion::Translation, Vec3::UnitY(), "breathing",
                                      Function::linear(shift.y(), -shift.y() * neutral)}},
                                    X_PT1.inverse() * X_PS));
  b.neutral["sternum"] = X_PS;
  b.addLandmarks(sternum, "sternum", false, {"t1_offset_m", "breathing_translation_m"});
}

// ---- shoulder girdle and arm ----------------------------------------------------------------

void buildArm(Builder& b, bool left) {
  const Table bodies = b.limbs.at("bodies");
  const Table girdle = b.anthro.at("shoulder_girdle");
  const double norm = b.segmentMass("trunk") / b.segment("trunk").number("mass_fraction");
  // Clavicle at the sternoclavicular joint, axes parallel to the sternum's in neutral:
  // protraction about Y, elevation about -X, axial rotation about its own long axis.
  const std::string clavicle = sided("clavicle", left);
  const double m_clav = girdle.at("clavicle").number("mass_fraction") * norm;
  const Vec3 ac = b.len(b.limbs.at("landmarks").at("clavicle").vec3("acromioclavicular_joint"));
  // Inertia of a thin rod of the clavicle's length, m L^2 / 12 about its two transverse axes
  // (an estimate: the clavicle's orientation is ignored and its long-axis moment is set to a
  // tenth of that, small but positive).
  b.spec.addBody(
      clavicle, m_clav, 0.5 * (left ? mirrored(ac) : ac),
      Mat3(Eigen::Vector3d(1.0, 1.0, 0.1).asDiagonal()) * m_clav * std::pow(ac.norm(), 2) / 12.0);
  const char* sc[3] = {"clavicle_protraction", "clavicle_elevation", "clavicle_axial_rotation"};
  for (const char* c : sc) {
    const auto [lo, hi] = jointRange(b, "sternoclavicular", c);
    b.coordinate(sided(c, left), 0.0, lo, hi);
  }
  Pose F_sc;
  F_sc.p = b.len(bodies.at("clavicle").vec3("joint_in_parent_m"));
  b.spec.addJoint(JointSpec::custom(sided("sternoclavicular", left), "sternum", clavicle,
                                    {rotation(sided(sc[0], left), Vec3::UnitY(), left),
                                     rotation(sided(sc[1], left), -Vec3::UnitX(), left),
                                     rotation(sided(sc[2], left), ac.normalized(), left)},
                                    sidedPose(F_sc, left)));
  addLimbLandmarks(b, "clavicle", clavicle, left);

  // Scapula at the acromioclavicular joint, in the ISB scapula frame, turned in neutral by
  // the published internal rotation, upward rotation and anterior tilt (limbs.toml).
  const std::string scapula = sided("scapula", left);
  const Table sb = bodies.at("scapula");
  const Mat3 R_PS =
      rotationAbout(Vec3::UnitY(), sb.number("neutral_internal_rotation_deg") * kDeg) *
      rotationAbout(-Vec3::UnitX(), sb.number("neutral_upward_rotation_deg") * kDeg) *
      rotationAbout(-Vec3::UnitZ(), sb.number("neutral_anterior_tilt_deg") * kDeg);
  const double m_scap = girdle.at("scapula").number("mass_fraction") * norm;
  const Table sl = b.limbs.at("landmarks").at("scapula");
  const Vec3 centroid = b.len(
      (sl.vec3("root_of_spine") + sl.vec3("inferior_angle") + sl.vec3("acromial_angle")) / 3.0);
  b.spec.addBody(scapula, m_scap, left ? mirrored(centroid) : centroid,
                 Mat3::Identity() * m_scap *
                     std::pow(b.len(0.06), 2));  // a 60 mm radius of gyration (estimate)
  const char* ac_coords[3] = {"scapula_internal_rotation", "scapula_upward_rotation",
                              "scapula_posterior_tilt"};
  for (const char* c : ac_coords) {
    const auto [lo, hi] = jointRange(b, "acromioclavicular", c);
    b.coordinate(sided(c, left), 0.0, lo, hi);
  }
  Pose F_ac, M_ac;
  F_ac.p = ac;
  M_ac = {R_PS.transpose(), b.len(sl.vec3("acromioclavicular_joint"))};
  b.spec.addJoint(
      JointSpec::custom(sided("acromioclavicular", left), clavicle, scapula,
                        {rotation(sided(ac_coords[0], left), Vec3::UnitY(), left),
                         rotation(sided(ac_coords[1], left), R_PS * -Vec3::UnitX(), left),
                         rotation(sided(ac_coords[2], left), R_PS * Vec3::UnitZ(), left)},
                        sidedPose(F_ac, left), sidedPose(M_ac, left)));
  addLimbLandmarks(b, "scapula", scapula, left);

  // Humerus at the glenohumeral centre, axes parallel to the pelvis frame with the arm
  // hanging: flexion about Z, adduction about X, internal rotation about Y.
  const std::string humerus = sided("humerus", left);
  addSegmentBody(b, humerus, "upper_arm", -Vec3::UnitY());
  b.coordinate(sided("shoulder_flexion", left), 0.0, -60.0, 180.0);           // AAOS 1965
  b.coordinate(sided("shoulder_adduction", left), 0.0, -180.0, 30.0);         // AAOS 1965
  b.coordinate(sided("shoulder_rotation_internal", left), 0.0, -90.0, 70.0);  // AAOS 1965
  const Pose F_gh{R_PS.transpose(), b.len(bodies.at("humerus").vec3("joint_in_parent_m"))};
  b.spec.addJoint(
      JointSpec::custom(sided("shoulder", left), scapula, humerus,
                        {rotation(sided("shoulder_flexion", left), Vec3::UnitZ(), left),
                         rotation(sided("shoulder_adduction", left), Vec3::UnitX(), left),
                         rotation(sided("shoulder_rotation_internal", left), Vec3::UnitY(), left)},
                        sidedPose(F_gh, left)));
  addLimbLandmarks(b, "humerus", humerus, left, "upper_arm");

  // Forearm and hand: elbow and wrist flexion about Z.
  const std::string forearm = sided("forearm", left), hand = sided("hand", left);
  addSegmentBody(b, forearm, "forearm", -Vec3::UnitY());
  addDistalHinge(b, left, "elbow", "elbow_flexion", humerus, forearm, "upper_arm", Vec3::UnitZ());
  addLimbLandmarks(b, "forearm", forearm, left, "forearm");
  addSegmentBody(b, hand, "hand", -Vec3::UnitY());
  addDistalHinge(b, left, "wrist", "wrist_flexion", forearm, hand, "forearm", Vec3::UnitZ());
  addLimbLandmarks(b, "hand", hand, left, "hand");
}

// ---- legs -------------------------------------------------------------------------------------

void buildLeg(Builder& b, bool left) {
  const std::string femur = sided("femur", left), tibia = sided("tibia", left),
                    foot = sided("foot", left);
  addSegmentBody(b, femur, "thigh", -Vec3::UnitY());
  for (const char* c : {"hip_flexion", "hip_adduction", "hip_rotation_internal"}) {
    const auto [lo, hi] = jointRange(b, "hip", c);
    b.coordinate(sided(c, left), 0.0, lo, hi);
  }
  Pose F_hip;
  F_hip.p = b.len(b.limbs.at("bodies").at("femur").vec3("joint_in_parent_m"));
  b.spec.addJoint(
      JointSpec::custom(sided("hip", left), "pelvis", femur,
                        {rotation(sided("hip_flexion", left), Vec3::UnitZ(), left),
                         rotation(sided("hip_adduction", left), Vec3::UnitX(), left),
                         rotation(sided("hip_rotation_internal", left), Vec3::UnitY(), left)},
                        sidedPose(F_hip, left)));
  addLimbLandmarks(b, "femur", femur, left, "thigh");

  // Knee flexion turns the shank backwards: a rotation about -Z.
  addSegmentBody(b, tibia, "shank", -Vec3::UnitY());
  addDistalHinge(b, left, "knee", "knee_flexion", femur, tibia, "thigh", -Vec3::UnitZ());
  addLimbLandmarks(b, "tibia", tibia, left, "shank");

  // Foot: de Leva's foot runs from the heel forwards; dorsiflexion about Z.
  const Table foot_seg = b.segment("foot");
  const double m = b.segmentMass("foot");
  const double L = foot_seg.number("length_per_stature") * b.subject.height_m;
  const Vec3 heel = b.len(b.limbs.at("landmarks").at("foot").vec3("heel"));
  const Vec3 com = heel + foot_seg.number("com_from_proximal") * L * Vec3::UnitX();
  // anthropometry.toml gives the foot's radii about the body axes (its long axis is X).
  const Mat3 I = Eigen::Vector3d(m * std::pow(foot_seg.number("r_gyr_x") * L, 2),
                                 m * std::pow(foot_seg.number("r_gyr_y") * L, 2),
                                 m * std::pow(foot_seg.number("r_gyr_z") * L, 2))
                     .asDiagonal();
  b.spec.addBody(foot, m, left ? mirrored(com) : com, I);
  addDistalHinge(b, left, "ankle", "ankle_dorsiflexion", tibia, foot, "shank", Vec3::UnitZ());
  addLimbLandmarks(b, "foot", foot, left);
}

}  // namespace dorsum::anatomy
