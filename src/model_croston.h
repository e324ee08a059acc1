/* The intermittent-demand family (model_croston.c): Croston's method as
 * forecast::croston() computes it, the Syntetos-Boylan approximation and
 * Teunter-Syntetos-Babai.  The codes R shares (codesR.c hands them to
 * R/model_croston.R).  Plain C. */
#ifndef LAGRS_MODEL_CROSTON_H
#define LAGRS_MODEL_CROSTON_H

#include "model.h"

/* The `type` option; SES is not one of croston_model()'s types, only a
 * method ADIDA and IMAPA may apply to the aggregate series (model_adida.c). */
enum lagrs_croston_type {
    LAGRS_CROSTON_CLASSIC = 0,
    LAGRS_CROSTON_SBA = 1,
    LAGRS_CROSTON_TSB = 2,
    LAGRS_CROSTON_SES = 3
};
#define LAGRS_CROSTON_N_TYPES 3
#define LAGRS_CROSTON_TYPE_NAMES {"classic", "sba", "tsb"}
#define LAGRS_ADIDA_N_METHODS 4
#define LAGRS_ADIDA_METHOD_NAMES {"classic", "sba", "tsb", "ses"}

/* The `combine` option of the aggregation family: ADIDA, one level, or
 * IMAPA, the mean over the levels 1 .. A. */
enum lagrs_adida_combine {
    LAGRS_ADIDA_SINGLE = 0,
    LAGRS_ADIDA_IMAPA = 1
};

/* A series' errors (LAGRS_FIT_OK and LAGRS_FIT_WARNING as every family). */
enum lagrs_croston_status {
    LAGRS_CROSTON_ERR_INPUT = LAGRS_FIT_ERROR,  /* missing inside, infinite, negative */
    LAGRS_CROSTON_ERR_TOO_SHORT,                /* no value, or a single one */
    LAGRS_CROSTON_ERR_MEMORY
};

/* The fewest observed values a series needs. */
#define LAGRS_CROSTON_MIN_OBS 2

/* Checks a series for the intermittent-demand methods: an error status
 * with a message (missing inside, infinite, negative, too short), or
 * LAGRS_FIT_WARNING when it has no demand, else LAGRS_FIT_OK; its first
 * observed period (leading missing values are skipped) in *start. */
int lagrs_croston_screen(const double *y, R_xlen_t n, R_xlen_t *start, char *message);

/* Fits method `type` (a lagrs_croston_type, SES included) to a screened
 * series x[0..n-1] (n >= 2, observed, finite, non-negative), alpha and beta
 * NaN meaning chosen by in-sample MSE as croston_model() documents them;
 * a series without demand forecasts 0 (Croston-type methods; SES smooths
 * the zeros).  Writes the forecast, the fitted values into fitted[0..n-1]
 * (NULL: none; NaN where there is none), their MSE, and the parameters
 * used into params[0..1] (beta NaN unless TSB).  Returns 0 when out of
 * memory.  Plain C, thread-safe. */
int lagrs_croston_run(int type, double alpha, double beta, const double *x, R_xlen_t n,
                      double *forecast, double *fitted, double *mse, double *params);

/* The state both intermittent families keep, which their forecast reads:
 * the flat forecast, then the parameters alpha and beta, then the
 * aggregation level (1 for the Croston family) that ADIDA's filter keeps. */
enum lagrs_croston_state {
    LAGRS_CROSTON_ST_FORECAST,
    LAGRS_CROSTON_ST_ALPHA,
    LAGRS_CROSTON_ST_BETA,
    LAGRS_CROSTON_ST_LEVEL,
    LAGRS_CROSTON_ST_LEN
};

/* Sets out's malloc()ed state from the forecast and params[0..1] (level
 * 1), and its coefficients to the first n_coef of alpha, beta.  0 when out
 * of memory. */
int lagrs_croston_keep(lagrs_fit *out, double forecast, const double *params, int n_coef);

/* The forecast of such a state (the family function): flat, no intervals. */
int lagrs_croston_forecast(const void *options, const double *state, R_xlen_t state_len,
                           int h, const double *levels, int n_levels, double *mean,
                           double *lower, double *upper, char *message);

/* The name of coefficient k of the first n_coef of alpha, beta (0 past them). */
int lagrs_croston_coef_name(int k, int n_coef, char *buf, size_t size);

#endif
