#include "model_baseline.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The benchmark methods, as the forecast package (8.20) computes them:
 *   mean    meanf(): the mean of the non-missing values; intervals from
 *           Student's t with length(y) - 1 degrees of freedom and sd(y),
 *           widened by sqrt(1 + 1/length(y)) (length counting missing
 *           values, as meanf does);
 *   naive   rwf() / naive(): forecast's lagwalk() with lag 1;
 *   snaive  snaive(): lagwalk() with lag `period` (or the series' frequency);
 *   drift   rwf(drift = TRUE): lagwalk() with lag 1 and the drift that
 *           lm(diff ~ 1) estimates from the one-step changes.
 * lagwalk() fills a missing value by the filled value one lag earlier (so a
 * missing value after the first lag carries the last observation of its
 * season forward), fits each value by the filled value one lag before, and
 * forecasts with the variance of the residuals (mean square about 0 without
 * drift, about the drift with it).  The arithmetic follows R's: means and
 * sums in long double, with mean()'s second pass. */

static const char *const option_names[] = {"method", "period"};
static const char *const code_names[] = {"method", "period"};

typedef struct {
    int method;
    int period;   /* snaive's lag; 0: each series' own frequency */
} baseline_options;

/* The state forecast reads: the lag, the scale (mean: sd; lag walks: the
 * residual mean square forecast.lagwalk() uses), the series length, two
 * coefficients (mean and its se, or drift and its se), then `lag` values
 * to repeat (the mean, or the last filled period). */
enum { ST_LAG, ST_SCALE, ST_LENGTH, ST_COEF, ST_FUTURE = ST_COEF + 2 };

static int baseline_parse(const double *v, void *options, char *message)
{
    baseline_options *o = (baseline_options *) options;
    if (isnan(v[0]) || v[0] != floor(v[0]) || v[0] < 0 || v[0] >= LAGRS_BASELINE_N_METHODS) {
        snprintf(message, LAGRS_MSG_LEN, "`method` must be a baseline method code");
        return LAGRS_FIT_ERROR;
    }
    o->method = (int) v[0];
    o->period = 0;
    if (!isnan(v[1])) {
        if (v[1] != floor(v[1]) || v[1] < 1 || v[1] > 1e7) {
            snprintf(message, LAGRS_MSG_LEN, "`period` must be a positive whole number");
            return LAGRS_FIT_ERROR;
        }
        o->period = (int) v[1];
    }
    return LAGRS_FIT_OK;
}

static double baseline_work(const void *options, R_xlen_t n)
{
    (void) options;
    return 10.0 * (double) n;
}

/* R's mean() of the non-missing values (of their squares when `square`):
 * a long double sum, then the mean of the deviations added back.  NaN when
 * there is none. */
static double r_mean_na(const double *x, R_xlen_t n, int square, R_xlen_t *n_ok)
{
    long double sum = 0;
    R_xlen_t count = 0;
    for (R_xlen_t t = 0; t < n; t++)
        if (!isnan(x[t])) {
            double v = square ? x[t] * x[t] : x[t];
            sum += v;
            count++;
        }
    *n_ok = count;
    if (count == 0)
        return NAN;
    sum /= count;
    if (isfinite((double) sum)) {
        long double dev = 0;
        for (R_xlen_t t = 0; t < n; t++)
            if (!isnan(x[t])) {
                double v = square ? x[t] * x[t] : x[t];
                dev += v - sum;
            }
        sum += dev / count;
    }
    return (double) sum;
}

/* The sum of squared deviations from `center` of the non-missing values. */
static double sum_squares(const double *x, R_xlen_t n, double center)
{
    long double sum = 0;
    for (R_xlen_t t = 0; t < n; t++)
        if (!isnan(x[t]))
            sum += (x[t] - center) * (x[t] - center);
    return (double) sum;
}

/* Why a series cannot be fitted at all: empty, all missing, infinite. */
static int screen_series(const double *y, R_xlen_t n, lagrs_fit *out)
{
    R_xlen_t n_ok = 0, n_inf = 0;
    for (R_xlen_t t = 0; t < n; t++) {
        n_ok += !isnan(y[t]);
        n_inf += isinf(y[t]);
    }
    out->nobs = (double) n_ok;
    if (n_ok == 0) {
        snprintf(out->message, LAGRS_MSG_LEN,
                 n == 0 ? "the series is empty" : "all values are missing");
        return out->status = n == 0 ? LAGRS_BASELINE_ERR_TOO_SHORT : LAGRS_BASELINE_ERR_INPUT;
    }
    if (n_inf > 0) {
        snprintf(out->message, LAGRS_MSG_LEN, "the series has %lld infinite value%s",
                 (long long) n_inf, n_inf == 1 ? "" : "s");
        return out->status = LAGRS_BASELINE_ERR_INPUT;
    }
    return out->status = LAGRS_FIT_OK;
}

static double *new_state(R_xlen_t n_future, lagrs_fit *out)
{
    out->state_len = ST_FUTURE + n_future;
    out->state = (double *) calloc((size_t) out->state_len, sizeof(double));
    if (out->state == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        out->status = LAGRS_BASELINE_ERR_MEMORY;
    }
    return out->state;
}

static void no_intervals_warning(lagrs_fit *out, const char *why)
{
    out->status = LAGRS_FIT_WARNING;
    snprintf(out->message, LAGRS_MSG_LEN, "%s: the prediction intervals are NaN", why);
}

/* meanf() */
static int fit_mean(const double *y, R_xlen_t n, lagrs_fit *out)
{
    R_xlen_t n_ok;
    double mean = r_mean_na(y, n, 0, &n_ok);
    double variance = n_ok > 1 ? sum_squares(y, n, mean) / (double) (n_ok - 1) : NAN;
    double sd = sqrt(variance);
    if (new_state(n_ok > 0 ? 1 : 0, out) == NULL)
        return out->status;
    double *state = out->state;
    state[ST_LAG] = 1;
    state[ST_SCALE] = sd;
    state[ST_LENGTH] = (double) n;
    state[ST_COEF] = mean;
    state[ST_COEF + 1] = sd / sqrt((double) n);
    state[ST_FUTURE] = mean;
    out->n_coef = 2;
    out->sigma2 = variance;
    for (R_xlen_t t = 0; out->residuals != NULL && t < n; t++)
        out->residuals[t] = y[t] - mean;
    if (n_ok < 2)
        no_intervals_warning(out, "one non-missing value, no standard deviation");
    return out->status;
}

/* lagwalk()'s fill: y with each missing value after the first lag replaced
 * by the filled value one lag before. */
static void fill_lagged(const double *y, R_xlen_t n, int lag, double *filled)
{
    for (R_xlen_t t = 0; t < n; t++)
        filled[t] = isnan(y[t]) && t >= lag ? filled[t - lag] : y[t];
}

/* The drift as lm(y - fitted ~ 1) gives it: the mean of the one-lag changes
 * (in `resid`, NaN where missing), its standard error and the residual
 * standard deviation (NaN with one change).  Returns the number of changes
 * (0: no drift). */
static R_xlen_t fit_drift(double *resid, R_xlen_t n, double *drift, double *drift_se,
                          double *sigma)
{
    R_xlen_t n_changes;
    *drift = r_mean_na(resid, n, 0, &n_changes);
    if (n_changes == 0)
        return 0;
    *sigma = n_changes > 1 ? sqrt(sum_squares(resid, n, *drift) / (double) (n_changes - 1))
        : NAN;
    *drift_se = *sigma / sqrt((double) n_changes);
    return n_changes;
}

/* The residuals of y against the filled values one lag before (NaN where
 * either is missing), into resid. */
static void lag_residuals(const double *y, const double *filled, R_xlen_t n, int lag,
                          double *resid)
{
    for (R_xlen_t t = 0; t < n; t++)
        resid[t] = t >= lag ? y[t] - filled[t - lag] : NAN;
}

static void lagwalk_checks(const double *future, int lag, lagrs_fit *out)
{
    int n_missing = 0;
    for (int k = 0; k < lag; k++)
        n_missing += isnan(future[k]);
    if (n_missing == lag) {
        snprintf(out->message, LAGRS_MSG_LEN,
                 "every season of the last period is missing in every period: no forecast");
        out->status = LAGRS_BASELINE_ERR_INPUT;
    } else if (n_missing > 0) {
        snprintf(out->message, LAGRS_MSG_LEN,
                 "%d of the %d seasons have no non-missing value: their forecasts are NaN",
                 n_missing, lag);
        out->status = LAGRS_FIT_WARNING;
    } else if (isnan(out->state[ST_SCALE]) || isnan(out->state[ST_COEF + 1])) {
        no_intervals_warning(out, "too few residuals to estimate their variance");
    }
}

/* lagwalk(): naive, snaive and drift. */
static int fit_lagwalk(const double *y, R_xlen_t n, int lag, int with_drift, lagrs_fit *out)
{
    if (n < lag || (with_drift && n < 2)) {
        snprintf(out->message, LAGRS_MSG_LEN,
                 "too short: %lld values, the method needs at least %d", (long long) n,
                 with_drift ? 2 : lag);
        return out->status = LAGRS_BASELINE_ERR_TOO_SHORT;
    }
    /* the state holds the filled series while it is built, the residuals
     * follow it when the caller wants none */
    R_xlen_t scratch = out->residuals == NULL ? 2 * n : n;
    if (new_state(scratch > lag ? scratch : lag, out) == NULL)
        return out->status;
    double *filled = out->state + ST_FUTURE;
    double *resid = out->residuals != NULL ? out->residuals : filled + n;
    fill_lagged(y, n, lag, filled);
    lag_residuals(y, filled, n, lag, resid);
    double drift = 0, drift_se = 0, sigma = NAN;
    R_xlen_t n_resid = 0;
    if (with_drift) {
        n_resid = fit_drift(resid, n, &drift, &drift_se, &sigma);
        if (n_resid == 0) {
            snprintf(out->message, LAGRS_MSG_LEN,
                     "no two consecutive non-missing values: no drift to estimate");
            return out->status = LAGRS_BASELINE_ERR_TOO_SHORT;
        }
        /* forecast's order: y - (fitted + drift) */
        for (R_xlen_t t = lag; t < n; t++)
            resid[t] = y[t] - (filled[t - lag] + drift);
        out->n_coef = 2;
    } else {
        double mean_square = r_mean_na(resid, n, 1, &n_resid);
        sigma = sqrt(mean_square);
    }
    double mean_square_sum = sum_squares(resid, n, 0);
    double *state = out->state;
    /* forecast.lagwalk() divides by one less only when the drift is not 0 */
    state[ST_SCALE] = mean_square_sum / (double) (n_resid - (drift != 0));
    state[ST_LAG] = lag;
    state[ST_LENGTH] = (double) n;
    state[ST_COEF] = drift;
    state[ST_COEF + 1] = drift_se;
    memmove(state + ST_FUTURE, filled + n - lag, sizeof(double) * (size_t) lag);
    out->state_len = ST_FUTURE + lag;
    out->sigma2 = sigma * sigma;
    lagwalk_checks(state + ST_FUTURE, lag, out);
    return out->status;
}

/* The lag a series is walked with: 1, or snaive's period. */
static int series_lag(const baseline_options *o, double frequency, lagrs_fit *out)
{
    if (o->method != LAGRS_BASELINE_SNAIVE)
        return 1;
    if (o->period > 0)
        return o->period;
    if (frequency != floor(frequency) || frequency < 1) {
        snprintf(out->message, LAGRS_MSG_LEN,
                 "the series' frequency %g is not a whole number: give `period`", frequency);
        return 0;
    }
    return (int) frequency;
}

static int baseline_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                        lagrs_fit *out)
{
    const baseline_options *o = (const baseline_options *) options;
    out->codes[0] = o->method;
    out->convergence = 0;
    out->sigma2 = out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->coef_offset = ST_COEF;
    out->n_coef = 0;
    int lag = series_lag(o, frequency, out);
    if (lag == 0)
        return out->status = LAGRS_BASELINE_ERR_INPUT;
    if (o->method != LAGRS_BASELINE_MEAN)
        out->codes[1] = lag;
    if (screen_series(y, n, out) != LAGRS_FIT_OK)
        return out->status;
    if (o->method == LAGRS_BASELINE_MEAN)
        return fit_mean(y, n, out);
    return fit_lagwalk(y, n, lag, o->method == LAGRS_BASELINE_DRIFT, out);
}

