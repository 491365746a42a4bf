// compile(): checks a ModelSpec and lays it out as a Model of flat arrays.
#include <fmt/format.h>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <set>

#include "dorsum/data.hpp"
#include "dorsum/dynamics.hpp"
#include "dorsum/error.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/model.hpp"
#include "dynamics/dynamics_internal.hpp"
#include "kinematics/kinematics_internal.hpp"

namespace dorsum {
namespace {

constexpr const char* kGround = "ground";

[[noreturn]] void fail(const std::string& message) {
  throw SpecError("invalid model: " + message);
}

bool finite(const Vec3& v) {
  return v.allFinite();
}

const char* typeName(JointSpec::Type t) {
  switch (t) {
    case JointSpec::Type::Weld:
      return "weld";
    case JointSpec::Type::Pin:
      return "pin";
    case JointSpec::Type::Universal:
      return "universal";
    case JointSpec::Type::Rotation3:
      return "rotation3";
    case JointSpec::Type::Custom:
      return "custom";
  }
  return "unknown";
}

// Index of every name, refusing empty and duplicate names.
template <class T>
std::unordered_map<std::string, int> indexNames(const std::vector<T>& items, const char* what) {
  std::unordered_map<std::string, int> index;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& name = items[i].name;
    if (name.empty()) fail(fmt::format("{} #{} has an empty name", what, i));
    if (!index.emplace(name, static_cast<int>(i)).second)
      fail(fmt::format("duplicate {} name '{}'", what, name));
  }
  return index;
}

void checkPose(const Pose& X, const std::string& where) {
  if (!X.R.allFinite() || !finite(X.p)) fail(where + " has a NaN or infinite entry");
  if (!(X.R.transpose() * X.R).isIdentity(1e-9) || X.R.determinant() < 0.0)
    fail(where + " orientation is not a rotation matrix");
}

void checkBody(const BodySpec& b) {
  const std::string where = fmt::format("body '{}'", b.name);
  if (b.name == kGround) fail("body name 'ground' is reserved for the world");
  if (!std::isfinite(b.mass)) fail(where + ": mass is NaN or infinite");
  if (b.mass < 0.0) fail(fmt::format("{}: mass is negative ({} kg)", where, b.mass));
  if (!finite(b.com)) fail(where + ": centre of mass (com) has a NaN or infinite entry");
  if (!b.inertia.allFinite()) fail(where + ": inertia has a NaN or infinite entry");
  if (!b.inertia.isApprox(b.inertia.transpose(), 1e-12) &&
      (b.inertia - b.inertia.transpose()).norm() > 1e-12)
    fail(where + ": inertia is not symmetric");
  if (b.mass == 0.0 && b.inertia.isZero(0.0)) return;  // a massless frame
  const Eigen::Vector3d eig = Eigen::SelfAdjointEigenSolver<Mat3>(b.inertia).eigenvalues();
  if (b.mass > 0.0 && eig.minCoeff() <= 0.0)
    fail(fmt::format("{}: inertia is not positive definite (smallest principal moment {:g} kg m^2)",
                     where, eig.minCoeff()));
  if (b.mass == 0.0 && eig.minCoeff() < 0.0)
    fail(where + ": massless body has an inertia that is not positive semi-definite");
  // A rigid body's principal moments obey the triangle inequality.
  const double tol = 1e-9 * eig.maxCoeff();
  if (eig(0) + eig(1) < eig(2) - tol)
    fail(where + ": inertia violates the triangle inequality of principal moments");
}

int addFunction(Model& m, const Function& f, const std::string& where) {
  if (auto problem = f.validate(); !problem.empty()) fail(where + ": " + problem);
  if (f.kind() == Function::Kind::Linear && f.value(0.0) == 0.0 && f.derivative(0.0) == 1.0)
    return -1;  // the identity: no table entry, no evaluation
  m.functions.push_back(f);
  return static_cast<int>(m.functions.size()) - 1;
}

// As addFunction, but always a table entry (a passive force that is the identity is legal).
int addFunctionAlways(Model& m, const Function& f, const std::string& where) {
  if (auto problem = f.validate(); !problem.empty()) fail(where + ": " + problem);
  m.functions.push_back(f);
  return static_cast<int>(m.functions.size()) - 1;
}

// Bodies ordered so that parents come first; returns spec index of compiled body i (i >= 1),
// and the spec index of the joint that moves it.
void orderBodies(const ModelSpec& spec, const std::unordered_map<std::string, int>& bodies,
                 std::vector<int>& body_from_spec_order, std::vector<int>& joint_of_body) {
  const int nb = static_cast<int>(spec.bodies.size());
  std::vector<int> parent_joint(nb, -1);
  for (size_t j = 0; j < spec.joints.size(); ++j) {
    const JointSpec& js = spec.joints[j];
    const std::string where = fmt::format("joint '{}'", js.name);
    if (js.child == kGround) fail(where + ": child is 'ground'; the ground cannot move");
    const auto child = bodies.find(js.child);
    if (child == bodies.end()) fail(fmt::format("{}: unknown child body '{}'", where, js.child));
    if (js.parent != kGround && !bodies.count(js.parent))
      fail(fmt::format("{}: unknown parent body '{}'", where, js.parent));
    if (js.parent == js.child)
      fail(fmt::format("{}: body '{}' is its own parent", where, js.child));
    if (parent_joint[child->second] >= 0)
      fail(fmt::format("{}: body '{}' is already the child of joint '{}'", where, js.child,
                       spec.joints[parent_joint[child->second]].name));
    parent_joint[child->second] = static_cast<int>(j);
  }
  for (int b = 0; b < nb; ++b)
    if (parent_joint[b] < 0)
      fail(fmt::format("body '{}' has no joint: every body needs one joint to its parent",
                       spec.bodies[b].name));
  // Breadth-first from the ground; bodies never reached sit on a cycle.
  std::vector<std::vector<int>> children(nb + 1);  // slot nb is the ground
  for (int b = 0; b < nb; ++b) {
    const std::string& parent = spec.joints[parent_joint[b]].parent;
    children[parent == kGround ? nb : bodies.at(parent)].push_back(b);
  }
  std::vector<int> queue{nb};
  for (size_t k = 0; k < queue.size(); ++k)
    for (int c : children[queue[k]]) queue.push_back(c);
  if (static_cast<int>(queue.size()) != nb + 1) {
    std::vector<bool> seen(nb, false);
    for (size_t k = 1; k < queue.size(); ++k) seen[queue[k]] = true;
    for (int b = 0; b < nb; ++b)
      if (!seen[b])
        fail(
            fmt::format("body '{}' is on a cycle of parents (joint '{}'): the joints must form "
                        "a tree rooted at the ground",
                        spec.bodies[b].name, spec.joints[parent_joint[b]].name));
  }
  body_from_spec_order.assign(queue.begin() + 1, queue.end());
  joint_of_body.clear();
  for (int b : body_from_spec_order) joint_of_body.push_back(parent_joint[b]);
}

void compileBodies(const ModelSpec& spec, Model& m, std::vector<int>& joint_of_body) {
  const auto bodies = indexNames(spec.bodies, "body");
  for (const BodySpec& b : spec.bodies) checkBody(b);
  std::vector<int> order;
  orderBodies(spec, bodies, order, joint_of_body);
  m.nbody = static_cast<int>(spec.bodies.size()) + 1;
  m.body_name = {kGround};
  m.body_parent = {-1};
  m.body_depth = {0};
  m.body_mass = {0.0};
  m.body_com = {Vec3::Zero()};
  m.body_inertia = {Mat3::Zero()};
  for (int b : order) {
    m.body_index[spec.bodies[b].name] = static_cast<int>(m.body_name.size());
    m.body_name.push_back(spec.bodies[b].name);
  }
  m.body_index[kGround] = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const BodySpec& b = spec.bodies[order[i]];
    const int parent = m.body_index.at(spec.joints[joint_of_body[i]].parent);
    m.body_parent.push_back(parent);
    m.body_depth.push_back(m.body_depth[parent] + 1);
    m.body_mass.push_back(b.mass);
    m.body_com.push_back(b.com);
    m.body_inertia.push_back(b.inertia);
  }
}

