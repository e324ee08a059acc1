#include "model_theta.h"
#include "nelder_mead.h"
#include "decompose.h"
#include "unitroot.h"
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The standard Theta method (Assimakopoulos & Nikolopoulos 2000), as
 * forecast::thetaf() computes it (Hyndman & Billah 2003: simple exponential
 * smoothing with drift):
 *   1. a series of period m > 1, not constant and longer than 2m, is
 *      seasonal when its lag-m autocorrelation passes the 90% test
 *      |r_m| > qnorm(0.95) sqrt((1 + 2 sum_{k<m} r_k^2) / n);
 *      it is then divided by the seasonal indexes of a classical
 *      multiplicative decomposition (stats::decompose()), unless an index
 *      is below 1e-4 in size;
 *   2. SES is fitted as forecast::ses() fits it: ets(model = "ANN",
 *      opt.crit = "mse"), alpha and the initial level found by R's
 *      Nelder-Mead from alpha = 0.20006 and the mean of the first ten
 *      values, alpha kept in [1e-4, 0.9999]; a series of six values or
 *      fewer goes, as in ets(), to HoltWintersZZ(): the level starts at the
 *      first value and alpha in [0, 1] minimises the sum of squares;
 *   3. the forecast is the SES level plus the drift b/2 (b the slope of the
 *      least-squares line through the adjusted series) times
 *      h - 1 + (1 - (1 - alpha)^n) / alpha, reseasonalised;
 *   4. the intervals are normal with variance sigma2 (1 + (h - 1) alpha^2),
 *      sigma2 the SES residual variance as ets() gives it.
 * Sums that R accumulates in long double (sum, mean, colMeans) are too. */

static const char *const option_names[] = {"period"};
static const char *const code_names[] = {"period", "seasonal"};
static const char *const info_names[] = {"mse"};

typedef struct {
    int period;  /* 0: each series' own frequency */
} theta_options;

/* The state: the coefficients first, then what forecast reads, then, for a
 * seasonal fit, the indexes of the next `period` steps. */
enum { ST_ALPHA, ST_LEVEL0, ST_DRIFT, ST_N_COEF,
       ST_LEVEL = ST_N_COEF, ST_SIGMA2, ST_N, ST_PERIOD, ST_SEASONAL, ST_HEADER };

/* ets()'s limits on alpha and its first guess (initparam()) */
#define ETS_ALPHA_LOWER 1e-4
#define ETS_ALPHA_UPPER 0.9999
#define ETS_MAXIT 2000
/* ets() fits series of more values than this; shorter ones go to HoltWintersZZ() */
#define ETS_MIN_N 6
#define SMALL_INDEX 1e-4
#define ALL_EQUAL_TOL 1.5e-8  /* all.equal()'s tolerance */

enum { THETA_ERR_INPUT = LAGRS_FIT_ERROR, THETA_ERR_TOO_SHORT, THETA_ERR_MEMORY,
       THETA_ERR_FIT };

static int theta_parse(const double *v, void *options, char *message)
{
    theta_options *o = (theta_options *) options;
    o->period = 0;
    if (isnan(v[0]))
        return LAGRS_FIT_OK;
    if (!(v[0] >= 1 && v[0] <= INT_MAX && v[0] == floor(v[0]))) {
        snprintf(message, LAGRS_MSG_LEN, "`period` must be a positive whole number");
        return LAGRS_FIT_ERROR;
    }
    o->period = (int) v[0];
    return LAGRS_FIT_OK;
}

static double theta_work(const void *options, R_xlen_t n)
{
    (void) options;
    return 400.0 * (double) n;
}

/* ---- R's sums ----------------------------------------------------------- */

/* forecast's is.constant(): all.equal(x, rep(x[1], n)), which compares only
 * the values that differ from x[1], relatively when they are not tiny. */
static int nearly_constant(const double *x, R_xlen_t n)
{
    long double diff = 0.0L, size = 0.0L;
    R_xlen_t n_diff = 0;
    for (R_xlen_t t = 0; t < n; t++) {
        if (x[t] == x[0])
            continue;
        diff += fabs(x[t] - x[0]);
        size += fabs(x[t]);
        n_diff++;
    }
    if (n_diff == 0)
        return 1;
    double xy = (double) diff / (double) n_diff, xn = (double) size / (double) n_diff;
    if (isfinite(xn) && xn > ALL_EQUAL_TOL)
        xy /= xn;
    return xy <= ALL_EQUAL_TOL;
}

/* ---- step 1: the seasonal test and the decomposition ------------------- */

/* acf(x, lag.max = m)'s correlation at lag k, the series centred by its
 * colMeans() (a long double mean without correction), as stats' acf0. */
static double autocovariance(const double *centred, R_xlen_t n, int lag)
{
    double sum = 0.0;
    for (R_xlen_t i = 0; i < n - lag; i++)
        sum += centred[i + lag] * centred[i];
    return sum / (double) n;
}

static int seasonal_test(const double *y, R_xlen_t n, int m, double *work)
{
    long double s = 0.0L;
    for (R_xlen_t t = 0; t < n; t++)
        s += y[t];
    double mean = (double) (s / n);
    for (R_xlen_t t = 0; t < n; t++)
        work[t] = y[t] - mean;
    double c0 = autocovariance(work, n, 0), se = sqrt(c0), sum_sq = 0.0, r_m = 0.0;
    for (int k = 1; k <= m; k++) {
        double r = autocovariance(work, n, k) / (se * se);
        r = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
        if (k < m)
            sum_sq += r * r;
        else
            r_m = r;
    }
    double stat = sqrt((1 + 2 * sum_sq) / (double) n);
    return fabs(r_m) / stat > lagrs_qnorm(0.95);
}