/* What stays frozen when a fit is applied to a longer stretch (the filter;
 * cross-validation with refit = FALSE):
 *   mean    everything: the mean, its sd and the length the intervals use,
 *           so the forecast is the fit's (a mean model has nothing else);
 *   naive, snaive  no parameter is estimated: the forecast repeats the
 *           stretch's own last period, with the fit's residual variance;
 *   drift   the slope, its standard error and the residual variance; the
 *           walk starts from the stretch's last value.
 * The residual variance stays the fit's, as forecast's arima2() keeps an
 * ARIMA's sigma2. */
static int baseline_filter(const void *options, const double *state, R_xlen_t state_len,
                           const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    const baseline_options *o = (const baseline_options *) options;
    if (o->method == LAGRS_BASELINE_MEAN) {
        baseline_fit(options, y, n, frequency, out);
        if (out->status > LAGRS_FIT_WARNING)
            return out->status;
        memcpy(out->state, state, sizeof(double) * (size_t) state_len);
        for (R_xlen_t t = 0; out->residuals != NULL && t < n; t++)
            out->residuals[t] = y[t] - state[ST_FUTURE];
        out->sigma2 = state[ST_SCALE] * state[ST_SCALE];
        return out->status;
    }
    if (baseline_fit(options, y, n, frequency, out) > LAGRS_FIT_WARNING)
        return out->status;
    if (out->codes[1] != (int) state[ST_LAG]) {
        snprintf(out->message, LAGRS_MSG_LEN, "the lag %d differs from the fit's (%d)",
                 out->codes[1], (int) state[ST_LAG]);
        free(out->state);
        out->state = NULL;
        return out->status = LAGRS_BASELINE_ERR_INPUT;
    }
    /* the residuals about the frozen drift instead of the stretch's own */
    double shift = out->state[ST_COEF] - state[ST_COEF];
    for (R_xlen_t t = 1; shift != 0 && out->residuals != NULL && t < n; t++)
        out->residuals[t] += shift;
    out->state[ST_SCALE] = state[ST_SCALE];
    out->state[ST_COEF] = state[ST_COEF];
    out->state[ST_COEF + 1] = state[ST_COEF + 1];
    out->sigma2 = state[ST_SCALE];
    return out->status;
}

