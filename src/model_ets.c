#include "model_ets.h"
#include "ets.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ETS family: forecast::ets() on each series (the engine, ets.h), its
 * forecasts and intervals as forecast.ets() gives them, and the filter
 * (frozen parameters and initial states on a longer stretch, as
 * ets(y, model = fit, use.initial.values = TRUE)).
 *
 * Rules a batch applies before the engine: a series with a missing or
 * infinite value fails (forecast::ets() would keep its longest stretch
 * without missing values; fill or trim it); a constant series is fitted as
 * ets() fits it, ses(y, alpha = 0.99999, initial = "simple"): the forecast
 * is that value with intervals of zero width, and the status a warning. */

static const char *const option_names[] = {
    "error", "trend", "season", "damped", "period", "additive_only",
    "allow_multiplicative_trend", "restrict", "ic", "opt_crit", "nmse", "bounds",
    "alpha", "beta", "gamma", "phi", "seed"
};
static const char *const code_names[] = {"error", "trend", "season", "damped", "period"};
static const char *const info_names[] = {"mse", "amse"};

typedef struct {
    ets_control ctl;
    double seed;
} ets_options;

/* The state: a header, the coefficients (forecast's par: alpha, beta,
 * gamma, phi as the model has them, then l, b, s0..s(m-2)), the initial and
 * the last state vectors. */
enum { ST_ERROR, ST_TREND, ST_SEASON, ST_DAMPED, ST_M, ST_N, ST_SIGMA2, ST_N_COEF,
       ST_N_STATE, ST_ALPHA, ST_BETA, ST_GAMMA, ST_PHI, ST_CONSTANT, ST_HEADER };

enum { ETS_STATUS_INPUT = LAGRS_FIT_ERROR, ETS_STATUS_TOO_SHORT, ETS_STATUS_NO_MODEL,
       ETS_STATUS_MEMORY, ETS_STATUS_FORECAST };

#define CONSTANT_ALPHA 0.99999   /* ets()'s ses() of a constant series */

static int in_codes(double v, double lo, double hi)
{
    return !isnan(v) && v >= lo && v <= hi && v == floor(v);
}

static int parse_component(double v, int lo, int hi, const char *name, int *out,
                           char *message)
{
    if (isnan(v)) {
        *out = ETS_CHOOSE;
        return 1;
    }
    if (!in_codes(v, lo, hi)) {
        snprintf(message, LAGRS_MSG_LEN, "`%s` must be a component code", name);
        return 0;
    }
    *out = (int) v;
    return 1;
}

static int parse_given(double v, const char *name, double *out, char *message)
{
    *out = v;
    if (isnan(v) || (v >= 0 && v <= 1))
        return 1;
    snprintf(message, LAGRS_MSG_LEN, "`%s` must be in [0, 1]", name);
    return 0;
}

static int ets_parse(const double *v, void *options, char *message)
{
    ets_options *o = (ets_options *) options;
    ets_control *c = &o->ctl;
    static const double lower[4] = {1e-4, 1e-4, 1e-4, 0.8},
                        upper[4] = {0.9999, 0.9999, 0.9999, 0.98};
    memcpy(c->lower, lower, sizeof lower);
    memcpy(c->upper, upper, sizeof upper);
    if (!parse_component(v[0], ETS_ADD, ETS_MULT, "error", &c->error, message) ||
        !parse_component(v[1], ETS_NONE, ETS_MULT, "trend", &c->trend, message) ||
        !parse_component(v[2], ETS_NONE, ETS_MULT, "season", &c->season, message) ||
        !parse_component(v[3], 0, 1, "damped", &c->damped, message))
        return LAGRS_FIT_ERROR;
    c->period = 0;
    if (!isnan(v[4])) {
        if (!in_codes(v[4], 1, 1e7)) {
            snprintf(message, LAGRS_MSG_LEN, "`period` must be a positive whole number");
            return LAGRS_FIT_ERROR;
        }
        c->period = (int) v[4];
    }
    c->additive_only = v[5] != 0;
    c->allow_multiplicative_trend = v[6] != 0;
    c->restrict_models = v[7] != 0;
    if (!in_codes(v[8], 0, 2) || !in_codes(v[9], 0, 4) || !in_codes(v[11], 0, 2)) {
        snprintf(message, LAGRS_MSG_LEN, "`ic`, `opt_crit` and `bounds` must be codes");
        return LAGRS_FIT_ERROR;
    }
    c->ic = (int) v[8];
    c->opt_crit = (int) v[9];
    c->bounds = (int) v[11];
    if (!in_codes(v[10], 1, ETS_MAX_NMSE)) {
        snprintf(message, LAGRS_MSG_LEN, "`nmse` must be a whole number in [1, 30]");
        return LAGRS_FIT_ERROR;
    }
    c->nmse = (int) v[10];
    if (!parse_given(v[12], "alpha", &c->alpha, message) ||
        !parse_given(v[13], "beta", &c->beta, message) ||
        !parse_given(v[14], "gamma", &c->gamma, message) ||
        !parse_given(v[15], "phi", &c->phi, message))
        return LAGRS_FIT_ERROR;
    o->seed = isnan(v[16]) ? 0 : v[16];
    return LAGRS_FIT_OK;
}