void compileCoordinates(const ModelSpec& spec, Model& m) {
  m.coord_index = indexNames(spec.coordinates, "coordinate");
  m.ncoord = static_cast<int>(spec.coordinates.size());
  for (const CoordinateSpec& c : spec.coordinates) {
    const std::string where = fmt::format("coordinate '{}'", c.name);
    if (std::isnan(c.range_min) || std::isnan(c.range_max)) fail(where + ": range is NaN");
    if (!std::isfinite(c.default_value)) fail(where + ": default_value is NaN or infinite");
    if (c.range_min > c.range_max)
      fail(fmt::format("{}: range_min {:g} is above range_max {:g}", where, c.range_min,
                       c.range_max));
    if (c.default_value < c.range_min || c.default_value > c.range_max)
      fail(fmt::format("{}: default_value {:g} is outside its range [{:g}, {:g}]", where,
                       c.default_value, c.range_min, c.range_max));
    if (c.locked && c.isCoupled()) fail(where + ": is both locked and coupled");
    m.coord_name.push_back(c.name);
    m.coord_default.push_back(c.default_value);
    m.coord_min.push_back(c.range_min);
    m.coord_max.push_back(c.range_max);
    m.coord_rotational.push_back(c.rotational);
    m.coord_locked.push_back(c.locked);
    const bool dof = !c.locked && !c.isCoupled();
    m.coord_dof.push_back(dof ? m.ndof : -1);
    if (dof) m.dof_coord.push_back(static_cast<int>(m.coord_name.size()) - 1), ++m.ndof;
  }
  // Coupling terms.
  for (int c = 0; c < m.ncoord; ++c) {
    const CoordinateSpec& cs = spec.coordinates[c];
    m.coord_term_start.push_back(static_cast<int>(m.term_coord.size()));
    m.coord_term_count.push_back(static_cast<int>(cs.coupling.size()));
    for (size_t k = 0; k < cs.coupling.size(); ++k) {
      const std::string where = fmt::format("coordinate '{}' coupling term {}", cs.name, k);
      const auto src = m.coord_index.find(cs.coupling[k].coordinate);
      if (src == m.coord_index.end())
        fail(fmt::format("{}: unknown coordinate '{}'", where, cs.coupling[k].coordinate));
      if (src->second == c) fail(where + ": a coordinate cannot depend on itself");
      m.term_coord.push_back(src->second);
      m.term_function.push_back(addFunction(m, cs.coupling[k].function, where));
    }
  }
  for (int c = 0; c < m.ncoord; ++c) {
    const CoordinateSpec& cs = spec.coordinates[c];
    m.coord_balanced.push_back(cs.balanced);
    m.coord_passive.push_back(
        cs.passive_force ? addFunctionAlways(m, *cs.passive_force,
                                             fmt::format("coordinate '{}' passive_force", cs.name))
                         : -1);
  }
  // Evaluation order: depth-first, dependencies first; a coordinate met again while still on
  // the stack closes a cycle.
  std::vector<int> state(m.ncoord, 0);  // 0 new, 1 on the stack, 2 done
  std::function<void(int)> visit = [&](int c) {
    if (state[c] == 2) return;
    if (state[c] == 1)
      fail(fmt::format("coordinate '{}' is on a cycle of couplings", m.coord_name[c]));
    state[c] = 1;
    for (int k = 0; k < m.coord_term_count[c]; ++k) visit(m.term_coord[m.coord_term_start[c] + k]);
    state[c] = 2;
    m.coord_order.push_back(c);
  };
  for (int c = 0; c < m.ncoord; ++c) visit(c);
  // Sparsity pattern of dq_c/dq_dof, and where each source entry lands in it.
  std::vector<std::vector<int>> pattern(m.ncoord);
  for (int c : m.coord_order) {
    if (m.coord_dof[c] >= 0) pattern[c] = {m.coord_dof[c]};
    std::set<int> deps;
    for (int k = 0; k < m.coord_term_count[c]; ++k)
      for (int d : pattern[m.term_coord[m.coord_term_start[c] + k]]) deps.insert(d);
    if (m.coord_term_count[c] > 0) pattern[c].assign(deps.begin(), deps.end());
  }
  m.coord_jac_start.resize(m.ncoord);
  m.coord_jac_count.resize(m.ncoord);
  for (int c = 0; c < m.ncoord; ++c) {
    m.coord_jac_start[c] = static_cast<int>(m.jac_dof.size());
    m.coord_jac_count[c] = static_cast<int>(pattern[c].size());
    m.jac_dof.insert(m.jac_dof.end(), pattern[c].begin(), pattern[c].end());
  }
  for (int c = 0; c < m.ncoord; ++c)
    for (int k = 0; k < m.coord_term_count[c]; ++k) {
      m.term_jac_map_start.push_back(static_cast<int>(m.term_jac_map.size()));
      for (int d : pattern[m.term_coord[m.coord_term_start[c] + k]]) {
        const auto pos = std::lower_bound(pattern[c].begin(), pattern[c].end(), d);
        m.term_jac_map.push_back(m.coord_jac_start[c] + static_cast<int>(pos - pattern[c].begin()));
      }
    }
}

