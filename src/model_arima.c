#include "model_arima.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fixed-order ARIMA family: every series is fitted by the engine's
 * kernel (arima.h) with the same orders, so a batch fit equals arima_fit()
 * bit for bit.  In a batch a series fails (alone) where arima_fit() would
 * stop or warn of an unusable fit: no value, an infinite value, too short
 * for the model, or constant (zero variance: an unbounded likelihood). */

/* The engine's messages are copied whole into a fit's */
_Static_assert(LAGRS_MSG_LEN == LAGRS_ARIMA_MSG_LEN, "message buffers differ in length");

static const char *const option_names[] = {
    "p", "d", "q", "P", "D", "Q", "period", "include_mean", "include_drift", "method"
};
static const char *const code_names[] = {"p", "d", "q", "P", "D", "Q", "period"};

typedef struct {
    int order[6];       /* p, d, q, P, D, Q */
    int period;         /* 0: each series' own frequency */
    int include_mean, include_drift, method;
} arima_options;

/* The state forecast reads, after the coefficients' header: */
enum { ST_PERIOD, ST_N, ST_SIGMA2, ST_HEADER };

static int whole_in(double v, double lo, double hi)
{
    return !isnan(v) && v >= lo && v <= hi && v == floor(v);
}

static int arima_parse(const double *v, void *options, char *message)
{
    arima_options *o = (arima_options *) options;
    for (int k = 0; k < 6; k++) {
        if (!whole_in(v[k], 0, 1e4)) {
            snprintf(message, LAGRS_MSG_LEN, "`%s` must be a whole number in [0, 10000]",
                     option_names[k]);
            return LAGRS_FIT_ERROR;
        }
        o->order[k] = (int) v[k];
    }
    o->period = isnan(v[6]) ? 0 : (int) v[6];
    if (!isnan(v[6]) && !whole_in(v[6], 1, 1e7)) {
        snprintf(message, LAGRS_MSG_LEN, "`period` must be a positive whole number");
        return LAGRS_FIT_ERROR;
    }
    o->include_mean = v[7] != 0;
    o->include_drift = v[8] != 0;
    if (!whole_in(v[9], LAGRS_ARIMA_CSS_ML, LAGRS_ARIMA_CSS)) {
        snprintf(message, LAGRS_MSG_LEN, "`method` must be a method code");
        return LAGRS_FIT_ERROR;
    }
    o->method = (int) v[9];
    return LAGRS_FIT_OK;
}

static double arima_work(const void *options, R_xlen_t n)
{
    (void) options;
    return 200.0 * (double) n;
}

static int is_seasonal(const arima_options *o)
{
    return o->order[3] + o->order[4] + o->order[5] > 0;
}

/* The series' period: the model's, else its own frequency (which must then
 * be whole).  0 with a message when neither serves a seasonal model. */
static int series_period(const arima_options *o, double frequency, char *message)
{
    if (!is_seasonal(o))
        return 1;
    if (o->period > 0)
        return o->period;
    if (frequency != floor(frequency)) {
        snprintf(message, LAGRS_MSG_LEN,
                 "the series' frequency %g is not a whole number: give `period`", frequency);
        return 0;
    }
    if (frequency < 2) {
        snprintf(message, LAGRS_MSG_LEN,
                 "a seasonal model needs a period of at least 2; the series' frequency is %g",
                 frequency);
        return 0;
    }
    return (int) frequency;
}

static void spec_of(const arima_options *o, int period, lagrs_arima_spec *spec)
{
    lagrs_arima_spec_init(spec, o->order[0], o->order[1], o->order[2], o->order[3],
                          o->order[4], o->order[5], period);
    spec->include_mean = o->include_mean;
    spec->include_drift = o->include_drift;
    spec->method = o->method;
}

/* Why a series cannot be fitted in a batch, or LAGRS_ARIMA_OK.  A constant
 * series is refused only when coefficients are to be estimated (its
 * likelihood is unbounded); frozen ones filter it like any other. */
