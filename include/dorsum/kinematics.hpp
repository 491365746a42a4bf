// Forward kinematics and point Jacobians.
#pragma once

#include <Eigen/Core>

#include "dorsum/data.hpp"

namespace dorsum {

using Jacobian3 = Eigen::Matrix<double, 3, Eigen::Dynamic>;

// Reads data.q and data.qd; fills every coordinate's value, speed and derivatives with respect
// to the degrees of freedom (couplings by the chain rule), body poses and the world frames of
// the joint motions. Does not allocate.
void calcKinematics(const Model& model, Data& data);

// World position of a point fixed on `body`, given in the body frame. After calcKinematics.
Vec3 calcPointPosition(const Model& model, const Data& data, int body, const Vec3& p_B);

// d p_W / d q (3 x ndof) of a point fixed on `body`: through every joint between the body and
// the ground and, for coupled coordinates, through their couplings. J is resized if needed
// (pass a correctly sized J to avoid allocation). After calcKinematics.
void calcPointJacobian(const Model& model, const Data& data, int body, const Vec3& p_B,
                       Jacobian3& J);

// World velocity of a point fixed on `body`: J qd. After calcKinematics.
Vec3 calcPointVelocity(const Model& model, const Data& data, int body, const Vec3& p_B);

// tau += J^T f: the generalized force (per degree of freedom, ndof entries) of a world force f
// applied at the world point p_W of `body`, with J the point's Jacobian (calcPointJacobian). The
// same walk as the Jacobian without forming it (a few hundred flops instead of 3 x ndof). With
// `stop`, an ancestor of `body`, only the joint motions below `stop` count: for a pair of
// opposite forces at one point on two bodies (a contact), the motions above their common ancestor
// move both alike, and their terms cancel. After calcKinematics.
void addPointForceGeneralized(const Model& model, const Data& data, int body, const Vec3& p_W,
                              const Vec3& f, Eigen::Ref<Eigen::VectorXd> tau, int stop = 0);

// Checks that data was made for this model (sizes) and that `required` stages ran; throws
// UsageError naming `stage` otherwise.
void requireStages(const Model& model, const Data& data, std::uint32_t required, const char* stage);

}  // namespace dorsum
