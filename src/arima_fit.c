/* The ARIMA fit kernel, in the phases stats::arima() goes through: the
 * workspace, the regressors and their least-squares start, the CSS search,
 * the ML search (from the CSS estimates for "CSS-ML"), the coefficients'
 * covariance from the numerical Hessian, the final filter pass (residuals,
 * sigma2, the forecasting state), undoing the regressors' rotation, and the
 * information criteria.  Plain C: no R API, safe inside OpenMP threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arima_internal.h"
#include "linalg.h"

/* the optimizer's finite-difference step, as stats::arima's optim() call */
#define NDEPS 1e-3

/* ------------------------------------------------------------------ */
/* The fit's context: the series and coefficients the objectives read  */

/* w = (1 - B)^d (1 - B^s)^D x; the first d + s D entries are not used. */
void difference_series(const double *x, R_xlen_t n, int d, int D,
                       int s, double *w)
{
    memcpy(w, x, sizeof(double) * (size_t) n);
    for (int i = 0; i < d; i++)
        for (R_xlen_t l = n - 1; l > 0; l--) w[l] -= w[l - 1];
    for (int i = 0; i < D; i++)
        for (R_xlen_t l = n - 1; l >= s; l--) w[l] -= w[l - s];
}

void fill_par(fit_ctx *c, const double *free_par)
{
    int j = 0;
    for (int i = 0; i < c->ncoef; i++)
        c->par[i] = c->mask[i] ? free_par[j++] : c->coef_fixed[i];
}

/* x - xreg %*% beta for the coefficients currently in c->par. */
const double *adjusted_series(fit_ctx *c)
{
    if (c->ncxreg == 0)
        return c->x;
    R_xlen_t n = c->n;
    const double *beta = c->par + c->narma;
    for (R_xlen_t l = 0; l < n; l++) {
        double v = c->x[l];
        for (int j = 0; j < c->ncxreg; j++)
            v -= c->xreg[l + n * j] * beta[j];
        c->xadj[l] = v;
    }
    return c->xadj;
}

/* ------------------------------------------------------------------ */
/* The fit, phase by phase                                             */

/* Everything one fit works with.  The buffers share one malloc (mem); the
 * rest is the state the phases hand on. */
typedef struct {
    const lagrs_arima_spec *spec;
    const double *y, *xreg;
    R_xlen_t n;
    int n_xreg, s, nd, narma, ncxreg, ncoef, intercept, drift;
    int method;               /* CSS-ML becomes ML with missing values */
    double *mem;
    int *mask;                /* ncoef: 1 for a free coefficient */
    double *X, *dx, *dX, *lsq_work, *beta, *se, *S, *V, *svals;
    double *coef_fixed, *init, *pscale_all, *coef, *tmpc, *fpar, *fscale;
    double *coef_raw;         /* coef in the search's parametrisation, kept
                               * for a Hessian computed after the report */
    double *hess, *var, *invwork, *A, *w1, *w2, *w3;
    fit_ctx ctx;
    lagrs_bfgs_control ctl, ctl_css, ctl_ml;
    R_xlen_t n_used;
    int any_na, nfree, no_optim, trans, rotated, degenerate, have_var, conv;
    int near_root;            /* spec->search: stopped near a unit root */
    int var_late;             /* the Hessian waits for the AIC (var_aic_below) */
    double value;             /* the objective at the estimates */
    int status;               /* LAGRS_ARIMA_OK, or WARNING with warn */
    char warn[LAGRS_ARIMA_MSG_LEN];
} fit_work;

static void set_msg(lagrs_arima_result *out, int status, const char *text)
{
    out->status = status;
    snprintf(out->message, LAGRS_ARIMA_MSG_LEN, "%s", text);
}

static void set_warning(fit_work *fw, const char *text)
{
    snprintf(fw->warn, sizeof fw->warn, "%s", text);
    fw->status = LAGRS_ARIMA_WARNING;
}

static void fit_reset(lagrs_arima_result *out)
{
    out->status = LAGRS_ARIMA_OK;
    out->message[0] = '\0';
    out->convergence = 0;
    out->sigma2 = out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->n_used = 0;
    out->n_free = 0;
    out->n_cond = 0;
    out->near_unit_root = 0;
    out->var_done = 0;
}

/* The model's dimensions.  Returns nonzero (status set) for an invalid
 * spec. */
static int fit_dims(fit_work *fw, const lagrs_arima_spec *spec,
                    const double *y, R_xlen_t n, const double *xreg,
                    int n_xreg, lagrs_arima_result *out)
{
    if (spec->p < 0 || spec->d < 0 || spec->q < 0 || spec->P < 0 ||
        spec->D < 0 || spec->Q < 0 || n_xreg < 0 || n < 1 ||
        (n_xreg > 0 && xreg == NULL)) {
        set_msg(out, LAGRS_ARIMA_ERR_INPUT, "invalid model specification");
        return 1;
    }
    if (spec->include_drift && spec->d + spec->D > 1) {
        set_msg(out, LAGRS_ARIMA_ERR_INPUT,
                "drift is only allowed when d + D <= 1");
        return 1;
    }
    memset(fw, 0, sizeof *fw);
    fw->spec = spec;
    fw->y = y;
    fw->n = n;
    fw->xreg = xreg;
    fw->n_xreg = n_xreg;
    fw->s = season(spec);
    arma_dims_init(&fw->ctx.ad, spec);
    const arma_dims *ad = &fw->ctx.ad;
    fw->narma = ad->mp + ad->mq + ad->msp + ad->msq;
    fw->intercept = has_intercept(spec);
    fw->drift = spec->include_drift ? 1 : 0;
    fw->ncxreg = fw->intercept + fw->drift + n_xreg;
    fw->ncoef = fw->narma + fw->ncxreg;
    fw->nd = spec->d + fw->s * spec->D;
    fw->method = spec->method;
    out->n_coef = fw->ncoef;
    out->state_dim = imax(ad->p, ad->q + 1) + fw->nd;
    if (n > ((R_xlen_t) 1 << 40)) {
        set_msg(out, LAGRS_ARIMA_ERR_INPUT, "series too long");
        return 1;
    }
    return 0;
}

