// The force-length curves over arrays of muscles (calcMuscleState), two at a time where the
// target has SSE2. Each entry is bit for bit what calcActiveForceLength and
// calcPassiveForceLength (muscle.hpp) give for it.
#pragma once

namespace dorsum {

// active_fl[i] = calcActiveForceLength(norm_fiber_length[i]), i < n
void calcActiveForceLengths(int n, const double* norm_fiber_length, double* active_fl);

// passive_fl[i] = calcPassiveForceLength(norm_fiber_length[i]), i < n
void calcPassiveForceLengths(int n, const double* norm_fiber_length, double* passive_fl);

}  // namespace dorsum
