// Kinematics and muscle paths on a synthetic spine-like model: 24 three-rotation joints
// (72 degrees of freedom) and 400 or more fascicles. docs/PERFORMANCE.md records the figures.
#include <benchmark/benchmark.h>

#include <cmath>

#include "dorsum/examples.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/muscle_path.hpp"

using namespace dorsum;

namespace {

// A smooth sequence of postures: every degree of freedom on its own slow sine.
void setPosture(const Model& m, Data& d, long frame) {
  for (int k = 0; k < m.ndof; ++k) {
    d.q[k] = 0.1 * std::sin(0.01 * static_cast<double>(frame) + 0.37 * k);
    d.qd[k] = 0.1 * 0.01 * std::cos(0.01 * static_cast<double>(frame) + 0.37 * k);
  }
}

void BM_Kinematics(benchmark::State& state) {
  const Model m = compile(examples::syntheticSpine(24, static_cast<int>(state.range(0))));
  Data d = makeData(m);
  long frame = 0;
  for (auto _ : state) {
    setPosture(m, d, frame++);
    calcKinematics(m, d);
    benchmark::DoNotOptimize(d.body_pose.back());
  }
  state.counters["bodies"] = m.nbody;
  state.counters["dof"] = m.ndof;
}

void BM_KinematicsAndMusclePaths(benchmark::State& state) {
  const Model m = compile(examples::syntheticSpine(24, static_cast<int>(state.range(0))));
  Data d = makeData(m);
  long frame = 0;
  for (auto _ : state) {
    setPosture(m, d, frame++);
    calcKinematics(m, d);
    calcMusclePaths(m, d);
    benchmark::DoNotOptimize(d.moment_arm.data());
  }
  state.counters["muscles"] = m.nmuscle;
  state.counters["path_points"] = m.npoint;
}

void BM_PointJacobian(benchmark::State& state) {
  const Model m = compile(examples::syntheticSpine(24, 400));
  Data d = makeData(m);
  setPosture(m, d, 17);
  calcKinematics(m, d);
  Jacobian3 J(3, m.ndof);
  for (auto _ : state) {
    calcPointJacobian(m, d, m.nbody - 1, Vec3(0.05, 0.01, 0.02), J);
    benchmark::DoNotOptimize(J.data());
  }
}

}  // namespace

BENCHMARK(BM_Kinematics)->Arg(400)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_KinematicsAndMusclePaths)->Arg(400)->Arg(800)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PointJacobian)->Unit(benchmark::kMicrosecond);
