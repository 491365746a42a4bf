// The sparse products with A and the m x m normal matrix A D A^T that both methods factor.
//
// A is given dense, but each of its columns touches only the coordinates of the levels that its
// muscle crosses (a band along the spine plus a few long muscles). The products read A as runs of
// consecutive rows per column, so that every product with A, and the assembly of A D A^T, cost
// the number of entries in the runs (and sum_j nnz_j^2 / 2) instead of m n (and m^2 n / 2), in
// contiguous inner loops that vectorize. When the problem gives the columns' bands, each band is
// one run, read where it lies in A: no copy per solve (the recruitment stage's bands hold hardly
// any zero, so the few stored zeros cost less than a copy). Without bands, the nonzeros are
// packed into the workspace.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "dorsum/error.hpp"
#include "recruit/recruit_internal.hpp"

namespace dorsum::recruit_detail {

namespace {

// Rows [begin, end) of column j that may hold nonzeros: the problem's band, or every row.
struct Band {
  int begin, end;
};
inline Band columnBand(const RecruitmentProblem& p, int j, int m) {
  if (p.column_row_begin.empty()) return {0, m};
  return {p.column_row_begin[j], p.column_row_end[j]};
}

// Packs A afresh: finds the runs of nonzeros of every column (inside its band).
void packPattern(const RecruitmentProblem& p, RecruitmentWorkspace& ws) {
  const int m = ws.nrow, n = ws.ncol;
  int k = 0, run = 0;
  for (int j = 0; j < n; ++j) {
    ws.column_start[j] = run;
    const double* col = p.A.col(j).data();
    const Band band = columnBand(p, j, m);
    bool in_run = false;
    for (int i = band.begin; i < band.end; ++i) {
      const double v = col[i];
      if (v == 0.0) {
        in_run = false;
        continue;
      }
      if (!in_run) {
        ws.run_row[run] = i;
        ws.run_offset[run] = k;
        ws.run_length[run] = 0;
        ++run;
        in_run = true;
      }
      ws.value[k++] = v;
      ++ws.run_length[run - 1];
    }
  }
  ws.column_start[n] = run;
  ws.run_offset[run] = k;
}

// Each column's band as one run, read in place from A (column-major, so entry (i, j) is at
// i + j m). The run offsets fit an int: bands are used in place only when m n does.
void bandPattern(const RecruitmentProblem& p, RecruitmentWorkspace& ws) {
  const int m = ws.nrow, n = ws.ncol;
  for (int j = 0; j < n; ++j) {
    ws.column_start[j] = j;
    ws.run_row[j] = p.column_row_begin[j];
    ws.run_offset[j] = j * m + p.column_row_begin[j];
    ws.run_length[j] = p.column_row_end[j] - p.column_row_begin[j];
  }
  ws.column_start[n] = n;
}

}  // namespace

void checkBandsFinite(const RecruitmentProblem& p, const RecruitmentWorkspace& ws) {
  for (int j = 0; j < ws.ncol; ++j) {
    const Band band = columnBand(p, j, ws.nrow);
    for (int i = band.begin; i < band.end; ++i)
      if (!std::isfinite(p.A(i, j)))
        throw UsageError(fmt::format("RecruitmentProblem.A({}, {}) = {}: expected a finite number",
                                     i, j, p.A(i, j)));
  }
}

namespace {

// Refills the values of the kept pattern; returns false if A has a nonzero (or a NaN) outside it
// (inside the column's band) or a NaN or infinity inside it. One pass over each band, in plain
// loops: the runs are short (a dozen entries), too short for vectorized reductions to pay.
bool refillPattern(const RecruitmentProblem& p, RecruitmentWorkspace& ws) {
  const int m = ws.nrow, n = ws.ncol;
  double outside = 0.0;  // sum of |A(i, j)| outside the pattern: NaN or > 0 if not all zero
  double inside = 0.0;   // sum of (v - v) over the pattern: NaN if any entry is not finite
  double* __restrict value = ws.value.data();
  for (int j = 0; j < n; ++j) {
    const double* __restrict col = p.A.col(j).data();
    const Band band = columnBand(p, j, m);
    int row = band.begin;  // first row not yet seen
    for (int k = ws.column_start[j]; k < ws.column_start[j + 1]; ++k) {
      const int start = ws.run_row[k], off = ws.run_offset[k];
      const int len = ws.run_length[k];
      for (; row < start; ++row) outside += std::abs(col[row]);
      inside += copyFinite(len, col + start, value + off);
      row = start + len;
    }
    for (; row < band.end; ++row) outside += std::abs(col[row]);
  }
  return outside == 0.0 && inside == 0.0;
}

}  // namespace

bool packColumns(const RecruitmentProblem& p, RecruitmentWorkspace& ws) {
  const bool in_place = !p.column_row_begin.empty() && static_cast<long long>(ws.nrow) * ws.ncol <=
                                                           std::numeric_limits<int>::max();
  if (in_place) {
    bandPattern(p, ws);
    ws.has_pattern = false;
    ws.values = p.A.data();
    return false;
  }
  ws.values = ws.value.data();
  // A's pattern (which coordinates each muscle crosses) rarely changes from frame to frame:
  // refill the kept one, and find it again only when a nonzero falls outside it.
  if (ws.has_pattern && refillPattern(p, ws)) return true;
  ws.has_pattern = false;
  checkBandsFinite(p, ws);
  packPattern(p, ws);
  ws.has_pattern = true;
  return true;
}

void assembleNormalMatrix(RecruitmentWorkspace& ws, const Eigen::VectorXd& d) {
  Eigen::MatrixXd& H = ws.hessian;
  H.setZero();
  double* h = H.data();
  const int m = ws.nrow;
  const double* val = ws.values;
  for (int j = 0; j < ws.ncol; ++j) {
    const double dj = d[j];
    if (dj == 0.0) continue;
    const int first_run = ws.column_start[j], end_run = ws.column_start[j + 1];
    // Entry (r2, r1) with r2 >= r1 is in the lower triangle: for each row r1 of the column, add
    // d v(r1) v(r2) down column r1 of H, run by run (contiguous in both H and the values).
    for (int a = first_run; a < end_run; ++a) {
      const int row_a = ws.run_row[a], off_a = ws.run_offset[a];
      const int len_a = ws.run_length[a];
      for (int t = 0; t < len_a; ++t) {
        const double f = dj * val[off_a + t];
        double* __restrict hcol = h + static_cast<std::ptrdiff_t>(row_a + t) * m;
        // the rest of run a, then the later runs
        {
          const double* __restrict v = val + off_a;
          double* __restrict hr = hcol + row_a;
          for (int u = t; u < len_a; ++u) hr[u] += f * v[u];
        }
        for (int b = a + 1; b < end_run; ++b) {
          const double* __restrict v = val + ws.run_offset[b];
          double* __restrict hr = hcol + ws.run_row[b];
          const int len_b = ws.run_length[b];
          for (int u = 0; u < len_b; ++u) hr[u] += f * v[u];
        }
      }
    }
  }
}

bool choleskyFactor(Eigen::MatrixXd& H) {
  const int m = static_cast<int>(H.rows());
  double* a = H.data();
  // Right-looking, column by column: each column k is scaled by its pivot, then subtracted from
  // the trailing columns as contiguous axpys (which vectorize), two columns at a time so that
  // every trailing column is loaded and stored once per pair.
  int k = 0;
  for (; k + 1 < m; k += 2) {
    double* __restrict c0 = a + static_cast<std::ptrdiff_t>(k) * m;
    double* __restrict c1 = c0 + m;
    const double d0 = c0[k];
    if (!(d0 > 0.0) || !std::isfinite(d0)) return false;
    const double p0 = std::sqrt(d0), inv0 = 1.0 / p0;
    c0[k] = p0;
    for (int i = k + 1; i < m; ++i) c0[i] *= inv0;
    // column k + 1 gets column k's contribution before its own pivot
    const double l10 = c0[k + 1];
    for (int i = k + 1; i < m; ++i) c1[i] -= l10 * c0[i];
    const double d1 = c1[k + 1];
    if (!(d1 > 0.0) || !std::isfinite(d1)) return false;
    const double p1 = std::sqrt(d1), inv1 = 1.0 / p1;
    c1[k + 1] = p1;
    for (int i = k + 2; i < m; ++i) c1[i] *= inv1;
    for (int j = k + 2; j < m; ++j) {
      double* __restrict cj = a + static_cast<std::ptrdiff_t>(j) * m;
      const double f0 = c0[j], f1 = c1[j];
      for (int i = j; i < m; ++i) cj[i] -= f0 * c0[i] + f1 * c1[i];
    }
  }
  if (k < m) {  // the last column of an odd size
    double* c = a + static_cast<std::ptrdiff_t>(k) * m;
    if (!(c[k] > 0.0) || !std::isfinite(c[k])) return false;
    c[k] = std::sqrt(c[k]);
  }
  return true;
}

void choleskySolve(const Eigen::MatrixXd& L, Eigen::VectorXd& x) {
  namespace ei = Eigen::internal;
  const int m = static_cast<int>(L.rows());
  const double* l = L.data();
  double* __restrict y = x.data();
  auto column = [&](int k) { return l + static_cast<std::ptrdiff_t>(k) * m; };
  // Four columns at a time, so that each entry of y below the block is loaded and stored once per
  // four columns (forward) and each entry of x below it is loaded once for four dot products
  // (backward): a third fewer instructions than column by column at m = 87.
  const int blocked = m - m % 4;
  // L y = x.
  for (int k = 0; k < blocked; k += 4) {
    const double *c0 = column(k), *c1 = column(k + 1), *c2 = column(k + 2), *c3 = column(k + 3);
    const double y0 = y[k] / c0[k];
    const double y1 = (y[k + 1] - c0[k + 1] * y0) / c1[k + 1];
    const double y2 = (y[k + 2] - c0[k + 2] * y0 - c1[k + 2] * y1) / c2[k + 2];
    const double y3 = (y[k + 3] - c0[k + 3] * y0 - c1[k + 3] * y1 - c2[k + 3] * y2) / c3[k + 3];
    y[k] = y0, y[k + 1] = y1, y[k + 2] = y2, y[k + 3] = y3;
    const Packet p0 = ei::pset1<Packet>(y0), p1 = ei::pset1<Packet>(y1);
    const Packet p2 = ei::pset1<Packet>(y2), p3 = ei::pset1<Packet>(y3);
    int i = k + 4;
    for (; i + kPacketSize <= m; i += kPacketSize) {
      const Packet sum = ei::padd(ei::padd(ei::pmul(p0, ei::ploadu<Packet>(c0 + i)),
                                           ei::pmul(p1, ei::ploadu<Packet>(c1 + i))),
                                  ei::padd(ei::pmul(p2, ei::ploadu<Packet>(c2 + i)),
                                           ei::pmul(p3, ei::ploadu<Packet>(c3 + i))));
      ei::pstoreu(y + i, ei::psub(ei::ploadu<Packet>(y + i), sum));
    }
    for (; i < m; ++i) y[i] -= (c0[i] * y0 + c1[i] * y1) + (c2[i] * y2 + c3[i] * y3);
  }
  for (int k = blocked; k < m; ++k) {
    const double* c = column(k);
    const double yk = y[k] / c[k];
    y[k] = yk;
    if (yk != 0.0) axpy(m - k - 1, -yk, c + k + 1, y + k + 1);
  }
  // L^T x = y: the columns past the last block one by one, then the blocks upwards.
  for (int k = m - 1; k >= blocked; --k) {
    const double* c = column(k);
    y[k] = (y[k] - dot(m - k - 1, c + k + 1, y + k + 1)) / c[k];
  }
  for (int k = blocked - 4; k >= 0; k -= 4) {
    const double *c0 = column(k), *c1 = column(k + 1), *c2 = column(k + 2), *c3 = column(k + 3);
    Packet a0 = ei::pset1<Packet>(0.0), a1 = a0, a2 = a0, a3 = a0;
    int i = k + 4;
    for (; i + kPacketSize <= m; i += kPacketSize) {
      const Packet v = ei::ploadu<Packet>(y + i);
      a0 = ei::padd(a0, ei::pmul(v, ei::ploadu<Packet>(c0 + i)));
      a1 = ei::padd(a1, ei::pmul(v, ei::ploadu<Packet>(c1 + i)));
      a2 = ei::padd(a2, ei::pmul(v, ei::ploadu<Packet>(c2 + i)));
      a3 = ei::padd(a3, ei::pmul(v, ei::ploadu<Packet>(c3 + i)));
    }
    double d0 = ei::predux(a0), d1 = ei::predux(a1), d2 = ei::predux(a2), d3 = ei::predux(a3);
    for (; i < m; ++i)
      d0 += c0[i] * y[i], d1 += c1[i] * y[i], d2 += c2[i] * y[i], d3 += c3[i] * y[i];
    const double x3 = (y[k + 3] - d3) / c3[k + 3];
    const double x2 = (y[k + 2] - d2 - c2[k + 3] * x3) / c2[k + 2];
    const double x1 = (y[k + 1] - d1 - c1[k + 2] * x2 - c1[k + 3] * x3) / c1[k + 1];
    const double x0 = (y[k] - d0 - c0[k + 1] * x1 - c0[k + 2] * x2 - c0[k + 3] * x3) / c0[k];
    y[k] = x0, y[k + 1] = x1, y[k + 2] = x2, y[k + 3] = x3;
  }
}

bool choleskyRankOne(Eigen::MatrixXd& L, Eigen::VectorXd& v, int first, double sigma,
                     double min_pivot_ratio) {
  const int m = static_cast<int>(L.rows());
  double* l = L.data();
  double* __restrict x = v.data();
  // Givens-like sweep (Golub and Van Loan 2013, Cholesky updating): column k of L and the rest of x
  // rotate together; entries of x that are zero leave their column unchanged.
  for (int k = first; k < m; ++k) {
    const double xk = x[k];
    if (xk == 0.0) continue;
    double* __restrict c = l + static_cast<std::ptrdiff_t>(k) * m;
    const double lkk = c[k];
    const double r2 = lkk * lkk + sigma * xk * xk;
    if (!(r2 > min_pivot_ratio * min_pivot_ratio * lkk * lkk) || !std::isfinite(r2)) return false;
    const double r = std::sqrt(r2);
    const double cs = r / lkk, sn = xk / lkk;
    const double inv_cs = 1.0 / cs, ss = sigma * sn;
    c[k] = r;
    for (int i = k + 1; i < m; ++i) {
      const double li = (c[i] + ss * x[i]) * inv_cs;
      c[i] = li;
      x[i] = cs * x[i] - sn * li;
    }
  }
  return true;
}

bool factorNormalMatrix(RecruitmentWorkspace& ws, const Eigen::VectorXd* d) {
  if (d)
    ws.factor_curvature = *d;
  else
    ws.factor_curvature.setZero();
  ws.factor = ws.hessian;
  if (choleskyFactor(ws.factor)) return true;
  // Not numerically positive definite: no free variable touches some row (possible without
  // reserves). Add a ridge, growing from 1e-12 of the largest diagonal entry.
  const double scale = std::max(ws.hessian.diagonal().maxCoeff(), 1e-300);
  for (double ridge = 1e-12 * scale; ridge <= 1e-2 * scale; ridge *= 100.0) {
    ws.hessian.diagonal().array() += ridge;
    ws.factor = ws.hessian;
    if (choleskyFactor(ws.factor)) return true;
  }
  return false;
}

}  // namespace dorsum::recruit_detail
