/* The ARIMA model's spec: stats::arima's defaults, the coefficient count
 * and names, the length rule and the state dimension.  Plain C. */
#include <stdio.h>
#include <string.h>
#include "arima_internal.h"

void lagrs_arima_spec_init(lagrs_arima_spec *spec, int p, int d, int q,
                           int P, int D, int Q, int period)
{
    memset(spec, 0, sizeof(*spec));
    spec->p = p; spec->d = d; spec->q = q;
    spec->P = P; spec->D = D; spec->Q = Q;
    spec->period = period;
    spec->include_mean = 1;
    spec->include_drift = 0;
    spec->method = LAGRS_ARIMA_CSS_ML;
    spec->transform_pars = 1;
    spec->n_cond = -1;
    spec->fixed = NULL;
    spec->kappa = DEFAULT_KAPPA;
    spec->maxit = 100;
    spec->reltol = 1e-8;
    spec->want_var = 1;
    spec->want_residuals = 1;
    spec->var_aic_below = INFINITY;
}

int lagrs_arima_n_coef(const lagrs_arima_spec *spec, int n_xreg)
{
    return spec->p + spec->q + spec->P + spec->Q + has_intercept(spec) +
        (spec->include_drift ? 1 : 0) + n_xreg;
}

/* The one rule for coefficient names (as names(coef(stats::arima(...)))):
 * ar1..arp, ma1..maq, sar1..sarP, sma1..smaQ, intercept, drift. */
int lagrs_arima_coef_name(const lagrs_arima_spec *spec, int k, char *buf, size_t size)
{
    const char *stem[4] = {"ar", "ma", "sar", "sma"};
    int count[4] = {spec->p, spec->q, spec->P, spec->Q};
    for (int b = 0; b < 4; b++) {
        if (k < count[b]) {
            snprintf(buf, size, "%s%d", stem[b], k + 1);
            return 1;
        }
        k -= count[b];
    }
    if (has_intercept(spec) && k-- == 0) {
        snprintf(buf, size, "intercept");
        return 1;
    }
    if (spec->include_drift && k-- == 0) {
        snprintf(buf, size, "drift");
        return 1;
    }
    return 0;
}

R_xlen_t lagrs_arima_min_obs(const lagrs_arima_spec *spec)
{
    R_xlen_t s = season(spec);
    return (R_xlen_t) spec->d + (R_xlen_t) spec->D * s + spec->p + (R_xlen_t) spec->P * s;
}

int lagrs_arima_state_dim(const lagrs_arima_spec *spec)
{
    int s = season(spec);
    int p = spec->p + s * spec->P, q = spec->q + s * spec->Q;
    return imax(p, q + 1) + spec->d + s * spec->D;
}
