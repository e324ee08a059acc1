#include "lagrs.h"
#include "auto_arima.h"
#include "arima.h"
#include "select.h"
#include "batch.h"
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
    double *coef, *var, *work, *tmp;  /* sized for the largest model */
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
 * the format of auto.arima(trace = TRUE), for comparing search paths. */
static double try_model(search_ctx *s, int p, int q, int P, int Q,
                        int constant, int approx, int *fitted)
{
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
    lagrs_arima_result res;

    /* stats::arima(method = "CSS-ML") stops when its CSS estimates of the AR
     * parts are not stationary (and converged); the engine would start the
     * ML search from zero instead, so check the CSS step here.  With missing
     * values CSS-ML is plain ML and there is no such step. */
    if (!approx && !s->has_na && p + P > 0) {
        lagrs_arima_spec css = spec;
        css.method = LAGRS_ARIMA_CSS;
        css.want_var = 0;
        css.want_residuals = 0;
        if (fit_candidate(s, &css, &res) > LAGRS_ARIMA_WARNING)
            return INFINITY;
        if (res.convergence == 0 &&
            (!lagrs_arima_ar_stationary(s->coef, p) ||
             !lagrs_arima_ar_stationary(s->coef + p + q, P)))
            return INFINITY;
    }

    spec.want_var = 1;
    spec.want_residuals = 0;
    if (fit_candidate(s, &spec, &res) > LAGRS_ARIMA_WARNING)
        return INFINITY;
    int n_free = res.n_free;
    /* stats::arima inverts the Hessian with solve(), which stops on a
     * singular matrix: the engine reports that as a missing covariance */
    for (int i = 0; i < n_free; i++)
        if (isnan(s->var[i + (size_t) n_free * i]))
            return INFINITY;
    *fitted = 1;

    double nstar = (double) (s->n_obs - s->d - (R_xlen_t) s->D * s->m);
    double npar = (double) n_free + 1.0;
    double aic = approx ? s->offset + nstar * log(res.sigma2) + 2.0 * npar : res.aic;
    if (isnan(aic))
        return INFINITY;
    double ic;
    if (s->ic == LAGRS_AUTO_BIC)
        ic = aic + npar * (log(nstar) - 2.0);
    else if (s->ic == LAGRS_AUTO_AIC)
        ic = aic;
    else
        ic = aic + 2.0 * npar * (npar + 1.0) / (nstar - npar - 1.0);

    /* forecast:::checkarima: a negative variance on the diagonal */
    for (int i = 0; i < n_free; i++)
        if (s->var[i + (size_t) n_free * i] < 0)
            return INFINITY;
    /* roots within 1.01 of the unit circle; the seasonal factor in B^m has
     * roots of modulus |w|^(1/m), below 1.01 when |w| < 1.01^m */
    double seasonal_radius = pow(1.01, (double) s->m);
    const double *c = s->coef;
    if (has_root_within(c, p, 1.0, 1.01, s->work, s->tmp) ||
        has_root_within(c + p + q, P, 1.0, seasonal_radius, s->work, s->tmp) ||
        has_root_within(c + p, q, -1.0, 1.01, s->work, s->tmp) ||
        has_root_within(c + p + q + P, Q, -1.0, seasonal_radius, s->work, s->tmp))
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
                        double ic = try_model(s, i, j, I, J, K, approx, &fitted);
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

static int stepwise_search(search_ctx *s, const lagrs_autoarima_plan *plan,
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
    ic = try_model(s, p, q, P, Q, constant, approx, &fitted);
    RECORD(p, q, P, Q, constant, ic);
    TAKE_BEST(p, q, P, Q, constant, ic);

    ic = try_model(s, 0, 0, 0, 0, constant, approx, &fitted);
    RECORD(0, 0, 0, 0, constant, ic);
    if (ic < best->ic) {
        TAKE_BEST(0, 0, 0, 0, constant, ic);
        p = q = P = Q = 0;
    }
    if (max_p > 0 || max_P > 0) {
        int pp = max_p > 0, PP = (m > 1) && (max_P > 0);
        ic = try_model(s, pp, 0, PP, 0, constant, approx, &fitted);
        RECORD(pp, 0, PP, 0, constant, ic);
        if (ic < best->ic) {
            TAKE_BEST(pp, 0, PP, 0, constant, ic);
            p = pp; P = PP; q = Q = 0;
        }
    }
    if (max_q > 0 || max_Q > 0) {
        int qq = max_q > 0, QQ = (m > 1) && (max_Q > 0);
        ic = try_model(s, 0, qq, 0, QQ, constant, approx, &fitted);
        RECORD(0, qq, 0, QQ, constant, ic);
        if (ic < best->ic) {
            TAKE_BEST(0, qq, 0, QQ, constant, ic);
            p = P = 0; Q = QQ; q = qq;
        }
    }
    if (constant) {
        /* forecast keeps `constant` set even when this null model wins */
        ic = try_model(s, 0, 0, 0, 0, 0, approx, &fitted);
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
            ic = try_model(s, np, nq, nP, nQ, constant, approx, &fitted);
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
            ic = try_model(s, p, q, P, Q, !constant, approx, &fitted);
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
            ic = try_model(s, r->p, r->q, r->P, r->Q, r->constant, 0, &fitted);
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

    /* everything auto.arima decides before its first fit: the select
     * feature's lagrs_autoarima_prepare() (leading NAs, the constant exits,
     * m, the order caps, D by nsdiffs, d by ndiffs, drift and mean rules,
     * start orders, the default approximation) */
    lagrs_autoarima_opts popt;
    lagrs_autoarima_default_opts(&popt);
    popt.d = opt->d; popt.D = opt->D;
    popt.max_p = opt->max_p; popt.max_q = opt->max_q;
    popt.max_P = opt->max_P; popt.max_Q = opt->max_Q;
    popt.max_d = opt->max_d; popt.max_D = opt->max_D;
    popt.start_p = opt->start_p; popt.start_q = opt->start_q;
    popt.start_P = opt->start_P; popt.start_Q = opt->start_Q;
    popt.stationary = 0;
    popt.seasonal = opt->seasonal;
    popt.allow_drift = opt->allow_drift; popt.allow_mean = opt->allow_mean;
    popt.alpha = opt->alpha;
    lagrs_autoarima_plan plan;
    int st = lagrs_autoarima_prepare(y, n, frequency, &popt, NULL, &plan);
    if (st == LAGRS_SEL_NOMEM) {
        set_status(out, LAGRS_AUTO_MEMORY, "out of memory");
        return out->status;
    }
    if (st != LAGRS_SEL_OK) {
        set_status(out, LAGRS_AUTO_INPUT, "invalid options");
        return out->status;
    }
    out->select_notes = plan.warnings;
    out->start = plan.first;
    out->d = plan.d;
    out->D = plan.D;
    out->period = plan.m;
    switch (plan.outcome) {
    case LAGRS_PREP_ALL_MISSING:
        set_status(out, LAGRS_AUTO_ALL_MISSING, "all values are missing");
        return out->status;
    case LAGRS_PREP_NO_DATA:
        set_status(out, LAGRS_AUTO_TOO_SHORT,
                   "not enough data to proceed once differenced");
        return out->status;
    case LAGRS_PREP_POLYNOMIAL:
        set_status(out, LAGRS_AUTO_POLYNOMIAL,
                   "the data follow a simple polynomial and are not suitable "
                   "for ARIMA modelling");
        return out->status;
    case LAGRS_PREP_CONSTANT:
    case LAGRS_PREP_CONSTANT_DIFF:
        /* auto.arima's deterministic models: no search */
        out->path = plan.outcome == LAGRS_PREP_CONSTANT ? LAGRS_AUTO_CONSTANT_SERIES
                                                        : LAGRS_AUTO_CONSTANT_DIFFERENCED;
        if (plan.outcome == LAGRS_PREP_CONSTANT) {
            out->d = out->D = 0;
            out->period = 1;
        }
        set_model(out, 0, 0, 0, 0, plan.has_fixed_constant);
        if (plan.has_fixed_constant && (out->include_mean || out->include_drift)) {
            out->has_fixed = 1;
            out->fixed_value = plan.constant_value;
        } else {
            set_model(out, 0, 0, 0, 0, 0);
        }
        return out->status;
    default:
        break;
    }

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
    double *mem = malloc(sizeof(double) * ((size_t) max_coef + (size_t) max_coef * max_coef +
                                           2 * poly));
    if (mem == NULL) {
        set_status(out, LAGRS_AUTO_MEMORY, "out of memory");
        return out->status;
    }
    s.coef = mem;
    s.var = mem + max_coef;
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
                                  best.model.Q, best.model.constant, 0, &fitted);
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

/* ---- R entry points ---------------------------------------------------- */

/* options: an integer vector in this order (see R/auto_arima.R):
 * max_p, max_q, max_P, max_Q, max_order, max_d, max_D, start_p, start_q,
 * start_P, start_Q, ic, stepwise, nmodels, approximation (-1 = default),
 * d, D (-1 = test), allow_drift, allow_mean, seasonal. */
#define N_AUTO_OPTIONS 20

static void options_from_r(SEXP options, lagrs_auto_options *opt)
{
    if (TYPEOF(options) != INTSXP || XLENGTH(options) != N_AUTO_OPTIONS)
        Rf_error("internal error: `options` must be an integer vector of length %d",
                 N_AUTO_OPTIONS);
    const int *o = INTEGER(options);
    lagrs_auto_options_init(opt);
    opt->max_p = o[0]; opt->max_q = o[1]; opt->max_P = o[2]; opt->max_Q = o[3];
    opt->max_order = o[4]; opt->max_d = o[5]; opt->max_D = o[6];
    opt->start_p = o[7]; opt->start_q = o[8]; opt->start_P = o[9]; opt->start_Q = o[10];
    opt->ic = o[11]; opt->stepwise = o[12]; opt->nmodels = o[13];
    opt->approximation = o[14]; opt->d = o[15]; opt->D = o[16];
    opt->allow_drift = o[17]; opt->allow_mean = o[18]; opt->seasonal = o[19];
}

static const char *search_names[] = {
    "orders", "method", "fixed", "start", "path", "approximation", "offset",
    "n_models", "ic", "status", "message", "notes", ""
};

/* One series' search result as an R list (single calls). */
static SEXP search_to_r(const lagrs_auto_result *res)
{
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, search_names));
    SEXP orders = Rf_allocVector(INTSXP, 8);
    SET_VECTOR_ELT(ans, 0, orders);
    int *o = INTEGER(orders);
    int ok = res->status == LAGRS_AUTO_OK;
    o[0] = res->p; o[1] = res->d; o[2] = res->q;
    o[3] = res->P; o[4] = res->D; o[5] = res->Q;
    o[6] = res->period; o[7] = res->constant;
    if (!ok)
        for (int k = 0; k < 8; k++) o[k] = NA_INTEGER;
    SET_VECTOR_ELT(ans, 1, Rf_ScalarInteger(res->method));
    SET_VECTOR_ELT(ans, 2, Rf_ScalarReal(res->has_fixed ? res->fixed_value : NA_REAL));
    SET_VECTOR_ELT(ans, 3, Rf_ScalarReal((double) res->start + 1.0));
    SET_VECTOR_ELT(ans, 4, Rf_ScalarInteger(res->path));
    SET_VECTOR_ELT(ans, 5, Rf_ScalarLogical(res->approximation));
    SET_VECTOR_ELT(ans, 6, Rf_ScalarReal(res->offset));
    SET_VECTOR_ELT(ans, 7, Rf_ScalarInteger(res->n_models));
    SET_VECTOR_ELT(ans, 8, Rf_ScalarReal(ok ? res->ic : NA_REAL));
    SET_VECTOR_ELT(ans, 9, Rf_ScalarInteger(res->status));
    SET_VECTOR_ELT(ans, 10, Rf_mkString(res->message));
    SET_VECTOR_ELT(ans, 11, Rf_ScalarInteger(res->select_notes));
    UNPROTECT(1);
    return ans;
}

