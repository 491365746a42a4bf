// One recruitment solve on a synthetic problem shaped like the back model's (m = 100 balanced
// coordinates, n = 850 variables: fascicles, contacts and one reserve per row), cold and
// warm-started along a slowly changing right-hand side. docs/RECRUITMENT.md records the figures.
#include <benchmark/benchmark.h>

#include <cmath>

#include "dorsum/recruit.hpp"

using namespace dorsum;

namespace {

RecruitmentProblem benchProblem(int exponent, RecruitmentCriterion criterion) {
  SyntheticRecruitmentOptions o;
  o.nrow = 100;
  o.ncol = 850;
  RecruitmentProblem p = makeSyntheticRecruitmentProblem(o);
  p.exponent = exponent;
  p.criterion = criterion;
  return p;
}

// Frame k of a smooth motion: the right-hand side and every column of A (moment arms and force
// capacities change with the posture) drift slowly, about 1% and 0.5% per frame.
void setFrame(RecruitmentProblem& p, const RecruitmentProblem& p0, long frame) {
  const double phase = 0.05 * static_cast<double>(frame);
  for (int r = 0; r < p.rows(); ++r) p.b[r] = p0.b[r] * (1.0 + 0.2 * std::sin(phase + 0.1 * r));
  for (int j = 0; j < p.cols(); ++j)
    if (p.kind[j] == RecruitmentVariable::kPower)
      p.A.col(j) = p0.A.col(j) * (1.0 + 0.1 * std::sin(phase + 0.37 * j));
}

void run(benchmark::State& state, int exponent, RecruitmentCriterion criterion, bool warm) {
  const RecruitmentProblem p0 = benchProblem(exponent, criterion);
  RecruitmentProblem p = p0;
  RecruitmentWorkspace ws = makeRecruitmentWorkspace(p.rows(), p.cols());
  RecruitmentResult result = makeRecruitmentResult(p.rows(), p.cols());
  RecruitmentOptions options;
  options.warm_start = warm;
  long frame = 0;
  double iterations = 0.0, factorizations = 0.0, cg = 0.0, failures = 0.0;
  solveRecruitment(p, ws, result, options);  // the warm start of the first frame
  for (auto _ : state) {
    state.PauseTiming();
    setFrame(p, p0, ++frame);
    state.ResumeTiming();
    solveRecruitment(p, ws, result, options);
    iterations += result.iterations;
    factorizations += result.factorizations;
    cg += result.cg_iterations;
    failures += !result.converged;
    benchmark::DoNotOptimize(result.x.data());
  }
  using benchmark::Counter;
  state.counters["iterations"] = Counter(iterations, Counter::kAvgIterations);
  state.counters["factorizations"] = Counter(factorizations, Counter::kAvgIterations);
  state.counters["cg_iterations"] = Counter(cg, Counter::kAvgIterations);
  state.counters["failures"] = failures;
}

void BM_RecruitP2Cold(benchmark::State& s) {
  run(s, 2, RecruitmentCriterion::kSumOfPowers, false);
}
void BM_RecruitP2Warm(benchmark::State& s) {
  run(s, 2, RecruitmentCriterion::kSumOfPowers, true);
}
void BM_RecruitP3Cold(benchmark::State& s) {
  run(s, 3, RecruitmentCriterion::kSumOfPowers, false);
}
void BM_RecruitP3Warm(benchmark::State& s) {
  run(s, 3, RecruitmentCriterion::kSumOfPowers, true);
}
void BM_RecruitMinMax(benchmark::State& s) {
  run(s, 2, RecruitmentCriterion::kMinMax, true);
}

}  // namespace

BENCHMARK(BM_RecruitP2Cold)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RecruitP2Warm)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RecruitP3Cold)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RecruitP3Warm)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RecruitMinMax)->Unit(benchmark::kMillisecond);
