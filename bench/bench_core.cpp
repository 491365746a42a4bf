// The per-frame stages on a synthetic spine-like model: 24 three-rotation joints (72 degrees
// of freedom) and 400 fascicles (examples::syntheticSpine); and one whole frame on the built-in
// back model. docs/PERFORMANCE.md records the figures and how to reproduce them.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "dorsum/anatomy.hpp"
#include "dorsum/examples.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/muscle.hpp"
#include "dorsum/muscle_path.hpp"

using namespace dorsum;

namespace {

constexpr int kLevels = 24;
constexpr int kMuscles = 400;

Model spineModel() {
  return compile(examples::syntheticSpine(kLevels, kMuscles));
}

// A smooth sequence of postures about the default one: every degree of freedom on its own slow
// sine of `amplitude` (rad or m). Computed before the timed loops, which only copy one in, so
// that the figures are the stages' and not std::sin's.
struct Postures {
  static constexpr int kCount = 256;
  std::vector<Eigen::VectorXd> q, qd;

  explicit Postures(const Model& m, double amplitude = 0.1) {
    for (int frame = 0; frame < kCount; ++frame) {
      Eigen::VectorXd qf(m.ndof), qdf(m.ndof);
      for (int k = 0; k < m.ndof; ++k) {
        const double phase = 0.05 * frame + 0.37 * k;
        qf[k] = m.coord_default[m.dof_coord[k]] + amplitude * std::sin(phase);
        qdf[k] = amplitude * 0.05 * std::cos(phase);
      }
      q.push_back(qf);
      qd.push_back(qdf);
    }
  }
  void set(Data& d, long frame) const {
    d.q = q[frame % kCount];  // same size: no allocation
    d.qd = qd[frame % kCount];
  }
};

void addModelCounters(benchmark::State& state, const Model& m) {
  state.counters["dof"] = m.ndof;
  state.counters["muscles"] = m.nmuscle;
  state.counters["path_points"] = m.npoint;
}

// calcKinematics alone, a new posture every call.
void BM_Kinematics(benchmark::State& state) {
  const Model m = spineModel();
  Data d = makeData(m);
  const Postures postures(m);
  long frame = 0;
  for (auto _ : state) {
    postures.set(d, frame++);
    calcKinematics(m, d);
    benchmark::DoNotOptimize(d.body_pose.back());
  }
  addModelCounters(state, m);
}

// calcMusclePaths alone on one posture (it reads the kinematics and does not change them).
void BM_MusclePaths(benchmark::State& state) {
  const Model m = spineModel();
  Data d = makeData(m);
  Postures(m).set(d, 17);
  calcKinematics(m, d);
  for (auto _ : state) {
    calcMusclePaths(m, d);
    benchmark::DoNotOptimize(d.moment_arm.data());
  }
  addModelCounters(state, m);
}

// calcMuscleState alone (rigid tendon, every muscle) on one posture and speed.
void BM_MuscleState(benchmark::State& state) {
  const Model m = spineModel();
  Data d = makeData(m);
  Postures(m).set(d, 17);
  d.activation.setConstant(0.3);
  calcKinematics(m, d);
  calcMusclePaths(m, d);
  for (auto _ : state) {
    calcMuscleState(m, d);
    benchmark::DoNotOptimize(d.muscle_force.data());
  }
  addModelCounters(state, m);
}

// The three stages in order, a new posture every call: one frame so far.
void runFrames(benchmark::State& state, const Model& m, double amplitude) {
  Data d = makeData(m);
  d.activation.setConstant(0.3);
  const Postures postures(m, amplitude);
  long frame = 0;
  for (auto _ : state) {
    postures.set(d, frame++);
    calcKinematics(m, d);
    calcMusclePaths(m, d);
    calcMuscleState(m, d);
    benchmark::DoNotOptimize(d.muscle_force.data());
  }
  addModelCounters(state, m);
}

void BM_KinematicsPathsState(benchmark::State& state) {
  runFrames(state, spineModel(), 0.1);
}

// One frame on the built-in back model of the default male subject, postures within 0.05 rad
// (or m) of the default one.
void BM_BuiltinModelFrame(benchmark::State& state) {
  runFrames(state, compile(buildBackModel(defaultSubject())), 0.05);
}

// The 3 x ndof Jacobian of a point on the top vertebra (the longest chain).
void BM_PointJacobian(benchmark::State& state) {
  const Model m = spineModel();
  Data d = makeData(m);
  Postures(m).set(d, 17);
  calcKinematics(m, d);
  Jacobian3 J(3, m.ndof);
  for (auto _ : state) {
    calcPointJacobian(m, d, m.nbody - 1, Vec3(0.05, 0.01, 0.02), J);
    benchmark::DoNotOptimize(J.data());
  }
  addModelCounters(state, m);
}

}  // namespace

BENCHMARK(BM_Kinematics)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MusclePaths)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MuscleState)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_KinematicsPathsState)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BuiltinModelFrame)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PointJacobian)->Unit(benchmark::kMicrosecond);
