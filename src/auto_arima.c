#include "auto_arima.h"
#include "arima.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

/* Automatic ARIMA order selection after forecast::auto.arima() (forecast
 * 8.20).  The search below follows auto.arima(), myarima(), search.arima()
 * and newmodel() step by step; the comments name the forecast rule that
 * each step reproduces.  Choosing the same model as forecast depends on
 * visiting the candidates in the same order and comparing them with the
 * same strict "<", so the order of the moves is part of the algorithm. */

void lagrs_auto_options_init(lagrs_auto_options *opt)
{
    opt->max_p = 5; opt->max_q = 5; opt->max_P = 2; opt->max_Q = 2;
    opt->max_order = 5; opt->max_d = 2; opt->max_D = 1;
    opt->start_p = 2; opt->start_q = 2; opt->start_P = 1; opt->start_Q = 1;
    opt->ic = LAGRS_AUTO_AICC;
    opt->stepwise = 1;
    opt->nmodels = 94;
    opt->approximation = -1;
    opt->d = -1; opt->D = -1;
    opt->stationary = 0;
    opt->allow_drift = 1; opt->allow_mean = 1;
    opt->seasonal = 1;
    opt->alpha = 0.05;
}

static void set_status(lagrs_auto_result *out, int status, const char *text)
{
    out->status = status;
    snprintf(out->message, LAGRS_ARIMA_MSG_LEN, "%s", text);
}

/* ---- small numerical helpers ------------------------------------------ */

/* 1 when 1 - a_1 z - ... - a_k z^k has a root of modulus below `radius`.
 * myarima() takes the smallest root modulus of the fitted AR and MA
 * polynomials from polyroot(); a root below 1.01 rejects the model.  The
 * step-down (Schur-Cohn) recursion on the rescaled polynomial answers the
 * same question without computing roots: the roots of the rescaled
 * polynomial are z / radius, and they all lie outside the unit circle
 * exactly when every reflection coefficient is below 1 in modulus.
 * Trailing coefficients below 1e-8, which myarima drops, only add roots
 * far outside the circle and are dropped here too. */
static int has_root_within(const double *a, int k, double sign, double radius,
                           double *work, double *tmp)
{
    while (k > 0 && fabs(a[k - 1]) <= 1e-8)
        k--;
    if (k == 0)
        return 0;
    double scale = radius;
    for (int j = 0; j < k; j++) {
        work[j] = sign * a[j] * scale;
        scale *= radius;
    }
    for (int m = k; m >= 1; m--) {
        double r = work[m - 1];
        if (!(fabs(r) < 1.0))
            return 1;
        double denom = 1.0 - r * r;
        for (int j = 0; j < m - 1; j++)
            tmp[j] = (work[j] + r * work[m - 2 - j]) / denom;
        for (int j = 0; j < m - 1; j++)
            work[j] = tmp[j];
    }
    return 0;
}

/* ---- one candidate model: forecast:::myarima() ------------------------- */

typedef struct {
    const double *x;     /* the series from its first non-missing value */
    R_xlen_t nx;
    R_xlen_t n_obs;      /* non-missing values (auto.arima's serieslength) */
    int has_na;
    int m;               /* seasonal period used by the models */
    int d, D;
    int ic;
    double offset;
    int n_models;
    double beat;         /* the criterion a candidate must beat to matter:
                          * the search's best so far, or Inf when every
                          * usable candidate counts (see try_model_impl) */
    double *coef, *css_coef, *var, *work, *tmp;  /* sized for the largest model */
    int no_memory;
} search_ctx;

typedef struct {
    int p, q, P, Q, constant;
    double ic;
} model_rec;

