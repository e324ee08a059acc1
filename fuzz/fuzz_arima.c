/* libFuzzer harness for the ARIMA likelihood/fit kernel (src/arima.c,
 * src/arima_optim.c), built without R running.  The fuzz bytes give a small
 * order (p, d, q <= 2; P, D, Q <= 1; period 1..4), the method, mean/drift
 * flags, and a short series (NaN = missing; huge, tiny and raw bit
 * patterns; no Inf: the callers refuse it).  Besides ASan/UBSan it checks
 * that a fit reported as usable has finite coefficients and sigma2, and a
 * usable forecast is finite where the fit's sigma2 is. */
#include "../src/arima.h"
#include "fuzz_common.h"
#include <stdio.h>
#include <stdlib.h>

#define MAX_N 80

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r = {data, size, 0};
    int p = (int) (fuzz_byte(&r) % 3), d = (int) (fuzz_byte(&r) % 3), q = (int) (fuzz_byte(&r) % 3);
    int P = (int) (fuzz_byte(&r) % 2), D = (int) (fuzz_byte(&r) % 2), Q = (int) (fuzz_byte(&r) % 2);
    int period = 1 + (int) (fuzz_byte(&r) % 4);
    if (period == 1)
        P = D = Q = 0;
    lagrs_arima_spec spec;
    lagrs_arima_spec_init(&spec, p, d, q, P, D, Q, period);
    unsigned flags = fuzz_byte(&r);
    spec.method = (int) (flags % 3);
    spec.include_mean = (int) ((flags >> 2) & 1u);
    spec.include_drift = (d + D <= 1) ? (int) ((flags >> 3) & 1u) : 0;
    spec.want_var = (int) ((flags >> 4) & 1u);
    spec.want_residuals = 1;
    spec.maxit = 50;
    R_xlen_t n = 1 + (R_xlen_t) (fuzz_byte(&r) % MAX_N);
    double *y = malloc((size_t) n * sizeof *y);
    if (!y)
        abort();
    for (R_xlen_t i = 0; i < n; i++) {
        double v = fuzz_double(&r);
        y[i] = isinf(v) ? NAN : v;
    }
    int nc = lagrs_arima_n_coef(&spec, 0), rd = lagrs_arima_state_dim(&spec);
    double *coef = calloc((size_t) nc + 1, sizeof *coef);
    double *var = calloc((size_t) nc * nc + 1, sizeof *var);
    double *res = calloc((size_t) n, sizeof *res);
    double *a = calloc((size_t) rd + 1, sizeof *a);
    double *P_ = calloc((size_t) rd * rd + 1, sizeof *P_);
    if (!coef || !var || !res || !a || !P_)
        abort();
    lagrs_arima_result out;
    memset(&out, 0, sizeof out);
    out.coef = coef;
    out.var_coef = spec.want_var ? var : NULL;
    out.residuals = res;
    out.state_a = a;
    out.state_P = P_;
    int status = lagrs_arima_fit_kernel(y, n, NULL, 0, &spec, &out);
    if (status == LAGRS_ARIMA_OK) {
        for (int k = 0; k < nc; k++)
            if (!isfinite(coef[k])) {
                fprintf(stderr, "status ok with coef[%d] = %g\n", k, coef[k]);
                abort();
            }
        if (!isfinite(out.sigma2) || out.sigma2 < 0) {
            fprintf(stderr, "status ok with sigma2 = %g\n", out.sigma2);
            abort();
        }
    }
    if (status <= LAGRS_ARIMA_WARNING) {
        double mean[4], se[4];
        char msg[LAGRS_ARIMA_MSG_LEN];
        lagrs_arima_forecast_kernel(&spec, &out, n, 4, NULL, 0, mean, se, msg);
    }
    free(y); free(coef); free(var); free(res); free(a); free(P_);
    return 0;
}
