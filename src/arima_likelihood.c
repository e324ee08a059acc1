/* The ML objective the search minimises, 0.5 (log(ssq / nu) + sumlog / nu):
 * without missing values from the diffuse filter on the differenced series
 * (arima_arma_filter.c), falling back to the full Kalman filter with kappa
 * (arima_kalman.c) where stats::arima's likelihood differs from it; and the
 * final pass at the fitted coefficients.  Plain C. */
#include <float.h>
#include <math.h>
#include "arima_internal.h"

/* The ML objective from the full filter with the diffuse prior kappa, as
 * stats::arima evaluates it, at the coefficients already expanded in c->k. */
static double objective_ml_full(fit_ctx *c, const double *x)
{
    double ssq, sumlog;
    R_xlen_t nu;
    if (kalman_init(&c->k))
        return DBL_MAX;
    kalman_filter(&c->k, x, c->n, &ssq, &sumlog, &nu, NULL);
    double s2 = ssq / (double) nu;
    return 0.5 * (log(s2) + sumlog / (double) nu);
}

double objective_ml(int n_free, const double *free_par, void *vctx)
{
    (void) n_free;
    fit_ctx *c = vctx;
    fill_par(c, free_par);
    expand_pars(&c->ad, c->par, c->trans, c->k.phi, c->k.theta, c->params,
                c->trwork);
    double ssq, sumlog;
    R_xlen_t nu;
    const double *x = adjusted_series(c);
    if (c->fast) {
        /* without regressors the differenced series never changes */
        if (!(c->ncxreg == 0 && c->wdiff_ready))
            difference_series(x, c->n, c->d, c->D, c->ad.ns, c->wdiff);
        c->wdiff_ready = 1;
        int rc = arma_filter(&c->k, c->wdiff + c->nd, c->n - c->nd, &ssq,
                             &sumlog, &nu);
        if (rc == 1)
            return DBL_MAX;
        if (rc == 3)
            return objective_ml_full(c, x);
    } else {
        return objective_ml_full(c, x);
    }
    double s2 = ssq / (double) nu;
    return 0.5 * (log(s2) + sumlog / (double) nu);
}

/* objective_ml() at k points.  Without missing values or regressors and
 * with a two-dimensional ARMA state, the filters of four points run
 * interleaved (arma_filter_r2_lanes); otherwise one point at a time.  The
 * values are exactly objective_ml()'s, except that when one point needs the
 * full filter (a large prediction variance) every point does: the k points
 * are a finite-difference stencil, and the small offset between the two
 * likelihoods must not enter its differences. */
void objective_ml_batch(int n_free, int k, const double *pars,
                        double *values, void *vctx)
{
    fit_ctx *c = vctx;
    int met_before = c->k.large_gain;
    c->k.large_gain = 0;
    if (!(c->fast && c->ncxreg == 0 && c->wdiff_ready && c->k.r == 2)) {
        for (int i = 0; i < k && !c->k.large_gain; i++)
            values[i] = objective_ml(n_free, pars + (size_t) n_free * i, vctx);
    } else {
        const double *w = c->wdiff + c->nd;
        R_xlen_t m = c->n - c->nd;
        for (int i0 = 0; i0 < k && !c->k.large_gain; i0 += 4) {
            int kk = k - i0 < 4 ? k - i0 : 4;
            r2_lane lanes[4];
            int point_of[4], n_lanes = 0;
            for (int i = 0; i < kk; i++) {
                fill_par(c, pars + (size_t) n_free * (i0 + i));
                expand_pars(&c->ad, c->par, c->trans, c->k.phi, c->k.theta,
                            c->params, c->trwork);
                if (stationary_cov(&c->k, 2, 0)) {
                    values[i0 + i] = DBL_MAX;
                    continue;
                }
                r2_lane_init(lanes + n_lanes, &c->k);
                point_of[n_lanes++] = i0 + i;
            }
            if (arma_filter_r2_lanes(lanes, n_lanes, point_of, w, m, values))
                c->k.large_gain = 1;
        }
    }
    if (c->k.large_gain) {
        for (int i = 0; i < k; i++) {
            fill_par(c, pars + (size_t) n_free * i);
            expand_pars(&c->ad, c->par, c->trans, c->k.phi, c->k.theta,
                        c->params, c->trwork);
            values[i] = objective_ml_full(c, adjusted_series(c));
        }
    }
    c->k.large_gain |= met_before;
}

/* The filter at the final coefficients (untransformed), keeping the state
 * for forecasting.  If the AR part is not stationary (possible only with
 * fixed AR coefficients or CSS), the ARMA block starts from the identity. */
void final_filter(fit_ctx *c, const double *coef, double *ssq,
                  double *sumlog, R_xlen_t *nu, double *resid)
{
    for (int i = 0; i < c->ncoef; i++) c->par[i] = coef[i];
    expand_pars(&c->ad, c->par, 0, c->k.phi, c->k.theta, c->params, c->trwork);
    if (kalman_init(&c->k)) {
        size_t rd = (size_t) c->k.rd;
        for (size_t i = 0; i < rd * rd; i++) c->k.Pnew[i] = 0.0;
        for (int i = 0; i < c->k.r; i++) c->k.Pnew[i + rd * i] = 1.0;
        for (int i = c->k.r; i < c->k.rd; i++) c->k.Pnew[i + rd * i] = c->k.kappa;
    }
    const double *x = adjusted_series(c);
    kalman_filter(&c->k, x, c->n, ssq, sumlog, nu, resid);
}
