/* A fitted model's filter carried on over new observations: what
 * forecast::Arima(y, model = fit) computes when y is the fitted series
 * grown at its end, without refiltering the part the fit has seen.  Plain
 * C. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arima_internal.h"

/* The Kalman filter is sequential: its state after y[n - 1] is its state
 * after y[n_old - 1] advanced by the observations in between.  The fit's
 * final pass leaves the filtered state (state_a, state_P) after its last
 * observation; one covariance prediction makes it the filter's starting
 * point for y[n_old], exactly as the filter's own loop would have it.  The
 * values differ from a pass over the whole series only by rounding (that
 * pass stops updating a covariance that has converged; this one resumes the
 * updates until it converges again). */
int lagrs_arima_extend_kernel(const lagrs_arima_spec *spec, lagrs_arima_result *fit,
                              const double *y, R_xlen_t n_old, R_xlen_t n, char *msg)
{
    if (msg) msg[0] = '\0';
    if (n <= n_old)
        return LAGRS_ARIMA_OK;
    int s = season(spec);
    arma_dims ad;
    arma_dims_init(&ad, spec);
    int narma = ad.mp + ad.mq + ad.msp + ad.msq;
    int nd = spec->d + s * spec->D;
    int intercept = has_intercept(spec), drift = spec->include_drift ? 1 : 0;
    size_t kd = kalman_ws_doubles(ad.p, ad.q, nd);
    size_t maxar = (size_t) imax(imax(ad.mp, ad.msp), 1);
    R_xlen_t m = n - n_old;
    double *mem = malloc(sizeof(double) * (kd + (size_t) narma + 1 + maxar + (size_t) m));
    if (mem == NULL) {
        if (msg) snprintf(msg, LAGRS_ARIMA_MSG_LEN, "out of memory");
        return LAGRS_ARIMA_ERR_MEMORY;
    }
    kalman_ws k;
    kalman_ws_setup(&k, ad.p, ad.q, nd, DEFAULT_KAPPA, mem);
    double *params = mem + kd, *trwork = params + narma + 1, *x = trwork + maxar;
    expand_pars(&ad, fit->coef, 0, k.phi, k.theta, params, trwork);
    kalman_index_coef(&k);
    kalman_set_delta(&k, spec->d, spec->D, s);
    size_t rd = (size_t) k.rd;
    memcpy(k.a, fit->state_a, sizeof(double) * rd);
    memcpy(k.P, fit->state_P, sizeof(double) * rd * rd);
    kalman_predict_cov(&k);
    /* the regression part taken out, as the fit's adjusted series */
    const double *beta = fit->coef + narma;
    for (R_xlen_t t = 0; t < m; t++) {
        double v = y[n_old + t];
        int col = 0;
        if (intercept) v -= 1.0 * beta[col++];
        if (drift) v -= (double) (n_old + t + 1) * beta[col++];
        x[t] = v;
    }
    double ssq, sumlog;
    R_xlen_t nu;
    kalman_filter(&k, x, m, &ssq, &sumlog, &nu, NULL);
    memcpy(fit->state_a, k.a, sizeof(double) * rd);
    memcpy(fit->state_P, k.P, sizeof(double) * rd * rd);
    free(mem);
    return LAGRS_ARIMA_OK;
}
