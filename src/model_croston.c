#include "model_croston.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Intermittent demand: Croston's method, the Syntetos-Boylan approximation
 * (SBA) and Teunter-Syntetos-Babai (TSB), all forecasting a flat demand rate
 * per period, without prediction intervals (forecast::croston() gives none:
 * the bounds are NaN).
 *
 * Croston (1972), as forecast::croston() computes it: the non-zero demands
 * z_j and the intervals between them q_j (the first counted from the start
 * of the series) are each smoothed by SES with the same alpha, the level
 * starting at the first value and updated with every value, the first
 * included (ses(initial = "simple")); the forecast is the ratio of the two
 * levels, or z_1 / q_1 after a single demand, or 0 before any.  Fitted value
 * t is the forecast from the values before t (none for the first period).
 * SBA (Syntetos & Boylan 2005) multiplies both by 1 - alpha / 2.
 * TSB (Teunter, Syntetos & Babai 2011) smooths the demand probability every
 * period, p_t = p_{t-1} + beta (d_t - p_{t-1}) with d_t = 1 on demand, and
 * the size on demand periods, z_t = z_{t-1} + alpha (y_t - z_{t-1}); the
 * forecast is p_t z_t.  It starts as Croston does, from the first demand:
 * z_0 = z_1 and p_0 = 1 / q_1; fitted value t is p_{t-1} z_{t-1}, for every
 * period.
 *
 * SES (ses_filter()) is no croston_model() type: ADIDA and IMAPA
 * (model_adida.c) may apply it to aggregate series through
 * lagrs_croston_run().
 *
 * A parameter left NA is chosen by the least in-sample MSE of the fitted
 * values (choose_parameters()). */

static const char *const option_names[] = {"type", "alpha", "beta"};
static const char *const code_names[] = {"type"};

typedef struct {
    int type;
    double alpha, beta;   /* NaN: optimised */
} croston_options;

/* The state forecast reads: the forecast, then the coefficients. */

/* The optimiser's search (see choose_parameters()). */
#define GRID_LO 0.01
#define GRID_HI 0.99
#define GRID_N 99   /* the grid GRID_LO, GRID_LO + 0.01, ..., GRID_HI */
#define GOLDEN_STEPS 30
#define COORDINATE_ROUNDS 2

static int croston_parse(const double *v, void *options, char *message)
{
    croston_options *o = (croston_options *) options;
    if (isnan(v[0]) || v[0] != floor(v[0]) || v[0] < 0 || v[0] >= LAGRS_CROSTON_N_TYPES) {
        snprintf(message, LAGRS_MSG_LEN, "`type` must be a type code");
        return LAGRS_FIT_ERROR;
    }
    o->type = (int) v[0];
    for (int k = 1; k <= 2; k++) {
        if (!isnan(v[k]) && !(v[k] >= 0 && v[k] <= 1)) {
            snprintf(message, LAGRS_MSG_LEN, "`%s` must be in [0, 1] or NA", option_names[k]);
            return LAGRS_FIT_ERROR;
        }
    }
    if (o->type != LAGRS_CROSTON_TSB && !isnan(v[2])) {
        snprintf(message, LAGRS_MSG_LEN, "`beta` is used only by TSB");
        return LAGRS_FIT_ERROR;
    }
    o->alpha = v[1];
    o->beta = v[2];
    return LAGRS_FIT_OK;
}

static int n_free(const croston_options *o)
{
    return isnan(o->alpha) + (o->type == LAGRS_CROSTON_TSB && isnan(o->beta));
}

static double croston_work(const void *options, R_xlen_t n)
{
    /* filter passes per fit: 1, a grid and a line search, or the 2-d search */
    static const double passes[] = {1, 160, 3500};
    return 10.0 * passes[n_free((const croston_options *) options)] * (double) n;
}

/* ---- the filters ---------------------------------------------------------- */

/* Croston's (sba = 0) or SBA's (sba = 1) fitted values into fitted[0..n-1]
 * (NULL: none), their sum of squared errors into *sse (from t = 1); returns
 * the forecast after x[n-1].  x has at least one demand. */