void checkAxisCount(const JointSpec& js) {
  const int n = static_cast<int>(js.axes.size());
  int rotations = 0;
  for (const JointAxisSpec& a : js.axes) rotations += a.motion == JointAxisSpec::Motion::Rotation;
  const std::string where = fmt::format("joint '{}' ({})", js.name, typeName(js.type));
  auto expect = [&](int count) {
    if (n != count || rotations != count)
      fail(fmt::format("{}: needs exactly {} rotation axes, has {} axes ({} rotations)", where,
                       count, n, rotations));
  };
  switch (js.type) {
    case JointSpec::Type::Weld:
      expect(0);
      break;
    case JointSpec::Type::Pin:
      expect(1);
      break;
    case JointSpec::Type::Universal:
      expect(2);
      break;
    case JointSpec::Type::Rotation3:
      expect(3);
      break;
    case JointSpec::Type::Custom:
      if (rotations > 3 || n - rotations > 3)
        fail(fmt::format("{}: at most 3 rotations and 3 translations, has {} and {}", where,
                         rotations, n - rotations));
      break;
  }
}

void compileJoints(const ModelSpec& spec, Model& m, const std::vector<int>& joint_of_body) {
  (void)indexNames(spec.joints, "joint");
  m.njoint = m.nbody - 1;
  for (int i = 0; i < m.njoint; ++i) {
    const JointSpec& js = spec.joints[joint_of_body[i]];
    const std::string where = fmt::format("joint '{}'", js.name);
    checkPose(js.parent_frame, where + " parent_frame");
    checkPose(js.child_frame, where + " child_frame");
    checkAxisCount(js);
    m.joint_index[js.name] = i;
    m.joint_name.push_back(js.name);
    m.joint_type.push_back(js.type);
    m.joint_X_PF.push_back(js.parent_frame);
    m.joint_X_MC.push_back(js.child_frame.inverse());
    m.joint_axis_start.push_back(m.naxis);
    m.joint_axis_count.push_back(static_cast<int>(js.axes.size()));
    if (js.load_origin && !finite(*js.load_origin))
      fail(where + ": load_origin is NaN or infinite");
    m.joint_load_origin.push_back(js.load_origin ? *js.load_origin : js.parent_frame.p);
    for (size_t k = 0; k < js.axes.size(); ++k) {
      const JointAxisSpec& a = js.axes[k];
      const std::string aw = fmt::format("{} axis {}", where, k);
      if (!finite(a.axis) || a.axis.norm() < 1e-12)
        fail(aw + ": axis direction is zero, NaN or infinite");
      int coord = -1;
      if (!a.coordinate.empty()) {
        const auto it = m.coord_index.find(a.coordinate);
        if (it == m.coord_index.end())
          fail(fmt::format("{}: unknown coordinate '{}'", aw, a.coordinate));
        coord = it->second;
      }
      m.axis_joint.push_back(i);
      m.axis_rotation.push_back(a.motion == JointAxisSpec::Motion::Rotation);
      m.axis_direction.push_back(a.axis.normalized());
      m.axis_coord.push_back(coord);
      int f = addFunction(m, a.function, aw);
      if (coord < 0 && f < 0) f = addFunction(m, Function::constant(a.function.value(0.0)), aw);
      m.axis_function.push_back(f);
      ++m.naxis;
    }
  }
}

