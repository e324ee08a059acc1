#include "features.h"
#include <math.h>

/* Exponentially weighted means of one series (features.h), step for step
 * as pandas' ewm(alpha = alpha, adjust, ignore_na).mean() computes them
 * (pandas/_libs/window/aggregations.pyx, ewm()), with min_periods =
 * roll.min_obs:
 *   - adjust = TRUE: the mean of the observations so far with weights
 *     (1 - alpha)^age, the newest weighing 1; adjust = FALSE: the
 *     recursion y = (1 - alpha) y + alpha x from the first observation;
 *   - a missing value adds nothing; with ignore_na = FALSE it still ages
 *     the older observations (their weights keep the positions they have
 *     in the series), with ignore_na = TRUE it does not.  The output at a
 *     missing value is the mean so far;
 *   - over time, an observation dt later ages the older ones by
 *     (1 - alpha)^dt (pandas' `times`);
 *   - outputs with fewer than min_obs observations so far are `fill`. */
void lagrs_ewma_kernel(const double *x, const double *t, R_xlen_t n, const lagrs_feature *f,
                       double *out)
{
    if (n == 0)
        return;
    const double old_factor = 1.0 - f->alpha;
    const double new_weight = f->adjust ? 1.0 : f->alpha;
    const R_xlen_t min_obs = f->roll.min_obs;
    double weighted = x[0], old_weight = 1.0;
    R_xlen_t n_obs = !isnan(x[0]);
    out[0] = n_obs >= min_obs ? weighted : f->roll.fill;
    for (R_xlen_t i = 1; i < n; i++) {
        const double cur = x[i];
        const int is_obs = !isnan(cur);
        n_obs += is_obs;
        if (!isnan(weighted)) {
            if (is_obs || !f->ignore_na) {
                old_weight *= t == NULL ? old_factor : pow(old_factor, t[i] - t[i - 1]);
                if (is_obs) {
                    /* pandas skips the update when equal: constant series
                     * stay exactly constant */
                    if (weighted != cur) {
                        weighted = old_weight * weighted + new_weight * cur;
                        weighted /= old_weight + new_weight;
                    }
                    old_weight = f->adjust ? old_weight + new_weight : 1.0;
                }
            }
        } else if (is_obs) {
            weighted = cur;
        }
        out[i] = n_obs >= min_obs ? weighted : f->roll.fill;
    }
}
