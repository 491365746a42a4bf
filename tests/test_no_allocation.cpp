// The per-frame stages must not allocate: their buffers are sized once by makeData.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "alloc_counter.hpp"
#include "dorsum/examples.hpp"
#include "dorsum/kinematics.hpp"
#include "dorsum/muscle_path.hpp"
#include "test_models.hpp"

using namespace dorsum;
using alloc_counter::CountAllocations;

TEST(NoAllocation, TheCounterSeesBothNewAndMalloc) {
  // The checks below cannot pass vacuously: the counter sees each route on its own (also under
  // AddressSanitizer, whose malloc is what __real_malloc reaches).
  {
    CountAllocations counter;
    std::vector<double> v(100);  // operator new
    EXPECT_GE(counter.count(), 1);
  }
  {
    CountAllocations counter;
    Eigen::VectorXd x(100);  // Eigen's aligned_malloc: std::malloc
    EXPECT_GE(counter.count(), 1);
  }
}

TEST(NoAllocation, KinematicsAndMusclePaths) {
  for (const ModelSpec& spec : {test_models::everything(), examples::syntheticSpine(24, 400)}) {
    const Model m = compile(spec);
    Data d = makeData(m);
    std::mt19937 rng(1);
    test_models::randomState(m, d, rng);
    CountAllocations counter;
    for (int frame = 0; frame < 10; ++frame) {
      d.q *= 0.9;
      calcKinematics(m, d);
      calcMusclePaths(m, d);
    }
    EXPECT_EQ(counter.count(), 0) << spec.name;
  }
}
