// Muscle paths as straight segments between active path points. Lengths, speeds and moment
// arms r = -dL/dq come from the analytic derivative of each segment's length:
//   dL/dq = sum over segments (A, B) of u . (dp_B/dq - dp_A/dq),   u = (p_B - p_A) / |p_B - p_A|.
// Joint motions shared by A and B move both points rigidly and contribute nothing (u is
// parallel to p_B - p_A), so only the joints between each point's body and the two bodies'
// lowest common ancestor are visited: a fascicle crossing one vertebral level costs one joint.
#include "dorsum/muscle_path.hpp"

#include <cstddef>

#include "dorsum/kinematics.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dorsum {
namespace {

// Adds w . dp/dq of the point p (world) through the motions of joint j to dLdq.
inline void addJointTerms(const Model& m, const Data& d, int j, const Vec3& w, const Vec3& p,
                          double* dLdq) {
  const int end = m.joint_axis_start[j] + m.joint_axis_count[j];
  for (int a = m.joint_axis_start[j]; a < end; ++a) {
    const double slope = d.axis_slope[a];
    if (slope == 0.0) continue;
    const Vec3& dir = d.axis_direction_W[a];
    const double s =
        slope * (m.axis_rotation[a] ? dir.dot((p - d.axis_origin_W[a]).cross(w)) : dir.dot(w));
    const int c = m.axis_coord[a], start = m.coord_jac_start[c], count = m.coord_jac_count[c];
    if (count == 1) {  // the common case: the coordinate is a degree of freedom
      dLdq[m.jac_dof[start]] += s * d.coord_jac[start];
      continue;
    }
    for (int e = 0; e < count; ++e) dLdq[m.jac_dof[start + e]] += s * d.coord_jac[start + e];
  }
}

// Adds w . dp/dq of a moving point through its own location functions.
inline void addMovingTerms(const Model& m, const Data& d, int pt, const Vec3& w, double* dLdq) {
  const Mat3& R = d.body_pose[m.point_body[pt]].R;
  for (int i = 0; i < 3; ++i) {
    const int c = m.point_moving_coord[pt][i];
    if (c < 0) continue;
    double value, slope, curvature;
    m.evalFunction(m.point_moving_function[pt][i], d.coord_value[c], value, slope, curvature);
    const double s = slope * w.dot(R.col(i));
    const int start = m.coord_jac_start[c];
    for (int e = 0; e < m.coord_jac_count[c]; ++e)
      dLdq[m.jac_dof[start + e]] += s * d.coord_jac[start + e];
  }
}

// The per-joint terms of this frame (Data::joint_path_terms).
void buildJointPathTerms(const Model& m, Data& d) {
  for (int j = 0; j < m.njoint; ++j) {
    JointPathTerms& t = d.joint_path_terms[j];
    const int first = m.joint_axis_start[j], end = first + m.joint_axis_count[j];
    t.fast = true;
    t.count = 0;
    t.origin = first < end ? d.axis_origin_W[first] : Vec3::Zero();
    for (int a = first; a < end && t.fast; ++a) {
      if (!m.axis_rotation[a]) {
        t.fast = false;
        break;
      }
      const double slope = d.axis_slope[a];
      if (slope == 0.0) continue;  // a constant motion (or a flat spot): no term
      const int c = m.axis_coord[a], start = m.coord_jac_start[c];
      if (m.coord_jac_count[c] == 0) continue;  // a locked coordinate
      if (m.coord_jac_count[c] > 1 || t.count == 3) {
        t.fast = false;
        break;
      }
      t.axis[t.count] = (slope * d.coord_jac[start]) * d.axis_direction_W[a];
      t.dof[t.count] = m.jac_dof[start];
      ++t.count;
    }
    if (!t.fast) {
      // A joint none of whose motions moves anything (all at a flat spot or locked) adds no
      // term whatever its kind: mark it so, and the general walk is not taken for nothing.
      bool moves = false;
      for (int a = first; a < end; ++a)
        moves = moves || (d.axis_slope[a] != 0.0 && m.coord_jac_count[m.axis_coord[a]] > 0);
      if (!moves) t.fast = true, t.count = 0;
    }
    t.packed = t.fast && t.count == 3 && t.dof[1] == t.dof[0] + 1 && t.dof[2] == t.dof[0] + 2;
    for (std::size_t c = 0; c < 3 && t.packed; ++c) {
      t.axis01[2 * c] = t.axis[0][static_cast<Eigen::Index>(c)];
      t.axis01[2 * c + 1] = t.axis[1][static_cast<Eigen::Index>(c)];
    }
  }
}

// addJointPathTerms of a packed joint (JointPathTerms::packed): the moment (p - o) x w as there
// (the same bits), its products with axis[0] and axis[1] packed, with axis[2] scalar, in the
// order of Eigen's dot product, added in place into the three consecutive degrees of freedom.
inline void addPackedJointTerms(const JointPathTerms& t, const Vec3& p, const Vec3& w, double* r) {
  const double dx = p.x() - t.origin.x(), dy = p.y() - t.origin.y(), dz = p.z() - t.origin.z();
  const double mx = dy * w.z() - dz * w.y();
  const double my = dz * w.x() - dx * w.z();
  const double mz = dx * w.y() - dy * w.x();
  double* out = r + t.dof[0];
#if defined(__SSE2__)
  const Vec3& a2 = t.axis[2];
  const double* c = t.axis01.data();
  const __m128d vx = _mm_set1_pd(mx), vy = _mm_set1_pd(my), vz = _mm_set1_pd(mz);
  const __m128d term01 =
      _mm_add_pd(_mm_add_pd(_mm_mul_pd(_mm_loadu_pd(c), vx), _mm_mul_pd(_mm_loadu_pd(c + 2), vy)),
                 _mm_mul_pd(_mm_loadu_pd(c + 4), vz));
  _mm_storeu_pd(out, _mm_add_pd(_mm_loadu_pd(out), term01));
  out[2] += a2.x() * mx + a2.y() * my + a2.z() * mz;
#else
  for (int k = 0; k < 3; ++k)
    out[k] += t.axis[k].x() * mx + t.axis[k].y() * my + t.axis[k].z() * mz;
#endif
}

// Adds w . dp/dq of the point p (world) through the motions of joint j to dLdq.
inline void addJointPathTerms(const Model& m, const Data& d, int j, const Vec3& w, const Vec3& p,
                              double* dLdq) {
  const JointPathTerms& t = d.joint_path_terms[j];
  if (!t.fast) return addJointTerms(m, d, j, w, p, dLdq);
  const Vec3 moment = (p - t.origin).cross(w);
  for (int k = 0; k < t.count; ++k) dLdq[t.dof[k]] += t.axis[k].dot(moment);
}

inline bool isMoving(const Model& m, int pt) {
  const auto& mc = m.point_moving_coord[pt];
  return mc[0] >= 0 || mc[1] >= 0 || mc[2] >= 0;
}

void calcPointPositions(const Model& m, Data& d, int first, int count) {
  for (int pt = first; pt < first + count; ++pt) {
    const int cond = m.point_cond_coord[pt];
    if (cond < 0 && !isMoving(m, pt)) {  // the common case: a point fixed on its body
      d.point_active[pt] = 1;
      d.point_position_W[pt] = d.body_pose[m.point_body[pt]] * m.point_location[pt];
      continue;
    }
    d.point_active[pt] = cond < 0 || (d.coord_value[cond] >= m.point_cond_min[pt] &&
                                      d.coord_value[cond] <= m.point_cond_max[pt]);
    Vec3 location = m.point_location[pt];
    for (int i = 0; i < 3; ++i) {
      const int c = m.point_moving_coord[pt][i];
      double slope, curvature;
      if (c >= 0)
        m.evalFunction(m.point_moving_function[pt][i], d.coord_value[c], location[i], slope,
                       curvature);
    }
    d.point_position_W[pt] = d.body_pose[m.point_body[pt]] * location;
  }
}

// Length of one muscle and its derivative dL/dq, accumulated into dLdq (size ndof, zero).
double calcLengthAndDerivative(const Model& m, const Data& d, int first, int count, double* dLdq) {
  double length = 0.0;
  int prev = -1;
  for (int pt = first; pt < first + count; ++pt) {
    if (!d.point_active[pt]) continue;
    if (prev < 0) {
      prev = pt;
      continue;
    }
    const Vec3 segment = d.point_position_W[pt] - d.point_position_W[prev];
    const double len = segment.norm();
    length += len;
    if (len > 1e-12) {  // a zero-length segment has no direction and no derivative
      const Vec3 u = segment / len;
      int a = m.point_body[prev], b = m.point_body[pt];
      while (a != b) {  // climb to the lowest common ancestor
        const int da = m.body_depth[a], db = m.body_depth[b];
        if (da >= db)
          addJointPathTerms(m, d, a - 1, -u, d.point_position_W[prev], dLdq), a = m.body_parent[a];
        if (db >= da)
          addJointPathTerms(m, d, b - 1, u, d.point_position_W[pt], dLdq), b = m.body_parent[b];
      }
      if (isMoving(m, prev)) addMovingTerms(m, d, prev, -u, dLdq);
      if (isMoving(m, pt)) addMovingTerms(m, d, pt, u, dLdq);
    }
    prev = pt;
  }
  return length;
}

// Length and the moment arms r = -dL/dq of a muscle whose path points are all fixed on their
// bodies, along the joints recorded by makeData (Data::path_step): the terms of
// calcLengthAndDerivative, in the same order, with the opposite sign (negation is exact, so r
// is bit for bit what negating dL/dq gave), without the climb and the per-point checks.
double calcFixedLengthAndMomentArms(const Model& m, const Data& d, int first, int count,
                                    double* r) {
  double length = 0.0;
  for (int pt = first + 1; pt < first + count; ++pt) {
    const Vec3& pa = d.point_position_W[pt - 1];
    const Vec3& pb = d.point_position_W[pt];
    const Vec3 segment = pb - pa;
    const double len = segment.norm();
    length += len;
    if (!(len > 1e-12)) continue;  // a zero-length segment has no direction and no derivative
    // the point and direction of each side: u at the point before, -u at this one
    const Vec3 u = segment / len, minus_u = -u;
    const Vec3* point[2] = {&pa, &pb};
    const Vec3* w[2] = {&u, &minus_u};
    const int end = d.segment_step_start[pt + 1];
    for (int k = d.segment_step_start[pt]; k < end; ++k) {
      const int step = d.path_step[k], j = step >> 1, side = step & 1;
      const JointPathTerms& t = d.joint_path_terms[j];
      if (t.packed)
        addPackedJointTerms(t, *point[side], *w[side], r);
      else if (!t.fast || t.count > 0)  // (a joint that moves nothing this frame adds nothing)
        addJointPathTerms(m, d, j, *w[side], *point[side], r);
    }
  }
  return length;
}

}  // namespace