void compileLandmarks(const ModelSpec& spec, Model& m) {
  m.landmark_index = indexNames(spec.landmarks, "landmark");
  for (const LandmarkSpec& l : spec.landmarks) {
    const std::string where = fmt::format("landmark '{}'", l.name);
    const int body = m.findBody(l.body);
    if (body < 0) fail(fmt::format("{}: unknown body '{}'", where, l.body));
    if (!finite(l.location)) fail(where + ": location has a NaN or infinite entry");
    m.landmark_body.push_back(body);
    m.landmark_location.push_back(l.location);
  }
  m.landmark_name.reserve(spec.landmarks.size());
  for (const LandmarkSpec& l : spec.landmarks) m.landmark_name.push_back(l.name);
  m.nlandmark = static_cast<int>(spec.landmarks.size());
}

int findCoordOrFail(const Model& m, const std::string& name, const std::string& where) {
  const int c = m.findCoordinate(name);
  if (c < 0) fail(fmt::format("{}: unknown coordinate '{}'", where, name));
  return c;
}

void compilePathPoint(const PathPointSpec& p, const std::string& where, Model& m) {
  int body;
  Vec3 location = p.location;
  if (!p.landmark.empty()) {
    const int l = m.findLandmark(p.landmark);
    if (l < 0) fail(fmt::format("{}: unknown landmark '{}'", where, p.landmark));
    body = m.landmark_body[l];
    location = m.landmark_location[l];
  } else {
    body = m.findBody(p.body);
    if (body < 0) fail(fmt::format("{}: unknown body '{}'", where, p.body));
  }
  if (!finite(location)) fail(where + ": location has a NaN or infinite entry");
  m.point_body.push_back(body);
  m.point_location.push_back(location);
  int cond = -1;
  if (p.isConditional()) {
    cond = findCoordOrFail(m, p.condition_coordinate, where + " condition");
    if (!(p.condition_min <= p.condition_max))
      fail(fmt::format("{}: condition range [{:g}, {:g}] is empty or NaN", where, p.condition_min,
                       p.condition_max));
  }
  m.point_cond_coord.push_back(cond);
  m.point_cond_min.push_back(p.condition_min);
  m.point_cond_max.push_back(p.condition_max);
  std::array<int, 3> mc{-1, -1, -1}, mf{-1, -1, -1};
  for (int i = 0; i < 3; ++i) {
    if (p.moving_coordinate[i].empty()) continue;
    const std::string mw = fmt::format("{} moving component {}", where, "xyz"[i]);
    mc[i] = findCoordOrFail(m, p.moving_coordinate[i], mw);
    mf[i] = addFunction(m, p.moving_function[i], mw);
  }
  m.point_moving_coord.push_back(mc);
  m.point_moving_function.push_back(mf);
}

void checkPositive(double v, const std::string& where, const char* field, const char* unit) {
  if (!std::isfinite(v) || v <= 0.0)
    fail(fmt::format("{}: {} must be a positive number of {}, is {:g}", where, field, unit, v));
}

