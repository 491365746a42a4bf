// Short dense kernels (axpy, dot) for the recruitment solver's inner loops, written on Eigen's
// packet primitives so that they use the widest vectors the build targets (SSE2 by default, AVX
// with -march) on any architecture Eigen supports, without the alignment peeling and aliasing
// checks a compiler adds to a plain loop: the runs of A are a dozen entries long, the factor's
// columns fewer than a hundred, and that overhead cost as much as the arithmetic.
#pragma once

#include <Eigen/Core>

namespace dorsum::recruit_detail {

using Packet = Eigen::internal::packet_traits<double>::type;
constexpr int kPacketSize = Eigen::internal::packet_traits<double>::size;

// y[0, n) += a x[0, n)
inline void axpy(int n, double a, const double* __restrict x, double* __restrict y) {
  namespace ei = Eigen::internal;
  const Packet pa = ei::pset1<Packet>(a);
  int i = 0;
  for (; i + kPacketSize <= n; i += kPacketSize)
    ei::pstoreu(y + i,
                ei::padd(ei::ploadu<Packet>(y + i), ei::pmul(pa, ei::ploadu<Packet>(x + i))));
  for (; i < n; ++i) y[i] += a * x[i];
}

// y[0, n) = a x[0, n)
inline void scaledCopy(int n, double a, const double* __restrict x, double* __restrict y) {
  namespace ei = Eigen::internal;
  const Packet pa = ei::pset1<Packet>(a);
  int i = 0;
  for (; i + kPacketSize <= n; i += kPacketSize)
    ei::pstoreu(y + i, ei::pmul(pa, ei::ploadu<Packet>(x + i)));
  for (; i < n; ++i) y[i] = a * x[i];
}

// y[0, n) = a x[0, n) and z[0, n) += b x[0, n), in one pass over x
inline void scaledCopyAxpy(int n, double a, double b, const double* __restrict x,
                           double* __restrict y, double* __restrict z) {
  namespace ei = Eigen::internal;
  const Packet pa = ei::pset1<Packet>(a), pb = ei::pset1<Packet>(b);
  int i = 0;
  for (; i + kPacketSize <= n; i += kPacketSize) {
    const Packet v = ei::ploadu<Packet>(x + i);
    ei::pstoreu(y + i, ei::pmul(pa, v));
    ei::pstoreu(z + i, ei::padd(ei::ploadu<Packet>(z + i), ei::pmul(pb, v)));
  }
  for (; i < n; ++i) {
    y[i] = a * x[i];
    z[i] += b * x[i];
  }
}

// y[0, n) = x[0, n); returns the sum of (x_i - x_i), 0 unless an entry is infinite or NaN.
inline double copyFinite(int n, const double* __restrict x, double* __restrict y) {
  namespace ei = Eigen::internal;
  Packet acc = ei::pset1<Packet>(0.0);
  int i = 0;
  for (; i + kPacketSize <= n; i += kPacketSize) {
    const Packet v = ei::ploadu<Packet>(x + i);
    ei::pstoreu(y + i, v);
    acc = ei::padd(acc, ei::psub(v, v));
  }
  double sum = ei::predux(acc);
  for (; i < n; ++i) {
    y[i] = x[i];
    sum += x[i] - x[i];
  }
  return sum;
}

// x[0, n) . y[0, n)
inline double dot(int n, const double* __restrict x, const double* __restrict y) {
  namespace ei = Eigen::internal;
  Packet acc0 = ei::pset1<Packet>(0.0), acc1 = acc0;
  int i = 0;
  for (; i + 2 * kPacketSize <= n; i += 2 * kPacketSize) {
    acc0 = ei::padd(acc0, ei::pmul(ei::ploadu<Packet>(x + i), ei::ploadu<Packet>(y + i)));
    acc1 = ei::padd(acc1, ei::pmul(ei::ploadu<Packet>(x + i + kPacketSize),
                                   ei::ploadu<Packet>(y + i + kPacketSize)));
  }
  if (i + kPacketSize <= n) {
    acc0 = ei::padd(acc0, ei::pmul(ei::ploadu<Packet>(x + i), ei::ploadu<Packet>(y + i)));
    i += kPacketSize;
  }
  double sum = ei::predux(ei::padd(acc0, acc1));
  for (; i < n; ++i) sum += x[i] * y[i];
  return sum;
}

}  // namespace dorsum::recruit_detail