/* ---- step 2: simple exponential smoothing ------------------------------ */

typedef struct {
    const double *x;
    R_xlen_t n;
} ses_data;

/* ets()'s "mse" objective for ANN (forecast's etscalc): the running mean of
 * the squared one-step errors, updated as etscalc updates it. */
static double ets_mse(int n_par, const double *par, void *ctx)
{
    (void) n_par;
    const ses_data *d = (const ses_data *) ctx;
    double alpha = par[0], level = par[1], mse = 0.0, denom = 0.0;
    if (alpha < ETS_ALPHA_LOWER || alpha > ETS_ALPHA_UPPER)
        return INFINITY;
    for (R_xlen_t t = 0; t < d->n; t++) {
        double error = d->x[t] - level;
        denom += 1.0;
        mse = (mse * (denom - 1.0) + error * error) / denom;
        level = level + alpha * (d->x[t] - level);
    }
    return mse;
}

/* HoltWintersZZ()'s objective: the sum of squares from the first value. */
static double hw_sse(double alpha, const ses_data *d)
{
    double level = d->x[0], sse = 0.0;
    for (R_xlen_t t = 0; t < d->n; t++) {
        double error = d->x[t] - level;
        sse = sse + error * error;
        level = alpha * d->x[t] + (1 - alpha) * level;
    }
    return sse;
}

/* Brent's minimiser on [a, b], as R's optimize() (Brent_fmin). */
static double brent_min(double a, double b, const ses_data *d, double tol)
{
    const double c = (3. - sqrt(5.)) * .5, eps = sqrt(DBL_EPSILON), tol3 = tol / 3.;
    double v = a + c * (b - a), w = v, x = v, dd = 0., e = 0.;
    double fx = hw_sse(x, d), fv = fx, fw = fx;
    for (;;) {
        double xm = (a + b) * .5, tol1 = eps * fabs(x) + tol3, t2 = tol1 * 2.;
        if (fabs(x - xm) <= t2 - (b - a) * .5)
            break;
        double p = 0., q = 0., r = 0., u;
        if (fabs(e) > tol1) {
            r = (x - w) * (fx - fv);
            q = (x - v) * (fx - fw);
            p = (x - v) * q - (x - w) * r;
            q = (q - r) * 2.;
            if (q > 0.)
                p = -p;
            else
                q = -q;
            r = e;
            e = dd;
        }
        if (fabs(p) >= fabs(q * .5 * r) || p <= q * (a - x) || p >= q * (b - x)) {
            e = x < xm ? b - x : a - x;
            dd = c * e;
        } else {
            dd = p / q;
            u = x + dd;
            if (u - a < t2 || b - u < t2)
                dd = x >= xm ? -tol1 : tol1;
        }
        u = fabs(dd) >= tol1 ? x + dd : dd > 0. ? x + tol1 : x - tol1;
        double fu = hw_sse(u, d);
        if (fu <= fx) {
            if (u < x)
                b = x;
            else
                a = x;
            v = w; fv = fw;
            w = x; fw = fx;
            x = u; fx = fu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || w == x) {
                v = w; fv = fw;
                w = u; fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u; fv = fu;
            }
        }
    }
    return x;
}

typedef struct {
    double alpha, level0, level, sigma2, mse;
    int convergence;
} ses_fit;

/* The one-step errors from (alpha, level0), into e; returns the last level. */
static double ses_errors(const double *x, R_xlen_t n, double alpha, double level, int hw,
                         double *e)
{
    for (R_xlen_t t = 0; t < n; t++) {
        e[t] = x[t] - level;
        level = hw ? alpha * x[t] + (1 - alpha) * level : level + alpha * (x[t] - level);
    }
    return level;
}

/* As ets(x, "ANN", opt.crit = "mse"): Nelder-Mead from initparam()'s alpha
 * and initstate()'s level; sigma2 = sum(e^2) / (n - 2). */
static int ses_ets(const double *x, R_xlen_t n, double *e, ses_fit *fit)
{
    ses_data d = {x, n};
    R_xlen_t first = n < 10 ? n : 10;
    double start[2] = {ETS_ALPHA_LOWER + 0.2 * (ETS_ALPHA_UPPER - ETS_ALPHA_LOWER),
                       lagrs_r_mean(x, first)};
    double par[2];
    int fncount;
    lagrs_nm_control ctl = lagrs_nm_defaults();
    ctl.maxit = ETS_MAXIT;
    int status = lagrs_nelder_mead(2, start, ets_mse, &d, &ctl, par, &fit->mse, &fncount);
    if (status < 0)
        return status;
    fit->convergence = status;
    fit->alpha = par[0];
    fit->level0 = par[1];
    fit->level = ses_errors(x, n, par[0], par[1], 0, e);
    long double sse = 0.0L;
    for (R_xlen_t t = 0; t < n; t++)
        sse += e[t] * e[t];
    fit->sigma2 = (double) sse / (double) (n - 2);
    return 0;
}

/* As HoltWintersZZ(x, beta = FALSE, gamma = FALSE): alpha in [0, 1]
 * minimising the sum of squares.  R uses L-BFGS-B from alpha = 0.2 / m;
 * Brent's method and the two ends find the same minimum or a lower one, and
 * the start is kept when nothing is lower (as L-BFGS-B keeps it where the
 * sum does not depend on alpha: two values, or a constant series).
 * sigma2 = mean(e^2). */