void compileMuscles(const ModelSpec& spec, Model& m) {
  m.muscle_index = indexNames(spec.muscles, "muscle");
  for (const MuscleSpec& ms : spec.muscles) {
    const std::string where = fmt::format("muscle '{}'", ms.name);
    checkPositive(ms.max_isometric_force, where, "max_isometric_force", "N");
    checkPositive(ms.optimal_fiber_length, where, "optimal_fiber_length", "m");
    checkPositive(ms.max_contraction_velocity, where, "max_contraction_velocity", "l_opt/s");
    checkPositive(ms.activation_time, where, "activation_time", "s");
    checkPositive(ms.deactivation_time, where, "deactivation_time", "s");
    if (!std::isfinite(ms.tendon_slack_length) || ms.tendon_slack_length < 0.0)
      fail(fmt::format("{}: tendon_slack_length must be >= 0 m, is {:g}", where,
                       ms.tendon_slack_length));
    if (!std::isfinite(ms.pennation_at_optimal) || ms.pennation_at_optimal < 0.0 ||
        ms.pennation_at_optimal >= 1.5)
      fail(fmt::format("{}: pennation_at_optimal must lie in [0, 1.5) rad, is {:g}", where,
                       ms.pennation_at_optimal));
    if (ms.path.size() < 2)
      fail(fmt::format("{}: path has {} point(s); a path needs at least 2", where, ms.path.size()));
    int always = 0;
    for (const PathPointSpec& p : ms.path) always += !p.isConditional();
    if (always < 2)
      fail(fmt::format("{}: path has {} unconditional point(s); at least 2 must always be active",
                       where, always));
    m.muscle_name.push_back(ms.name);
    m.muscle_anatomical.push_back(ms.muscle);
    m.muscle_group.push_back(ms.group);
    m.muscle_layer.push_back(ms.layer);
    m.muscle_side.push_back(ms.side);
    m.muscle_max_force.push_back(ms.max_isometric_force);
    m.muscle_opt_fiber_length.push_back(ms.optimal_fiber_length);
    m.muscle_tendon_slack.push_back(ms.tendon_slack_length);
    m.muscle_pennation_opt.push_back(ms.pennation_at_optimal);
    m.muscle_max_velocity.push_back(ms.max_contraction_velocity);
    m.muscle_activation_time.push_back(ms.activation_time);
    m.muscle_deactivation_time.push_back(ms.deactivation_time);
    m.muscle_point_start.push_back(m.npoint);
    m.muscle_point_count.push_back(static_cast<int>(ms.path.size()));
    for (size_t k = 0; k < ms.path.size(); ++k)
      compilePathPoint(ms.path[k], fmt::format("{} path point {}", where, k), m);
    m.npoint += static_cast<int>(ms.path.size());
    m.max_path_points = std::max(m.max_path_points, static_cast<int>(ms.path.size()));
  }
  m.nmuscle = static_cast<int>(spec.muscles.size());
}

// Widens [lo, hi) by the degrees of freedom that coordinate c depends on.
void widenByCoordinate(const Model& m, int c, int& lo, int& hi) {
  for (int e = 0; e < m.coord_jac_count[c]; ++e) {
    const int dof = m.jac_dof[m.coord_jac_start[c] + e];
    lo = std::min(lo, dof);
    hi = std::max(hi, dof + 1);
  }
}

// The lowest body whose subtree holds both a and b.
int commonAncestor(const Model& m, int a, int b) {
  while (a != b) {
    if (m.body_depth[a] >= m.body_depth[b])
      a = m.body_parent[a];
    else
      b = m.body_parent[b];
  }
  return a;
}

void compileMuscleDofRanges(Model& m) {
  for (int mu = 0; mu < m.nmuscle; ++mu) {
    const int first = m.muscle_point_start[mu], last = first + m.muscle_point_count[mu];
    int lca = m.point_body[first];
    for (int pt = first + 1; pt < last; ++pt) lca = commonAncestor(m, lca, m.point_body[pt]);
    int lo = m.ndof, hi = 0;
    for (int pt = first; pt < last; ++pt) {
      for (int b = m.point_body[pt]; b != lca; b = m.body_parent[b]) {
        const int j = b - 1;
        for (int a = m.joint_axis_start[j]; a < m.joint_axis_start[j] + m.joint_axis_count[j]; ++a)
          if (m.axis_coord[a] >= 0) widenByCoordinate(m, m.axis_coord[a], lo, hi);
      }
      for (int c : m.point_moving_coord[pt])
        if (c >= 0) widenByCoordinate(m, c, lo, hi);
    }
    m.muscle_dof_begin.push_back(std::min(lo, hi));
    m.muscle_dof_end.push_back(hi);
  }
}