/* meanf()'s intervals: mean -/+ t s sqrt(1 + 1/n), with t the quantile of
 * Student's t with n - 1 degrees of freedom (-Inf when n is 1). */
static void forecast_mean(const double *state, int h, const double *levels, int n_levels,
                          double *mean, double *lower, double *upper)
{
    double n = state[ST_LENGTH], sd = state[ST_SCALE], f = state[ST_FUTURE];
    for (int j = 0; j < h; j++)
        mean[j] = f;
    for (int k = 0; k < n_levels; k++) {
        double tfrac = n > 1 ? lagrs_qt(0.5 - levels[k] / 200, n - 1) : -INFINITY;
        double w = -tfrac * sd * sqrt(1 + 1 / n);
        for (int j = 0; j < h; j++) {
            lower[(R_xlen_t) k * h + j] = f - w;
            upper[(R_xlen_t) k * h + j] = f + w;
        }
    }
}

/* forecast.lagwalk(): the last period repeated, plus the drift times the
 * number of periods ahead; se = sqrt(mse steps + (steps drift_se)^2). */
static int baseline_forecast(const void *options, const double *state, R_xlen_t state_len,
                             int h, const double *levels, int n_levels, double *mean,
                             double *lower, double *upper, char *message)
{
    (void) state_len;
    if (((const baseline_options *) options)->method == LAGRS_BASELINE_MEAN) {
        forecast_mean(state, h, levels, n_levels, mean, lower, upper);
        return LAGRS_FIT_OK;
    }
    int lag = (int) state[ST_LAG];
    double mse = state[ST_SCALE], drift = state[ST_COEF], drift_se = state[ST_COEF + 1];
    double *se = (double *) malloc(sizeof(double) * (size_t) (h > 0 ? h : 1));
    if (se == NULL) {
        if (message != NULL)
            snprintf(message, LAGRS_MSG_LEN, "out of memory");
        return LAGRS_BASELINE_ERR_MEMORY;
    }
    for (int j = 0; j < h; j++) {
        double steps = (double) (j / lag + 1);
        mean[j] = state[ST_FUTURE + j % lag] + steps * drift;
        se[j] = sqrt(mse * steps + (steps * drift_se) * (steps * drift_se));
    }
    lagrs_normal_intervals(mean, se, h, levels, n_levels, lower, upper);
    free(se);
    return LAGRS_FIT_OK;
}