static double croston_filter(const double *x, R_xlen_t n, double alpha, int sba,
                             double *fitted, double *sse)
{
    double size = 0, interval = 0, rate = 0, sum = 0;
    double factor = sba ? 1 - alpha / 2 : 1;
    R_xlen_t count = 0, last = 0;   /* demands seen; the last one's period, from 1 */
    if (fitted != NULL)
        fitted[0] = NAN;
    for (R_xlen_t t = 0; t < n; t++) {
        if (t > 0) {
            double e = x[t] - rate;
            sum += e * e;
            if (fitted != NULL)
                fitted[t] = rate;
        }
        if (x[t] > 0) {
            double gap = (double) (t + 1 - last);
            last = t + 1;
            if (count++ == 0) {
                size = x[t];
                interval = gap;
            }
            size = alpha * x[t] + (1 - alpha) * size;
            interval = alpha * gap + (1 - alpha) * interval;
            rate = factor * (count == 1 ? x[t] / gap : size / interval);
        }
    }
    *sse = sum;
    return rate;
}

/* TSB's fitted values and sum of squared errors (from t = 0); returns the
 * forecast after x[n-1].  x has at least one demand. */
static double tsb_filter(const double *x, R_xlen_t n, double alpha, double beta,
                         double *fitted, double *sse)
{
    R_xlen_t first = 0;
    while (!(x[first] > 0))
        first++;
    double size = x[first], prob = 1.0 / (double) (first + 1), sum = 0;
    for (R_xlen_t t = 0; t < n; t++) {
        double rate = prob * size, e = x[t] - rate;
        sum += e * e;
        if (fitted != NULL)
            fitted[t] = rate;
        if (x[t] > 0) {
            prob = prob + beta * (1 - prob);
            size = size + alpha * (x[t] - size);
        } else {
            prob = prob + beta * (0 - prob);
        }
    }
    *sse = sum;
    return prob * size;
}

/* Simple exponential smoothing as ses(initial = "simple"): the level starts
 * at x[0]; fitted value t (from t = 1) is the level after period t - 1, and
 * their sum of squared errors goes to *sse; returns the last level.  Only
 * ADIDA and IMAPA use it, on aggregate series. */
static double ses_filter(const double *x, R_xlen_t n, double alpha, double *fitted,
                         double *sse)
{
    double level = x[0], sum = 0;
    if (fitted != NULL)
        fitted[0] = NAN;
    for (R_xlen_t t = 1; t < n; t++) {
        double e = x[t] - level;
        sum += e * e;
        if (fitted != NULL)
            fitted[t] = level;
        level = level + alpha * e;
    }
    *sse = sum;
    return level;
}

/* The forecast, with the fitted values (may be NULL) and their MSE. */
static double run_filter(int type, const double *x, R_xlen_t n, double alpha, double beta,
                         double *fitted, double *mse)
{
    double sse, forecast;
    if (type == LAGRS_CROSTON_SES) {
        forecast = ses_filter(x, n, alpha, fitted, &sse);
        *mse = sse / (double) (n - 1);
    } else if (type == LAGRS_CROSTON_TSB) {
        forecast = tsb_filter(x, n, alpha, beta, fitted, &sse);
        *mse = sse / (double) n;
    } else {
        forecast = croston_filter(x, n, alpha, type == LAGRS_CROSTON_SBA, fitted, &sse);
        *mse = sse / (double) (n - 1);
    }
    return forecast;
}

/* ---- choosing alpha and beta ---------------------------------------------- */

typedef struct {
    int type;
    const double *x;
    R_xlen_t n;
    double point[2];   /* alpha, beta: the best point so far */
    double best;       /* its MSE */
} search;

/* Evaluates (alpha, beta) and keeps it if strictly better. */
static double try_point(search *s, double alpha, double beta)
{
    double mse;
    run_filter(s->type, s->x, s->n, alpha, beta, NULL, &mse);
    if (mse < s->best) {
        s->best = mse;
        s->point[0] = alpha;
        s->point[1] = beta;
    }
    return mse;
}

