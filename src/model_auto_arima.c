#include "model_arima.h"
#include "auto_arima.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The automatic ARIMA family: forecast::auto.arima()'s search
 * (auto_arima.h) and the chosen model's final fit, per series.  In a batch
 * a series with an infinite value, or a constant one (to which auto_arima()
 * gives the deterministic mean model), fails alone; a series constant only
 * once differenced keeps its deterministic model with a warning. */

static const char *const option_names[] = {
    "max_p", "max_q", "max_P", "max_Q", "max_order", "max_d", "max_D",
    "start_p", "start_q", "start_P", "start_Q", "ic", "stepwise", "nmodels",
    "approximation", "d", "D", "allow_drift", "allow_mean", "seasonal", "period"
};
#define N_OPTIONS 21
static const char *const code_names[] = {"p", "d", "q", "P", "D", "Q", "period", "constant"};
static const char *const info_names[] = {
    "method", "fixed", "start", "path", "approximation", "offset", "n_models", "ic"
};

typedef struct {
    lagrs_auto_options search;
    double period;      /* NaN: each series' own frequency */
} auto_options;

/* The state: the chosen orders (p, d, q, P, D, Q, constant), then the
 * ARIMA family's state of the final fit. */
#define ORDERS_LEN 7

static int auto_parse(const double *v, void *options, char *message)
{
    auto_options *o = (auto_options *) options;
    for (int k = 0; k < N_OPTIONS - 1; k++) {
        /* -1 means "the default" (approximation) or "test" (d, D) */
        if (isnan(v[k]) || v[k] < -1 || v[k] > 1e6 || v[k] != floor(v[k])) {
            snprintf(message, LAGRS_MSG_LEN, "`%s` must be a whole number", option_names[k]);
            return LAGRS_FIT_ERROR;
        }
    }
    lagrs_auto_options *s = &o->search;
    lagrs_auto_options_init(s);
    int *fields[] = {&s->max_p, &s->max_q, &s->max_P, &s->max_Q, &s->max_order, &s->max_d,
                     &s->max_D, &s->start_p, &s->start_q, &s->start_P, &s->start_Q, &s->ic,
                     &s->stepwise, &s->nmodels, &s->approximation, &s->d, &s->D,
                     &s->allow_drift, &s->allow_mean, &s->seasonal};
    for (int k = 0; k < N_OPTIONS - 1; k++)
        *fields[k] = (int) v[k];
    o->period = v[N_OPTIONS - 1];
    if (!isnan(o->period) && !(o->period > 0 && isfinite(o->period))) {
        snprintf(message, LAGRS_MSG_LEN, "`period` must be a positive number");
        return LAGRS_FIT_ERROR;
    }
    return LAGRS_FIT_OK;
}

static double auto_work(const void *options, R_xlen_t n)
{
    (void) options;
    return 20000.0 * (double) n;
}

static R_xlen_t count_infinite(const double *y, R_xlen_t n)
{
    R_xlen_t n_inf = 0;
    for (R_xlen_t t = 0; t < n; t++)
        if (isinf(y[t]))
            n_inf++;
    return n_inf;
}