static int screen_series(const double *y, R_xlen_t n, R_xlen_t min_obs, int allow_constant,
                         char *message)
{
    R_xlen_t n_ok = 0, n_inf = 0;
    int varies = 0;
    double first = 0;
    for (R_xlen_t t = 0; t < n; t++) {
        double v = y[t];
        if (isnan(v))
            continue;
        if (n_ok == 0)
            first = v;
        else if (v != first)
            varies = 1;
        n_ok++;
        if (isinf(v))
            n_inf++;
    }
    if (n_ok == 0 && n > 0) {
        snprintf(message, LAGRS_MSG_LEN, "all values are missing");
        return LAGRS_ARIMA_ERR_TOO_SHORT;
    }
    if (n_inf > 0) {
        snprintf(message, LAGRS_MSG_LEN, "the series has %lld infinite value%s",
                 (long long) n_inf, n_inf == 1 ? "" : "s");
        return LAGRS_ARIMA_ERR_INPUT;
    }
    if (n_ok <= min_obs) {
        snprintf(message, LAGRS_MSG_LEN,
                 "too short: %lld non-missing values, the model needs more than %lld",
                 (long long) n_ok, (long long) min_obs);
        return LAGRS_ARIMA_ERR_TOO_SHORT;
    }
    if (!varies && !allow_constant) {
        snprintf(message, LAGRS_MSG_LEN,
                 "the series is constant: all non-missing values are equal");
        return LAGRS_ARIMA_ERR_INPUT;
    }
    return LAGRS_ARIMA_OK;
}

double *lagrs_arima_state_alloc(const lagrs_arima_spec *spec, R_xlen_t prefix,
                                R_xlen_t *len, lagrs_arima_result *res)
{
    int n_coef = lagrs_arima_n_coef(spec, 0), sd = lagrs_arima_state_dim(spec);
    *len = prefix + ST_HEADER + n_coef + sd + (R_xlen_t) sd * sd;
    double *state = malloc(sizeof(double) * (size_t) *len);
    if (state == NULL)
        return NULL;
    res->coef = state + prefix + ST_HEADER;
    res->state_a = res->coef + n_coef;
    res->state_P = res->state_a + sd;
    return state;
}

void lagrs_arima_state_header(double *state, int period, R_xlen_t n, double sigma2)
{
    state[ST_PERIOD] = period;
    state[ST_N] = (double) n;
    state[ST_SIGMA2] = sigma2;
}

int lagrs_arima_state_coef_offset(void)
{
    return ST_HEADER;
}

static void copy_statistics(const lagrs_arima_result *res, lagrs_fit *out)
{
    out->sigma2 = res->sigma2;
    out->loglik = res->loglik;
    out->aic = res->aic;
    out->aicc = res->aicc;
    out->bic = res->bic;
    out->nobs = (double) res->n_used;
    out->coef_offset = ST_HEADER;
    out->n_coef = res->n_coef;
}

static int arima_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                     lagrs_fit *out)
{
    const arima_options *o = (const arima_options *) options;
    for (int k = 0; k < 6; k++)
        out->codes[k] = o->order[k];
    int period = series_period(o, frequency, out->message);
    out->codes[6] = period;
    out->convergence = 0;
    if (period == 0)
        return out->status = LAGRS_ARIMA_ERR_INPUT;
    lagrs_arima_spec spec;
    spec_of(o, period, &spec);
    spec.want_var = 0;
    spec.want_residuals = out->residuals != NULL;
    spec.stop = lagrs_batch_stop_requested;  /* Ctrl-C ends a long fit */
    int status = screen_series(y, n, lagrs_arima_min_obs(&spec), 0, out->message);
    if (status != LAGRS_ARIMA_OK)
        return out->status = status;
    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    out->state = lagrs_arima_state_alloc(&spec, 0, &out->state_len, &res);
    if (out->state == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = LAGRS_ARIMA_ERR_MEMORY;
    }
    res.residuals = out->residuals;
    status = lagrs_arima_fit_kernel(y, n, NULL, 0, &spec, &res);
    out->convergence = res.convergence;
    memcpy(out->message, res.message, LAGRS_MSG_LEN);
    out->message[LAGRS_MSG_LEN - 1] = '\0';
    lagrs_arima_state_header(out->state, period, n, res.sigma2);
    copy_statistics(&res, out);
    return out->status = status;
}