static void model_spec(const search_ctx *s, int p, int q, int P, int Q,
                       int constant, int method, lagrs_arima_spec *spec)
{
    lagrs_arima_spec_init(spec, p, s->d, q, P, s->D, Q, s->m);
    spec->stop = lagrs_batch_stop_requested;  /* Ctrl-C ends a long fit */
    int diffs = s->d + s->D;
    /* myarima: with one difference a constant is a drift regressor 1..n,
     * otherwise it is arima()'s include.mean */
    spec->include_drift = (diffs == 1 && constant) ? 1 : 0;
    spec->include_mean = (diffs == 1) ? 0 : (constant ? 1 : 0);
    spec->method = method;
}

/* The information criterion of one model, Inf when it cannot be used.
 * *fitted is 0 when stats::arima() would have stopped with an error (the
 * "try-error" of myarima), 1 when there is a fit, however bad. */
static double try_model_impl(search_ctx *s, int p, int q, int P, int Q,
                             int constant, int approx, int *fitted);

/* Building with -DLAGRS_AUTO_TRACE prints every model and its criterion, in
 * the format of auto.arima(trace = TRUE), for comparing search paths.
 * beat: the criterion the model must beat to matter (the search's best so
 * far), or Inf when the caller needs every usable model's criterion; a
 * model that cannot beat it may report its criterion without the checks
 * of its covariance. */
static double try_model(search_ctx *s, int p, int q, int P, int Q,
                        int constant, int approx, double beat, int *fitted)
{
    s->beat = beat;
    double ic = try_model_impl(s, p, q, P, Q, constant, approx, fitted);
#ifdef LAGRS_AUTO_TRACE
    fprintf(stderr, " ARIMA(%d,%d,%d)(%d,%d,%d)[%d] %s%s: %.4f\n", p, s->d, q, P, s->D, Q,
            s->m, constant ? "constant" : "", approx ? " approx" : "", ic);
#endif
    return ic;
}

/* One fit of the search into the search's coefficient (and, with
 * want_var, covariance) buffers; records an out-of-memory failure. */
static int fit_candidate(search_ctx *s, const lagrs_arima_spec *spec,
                         lagrs_arima_result *res)
{
    memset(res, 0, sizeof *res);
    res->coef = s->coef;
    res->var_coef = spec->want_var ? s->var : NULL;
    int st = lagrs_arima_fit_kernel(s->x, s->nx, NULL, 0, spec, res);
    if (st == LAGRS_ARIMA_ERR_MEMORY)
        s->no_memory = 1;
    return st;
}

/* myarima's criterion from the fit's AIC (or, with the approximation, from
 * sigma2 and the offset); NaN when there is none. */
static double candidate_ic(const search_ctx *s, const lagrs_arima_result *res,
                           int approx)
{
    double nstar = (double) (s->n_obs - s->d - (R_xlen_t) s->D * s->m);
    double npar = (double) res->n_free + 1.0;
    double aic = approx ? s->offset + nstar * log(res->sigma2) + 2.0 * npar : res->aic;
    if (s->ic == LAGRS_AUTO_BIC)
        return aic + npar * (log(nstar) - 2.0);
    if (s->ic == LAGRS_AUTO_AIC)
        return aic;
    return aic + 2.0 * npar * (npar + 1.0) / (nstar - npar - 1.0);
}

/* The largest AIC at which a CSS-ML candidate with n_free coefficients can
 * still beat s->beat, a little generous so that rounding never drops one
 * that can: only those need the Hessian (the covariance checks below). */
static double var_aic_limit(const search_ctx *s, int n_free)
{
    if (!(s->beat < INFINITY))
        return INFINITY;
    lagrs_arima_result probe;
    memset(&probe, 0, sizeof probe);
    probe.n_free = n_free;
    probe.aic = 0.0;
    double shift = candidate_ic(s, &probe, 0);
    if (!isfinite(shift))
        return INFINITY;
    return s->beat - shift + 1e-6 * (1.0 + fabs(s->beat));
}

/* myarima's root check: an AR or MA root within 1.01 of the unit circle
 * (the seasonal factor in B^m has roots of modulus |w|^(1/m), below 1.01
 * when |w| < 1.01^m). */