typedef struct {
    const double **y;
    const R_xlen_t *n;
    double frequency;
    lagrs_auto_options opt;
    lagrs_auto_result *results;
    int in_batch;   /* auto_arima_batch(): constant or infinite series fail */
} batch_search_ctx;

static void batch_search_one(R_xlen_t i, void *vctx)
{
    batch_search_ctx *ctx = (batch_search_ctx *) vctx;
    if (ctx->in_batch) {
        /* auto_arima() refuses infinite values; in a batch only this series
         * fails, as in arima_batch() */
        R_xlen_t n_inf = 0;
        for (R_xlen_t t = 0; t < ctx->n[i]; t++)
            if (isinf(ctx->y[i][t]))
                n_inf++;
        if (n_inf > 0) {
            lagrs_auto_result *out = &ctx->results[i];
            memset(out, 0, sizeof *out);
            out->period = 1;
            out->method = LAGRS_ARIMA_CSS_ML;
            out->fixed_value = NAN;
            out->ic = NAN;
            char text[96];
            snprintf(text, sizeof text, "the series has %lld infinite value%s",
                     (long long) n_inf, n_inf == 1 ? "" : "s");
            set_status(out, LAGRS_AUTO_NO_MODEL, text);
            return;
        }
    }
    lagrs_auto_arima_kernel(ctx->y[i], ctx->n[i], ctx->frequency, &ctx->opt,
                            &ctx->results[i]);
    /* auto_arima() gives a constant series its mean as the model; in a batch
     * it is a failed series, as in arima_batch() */
    if (ctx->in_batch && ctx->results[i].status == LAGRS_AUTO_OK &&
        ctx->results[i].path == LAGRS_AUTO_CONSTANT_SERIES)
        set_status(&ctx->results[i], LAGRS_AUTO_NO_MODEL,
                   "the series is constant: all non-missing values are equal");
}

