/* Forecasts from a fitted ARIMA model: the Kalman filter's predictions from
 * the state at the end of the series, with their exact variances (as
 * predict() on a stats::arima fit), plus the regression part.  Plain C. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arima_internal.h"

/* One step ahead: a <- T a, P <- T P T' + R R'.  Returns the forecast of the
 * observation (the ARMA and differencing part); *var its variance, in units
 * of sigma2. */
static double forecast_step(kalman_ws *k, double *var)
{
    int r = k->r, nd = k->nd;
    size_t rd = (size_t) k->rd;
    for (int i = 0; i < r; i++) {
        double v = (i < r - 1) ? k->a[i + 1] : 0.0;
        if (i < k->p) v += k->phi[i] * k->a[0];
        k->anew[i] = v;
    }
    if (nd > 0) {
        double v = k->a[0];
        for (int i = 0; i < nd; i++) v += k->delta[i] * k->a[r + i];
        for (int i = k->rd - 1; i > r; i--) k->anew[i] = k->a[i - 1];
        k->anew[r] = v;
    }
    memcpy(k->a, k->anew, sizeof(double) * rd);
    double fc = k->a[0];
    for (int i = 0; i < nd; i++) fc += k->delta[i] * k->a[r + i];
    kalman_predict_cov(k);
    memcpy(k->P, k->Pnew, sizeof(double) * rd * rd);
    double v = k->P[0];
    for (int i = 0; i < nd; i++)
        v += 2.0 * k->delta[i] * k->P[(r + i) * rd];
    for (int i = 0; i < nd; i++)
        for (int j = 0; j < nd; j++)
            v += k->delta[i] * k->delta[j] * k->P[(r + i) + rd * (r + j)];
    *var = v;
    return fc;
}

int lagrs_arima_forecast_kernel(const lagrs_arima_spec *spec,
                                const lagrs_arima_result *fit, R_xlen_t n,
                                int h, const double *xreg_future, int n_xreg,
                                double *mean, double *se, char *msg)
{
    int s = season(spec);
    arma_dims ad;
    arma_dims_init(&ad, spec);
    int narma = ad.mp + ad.mq + ad.msp + ad.msq;
    int nd = spec->d + s * spec->D;
    int intercept = has_intercept(spec), drift = spec->include_drift ? 1 : 0;
    size_t kd = kalman_ws_doubles(ad.p, ad.q, nd);
    size_t maxar = (size_t) imax(imax(ad.mp, ad.msp), 1);
    double *mem = malloc(sizeof(double) * (kd + (size_t) narma + 1 + maxar));
    if (mem == NULL) {
        if (msg) snprintf(msg, LAGRS_ARIMA_MSG_LEN, "out of memory");
        return LAGRS_ARIMA_ERR_MEMORY;
    }
    kalman_ws k;
    kalman_ws_setup(&k, ad.p, ad.q, nd, DEFAULT_KAPPA, mem);
    double *params = mem + kd, *trwork = params + narma + 1;
    expand_pars(&ad, fit->coef, 0, k.phi, k.theta, params, trwork);
    kalman_index_coef(&k);
    kalman_set_delta(&k, spec->d, spec->D, s);
    size_t rd = (size_t) k.rd;
    memcpy(k.a, fit->state_a, sizeof(double) * rd);
    memcpy(k.P, fit->state_P, sizeof(double) * rd * rd);
    const double *beta = fit->coef + narma;
    for (int step = 0; step < h; step++) {
        double v;
        double fc = forecast_step(&k, &v);
        double xm = 0.0;
        int col = 0;
        if (intercept) xm += beta[col++];
        if (drift) xm += beta[col++] * (double) (n + step + 1);
        for (int j = 0; j < n_xreg; j++)
            xm += beta[col + j] * xreg_future[step + (size_t) h * j];
        mean[step] = fc + xm;
        se[step] = sqrt(v * fit->sigma2);
    }
    free(mem);
    if (msg) msg[0] = '\0';
    return LAGRS_ARIMA_OK;
}
