#include "features.h"

/* Lags and leads of one series (features.h).  By rows, output i is
 * x[i - k]; by time, it is the value observed at time t[i] - k exactly, and
 * `fill` where the series has no such time (a gap, or before its start),
 * as a join on the time would give. */

static void lag_rows(const double *x, R_xlen_t n, R_xlen_t k, double fill, double *out)
{
    for (R_xlen_t i = 0; i < n; i++) {
        R_xlen_t j = i - k;
        out[i] = j >= 0 && j < n ? x[j] : fill;
    }
}

/* Times are strictly increasing, so the row holding t[i] - k only moves
 * forward with i: one pass with a second cursor. */
static void lag_time(const double *x, const double *t, R_xlen_t n, double k, double fill,
                     double *out)
{
    R_xlen_t j = 0;
    for (R_xlen_t i = 0; i < n; i++) {
        double target = t[i] - k;
        while (j < n && t[j] < target)
            j++;
        out[i] = j < n && t[j] == target ? x[j] : fill;
    }
}

void lagrs_lag_kernel(const double *x, const double *t, R_xlen_t n, const lagrs_feature *f,
                      double *out)
{
    if (t == NULL)
        lag_rows(x, n, (R_xlen_t) f->lag, f->roll.fill, out);
    else
        lag_time(x, t, n, f->lag, f->roll.fill, out);
}