static int roots_rejected(search_ctx *s, int p, int q, int P, int Q)
{
    double seasonal_radius = pow(1.01, (double) s->m);
    const double *c = s->coef;
    return has_root_within(c, p, 1.0, 1.01, s->work, s->tmp) ||
        has_root_within(c + p + q, P, 1.0, seasonal_radius, s->work, s->tmp) ||
        has_root_within(c + p, q, -1.0, 1.01, s->work, s->tmp) ||
        has_root_within(c + p + q + P, Q, -1.0, seasonal_radius, s->work, s->tmp);
}

/* stats::arima(method = "CSS-ML") stops when its CSS estimates of the AR
 * parts are not stationary (and converged); the engine would start the ML
 * search from zero instead, so the CSS step runs here, and its estimates
 * (in s->css_coef) then start the ML search.  Returns 1 when the model is
 * out, else 0 with *converged the CSS search's code. */
static int css_step_fails(search_ctx *s, const lagrs_arima_spec *spec, int p,
                          int q, int P, int *converged)
{
    lagrs_arima_spec css = *spec;
    lagrs_arima_result res;
    css.method = LAGRS_ARIMA_CSS;
    css.want_var = 0;
    css.want_residuals = 0;
    if (fit_candidate(s, &css, &res) > LAGRS_ARIMA_WARNING)
        return 1;
    if (res.convergence == 0 &&
        (!lagrs_arima_ar_stationary(s->coef, p) ||
         !lagrs_arima_ar_stationary(s->coef + p + q, P)))
        return 1;
    memcpy(s->css_coef, s->coef, sizeof(double) * (size_t) res.n_coef);
    *converged = res.convergence;
    return 0;
}

static double try_model_impl(search_ctx *s, int p, int q, int P, int Q,
                             int constant, int approx, int *fitted)
{
    *fitted = 0;
    /* Ctrl-C during a batch: the remaining candidates are skipped, and the
     * runner discards this search */
    if (lagrs_batch_stop_requested())
        return INFINITY;
    s->n_models++;
    lagrs_arima_spec spec;
    int method = approx ? LAGRS_ARIMA_CSS : LAGRS_ARIMA_CSS_ML;
    model_spec(s, p, q, P, Q, constant, method, &spec);
    spec.search = 1;
    spec.want_var = 1;
    spec.want_residuals = 0;
    lagrs_arima_result res;
    /* with missing values CSS-ML is plain ML and there is no CSS step */
    if (!approx && !s->has_na && p + P > 0) {
        if (css_step_fails(s, &spec, p, q, P, &spec.css_converged))
            return INFINITY;
        spec.css_start = s->css_coef;
    }
    if (!approx)
        spec.var_aic_below = var_aic_limit(s, lagrs_arima_n_coef(&spec, 0));
    if (fit_candidate(s, &spec, &res) > LAGRS_ARIMA_WARNING)
        return INFINITY;
    if (res.near_unit_root) {
        /* The fast filter's search ended near an AR unit root, where
         * stats::arima's search (with the full filter) may end elsewhere.
         * A model rejected by myarima's root check there is almost surely
         * rejected at stats::arima's estimates too, and is not refitted. */
        if (roots_rejected(s, p, q, P, Q))
            return INFINITY;
        spec.search = 0;
        if (fit_candidate(s, &spec, &res) > LAGRS_ARIMA_WARNING)
            return INFINITY;
    }
    int n_free = res.n_free;
    /* stats::arima inverts the Hessian with solve(), which stops on a
     * singular matrix: the engine reports that as a missing covariance */
    for (int i = 0; i < n_free && res.var_done; i++)
        if (isnan(s->var[i + (size_t) n_free * i]))
            return INFINITY;
    *fitted = 1;
    double ic = candidate_ic(s, &res, approx);
    if (isnan(ic))
        return INFINITY;
    /* without a Hessian the candidate cannot beat s->beat, which is all
     * that its criterion is used for */
    if (!res.var_done)
        return ic;
    /* forecast:::checkarima: a negative variance on the diagonal */
    for (int i = 0; i < n_free; i++)
        if (s->var[i + (size_t) n_free * i] < 0)
            return INFINITY;
    if (roots_rejected(s, p, q, P, Q))
        return INFINITY;
    return ic;
}