void calcMusclePaths(const Model& model, Data& data) {
  requireStages(model, data, kStageKinematics, "calcMusclePaths");
  buildJointPathTerms(model, data);
  const bool have_steps = static_cast<int>(data.muscle_path_step_start.size()) == model.nmuscle &&
                          static_cast<int>(data.segment_step_start.size()) == model.npoint + 1;
  const double* __restrict qd = data.qd.data();
  const bool moving = !data.qd.isZero(0.0);
  for (int mu = 0; mu < model.nmuscle; ++mu) {
    const int first = model.muscle_point_start[mu], count = model.muscle_point_count[mu];
    const bool fixed = have_steps && data.muscle_path_step_start[mu] >= 0;
    if (fixed) {
      for (int pt = first; pt < first + count; ++pt) {
        data.point_active[pt] = 1;
        data.point_position_W[pt] = data.body_pose[model.point_body[pt]] * model.point_location[pt];
      }
    } else {
      calcPointPositions(model, data, first, count);
    }
    // Only [begin, end) can be non-zero (Model::muscle_dof_begin); the rest stays zero from
    // makeData, so a fascicle crossing one level costs three degrees of freedom, not all.
    const int begin = model.muscle_dof_begin[mu], end = model.muscle_dof_end[mu];
    double* __restrict r = data.moment_arm.col(mu).data();
    for (int k = begin; k < end; ++k) r[k] = 0.0;
    double length;
    if (fixed) {
      length = calcFixedLengthAndMomentArms(model, data, first, count, r);
    } else {
      length = calcLengthAndDerivative(model, data, first, count, r);
      for (int k = begin; k < end; ++k) r[k] = -r[k];  // r = -dL/dq
    }
    // speed = dL/dq . qd = -r . qd, in two partial sums (the reduction then vectorizes); zero
    // without a sum when the posture is static
    double speed0 = 0.0, speed1 = 0.0;
    if (moving) {
      int k = begin;
      for (; k + 1 < end; k += 2) {
        speed0 -= r[k] * qd[k];
        speed1 -= r[k + 1] * qd[k + 1];
      }
      if (k < end) speed0 -= r[k] * qd[k];
    }
    const double speed = speed0 + speed1;
    data.muscle_length[mu] = length;
    data.muscle_speed[mu] = speed;
  }
  data.stages |= kStageMusclePaths;
}

}  // namespace dorsum