SEXP auto_arima_call(SEXP y, SEXP frequency, SEXP options)
{
    if (TYPEOF(y) != REALSXP)
        Rf_error("internal error: `y` must be a double vector");
    batch_search_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    options_from_r(options, &ctx.opt);
    ctx.frequency = Rf_asReal(frequency);
    const double *values = REAL(y);
    R_xlen_t n = XLENGTH(y);
    ctx.y = &values;
    ctx.n = &n;
    lagrs_auto_result res;
    ctx.results = &res;
    /* a batch of one on one thread, so that Ctrl-C stops a long search */
    lagrs_run_batch(1, batch_search_one, &ctx, 0.0, 0, "searching");
    return search_to_r(&res);
}

/* ---- batch ------------------------------------------------------------- */

typedef struct {
    const double **y;
    const R_xlen_t *n;
    const lagrs_auto_result *results;
    double **coef, **state_a, **state_P;
    double *sigma2, *loglik, *aic, *aicc, *bic, *n_used;
    int *convergence, *status;
    char *messages;
} batch_final_ctx;

static void batch_final_one(R_xlen_t i, void *vctx)
{
    batch_final_ctx *ctx = (batch_final_ctx *) vctx;
    const lagrs_auto_result *sr = &ctx->results[i];
    char *msg = ctx->messages + (size_t) i * LAGRS_ARIMA_MSG_LEN;
    if (sr->status != LAGRS_AUTO_OK) {
        ctx->status[i] = sr->status;
        memcpy(msg, sr->message, LAGRS_ARIMA_MSG_LEN);
        return;
    }
    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    res.coef = ctx->coef[i];
    res.state_a = ctx->state_a[i];
    res.state_P = ctx->state_P[i];
    int st = lagrs_auto_final_fit(ctx->y[i], ctx->n[i], sr, 0, &res);
    ctx->status[i] = st;
    ctx->convergence[i] = res.convergence;
    memcpy(msg, res.message, LAGRS_ARIMA_MSG_LEN);
    if (st > LAGRS_ARIMA_WARNING)
        return;
    if (sr->path != LAGRS_AUTO_SEARCHED) {
        /* the engine warns that the likelihood of these deterministic
         * models is unbounded; say instead what the model is */
        snprintf(msg, LAGRS_ARIMA_MSG_LEN, "%s",
                 sr->path == LAGRS_AUTO_CONSTANT_SERIES
                     ? "the series is constant: the model is its mean"
                     : "the series is constant once differenced: a deterministic model");
        ctx->status[i] = LAGRS_ARIMA_WARNING;
    } else if (st == LAGRS_ARIMA_OK && sr->message[0] != '\0') {
        memcpy(msg, sr->message, LAGRS_ARIMA_MSG_LEN);
        ctx->status[i] = LAGRS_ARIMA_WARNING;
    }
    ctx->sigma2[i] = res.sigma2;
    ctx->loglik[i] = res.loglik;
    ctx->aic[i] = res.aic;
    ctx->aicc[i] = res.aicc;
    ctx->bic[i] = res.bic;
    ctx->n_used[i] = (double) res.n_used;
}