/* The workspace, in one malloc, and the objectives' context pointing into
 * it.  Returns nonzero when out of memory. */
static int fit_alloc(fit_work *fw)
{
    const arma_dims *ad = &fw->ctx.ad;
    size_t nn = (size_t) fw->n, nc = (size_t) fw->ncoef, nx = (size_t) fw->ncxreg;
    size_t kdoubles = kalman_ws_doubles(ad->p, ad->q, fw->nd);
    size_t maxar = (size_t) imax(imax(ad->mp, ad->msp), 1);
    size_t total = kdoubles + nn * nx /* X */ + 4 * nn /* xadj, w, cssres, wdiff */ +
        nn /* dx */ + nn * nx /* dX */ + nn * (nx + 1) + nx * nx + 2 * nx +
        2 * nx /* beta, se */ + 3 * nx * nx /* S, V, values */ +
        7 * nc /* fixed, par, init, pscale_all, coef, tmp, coef_raw */ +
        3 * nc /* free par, free scale, free work */ +
        4 * nc * nc /* hess, var, inverse work */ + nc * nc /* A */ +
        (size_t) fw->narma + 1 + 4 * maxar + 8 + CSS_BATCH * nn /* css_batch_resid */;
    fw->mem = malloc(sizeof(double) * total);
    fw->mask = malloc(sizeof(int) * (nc + 1));
    if (fw->mem == NULL || fw->mask == NULL) {
        free(fw->mem);
        free(fw->mask);
        return 1;
    }
    fit_ctx *c = &fw->ctx;
    double *cur = fw->mem, *kmem;
#define TAKE(ptr, count) do { ptr = cur; cur += (count); } while (0)
    TAKE(kmem, kdoubles);
    TAKE(fw->X, nn * nx);
    TAKE(c->xadj, nn); TAKE(c->w, nn); TAKE(c->cssres, nn); TAKE(c->wdiff, nn);
    TAKE(fw->dx, nn); TAKE(fw->dX, nn * nx);
    TAKE(fw->lsq_work, nn * (nx + 1) + nx * nx + 2 * nx);
    TAKE(fw->beta, nx); TAKE(fw->se, nx);
    TAKE(fw->S, nx * nx); TAKE(fw->V, nx * nx); TAKE(fw->svals, nx * nx);
    TAKE(fw->coef_fixed, nc); TAKE(c->par, nc); TAKE(fw->init, nc);
    TAKE(fw->pscale_all, nc); TAKE(fw->coef, nc); TAKE(fw->tmpc, nc);
    TAKE(fw->fpar, nc); TAKE(fw->fscale, nc); TAKE(fw->coef_raw, nc);
    TAKE(fw->hess, nc * nc); TAKE(fw->var, nc * nc); TAKE(fw->invwork, 2 * nc * nc);
    TAKE(fw->A, nc * nc);
    TAKE(c->params, (size_t) fw->narma + 1);
    TAKE(c->trwork, maxar); TAKE(fw->w1, maxar); TAKE(fw->w2, maxar);
    TAKE(fw->w3, maxar);
    TAKE(c->css_batch_resid, CSS_BATCH * nn);
#undef TAKE
    c->d = fw->spec->d;
    c->D = fw->spec->D;
    c->narma = fw->narma;
    c->ncoef = fw->ncoef;
    c->ncxreg = fw->ncxreg;
    c->n = fw->n;
    c->x = fw->y;
    c->xreg = fw->X;
    c->mask = fw->mask;
    c->coef_fixed = fw->coef_fixed;
    c->nd = fw->nd;
    double kappa = fw->spec->kappa > 0 ? fw->spec->kappa : DEFAULT_KAPPA;
    kalman_ws_setup(&c->k, ad->p, ad->q, fw->nd, kappa, kmem);
    return 0;
}

/* The regressors: intercept, drift, the user's columns. */
static void fit_regressors(fit_work *fw)
{
    R_xlen_t n = fw->n;
    size_t nn = (size_t) n;
    int col = 0;
    if (fw->intercept) {
        for (R_xlen_t l = 0; l < n; l++) fw->X[l] = 1.0;
        col++;
    }
    if (fw->drift) {
        for (R_xlen_t l = 0; l < n; l++) fw->X[l + n * col] = (double) (l + 1);
        col++;
    }
    for (int j = 0; j < fw->n_xreg; j++, col++)
        memcpy(fw->X + nn * col, fw->xreg + nn * j, sizeof(double) * nn);
}

/* The differencing, the regressors, the missing values (which decide the
 * filter and turn "CSS-ML" into "ML"), the conditioning of CSS, and which
 * coefficients are free. */