static void ses_short(const double *x, R_xlen_t n, int m, double *e, ses_fit *fit)
{
    ses_data d = {x, n};
    double candidates[3] = {brent_min(0.0, 1.0, &d, 1e-10), 0.0, 1.0};
    double alpha = 0.2 / m, best = hw_sse(alpha, &d);
    for (int k = 0; k < 3; k++) {
        double f = hw_sse(candidates[k], &d);
        if (f < best) {
            best = f;
            alpha = candidates[k];
        }
    }
    fit->alpha = alpha;
    fit->level0 = x[0];
    fit->mse = best / (double) n;
    fit->convergence = 0;
    fit->level = ses_errors(x, n, alpha, x[0], 1, e);
    for (R_xlen_t t = 0; t < n; t++)
        e[t] = e[t] * e[t];
    fit->sigma2 = lagrs_r_mean(e, n);
    ses_errors(x, n, alpha, x[0], 1, e);
}

/* ---- step 3: the drift ------------------------------------------------- */

/* Half the slope of lsfit(0:(n - 1), x). */
static double half_slope(const double *x, R_xlen_t n)
{
    double centre = 0.5 * (double) (n - 1);
    long double sxy = 0.0L, sxx = 0.0L;
    for (R_xlen_t t = 0; t < n; t++) {
        double dt = (double) t - centre;
        sxy += dt * x[t];
        sxx += dt * dt;
    }
    return (double) (sxy / sxx) / 2;
}

/* ---- the family -------------------------------------------------------- */

/* Why a series cannot be fitted, or LAGRS_FIT_OK; *constant is set when all
 * values are equal. */
static int screen_series(const double *y, R_xlen_t n, int *constant, char *message)
{
    R_xlen_t n_missing = 0, n_inf = 0;
    *constant = 1;
    for (R_xlen_t t = 0; t < n; t++) {
        if (isnan(y[t]))
            n_missing++;
        else if (isinf(y[t]))
            n_inf++;
        if (y[t] != y[0])
            *constant = 0;
    }
    if (n_missing == n) {
        snprintf(message, LAGRS_MSG_LEN, "all values are missing");
        return THETA_ERR_TOO_SHORT;
    }
    if (n_missing > 0) {
        snprintf(message, LAGRS_MSG_LEN,
                 "%lld missing value%s: Theta needs a complete series (fill or trim it)",
                 (long long) n_missing, n_missing == 1 ? "" : "s");
        return THETA_ERR_INPUT;
    }
    if (n_inf > 0) {
        snprintf(message, LAGRS_MSG_LEN, "the series has %lld infinite value%s",
                 (long long) n_inf, n_inf == 1 ? "" : "s");
        return THETA_ERR_INPUT;
    }
    if (n < 2) {
        snprintf(message, LAGRS_MSG_LEN, "too short: Theta needs at least 2 values");
        return THETA_ERR_TOO_SHORT;
    }
    return LAGRS_FIT_OK;
}

/* The period: the model's, else the series' frequency (whole, or below 1
 * for "no season"); 0 with a message otherwise. */
static int series_period(const theta_options *o, double frequency, char *message)
{
    if (o->period > 0)
        return o->period;
    if (frequency < 1)
        return 1;
    if (frequency != floor(frequency) || frequency > 1e7) {
        snprintf(message, LAGRS_MSG_LEN,
                 "the series' frequency %g is not a whole number: give `period`", frequency);
        return 0;
    }
    return (int) frequency;
}

/* Steps 1 and 2 on y: the seasonal indexes into figure (when seasonal) and
 * the adjusted series into x.  Returns 1 when seasonal; *small_index says why a
 * seasonal series was not adjusted. */
static int deseasonalise(const double *y, R_xlen_t n, int m, double *work, double *figure,
                         double *x, int *small_index)
{
    *small_index = 0;
    memcpy(x, y, sizeof(double) * (size_t) n);
    if (m <= 1 || nearly_constant(y, n) || n <= 2 * (R_xlen_t) m)
        return 0;
    if (!seasonal_test(y, n, m, work))
        return 0;
    int usable = lagrs_decompose_figure(y, n, m, 1, work, figure);
    for (int i = 0; usable && i < m; i++)
        if (fabs(figure[i]) < SMALL_INDEX)
            usable = 0;
    if (!usable) {
        *small_index = 1;
        return 0;
    }
    for (R_xlen_t t = 0; t < n; t++)
        x[t] = y[t] / figure[t % m];
    return 1;
}

static double *theta_state(int seasonal, int m, R_xlen_t *len)
{
    *len = ST_HEADER + (seasonal ? m : 0);
    return malloc(sizeof(double) * (size_t) *len);
}

static void fill_state(double *state, const ses_fit *ses, double drift, R_xlen_t n, int m,
                       int seasonal, const double *figure)
{
    state[ST_ALPHA] = ses->alpha > 1e-10 ? ses->alpha : 1e-10;  /* thetaf's pmax */
    state[ST_LEVEL0] = ses->level0;
    state[ST_DRIFT] = drift;
    state[ST_LEVEL] = ses->level;
    state[ST_SIGMA2] = ses->sigma2;
    state[ST_N] = (double) n;
    state[ST_PERIOD] = m;
    state[ST_SEASONAL] = seasonal;
    /* thetaf repeats tail(decomp$seasonal, m): step j after the end has the
     * index of position (n + j - 1) mod m */
    for (int j = 0; seasonal && j < m; j++)
        state[ST_HEADER + j] = figure[(n + j) % m];
}

static void set_statistics(lagrs_fit *out, const ses_fit *ses, R_xlen_t n)
{
    out->sigma2 = ses->sigma2;
    out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->nobs = (double) n;
    out->convergence = ses->convergence;
    out->info[0] = ses->mse;
    out->coef_offset = 0;
    out->n_coef = ST_N_COEF;
}