static const char *batch_names[] = {
    "orders", "method", "fixed", "start", "path", "approximation", "offset",
    "n_models", "ic", "search_status", "coef", "state_a", "state_P", "sigma2",
    "loglik", "aic", "aicc", "bic", "n_used", "convergence", "status",
    "message", ""
};

/* series: list of double vectors; frequency: double(1); options as for
 * auto_arima_call.  Two parallel passes: the searches, then (after the
 * main thread has allocated each chosen model's outputs) the final fits. */
SEXP auto_arima_batch_call(SEXP series, SEXP frequency, SEXP options, SEXP progress)
{
    R_xlen_t n_series = XLENGTH(series);
    R_xlen_t n_alloc = n_series > 0 ? n_series : 1;
    int show = Rf_asLogical(progress) == 1;
    batch_search_ctx sctx;
    memset(&sctx, 0, sizeof sctx);
    options_from_r(options, &sctx.opt);
    sctx.frequency = Rf_asReal(frequency);
    double work = lagrs_batch_series(series, 20000.0, &sctx.y, &sctx.n);
    sctx.results = (lagrs_auto_result *) R_alloc(n_alloc, sizeof(lagrs_auto_result));
    sctx.in_batch = 1;
    lagrs_run_batch(n_series, batch_search_one, &sctx, work, show, "searching");

    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, batch_names));
    SEXP orders = Rf_allocMatrix(INTSXP, (int) n_series, 8);
    SET_VECTOR_ELT(ans, 0, orders);
    for (int k = 1; k <= 8; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(k == 1 || k == 4 || k == 7 ? INTSXP :
                                              k == 5 ? LGLSXP : REALSXP, n_series));
    SET_VECTOR_ELT(ans, 9, Rf_allocVector(INTSXP, n_series));
    for (int k = 10; k <= 12; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(VECSXP, n_series));
    for (int k = 13; k <= 18; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(REALSXP, n_series));
    SET_VECTOR_ELT(ans, 19, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, 20, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, 21, Rf_allocVector(STRSXP, n_series));

    batch_final_ctx fctx;
    memset(&fctx, 0, sizeof fctx);
    fctx.y = sctx.y;
    fctx.n = sctx.n;
    fctx.results = sctx.results;
    fctx.coef = (double **) R_alloc(n_alloc, sizeof(double *));
    fctx.state_a = (double **) R_alloc(n_alloc, sizeof(double *));
    fctx.state_P = (double **) R_alloc(n_alloc, sizeof(double *));
    fctx.sigma2 = REAL(VECTOR_ELT(ans, 13));
    fctx.loglik = REAL(VECTOR_ELT(ans, 14));
    fctx.aic = REAL(VECTOR_ELT(ans, 15));
    fctx.aicc = REAL(VECTOR_ELT(ans, 16));
    fctx.bic = REAL(VECTOR_ELT(ans, 17));
    fctx.n_used = REAL(VECTOR_ELT(ans, 18));
    fctx.convergence = INTEGER(VECTOR_ELT(ans, 19));
    fctx.status = INTEGER(VECTOR_ELT(ans, 20));
    fctx.messages = R_alloc(n_alloc, LAGRS_ARIMA_MSG_LEN);

    int *o = INTEGER(orders);
    double work2 = 0;
    for (R_xlen_t i = 0; i < n_series; i++) {
        const lagrs_auto_result *r = &sctx.results[i];
        int ok = r->status == LAGRS_AUTO_OK;
        int vals[8] = {r->p, r->d, r->q, r->P, r->D, r->Q, r->period, r->constant};
        for (int k = 0; k < 8; k++)
            o[i + n_series * k] = ok ? vals[k] : NA_INTEGER;
        INTEGER(VECTOR_ELT(ans, 1))[i] = r->method;
        REAL(VECTOR_ELT(ans, 2))[i] = ok && r->has_fixed ? r->fixed_value : NA_REAL;
        REAL(VECTOR_ELT(ans, 3))[i] = (double) r->start + 1.0;
        INTEGER(VECTOR_ELT(ans, 4))[i] = r->path;
        LOGICAL(VECTOR_ELT(ans, 5))[i] = r->approximation;
        REAL(VECTOR_ELT(ans, 6))[i] = r->offset;
        INTEGER(VECTOR_ELT(ans, 7))[i] = r->n_models;
        REAL(VECTOR_ELT(ans, 8))[i] = ok ? r->ic : NA_REAL;
        INTEGER(VECTOR_ELT(ans, 9))[i] = r->status;
        fctx.sigma2[i] = fctx.loglik[i] = fctx.aic[i] = fctx.aicc[i] = NA_REAL;
        fctx.bic[i] = fctx.n_used[i] = NA_REAL;
        fctx.convergence[i] = NA_INTEGER;
        fctx.coef[i] = fctx.state_a[i] = fctx.state_P[i] = NULL;
        if (!ok)
            continue;
        lagrs_arima_spec spec;
        lagrs_auto_spec(r, &spec, NULL);
        int n_coef = lagrs_arima_n_coef(&spec, 0);
        int sd = lagrs_arima_state_dim(&spec);
        SEXP coef = Rf_allocVector(REALSXP, n_coef);
        SET_VECTOR_ELT(VECTOR_ELT(ans, 10), i, coef);
        SEXP sa = Rf_allocVector(REALSXP, sd);
        SET_VECTOR_ELT(VECTOR_ELT(ans, 11), i, sa);
        SEXP sp = Rf_allocVector(REALSXP, (R_xlen_t) sd * sd);
        SET_VECTOR_ELT(VECTOR_ELT(ans, 12), i, sp);
        fctx.coef[i] = REAL(coef);
        fctx.state_a[i] = REAL(sa);
        fctx.state_P[i] = REAL(sp);
        work2 += (double) sctx.n[i] * 1000.0;
    }
    lagrs_run_batch(n_series, batch_final_one, &fctx, work2, show, "refitting");
    SEXP messages = VECTOR_ELT(ans, 21);
    for (R_xlen_t i = 0; i < n_series; i++)
        SET_STRING_ELT(messages, i,
                       Rf_mkChar(fctx.messages + (size_t) i * LAGRS_ARIMA_MSG_LEN));
    UNPROTECT(1);
    return ans;
}