static double ets_work(const void *options, R_xlen_t n)
{
    (void) options;
    return 2e5 * (double) n;
}

/* ---- the state ----------------------------------------------------------- */

static double *new_state(const ets_model_fit *fit, R_xlen_t n, R_xlen_t *len)
{
    int ns = fit->n_state;
    *len = ST_HEADER + fit->n_par + 2 * ns;
    double *s = malloc(sizeof(double) * (size_t) *len);
    if (s == NULL)
        return NULL;
    const ets_spec *sp = &fit->spec;
    s[ST_ERROR] = sp->error;
    s[ST_TREND] = sp->trend;
    s[ST_SEASON] = sp->season;
    s[ST_DAMPED] = sp->damped;
    s[ST_M] = sp->m;
    s[ST_N] = (double) n;
    s[ST_SIGMA2] = fit->sigma2;
    s[ST_N_COEF] = fit->n_par;
    s[ST_N_STATE] = ns;
    s[ST_ALPHA] = fit->par.alpha;
    s[ST_BETA] = fit->par.beta;
    s[ST_GAMMA] = fit->par.gamma;
    s[ST_PHI] = fit->par.phi;
    s[ST_CONSTANT] = 0;
    double *coef = s + ST_HEADER;
    int k = 0;
    coef[k++] = fit->par.alpha;
    if (sp->trend)
        coef[k++] = fit->par.beta;
    if (sp->season)
        coef[k++] = fit->par.gamma;
    if (sp->damped)
        coef[k++] = fit->par.phi;
    for (int i = 0; i < ns - (sp->season ? 1 : 0); i++)
        coef[k++] = fit->init[i];
    memcpy(coef + k, fit->init, sizeof(double) * (size_t) ns);
    memcpy(coef + k + ns, fit->last, sizeof(double) * (size_t) ns);
    return s;
}

static void read_state(const double *s, ets_spec *spec, ets_params *par)
{
    spec->error = (int) s[ST_ERROR];
    spec->trend = (int) s[ST_TREND];
    spec->season = (int) s[ST_SEASON];
    spec->damped = (int) s[ST_DAMPED];
    spec->m = (int) s[ST_M];
    par->alpha = s[ST_ALPHA];
    par->beta = s[ST_BETA];
    par->gamma = s[ST_GAMMA];
    par->phi = s[ST_PHI];
}

static const double *state_init(const double *s)
{
    return s + ST_HEADER + (int) s[ST_N_COEF];
}

static const double *state_last(const double *s)
{
    return state_init(s) + (int) s[ST_N_STATE];
}

/* ---- fitting ------------------------------------------------------------- */