static int baseline_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                              size_t size)
{
    (void) fit;
    int method = ((const baseline_options *) options)->method;
    const char *names[2];
    if (method == LAGRS_BASELINE_MEAN) {
        names[0] = "mean";
        names[1] = "mean_se";
    } else if (method == LAGRS_BASELINE_DRIFT) {
        names[0] = "drift";
        names[1] = "drift_se";
    } else {
        return 0;
    }
    if (k < 0 || k > 1)
        return 0;
    snprintf(buf, size, "%s", names[k]);
    return 1;
}

static void baseline_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    int method = ((const baseline_options *) options)->method;
    if (method == LAGRS_BASELINE_SNAIVE) {
        if (fit->codes[1] == LAGRS_NA_CODE)
            snprintf(buf, size, "SNAIVE");
        else
            snprintf(buf, size, "SNAIVE[%d]", fit->codes[1]);
        return;
    }
    snprintf(buf, size, "%s", method == LAGRS_BASELINE_MEAN ? "MEAN"
             : method == LAGRS_BASELINE_NAIVE ? "NAIVE" : "RW with drift");
}

const lagrs_family lagrs_family_baseline = {
    "baseline",
    2, option_names, sizeof(baseline_options),
    2, code_names,
    0, NULL,
    baseline_parse, baseline_work, baseline_fit, baseline_forecast, baseline_coef_name,
    baseline_label,
    baseline_filter
};