/* auto.arima's offset for the CSS approximation, from the fit of
 * ARIMA(0,d,0)(0,D,0) with a mean: -2 loglik - n log(sigma2), or 0 when
 * that fit fails. */
static double css_offset(search_ctx *s)
{
    lagrs_arima_spec spec;
    lagrs_arima_spec_init(&spec, 0, s->d, 0, 0, s->D, 0, s->m);
    spec.include_mean = 1;
    spec.include_drift = 0;
    spec.method = LAGRS_ARIMA_CSS_ML;
    spec.want_var = 1;
    spec.want_residuals = 0;
    spec.stop = lagrs_batch_stop_requested;
    lagrs_arima_result res;
    if (fit_candidate(s, &spec, &res) > LAGRS_ARIMA_WARNING)
        return 0.0;
    for (int i = 0; i < res.n_free; i++)
        if (isnan(s->var[i + (size_t) res.n_free * i]))
            return 0.0;
    return -2.0 * res.loglik - (double) s->n_obs * log(res.sigma2);
}

/* forecast:::newmodel(): the model has not been fitted yet */
static int is_new_model(const model_rec *results, int k, int p, int q, int P,
                        int Q, int constant)
{
    for (int i = 0; i < k; i++)
        if (results[i].p == p && results[i].q == q && results[i].P == P &&
            results[i].Q == Q && results[i].constant == constant)
            return 0;
    return 1;
}

typedef struct {
    model_rec model;
    double ic;
    int fitted;
    int approx;      /* the kept fit is an approximate (CSS) one */
    int found;
} best_rec;

/* forecast:::search.arima(): every model with p + q + P + Q <= max_order. */
static void exhaustive_search(search_ctx *s, int max_p, int max_q, int max_P,
                              int max_Q, int max_order, int max_constant,
                              int approx, best_rec *best)
{
    best->ic = INFINITY;
    best->found = 0;
    for (int i = 0; i <= max_p; i++)
        for (int j = 0; j <= max_q; j++)
            for (int I = 0; I <= max_P; I++)
                for (int J = 0; J <= max_Q; J++) {
                    if (i + j + I + J > max_order)
                        continue;
                    for (int K = 0; K <= max_constant; K++) {
                        int fitted;
                        double ic = try_model(s, i, j, I, J, K, approx, best->ic, &fitted);
                        if (ic < best->ic) {
                            best->ic = ic;
                            best->model.p = i; best->model.q = j;
                            best->model.P = I; best->model.Q = J;
                            best->model.constant = K;
                            best->fitted = fitted;
                            best->approx = approx;
                            best->found = 1;
                        }
                    }
                }
}

/* The sixteen moves of the stepwise search, in forecast's order:
 * seasonal moves first, then non-seasonal ones. */
static const int moves[16][4] = {
    /* dp, dq, dP, dQ */
    {0, 0, -1, 0}, {0, 0, 0, -1}, {0, 0, 1, 0}, {0, 0, 0, 1},
    {0, 0, -1, -1}, {0, 0, -1, 1}, {0, 0, 1, -1}, {0, 0, 1, 1},
    {-1, 0, 0, 0}, {0, -1, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0},
    {-1, -1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0}, {1, 1, 0, 0}
};