static int screen_series(const double *y, R_xlen_t n, int *constant, char *message)
{
    R_xlen_t n_missing = 0, n_inf = 0;
    *constant = 1;
    for (R_xlen_t t = 0; t < n; t++) {
        n_missing += isnan(y[t]);
        n_inf += isinf(y[t]);
        if (y[t] != y[0])
            *constant = 0;
    }
    if (n == 0 || n_missing == n) {
        snprintf(message, LAGRS_MSG_LEN, "all values are missing");
        return ETS_STATUS_TOO_SHORT;
    }
    if (n_missing > 0) {
        snprintf(message, LAGRS_MSG_LEN, "%lld missing value%s: ETS needs a complete "
                 "series (fill or trim it)", (long long) n_missing, n_missing == 1 ? "" : "s");
        return ETS_STATUS_INPUT;
    }
    if (n_inf > 0) {
        snprintf(message, LAGRS_MSG_LEN, "the series has %lld infinite value%s",
                 (long long) n_inf, n_inf == 1 ? "" : "s");
        return ETS_STATUS_INPUT;
    }
    return LAGRS_FIT_OK;
}

static int series_period(const ets_options *o, double frequency, char *message)
{
    if (o->ctl.period > 0)
        return o->ctl.period;
    if (frequency < 1)
        return 1;
    if (frequency > ETS_MAX_PERIOD)   /* weekly 52.18: non-seasonal, as forecast */
        return frequency > 1e7 ? (int) 1e7 : (int) frequency;
    if (frequency != floor(frequency)) {
        snprintf(message, LAGRS_MSG_LEN,
                 "the series' frequency %g is not a whole number: give `period`", frequency);
        return 0;
    }
    return (int) frequency;
}

/* The statistics of a fit into out, the residuals as y minus the fitted
 * values (for a multiplicative error, forecast's residuals() are e, the
 * relative errors: fitted = y / (1 + e)). */
static void fill_out(const ets_model_fit *fit, const double *y, const double *e,
                     R_xlen_t n, lagrs_fit *out)
{
    out->sigma2 = fit->sigma2;
    out->loglik = fit->loglik;
    out->aic = fit->aic;
    out->aicc = fit->aicc;
    out->bic = fit->bic;
    out->nobs = (double) n;
    out->convergence = fit->convergence;
    out->codes[0] = fit->spec.error;
    out->codes[1] = fit->spec.trend;
    out->codes[2] = fit->spec.season;
    out->codes[3] = fit->spec.damped;
    out->codes[4] = fit->spec.m;
    out->info[0] = fit->mse;
    out->info[1] = fit->amse;
    out->coef_offset = ST_HEADER;
    out->n_coef = fit->n_par;
    if (out->residuals != NULL)
        for (R_xlen_t t = 0; t < n; t++)
            out->residuals[t] = fit->spec.error == ETS_ADD ? e[t]
                : y[t] - y[t] / (1 + e[t]);
}

/* ets()'s answer for a constant series: ses(alpha = 0.99999, initial =
 * "simple"), which fits it exactly. */
static void constant_fit(const double *y, R_xlen_t n, int m, ets_model_fit *fit)
{
    memset(fit, 0, sizeof *fit);
    ets_spec spec = {ETS_ADD, ETS_NONE, ETS_NONE, 0, 1};
    (void) m;
    fit->spec = spec;
    fit->par.alpha = CONSTANT_ALPHA;
    fit->par.phi = 1;
    fit->n_state = 1;
    fit->init[0] = fit->last[0] = y[0];
    fit->n_par = 2;
    fit->lik = fit->loglik = fit->aic = fit->aicc = fit->bic = NAN;
    fit->mse = fit->amse = fit->sigma2 = 0;
    (void) n;
}

static int finish(const ets_model_fit *fit, const double *y, R_xlen_t n, int constant,
                  lagrs_fit *out)
{
    double *e = malloc(sizeof(double) * (size_t) (n > 0 ? n : 1));
    out->state = e == NULL ? NULL : new_state(fit, n, &out->state_len);
    if (out->state == NULL) {
        free(e);
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = ETS_STATUS_MEMORY;
    }
    out->state[ST_CONSTANT] = constant;
    double lik, amse[ETS_MAX_NMSE];
    ets_calc(y, n, &fit->spec, &fit->par, fit->init, 1, e, NULL, NULL, &lik, amse);
    fill_out(fit, y, e, n, out);
    free(e);
    return out->status;
}

