#include "ets.h"
#include "decompose.h"
#include "unitroot.h"
#include "nelder_mead.h"
#include <math.h>
#include <string.h>

/* One model's estimation, as forecast's etsmodel() (R/ets.R) and its
 * objective (src/etsTargetFunction.cpp, 8.20) do it: Nelder-Mead (R's
 * nmmin, lagrs_nelder_mead) on (estimated parameters, initial states but
 * the last seasonal one), every point outside the bounds worth +Inf (which
 * nmmin counts as 1e35). */

/* ---- bounds ------------------------------------------------------------- */

/* Schur-Cohn: 1 when every root of c[0] + c[1] z + ... + c[deg] z^deg
 * (c[deg] != 0) lies strictly inside the unit circle.  Each step replaces
 * the polynomial by c[deg] p(z) - c[0] p*(z), over z, which keeps the count
 * of roots inside when |c[0]| < |c[deg]|; rescaled to keep the numbers
 * finite. */
static int roots_inside_unit_circle(double *c, int deg)
{
    while (deg > 0) {
        if (!(fabs(c[0]) < fabs(c[deg])))
            return 0;
        double lead = c[deg], tail = c[0], next[ETS_MAX_PERIOD + 2];
        for (int j = 0; j < deg; j++)
            next[j] = lead * c[j + 1] - tail * c[deg - 1 - j];
        deg--;
        double scale = fabs(next[deg]);
        if (!(scale > 0) || !isfinite(scale))
            return 0;
        scale = 1 / scale;   /* only the signs and ratios matter */
        for (int j = 0; j <= deg; j++)
            c[j] = next[j] * scale;
    }
    return 1;
}

int ets_roots_admissible(const ets_params *par, int m)
{
    double a = par->alpha, b = par->beta, g = par->gamma, phi = par->phi;
    /* forecast's polyroot(P) with P in increasing powers; its roots within
     * 1 + 1e-10 are those of P(r z), r = 1 + 1e-10, within 1 */
    double c[ETS_MAX_PERIOD + 2], r = 1 + 1e-10, power = 1;
    c[0] = phi * (1 - a - g);
    c[1] = a + b - a * phi + g - 1;
    for (int j = 2; j < m; j++)
        c[j] = a + b - a * phi;
    c[m] = a + b - phi;
    c[m + 1] = 1;
    for (int j = 0; j <= m + 1; j++) {
        c[j] *= power;
        power *= r;
    }
    return roots_inside_unit_circle(c, m + 1);
}

/* admissible(): the parameters that make the model forecastable; beta,
 * gamma and phi count when the model has them. */
static int admissible(const ets_params *par, const ets_spec *spec)
{
    double a = par->alpha, phi = par->phi;
    if (phi < 0 || phi > 1 + 1e-8)
        return 0;
    if (spec->season == ETS_NONE) {
        if (a < 1 - 1 / phi || a > 1 + 1 / phi)
            return 0;
        if (spec->trend != ETS_NONE && (par->beta < a * (phi - 1) ||
                                        par->beta > (1 + phi) * (2 - a)))
            return 0;
        return 1;
    }
    int m = spec->m;
    if (m <= 1)
        return 1;
    double g = par->gamma, b = spec->trend != ETS_NONE ? par->beta : 0;
    double d = 1 - 1 / phi - a;
    if (g < (d > 0 ? d : 0) || g > 1 + 1 / phi - a)
        return 0;
    if (a < 1 - 1 / phi - g * (1 - m + phi + phi * m) / (2 * phi * m))
        return 0;
    if (b < -(1 - phi) * (g / m + a))
        return 0;
    ets_params p = *par;
    p.beta = b;
    return ets_roots_admissible(&p, m);
}

int ets_params_ok(const ets_params *par, const ets_spec *spec, const int *checked,
                  const double *lower, const double *upper, int bounds)
{
    if (bounds != ETS_BOUNDS_ADMISSIBLE) {
        if (checked[0] && (par->alpha < lower[0] || par->alpha > upper[0]))
            return 0;
        if (checked[1] && (par->beta < lower[1] || par->beta > par->alpha ||
                           par->beta > upper[1]))
            return 0;
        if (checked[3] && (par->phi < lower[3] || par->phi > upper[3]))
            return 0;
        if (checked[2] && (par->gamma < lower[2] || par->gamma > 1 - par->alpha ||
                           par->gamma > upper[2]))
            return 0;
    }
    if (bounds != ETS_BOUNDS_USUAL && !admissible(par, spec))
        return 0;
    return 1;
}