static double try_coordinate(search *s, int k, double value)
{
    double p[2] = {s->point[0], s->point[1]};
    p[k] = value;
    return try_point(s, p[0], p[1]);
}

/* Golden-section search of coordinate k over [lo, hi] (clipped to the
 * grid's range), the other coordinate at its best value; a fixed number of
 * steps, so the same data give the same result. */
static void golden_section(search *s, int k, double lo, double hi)
{
    const double ratio = 0.6180339887498949;
    lo = lo < GRID_LO ? GRID_LO : lo;
    hi = hi > GRID_HI ? GRID_HI : hi;
    double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    double fa = try_coordinate(s, k, a), fb = try_coordinate(s, k, b);
    for (int step = 0; step < GOLDEN_STEPS; step++) {
        if (fa <= fb) {
            hi = b;
            b = a;
            fb = fa;
            a = hi - ratio * (hi - lo);
            fa = try_coordinate(s, k, a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + ratio * (hi - lo);
            fb = try_coordinate(s, k, b);
        }
    }
}

/* One free parameter (coordinate k): the grid 0.01, 0.02, ..., 0.99, then
 * golden-section within 0.01 either side of the grid's best. */
static void search_one(search *s, int k)
{
    for (int i = 1; i <= GRID_N; i++)
        try_coordinate(s, k, i / 100.0);
    double centre = s->point[k];
    golden_section(s, k, centre - 0.01, centre + 0.01);
}

/* TSB's alpha and beta both free: every pair of the grid 0.01, ..., 0.99,
 * in one pass over the series (TSB's sizes depend on alpha alone and its
 * probabilities on beta alone, so 99 of each give the 9801 filters, with
 * the same operations as tsb_filter()); then rounds of golden-section
 * within 0.01 either side, one coordinate at a time.  0 when out of memory. */
static int search_two(search *s)
{
    double *sse = calloc(GRID_N * GRID_N + 2 * GRID_N, sizeof(double));
    if (sse == NULL)
        return 0;
    double *size = sse + GRID_N * GRID_N, *prob = size + GRID_N;
    R_xlen_t first = 0;
    while (!(s->x[first] > 0))
        first++;
    for (int i = 0; i < GRID_N; i++) {
        size[i] = s->x[first];
        prob[i] = 1.0 / (double) (first + 1);
    }
    for (R_xlen_t t = 0; t < s->n; t++) {
        if (t % 4096 == 0 && lagrs_batch_stop_requested())
            break;   /* Ctrl-C: the runner discards this fit */
        double x = s->x[t], demand = x > 0 ? 1 : 0;
        for (int i = 0; i < GRID_N; i++) {
            double *row = sse + i * GRID_N;
            for (int j = 0; j < GRID_N; j++) {
                double e = x - prob[j] * size[i];
                row[j] += e * e;
            }
        }
        for (int i = 0; i < GRID_N; i++) {
            double step = (i + 1) / 100.0;
            prob[i] = prob[i] + step * (demand - prob[i]);
            if (x > 0)
                size[i] = size[i] + step * (x - size[i]);
        }
    }
    for (int i = 0; i < GRID_N; i++)
        for (int j = 0; j < GRID_N; j++)
            if (sse[i * GRID_N + j] / (double) s->n < s->best) {
                s->best = sse[i * GRID_N + j] / (double) s->n;
                s->point[0] = (i + 1) / 100.0;
                s->point[1] = (j + 1) / 100.0;
            }
    free(sse);
    for (int round = 0; round < COORDINATE_ROUNDS; round++)
        for (int k = 0; k < 2; k++)
            golden_section(s, k, s->point[k] - 0.01, s->point[k] + 0.01);
    return 1;
}

/* The parameters the fit uses: the given ones, the others optimised.  0
 * when out of memory. */
static int choose_parameters(const croston_options *o, const double *x, R_xlen_t n,
                             double *alpha, double *beta)
{
    *alpha = o->alpha;
    *beta = o->type == LAGRS_CROSTON_TSB ? o->beta : NAN;
    if (n_free(o) == 0)
        return 1;
    search s = {o->type, x, n, {isnan(*alpha) ? GRID_LO : *alpha,
                                isnan(*beta) ? GRID_LO : *beta}, INFINITY};
    if (n_free(o) == 2) {
        if (!search_two(&s))
            return 0;
    } else {
        search_one(&s, isnan(*alpha) ? 0 : 1);
    }
    *alpha = s.point[0];
    *beta = o->type == LAGRS_CROSTON_TSB ? s.point[1] : NAN;
    return 1;
}

/* ---- the family ------------------------------------------------------------ */

/* Why a series cannot be fitted (its first observed period in *start), or
 * LAGRS_FIT_WARNING when it has no demand, else LAGRS_FIT_OK.  Leading
 * missing values are skipped (a product launched later); later ones are
 * errors, as the methods count periods. */
int lagrs_croston_screen(const double *y, R_xlen_t n, R_xlen_t *start, char *message)
{
    R_xlen_t first = 0, n_missing = 0, n_inf = 0, n_negative = 0, n_demand = 0;
    while (first < n && isnan(y[first]))
        first++;
    *start = first;
    for (R_xlen_t t = first; t < n; t++) {
        n_missing += isnan(y[t]);
        n_inf += isinf(y[t]);
        n_negative += y[t] < 0;
        n_demand += y[t] > 0;
    }
    if (first == n) {
        snprintf(message, LAGRS_MSG_LEN, "all values are missing");
        return LAGRS_CROSTON_ERR_TOO_SHORT;
    }
    if (n_negative > 0) {
        snprintf(message, LAGRS_MSG_LEN,
                 "the series has %lld negative value%s: demand cannot be negative",
                 (long long) n_negative, n_negative == 1 ? "" : "s");
        return LAGRS_CROSTON_ERR_INPUT;
    }
    if (n_missing > 0) {
        snprintf(message, LAGRS_MSG_LEN,
                 "the series has %lld missing value%s after its first observation: "
                 "intermittent-demand methods need every period",
                 (long long) n_missing, n_missing == 1 ? "" : "s");
        return LAGRS_CROSTON_ERR_INPUT;
    }
    if (n_inf > 0) {
        snprintf(message, LAGRS_MSG_LEN, "the series has %lld infinite value%s",
                 (long long) n_inf, n_inf == 1 ? "" : "s");
        return LAGRS_CROSTON_ERR_INPUT;
    }
    if (n - first < LAGRS_CROSTON_MIN_OBS) {
        snprintf(message, LAGRS_MSG_LEN, "too short: 1 value, the methods need at least %d",
                 LAGRS_CROSTON_MIN_OBS);
        return LAGRS_CROSTON_ERR_TOO_SHORT;
    }
    if (n_demand == 0) {
        snprintf(message, LAGRS_MSG_LEN, "no demand: every value is 0, so the forecast is 0");
        return LAGRS_FIT_WARNING;
    }
    return LAGRS_FIT_OK;
}

/* Fitted values and forecast of a series without demand: all 0 (Croston
 * has none for the first period). */
static double no_demand(int type, R_xlen_t n, double *fitted, double *mse)
{
    for (R_xlen_t t = 0; fitted != NULL && t < n; t++)
        fitted[t] = t == 0 && type != LAGRS_CROSTON_TSB ? NAN : 0;
    *mse = 0;
    return 0;
}

int lagrs_croston_run(int type, double alpha, double beta, const double *x, R_xlen_t n,
                      double *forecast, double *fitted, double *mse, double *params)
{
    croston_options o = {type, alpha, type == LAGRS_CROSTON_TSB ? beta : NAN};
    R_xlen_t t = 0;
    while (t < n && !(x[t] > 0))
        t++;
    params[0] = o.alpha;
    params[1] = o.beta;
    if (t == n) {
        *forecast = no_demand(type, n, fitted, mse);
        return 1;
    }
    if (!choose_parameters(&o, x, n, &params[0], &params[1]))
        return 0;
    *forecast = run_filter(type, x, n, params[0], params[1], fitted, mse);
    return 1;
}

static int croston_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                       lagrs_fit *out)
{
    const croston_options *o = (const croston_options *) options;
    (void) frequency;
    out->codes[0] = o->type;
    out->convergence = 0;
    R_xlen_t start;
    int status = lagrs_croston_screen(y, n, &start, out->message);
    if (status > LAGRS_FIT_WARNING)
        return out->status = status;
    R_xlen_t n_obs = n - start;
    double params[2], mse, forecast;
    double *fitted = out->residuals != NULL ? out->residuals + start : NULL;
    if (!lagrs_croston_run(o->type, o->alpha, o->beta, y + start, n_obs, &forecast, fitted,
                           &mse, params)) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = LAGRS_CROSTON_ERR_MEMORY;
    }
    for (R_xlen_t t = 0; out->residuals != NULL && t < n; t++)
        out->residuals[t] = t < start ? NAN : y[t] - out->residuals[t];
    if (!lagrs_croston_keep(out, forecast, params, o->type == LAGRS_CROSTON_TSB ? 2 : 1)) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = LAGRS_CROSTON_ERR_MEMORY;
    }
    out->sigma2 = mse;
    out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->nobs = (double) (o->type == LAGRS_CROSTON_TSB ? n_obs : n_obs - 1);
    return out->status = status;
}