/* The residuals as thetaf gives them: y minus the SES fit, reseasonalised. */
static void fill_residuals(const double *y, const double *x, const double *e, R_xlen_t n,
                           int m, int seasonal, const double *figure, double *residuals)
{
    for (R_xlen_t t = 0; t < n; t++) {
        double fitted = x[t] - e[t];
        residuals[t] = y[t] - (seasonal ? fitted * figure[t % m] : fitted);
    }
}

static int theta_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                     lagrs_fit *out)
{
    const theta_options *o = (const theta_options *) options;
    int constant, m = series_period(o, frequency, out->message);
    out->codes[0] = m;
    out->codes[1] = LAGRS_NA_CODE;
    out->convergence = 0;
    if (m == 0)
        return out->status = THETA_ERR_INPUT;
    int status = screen_series(y, n, &constant, out->message);
    if (status != LAGRS_FIT_OK)
        return out->status = status;
    /* x, e, and the decomposition's 2n of work; then the m indexes */
    double *buf = malloc(sizeof(double) * (size_t) (4 * n + m));
    if (buf == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = THETA_ERR_MEMORY;
    }
    double *x = buf, *e = buf + n, *work = buf + 2 * n, *figure = buf + 4 * n;
    int small_index, seasonal = deseasonalise(y, n, m, work, figure, x, &small_index);
    out->codes[1] = seasonal;
    ses_fit ses;
    if (n > ETS_MIN_N)
        status = ses_ets(x, n, e, &ses);
    else
        ses_short(x, n, m, e, &ses);
    if (status != 0) {
        snprintf(out->message, LAGRS_MSG_LEN, "the SES fit failed (%s)",
                 status == LAGRS_NM_NO_MEMORY ? "out of memory"
                                              : "no finite error at the start");
        free(buf);
        return out->status = THETA_ERR_FIT;
    }
    out->state = theta_state(seasonal, m, &out->state_len);
    if (out->state == NULL) {
        free(buf);
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = THETA_ERR_MEMORY;
    }
    fill_state(out->state, &ses, half_slope(x, n), n, m, seasonal, figure);
    set_statistics(out, &ses, n);
    if (out->residuals != NULL)
        fill_residuals(y, x, e, n, m, seasonal, figure, out->residuals);
    free(buf);
    out->status = LAGRS_FIT_OK;
    if (small_index) {
        out->status = LAGRS_FIT_WARNING;
        snprintf(out->message, LAGRS_MSG_LEN, "seasonal indexes close to zero: "
                 "the non-seasonal Theta method was used (as forecast::thetaf())");
    } else if (constant) {
        out->status = LAGRS_FIT_WARNING;
        snprintf(out->message, LAGRS_MSG_LEN, "the series is constant: "
                 "its forecast is that value, with intervals of zero width");
    } else if (ses.convergence != 0) {
        out->status = LAGRS_FIT_WARNING;
        snprintf(out->message, LAGRS_MSG_LEN,
                 "the SES fit did not converge (Nelder-Mead code %d)", ses.convergence);
    }
    return out->status;
}

static int theta_forecast(const void *options, const double *state, R_xlen_t state_len,
                          int h, const double *levels, int n_levels, double *mean,
                          double *lower, double *upper, char *message)
{
    (void) options;
    (void) state_len;
    double alpha = state[ST_ALPHA], drift = state[ST_DRIFT], n = state[ST_N];
    int m = (int) state[ST_PERIOD], seasonal = state[ST_SEASONAL] != 0;
    double *se = malloc(sizeof(double) * (size_t) (h > 0 ? h : 1));
    if (se == NULL) {
        if (message != NULL)
            snprintf(message, LAGRS_MSG_LEN, "out of memory");
        return THETA_ERR_MEMORY;
    }
    double start = (1 - pow(1 - alpha, n)) / alpha, sigma = sqrt(state[ST_SIGMA2]);
    for (int j = 0; j < h; j++) {
        mean[j] = state[ST_LEVEL] + drift * ((double) j + start);
        if (seasonal)
            mean[j] = mean[j] * state[ST_HEADER + j % m];
        se[j] = sigma * sqrt((double) j * (alpha * alpha) + 1);
    }
    lagrs_normal_intervals(mean, se, h, levels, n_levels, lower, upper);
    free(se);
    return LAGRS_FIT_OK;
}

/* The seasonal index of position t of a series, from a state made at
 * length n_fit (which keeps the indexes of positions n_fit .. n_fit + m - 1). */
static double state_index(const double *state, R_xlen_t n_fit, int m, R_xlen_t t)
{
    R_xlen_t k = (t - n_fit) % m;
    return state[ST_HEADER + (k < 0 ? k + m : k)];
}

/* The filter: the fit's alpha, initial level, drift, sigma2 and seasonal
 * indexes (by position, as its decomposition gave them) frozen, on a
 * longer stretch y: y divided by the indexes, SES with the fit's alpha
 * from its initial level, and the forecast from the stretch's last level
 * and length (thetaf's drift term uses the length).  Nothing is estimated,
 * not even the seasonal test. */