/* ---- the objective ------------------------------------------------------ */

typedef struct {
    const double *y;
    R_xlen_t n;
    const ets_spec *spec;
    const ets_control *ctl;
    ets_params fixed;        /* the given parameters; the rest from par */
    int estimated[4];
    double lower[4], upper[4];
    int n_state;             /* initial states in par (the last seasonal one left out) */
    double *e;
} objective_data;

/* The parameters from the first entries of par */
static ets_params read_params(const objective_data *d, const double *par)
{
    ets_params p = d->fixed;
    int k = 0;
    if (d->estimated[0]) p.alpha = par[k++];
    if (d->estimated[1]) p.beta = par[k++];
    if (d->estimated[2]) p.gamma = par[k++];
    if (d->estimated[3]) p.phi = par[k++];
    return p;
}

/* The full initial state: the states in par, and the last seasonal state
 * that makes the seasonal states sum to 0 (additive) or m (multiplicative).
 * Returns 0 when a multiplicative seasonal state is negative. */
static int full_init(const ets_spec *spec, const double *states, int n_given, double *init)
{
    memcpy(init, states, sizeof(double) * (size_t) n_given);
    if (spec->season == ETS_NONE)
        return 1;
    int first = 1 + (spec->trend != ETS_NONE);
    double sum = 0;
    for (int i = first; i < n_given; i++)
        sum += init[i];
    init[n_given] = spec->m * (spec->season == ETS_MULT ? 1 : 0) - sum;
    if (spec->season == ETS_MULT)
        for (int i = first; i <= n_given; i++)
            if (init[i] < 0)
                return 0;
    return 1;
}

static double objective(int n_par, const double *par, void *ctx)
{
    const objective_data *d = (const objective_data *) ctx;
    ets_params p = read_params(d, par);
    if (!ets_params_ok(&p, d->spec, d->estimated, d->lower, d->upper, d->ctl->bounds))
        return INFINITY;
    double init[ETS_MAX_STATE], lik, amse[ETS_MAX_NMSE];
    if (!full_init(d->spec, par + n_par - d->n_state, d->n_state, init))
        return INFINITY;
    int crit = d->ctl->opt_crit;
    int failed = crit == ETS_CRIT_MSE || crit == ETS_CRIT_AMSE
        ? ets_calc(d->y, d->n, d->spec, &p, init, d->ctl->nmse, d->e, NULL, NULL, &lik, amse)
        : ets_calc_lik(d->y, d->n, d->spec, &p, init, d->e, &lik);
    if (failed)
        return INFINITY;
    if (lik < -1e10)
        lik = -1e10;   /* forecast avoids perfect fits */
    if (isnan(lik))
        return INFINITY;
    double value = 0;
    switch (crit) {
    case ETS_CRIT_LIK:
        return lik;
    case ETS_CRIT_MSE:
        return amse[0];
    case ETS_CRIT_AMSE:
        for (int i = 0; i < d->ctl->nmse; i++)
            value += amse[i] / d->ctl->nmse;
        return value;
    case ETS_CRIT_SIGMA:
        for (R_xlen_t i = 0; i < d->n; i++)
            value += d->e[i] * d->e[i] / (double) d->n;
        return value;
    default:
        for (R_xlen_t i = 0; i < d->n; i++)
            value += fabs(d->e[i]) / (double) d->n;
        return value;
    }
}

/* ---- one model ---------------------------------------------------------- */

R_xlen_t ets_work_size(R_xlen_t n)
{
    return 12 * n + 128;
}

/* etsmodel()'s bounds: narrowed by the given parameters */
static void model_bounds(const ets_control *ctl, double *lower, double *upper)
{
    for (int i = 0; i < 4; i++) {
        lower[i] = ctl->lower[i];
        upper[i] = ctl->upper[i];
    }
    if (!isnan(ctl->alpha)) {
        upper[1] = fmin(ctl->alpha, upper[1]);
        upper[2] = fmin(1 - ctl->alpha, upper[2]);
    }
    if (!isnan(ctl->beta))
        lower[0] = fmax(ctl->beta, lower[0]);
    if (!isnan(ctl->gamma))
        upper[0] = fmin(1 - ctl->gamma, upper[0]);
}

