#include "features.h"

/* Rolling windows over time (features.h): output i summarises the
 * observations whose times lie in (t[i] - span, t[i]] (right alignment) or
 * [t[i], t[i] + span) (left), as slider::slide_index() with .before (or
 * .after) = span - 1 does for whole-number times.  A gap in the series
 * leaves fewer observations in the windows that cover it, and min_obs
 * counts them.
 *
 * Each window is handed to lagrs_roll_kernel() as a series of its own, so
 * the statistics, their NA rules and their arithmetic are exactly those of
 * the same window over rows; a window costs O(its length) (median and
 * quantile O(length log length)). */
void lagrs_roll_time_kernel(const double *x, const double *t, R_xlen_t n,
                            const lagrs_feature *f, void *workspace, double *out)
{
    const int left = f->align == LAGRS_ROLL_LEFT;
    R_xlen_t lo = 0, hi = 0;
    for (R_xlen_t i = 0; i < n; i++) {
        if (left) {
            lo = i;
            if (hi < i + 1)
                hi = i + 1;
            while (hi < n && t[hi] < t[i] + f->span)
                hi++;
        } else {
            hi = i + 1;
            while (t[lo] <= t[i] - f->span)
                lo++;
        }
        const R_xlen_t m = hi - lo;
        if (m < f->roll.min_obs) {
            out[i] = f->roll.fill;
            continue;
        }
        lagrs_roll_spec window = f->roll;
        (void) lagrs_roll_set_window(&window, m, left ? LAGRS_ROLL_LEFT : LAGRS_ROLL_RIGHT);
        if (left)
            lagrs_roll_kernel(x + lo, m, 0, 1, &window, workspace, out + lo);
        else
            lagrs_roll_kernel(x + lo, m, m - 1, m, &window, workspace, out + lo);
    }
}