typedef struct {
    const int *orders;   /* n_series x 8 */
    R_xlen_t n_series;
    const double **coef, **state_a, **state_P;
    const double *sigma2, *n_fit;
    const int *fit_status;
    int h;
    double *mean, *se;
    int *status;
} batch_fc_ctx;

static void batch_forecast_one_auto(R_xlen_t i, void *vctx)
{
    batch_fc_ctx *ctx = (batch_fc_ctx *) vctx;
    double *mean = ctx->mean + (size_t) i * ctx->h, *se = ctx->se + (size_t) i * ctx->h;
    if (ctx->fit_status[i] > LAGRS_ARIMA_WARNING || ctx->coef[i] == NULL) {
        for (int k = 0; k < ctx->h; k++)
            mean[k] = se[k] = NAN;
        ctx->status[i] = ctx->fit_status[i];
        return;
    }
    const int *o = ctx->orders;
    R_xlen_t ns = ctx->n_series;
    lagrs_auto_result r;
    memset(&r, 0, sizeof r);
    r.p = o[i]; r.d = o[i + ns]; r.q = o[i + 2 * ns];
    r.P = o[i + 3 * ns]; r.D = o[i + 4 * ns]; r.Q = o[i + 5 * ns];
    r.period = o[i + 6 * ns];
    set_model(&r, r.p, r.q, r.P, r.Q, o[i + 7 * ns]);
    r.method = LAGRS_ARIMA_CSS_ML;
    lagrs_arima_spec spec;
    lagrs_auto_spec(&r, &spec, NULL);
    lagrs_arima_result fit;
    memset(&fit, 0, sizeof fit);
    fit.coef = (double *) ctx->coef[i];
    fit.state_a = (double *) ctx->state_a[i];
    fit.state_P = (double *) ctx->state_P[i];
    fit.sigma2 = ctx->sigma2[i];
    fit.n_coef = lagrs_arima_n_coef(&spec, 0);
    fit.state_dim = lagrs_arima_state_dim(&spec);
    fit.status = ctx->fit_status[i];
    ctx->status[i] = lagrs_arima_forecast_kernel(&spec, &fit, (R_xlen_t) ctx->n_fit[i],
                                                 ctx->h, NULL, 0, mean, se, NULL);
}