static int stepwise_search(search_ctx *s, const lagrs_auto_plan *plan,
                           int nmodels, int max_p, int max_q, int max_P, int max_Q,
                           int constant, int allow_change, int approx,
                           best_rec *best, int *stopped_early)
{
    int m = s->m;
    model_rec *results = malloc(sizeof(model_rec) * (size_t) nmodels);
    if (results == NULL)
        return 1;
    /* the starting model, already reduced for short series and capped */
    int p = plan->start_p, q = plan->start_q, P = plan->start_P, Q = plan->start_Q;
    int k = 0, fitted;
    double ic;

#define RECORD(pp, qq, PPP, QQQ, cc, icv) do { \
        results[k].p = (pp); results[k].q = (qq); results[k].P = (PPP); \
        results[k].Q = (QQQ); results[k].constant = (cc); results[k].ic = (icv); \
        k++; } while (0)
#define TAKE_BEST(pp, qq, PPP, QQQ, cc, icv) do { \
        best->model.p = (pp); best->model.q = (qq); best->model.P = (PPP); \
        best->model.Q = (QQQ); best->model.constant = (cc); best->ic = (icv); \
        best->fitted = fitted; best->approx = approx; } while (0)

    /* the four (or five) starting models */
    ic = try_model(s, p, q, P, Q, constant, approx, best->ic, &fitted);
    RECORD(p, q, P, Q, constant, ic);
    TAKE_BEST(p, q, P, Q, constant, ic);

    ic = try_model(s, 0, 0, 0, 0, constant, approx, best->ic, &fitted);
    RECORD(0, 0, 0, 0, constant, ic);
    if (ic < best->ic) {
        TAKE_BEST(0, 0, 0, 0, constant, ic);
        p = q = P = Q = 0;
    }
    if (max_p > 0 || max_P > 0) {
        int pp = max_p > 0, PP = (m > 1) && (max_P > 0);
        ic = try_model(s, pp, 0, PP, 0, constant, approx, best->ic, &fitted);
        RECORD(pp, 0, PP, 0, constant, ic);
        if (ic < best->ic) {
            TAKE_BEST(pp, 0, PP, 0, constant, ic);
            p = pp; P = PP; q = Q = 0;
        }
    }
    if (max_q > 0 || max_Q > 0) {
        int qq = max_q > 0, QQ = (m > 1) && (max_Q > 0);
        ic = try_model(s, 0, qq, 0, QQ, constant, approx, best->ic, &fitted);
        RECORD(0, qq, 0, QQ, constant, ic);
        if (ic < best->ic) {
            TAKE_BEST(0, qq, 0, QQ, constant, ic);
            p = P = 0; Q = QQ; q = qq;
        }
    }
    if (constant) {
        /* forecast keeps `constant` set even when this null model wins */
        ic = try_model(s, 0, 0, 0, 0, 0, approx, best->ic, &fitted);
        RECORD(0, 0, 0, 0, 0, ic);
        if (ic < best->ic) {
            TAKE_BEST(0, 0, 0, 0, 0, ic);
            p = q = P = Q = 0;
        }
    }

    /* k counts the models tried, as forecast's k does; when it passes
     * nmodels the search stops without fitting */
    int startk = 0;
    while (startk < k && k < nmodels) {
        startk = k;
        int moved = 0, over = 0;
        for (int mv = 0; mv < 16; mv++) {
            int np = p + moves[mv][0], nq = q + moves[mv][1];
            int nP = P + moves[mv][2], nQ = Q + moves[mv][3];
            if (np < 0 || nq < 0 || nP < 0 || nQ < 0 || np > max_p ||
                nq > max_q || nP > max_P || nQ > max_Q)
                continue;
            if (!is_new_model(results, k, np, nq, nP, nQ, constant))
                continue;
            if (k + 1 > nmodels) {
                over = 1;
                break;
            }
            ic = try_model(s, np, nq, nP, nQ, constant, approx, best->ic, &fitted);
            RECORD(np, nq, nP, nQ, constant, ic);
            if (ic < best->ic) {
                TAKE_BEST(np, nq, nP, nQ, constant, ic);
                p = np; q = nq; P = nP; Q = nQ;
                moved = 1;
                break;
            }
        }
        if (over) {
            *stopped_early = 1;
            break;
        }
        if (!moved && allow_change &&
            is_new_model(results, k, p, q, P, Q, !constant)) {
            if (k + 1 > nmodels) {
                *stopped_early = 1;
                break;
            }
            ic = try_model(s, p, q, P, Q, !constant, approx, best->ic, &fitted);
            RECORD(p, q, P, Q, !constant, ic);
            if (ic < best->ic) {
                TAKE_BEST(p, q, P, Q, !constant, ic);
                constant = !constant;
            }
        }
    }
