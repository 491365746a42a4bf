// Muscle paths: path point positions, musculotendon lengths, lengthening speeds and moment
// arms. Straight segments between the active points. Wrapping surfaces will insert tangent
// points between them in this same stage, into per-muscle buffers that makeData will size from
// the model (docs/ARCHITECTURE.md, "Where wrapping plugs in"); none exist yet.
#pragma once

#include "dorsum/data.hpp"

namespace dorsum {

// After calcKinematics. Fills point_position_W, point_active, muscle_length, muscle_speed and
// moment_arm (r = -dL/dq, computed analytically from the path point Jacobians). Does not
// allocate.
void calcMusclePaths(const Model& model, Data& data);

}  // namespace dorsum