static int ets_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                   lagrs_fit *out)
{
    const ets_options *o = (const ets_options *) options;
    for (int k = 0; k < 5; k++)
        out->codes[k] = LAGRS_NA_CODE;
    int constant, m = series_period(o, frequency, out->message);
    if (m == 0)
        return out->status = ETS_STATUS_INPUT;
    int status = screen_series(y, n, &constant, out->message);
    if (status != LAGRS_FIT_OK)
        return out->status = status;
    ets_model_fit fit;
    out->status = LAGRS_FIT_OK;
    if (constant) {
        constant_fit(y, n, m, &fit);
        out->status = LAGRS_FIT_WARNING;
        snprintf(out->message, LAGRS_MSG_LEN, "the series is constant: its forecast is "
                 "that value, with intervals of zero width (as forecast::ets)");
        return finish(&fit, y, n, 1, out);
    }
    int warned;
    status = ets_select(y, n, m, &o->ctl, &fit, &warned, out->message, LAGRS_MSG_LEN);
    if (status != ETS_OK) {
        static const int map[] = {0, ETS_STATUS_INPUT, ETS_STATUS_TOO_SHORT,
                                  ETS_STATUS_NO_MODEL, ETS_STATUS_MEMORY};
        return out->status = map[status];
    }
    if (warned) {
        out->status = LAGRS_FIT_WARNING;
        snprintf(out->message, LAGRS_MSG_LEN, "period %d is above 24: seasonality "
                 "ignored (as forecast::ets)", m);
    }   /* forecast::ets() is silent when Nelder-Mead stops at maxit: `convergence` says it */
    return finish(&fit, y, n, 0, out);
}

/* ---- forecasting --------------------------------------------------------- */

/* A series' simulation seed: the model's seed mixed with its state (FNV-1a
 * over the bytes), so it depends on nothing but the series and the model. */
static uint64_t state_seed(double seed, const double *state, R_xlen_t len)
{
    uint64_t hash = 14695981039346656037ULL ^ (uint64_t) (int64_t) seed;
    const unsigned char *bytes = (const unsigned char *) state;
    for (size_t i = 0; i < sizeof(double) * (size_t) len; i++)
        hash = (hash ^ bytes[i]) * 1099511628211ULL;
    return hash;
}

static int ets_forecast(const void *options, const double *state, R_xlen_t state_len, int h,
                        const double *levels, int n_levels, double *mean, double *lower,
                        double *upper, char *message)
{
    const ets_options *o = (const ets_options *) options;
    ets_spec spec;
    ets_params par;
    read_state(state, &spec, &par);
    double sigma2 = state[ST_SIGMA2];
    double *var = malloc(sizeof(double) * (size_t) (h > 0 ? h : 1));
    if (var == NULL) {
        if (message != NULL)
            snprintf(message, LAGRS_MSG_LEN, "out of memory");
        return ETS_STATUS_MEMORY;
    }
    int status = ets_forecast_variance(&spec, &par, state_last(state), sigma2, h, mean, var);
    if (status == 0) {
        for (int j = 0; j < h; j++)
            var[j] = sqrt(var[j]);
        lagrs_normal_intervals(mean, var, h, levels, n_levels, lower, upper);
    } else if (status == 1) {
        status = ets_point_forecast(state_last(state), &spec, par.phi, h, mean);
        if (status == 0)
            status = ets_simulated_bounds(&spec, &par, state_last(state), sigma2, h, levels,
                                          n_levels, state_seed(o->seed, state, state_len),
                                          lower, upper);
    }
    free(var);
    if (status != 0) {
        if (message != NULL)
            snprintf(message, LAGRS_MSG_LEN, "forecasting failed: a multiplicative trend "
                     "turned negative");
        return ETS_STATUS_FORECAST;
    }
    return LAGRS_FIT_OK;
}

/* ---- the filter ---------------------------------------------------------- */

/* ets(y, model = fit, use.initial.values = TRUE): nothing estimated; the
 * criteria count length(par) + 1 parameters, as that branch does. */