/* The fit's smoothing parameters frozen: the method's filter on y with
 * them, nothing chosen.  A fit of a series without demand chose none; its
 * filter chooses them as a fit would. */
static int croston_frozen(const void *options, const double *state, R_xlen_t state_len,
                          const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) state_len;
    croston_options frozen = *(const croston_options *) options;
    if (!isnan(state[LAGRS_CROSTON_ST_ALPHA]))
        frozen.alpha = state[LAGRS_CROSTON_ST_ALPHA];
    if (frozen.type == LAGRS_CROSTON_TSB && !isnan(state[LAGRS_CROSTON_ST_BETA]))
        frozen.beta = state[LAGRS_CROSTON_ST_BETA];
    return croston_fit(&frozen, y, n, frequency, out);
}

int lagrs_croston_keep(lagrs_fit *out, double forecast, const double *params, int n_coef)
{
    out->state = malloc(sizeof(double) * LAGRS_CROSTON_ST_LEN);
    if (out->state == NULL)
        return 0;
    out->state_len = LAGRS_CROSTON_ST_LEN;
    out->state[LAGRS_CROSTON_ST_FORECAST] = forecast;
    out->state[LAGRS_CROSTON_ST_ALPHA] = params[0];
    out->state[LAGRS_CROSTON_ST_BETA] = params[1];
    out->state[LAGRS_CROSTON_ST_LEVEL] = 1;
    out->coef_offset = LAGRS_CROSTON_ST_ALPHA;
    out->n_coef = n_coef;
    return 1;
}