/* model: list(coef, state_a, state_P = lists of double vectors (NULL for
 * failed series), sigma2, n_fit = double, status = integer); orders: integer
 * n_series x 8 matrix (p, d, q, P, D, Q, period, constant). */
SEXP auto_arima_batch_forecast_call(SEXP model, SEXP orders, SEXP h, SEXP progress)
{
    batch_fc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    SEXP coef = lagrs_list_elt(model, "coef"), sa = lagrs_list_elt(model, "state_a");
    SEXP sp = lagrs_list_elt(model, "state_P");
    R_xlen_t n_series = XLENGTH(coef);
    if (TYPEOF(orders) != INTSXP || XLENGTH(orders) != 8 * n_series)
        Rf_error("internal error: `orders` must be an integer matrix with 8 columns");
    ctx.orders = INTEGER(orders);
    ctx.n_series = n_series;
    ctx.h = Rf_asInteger(h);
    R_xlen_t n_alloc = n_series > 0 ? n_series : 1;
    ctx.coef = (const double **) R_alloc(n_alloc, sizeof(double *));
    ctx.state_a = (const double **) R_alloc(n_alloc, sizeof(double *));
    ctx.state_P = (const double **) R_alloc(n_alloc, sizeof(double *));
    for (R_xlen_t i = 0; i < n_series; i++) {
        SEXP c = VECTOR_ELT(coef, i);
        int usable = TYPEOF(c) == REALSXP && TYPEOF(VECTOR_ELT(sa, i)) == REALSXP &&
            TYPEOF(VECTOR_ELT(sp, i)) == REALSXP;
        ctx.coef[i] = usable ? REAL(c) : NULL;
        ctx.state_a[i] = usable ? REAL(VECTOR_ELT(sa, i)) : NULL;
        ctx.state_P[i] = usable ? REAL(VECTOR_ELT(sp, i)) : NULL;
    }
    ctx.sigma2 = REAL(lagrs_list_elt(model, "sigma2"));
    ctx.n_fit = REAL(lagrs_list_elt(model, "n_fit"));
    ctx.fit_status = INTEGER(lagrs_list_elt(model, "status"));
    SEXP ans = PROTECT(lagrs_batch_forecast_output(n_series, ctx.h, &ctx.mean, &ctx.se,
                                                   &ctx.status));
    double work = (double) n_series * ctx.h * 400.0;
    lagrs_run_batch(n_series, batch_forecast_one_auto, &ctx, work, Rf_asLogical(progress) == 1,
                    "forecasting");
    UNPROTECT(1);
    return ans;
}
