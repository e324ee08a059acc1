#include "rolling_internal.h"
#include <math.h>
#include <string.h>

/* Rolling minimum and maximum (the median and quantile are in
 * rolling_quantile.c).  The kernel walks the outputs first..last-1 of one
 * series as the window [lo, hi) slides, as the sums do (rolling_sum.c). */

/* ------------------------------------------------------------------------ */
/* Minimum and maximum: van Herk / Gil-Werman, O(1) a step whatever the data */

/* The observations a chunk touches, [lo of its first window, hi of its
 * last), are cut into blocks of `width` starting at the first.  A window is
 * at most `width` long, so it lies in one block or across two neighbours:
 * its maximum is that of a block suffix (kept in `suffix`, filled by one
 * backward pass) and a block prefix (kept while walking forwards).  Three
 * comparisons per observation, no branch on the data, so monotone input
 * costs what random input costs.  The minimum is minus the maximum of -x,
 * which is exact.  NA and NaN are counted apart and stand as -Inf, which
 * can never be an answer unless the window holds nothing else, and such a
 * window answers NA or fill instead. */
void minmax_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                   R_xlen_t last, const lagrs_roll_spec *spec,
                   double *suffix, int want_max, double *out)
{
    const R_xlen_t w = spec->width;
    const double sign = want_max ? 1.0 : -1.0;
    const R_xlen_t start = window_lo(first, spec);
    const R_xlen_t end = window_hi(last - 1, n, spec);

    for (R_xlen_t block = start + (end - 1 - start) / w * w; block >= start; block -= w) {
        R_xlen_t block_end = block + w < end ? block + w : end;
        double acc = -INFINITY;
        for (R_xlen_t j = block_end - 1; j >= block; j--) {
            double v = isnan(x[j]) ? -INFINITY : sign * x[j];
            acc = v > acc ? v : acc;
            suffix[j - start] = acc;
        }
    }

    /* lo_block and hi_block: the starts of the blocks holding lo and hi - 1 */
    R_xlen_t lo = start, hi = start, n_nan = 0;
    R_xlen_t lo_block = start, hi_block = start - w;
    double prefix = -INFINITY;
    for (R_xlen_t i = first; i < last; i++) {
        R_xlen_t new_hi = window_hi(i, n, spec), new_lo = window_lo(i, spec);
        for (; hi < new_hi; hi++) {
            if (hi == hi_block + w) {
                hi_block = hi;
                prefix = -INFINITY;
            }
            double v = x[hi];
            n_nan += isnan(v);
            v = isnan(v) ? -INFINITY : sign * v;
            prefix = v > prefix ? v : prefix;
        }
        for (; lo < new_lo; lo++)
            n_nan -= isnan(x[lo]);
        if (lo >= lo_block + w)
            lo_block += w;
        R_xlen_t counted = spec->na_rm ? (hi - lo) - n_nan : hi - lo;
        double ans;
        if (counted < spec->min_obs)
            ans = spec->fill;
        else if (n_nan > 0 && !spec->na_rm)
            ans = spec->na_value;
        else if (lo_block != hi_block) {
            double tail = suffix[lo - start];
            ans = sign * (tail > prefix ? tail : prefix);
        } else if (lo == lo_block) {
            ans = sign * prefix;
        } else {
            ans = sign * suffix[lo - start];
        }
        out[i] = ans;
    }
}
