#include "model.h"
#include "nelder_mead.h"
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

/* mean(): a long double sum, then one pass of correction */
static double r_mean(const double *x, R_xlen_t n, R_xlen_t stride)
{
    long double s = 0.0L;
    for (R_xlen_t i = 0; i < n; i++)
        s += x[i * stride];
    s /= n;
    if (isfinite((double) s)) {
        long double t = 0.0L;
        for (R_xlen_t i = 0; i < n; i++)
            t += x[i * stride] - s;
        s += t / n;
    }
    return (double) s;
}

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

/* stats::filter(x, f, sides = 2) with decompose()'s centred moving average
 * (weights 1/m, or 1/(2m) at both ends when m is even): NaN at the ends. */
static void moving_average(const double *y, R_xlen_t n, int m, double *trend)
{
    int n_filter = m % 2 == 0 ? m + 1 : m;
    R_xlen_t shift = n_filter / 2;
    double inner = 1.0 / m, outer = m % 2 == 0 ? 0.5 / m : inner;
    for (R_xlen_t i = 0; i < n; i++) {
        if (i + shift - (n_filter - 1) < 0 || i + shift >= n) {
            trend[i] = NAN;
            continue;
        }
        double z = 0.0;
        for (int j = 0; j < n_filter; j++) {
            double weight = (j == 0 || j == n_filter - 1) ? outer : inner;
            z += weight * y[i + shift - j];
        }
        trend[i] = z;
    }
}

/* decompose(type = "multiplicative")$figure: the mean ratio of the series
 * to its trend at each position of the period, normalised to mean 1.
 * Returns 0 when an index is not finite. */
static int seasonal_indexes(const double *y, R_xlen_t n, int m, double *work,
                            double *figure)
{
    double *ratio = work, *kept = work + n;
    moving_average(y, n, m, ratio);
    for (R_xlen_t t = 0; t < n; t++)
        ratio[t] = y[t] / ratio[t];
    for (int i = 0; i < m; i++) {
        R_xlen_t n_kept = 0;
        for (R_xlen_t t = i; t < n; t += m)
            if (!isnan(ratio[t]))
                kept[n_kept++] = ratio[t];
        figure[i] = n_kept > 0 ? r_mean(kept, n_kept, 1) : NAN;
    }
    double mean = r_mean(figure, m, 1);
    for (int i = 0; i < m; i++) {
        figure[i] /= mean;
        if (!isfinite(figure[i]))
            return 0;
    }
    return 1;
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
                       r_mean(x, first, 1)};
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
    fit->sigma2 = r_mean(e, n, 1);
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
    int usable = seasonal_indexes(y, n, m, work, figure);
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
    theta_parse, theta_work, theta_fit, theta_forecast, theta_coef_name, theta_label
};