int lagrs_croston_forecast(const void *options, const double *state, R_xlen_t state_len,
                           int h, const double *levels, int n_levels, double *mean,
                           double *lower, double *upper, char *message)
{
    (void) options;
    (void) state_len;
    (void) levels;
    (void) message;
    lagrs_flat_forecast(state[LAGRS_CROSTON_ST_FORECAST], h, n_levels, mean, lower, upper);
    return LAGRS_FIT_OK;
}

int lagrs_croston_coef_name(int k, int n_coef, char *buf, size_t size)
{
    if (k < 0 || k >= n_coef)
        return 0;
    snprintf(buf, size, "%s", k == 0 ? "alpha" : "beta");
    return 1;
}

static int croston_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                             size_t size)
{
    (void) fit;
    int n_coef = ((const croston_options *) options)->type == LAGRS_CROSTON_TSB ? 2 : 1;
    return lagrs_croston_coef_name(k, n_coef, buf, size);
}

static void croston_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    (void) fit;
    static const char *const labels[] = {"Croston", "Croston (SBA)", "Croston (TSB)"};
    snprintf(buf, size, "%s", labels[((const croston_options *) options)->type]);
}

const lagrs_family lagrs_family_croston = {
    "croston",
    3, option_names, sizeof(croston_options),
    1, code_names,
    0, NULL,
    croston_parse, croston_work, croston_fit, lagrs_croston_forecast, croston_coef_name,
    croston_label,
    croston_frozen
};
