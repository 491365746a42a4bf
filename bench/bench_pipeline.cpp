// The whole per-frame path of `dorsum bench` on the built-in model (113 degrees of freedom, 752
// fascicles, 87 balanced coordinates): trunk flexion 0 to 60 degrees and back over 1000 frames
// with 10 kg in the hands, recruitment warm-started from the previous frame.
//
// BM_BuiltinPipeline/k runs the first k stages of every frame (1: kinematics; 2: + paths and
// muscle state; 3: + inverse dynamics; 4: + recruitment; 5: + joint loads, the whole frame), so
// that a stage's cost is the difference of two consecutive figures. Google Benchmark's CPU
// column is this process's CPU time: unlike `dorsum bench`'s wall clock it does not count the
// time the scheduler gives to other programs, which makes it the figure to compare on a busy
// machine (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "dorsum/analysis.hpp"
#include "dorsum/dynamics.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/loads.hpp"
#include "dorsum/muscle.hpp"
#include "dorsum/muscle_path.hpp"

using namespace dorsum;

namespace {

constexpr int kFrames = 1000;

struct Pipeline {
  Model model = compile(buildBackModel(defaultSubject()));
  Data data = makeData(model);
  Recruiter recruiter = makeRecruiter(model);
  std::vector<Eigen::VectorXd> postures;

  Pipeline() {
    for (int f = 0; f < kFrames; ++f) {
      Posture p;
      p.trunk_flexion_deg = 30.0 - 30.0 * std::cos(2.0 * M_PI * f / kFrames);
      applyPosture(model, data, p);
      postures.push_back(data.q);
    }
    applyHandLoad(model, data, 10.0);
  }
};

Pipeline& pipeline() {
  static Pipeline p;
  return p;
}

void BM_BuiltinPipeline(benchmark::State& state) {
  Pipeline& p = pipeline();
  const int stages = static_cast<int>(state.range(0));
  long frame = 0;
  long iterations = 0;
  for (auto _ : state) {
    p.data.q = p.postures[frame++ % kFrames];
    calcKinematics(p.model, p.data);
    if (stages >= 2) calcMusclePaths(p.model, p.data), calcMuscleState(p.model, p.data);
    if (stages >= 3) calcInverseDynamics(p.model, p.data);
    if (stages >= 4) {
      solveRecruitment(p.model, p.data, p.recruiter);
      iterations += p.data.recruitment_iterations;
    }
    if (stages >= 5) calcJointLoads(p.model, p.data);
    benchmark::DoNotOptimize(p.data.joint_force_D.data());
  }
  if (stages >= 4)
    state.counters["solver_its"] =
        benchmark::Counter(static_cast<double>(iterations), benchmark::Counter::kAvgIterations);
}

}  // namespace

BENCHMARK(BM_BuiltinPipeline)->DenseRange(1, 5)->Unit(benchmark::kMicrosecond);
