// Muscle paths: path point positions, musculotendon lengths, lengthening speeds and moment
// arms. Straight segments between the active points; wrapping surfaces will insert points
// between them in the same stage (Data keeps room per muscle for them).
#pragma once

#include "dorsum/data.hpp"

namespace dorsum {

// After calcKinematics. Fills point_position_W, point_active, muscle_length, muscle_speed and
// moment_arm (r = -dL/dq, computed analytically from the path point Jacobians). Does not
// allocate.
void calcMusclePaths(const Model& model, Data& data);

}  // namespace dorsum
