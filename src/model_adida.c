#include "model_croston.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Temporal aggregation for intermittent demand: ADIDA (Nikolopoulos,
 * Syntetos, Boylan, Petropoulos & Assimakopoulos 2011) and IMAPA
 * (Petropoulos & Kourentzes 2015), over the methods of model_croston.c.
 *
 * ADIDA at level A: the series x[0..n-1] (its leading missing values
 * skipped) is cut into m = floor(n / A) buckets of A periods aligned on its
 * END (the first n - m A periods, an incomplete bucket, are dropped); the
 * bucket sums are forecast by the method (Croston, SBA, TSB or SES, its
 * parameters given or chosen by in-sample MSE on the aggregate series, as
 * lagrs_croston_run() chooses them); the flat forecast of a bucket is
 * spread equally over its A periods, so the per-period forecast is the
 * aggregate forecast / A.  IMAPA: the same at every level 1, 2, ..., A,
 * and the mean of the A per-period forecasts.
 *
 * A, when not given, is the series' mean inter-demand interval n / k (k
 * periods with demand; demand_class()'s ADI) rounded to the nearest
 * integer, halves to even as R's round(); at least 1 (also for a series
 * without demand).  A given or not is capped at floor(n / 2), so that the
 * aggregate series has at least two buckets.
 *
 * Fitted value t, at each level: the aggregate method's fitted value of
 * t's bucket (its forecast from the buckets before) / A; NaN in the
 * dropped periods and in buckets without one.  IMAPA's is the mean over
 * the levels, NaN where any level has none.  sigma2 is the mean squared
 * error of the defined fitted values, nobs their number.  No intervals. */

static const char *const option_names[] = {"method", "alpha", "beta", "aggregation",
                                           "combine"};
static const char *const code_names[] = {"method", "combine"};
static const char *const info_names[] = {"aggregation"};

typedef struct {
    int method, combine;
    double alpha, beta;   /* NaN: optimised per level */
    double aggregation;   /* NaN: the rounded mean inter-demand interval */
} adida_options;

/* The state forecast reads: the forecast, then the coefficients (ADIDA's
 * parameters at its level; IMAPA reports none, as they differ by level). */

static int adida_parse(const double *v, void *options, char *message)
{
    adida_options *o = (adida_options *) options;
    if (isnan(v[0]) || v[0] != floor(v[0]) || v[0] < 0 || v[0] >= LAGRS_ADIDA_N_METHODS) {
        snprintf(message, LAGRS_MSG_LEN, "`method` must be a method code");
        return LAGRS_FIT_ERROR;
    }
    for (int k = 1; k <= 2; k++) {
        if (!isnan(v[k]) && !(v[k] >= 0 && v[k] <= 1)) {
            snprintf(message, LAGRS_MSG_LEN, "`%s` must be in [0, 1] or NA", option_names[k]);
            return LAGRS_FIT_ERROR;
        }
    }
    if (v[0] != LAGRS_CROSTON_TSB && !isnan(v[2])) {
        snprintf(message, LAGRS_MSG_LEN, "`beta` is used only by TSB");
        return LAGRS_FIT_ERROR;
    }
    if (!isnan(v[3]) && !(v[3] >= 1 && v[3] == floor(v[3]) && v[3] < 1e9)) {
        snprintf(message, LAGRS_MSG_LEN, "`aggregation` must be a positive integer or NA");
        return LAGRS_FIT_ERROR;
    }
    if (!(v[4] == LAGRS_ADIDA_SINGLE || v[4] == LAGRS_ADIDA_IMAPA)) {
        snprintf(message, LAGRS_MSG_LEN, "`combine` must be a combine code");
        return LAGRS_FIT_ERROR;
    }
    o->method = (int) v[0];
    o->alpha = v[1];
    o->beta = v[2];
    o->aggregation = v[3];
    o->combine = (int) v[4];
    return LAGRS_FIT_OK;
}