/* The final pass: states, likelihood and criteria at the optimum. */
static int finish_fit(const double *y, R_xlen_t n, objective_data *d, const double *best,
                      int n_opt, ets_model_fit *fit)
{
    fit->par = read_params(d, best);
    full_init(d->spec, best + n_opt - d->n_state, d->n_state, fit->init);
    double amse[ETS_MAX_NMSE];
    if (ets_calc(y, n, d->spec, &fit->par, fit->init, d->ctl->nmse, d->e, NULL, fit->last,
                 &fit->lik, amse) != 0 || !isfinite(fit->lik))
        return 1;
    double np = n_opt + 1;
    fit->loglik = -0.5 * fit->lik;
    fit->aic = fit->lik + 2 * np;
    fit->bic = fit->lik + log((double) n) * np;
    fit->aicc = fit->aic + 2 * np * (np + 1) / ((double) n - np - 1);
    fit->mse = amse[0];
    fit->amse = lagrs_r_mean(amse, d->ctl->nmse);
    int n_given = 0;
    for (int i = 0; i < 4; i++)
        n_given += fit->estimated[i] == 0 && ((i == 0) || (i == 1 && d->spec->trend) ||
                                              (i == 2 && d->spec->season) ||
                                              (i == 3 && d->spec->damped));
    fit->n_par = n_opt + n_given;
    long double sse = 0.0L;
    for (R_xlen_t t = 0; t < n; t++)
        sse += d->e[t] * d->e[t];
    fit->sigma2 = (double) sse / ((double) n - fit->n_par);
    return 0;
}

int ets_fit_model(const double *y, R_xlen_t n, const ets_spec *spec_in,
                  const ets_control *ctl, double *work, ets_model_fit *fit)
{
    ets_spec spec = *spec_in;
    if (spec.season == ETS_NONE)
        spec.m = 1;
    objective_data d = {y, n, &spec, ctl, {0, 0, 0, 1}, {0, 0, 0, 0}, {0}, {0}, 0, work};
    model_bounds(ctl, d.lower, d.upper);
    double start[4 + ETS_MAX_STATE], best[4 + ETS_MAX_STATE];
    int n_params = ets_initial_params(ctl, &spec, d.lower, d.upper, start);
    /* the parameters at the start, given or not, must be in range */
    ets_params p0 = {ctl->alpha, 0, 0, 1};
    int k = 0, present[4] = {1, spec.trend != ETS_NONE, spec.season != ETS_NONE,
                             spec.damped};
    const double given[4] = {ctl->alpha, ctl->beta, ctl->gamma, ctl->phi};
    double *slot[4] = {&p0.alpha, &p0.beta, &p0.gamma, &p0.phi};
    for (int i = 0; i < 4; i++) {
        if (!present[i])
            continue;
        d.estimated[i] = isnan(given[i]);
        *slot[i] = d.estimated[i] ? start[k++] : given[i];
    }
    d.fixed = p0;
    memcpy(fit->estimated, d.estimated, sizeof d.estimated);
    fit->spec = spec;
    fit->n_state = ets_state_size(&spec);
    if (!ets_params_ok(&p0, &spec, present, d.lower, d.upper, ctl->bounds))
        return 1;
    int n_init = ets_initial_states(y, n, spec.trend, spec.season, spec.m, work + n,
                                    start + n_params);
    if (n_init < 0)
        return 1;
    d.n_state = n_init;
    int n_opt = n_params + n_init;
    if (n_opt >= n - 1)
        return 1;
    lagrs_nm_control nm = lagrs_nm_defaults();
    nm.maxit = ETS_MAXIT;
    double value;
    int fncount;
    int status = lagrs_nelder_mead(n_opt, start, objective, &d, &nm, best, &value, &fncount);
    if (status < 0)
        return 1;
    fit->convergence = status;
    return finish_fit(y, n, &d, best, n_opt, fit);
}