/* The search, with the batch's two extra failures. */
static void search(const auto_options *o, const double *y, R_xlen_t n, double frequency,
                   lagrs_auto_result *r, lagrs_fit *out)
{
    R_xlen_t n_inf = count_infinite(y, n);
    if (n_inf > 0) {
        /* auto_arima() refuses infinite values; in a batch only this series
         * fails, as in the ARIMA family */
        memset(r, 0, sizeof *r);
        r->period = 1;
        r->method = LAGRS_ARIMA_CSS_ML;
        r->status = LAGRS_AUTO_NO_MODEL;
        snprintf(r->message, LAGRS_ARIMA_MSG_LEN, "the series has %lld infinite value%s",
                 (long long) n_inf, n_inf == 1 ? "" : "s");
    } else {
        lagrs_auto_arima_kernel(y, n, isnan(o->period) ? frequency : o->period, &o->search, r);
        if (r->status == LAGRS_AUTO_OK && r->path == LAGRS_AUTO_CONSTANT_SERIES) {
            r->status = LAGRS_AUTO_NO_MODEL;
            snprintf(r->message, LAGRS_ARIMA_MSG_LEN,
                     "the series is constant: all non-missing values are equal");
        }
    }
    int ok = r->status == LAGRS_AUTO_OK;
    if (ok) {
        int codes[] = {r->p, r->d, r->q, r->P, r->D, r->Q, r->period, r->constant};
        memcpy(out->codes, codes, sizeof codes);
    }
    double info[] = {r->method, ok && r->has_fixed ? r->fixed_value : NAN,
                     (double) r->start + 1.0, r->path, r->approximation, r->offset,
                     r->n_models, ok ? r->ic : NAN};
    memcpy(out->info, info, sizeof info);
}

/* The message of a usable final fit: what the model is for the constant
 * shortcuts (the engine would warn of an unbounded likelihood), or the
 * search's note (e.g. the model limit). */
static int final_message(const lagrs_auto_result *r, int status, lagrs_fit *out)
{
    if (r->path != LAGRS_AUTO_SEARCHED) {
        snprintf(out->message, LAGRS_MSG_LEN, "%s",
                 r->path == LAGRS_AUTO_CONSTANT_SERIES
                     ? "the series is constant: the model is its mean"
                     : "the series is constant once differenced: a deterministic model");
        return LAGRS_ARIMA_WARNING;
    }
    if (status == LAGRS_ARIMA_OK && r->message[0] != '\0') {
        memcpy(out->message, r->message, LAGRS_MSG_LEN);
        return LAGRS_ARIMA_WARNING;
    }
    return status;
}

static int auto_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                    lagrs_fit *out)
{
    lagrs_auto_result r;
    search((const auto_options *) options, y, n, frequency, &r, out);
    memcpy(out->message, r.message, LAGRS_MSG_LEN);
    if (r.status != LAGRS_AUTO_OK)
        return out->status = r.status;
    lagrs_arima_spec spec;
    lagrs_auto_spec(&r, &spec, NULL);
    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    R_xlen_t len;
    double *state = lagrs_arima_state_alloc(&spec, ORDERS_LEN, &len, &res);
    if (state == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = LAGRS_ARIMA_ERR_MEMORY;
    }
    if (out->residuals != NULL) {
        for (R_xlen_t t = 0; t < r.start; t++)
            out->residuals[t] = NAN;
        res.residuals = out->residuals + r.start;
    }
    int status = lagrs_auto_final_fit(y, n, &r, 0, &res);
    out->convergence = res.convergence;
    memcpy(out->message, res.message, LAGRS_MSG_LEN);
    if (status > LAGRS_ARIMA_WARNING) {
        free(state);
        return out->status = status;
    }
    int orders[ORDERS_LEN] = {r.p, r.d, r.q, r.P, r.D, r.Q, r.constant};
    for (int k = 0; k < ORDERS_LEN; k++)
        state[k] = orders[k];
    lagrs_arima_state_header(state + ORDERS_LEN, r.period, n - r.start, res.sigma2);
    out->state = state;
    out->state_len = len;
    out->sigma2 = res.sigma2;
    out->loglik = res.loglik;
    out->aic = res.aic;
    out->aicc = res.aicc;
    out->bic = res.bic;
    out->nobs = (double) res.n_used;
    out->coef_offset = ORDERS_LEN + lagrs_arima_state_coef_offset();
    out->n_coef = res.n_coef;
    return out->status = final_message(&r, status, out);
}