/* What filter and extend both do first: screen y, then allocate the new
 * state (res set up for it) with the caller's prefix copied in front. */
static int frozen_state_start(const lagrs_arima_spec *spec, const double *prefix,
                              R_xlen_t prefix_len, const double *y, R_xlen_t n,
                              lagrs_fit *out, lagrs_arima_result *res)
{
    int status = screen_series(y, n, lagrs_arima_min_obs(spec), 1, out->message);
    if (status != LAGRS_ARIMA_OK)
        return status;
    memset(res, 0, sizeof *res);
    out->state = lagrs_arima_state_alloc(spec, prefix_len, &out->state_len, res);
    if (out->state == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return LAGRS_ARIMA_ERR_MEMORY;
    }
    if (prefix_len > 0)
        memcpy(out->state, prefix, sizeof(double) * (size_t) prefix_len);
    return LAGRS_ARIMA_OK;
}

int lagrs_arima_state_filter(lagrs_arima_spec *spec, const double *frozen,
                             const double *prefix, R_xlen_t prefix_len, const double *y,
                             R_xlen_t n, lagrs_fit *out)
{
    /* Arima(y, model = fit) calls arima() with fixed = coef(fit) and its
     * default method, whatever the fit's was */
    spec->fixed = frozen + ST_HEADER;
    spec->method = LAGRS_ARIMA_CSS_ML;
    spec->want_var = 0;
    spec->want_residuals = out->residuals != NULL;
    spec->stop = lagrs_batch_stop_requested;
    out->convergence = 0;
    lagrs_arima_result res;
    int status = frozen_state_start(spec, prefix, prefix_len, y, n, out, &res);
    if (status != LAGRS_ARIMA_OK)
        return out->status = status;
    res.residuals = out->residuals;
    status = lagrs_arima_fit_kernel(y, n, NULL, 0, spec, &res);
    memcpy(out->message, res.message, LAGRS_MSG_LEN);
    out->message[LAGRS_MSG_LEN - 1] = '\0';
    if (status > LAGRS_ARIMA_WARNING) {
        free(out->state);
        out->state = NULL;
        return out->status = status;
    }
    /* forecast's arima2() keeps the fit's sigma2 for the intervals */
    lagrs_arima_state_header(out->state + prefix_len, spec->period, n, frozen[ST_SIGMA2]);
    copy_statistics(&res, out);
    out->coef_offset += (int) prefix_len;
    out->sigma2 = frozen[ST_SIGMA2];
    return out->status = status;
}

int lagrs_arima_state_extend(const lagrs_arima_spec *spec, const double *frozen,
                             const double *prefix, R_xlen_t prefix_len, const double *y,
                             R_xlen_t n, lagrs_fit *out)
{
    R_xlen_t n_old = (R_xlen_t) frozen[ST_N];
    if (n < n_old || out->residuals != NULL) {
        lagrs_arima_spec full = *spec;
        return lagrs_arima_state_filter(&full, frozen, prefix, prefix_len, y, n, out);
    }
    out->convergence = 0;
    lagrs_arima_result res;
    int status = frozen_state_start(spec, prefix, prefix_len, y, n, out, &res);
    if (status != LAGRS_ARIMA_OK)
        return out->status = status;
    memcpy(out->state + prefix_len, frozen,
           sizeof(double) * (size_t) (out->state_len - prefix_len));
    res.n_coef = lagrs_arima_n_coef(spec, 0);
    status = lagrs_arima_extend_kernel(spec, &res, y, n_old, n, out->message);
    if (status > LAGRS_ARIMA_WARNING) {
        free(out->state);
        out->state = NULL;
        return out->status = status;
    }
    out->state[prefix_len + ST_N] = (double) n;
    out->sigma2 = frozen[ST_SIGMA2];
    out->loglik = out->aic = out->aicc = out->bic = out->nobs = NAN;
    out->coef_offset = (int) prefix_len + ST_HEADER;
    out->n_coef = res.n_coef;
    return out->status = status;
}

