// Kinematics of part of the model, for compile(), which samples one coordinate at a time.
#pragma once

#include <vector>

#include "dorsum/data.hpp"

namespace dorsum {

// calcKinematics for the listed coordinates (in Model::coord_order order, each coordinate's
// sources listed before it) and bodies (ascending, each body's parent listed before it or the
// ground), with the same arithmetic, so that those entries of Data equal what calcKinematics
// gives bit for bit; the other entries are left as they were, and no stage is marked as run.
void calcKinematicsOf(const Model& model, Data& data, const std::vector<int>& coords,
                      const std::vector<int>& bodies);

}  // namespace dorsum