static double adida_work(const void *options, R_xlen_t n)
{
    const adida_options *o = (const adida_options *) options;
    int n_free = isnan(o->alpha) + (o->method == LAGRS_CROSTON_TSB && isnan(o->beta));
    static const double passes[] = {1, 160, 3500};
    /* IMAPA's levels 1..A fit about n (1 + 1/2 + ... + 1/A) values */
    return 10.0 * passes[n_free] * (double) n * (o->combine == LAGRS_ADIDA_IMAPA ? 3 : 1);
}

/* The aggregation level (ADIDA's, or IMAPA's highest) of x[0..n-1], n >= 2. */
static R_xlen_t choose_level(const adida_options *o, const double *x, R_xlen_t n)
{
    double level = o->aggregation;
    if (isnan(level)) {
        R_xlen_t k = 0;
        for (R_xlen_t t = 0; t < n; t++)
            k += x[t] > 0;
        level = k == 0 ? 1 : nearbyint((double) n / (double) k);
        level = level < 1 ? 1 : level;
    }
    double cap = (double) (n / 2);
    return (R_xlen_t) (level > cap ? cap : level);
}

/* Adds level `level`'s per-period forecast to *forecast and its fitted
 * values to fitted[0..n-1]; agg and agg_fitted have n / level slots. */
static int add_level(const adida_options *o, const double *x, R_xlen_t n, R_xlen_t level,
                     double *agg, double *agg_fitted, double *forecast, double *fitted,
                     double *params)
{
    R_xlen_t m = n / level, offset = n - m * level;
    for (R_xlen_t b = 0; b < m; b++) {
        double sum = 0;
        for (R_xlen_t i = 0; i < level; i++)
            sum += x[offset + b * level + i];
        agg[b] = sum;
    }
    double agg_forecast, mse;
    if (!lagrs_croston_run(o->method, o->alpha, o->beta, agg, m, &agg_forecast, agg_fitted,
                           &mse, params))
        return 0;
    *forecast += agg_forecast / (double) level;
    for (R_xlen_t t = 0; t < offset; t++)
        fitted[t] = NAN;
    for (R_xlen_t b = 0; b < m; b++)
        for (R_xlen_t i = 0; i < level; i++)
            fitted[offset + b * level + i] += agg_fitted[b] / (double) level;
    return 1;
}

/* The per-period forecast of x[0..n-1], its fitted values into fitted[n]
 * (zeroed here) and the parameters of the last level; 0 when out of
 * memory. */
static int run_levels(const adida_options *o, const double *x, R_xlen_t n, R_xlen_t top,
                      double *forecast, double *fitted, double *params)
{
    double *agg = malloc(sizeof(double) * 2 * (size_t) n);
    if (agg == NULL)
        return 0;
    R_xlen_t first = o->combine == LAGRS_ADIDA_IMAPA ? 1 : top;
    *forecast = 0;
    memset(fitted, 0, sizeof(double) * (size_t) n);
    for (R_xlen_t level = first; level <= top; level++) {
        if (!add_level(o, x, n, level, agg, agg + n, forecast, fitted, params)) {
            free(agg);
            return 0;
        }
    }
    double n_levels = (double) (top - first + 1);
    *forecast /= n_levels;
    for (R_xlen_t t = 0; t < n; t++)
        fitted[t] /= n_levels;
    free(agg);
    return 1;
}

/* Residuals from the fitted values (NaN before start), and their MSE. */
static void fill_residuals(const double *y, R_xlen_t n, R_xlen_t start, const double *fitted,
                           double *residuals, lagrs_fit *out)
{
    double sum = 0;
    R_xlen_t count = 0;
    for (R_xlen_t t = 0; t < n; t++) {
        double e = t < start ? NAN : y[t] - fitted[t - start];
        if (!isnan(e)) {
            sum += e * e;
            count++;
        }
        if (residuals != NULL)
            residuals[t] = e;
    }
    out->sigma2 = count > 0 ? sum / (double) count : NAN;
    out->nobs = (double) count;
}

