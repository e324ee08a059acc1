/* STL, the seasonal-trend decomposition of stats::stl() (Cleveland et al.
 * 1990), in plain C: the decomposition that seasonal strength (unitroot.h)
 * and na.interp rest on.
 *
 * Nothing here uses R: no R types, no allocation through R, no global or
 * static state; every function may run in an OpenMP thread at the same time
 * as any other.
 *
 * Workspace: lagrs_stl() takes `double *work`.  Pass NULL and it malloc()s
 * and free()s its own (LAGRS_STL_NOMEM if that fails), or pass at least
 * lagrs_stl_work_size() doubles, e.g. one per thread allocated before a
 * parallel region. */
#ifndef LAGRS_STL_H
#define LAGRS_STL_H

#include "lagrs_c.h"

/* Status codes of lagrs_stl(). */
enum lagrs_stl_status {
    LAGRS_STL_OK = 0,
    LAGRS_STL_NOMEM = 1,     /* malloc() of the workspace failed */
    LAGRS_STL_BAD_ARG = 2,   /* a parameter is out of range */
    LAGRS_STL_TOO_SHORT = 3, /* n <= 2 * period ("less than two periods") */
    LAGRS_STL_MISSING = 4    /* the series has a missing or infinite value */
};

typedef struct {
    int period;         /* >= 2 */
    int s_window;       /* spans: odd, >= 3 (even or smaller ones are moved */
    int t_window;       /*   up the way stl.f does) */
    int l_window;
    int s_degree, t_degree, l_degree; /* 0 or 1 */
    int s_jump, t_jump, l_jump;       /* >= 1 */
    int inner;          /* >= 1 */
    int outer;          /* >= 0; robustness weights when > 0 */
} lagrs_stl_opts;

/* Fill `opts` with stats::stl()'s defaults for a series of this frequency
 * and s.window: period (int) frequency, s.degree 0, t.window
 * nextodd(ceiling(1.5 frequency / (1 - 1.5 / s.window))), t.degree 1,
 * l.window nextodd(frequency), l.degree 1, jumps ceiling(window / 10),
 * inner 2 and outer 0, or 1 and 15 when robust.  (stl() also refuses
 * n <= 2 * frequency, which for a non-whole frequency is stricter than
 * lagrs_stl()'s n <= 2 * period.) */
void lagrs_stl_default_opts(double frequency, int s_window, int robust,
                            lagrs_stl_opts *opts);

/* Doubles of workspace lagrs_stl() needs: 5 * (n + 2 * period) + n. */
size_t lagrs_stl_work_size(ptrdiff_t n, int period);

/* Seasonal and trend components (and robustness weights, all 1 when
 * outer == 0) of y[0..n-1], as stats::stl's Fortran routine computes them;
 * the remainder is y - seasonal - trend.  `weights` may be NULL.
 * Errors: LAGRS_STL_BAD_ARG (period < 2, a degree not 0/1, a jump < 1,
 * inner < 1, outer < 0, n > INT_MAX), LAGRS_STL_TOO_SHORT (n <= 2 period),
 * LAGRS_STL_MISSING (a non-finite value), LAGRS_STL_NOMEM. */
int lagrs_stl(const double *y, ptrdiff_t n, const lagrs_stl_opts *opts,
              double *seasonal, double *trend, double *weights,
              double *work);

#endif