static void fit_setup(fit_work *fw, lagrs_arima_result *out)
{
    const lagrs_arima_spec *spec = fw->spec;
    fit_ctx *c = &fw->ctx;
    const arma_dims *ad = &c->ad;
    kalman_set_delta(&c->k, spec->d, spec->D, fw->s);
    fit_regressors(fw);
    R_xlen_t n = fw->n, complete = 0;
    for (R_xlen_t l = 0; l < n; l++) {
        int ok = !isnan(fw->y[l]);
        for (int j = 0; j < fw->ncxreg && ok; j++)
            if (isnan(fw->X[l + n * j])) ok = 0;
        if (!ok) fw->any_na = 1;
        complete += ok;
    }
    fw->n_used = complete - fw->nd;
    c->fast = !fw->any_na;
    if (fw->method == LAGRS_ARIMA_CSS_ML && fw->any_na)
        fw->method = LAGRS_ARIMA_ML;
    c->ncond = 0;
    if (fw->method != LAGRS_ARIMA_ML) {
        int cond1 = ad->mp + fw->s * ad->msp;
        c->ncond = fw->nd + (spec->n_cond >= 0 ? imax(spec->n_cond, cond1) : cond1);
    }
    for (int i = 0; i < fw->ncoef; i++) {
        fw->coef_fixed[i] = (spec->fixed != NULL) ? spec->fixed[i] : NAN;
        fw->mask[i] = isnan(fw->coef_fixed[i]);
        fw->nfree += fw->mask[i];
    }
    fw->no_optim = fw->nfree == 0;
    fw->trans = spec->transform_pars && !fw->no_optim;
    if (fw->trans) {
        int fixed_ar = 0;
        for (int i = 0; i < ad->mp; i++) if (!fw->mask[i]) fixed_ar = 1;
        for (int i = 0; i < ad->msp; i++) if (!fw->mask[ad->mp + ad->mq + i]) fixed_ar = 1;
        if (fixed_ar) {
            fw->trans = 0;
            set_warning(fw, "some AR parameters were fixed: setting transform_pars = FALSE");
        }
    }
    c->trans = fw->trans;
    out->n_free = fw->nfree;
    out->n_cond = c->ncond;
}

/* Several free regressors are rotated onto the right singular vectors of
 * their complete rows (as stats::arima), which makes the search better
 * conditioned; fit_unrotate() turns the results back. */
static void fit_rotate_xreg(fit_work *fw)
{
    R_xlen_t n = fw->n;
    int k = fw->ncxreg;
    size_t nx = (size_t) k;
    double *X = fw->X, *S = fw->S, *V = fw->V;
    for (size_t i = 0; i < nx * nx; i++) S[i] = 0.0;
    for (R_xlen_t l = 0; l < n; l++) {
        int ok = 1;
        for (int j = 0; j < k && ok; j++)
            if (isnan(X[l + n * j])) ok = 0;
        if (!ok) continue;
        for (int i = 0; i < k; i++)
            for (int j = 0; j <= i; j++)
                S[i + nx * j] += X[l + n * i] * X[l + n * j];
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < i; j++) S[j + nx * i] = S[i + nx * j];
    linalg_sym_eigen(k, S, V, fw->svals);
    /* X <- X V, row by row */
    for (R_xlen_t l = 0; l < n; l++) {
        for (int j = 0; j < k; j++) {
            double v = 0.0;
            for (int i = 0; i < k; i++)
                v += X[l + n * i] * V[i + nx * j];
            fw->tmpc[j] = v;
        }
        for (int j = 0; j < k; j++) X[l + n * j] = fw->tmpc[j];
    }
}

/* The regression coefficients' start (and scale) from least squares on the
 * differenced series, or on the series itself when too few rows are left.
 * Returns nonzero (status set) when the regression is not possible. */
static int fit_regression_start(fit_work *fw, lagrs_arima_result *out)
{
    const lagrs_arima_spec *spec = fw->spec;
    R_xlen_t n = fw->n;
    size_t nn = (size_t) n;
    int k = fw->ncxreg, s = fw->s;
    double *dx = fw->dx, *dX = fw->dX;
    R_xlen_t m = n;
    memcpy(dx, fw->y, sizeof(double) * nn);
    memcpy(dX, fw->X, sizeof(double) * nn * (size_t) k);
    for (int i = 0; i < spec->d; i++) {
        for (R_xlen_t l = 0; l + 1 < m; l++) {
            dx[l] = dx[l + 1] - dx[l];
            for (int j = 0; j < k; j++)
                dX[l + n * j] = dX[l + 1 + n * j] - dX[l + n * j];
        }
        m--;
    }
    if (s > 1)
        for (int i = 0; i < spec->D; i++) {
            for (R_xlen_t l = 0; l + s < m; l++) {
                dx[l] = dx[l + s] - dx[l];
                for (int j = 0; j < k; j++)
                    dX[l + n * j] = dX[l + s + n * j] - dX[l + n * j];
            }
            m -= s;
        }
    int ls = 1;
    if (m > k)
        ls = linalg_least_squares(m, k, dx, dX, n, fw->beta, fw->se, fw->lsq_work);
    if (ls == 1)
        ls = linalg_least_squares(n, k, fw->y, fw->X, n, fw->beta, fw->se,
                                  fw->lsq_work);
    if (ls != 0) {
        set_msg(out, LAGRS_ARIMA_ERR_INPUT,
                ls == 2 ? "`xreg` is rank deficient: its columns (with the intercept or drift) are collinear"
                        : "too few non-missing observations for the regression");
        return 1;
    }
    for (int j = 0; j < k; j++) {
        fw->init[fw->narma + j] = fw->beta[j];
        double sc = 10.0 * fw->se[j];
        /* a perfect regression fit (e.g. a constant series) has zero
         * standard errors; a scale of zero would stall the optimizer */
        if (!(sc > 0) || !isfinite(sc))
            sc = fabs(fw->beta[j]) > 0 ? fabs(fw->beta[j]) : 1.0;
        fw->pscale_all[fw->narma + j] = sc;
    }
    return 0;
}