static int theta_filter(const void *options, const double *state, R_xlen_t state_len,
                        const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) options;
    (void) frequency;
    int m = (int) state[ST_PERIOD], seasonal = state[ST_SEASONAL] != 0, constant;
    R_xlen_t n_fit = (R_xlen_t) state[ST_N];
    out->codes[0] = m;
    out->codes[1] = seasonal;
    out->convergence = 0;
    int status = screen_series(y, n, &constant, out->message);
    if (status != LAGRS_FIT_OK)
        return out->status = status;
    out->state = malloc(sizeof(double) * (size_t) state_len);
    if (out->state == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = THETA_ERR_MEMORY;
    }
    out->state_len = state_len;
    memcpy(out->state, state, sizeof(double) * (size_t) state_len);
    double alpha = state[ST_ALPHA], level = state[ST_LEVEL0];
    int hw = n_fit <= ETS_MIN_N;  /* the short fits' form of the recursion */
    for (R_xlen_t t = 0; t < n; t++) {
        double index = seasonal ? state_index(state, n_fit, m, t) : 1;
        double x = seasonal ? y[t] / index : y[t], e = x - level;
        if (out->residuals != NULL)
            out->residuals[t] = y[t] - (seasonal ? (x - e) * index : x - e);
        level = hw ? alpha * x + (1 - alpha) * level : level + alpha * (x - level);
    }
    out->state[ST_LEVEL] = level;
    out->state[ST_N] = (double) n;
    for (int j = 0; seasonal && j < m; j++)
        out->state[ST_HEADER + j] = state_index(state, n_fit, m, n + j);
    out->sigma2 = state[ST_SIGMA2];
    out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->nobs = (double) n;
    out->coef_offset = 0;
    out->n_coef = ST_N_COEF;
    return out->status = LAGRS_FIT_OK;
}

static int theta_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                           size_t size)
{
    (void) options;
    (void) fit;
    static const char *const names[] = {"alpha", "l", "drift"};
    if (k < 0 || k >= ST_N_COEF)
        return 0;
    snprintf(buf, size, "%s", names[k]);
    return 1;
}

static void theta_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    (void) options;
    (void) fit;
    snprintf(buf, size, "Theta");
}

const lagrs_family lagrs_family_theta = {
    "theta",
    1, option_names, sizeof(theta_options),
    2, code_names,
    1, info_names,
    theta_parse, theta_work, theta_fit, theta_forecast, theta_coef_name, theta_label,
    theta_filter
};
/* ---- the optimised Theta models: OTM and DOTM --------------------------- */

/* Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler (2016), as forecTheta
 * (3.0.3) computes them in twoTL(), the function behind its otm() and dotm():
 *   1. a series of period m >= 3 and at least 2m values is seasonal when
 *      |r_m| > 1.64 sqrt(1 + 2 sum_{k<m} r_k^2) / sqrt(n) (1.64, not
 *      qnorm(0.95)); it is then divided by decompose()'s multiplicative
 *      indexes (no small-index rule; an unusable index warns and skips it);
 *   2. on the adjusted series y_1..y_n, with w = 1 - 1/theta,
 *        mu_{t+1}   = l_t + w (A_t (1 - alpha)^t + B_t (1 - (1 - alpha)^(t+1)) / alpha)
 *        l_{t+1}    = alpha y_{t+1} + (1 - alpha) l_t,   l_1 = alpha y_1 + (1 - alpha) l_0
 *        Ybar_{t+1} = (t Ybar_t + y_{t+1}) / (t + 1),    Ybar_1 = y_1
 *      OTM:  A_t = A_n and B_t = B_n, the least-squares line through all of y
 *            (B_n = 6 (2 mean(t y_t) - (n + 1) mean(y)) / (n^2 - 1),
 *            A_n = mean(y) - (n + 1) B_n / 2), and mu_1 = l_0 + w (A_n + B_n);
 *      DOTM: B_{t+1} = ((t - 1) B_t + 6 (y_{t+1} - Ybar_t) / (t + 1)) / (t + 2),
 *            A_{t+1} = Ybar_{t+1} - (t + 2) B_{t+1} / 2, from A_1 = y_1,
 *            B_1 = 0 and mu_1 = y_1;
 *   3. (l_0, alpha, theta) minimise sum_t ((y_t - mu_t) / mean|y|)^2 over
 *      t >= 1 (OTM) or t >= 3 (DOTM): R's Nelder-Mead with optim()'s
 *      defaults from (y_1 / 2, 0.5, 2) (y_1 before adjustment), the
 *      objective 1e300 outside l_0 in [-1e10, 1e10], alpha in [0.1, 0.99],
 *      theta in [1, 1e10];
 *   4. the forecasts continue the recursions with y_{n+j} = mu_{n+j} (so
 *      DOTM's line keeps moving), reseasonalised;
 *   5. the intervals are normal.  With y_{n+j} = mu_{n+j} + e_{n+j} every
 *      recursion is linear in the e's, so step j's variance is
 *      sigma^2 sum_k c_{jk}^2, c_{jk} the effect of e_{n+k} on y_{n+j}
 *      (1 + (j - 1) alpha^2 for OTM); sigma is the standard deviation of
 *      the residuals from the third on, as forecTheta's, and the bounds are
 *      reseasonalised, as forecTheta's.  (forecTheta simulates 10,000 paths
 *      instead, and for OTM updates A and B along them as DOTM does.) */

#define OTM_LEVEL_BOUND 1e10
#define OTM_ALPHA_LOWER 0.1
#define OTM_ALPHA_UPPER 0.99
#define OTM_THETA_LOWER 1.0
#define OTM_THETA_UPPER 1e10
#define OTM_OUT_OF_BOUNDS 1e300
#define OTM_SEASONAL_Z 1.64
#define OTM_MIN_PERIOD 3
#define OTM_FIRST_DYNAMIC_ERROR 2  /* DOTM's objective skips mu_1 = y_1 and mu_2 */

/* A family of its own ("theta_otm", options period and type), so that the
 * standard family above keeps its options and code untouched. */
static const char *const otm_option_names[] = {"period", "type"};

typedef struct {
    int period;  /* 0: each series' own frequency */
    int type;    /* LAGRS_THETA_OPTIMIZED or LAGRS_THETA_DYNAMIC */
} otm_options;

/* The recursions' state after t values; linear in (level, mean_y, a, b) and
 * the values, which is what the interval variances use. */
