/* What the rolling kernels' files (rolling.c, rolling_sum.c,
 * rolling_order.c, rolling_quantile.c) share: window geometry and the kernel of each family.
 * Plain C; nothing outside these files includes it. */
#ifndef LAGRS_ROLLING_INTERNAL_H
#define LAGRS_ROLLING_INTERNAL_H

#include "rolling.h"

/* Output i's window is [window_lo, window_hi). */
static inline R_xlen_t window_lo(R_xlen_t i, const lagrs_roll_spec *spec)
{
    return i > spec->before ? i - spec->before : 0;
}

static inline R_xlen_t window_hi(R_xlen_t i, R_xlen_t n, const lagrs_roll_spec *spec)
{
    R_xlen_t hi = i + spec->after + 1;
    return hi < n ? hi : n;
}

/* The longest chunk: long against the width, so the O(width) start of each
 * chunk costs little, and long enough that one chunk amortises the
 * scheduling. */
static inline R_xlen_t chunk_cap(const lagrs_roll_spec *spec)
{
    R_xlen_t floor_len = 65536;
    R_xlen_t len = 8 * spec->width;
    return len > floor_len ? len : floor_len;
}

/* The most observations a window can hold in a series of n. */
static inline R_xlen_t window_cap(const lagrs_roll_spec *spec, R_xlen_t n)
{
    return spec->width < n ? spec->width : (n > 0 ? n : 1);
}

/* Sum, mean, var and sd (rolling_sum.c): outputs [first, last) of x[0..n). */
void sum_family_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                       R_xlen_t last, const lagrs_roll_spec *spec, double *out);

/* Two to four chunks in lock step (sum and mean only), where the compiler
 * has vectors of two doubles; four lanes in AVX's vectors where GCC builds
 * for x86-64 and the processor has AVX (lagrs_has_avx()).  Bitwise the
 * results of sum_family_kernel() on each chunk. */
#if defined(__GNUC__) && (defined(__SSE2__) || defined(__aarch64__))
#define LAGRS_ROLL_PAIRS 1
void sum_lanes_kernel(int n_lanes, const double **x, const R_xlen_t *n,
                      const R_xlen_t *first, const R_xlen_t *last, double **out,
                      const lagrs_roll_spec *spec);
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LAGRS_ROLL_QUADS 1
int lagrs_has_avx(void);
#endif
#endif

/* Minimum and maximum (rolling_order.c); `suffix` is the workspace. */
void minmax_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                   R_xlen_t last, const lagrs_roll_spec *spec,
                   double *suffix, int want_max, double *out);

/* Median and quantile (rolling_quantile.c), with a workspace of
 * quantile_workspace_bytes(window_cap(spec, n)) bytes or more. */
size_t quantile_workspace_bytes(R_xlen_t cap);
void order_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                  R_xlen_t last, const lagrs_roll_spec *spec,
                  void *workspace, double *out);

#endif
