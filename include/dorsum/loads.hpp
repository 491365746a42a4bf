// Joint loads: the force and moment transmitted across every joint, from the segments'
// weight and inertia, the external loads, and the muscles' and contacts' forces applied along
// their paths (a muscle that crosses a disc squeezes it).
#pragma once

#include "dorsum/data.hpp"

namespace dorsum {

// After calcInverseDynamics, with data.muscle_force (and contact_force) set, usually by
// solveRecruitment. Fills joint_force_D, joint_moment_D and joint_disc_frame_W: the load that
// everything above each joint exerts on the body below it, in the disc frame (DESIGN.md):
// compression = -F_y, antero-posterior shear = F_x (positive when the upper body is pushed
// forward), lateral shear = F_z. Does not allocate.
void calcJointLoads(const Model& model, Data& data);

}  // namespace dorsum