/* 1 when the series is constant once differenced and regressed out at the
 * start values: its residual variance is zero and the likelihood
 * unbounded, so the fit is reported directly instead of optimized. */
static int fit_is_degenerate(fit_work *fw)
{
    fit_ctx *c = &fw->ctx;
    R_xlen_t n = fw->n;
    for (int i = 0; i < fw->ncoef; i++)
        c->par[i] = fw->mask[i] ? fw->init[i] : fw->coef_fixed[i];
    const double *xa = adjusted_series(c);
    difference_series(xa, n, fw->spec->d, fw->spec->D, fw->s, c->w);
    double biggest = 0.0, level = 0.0;
    R_xlen_t seen = 0;
    for (R_xlen_t l = fw->nd; l < n; l++)
        if (!isnan(c->w[l])) {
            seen++;
            if (fabs(c->w[l]) > biggest) biggest = fabs(c->w[l]);
        }
    for (R_xlen_t l = 0; l < n; l++)
        if (!isnan(fw->y[l]) && fabs(fw->y[l]) > level) level = fabs(fw->y[l]);
    return seen > 0 && biggest <= 1e-12 * (1.0 + level);
}

/* Start values, the optimizer's settings, and the degenerate case.
 * Returns nonzero (status set) when there is nothing to fit. */
static int fit_prepare(fit_work *fw, lagrs_arima_result *out)
{
    for (int i = 0; i < fw->ncoef; i++) {
        fw->init[i] = 0.0;
        fw->pscale_all[i] = 1.0;
    }
    if (fw->ncxreg > 0) {
        int any_xreg_fixed = 0;
        for (int j = 0; j < fw->ncxreg; j++)
            if (!fw->mask[fw->narma + j]) any_xreg_fixed = 1;
        fw->rotated = !(fw->ncxreg == 1 || any_xreg_fixed);
        if (fw->rotated)
            fit_rotate_xreg(fw);
        if (fit_regression_start(fw, out))
            return 1;
    }
    out->n_used = fw->n_used;
    if (fw->n_used <= 0) {
        set_msg(out, LAGRS_ARIMA_ERR_TOO_SHORT, "too few non-missing observations");
        return 1;
    }
    for (int i = 0; i < fw->ncoef; i++) fw->coef[i] = fw->coef_fixed[i];
    int nf = 0;
    for (int i = 0; i < fw->ncoef; i++)
        if (fw->mask[i]) fw->fscale[nf++] = fw->pscale_all[i];
    lagrs_bfgs_control *ctl = &fw->ctl;
    ctl->maxit = fw->spec->maxit > 0 ? fw->spec->maxit : 100;
    ctl->reltol = fw->spec->reltol > 0 ? fw->spec->reltol : 1e-8;
    ctl->ndeps = NDEPS;
    ctl->parscale = fw->fscale;
    ctl->fn_batch = NULL;
    ctl->stop = fw->spec->stop;
    /* the searches evaluate their gradients' points together */
    fw->ctl_css = fw->ctl_ml = *ctl;
    fw->ctl_css.fn_batch = objective_css_batch;
    fw->ctl_ml.fn_batch = objective_ml_batch;
    fw->degenerate = fit_is_degenerate(fw);
    return 0;
}

/* The free coefficients of v (ncoef) into fpar, in order. */
static void gather_free(const fit_work *fw, const double *v)
{
    int nf = 0;
    for (int i = 0; i < fw->ncoef; i++)
        if (fw->mask[i]) fw->fpar[nf++] = v[i];
}

/* ...and back into v. */
static void scatter_free(const fit_work *fw, double *v)
{
    int nf = 0;
    for (int i = 0; i < fw->ncoef; i++)
        if (fw->mask[i]) v[i] = fw->fpar[nf++];
}

static void fit_degenerate(fit_work *fw)
{
    for (int i = 0; i < fw->ncoef; i++)
        fw->coef[i] = fw->mask[i] ? (i < fw->narma ? 0.0 : fw->init[i]) : fw->coef_fixed[i];
    gather_free(fw, fw->coef);
    fw->value = -INFINITY;
    size_t nc = (size_t) fw->ncoef;
    for (size_t i = 0; i < nc * nc; i++) fw->var[i] = 0.0;
    fw->have_var = 1;
    set_warning(fw, "the series is constant after differencing and regression: "
                "sigma2 is 0 and the likelihood is unbounded");
}

/* The covariance of the free coefficients from the Hessian of the
 * objective (in hess): the inverse of n_used times it. */
static void fit_invert_hessian(fit_work *fw)
{
    size_t nfr = (size_t) fw->nfree;
    for (size_t i = 0; i < nfr * nfr; i++) fw->hess[i] *= (double) fw->n_used;
    fw->have_var = linalg_inverse(fw->nfree, fw->hess, fw->var, fw->invwork) == 0;
}