static int ets_filter(const void *options, const double *state, R_xlen_t state_len,
                      const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) options;
    (void) state_len;
    (void) frequency;
    int constant;
    int status = screen_series(y, n, &constant, out->message);
    if (status != LAGRS_FIT_OK)
        return out->status = status;
    ets_model_fit fit;
    memset(&fit, 0, sizeof fit);
    read_state(state, &fit.spec, &fit.par);
    fit.n_state = (int) state[ST_N_STATE];
    fit.n_par = (int) state[ST_N_COEF];
    memcpy(fit.init, state_init(state), sizeof(double) * (size_t) fit.n_state);
    double *e = malloc(sizeof(double) * (size_t) n), amse[ETS_MAX_NMSE];
    if (e == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = ETS_STATUS_MEMORY;
    }
    const ets_options *o = (const ets_options *) options;
    int nmse = o->ctl.nmse;
    if (ets_calc(y, n, &fit.spec, &fit.par, fit.init, nmse, e, NULL, fit.last, &fit.lik,
                 amse) != 0) {
        free(e);
        snprintf(out->message, LAGRS_MSG_LEN, "a multiplicative trend turned negative");
        return out->status = ETS_STATUS_NO_MODEL;
    }
    double np = fit.n_par + 1, sse = 0;
    fit.loglik = -0.5 * fit.lik;
    fit.aic = fit.lik + 2 * np;
    fit.bic = fit.lik + log((double) n) * np;
    fit.aicc = fit.aic + 2 * np * (np + 1) / ((double) n - np - 1);
    fit.mse = amse[0];
    long double total = 0;
    for (int j = 0; j < nmse; j++)
        total += amse[j];
    fit.amse = (double) (total / nmse);
    for (R_xlen_t t = 0; t < n; t++)
        sse += e[t] * e[t];
    fit.sigma2 = sse / ((double) n - np);
    free(e);
    out->status = state[ST_CONSTANT] != 0 ? LAGRS_FIT_WARNING : LAGRS_FIT_OK;
    return finish(&fit, y, n, (int) state[ST_CONSTANT], out);
}

/* ---- for the single-series object ---------------------------------------- */

int lagrs_ets_state_width(const double *state)
{
    return (int) state[ST_N_STATE];
}

int lagrs_ets_run(const double *state, const double *y, R_xlen_t n, double *states,
                  double *e)
{
    ets_spec spec;
    ets_params par;
    read_state(state, &spec, &par);
    double lik, amse[ETS_MAX_NMSE];
    return ets_calc(y, n, &spec, &par, state_init(state), 1, e, states, NULL, &lik, amse);
}

/* ---- names --------------------------------------------------------------- */

static int ets_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                         size_t size)
{
    const ets_options *o = (const ets_options *) options;
    int trend = 1, season = 1, damped = 1, m = o->ctl.period > 0 ? o->ctl.period
                                                                  : ETS_MAX_PERIOD;
    if (fit != NULL) {
        trend = fit->codes[1] != ETS_NONE;
        season = fit->codes[2] != ETS_NONE;
        damped = fit->codes[3] == 1;
        m = fit->codes[4];
    }
    const char *names[6] = {"alpha", trend ? "beta" : NULL, season ? "gamma" : NULL,
                            damped ? "phi" : NULL, "l", trend ? "b" : NULL};
    for (int i = 0; i < 6; i++) {
        if (names[i] == NULL)
            continue;
        if (k-- == 0) {
            snprintf(buf, size, "%s", names[i]);
            return 1;
        }
    }
    if (season && m > 1 && m <= ETS_MAX_PERIOD && k < m - 1) {
        snprintf(buf, size, "s%d", k);
        return 1;
    }
    return 0;
}

static void ets_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    (void) options;
    static const char *const letters = "NAM";
    if (fit->codes[0] == LAGRS_NA_CODE) {
        snprintf(buf, size, "%s", "");
        return;
    }
    snprintf(buf, size, "ETS(%c,%c%s,%c)", letters[fit->codes[0]], letters[fit->codes[1]],
             fit->codes[3] == 1 ? "d" : "", letters[fit->codes[2]]);
}

const lagrs_family lagrs_family_ets = {
    "ets",
    17, option_names, sizeof(ets_options),
    5, code_names,
    2, info_names,
    ets_parse, ets_work, ets_fit, ets_forecast, ets_coef_name, ets_label, ets_filter
};