static int out_of_memory(lagrs_fit *out)
{
    snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
    return out->status = LAGRS_CROSTON_ERR_MEMORY;
}

/* IMAPA's parameters differ by level: it reports none. */
static int adida_n_coef(const adida_options *o)
{
    return o->combine == LAGRS_ADIDA_IMAPA ? 0 : o->method == LAGRS_CROSTON_TSB ? 2 : 1;
}

static int adida_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                     lagrs_fit *out)
{
    const adida_options *o = (const adida_options *) options;
    (void) frequency;
    out->codes[0] = o->method;
    out->codes[1] = o->combine;
    out->convergence = 0;
    R_xlen_t start;
    int status = lagrs_croston_screen(y, n, &start, out->message);
    if (status > LAGRS_FIT_WARNING)
        return out->status = status;
    const double *x = y + start;
    R_xlen_t n_obs = n - start, top = choose_level(o, x, n_obs);
    out->info[0] = (double) top;
    double *fitted = malloc(sizeof(double) * (size_t) n_obs), forecast, params[2];
    if (fitted == NULL)
        return out_of_memory(out);
    if (!run_levels(o, x, n_obs, top, &forecast, fitted, params)) {
        free(fitted);
        return out_of_memory(out);
    }
    fill_residuals(y, n, start, fitted, out->residuals, out);
    free(fitted);
    if (!lagrs_croston_keep(out, forecast, params, adida_n_coef(o)))
        return out_of_memory(out);
    out->state[LAGRS_CROSTON_ST_LEVEL] = (double) top;
    out->loglik = out->aic = out->aicc = out->bic = NAN;
    return out->status = status;
}

/* ADIDA's filter: the fit's aggregation level and smoothing parameters
 * frozen, the method run on the longer stretch's buckets.  IMAPA keeps
 * neither its levels' parameters nor anything else to freeze: its filter
 * fits again (cross-validation then refits IMAPA at every origin). */
static int adida_frozen(const void *options, const double *state, R_xlen_t state_len,
                        const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) state_len;
    adida_options frozen = *(const adida_options *) options;
    if (frozen.combine == LAGRS_ADIDA_SINGLE) {
        frozen.aggregation = state[LAGRS_CROSTON_ST_LEVEL];
        if (!isnan(state[LAGRS_CROSTON_ST_ALPHA]))
            frozen.alpha = state[LAGRS_CROSTON_ST_ALPHA];
        if (frozen.method == LAGRS_CROSTON_TSB && !isnan(state[LAGRS_CROSTON_ST_BETA]))
            frozen.beta = state[LAGRS_CROSTON_ST_BETA];
    }
    return adida_fit(&frozen, y, n, frequency, out);
}

static int adida_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                           size_t size)
{
    (void) fit;
    return lagrs_croston_coef_name(k, adida_n_coef((const adida_options *) options), buf,
                                   size);
}

/* "ADIDA(SBA, 3)", "IMAPA(SES, 1-4)". */
static void adida_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    static const char *const methods[] = {"Croston", "SBA", "TSB", "SES"};
    const adida_options *o = (const adida_options *) options;
    if (fit == NULL || isnan(fit->info[0])) {
        snprintf(buf, size, "%s(%s)", o->combine == LAGRS_ADIDA_IMAPA ? "IMAPA" : "ADIDA",
                 methods[o->method]);
        return;
    }
    long top = (long) fit->info[0];
    if (o->combine == LAGRS_ADIDA_IMAPA)
        snprintf(buf, size, "IMAPA(%s, 1-%ld)", methods[o->method], top);
    else
        snprintf(buf, size, "ADIDA(%s, %ld)", methods[o->method], top);
}

const lagrs_family lagrs_family_adida = {
    "adida",
    5, option_names, sizeof(adida_options),
    2, code_names,
    1, info_names,
    adida_parse, adida_work, adida_fit, lagrs_croston_forecast, adida_coef_name,
    adida_label,
    adida_frozen
};