static const char *optimizer_error(int err, const char *nonfinite_start,
                                   const char *nonfinite_gradient)
{
    return err == LAGRS_OPT_NONFINITE_START ? nonfinite_start
        : err == LAGRS_OPT_NONFINITE_GRADIENT ? nonfinite_gradient
        : err == LAGRS_OPT_STOPPED ? "interrupted"
        : "out of memory";
}

static int optimizer_status(int err)
{
    return err == LAGRS_OPT_NOMEM ? LAGRS_ARIMA_ERR_MEMORY : LAGRS_ARIMA_ERR_NUMERIC;
}

/* method "CSS".  Returns nonzero (status set) when the search fails. */
static int fit_css(fit_work *fw, lagrs_arima_result *out)
{
    int fn_count, gr_count;
    gather_free(fw, fw->init);
    int err = lagrs_bfgs(fw->nfree, fw->fpar, &fw->value, &fw->conv, objective_css,
                         &fw->ctx, &fw->ctl_css, &fn_count, &gr_count);
    if (err != LAGRS_OPT_OK) {
        set_msg(out, optimizer_status(err), optimizer_error(err,
                fw->any_na ? "the CSS objective is not finite: missing values interrupt the MA recursion; use method = \"ML\" or \"CSS-ML\""
                           : "non-finite CSS objective at the initial values",
                "non-finite finite-difference gradient of the CSS objective"));
        return 1;
    }
    scatter_free(fw, fw->coef);
    if (fw->spec->want_var && !fw->no_optim &&
        lagrs_num_hessian(fw->nfree, fw->fpar, objective_css, &fw->ctx,
                          &fw->ctl_css, fw->hess) == LAGRS_OPT_OK)
        fit_invert_hessian(fw);
    return 0;
}

/* The CSS search of "CSS-ML", whose estimates start the ML search.
 * Returns nonzero (status set) when out of memory. */
static int fit_css_start(fit_work *fw, lagrs_arima_result *out)
{
    const arma_dims *ad = &fw->ctx.ad;
    double *init = fw->init;
    double css_val;
    int css_conv, fn_count, gr_count;
    if (fw->spec->css_start != NULL) {
        /* the caller's fit of the same CSS search */
        if (fw->spec->css_converged == 0)
            for (int i = 0; i < fw->ncoef; i++)
                if (fw->mask[i]) init[i] = fw->spec->css_start[i];
    } else {
        gather_free(fw, init);
        int err = lagrs_bfgs(fw->nfree, fw->fpar, &css_val, &css_conv, objective_css,
                             &fw->ctx, &fw->ctl_css, &fn_count, &gr_count);
        if (err == LAGRS_OPT_NOMEM) {
            set_msg(out, LAGRS_ARIMA_ERR_MEMORY, "out of memory");
            return 1;
        }
        if (err == LAGRS_OPT_OK && css_conv == 0)
            scatter_free(fw, init);
    }
    /* stats::arima stops here when the CSS AR estimates are not stationary;
     * we start the ML search from zero ARMA coefficients instead */
    if (!lagrs_arima_ar_stationary(init, ad->mp) ||
        !lagrs_arima_ar_stationary(init + ad->mp + ad->mq, ad->msp)) {
        for (int i = 0; i < fw->narma; i++) if (fw->mask[i]) init[i] = 0.0;
    }
    fw->ctx.ncond = 0;
    out->n_cond = 0;
    return 0;
}

/* The ML search's start in its parametrisation (PACF of the AR parts,
 * inverted MA parts) into fpar, and a copy in tmpc.  Returns nonzero
 * (status set) when out of memory. */
static int fit_ml_start(fit_work *fw, lagrs_arima_result *out)
{
    const arma_dims *ad = &fw->ctx.ad;
    double *init = fw->init, *tmpc = fw->tmpc, *trwork = fw->ctx.trwork;
    if (fw->trans) {
        if (ad->mp > 0) ar_to_pacf(ad->mp, init, tmpc, trwork);
        for (int i = 0; i < ad->mp; i++) init[i] = tmpc[i];
        int v = ad->mp + ad->mq;
        if (ad->msp > 0) ar_to_pacf(ad->msp, init + v, tmpc, trwork);
        for (int i = 0; i < ad->msp; i++) init[v + i] = tmpc[i];
        if ((ad->mq > 0 && ma_invert(ad->mq, init + ad->mp)) ||
            (ad->msq > 0 && ma_invert(ad->msq, init + v + ad->msp))) {
            set_msg(out, LAGRS_ARIMA_ERR_MEMORY, "out of memory");
            return 1;
        }
    }
    gather_free(fw, init);
    for (int i = 0; i < fw->nfree; i++) tmpc[i] = fw->fpar[i];
    return 0;
}

/* The ML search.  The points of the search that met a large prediction
 * variance were evaluated with the full filter already.  Near a unit root
 * at the optimum, or when the optimum itself needs the full filter, the
 * whole search is redone with it so that it follows stats::arima's path on
 * that flatter surface.  Returns nonzero (status set) when it fails. */