/* The chosen model's spec from the orders at the head of a state. */
static void state_spec(const double *state, lagrs_arima_spec *spec)
{
    lagrs_auto_result r;
    memset(&r, 0, sizeof r);
    r.p = (int) state[0]; r.d = (int) state[1]; r.q = (int) state[2];
    r.P = (int) state[3]; r.D = (int) state[4]; r.Q = (int) state[5];
    r.constant = (int) state[6];
    r.include_mean = r.constant && r.d + r.D == 0;
    r.include_drift = r.constant && r.d + r.D == 1;
    r.period = (int) state[ORDERS_LEN];  /* the ARIMA state's first value */
    r.method = LAGRS_ARIMA_CSS_ML;
    lagrs_auto_spec(&r, spec, NULL);
}

static int auto_forecast(const void *options, const double *state, R_xlen_t state_len,
                         int h, const double *levels, int n_levels, double *mean,
                         double *lower, double *upper, char *message)
{
    (void) options;
    (void) state_len;
    lagrs_arima_spec spec;
    state_spec(state, &spec);
    return lagrs_arima_state_forecast(&spec, state + ORDERS_LEN, h, levels, n_levels, mean,
                                      lower, upper, message);
}

/* The chosen model with its coefficients frozen (model_arima.h), filtered
 * or extended over y after its leading missing values, as the fit reads it;
 * the state keeps the chosen orders. */
static int auto_frozen(const double *state, const double *y, R_xlen_t n, lagrs_fit *out,
                       int extend)
{
    lagrs_arima_spec spec;
    state_spec(state, &spec);
    int codes[] = {spec.p, spec.d, spec.q, spec.P, spec.D, spec.Q, spec.period,
                   (int) state[6]};
    memcpy(out->codes, codes, sizeof codes);
    R_xlen_t start = 0;
    while (start < n && isnan(y[start]))
        start++;
    double *residuals = out->residuals;
    for (R_xlen_t t = 0; residuals != NULL && t < start; t++)
        residuals[t] = NAN;
    if (residuals != NULL)
        out->residuals = residuals + start;
    int status = extend
        ? lagrs_arima_state_extend(&spec, state + ORDERS_LEN, state, ORDERS_LEN, y + start,
                                   n - start, out)
        : lagrs_arima_state_filter(&spec, state + ORDERS_LEN, state, ORDERS_LEN, y + start,
                                   n - start, out);
    out->residuals = residuals;
    return status;
}

static int auto_filter(const void *options, const double *state, R_xlen_t state_len,
                       const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) options;
    (void) state_len;
    (void) frequency;
    return auto_frozen(state, y, n, out, 0);
}

static int auto_extend(const void *options, const double *state, R_xlen_t state_len,
                       const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) options;
    (void) state_len;
    (void) frequency;
    return auto_frozen(state, y, n, out, 1);
}

static int auto_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                          size_t size)
{
    lagrs_arima_spec spec;
    if (fit == NULL) {
        /* the widest model: every order at its limit, a mean and a drift */
        const lagrs_auto_options *s = &((const auto_options *) options)->search;
        lagrs_arima_spec_init(&spec, s->max_p, 0, s->max_q, s->max_P, 0, s->max_Q, 2);
        spec.include_mean = spec.include_drift = 1;
    } else if (fit->state == NULL) {
        return 0;
    } else {
        state_spec(fit->state, &spec);
    }
    return lagrs_arima_coef_name(&spec, k, buf, size);
}

/* forecast's label: the orders, and "with non-zero mean" or "with drift". */
static void auto_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    (void) options;
    const int *c = fit->codes;
    buf[0] = '\0';
    if (c[0] == LAGRS_NA_CODE)
        return;
    lagrs_arima_label(c, buf, size);
    size_t used = strlen(buf);
    int n_diff = c[1] + c[4];
    if (c[7] == 1 && n_diff <= 1)
        snprintf(buf + used, size - used, "%s",
                 n_diff == 0 ? " with non-zero mean" : " with drift");
}

const lagrs_family lagrs_family_auto_arima = {
    "auto_arima",
    N_OPTIONS, option_names, sizeof(auto_options),
    8, code_names,
    8, info_names,
    auto_parse, auto_work, auto_fit, auto_forecast, auto_coef_name, auto_label,
    auto_filter, auto_extend
};