typedef struct {
    double alpha, theta, level, mean_y, a, b;
    R_xlen_t t;
    int dynamic;
} otm_state;

/* x^y as R's `^` computes it (R_POW squares by multiplication) */
static double r_pow(double x, double y)
{
    return y == 2.0 ? x * x : pow(x, y);
}

/* mu_{t+1}, from the state after t values */
static double otm_predict(const otm_state *s)
{
    double weight = 1 - 1 / s->theta, decay = 1 - s->alpha;
    return s->level + weight * (s->a * r_pow(decay, (double) s->t) +
                                s->b * (1 - r_pow(decay, (double) (s->t + 1))) / s->alpha);
}

/* The state after one more value, y_{t+1} */
static void otm_update(otm_state *s, double y)
{
    double t = (double) s->t, previous_mean = s->mean_y;
    s->level = s->alpha * y + (1 - s->alpha) * s->level;
    s->mean_y = (t * s->mean_y + y) / (t + 1);
    if (s->dynamic) {
        s->b = ((t - 1) * s->b + 6 * (y - previous_mean) / (t + 1)) / (t + 2);
        s->a = s->mean_y - s->b * (t + 2) / 2;
    }
    s->t++;
}

typedef struct {
    const double *x;      /* the adjusted series */
    R_xlen_t n;
    double a_n, b_n;      /* OTM's line */
    double scale;         /* mean |x|, the objective's unit */
    int dynamic;
} otm_data;

/* Runs the recursions from par = (l_0, alpha, theta) through x: the
 * predictions into mu (when not NULL), the state after x_n into *s.
 * Returns the objective. */
static double otm_filter(const otm_data *d, const double *par, otm_state *s, double *mu)
{
    double alpha = par[1], theta = par[2], prediction;
    s->alpha = alpha;
    s->theta = theta;
    s->dynamic = d->dynamic;
    s->level = alpha * d->x[0] + (1 - alpha) * par[0];
    s->mean_y = d->x[0];
    s->t = 1;
    if (d->dynamic) {
        s->a = d->x[0];
        s->b = 0;
        prediction = d->x[0];
    } else {
        s->a = d->a_n;
        s->b = d->b_n;
        prediction = par[0] + (1 - 1 / theta) * (d->a_n + d->b_n);
    }
    R_xlen_t first = d->dynamic ? OTM_FIRST_DYNAMIC_ERROR : 0;
    long double sum = 0.0L;  /* R's sum() */
    for (R_xlen_t t = 0; t < d->n; t++) {
        if (t > 0) {
            prediction = otm_predict(s);
            otm_update(s, d->x[t]);
        }
        if (mu != NULL)
            mu[t] = prediction;
        if (t >= first) {
            double error = (d->x[t] - prediction) / d->scale;
            sum += error * error;
        }
    }
    return (double) sum;
}

static double otm_objective(int n_par, const double *par, void *ctx)
{
    (void) n_par;
    otm_state s;
    if (par[0] < -OTM_LEVEL_BOUND || par[0] > OTM_LEVEL_BOUND || par[1] < OTM_ALPHA_LOWER ||
        par[1] > OTM_ALPHA_UPPER || par[2] < OTM_THETA_LOWER || par[2] > OTM_THETA_UPPER)
        return OTM_OUT_OF_BOUNDS;
    return otm_filter((const otm_data *) ctx, par, &s, NULL);
}

/* OTM's A_n and B_n, as twoTL computes them */
static void otm_line(const double *x, R_xlen_t n, double *work, double *a_n, double *b_n)
{
    for (R_xlen_t t = 0; t < n; t++)
        work[t] = (double) (t + 1) * x[t];
    double mean_ty = lagrs_r_mean(work, n), mean_y = lagrs_r_mean(x, n), size = (double) n;
    *b_n = 6 * (2 * mean_ty - (1 + size) * mean_y) / (size * size - 1);
    *a_n = mean_y - (size + 1) * *b_n / 2;
}

/* forecTheta's seasonal_test(): acf() as seasonal_test() above reads it,
 * the limit from cumsum(c(1, 2 r^2)) (a long double sum in R). */
static int otm_seasonal_test(const double *y, R_xlen_t n, int m, double *work)
{
    long double s = 0.0L;
    for (R_xlen_t t = 0; t < n; t++)
        s += y[t];
    double mean = (double) (s / n);
    for (R_xlen_t t = 0; t < n; t++)
        work[t] = y[t] - mean;
    double c0 = autocovariance(work, n, 0), r_m = 0.0;
    long double cumulative = 1.0L;
    for (int k = 1; k <= m; k++) {
        double r = autocovariance(work, n, k) / (sqrt(c0) * sqrt(c0));
        r = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
        if (k < m)
            cumulative += 2 * (r * r);
        else
            r_m = r;
    }
    return fabs(r_m) > OTM_SEASONAL_Z / sqrt((double) n) * sqrt((double) cumulative);
}

/* Step 1: the adjusted series into x, the indexes into figure when
 * seasonal (returns 1); *bad_index when a seasonal series' indexes are not
 * usable (not finite, or zero). */
static int otm_deseasonalise(const double *y, R_xlen_t n, int m, double *work,
                             double *figure, double *x, int *bad_index)
{
    *bad_index = 0;
    memcpy(x, y, sizeof(double) * (size_t) n);
    if (m < OTM_MIN_PERIOD || n < 2 * (R_xlen_t) m || !otm_seasonal_test(y, n, m, work))
        return 0;
    int usable = lagrs_decompose_figure(y, n, m, 1, work, figure);
    for (int i = 0; usable && i < m; i++)
        usable = figure[i] != 0;
    if (!usable) {
        *bad_index = 1;
        return 0;
    }
    for (R_xlen_t t = 0; t < n; t++)
        x[t] = y[t] / figure[t % m];
    return 1;
}