static void filter_codes(const arima_options *o, int period, lagrs_fit *out)
{
    for (int k = 0; k < 6; k++)
        out->codes[k] = o->order[k];
    out->codes[6] = period;
}

static int arima_extend(const void *options, const double *state, R_xlen_t state_len,
                        const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) state_len;
    (void) frequency;
    const arima_options *o = (const arima_options *) options;
    int period = (int) state[ST_PERIOD];
    filter_codes(o, period, out);
    lagrs_arima_spec spec;
    spec_of(o, period, &spec);
    return lagrs_arima_state_extend(&spec, state, NULL, 0, y, n, out);
}

static int arima_filter(const void *options, const double *state, R_xlen_t state_len,
                        const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) state_len;
    (void) frequency;
    const arima_options *o = (const arima_options *) options;
    int period = (int) state[ST_PERIOD];
    filter_codes(o, period, out);
    lagrs_arima_spec spec;
    spec_of(o, period, &spec);
    return lagrs_arima_state_filter(&spec, state, NULL, 0, y, n, out);
}

int lagrs_arima_state_forecast(const lagrs_arima_spec *spec, const double *state, int h, const double *levels, int n_levels,
                               double *mean, double *lower, double *upper, char *message)
{
    lagrs_arima_result fit;
    memset(&fit, 0, sizeof fit);
    fit.n_coef = lagrs_arima_n_coef(spec, 0);
    fit.state_dim = lagrs_arima_state_dim(spec);
    /* the kernel only reads these */
    fit.coef = (double *) state + ST_HEADER;
    fit.state_a = fit.coef + fit.n_coef;
    fit.state_P = fit.state_a + fit.state_dim;
    fit.sigma2 = state[ST_SIGMA2];
    double *se = malloc(sizeof(double) * (size_t) (h > 0 ? h : 1));
    if (se == NULL) {
        if (message != NULL)
            snprintf(message, LAGRS_MSG_LEN, "out of memory");
        return LAGRS_ARIMA_ERR_MEMORY;
    }
    int status = lagrs_arima_forecast_kernel(spec, &fit, (R_xlen_t) state[ST_N], h, NULL, 0,
                                             mean, se, message);
    lagrs_normal_intervals(mean, se, h, levels, n_levels, lower, upper);
    free(se);
    return status;
}

static int arima_forecast(const void *options, const double *state, R_xlen_t state_len,
                          int h, const double *levels, int n_levels, double *mean,
                          double *lower, double *upper, char *message)
{
    (void) state_len;
    lagrs_arima_spec spec;
    spec_of((const arima_options *) options, (int) state[ST_PERIOD], &spec);
    return lagrs_arima_state_forecast(&spec, state, h, levels, n_levels, mean, lower, upper,
                                      message);
}

static int arima_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                           size_t size)
{
    lagrs_arima_spec spec;
    /* the period does not change the names */
    spec_of((const arima_options *) options, 1, &spec);
    return lagrs_arima_coef_name(&spec, k, buf, size);
}

void lagrs_arima_label(const int *codes, char *buf, size_t size)
{
    int n = snprintf(buf, size, "ARIMA(%d,%d,%d)", codes[0], codes[1], codes[2]);
    if (codes[3] + codes[4] + codes[5] > 0 && n > 0 && (size_t) n < size)
        snprintf(buf + n, size - (size_t) n, "(%d,%d,%d)[%d]", codes[3], codes[4], codes[5],
                 codes[6]);
}

static void arima_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    (void) options;
    lagrs_arima_label(fit->codes, buf, size);
}

const lagrs_family lagrs_family_arima = {
    "arima",
    10, option_names, sizeof(arima_options),
    7, code_names,
    0, NULL,
    arima_parse, arima_work, arima_fit, arima_forecast, arima_coef_name, arima_label,
    arima_filter, arima_extend
};