void compileContacts(const ModelSpec& spec, Model& m) {
  (void)indexNames(spec.contacts, "contact");
  for (const ContactSpec& c : spec.contacts) {
    const std::string where = fmt::format("contact '{}'", c.name);
    int body = m.findBody(c.body);
    Vec3 location = c.location;
    if (!c.landmark.empty()) {
      const int l = m.findLandmark(c.landmark);
      if (l < 0) fail(fmt::format("{}: unknown landmark '{}'", where, c.landmark));
      body = m.landmark_body[l];
      location = m.landmark_location[l];
    } else if (body < 0) {
      fail(fmt::format("{}: unknown body '{}'", where, c.body));
    }
    const int surface = m.findBody(c.surface_body);
    if (surface < 0) fail(fmt::format("{}: unknown surface_body '{}'", where, c.surface_body));
    if (!finite(location) || !finite(c.centre))
      fail(where + ": a location or centre is NaN or infinite");
    if (!finite(c.radii) || c.radii.minCoeff() <= 0.0) fail(where + ": radii must be positive");
    m.contact_name.push_back(c.name);
    m.contact_body.push_back(body);
    m.contact_location.push_back(location);
    m.contact_surface_body.push_back(surface);
    m.contact_common_body.push_back(commonAncestor(m, body, surface));
    m.contact_centre.push_back(c.centre);
    m.contact_radii.push_back(c.radii);
  }
  m.ncontact = static_cast<int>(spec.contacts.size());
  (void)indexNames(spec.ground_contacts, "ground contact");
  for (const GroundContactSpec& g : spec.ground_contacts) {
    const std::string where = fmt::format("ground contact '{}'", g.name);
    const int body = m.findBody(g.body);
    if (body < 0) fail(fmt::format("{}: unknown body '{}'", where, g.body));
    if (!finite(g.location)) fail(where + ": location is NaN or infinite");
    m.ground_name.push_back(g.name);
    m.ground_body.push_back(body);
    m.ground_location.push_back(g.location);
  }
  m.nground = static_cast<int>(spec.ground_contacts.size());
}

void compileLigaments(const ModelSpec& spec, Model& m) {
  m.ligament_index = indexNames(spec.ligaments, "ligament");
  for (const LigamentSpec& ls : spec.ligaments) {
    const std::string where = fmt::format("ligament '{}'", ls.name);
    std::array<int, 2> body{};
    std::array<Vec3, 2> point;
    for (int k = 0; k < 2; ++k) {
      const std::string& name = k == 0 ? ls.origin : ls.insertion;
      const int l = m.findLandmark(name);
      if (l < 0)
        fail(fmt::format("{}: unknown {} landmark '{}'", where, k == 0 ? "origin" : "insertion",
                         name));
      body[k] = m.landmark_body[l];
      point[k] = m.landmark_location[l];
    }
    if (body[0] == body[1]) fail(where + ": both ends are on the same body");
    int joint = -1;
    if (!ls.joint.empty() && (joint = m.findJoint(ls.joint)) < 0)
      fail(fmt::format("{}: unknown joint '{}'", where, ls.joint));
    checkPositive(ls.stiffness, where, "stiffness", "N/m");
    checkPositive(ls.toe_strain, where, "toe_strain", "(strain)");
    if (std::isnan(ls.slack_length) || std::isinf(ls.slack_length))
      fail(where + ": slack_length is NaN or infinite");
    if (!std::isfinite(ls.reference_strain) || ls.reference_strain <= -1.0)
      fail(fmt::format("{}: reference_strain must be above -1, is {:g}", where,
                       ls.reference_strain));
    if (std::isnan(ls.failure_force) || ls.failure_force <= 0.0)
      fail(where + ": failure_force must be positive");
    m.ligament_name.push_back(ls.name);
    m.ligament_joint.push_back(joint);
    m.ligament_body.push_back(body);
    m.ligament_point.push_back(point);
    m.ligament_common_body.push_back(commonAncestor(m, body[0], body[1]));
    m.ligament_slack_length.push_back(ls.slack_length);
    m.ligament_stiffness.push_back(ls.stiffness);
    m.ligament_toe_strain.push_back(ls.toe_strain);
    m.ligament_failure_force.push_back(ls.failure_force);
  }
  m.nligament = static_cast<int>(spec.ligaments.size());
}

bool coordinateMovesJoint(const Model& m, int c, int j) {
  for (int a = m.joint_axis_start[j]; a < m.joint_axis_start[j] + m.joint_axis_count[j]; ++a)
    if (m.axis_coord[a] == c) return true;
  return false;
}

// What the ligaments' generalized force on coordinate c reads and c changes: the ligaments with
// a joint moved by c between their two ends (no other adds to it), and of the bodies from the
// ground to their ends and the coordinates those bodies' joints read (with the coordinates
// those are coupled to), the ones c moves. Sampling c through these alone, on a Data holding
// the kinematics at the defaults (a few bodies instead of the whole tree, a few ligaments
// instead of all) makes the sweep of resolveLigaments cheap.
struct ModelPart {
  std::vector<int> ligaments, bodies, coords;
};