static int fit_ml_search(fit_work *fw, lagrs_arima_result *out)
{
    fit_ctx *c = &fw->ctx;
    int fn_count, gr_count, nfree = fw->nfree;
    c->k.large_gain = 0;
    int err = lagrs_bfgs(nfree, fw->fpar, &fw->value, &fw->conv, objective_ml, c,
                         &fw->ctl_ml, &fn_count, &gr_count);
    int redo = c->fast && err != LAGRS_OPT_OK;
    if (c->fast && !redo) {
        for (int i = 0; i < fw->ncoef; i++) c->par[i] = fw->coef_fixed[i];
        scatter_free(fw, c->par);
        if (near_unit_root(&c->ad, c->par, fw->trans, fw->w1, fw->w2)) {
            redo = 1;
        } else if (c->k.large_gain) {
            c->k.large_gain = 0;
            (void) objective_ml(nfree, fw->fpar, c);
            redo = c->k.large_gain;
        }
    }
    if (redo && err == LAGRS_OPT_OK && fw->spec->search) {
        /* the caller decides (spec->search) */
        fw->near_root = 1;
        return 0;
    }
    if (redo) {
        /* redo the search with the full filter, as stats::arima */
        c->fast = 0;
        for (int i = 0; i < nfree; i++) fw->fpar[i] = fw->tmpc[i];
        err = lagrs_bfgs(nfree, fw->fpar, &fw->value, &fw->conv, objective_ml, c,
                         &fw->ctl, &fn_count, &gr_count);
    }
    if (err != LAGRS_OPT_OK) {
        set_msg(out, optimizer_status(err), optimizer_error(err,
                "non-finite likelihood at the initial values",
                "non-finite finite-difference gradient of the likelihood"));
        return 1;
    }
    return 0;
}

/* The search's result into coef, with the MA parts inverted as
 * stats::arima does (the objective re-evaluated if that moved them). */
static void fit_ml_coef(fit_work *fw)
{
    const arma_dims *ad = &fw->ctx.ad;
    const int *mask = fw->mask;
    double *coef = fw->coef;
    for (int i = 0; i < fw->ncoef; i++) coef[i] = fw->init[i];
    scatter_free(fw, coef);
    if (!fw->trans)
        return;
    int all_free = 1;
    for (int i = 0; i < ad->mq; i++) if (!mask[ad->mp + i]) all_free = 0;
    if (ad->mq > 0 && all_free) ma_invert(ad->mq, coef + ad->mp);
    int off = ad->mp + ad->mq + ad->msp;
    all_free = 1;
    for (int i = 0; i < ad->msq; i++) if (!mask[off + i]) all_free = 0;
    if (ad->msq > 0 && all_free) ma_invert(ad->msq, coef + off);
    int changed = 0, nf = 0;
    for (int i = 0; i < fw->ncoef; i++)
        if (mask[i]) {
            if (coef[i] != fw->fpar[nf]) changed = 1;
            fw->fpar[nf++] = coef[i];
        }
    if (changed)
        fw->value = objective_ml(fw->nfree, fw->fpar, &fw->ctx);
}

/* var <- A' var A with A the Jacobian of the PACF transform at coef, on
 * the free coefficients. */
static void fit_var_transform(fit_work *fw, const double *coef)
{
    size_t nc = (size_t) fw->ncoef, nfr = (size_t) fw->nfree;
    double *A = fw->A, *Am = fw->invwork;  /* nfree x nfree */
    gradtrans(&fw->ctx.ad, fw->ncoef, coef, A, fw->w1, fw->w2, fw->w3,
              fw->ctx.trwork);
    int ii = 0;
    for (int i = 0; i < fw->ncoef; i++) {
        if (!fw->mask[i]) continue;
        int jj = 0;
        for (int j = 0; j < fw->ncoef; j++) {
            if (!fw->mask[j]) continue;
            Am[ii + nfr * jj] = A[i + nc * j];
            jj++;
        }
        ii++;
    }
    linalg_mult(fw->nfree, fw->var, 0, Am, 0, fw->hess);  /* H^{-1} A */
    linalg_mult(fw->nfree, Am, 1, fw->hess, 0, fw->var);
}

/* The coefficients' covariance from the Hessian of the ML objective at
 * fpar (coef: the estimates in the search's parametrisation), evaluated
 * with the full filter if the fast one met a large prediction variance on
 * the way. */
static void fit_ml_covariance(fit_work *fw, const double *coef)
{
    fit_ctx *c = &fw->ctx;
    c->k.large_gain = 0;
    int err = lagrs_num_hessian(fw->nfree, fw->fpar, objective_ml, c,
                                &fw->ctl_ml, fw->hess);
    if (c->fast && c->k.large_gain) {
        c->fast = 0;
        err = lagrs_num_hessian(fw->nfree, fw->fpar, objective_ml, c,
                                &fw->ctl_ml, fw->hess);
    }
    if (err == LAGRS_OPT_OK)
        fit_invert_hessian(fw);
    if (fw->have_var && fw->trans)
        fit_var_transform(fw, coef);
}

/* The AR parts back from the PACF parametrisation. */
static void fit_ml_untransform(fit_work *fw)
{
    const arma_dims *ad = &fw->ctx.ad;
    double *coef = fw->coef, *tmpc = fw->tmpc, *trwork = fw->ctx.trwork;
    if (ad->mp > 0) pacf_to_ar(ad->mp, coef, tmpc, trwork);
    for (int i = 0; i < ad->mp; i++) coef[i] = tmpc[i];
    int v = ad->mp + ad->mq;
    if (ad->msp > 0) pacf_to_ar(ad->msp, coef + v, tmpc, trwork);
    for (int i = 0; i < ad->msp; i++) coef[v + i] = tmpc[i];
}