#undef RECORD
#undef TAKE_BEST

    /* without the approximation's bias: refit in order of the approximate
     * criterion (a stable sort, as order()) and keep the first usable one */
    if (approx && best->fitted) {
        int *idx = malloc(sizeof(int) * (size_t) k);
        if (idx == NULL) {
            free(results);
            return 1;
        }
        for (int i = 0; i < k; i++) {
            int j = i;
            while (j > 0 && results[idx[j - 1]].ic > results[i].ic) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = i;
        }
        for (int i = 0; i < k; i++) {
            const model_rec *r = &results[idx[i]];
            ic = try_model(s, r->p, r->q, r->P, r->Q, r->constant, 0, INFINITY,
                          &fitted);
            if (ic < INFINITY) {
                best->model = *r;
                best->ic = ic;
                best->fitted = fitted;
                best->approx = 0;
                break;
            }
        }
        free(idx);
    }
    free(results);
    return 0;
}

/* ---- the whole selection: forecast::auto.arima() ------------------------ */

static void set_model(lagrs_auto_result *out, int p, int q, int P, int Q,
                          int constant)
{
    out->p = p; out->q = q; out->P = P; out->Q = Q;
    out->constant = constant;
    int diffs = out->d + out->D;
    out->include_mean = constant && diffs == 0;
    out->include_drift = constant && diffs == 1;
}

/* The plan of lagrs_auto_prepare() (auto_arima_plan.c: leading NAs, the
 * constant exits, m, the order caps, D by nsdiffs, d by ndiffs, drift and
 * mean rules, start orders, the default approximation) into `out`, with
 * the exits and deterministic models that need no search.  Returns 1 when
 * `out` is final, 0 when the search is to run. */
static int apply_plan(const double *y, R_xlen_t n, double frequency,
                      const lagrs_auto_options *opt, lagrs_auto_plan *plan,
                      lagrs_auto_result *out)
{
    int st = lagrs_auto_prepare(y, n, frequency, opt, NULL, plan);
    if (st != LAGRS_AUTO_OK) {
        set_status(out, st, st == LAGRS_AUTO_MEMORY ? "out of memory"
                                                               : "invalid options");
        return 1;
    }
    out->plan_notes = plan->warnings;
    out->start = plan->first;
    out->d = plan->d;
    out->D = plan->D;
    out->period = plan->m;
    switch (plan->outcome) {
    case LAGRS_AUTO_PLAN_ALL_MISSING:
        set_status(out, LAGRS_AUTO_ALL_MISSING, "all values are missing");
        return 1;
    case LAGRS_AUTO_PLAN_NO_DATA:
        set_status(out, LAGRS_AUTO_TOO_SHORT,
                              "not enough data to proceed once differenced");
        return 1;
    case LAGRS_AUTO_PLAN_POLYNOMIAL:
        set_status(out, LAGRS_AUTO_POLYNOMIAL,
                              "the data follow a simple polynomial and are not "
                              "suitable for ARIMA modelling");
        return 1;
    case LAGRS_AUTO_PLAN_CONSTANT:
    case LAGRS_AUTO_PLAN_CONSTANT_DIFF:
        /* auto.arima's deterministic models: no search */
        out->path = plan->outcome == LAGRS_AUTO_PLAN_CONSTANT
                        ? LAGRS_AUTO_CONSTANT_SERIES
                        : LAGRS_AUTO_CONSTANT_DIFFERENCED;
        if (plan->outcome == LAGRS_AUTO_PLAN_CONSTANT) {
            out->d = out->D = 0;
            out->period = 1;
        }
        set_model(out, 0, 0, 0, 0, plan->has_fixed_constant);
        if (plan->has_fixed_constant && (out->include_mean || out->include_drift)) {
            out->has_fixed = 1;
            out->fixed_value = plan->constant_value;
        } else {
            set_model(out, 0, 0, 0, 0, 0);
        }
        return 1;
    default:
        return 0;
    }
}