ModelPart partOf(const Model& m, int c) {
  ModelPart part;
  std::vector<std::uint8_t> body_used(m.nbody, 0), coord_used(m.ncoord, 0);
  for (int l = 0; l < m.nligament; ++l) {
    bool acts = false;
    for (int end : m.ligament_body[l])
      for (int b = end; b != m.ligament_common_body[l] && b > 0; b = m.body_parent[b])
        acts = acts || coordinateMovesJoint(m, c, b - 1);
    if (!acts) continue;
    part.ligaments.push_back(l);
    for (int end : m.ligament_body[l])
      for (int b = end; b > 0; b = m.body_parent[b]) body_used[b] = 1;
  }
  // Only what c changes needs computing, the rest keeping its value at the defaults: c and the
  // coordinates coupled to it (sources come first in coord_order), the bodies their joints move
  // and everything below those (parents have lower indices).
  std::vector<std::uint8_t> coord_moved(m.ncoord, 0), body_moved(m.nbody, 0);
  coord_moved[c] = 1;
  for (int cc : m.coord_order)
    for (int k = 0; k < m.coord_term_count[cc]; ++k)
      if (coord_moved[m.term_coord[m.coord_term_start[cc] + k]]) coord_moved[cc] = 1;
  for (int b = 1; b < m.nbody; ++b) {
    const int j = b - 1;
    body_moved[b] = body_moved[m.body_parent[b]];
    for (int a = m.joint_axis_start[j]; a < m.joint_axis_start[j] + m.joint_axis_count[j]; ++a) {
      const int cc = m.axis_coord[a];
      if (cc < 0) continue;
      if (coord_moved[cc]) body_moved[b] = 1;
      if (body_used[b]) coord_used[cc] = 1;
    }
    if (body_used[b] && body_moved[b]) part.bodies.push_back(b);
  }
  // Walking coord_order backwards reaches each used coordinate before its sources.
  for (auto it = m.coord_order.rbegin(); it != m.coord_order.rend(); ++it)
    if (coord_used[*it])
      for (int k = 0; k < m.coord_term_count[*it]; ++k)
        coord_used[m.term_coord[m.coord_term_start[*it] + k]] = 1;
  for (int cc : m.coord_order)
    if (coord_used[cc] && coord_moved[cc]) part.coords.push_back(cc);
  return part;
}