/* methods "ML" and "CSS-ML".  Returns nonzero (status set) on failure. */
static int fit_ml(fit_work *fw, lagrs_arima_result *out)
{
    for (int i = 0; i < fw->ncoef; i++)
        if (!fw->mask[i]) fw->init[i] = fw->coef_fixed[i];
    if (fw->method == LAGRS_ARIMA_CSS_ML && fit_css_start(fw, out))
        return 1;
    if (fit_ml_start(fw, out) || fit_ml_search(fw, out))
        return 1;
    fit_ml_coef(fw);
    if (fw->near_root) {
        if (fw->trans)
            fit_ml_untransform(fw);
        return 0;
    }
    if (fw->spec->want_var && !fw->no_optim) {
        if (fw->spec->var_aic_below < INFINITY && !fw->rotated) {
            fw->var_late = 1;
            memcpy(fw->coef_raw, fw->coef, sizeof(double) * (size_t) fw->ncoef);
        } else {
            fit_ml_covariance(fw, fw->coef);
        }
    }
    if (fw->trans)
        fit_ml_untransform(fw);
    return 0;
}

/* The final pass at the estimates: the state for forecasting, the
 * residuals, sigma2, and (for ML) the likelihood as stats::arima evaluates
 * it (diffuse prior kappa), whichever filter the search used. */
static void fit_final_pass(fit_work *fw, lagrs_arima_result *out)
{
    const lagrs_arima_spec *spec = fw->spec;
    fit_ctx *c = &fw->ctx;
    double ssq, sumlog;
    R_xlen_t nu;
    double *resid = out->residuals;
    if (spec->search && fw->method == LAGRS_ARIMA_CSS) {
        /* a candidate needs no state: the CSS value needs only phi, theta */
        for (int i = 0; i < c->ncoef; i++) c->par[i] = fw->coef[i];
        expand_pars(&c->ad, c->par, 0, c->k.phi, c->k.theta, c->params,
                    c->trwork);
        const double *xa = adjusted_series(c);
        out->sigma2 = fw->degenerate ? 0.0
            : css_value(xa, fw->n, &c->ad, spec->d, spec->D, c->k.phi,
                        c->k.theta, c->ncond, c->w, c->cssres);
        return;
    }
    final_filter(c, fw->coef, &ssq, &sumlog, &nu, spec->want_residuals ? resid : NULL);
    if (fw->degenerate) {
        out->sigma2 = 0.0;
    } else if (fw->method == LAGRS_ARIMA_CSS) {
        const double *xa = adjusted_series(c);
        out->sigma2 = css_value(xa, fw->n, &c->ad, spec->d, spec->D, c->k.phi,
                                c->k.theta, c->ncond, c->w, c->cssres);
        if (spec->want_residuals && resid != NULL)
            memcpy(resid, c->cssres, sizeof(double) * (size_t) fw->n);
    } else {
        out->sigma2 = ssq / (double) fw->n_used;
        fw->value = 0.5 * (log(ssq / (double) nu) + sumlog / (double) nu);
    }
    size_t rd = (size_t) c->k.rd;
    if (out->state_a)
        memcpy(out->state_a, c->k.a, sizeof(double) * rd);
    if (out->state_P)
        memcpy(out->state_P, c->k.P, sizeof(double) * rd * rd);
}

/* The regression coefficients, and their covariance, back from the
 * rotation of fit_rotate_xreg(). */
static void fit_unrotate(fit_work *fw)
{
    int narma = fw->narma, k = fw->ncxreg;
    size_t nx = (size_t) k;
    const double *V = fw->V;
    for (int j = 0; j < k; j++) {
        double v = 0.0;
        for (int i = 0; i < k; i++) v += V[j + nx * i] * fw->coef[narma + i];
        fw->tmpc[j] = v;
    }
    for (int j = 0; j < k; j++) fw->coef[narma + j] = fw->tmpc[j];
    if (!fw->have_var)
        return;
    /* var <- B var B' with B = diag(I, V) restricted to the free
     * coefficients (all regressors are free when rotated) */
    size_t nfr = (size_t) fw->nfree;
    int *free_index = (int *) (void *) fw->A;  /* reuse: nfree ints */
    int ii = 0;
    for (int i = 0; i < fw->ncoef; i++) if (fw->mask[i]) free_index[ii++] = i;
    double *B = fw->invwork;
    for (size_t i = 0; i < nfr; i++)
        for (size_t j = 0; j < nfr; j++) {
            int gi = free_index[i], gj = free_index[j];
            double b;
            if (gi >= narma && gj >= narma)
                b = V[(gi - narma) + nx * (gj - narma)];
            else
                b = (gi == gj) ? 1.0 : 0.0;
            B[i + nfr * j] = b;
        }
    linalg_mult(fw->nfree, B, 0, fw->var, 0, fw->hess);
    linalg_mult(fw->nfree, fw->hess, 0, B, 1, fw->var);
}

/* AICc and BIC as forecast::Arima computes them: n counts the non-missing
 * residuals between the first and the last non-missing one (they are
 * missing exactly where y or a regressor is), nstar = n - d - s D, npar =
 * the free coefficients + 1.  The AICc's correction is undefined when
 * nstar <= npar + 1 (forecast then reports a value below the AIC, or Inf):
 * AICc is Inf there, so that it never favours a model with as many
 * parameters as data. */
