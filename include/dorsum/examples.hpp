// Small models built in code, for benchmarks, tests and the first demo. They are synthetic:
// shaped like a spine, not anatomical (the built-in anatomy lives in src/anatomy/).
#pragma once

#include "dorsum/spec.hpp"

namespace dorsum::examples {

// A pelvis fixed to the ground and a column of `levels` vertebrae, each on a three-rotation
// joint (Z extension, X lateral bending to the right, Y axial rotation to the left) 25 mm above the
// one below, with fascicles on both sides spanning one to twelve levels (every span at every level
// in turn) (the longer ones guided by via points on the vertebrae they pass), until there are at
// least `muscles` of them.
ModelSpec syntheticSpine(int levels = 24, int muscles = 400);

}  // namespace dorsum::examples