int lagrs_auto_arima_kernel(const double *y, R_xlen_t n, double frequency,
                            const lagrs_auto_options *opt,
                            lagrs_auto_result *out)
{
    memset(out, 0, sizeof *out);
    out->period = 1;
    out->method = LAGRS_ARIMA_CSS_ML;
    out->fixed_value = NAN;
    out->ic = NAN;
    out->status = LAGRS_AUTO_OK;
    if (!(frequency > 0) || opt->nmodels < 5 || opt->max_order < 0) {
        set_status(out, LAGRS_AUTO_INPUT, "invalid options");
        return out->status;
    }

    lagrs_auto_plan plan;
    if (apply_plan(y, n, frequency, opt, &plan, out))
        return out->status;

    const double *x = y + plan.first;
    R_xlen_t nx = plan.n_used;
    int has_na = 0;
    for (R_xlen_t i = 0; i < nx; i++)
        if (isnan(x[i]))
            has_na = 1;
    int m = plan.m, d = plan.d, D = plan.D;
    int max_p = plan.max_p, max_q = plan.max_q, max_P = plan.max_P, max_Q = plan.max_Q;
    int ic_type = plan.ic_aic ? LAGRS_AUTO_AIC : opt->ic;
    R_xlen_t n_obs = plan.series_length;

    search_ctx s;
    memset(&s, 0, sizeof s);
    s.x = x; s.nx = nx; s.n_obs = n_obs; s.has_na = has_na;
    s.m = m; s.d = d; s.D = D; s.ic = ic_type;
    int max_coef = max_p + max_q + max_P + max_Q + 2;
    size_t poly = (size_t) (max_coef + 1);
    double *mem = malloc(sizeof(double) * (2 * (size_t) max_coef + (size_t) max_coef * max_coef +
                                           2 * poly));
    if (mem == NULL) {
        set_status(out, LAGRS_AUTO_MEMORY, "out of memory");
        return out->status;
    }
    s.coef = mem;
    s.css_coef = mem + max_coef;
    s.var = s.css_coef + max_coef;
    s.work = s.var + (size_t) max_coef * max_coef;
    s.tmp = s.work + poly;

    int approx = opt->approximation < 0 ? plan.approximation : opt->approximation;
    out->approximation = approx;
    s.offset = approx ? css_offset(&s) : 0.0;
    out->offset = s.offset;

    int allow_drift = plan.allow_drift, allow_mean = plan.allow_mean;
    int constant = plan.constant;

    best_rec best;
    memset(&best, 0, sizeof best);
    best.ic = INFINITY;
    int stopped_early = 0;
    if (!opt->stepwise) {
        exhaustive_search(&s, max_p, max_q, max_P, max_Q, opt->max_order, constant,
                          approx, &best);
        if (best.found && approx) {
            int fitted;
            double ic = try_model(&s, best.model.p, best.model.q, best.model.P,
                                  best.model.Q, best.model.constant, 0, INFINITY,
                                  &fitted);
            if (ic == INFINITY)
                exhaustive_search(&s, max_p, max_q, max_P, max_Q, opt->max_order,
                                  constant, 0, &best);
            else {
                best.ic = ic;
                best.approx = 0;
            }
        }
        if (!best.found) {
            free(mem);
            set_status(out, s.no_memory ? LAGRS_AUTO_MEMORY : LAGRS_AUTO_NO_MODEL,
                                  s.no_memory ? "out of memory" : "no ARIMA model could be estimated");
            out->n_models = s.n_models;
            return out->status;
        }
    } else {
        if (stepwise_search(&s, &plan, opt->nmodels, max_p, max_q, max_P, max_Q, constant,
                            allow_drift || allow_mean, approx, &best, &stopped_early)) {
            free(mem);
            set_status(out, LAGRS_AUTO_MEMORY, "out of memory");
            return out->status;
        }
        if (best.ic == INFINITY) {
            free(mem);
            set_status(out, s.no_memory ? LAGRS_AUTO_MEMORY : LAGRS_AUTO_NO_MODEL,
                                  s.no_memory ? "out of memory" : "no suitable ARIMA model found");
            out->n_models = s.n_models;
            return out->status;
        }
    }
    free(mem);
    set_model(out, best.model.p, best.model.q, best.model.P, best.model.Q,
              best.model.constant);
    out->method = best.approx ? LAGRS_ARIMA_CSS : LAGRS_ARIMA_CSS_ML;
    out->ic = best.ic;
    out->n_models = s.n_models;
    if (stopped_early)
        snprintf(out->message, LAGRS_ARIMA_MSG_LEN,
                 "the stepwise search stopped at the model limit nmodels = %d",
                 opt->nmodels);
    return out->status;
}

