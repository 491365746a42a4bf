// The skeleton of the built-in model: pelvis, every vertebra, skull, ribs, sternum, shoulder
// girdles, arms and legs, with their masses, joints and landmarks. docs/MODEL.md describes
// the result; every number comes from data/anatomy/ where its source is named.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "builder.hpp"
#include "dorsum/error.hpp"

namespace dorsum::anatomy {
namespace {

// Vertebral levels from the bottom: S1 (the pelvis) up to the skull.
const std::vector<std::string> kLevels = {"S1", "L5", "L4", "L3", "L2", "L1", "T12", "T11",  "T10",
                                          "T9", "T8", "T7", "T6", "T5", "T4", "T3",  "T2",   "T1",
                                          "C7", "C6", "C5", "C4", "C3", "C2", "C1",  "skull"};

std::string bodyOf(const std::string& level) {
  return level == "S1" ? "pelvis" : level;
}

std::string jointName(const std::string& upper, const std::string& lower) {
  return upper + "_" + lower;
}

// Inertia of a solid elliptic cylinder of mass m, half-depth a (X), height h (Y) and
// half-width c (Z), about its centre: the trunk slice that each vertebral level carries.
Mat3 ellipticSlab(double m, double a, double h, double c) {
  return Eigen::Vector3d(m * (c * c / 4 + h * h / 12), m * (a * a + c * c) / 4,
                         m * (a * a / 4 + h * h / 12))
      .asDiagonal();
}

// Inertia from radii of gyration (fractions of the segment length) about X, Y and Z.
Mat3 fromRadiiOfGyration(double m, double length, const Vec3& r) {
  return Eigen::Vector3d(m * std::pow(r.x() * length, 2), m * std::pow(r.y() * length, 2),
                         m * std::pow(r.z() * length, 2))
      .asDiagonal();
}

Vec3 radii(const Table& seg) {
  return {seg.number("r_gyr_x"), seg.number("r_gyr_y"), seg.number("r_gyr_z")};
}

}  // namespace

Builder::Builder(const Subject& s) : subject(s) {
  spine_file = parseDataFile("spine.toml");
  limbs_file = parseDataFile("limbs.toml");
  thorax_file = parseDataFile("thorax.toml");
  anthro_file = parseDataFile("anthropometry.toml");
  passive_file = parseDataFile("spine_passive.toml");
  spine = root(spine_file, "spine.toml");
  limbs = root(limbs_file, "limbs.toml");
  thorax = root(thorax_file, "thorax.toml");
  anthro = root(anthro_file, "anthropometry.toml");
  passive = root(passive_file, "spine_passive.toml");
  // The skeletal geometry is that of the reference male; it scales with stature.
  length_scale = subject.height_m / anthro.at("reference_subject").at("male").number("stature_m");
  reference_mass_kg = anthro.at("reference_subject").at("male").number("mass_kg");
}

Table Builder::segment(const std::string& name) const {
  return anthro.at("segments").at(name).at(subject.sex == Sex::Male ? "male" : "female");
}

double Builder::segmentMass(const std::string& name) const {
  const double sum =
      anthro.at("mass_bookkeeping")
          .number(subject.sex == Sex::Male ? "fraction_sum_male" : "fraction_sum_female");
  return segment(name).number("mass_fraction") / sum * subject.mass_kg;
}

void Builder::addLandmarks(const Table& table, const std::string& body, bool left,
                           const std::vector<std::string>& skip, double scale) {
  if (scale < 0.0) scale = length_scale;
  for (const std::string& key : table.keys()) {
    const toml::value& v = table.raw(key);
    if (!v.is_array() || std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    std::string name = key;
    Vec3 p = scale * table.vec3(key);
    if (left) {
      p = mirrored(p);
      if (name.size() > 2 && name.compare(name.size() - 2, 2, "_r") == 0)
        name.replace(name.size() - 2, 2, "_l");
    } else if (body.size() < 2 || body.compare(body.size() - 2, 2, "_r") != 0) {
      // Midline body: its right-side landmarks are mirrored onto the left here as well.
      if (name.size() > 2 && name.compare(name.size() - 2, 2, "_r") == 0)
        spec.addLandmark(body + "." + name.substr(0, name.size() - 2) + "_l", body, mirrored(p));
    }
    spec.addLandmark(body + "." + name, body, p);
  }
}

CoordinateSpec& Builder::coordinate(const std::string& name, double default_deg, double min_deg,
                                    double max_deg) {
  return spec.addCoordinate(name, default_deg * kDeg, min_deg * kDeg, max_deg * kDeg);
}

// ---- pelvis, vertebrae and skull ---------------------------------------------------------

static double legLength(const Builder& b) {
  const double h = b.subject.height_m;
  const Vec3 heel = b.limbs.at("landmarks").at("foot").vec3("heel");
  return (b.segment("thigh").number("length_per_stature") +
          b.segment("shank").number("length_per_stature")) *
             h -
         b.len(heel.y());
}

static void addPelvis(Builder& b) {
  const Table lower = b.segment("lower_trunk");
  const double m = b.segmentMass("lower_trunk");
  const double L = lower.number("length_per_stature") * b.subject.height_m;
  const Vec3 com(0.0, (1.0 - lower.number("com_from_proximal")) * L, 0.0);  // above the hips
  b.spec.addBody("pelvis", m, com, fromRadiiOfGyration(m, L, radii(lower)));
  b.neutral["pelvis"] = Pose{};
  // The pelvis is the root: three translations and three rotations (tilt about Z, list about
  // X, rotation about Y) relative to the ground, with the hips at standing height.
  const double stand = legLength(b);
  b.spec.addCoordinate("pelvis_tx", 0.0, -5.0, 5.0).rotational = false;
  b.spec.addCoordinate("pelvis_ty", stand, -1.0, 3.0).rotational = false;
  b.spec.addCoordinate("pelvis_tz", 0.0, -5.0, 5.0).rotational = false;
  b.coordinate("pelvis_tilt", 0.0, -90.0, 90.0);
  b.coordinate("pelvis_list", 0.0, -90.0, 90.0);
  b.coordinate("pelvis_rotation", 0.0, -180.0, 180.0);
  using M = JointAxisSpec::Motion;
  b.spec.addJoint(JointSpec::custom("ground_pelvis", "ground", "pelvis",
                                    {{M::Translation, Vec3::UnitX(), "pelvis_tx", {}},
                                     {M::Translation, Vec3::UnitY(), "pelvis_ty", {}},
                                     {M::Translation, Vec3::UnitZ(), "pelvis_tz", {}},
                                     {M::Rotation, Vec3::UnitZ(), "pelvis_tilt", {}},
                                     {M::Rotation, Vec3::UnitX(), "pelvis_list", {}},
                                     {M::Rotation, Vec3::UnitY(), "pelvis_rotation", {}}}));
  b.addLandmarks(b.limbs.at("landmarks").at("pelvis"), "pelvis", false);
}

// Masses of the vertebral levels: Pearsall's per-level shares of the upper trunk (less the
// shoulder girdles) and middle trunk of de Leva, and the head-neck split for the neck.
static std::map<std::string, double> levelMasses(const Builder& b) {
  const Table girdle = b.anthro.at("shoulder_girdle");
  const double norm = b.segmentMass("trunk") / b.segment("trunk").number("mass_fraction");
  const double girdles = 2.0 *
                         (girdle.at("clavicle").number("mass_fraction") +
                          girdle.at("scapula").number("mass_fraction")) *
                         norm;
  std::map<std::string, double> out;
  const auto spread = [&](char region, double total) {
    double sum = 0.0;
    for (const std::string& l : kLevels)
      if (l[0] == region && l != "S1")
        sum += b.spine.at("vertebrae").at(l).number("pearsall_mass_fraction");
    for (const std::string& l : kLevels)
      if (l[0] == region && l != "S1")
        out[l] = total * b.spine.at("vertebrae").at(l).number("pearsall_mass_fraction") / sum;
  };
  spread('T', b.segmentMass("upper_trunk") - girdles);
  spread('L', b.segmentMass("middle_trunk"));
  const Table split = b.anthro.at("head_neck_split");
  double sum = 0.0;
  for (const std::string& l : kLevels)
    if (l[0] == 'C' || l == "skull") sum += split.number(l);
  for (const std::string& l : kLevels)
    if (l[0] == 'C' || l == "skull") out[l] = b.segmentMass("head_neck") * split.number(l) / sum;
  return out;
}

static Pose levelPose(const Builder& b, const std::string& level) {
  const Table v = b.spine.at("vertebrae").at(level);
  return {rotZ(v.number("neutral_rotation_z_deg")), b.len(v.vec3("neutral_centre_m"))};
}

// Inertia of a level: a slice of the trunk (upper or middle de Leva segment, depth and width
// from its longitudinal radius of gyration, width 1.5 x depth) or of the neck, as tall as the
// spacing of the vertebrae. The skull takes de Leva's head radii.
static Mat3 levelInertia(const Builder& b, const std::string& level, double m, double h) {
  if (level == "skull") {
    const Table head = b.segment("head_neck");
    return fromRadiiOfGyration(m, head.number("length_per_stature") * b.subject.height_m,
                               radii(head));
  }
  double a = b.len(0.05), c = b.len(0.05);  // neck: a 100 mm cylinder (estimate)
  if (level[0] == 'T' || level[0] == 'L') {
    const Table seg = b.segment(level[0] == 'T' ? "upper_trunk" : "middle_trunk");
    const double k = seg.number("r_gyr_y") * seg.number("length_per_stature") * b.subject.height_m;
    a = std::sqrt(4.0 * k * k / (1.0 + 1.5 * 1.5));  // (a^2 + c^2) / 4 = k^2, c = 1.5 a
    c = 1.5 * a;
  }
  return ellipticSlab(m, a, h, c);
}

static Vec3 levelCom(const Builder& b, const std::string& level) {
  const Table v = b.spine.at("vertebrae").at(level);
  if (v.has("com_offset_m")) return b.len(v.vec3("com_offset_m"));
  if (level == "skull")  // Vasavada et al. 1998 head, as in the Mortensen et al. 2014 model
    return b.len(Vec3(0.0164, 0.0596, 0.0));
  return Vec3::Zero();
}

void buildSpine(Builder& b) {
  addPelvis(b);
  const auto masses = levelMasses(b);
  std::map<std::string, Pose> X;  // level frames in the pelvis frame (S1 included)
  for (const std::string& l : kLevels) X[l] = levelPose(b, l);
  for (size_t i = 1; i < kLevels.size(); ++i) {
    const std::string& lower = kLevels[i - 1];
    const std::string& upper = kLevels[i];
    const double m = masses.at(upper);
    const double h = i + 1 < kLevels.size() ? (X[kLevels[i + 1]].p - X[upper].p).norm()
                                            : (X[upper].p - X[lower].p).norm();
    b.spec.addBody(upper, m, levelCom(b, upper), levelInertia(b, upper, m, h));
    b.neutral[upper] = X[upper];

    const std::string name = jointName(upper, lower);
    const Table j = b.spine.at("joints").at(name);
    // Joint frame: at the centre of rotation (in the lower vertebra's frame), oriented along
    // the bisector of the two vertebrae (the mid-disc plane of DESIGN.md's disc frame).
    const Vec3 c_P = X[lower] * b.len(j.vec3("icr_m"));
    const double mid = 0.5 * (b.spine.at("vertebrae").at(lower).number("neutral_rotation_z_deg") +
                              b.spine.at("vertebrae").at(upper).number("neutral_rotation_z_deg"));
    const Pose X_PF{rotZ(mid), c_P};
    const Pose parent_frame = (lower == "S1" ? Pose{} : X[lower]).inverse() * X_PF;
    const Pose child_frame = X[upper].inverse() * X_PF;
    b.coordinate(name + "_extension", 0.0, -j.number("flexion_deg"), j.number("extension_deg"));
    b.coordinate(name + "_lateral_bending", 0.0, -j.number("lateral_bending_deg"),
                 j.number("lateral_bending_deg"));
    b.coordinate(name + "_axial_rotation", 0.0, -j.number("axial_rotation_deg"),
                 j.number("axial_rotation_deg"));
    JointSpec joint = JointSpec::rotation3(name, bodyOf(lower), upper, name + "_extension",
                                           name + "_lateral_bending", name + "_axial_rotation",
                                           parent_frame, child_frame);
    // The disc centre, on the lower body: joint loads are reported there (DESIGN.md's disc
    // frame), and it is a landmark for drawing.
    if (j.has("disc_centre_m")) {
      const Vec3 disc =
          (lower == "S1" ? Pose{} : X[lower]).inverse() * b.len(j.vec3("disc_centre_m"));
      joint.load_origin = disc;
      b.spec.addLandmark(fmt::format("{}.disc_{}", bodyOf(lower), name), bodyOf(lower), disc);
    }
    b.spec.addJoint(joint);
    if (b.spine.at("landmarks").has(upper))
      b.addLandmarks(b.spine.at("landmarks").at(upper), upper, false);
  }
}

}  // namespace dorsum::anatomy

namespace dorsum::anatomy {

// Moment-angle curve of one intervertebral coordinate from spine_passive.toml: the tables give
// the rotation reached under each moment, one direction at a time; inverted here into the
// restoring moment as a piecewise-linear function of the angle (extrapolated with the end
// slopes, as the file's [stiffness_model] asks).
static Function stiffnessCurve(const Table& t, const char* negative_key, const char* positive_key) {
  const toml::value& moments = t.raw("moment_Nm");
  const toml::value& neg = t.raw(negative_key);
  const toml::value& pos = t.raw(positive_key);
  const auto num = [](const toml::value& v, size_t i) {
    const toml::value& x = v.as_array()[i];
    return x.is_integer() ? static_cast<double>(x.as_integer()) : x.as_floating();
  };
  const size_t n = moments.as_array().size();
  std::vector<double> angle, moment;
  for (size_t k = n; k-- > 1;) {  // the negative side: rotation below zero, moment pushes back up
    angle.push_back(-num(neg, k) * kDeg);
    moment.push_back(num(moments, k));
  }
  angle.push_back(0.0);
  moment.push_back(0.0);
  for (size_t k = 1; k < n; ++k) {
    angle.push_back(num(pos, k) * kDeg);
    moment.push_back(-num(moments, k));
  }
  return Function::piecewiseLinear(angle, moment);
}

void addPassiveAndBalance(Builder& b) {
  const Table stiffness = b.passive.at("stiffness");
  for (CoordinateSpec& c : b.spec.coordinates) {
    const std::string& name = c.name;
    for (const char* dof : {"_extension", "_lateral_bending", "_axial_rotation"}) {
      const size_t pos = name.rfind(dof);
      if (pos == std::string::npos || pos + std::strlen(dof) != name.size()) continue;
      const std::string joint = name.substr(0, pos);
      if (!stiffness.has(joint)) continue;
      const Table t = stiffness.at(joint);
      // Extension is +Z: flexion is the negative side. Lateral bending (+ to the right) and
      // axial rotation (+ to the left) are symmetric.
      if (std::strcmp(dof, "_extension") == 0)
        c.passive_force = stiffnessCurve(t, "flexion_deg", "extension_deg");
      if (std::strcmp(dof, "_lateral_bending") == 0)
        c.passive_force = stiffnessCurve(t, "lateral_bending_deg", "lateral_bending_deg");
      if (std::strcmp(dof, "_axial_rotation") == 0)
        c.passive_force = stiffnessCurve(t, "axial_rotation_deg", "axial_rotation_deg");
      c.balanced = true;  // every intervertebral and craniovertebral coordinate
    }
    if (name.rfind("clavicle_", 0) == 0 || name.rfind("scapula_", 0) == 0) c.balanced = true;
  }
}

// The posterior ligaments of spine_passive.toml [ligaments.*], one per kind, joint and side,
// from the upper vertebra's landmark to the lower one's (the pelvis's at L5_S1). The joints
// they span get passive_force_includes_ligaments: their in-vitro curves were measured with the
// ligaments in place, so compile() keeps only the remainder for the disc and facets.
void addLigaments(Builder& b) {
  const Table kinds = b.passive.at("ligaments");
  std::set<std::string> spanned;
  for (const std::string& kind : kinds.keys()) {
    const Table t = kinds.at(kind);
    const std::string first = t.text("first_joint"), last = t.text("last_joint");
    bool inside = false;
    for (size_t i = 1; i < kLevels.size(); ++i) {
      const std::string &lower = kLevels[i - 1], &upper = kLevels[i];
      const std::string joint = jointName(upper, lower);
      if (joint == first) inside = true;
      if (!inside) continue;
      const char* region = lower == "S1" || lower[0] == 'L' ? "lumbar"
                           : lower[0] == 'T'                ? "thoracic"
                                                            : "cervical";
      const Table r = t.at(region);
      const std::string to_landmark = lower == "S1"          ? t.text("sacrum_landmark")
                                      : r.has("to_landmark") ? r.text("to_landmark")
                                                             : t.text("to_landmark");
      const bool bilateral = t.raw("bilateral").as_boolean();
      for (int side = 0; side < (bilateral ? 2 : 1); ++side) {
        LigamentSpec l;
        l.name = fmt::format("{}_{}{}", kind, joint, bilateral ? "_r" : "");
        l.origin = upper + "." + t.text("from_landmark");
        l.insertion = bodyOf(lower) + "." + to_landmark;
        if (side == 1) {
          l.name = leftName(l.name);
          l.origin = leftName(l.origin);
          l.insertion = leftName(l.insertion);
        }
        l.joint = joint;
        l.stiffness = r.number("stiffness_N_per_m") * t.numberOr("side_share", 1.0);
        l.toe_strain = t.number("toe_strain");
        l.reference_strain = t.number("neutral_strain");
        l.failure_force = r.number("failure_force_N") * t.numberOr("side_share", 1.0);
        b.spec.ligaments.push_back(l);
      }
      spanned.insert(joint);
      if (joint == last) break;
    }
  }
  for (CoordinateSpec& c : b.spec.coordinates) {
    const size_t cut = c.name.find('_', c.name.find('_') + 1);  // "L4_L5_extension" -> "L4_L5"
    if (c.passive_force && cut != std::string::npos && spanned.count(c.name.substr(0, cut)))
      c.passive_force_includes_ligaments = true;
  }
}

void addContacts(Builder& b) {
  // The feet carry the ground reaction: one contact per foot, midway between the heel and the
  // ball of the foot (the metatarsal heads), on the sole.
  const Table foot = b.limbs.at("landmarks").at("foot");
  const Vec3 ball =
      0.5 * (foot.vec3("first_metatarsal_head_r") + foot.vec3("fifth_metatarsal_head_r"));
  const Vec3 sole = b.len(0.5 * (foot.vec3("heel") + ball));
  b.spec.ground_contacts.push_back({"foot_r", "foot_r", sole});
  b.spec.ground_contacts.push_back({"foot_l", "foot_l", mirrored(sole)});
  // Scapulothoracic contact: the root of the spine and the inferior angle of each scapula
  // press on the thorax ellipsoid (limbs.toml [scapulothoracic], Delft shoulder model idea).
  const Table st = b.limbs.at("scapulothoracic");
  const std::string frame = st.text("centre_frame");
  const Vec3 centre = b.len(st.vec3("centre_m")), radii = b.len(st.vec3("radii_m"));
  for (bool left : {false, true}) {
    const char* side = left ? "_l" : "_r";
    for (const char* point : {"root_of_spine", "inferior_angle"}) {
      ContactSpec c;
      c.name = std::string("scapulothoracic_") + point + side;
      c.landmark = std::string("scapula") + side + "." + point;
      c.surface_body = frame;
      c.centre = centre;  // on the midline: the same for both sides
      c.radii = radii;
      b.spec.contacts.push_back(c);
    }
  }
}

}  // namespace dorsum::anatomy