/* What otm_forecast reads: the coefficients, the state after y_n, sigma^2,
 * then for a seasonal fit the indexes of the next `period` steps. */
enum { OT_ALPHA, OT_LEVEL0, OT_THETA, OT_N_COEF,
       OT_LEVEL = OT_N_COEF, OT_MEAN_Y, OT_A, OT_B, OT_N, OT_DYNAMIC, OT_SIGMA2, OT_PERIOD,
       OT_SEASONAL, OT_HEADER };

/* sd(x - mu)^2 from the third residual on, as forecTheta's sd.error */
static double otm_sigma2(const double *x, const double *mu, R_xlen_t n, double *work)
{
    R_xlen_t count = n - OTM_FIRST_DYNAMIC_ERROR;
    for (R_xlen_t t = 0; t < count; t++)
        work[t] = x[t + OTM_FIRST_DYNAMIC_ERROR] - mu[t + OTM_FIRST_DYNAMIC_ERROR];
    double mean = lagrs_r_mean(work, count);
    long double sum = 0.0L;
    for (R_xlen_t t = 0; t < count; t++)
        sum += (work[t] - mean) * (work[t] - mean);
    return (double) (sum / (count - 1));
}

static void otm_fill_state(double *state, const otm_state *s, const double *par,
                           double sigma2, int m, int seasonal, const double *figure)
{
    state[OT_LEVEL0] = par[0];
    state[OT_ALPHA] = par[1];
    state[OT_THETA] = par[2];
    state[OT_LEVEL] = s->level;
    state[OT_MEAN_Y] = s->mean_y;
    state[OT_A] = s->a;
    state[OT_B] = s->b;
    state[OT_N] = (double) s->t;
    state[OT_DYNAMIC] = s->dynamic;
    state[OT_SIGMA2] = sigma2;
    state[OT_PERIOD] = m;
    state[OT_SEASONAL] = seasonal;
    for (int j = 0; seasonal && j < m; j++)  /* snaive() of the indexes */
        state[OT_HEADER + j] = figure[(s->t + j) % m];
}

/* The fit's statistics, info (the mean squared one-step error over the
 * objective's range) and residuals (y minus the reseasonalised mu). */
static void otm_outputs(lagrs_fit *out, const otm_data *d, const double *y, const double *mu,
                        double sigma2, int m, int seasonal, const double *figure)
{
    R_xlen_t first = d->dynamic ? OTM_FIRST_DYNAMIC_ERROR : 0;
    long double sse = 0.0L;
    for (R_xlen_t t = first; t < d->n; t++)
        sse += (d->x[t] - mu[t]) * (d->x[t] - mu[t]);
    out->sigma2 = sigma2;
    out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->nobs = (double) d->n;
    out->info[0] = (double) (sse / (d->n - first));
    out->coef_offset = 0;
    out->n_coef = OT_N_COEF;
    for (R_xlen_t t = 0; out->residuals != NULL && t < d->n; t++)
        out->residuals[t] = y[t] - (seasonal ? figure[t % m] * mu[t] : mu[t]);
}

static int otm_status(lagrs_fit *out, int bad_index, int constant, int convergence)
{
    out->status = LAGRS_FIT_OK;
    if (bad_index)
        snprintf(out->message, LAGRS_MSG_LEN, "seasonal indexes not usable (zero or not "
                 "finite): the series was not seasonally adjusted");
    else if (constant)
        snprintf(out->message, LAGRS_MSG_LEN, "the series is constant");
    else if (convergence != 0)
        snprintf(out->message, LAGRS_MSG_LEN,
                 "the optimiser did not converge (Nelder-Mead code %d)", convergence);
    else
        return out->status;
    return out->status = LAGRS_FIT_WARNING;
}

/* Steps 2 and 3 on the adjusted x, then the state.  Returns 0, or a status. */
static int otm_estimate(otm_data *d, const double *y, double *mu, double *work, int m,
                        int seasonal, const double *figure, lagrs_fit *out)
{
    otm_line(d->x, d->n, work, &d->a_n, &d->b_n);
    for (R_xlen_t t = 0; t < d->n; t++)
        work[t] = fabs(d->x[t]);
    d->scale = lagrs_r_mean(work, d->n);
    if (!(d->scale > 0))  /* all zero: any unit gives the same minimum */
        d->scale = 1;
    double start[3] = {y[0] / 2, 0.5, 2}, par[3], value;
    int fncount;
    lagrs_nm_control ctl = lagrs_nm_defaults();
    int status = lagrs_nelder_mead(3, start, otm_objective, d, &ctl, par, &value, &fncount);
    if (status < 0) {
        snprintf(out->message, LAGRS_MSG_LEN, "the optimisation failed (%s)",
                 status == LAGRS_NM_NO_MEMORY ? "out of memory" : "no finite error at the start");
        return THETA_ERR_FIT;
    }
    out->convergence = status;
    otm_state s;
    otm_filter(d, par, &s, mu);
    double sigma2 = otm_sigma2(d->x, mu, d->n, work);
    out->state_len = OT_HEADER + (seasonal ? m : 0);
    out->state = malloc(sizeof(double) * (size_t) out->state_len);
    if (out->state == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return THETA_ERR_MEMORY;
    }
    otm_fill_state(out->state, &s, par, sigma2, m, seasonal, figure);
    otm_outputs(out, d, y, mu, sigma2, m, seasonal, figure);
    return 0;
}