/* ---- the chosen model's spec and final fit ------------------------------ */

void lagrs_auto_spec(const lagrs_auto_result *res, lagrs_arima_spec *spec,
                     double *fixed)
{
    lagrs_arima_spec_init(spec, res->p, res->d, res->q, res->P, res->D, res->Q,
                          res->period);
    spec->include_mean = res->include_mean;
    spec->include_drift = res->include_drift;
    spec->method = res->method;
    spec->fixed = NULL;
    if (res->has_fixed && fixed != NULL) {
        int n_coef = lagrs_arima_n_coef(spec, 0);
        for (int i = 0; i < n_coef; i++)
            fixed[i] = NAN;
        /* the shortcuts only fix the mean or drift, the last coefficient */
        if (n_coef > 0)
            fixed[n_coef - 1] = res->fixed_value;
        spec->fixed = fixed;
    }
}

int lagrs_auto_final_fit(const double *y, R_xlen_t n,
                         const lagrs_auto_result *res, int want_var,
                         lagrs_arima_result *out)
{
    lagrs_arima_spec spec;
    double fixed[2];
    lagrs_auto_spec(res, &spec, fixed);
    spec.want_var = want_var;
    spec.want_residuals = 1;
    spec.stop = lagrs_batch_stop_requested;
    const double *x = y + res->start;
    R_xlen_t nx = n - res->start;
    double *own = NULL;
    if (out->residuals == NULL) {
        own = malloc(sizeof(double) * (size_t) (nx > 0 ? nx : 1));
        if (own == NULL) {
            out->status = LAGRS_ARIMA_ERR_MEMORY;
            snprintf(out->message, LAGRS_ARIMA_MSG_LEN, "out of memory");
            return out->status;
        }
        out->residuals = own;
    }
    int st = lagrs_arima_fit_kernel(x, nx, NULL, 0, &spec, out);
    if (st <= LAGRS_ARIMA_WARNING) {
        /* forecast's sigma2: the residual sum of squares over
         * n_star - n_par + 1, summed in long double like R's sum() */
        R_xlen_t count = 0;
        long double ssq = 0.0L;
        for (R_xlen_t i = 0; i < nx; i++) {
            if (!isnan(x[i]))
                count++;
            double r = out->residuals[i];
            double r2 = r * r;
            if (!isnan(r2))
                ssq += r2;
        }
        double nstar = (double) (count - res->d - (R_xlen_t) res->D * res->period);
        double npar = (double) out->n_free + 1.0;
        out->sigma2 = (double) ssq / (nstar - npar + 1.0);
    }
    if (own != NULL)
        out->residuals = NULL;
    free(own);
    return st;
}
