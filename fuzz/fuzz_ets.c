/* libFuzzer harness for the ETS family (src/model_ets.c over the engine of
 * src/ets.h), built without R running.  The fuzz bytes give the model
 * (each component fixed or chosen, damped, bounds, objective, restrict,
 * multiplicative trend allowed, fixed smoothing parameters or not), the
 * period (1..13) and a short series (NaN = missing; huge, tiny and raw
 * bit patterns; a few Infs).  Besides ASan/UBSan it checks that a fit
 * reported as usable has a finite likelihood (or a constant series' NaN)
 * and sigma2 >= 0, and that forecasting and filtering it never crash and
 * give finite means where the fit is finite, and that the filter (the
 * fit's parameters and initial states, frozen) gives back the fit's
 * likelihood on the same series. */
#include "../src/model.h"
#include "fuzz_common.h"
#include <stdio.h>
#include <stdlib.h>

#define MAX_N 120

/* The batch runner's Ctrl-C flag (batch.c needs R): never set here. */
int lagrs_batch_stop_requested(void)
{
    return 0;
}

static double choice(fuzz_reader *r, int n_codes, int first)
{
    unsigned b = fuzz_byte(r) % (unsigned) (n_codes + 1);
    return b == 0 ? NAN : (double) (first + (int) b - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r = {data, size, 0};
    const lagrs_family *family = &lagrs_family_ets;
    double opt[17];
    opt[0] = choice(&r, 2, 1);    /* error */
    opt[1] = choice(&r, 3, 0);    /* trend */
    opt[2] = choice(&r, 3, 0);    /* season */
    opt[3] = choice(&r, 2, 0);    /* damped */
    opt[4] = NAN;                 /* period: the frequency below */
    unsigned flags = fuzz_byte(&r);
    opt[5] = (flags & 1u) != 0;   /* additive_only */
    opt[6] = (flags & 2u) != 0;   /* allow_multiplicative_trend */
    opt[7] = (flags & 4u) == 0;   /* restrict */
    opt[8] = (double) (fuzz_byte(&r) % 3);
    opt[9] = (double) (fuzz_byte(&r) % 5);
    opt[10] = (double) (1 + fuzz_byte(&r) % 30);
    opt[11] = (double) (fuzz_byte(&r) % 3);
    for (int k = 12; k < 16; k++) {
        unsigned b = fuzz_byte(&r);
        opt[k] = b < 200 ? NAN : (double) (b - 200) / 56.0;
    }
    opt[16] = (double) fuzz_byte(&r);
    double frequency = (double) (1 + fuzz_byte(&r) % 13);
    R_xlen_t n = 1 + (R_xlen_t) (fuzz_byte(&r) % MAX_N);
    double *y = malloc((size_t) n * sizeof *y), *res = malloc((size_t) n * sizeof *res);
    if (!y || !res)
        abort();
    for (R_xlen_t i = 0; i < n; i++)
        y[i] = fuzz_double(&r);
    char *options = malloc(family->options_size), message[LAGRS_MSG_LEN];
    if (!options)
        abort();
    if (family->parse(opt, options, message) != LAGRS_FIT_OK) {
        free(options); free(y); free(res);
        return 0;
    }
    lagrs_fit fit;
    memset(&fit, 0, sizeof fit);
    fit.residuals = res;
    int status = family->fit(options, y, n, frequency, &fit);
    if (status <= LAGRS_FIT_WARNING) {
        if (fit.state == NULL || !(fit.sigma2 >= 0)) {
            fprintf(stderr, "usable fit without a state or with sigma2 %g\n", fit.sigma2);
            abort();
        }
        int finite = isfinite(fit.loglik);
        const int h = 6;
        double levels[2] = {80, 95}, mean[6], lower[12], upper[12];
        int fstatus = family->forecast(options, fit.state, fit.state_len, h, levels, 2, mean,
                                       lower, upper, message);
        for (int j = 0; finite && fstatus == LAGRS_FIT_OK && j < h; j++)
            if (isnan(mean[j])) {
                fprintf(stderr, "NaN forecast from a finite fit\n");
                abort();
            }
        char label[64], name[32];
        family->label(options, &fit, label, sizeof label);
        for (int k = 0; k < fit.n_coef; k++)
            if (!family->coef_name(options, &fit, k, name, sizeof name)) {
                fprintf(stderr, "coefficient %d has no name\n", k);
                abort();
            }
        lagrs_fit again;
        memset(&again, 0, sizeof again);
        again.residuals = res;
        int again_status = family->filter(options, fit.state, fit.state_len, y, n, frequency,
                                          &again);
        /* the fit's own parameters and states on its own series: its likelihood */
        if (again_status <= LAGRS_FIT_WARNING && finite && again.loglik != fit.loglik) {
            fprintf(stderr, "filter on the fitted series: loglik %.17g, fit %.17g\n",
                    again.loglik, fit.loglik);
            abort();
        }
        free(again.state);
    }
    free(fit.state);
    free(options); free(y); free(res);
    return 0;
}