static int otm_fit_series(const otm_options *o, const double *y, R_xlen_t n, double frequency,
                   lagrs_fit *out)
{
    theta_options period = {o->period};
    int constant, m = series_period(&period, frequency, out->message);
    out->codes[0] = m;
    out->codes[1] = LAGRS_NA_CODE;
    out->convergence = 0;
    if (m == 0)
        return out->status = THETA_ERR_INPUT;
    int status = screen_series(y, n, &constant, out->message);
    if (status != LAGRS_FIT_OK)
        return out->status = status;
    if (n < LAGRS_THETA_OTM_MIN_N) {
        snprintf(out->message, LAGRS_MSG_LEN, "too short: OTM and DOTM need at least %d values",
                 LAGRS_THETA_OTM_MIN_N);
        return out->status = THETA_ERR_TOO_SHORT;
    }
    /* x, mu, and the decomposition's 2n of work; then the m indexes */
    double *buf = malloc(sizeof(double) * (size_t) (4 * n + m));
    if (buf == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory");
        return out->status = THETA_ERR_MEMORY;
    }
    double *x = buf, *mu = buf + n, *work = buf + 2 * n, *figure = buf + 4 * n;
    int bad_index, seasonal = otm_deseasonalise(y, n, m, work, figure, x, &bad_index);
    out->codes[1] = seasonal;
    otm_data d = {x, n, 0, 0, 1, o->type == LAGRS_THETA_DYNAMIC};
    status = otm_estimate(&d, y, mu, work, m, seasonal, figure, out);
    free(buf);
    if (status != 0)
        return out->status = status;
    return otm_status(out, bad_index, constant, out->convergence);
}

/* The variance factors sum_k c_{jk}^2 of step j into factor[j]: a shock of
 * one at step k run through the (linear) recursions with no other value. */
static void otm_variance_factors(const double *state, int h, double *factor)
{
    for (int j = 0; j < h; j++)
        factor[j] = 1;
    for (int k = 0; k + 1 < h; k++) {
        otm_state shock = {state[OT_ALPHA], state[OT_THETA], 0, 0, 0, 0,
                           (R_xlen_t) state[OT_N] + k, state[OT_DYNAMIC] != 0};
        otm_update(&shock, 1.0);
        for (int j = k + 1; j < h; j++) {
            double effect = otm_predict(&shock);
            factor[j] += effect * effect;
            otm_update(&shock, effect);
        }
    }
}

static int otm_forecast(const double *state, int h, const double *levels, int n_levels,
                        double *mean, double *lower, double *upper, char *message)
{
    double *se = malloc(sizeof(double) * (size_t) (h > 0 ? h : 1));
    if (se == NULL) {
        if (message != NULL)
            snprintf(message, LAGRS_MSG_LEN, "out of memory");
        return THETA_ERR_MEMORY;
    }
    otm_state s = {state[OT_ALPHA], state[OT_THETA], state[OT_LEVEL], state[OT_MEAN_Y],
                   state[OT_A], state[OT_B], (R_xlen_t) state[OT_N], state[OT_DYNAMIC] != 0};
    int m = (int) state[OT_PERIOD], seasonal = state[OT_SEASONAL] != 0;
    double sigma = sqrt(state[OT_SIGMA2]);
    otm_variance_factors(state, h, se);
    for (int j = 0; j < h; j++) {
        mean[j] = otm_predict(&s);
        otm_update(&s, mean[j]);
        se[j] = sigma * sqrt(se[j]);
        if (seasonal) {
            mean[j] = state[OT_HEADER + j % m] * mean[j];
            se[j] = fabs(state[OT_HEADER + j % m]) * se[j];
        }
    }
    lagrs_normal_intervals(mean, se, h, levels, n_levels, lower, upper);
    free(se);
    return LAGRS_FIT_OK;
}

static int otm_parse(const double *v, void *options, char *message)
{
    otm_options *o = (otm_options *) options;
    if (!(v[1] == LAGRS_THETA_OPTIMIZED || v[1] == LAGRS_THETA_DYNAMIC)) {
        snprintf(message, LAGRS_MSG_LEN, "`type` must be \"optimized\" or \"dynamic\"");
        return LAGRS_FIT_ERROR;
    }
    o->type = (int) v[1];
    theta_options period;
    int status = theta_parse(v, &period, message);
    o->period = period.period;
    return status;
}

static double otm_work(const void *options, R_xlen_t n)
{
    (void) options;
    return 3000.0 * (double) n;  /* a few hundred runs of the recursions */
}

static int otm_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                   lagrs_fit *out)
{
    return otm_fit_series((const otm_options *) options, y, n, frequency, out);
}

static int otm_family_forecast(const void *options, const double *state, R_xlen_t state_len,
                               int h, const double *levels, int n_levels, double *mean,
                               double *lower, double *upper, char *message)
{
    (void) options;
    (void) state_len;
    return otm_forecast(state, h, levels, n_levels, mean, lower, upper, message);
}

static int otm_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                         size_t size)
{
    (void) options;
    (void) fit;
    static const char *const names[] = {"alpha", "l", "theta"};
    if (k < 0 || k >= OT_N_COEF)
        return 0;
    snprintf(buf, size, "%s", names[k]);
    return 1;
}

static void otm_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    (void) fit;
    int dynamic = ((const otm_options *) options)->type == LAGRS_THETA_DYNAMIC;
    snprintf(buf, size, "%s", dynamic ? "DOTM" : "OTM");
}

const lagrs_family lagrs_family_theta_otm = {
    "theta_otm",
    2, otm_option_names, sizeof(otm_options),
    2, code_names,
    1, info_names,
    otm_parse, otm_work, otm_fit, otm_family_forecast, otm_coef_name, otm_label,
    NULL  /* no filter yet: cross-validation refits OTM and DOTM at every origin */
};