static void info_criteria(lagrs_arima_result *out, const double *y,
                          R_xlen_t n, int n_diff, const double *xreg,
                          int ncxreg)
{
    R_xlen_t count = 0;
    for (R_xlen_t l = 0; l < n; l++) {
        int ok = !isnan(y[l]);
        for (int j = 0; j < ncxreg && ok; j++)
            if (isnan(xreg[l + n * j])) ok = 0;
        count += ok;
    }
    double npar = out->n_free + 1.0;
    double nstar = (double) count - n_diff;
    if (isnan(out->aic)) {
        out->aicc = out->bic = NAN;
        return;
    }
    out->aicc = nstar - npar - 1.0 > 0
        ? out->aic + 2.0 * npar * (nstar / (nstar - npar - 1.0) - 1.0)
        : INFINITY;
    out->bic = out->aic + npar * (log(nstar) - 2.0);
}

/* loglik and the information criteria, the estimates into out, and the
 * warnings. */
static void fit_report(fit_work *fw, lagrs_arima_result *out)
{
    double nu_d = (double) fw->n_used;
    double dev = 2.0 * nu_d * fw->value + nu_d + nu_d * log(2.0 * M_PI);
    out->loglik = -0.5 * dev;
    out->aic = (fw->method != LAGRS_ARIMA_CSS) ? dev + 2.0 * fw->nfree + 2.0 : NAN;
    info_criteria(out, fw->y, fw->n, fw->nd, fw->X, fw->ncxreg);
    out->convergence = fw->conv;
    if (out->coef)
        memcpy(out->coef, fw->coef, sizeof(double) * (size_t) fw->ncoef);
    if (out->var_coef) {
        size_t nfr = (size_t) fw->nfree;
        if (fw->have_var)
            memcpy(out->var_coef, fw->var, sizeof(double) * nfr * nfr);
        else
            for (size_t i = 0; i < nfr * nfr; i++) out->var_coef[i] = NAN;
    }
    if (fw->conv > 0 && fw->status == LAGRS_ARIMA_OK) {
        snprintf(fw->warn, sizeof fw->warn,
                 "possible convergence problem: the optimizer gave code = %d", fw->conv);
        fw->status = LAGRS_ARIMA_WARNING;
    }
    out->var_done = fw->spec->want_var && !fw->var_late;
    if (out->var_done && !fw->no_optim && !fw->have_var &&
        fw->status == LAGRS_ARIMA_OK)
        set_warning(fw, "the Hessian is singular: the coefficients' covariance is not available");
    set_msg(out, fw->status, fw->warn);
}

/* The Hessian that waited for the AIC (spec->var_aic_below): computed only
 * when the AIC is below the limit.  The final pass has overwritten the
 * filter's workspace, which every evaluation of the objective resets. */
static void fit_late_covariance(fit_work *fw, lagrs_arima_result *out)
{
    if (!(out->aic < fw->spec->var_aic_below))
        return;
    fit_ml_covariance(fw, fw->coef_raw);
    fw->var_late = 0;
    fit_report(fw, out);
}

int lagrs_arima_fit_kernel(const double *y, R_xlen_t n, const double *xreg,
                           int n_xreg, const lagrs_arima_spec *spec,
                           lagrs_arima_result *out)
{
    fit_work fw;
    fit_reset(out);
    if (fit_dims(&fw, spec, y, n, xreg, n_xreg, out))
        return out->status;
    if (fit_alloc(&fw)) {
        set_msg(out, LAGRS_ARIMA_ERR_MEMORY, "out of memory");
        return out->status;
    }
    fit_setup(&fw, out);
    int failed = fit_prepare(&fw, out);
    if (!failed) {
        if (fw.degenerate)
            fit_degenerate(&fw);
        else if (fw.method == LAGRS_ARIMA_CSS)
            failed = fit_css(&fw, out);
        else
            failed = fit_ml(&fw, out);
    }
    if (!failed && fw.near_root) {
        /* spec->search: the caller has the estimates, nothing else */
        out->near_unit_root = 1;
        if (out->coef)
            memcpy(out->coef, fw.coef, sizeof(double) * (size_t) fw.ncoef);
        set_msg(out, fw.status, fw.warn);
    } else if (!failed) {
        fit_final_pass(&fw, out);
        if (fw.rotated)
            fit_unrotate(&fw);
        fit_report(&fw, out);
        if (fw.var_late)
            fit_late_covariance(&fw, out);
    }
    free(fw.mem);
    free(fw.mask);
    return out->status;
}

int lagrs_arima_ic_kernel(const double *y, R_xlen_t n, const double *xreg,
                          int n_xreg, const lagrs_arima_spec *spec,
                          double *coef, double *loglik, double *aicc,
                          double *aic, double *bic, double *sigma2)
{
    lagrs_arima_spec light = *spec;
    light.want_var = 0;
    light.want_residuals = 0;
    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    res.coef = coef;
    lagrs_arima_fit_kernel(y, n, xreg, n_xreg, &light, &res);
    if (loglik) *loglik = res.loglik;
    if (aicc) *aicc = res.aicc;
    if (aic) *aic = res.aic;
    if (bic) *bic = res.bic;
    if (sigma2) *sigma2 = res.sigma2;
    return res.status;
}
