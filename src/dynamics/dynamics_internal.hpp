// Part of the ligaments' forces, for compile(), which samples one coordinate at a time.
#pragma once

#include <vector>

#include "dorsum/data.hpp"

namespace dorsum {

// calcLigaments for the listed ligaments (ascending) only: coord_ligament_force is zeroed, then
// each listed ligament adds to it as in calcLigaments, in the same order, so a coordinate that
// only those ligaments act on gets the same force bit for bit. Needs the kinematics of the
// ligaments' bodies and of the joints between them (calcKinematicsOf).
void calcLigamentsOf(const Model& model, Data& data, const std::vector<int>& ligaments);

}  // namespace dorsum