// What needs the compiled model's kinematics: slack lengths given as a strain at the default
// posture, and the passive curves that already hold the ligaments' moment (CoordinateSpec::
// passive_force_includes_ligaments), which keep the remainder. The curves are sampled at their
// own knots and every quarter degree (or quarter millimetre) over the coordinate's range.
void resolveLigaments(const ModelSpec& spec, Model& m) {
  bool any_slack = false, any_split = false;
  for (const LigamentSpec& ls : spec.ligaments) any_slack |= ls.slack_length <= 0.0;
  for (const CoordinateSpec& cs : spec.coordinates)
    any_split |= cs.passive_force_includes_ligaments && cs.passive_force.has_value();
  if (!any_slack && !any_split) return;
  Data d = makeData(m);
  calcKinematics(m, d);
  if (any_slack) {
    for (int l = 0; l < m.nligament; ++l) {
      if (spec.ligaments[l].slack_length > 0.0) continue;
      const Vec3 p0 = d.body_pose[m.ligament_body[l][0]] * m.ligament_point[l][0];
      const Vec3 p1 = d.body_pose[m.ligament_body[l][1]] * m.ligament_point[l][1];
      const double length = (p1 - p0).norm();
      if (length < 1e-9)
        fail(fmt::format("ligament '{}': its ends coincide at the default posture",
                         m.ligament_name[l]));
      m.ligament_slack_length[l] = length / (1.0 + spec.ligaments[l].reference_strain);
    }
  }
  if (!any_split || m.nligament == 0) return;
  // The sample points of each split coordinate: the curve's knots and a fine grid over the range.
  const auto samples = [&](int c) {
    const Function& whole = m.functions[m.coord_passive[c]];
    const double lo = std::isfinite(m.coord_min[c]) ? m.coord_min[c] : -1.0;
    const double hi = std::isfinite(m.coord_max[c]) ? m.coord_max[c] : 1.0;
    const double step = m.coord_rotational[c] ? 0.25 * M_PI / 180.0 : 2.5e-4;
    std::vector<double> x;
    for (double v : whole.x())
      if (v > lo && v < hi) x.push_back(v);
    for (double v = lo; v < hi; v += step) x.push_back(v);
    x.push_back(hi);
    x.push_back(m.coord_default[c]);
    std::sort(x.begin(), x.end());
    x.erase(
        std::unique(x.begin(), x.end(), [&](double a, double b) { return std::abs(a - b) < 1e-9; }),
        x.end());
    return x;
  };
  // The ligaments' generalized force on coordinate c at value v, the others at their defaults:
  // the kinematics and ligaments of `part` only (partOf), bit for bit as the full ones give it.
  // Brings all of Data back to the defaults, before sampling another coordinate.
  const auto atDefaults = [&] {
    setDefaultState(m, d);
    calcKinematics(m, d);
  };
  const auto ligamentsAt = [&](int c, const ModelPart& part, double v) {
    setDefaultState(m, d);
    d.q[m.coord_dof[c]] = v;
    calcKinematicsOf(m, d, part.coords, part.bodies);
    calcLigamentsOf(m, d, part.ligaments);
    return d.coord_ligament_force[c];
  };
  std::vector<int> split;
  for (int c = 0; c < m.ncoord; ++c) {
    const CoordinateSpec& cs = spec.coordinates[c];
    if (!cs.passive_force_includes_ligaments || m.coord_passive[c] < 0) continue;
    if (m.coord_dof[c] < 0)
      fail(
          fmt::format("coordinate '{}': passive_force_includes_ligaments needs an independent "
                      "coordinate (it is locked or coupled)",
                      cs.name));
    split.push_back(c);
  }
  // The ligaments are part of the segment whose curve was measured, so what they add to the
  // generalized force away from the default may not exceed the measured curve (where it is
  // above 1 N m or 1 N, away from the neutral zone). Where their stiffness (from isolated
  // ligament tests) says more, every ligament of that joint is made softer by one factor.
  std::vector<double> joint_scale(m.njoint, 1.0);
  std::vector<std::vector<double>> xs(split.size()), ligs(split.size());
  std::vector<ModelPart> parts(split.size());
  for (size_t k = 0; k < split.size(); ++k) {
    const int c = split[k];
    const Function& whole = m.functions[m.coord_passive[c]];
    xs[k] = samples(c);
    parts[k] = partOf(m, c);
    atDefaults();
    ligs[k].resize(xs[k].size());
    for (size_t i = 0; i < xs[k].size(); ++i) ligs[k][i] = ligamentsAt(c, parts[k], xs[k][i]);
    const double rest = ligamentsAt(c, parts[k], m.coord_default[c]);
    for (size_t i = 0; i < xs[k].size(); ++i) {
      const double measured = whole.value(xs[k][i]);
      const double added = ligs[k][i] - rest;
      if (std::abs(measured) < 1.0 || added / measured <= 1.0) continue;
      for (int l = 0; l < m.nligament; ++l) {
        const int j = m.ligament_joint[l];
        if (j >= 0 && coordinateMovesJoint(m, c, j))
          joint_scale[j] = std::min(joint_scale[j], measured / added);
      }
    }
  }
  for (int l = 0; l < m.nligament; ++l)
    if (m.ligament_joint[l] >= 0) m.ligament_stiffness[l] *= joint_scale[m.ligament_joint[l]];
  // The remainder, kept with a non-negative stiffness: outwards from the default it may not
  // turn back (it keeps its value at the default, where a pre-tensioned ligament is balanced by
  // the disc, as in the motion segment at rest). The ligaments' samples are taken again only
  // for coordinates whose joints were softened.
  for (size_t k = 0; k < split.size(); ++k) {
    const int c = split[k];
    bool softened = false;
    for (int j = 0; j < m.njoint; ++j)
      softened |= joint_scale[j] != 1.0 && coordinateMovesJoint(m, c, j);
    const Function& whole = m.functions[m.coord_passive[c]];
    const std::vector<double>& x = xs[k];
    std::vector<double> y(x.size());
    if (softened) atDefaults();
    for (size_t i = 0; i < x.size(); ++i)
      y[i] = whole.value(x[i]) - (softened ? ligamentsAt(c, parts[k], x[i]) : ligs[k][i]);
    const size_t zero = static_cast<size_t>(
        std::lower_bound(x.begin(), x.end(), m.coord_default[c] - 1e-9) - x.begin());
    for (size_t i = zero + 1; i < x.size(); ++i) y[i] = std::min(y[i], y[i - 1]);
    for (size_t i = zero; i-- > 0;) y[i] = std::max(y[i], y[i + 1]);
    m.functions[m.coord_passive[c]] = Function::piecewiseLinear(x, y);
  }
}

}  // namespace

Model compile(const ModelSpec& spec) {
  Model m;
  m.name = spec.name;
  if (!finite(spec.gravity)) fail("gravity has a NaN or infinite entry");
  m.gravity = spec.gravity;
  std::vector<int> joint_of_body;
  compileBodies(spec, m, joint_of_body);
  compileCoordinates(spec, m);
  compileJoints(spec, m, joint_of_body);
  compileLandmarks(spec, m);
  compileMuscles(spec, m);
  compileMuscleDofRanges(m);
  compileContacts(spec, m);
  compileLigaments(spec, m);
  resolveLigaments(spec, m);
  return m;
}

static int findIn(const std::unordered_map<std::string, int>& index, const std::string& name) {
  const auto it = index.find(name);
  return it == index.end() ? -1 : it->second;
}

int Model::findBody(const std::string& n) const {
  return findIn(body_index, n);
}
int Model::findJoint(const std::string& n) const {
  return findIn(joint_index, n);
}
int Model::findCoordinate(const std::string& n) const {
  return findIn(coord_index, n);
}
int Model::findLandmark(const std::string& n) const {
  return findIn(landmark_index, n);
}
int Model::findMuscle(const std::string& n) const {
  return findIn(muscle_index, n);
}
int Model::findLigament(const std::string& n) const {
  return findIn(ligament_index, n);
}

}  // namespace dorsum
