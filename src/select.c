/* Differencing orders for automatic ARIMA order selection, decided the way
 * forecast::auto.arima() decides them: d by the KPSS test
 * (forecast::ndiffs with urca::ur.kpss) and D by seasonal strength
 * (forecast::nsdiffs with forecast:::seas.heuristic on an STL fit).
 *
 * The kernels (everything above the "Entry points" line) are plain C behind
 * select.h; they use no R API and may run in OpenMP threads.  Sums that R
 * accumulates in long double (sum, mean, cumsum, var) are accumulated in long
 * double here too, so that borderline decisions fall the same way. */
#include "lagrs.h"
#include "select.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEAS_THRESHOLD 0.64 /* forecast's cut-off for "seasonally differenced" */
#define MSTL_S_WINDOW 11    /* mstl's s.window for the first (only) period */
#define MAX_REG_COLS 18     /* na.interp: intercept, <= 10 Fourier, <= 6 poly */
#ifndef M_PI
#define M_PI 3.141592653589793238462643383280
#endif

/* ---- small numerical helpers (R's own accumulation order) ------------- */

/* mean(x) as R computes it: a long double sum, refined by a second pass. */
static double r_mean(const double *x, ptrdiff_t n)
{
    long double sum = 0.0L;
    for (ptrdiff_t i = 0; i < n; i++)
        sum += x[i];
    sum /= n;
    if (isfinite((double) sum)) {
        long double correction = 0.0L;
        for (ptrdiff_t i = 0; i < n; i++)
            correction += (x[i] - sum);
        sum += correction / n;
    }
    return (double) sum;
}

/* var(x) as R's cov.c computes it; NaN for fewer than two values. */
static double r_var(const double *x, ptrdiff_t n)
{
    if (n < 2)
        return NAN;
    double center = r_mean(x, n);
    long double sum = 0.0L;
    for (ptrdiff_t i = 0; i < n; i++) {
        double dev = x[i] - center;
        sum += dev * dev;
    }
    return (double) (sum / (n - 1));
}

int lagrs_is_constant(const double *x, ptrdiff_t n)
{
    const double tolerance = ldexp(1.0, -26); /* sqrt(.Machine$double.eps) */
    if (n == 0)
        return 1; /* all.equal(numeric(0), numeric(0)) */
    for (ptrdiff_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return 0;
    double first = x[0];
    ptrdiff_t n_diff = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        if (x[i] != first)
            n_diff++;
    if (n_diff == 0)
        return 1;
    /* all.equal.numeric: scale by the mean absolute value of the elements
     * that differ, unless that is tiny or infinite */
    long double scale_sum = 0.0L;
    for (ptrdiff_t i = 0; i < n; i++)
        if (x[i] != first)
            scale_sum += fabs(x[i]) / (double) n_diff;
    double scale = (double) scale_sum;
    if (!(isfinite(scale) && scale > tolerance))
        scale = 1.0;
    double denom = (double) n_diff * scale;
    long double diff_sum = 0.0L;
    for (ptrdiff_t i = 0; i < n; i++)
        if (x[i] != first)
            diff_sum += fabs(x[i] - first) / denom;
    double mean_diff = (double) diff_sum;
    return !(isnan(mean_diff) || mean_diff > tolerance);
}

/* ---- KPSS ---------------------------------------------------------------- */

int lagrs_kpss_lag(ptrdiff_t n)
{
    return (int) trunc(3.0 * sqrt((double) n) / 13.0);
}

double lagrs_kpss_stat(const double *x, ptrdiff_t n, int lag)
{
    if (n < 1 || lag < 0 || lag >= n)
        return NAN;
    double center = r_mean(x, n);
    long double partial = 0.0L, sum_sq_partial = 0.0L, sum_sq = 0.0L;
    for (ptrdiff_t t = 0; t < n; t++) {
        double e = x[t] - center;
        partial += e;
        double s = (double) partial;
        sum_sq_partial += s * s;
        sum_sq += e * e;
    }
    double nd = (double) n;
    double numerator = (double) sum_sq_partial / (nd * nd);
    double s2 = (double) sum_sq / nd;
    double denominator = s2;
    if (lag > 0) {
        /* Bartlett-weighted autocovariances, each a plain double dot product
         * in time order as the reference BLAS forms it */
        double weighted = 0.0;
        for (int l = 1; l <= lag; l++) {
            double cov = 0.0;
            for (ptrdiff_t t = l; t < n; t++)
                cov += (x[t] - center) * (x[t - l] - center);
            double bartlett = 1.0 - (double) l / ((double) lag + 1.0);
            weighted += cov * bartlett;
        }
        denominator = s2 + 2.0 / nd * weighted;
    }
    return numerator / denominator;
}

double lagrs_kpss_pvalue(double stat)
{
    static const double crit[4] = {0.347, 0.463, 0.574, 0.739};
    const double level[4] = {10.0 / 100.0, 5.0 / 100.0, 2.5 / 100.0, 1.0 / 100.0};
    if (isnan(stat))
        return NAN;
    if (stat < crit[0])
        return level[0];
    if (stat > crit[3])
        return level[3];
    int lo = 0, hi = 3;
    while (lo < hi - 1) {
        int mid = (lo + hi) / 2;
        if (stat < crit[mid])
            hi = mid;
        else
            lo = mid;
    }
    if (stat == crit[hi])
        return level[hi];
    if (stat == crit[lo])
        return level[lo];
    return level[lo] + (level[hi] - level[lo]) *
                           ((stat - crit[lo]) / (crit[hi] - crit[lo]));
}

size_t lagrs_ndiffs_work_size(ptrdiff_t n)
{
    return n > 0 ? (size_t) n : 1;
}

/* 1 = difference, 0 = do not, -1 = the p-value is NA. */
static int kpss_says_difference(const double *x, ptrdiff_t n, double alpha)
{
    double p = lagrs_kpss_pvalue(lagrs_kpss_stat(x, n, lagrs_kpss_lag(n)));
    if (isnan(p))
        return -1;
    return p < alpha;
}

int lagrs_ndiffs_kpss(const double *x, ptrdiff_t n, double alpha, int max_d,
                      double *work, int *d_out, int *notes)
{
    *notes = 0;
    if (max_d < 0 || n < 0 || isnan(alpha))
        return LAGRS_SEL_BAD_ARG;
    if (alpha < 0.01) {
        alpha = 0.01;
        *notes |= LAGRS_SEL_NOTE_ALPHA_CLAMPED;
    } else if (alpha > 0.1) {
        alpha = 0.1;
        *notes |= LAGRS_SEL_NOTE_ALPHA_CLAMPED;
    }
    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_ndiffs_work_size(n) * sizeof(double));
        if (own == NULL)
            return LAGRS_SEL_NOMEM;
        work = own;
    }
    ptrdiff_t len = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            work[len++] = x[i];

    int d = 0;
    if (!lagrs_is_constant(work, len)) {
        int verdict = kpss_says_difference(work, len, alpha);
        while (verdict == 1 && d < max_d) {
            d++;
            for (ptrdiff_t i = 0; i + 1 < len; i++)
                work[i] = work[i + 1] - work[i];
            len = len > 0 ? len - 1 : 0;
            if (lagrs_is_constant(work, len))
                break;
            verdict = kpss_says_difference(work, len, alpha);
            if (verdict < 0) {
                d--;
                break;
            }
        }
    }
    free(own);
    *d_out = d;
    return LAGRS_SEL_OK;
}

/* ---- forecast::na.interp for one seasonal period -------------------------- */

/* Linear interpolation over the present values with constant ends, as
 * approx(idx, x[idx], 1:n, rule = 2): fills the missing values of `fill`
 * (whose present values equal those of `source` where `source` is present). */
static void interp_linear(const double *source, ptrdiff_t n, double *fill)
{
    ptrdiff_t prev = -1;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isnan(source[i]))
            continue;
        if (prev < 0) {
            for (ptrdiff_t j = 0; j < i; j++)
                fill[j] = source[i];
        } else {
            double x0 = (double) (prev + 1), x1 = (double) (i + 1);
            double y0 = source[prev], y1 = source[i];
            for (ptrdiff_t j = prev + 1; j < i; j++)
                fill[j] = y0 + (y1 - y0) * (((double) (j + 1) - x0) / (x1 - x0));
        }
        fill[i] = source[i];
        prev = i;
    }
    for (ptrdiff_t j = prev + 1; j < n; j++)
        fill[j] = source[prev];
}

/* Least-squares fit of the present values of x on the columns of `design`
 * (n rows, n_col columns, column-major), predicting the missing ones into
 * `out`.  Householder QR on the present rows; a column that is (nearly) a
 * combination of earlier ones is left out, as lm() leaves out aliased
 * columns.  `qr` holds n_present * n_col doubles. */
static void regression_fill(const double *x, ptrdiff_t n, const double *design,
                            int n_col, double *qr, double *out)
{
    ptrdiff_t m = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            m++;
    /* qr: columns 0..n_col-1 of the present rows, then the response */
    double *y = qr + (size_t) m * n_col;
    ptrdiff_t r = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        for (int c = 0; c < n_col; c++)
            qr[(size_t) c * m + r] = design[(size_t) c * n + i];
        y[r++] = x[i];
    }
    int keep[MAX_REG_COLS];
    double diag[MAX_REG_COLS], coef[MAX_REG_COLS];
    double orig_norm[MAX_REG_COLS];
    for (int c = 0; c < n_col; c++) {
        double s = 0.0;
        for (ptrdiff_t i = 0; i < m; i++)
            s += qr[(size_t) c * m + i] * qr[(size_t) c * m + i];
        orig_norm[c] = sqrt(s);
    }
    int rank = 0;
    int cols_used[MAX_REG_COLS];
    for (int c = 0; c < n_col; c++) {
        keep[c] = 0;
        if (rank >= m)
            continue;
        double *col = qr + (size_t) c * m;
        double norm = 0.0;
        for (ptrdiff_t i = rank; i < m; i++)
            norm += col[i] * col[i];
        norm = sqrt(norm);
        if (!(norm > 1e-7 * orig_norm[c]) || orig_norm[c] == 0.0)
            continue;
        keep[c] = 1;
        double alpha = col[rank] > 0 ? -norm : norm;
        /* Householder vector v = col[rank..] - alpha e1, stored in place */
        col[rank] -= alpha;
        double vnorm2 = 0.0;
        for (ptrdiff_t i = rank; i < m; i++)
            vnorm2 += col[i] * col[i];
        for (int c2 = c + 1; c2 <= n_col; c2++) {
            double *other = c2 < n_col ? qr + (size_t) c2 * m : y;
            double dot = 0.0;
            for (ptrdiff_t i = rank; i < m; i++)
                dot += col[i] * other[i];
            double f = 2.0 * dot / vnorm2;
            for (ptrdiff_t i = rank; i < m; i++)
                other[i] -= f * col[i];
        }
        diag[c] = alpha;
        cols_used[rank] = c;
        rank++;
    }
    /* back substitution: R b = Q'y, where R's off-diagonal entries sit in
     * rows 0..rank-1 of the later kept columns */
    for (int c = 0; c < n_col; c++)
        coef[c] = 0.0;
    for (int k = rank - 1; k >= 0; k--) {
        int c = cols_used[k];
        double s = y[k];
        for (int k2 = k + 1; k2 < rank; k2++) {
            int c2 = cols_used[k2];
            s -= qr[(size_t) c2 * m + k] * coef[c2];
        }
        coef[c] = s / diag[c];
    }
    for (ptrdiff_t i = 0; i < n; i++) {
        if (!isnan(x[i]))
            continue;
        double pred = 0.0;
        for (int c = 0; c < n_col; c++)
            if (keep[c])
                pred += design[(size_t) c * n + i] * coef[c];
        out[i] = pred;
    }
}

/* forecast::na.interp(x) for a ts of frequency `freq` (>= 2) with at
 * least one missing value, into `fill`.  `work` holds
 * (MAX_REG_COLS + 1) * n + 3 * n + stl work doubles. */
static int na_interp(const double *x, ptrdiff_t n, double period, double *fill,
                     double *work)
{
    ptrdiff_t n_present = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        n_present++;
        if (x[i] < lo)
            lo = x[i];
        if (x[i] > hi)
            hi = x[i];
    }
    if (n_present < 2 || !isfinite(lo) || !isfinite(hi))
        return LAGRS_SEL_MISSING;
    if ((double) n_present <= 2.0 * period) {
        interp_linear(x, n, fill);
        return LAGRS_SEL_OK;
    }

    /* A first guess from Fourier terms and a polynomial trend ... */
    int n_harmonics = period / 2.0 < 5.0 ? (int) (period / 2.0) : 5;
    ptrdiff_t degree = n / 10;
    if (degree < 1)
        degree = 1;
    if (degree > 6)
        degree = 6;
    double *design = work;
    int n_col = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        design[i] = 1.0;
    n_col++;
    for (int k = 1; k <= n_harmonics; k++) {
        double freq = 2.0 * (double) k / period; /* in units of pi */
        if (2.0 * k != period) { /* fourier() drops the all-zero sine */
            for (ptrdiff_t i = 0; i < n; i++)
                design[(size_t) n_col * n + i] = sin(M_PI * fmod(freq * (double) (i + 1), 2.0));
            n_col++;
        }
        for (ptrdiff_t i = 0; i < n; i++)
            design[(size_t) n_col * n + i] = cos(M_PI * fmod(freq * (double) (i + 1), 2.0));
        n_col++;
    }
    /* powers of time rescaled to [-1, 1]: the same column space as poly() */
    double mid = ((double) n + 1.0) / 2.0, half = n > 1 ? ((double) n - 1.0) / 2.0 : 1.0;
    for (int p = 1; p <= degree; p++) {
        for (ptrdiff_t i = 0; i < n; i++)
            design[(size_t) n_col * n + i] = pow(((double) (i + 1) - mid) / half, p);
        n_col++;
    }
    double *qr = design + (size_t) MAX_REG_COLS * n;
    memcpy(fill, x, (size_t) n * sizeof(double));
    regression_fill(x, n, design, n_col, qr, fill);

    /* ... refined by a robust STL: interpolate the seasonally adjusted series
     * and add the seasonal component back */
    double *seasonal = work, *trend = work + n, *adjusted = work + 2 * n;
    double *stl_work = work + 3 * n;
    lagrs_stl_opts opts;
    lagrs_stl_default_opts(period, MSTL_S_WINDOW, 1, &opts);
    int status = lagrs_stl(fill, n, &opts, seasonal, trend, NULL, stl_work);
    if (status != LAGRS_SEL_OK)
        return status;
    for (ptrdiff_t i = 0; i < n; i++) {
        double remainder = (fill[i] - seasonal[i]) - trend[i];
        adjusted[i] = isnan(x[i]) ? NAN : trend[i] + remainder;
    }
    interp_linear(adjusted, n, adjusted);
    int outside = 0;
    double spread = hi - lo;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            fill[i] = adjusted[i] + seasonal[i];
        if (fill[i] > hi + 0.5 * spread || fill[i] < lo - 0.5 * spread)
            outside = 1;
    }
    if (outside)
        interp_linear(x, n, fill);
    return LAGRS_SEL_OK;
}

/* ---- seasonal strength and nsdiffs --------------------------------------- */

size_t lagrs_seasonal_work_size(ptrdiff_t n, double frequency)
{
    if (n < 1)
        n = 1;
    int period = 0;
    if (frequency > 0 && frequency < (double) INT_MAX / 4)
        period = (int) ceil(frequency);
    /* filled series, seasonal, trend, differenced copy, then the larger of
     * the STL work and na.interp's work */
    size_t stl = lagrs_stl_work_size(n, period);
    size_t interp = (size_t) (2 * MAX_REG_COLS + 4) * (size_t) n + stl;
    return 4 * (size_t) n + (interp > stl ? interp : stl);
}

/* The workspace of lagrs_seasonal_work_size(n_alloc, period), cut into
 * fixed slots so that a shorter (differenced) series can reuse it. */
typedef struct {
    double *filled, *seasonal, *trend, *differenced, *rest;
} seasonal_work;

static seasonal_work split_work(double *work, ptrdiff_t n_alloc)
{
    if (n_alloc < 1)
        n_alloc = 1;
    seasonal_work ws = {work, work + n_alloc, work + 2 * n_alloc,
                        work + 3 * n_alloc, work + 4 * n_alloc};
    return ws;
}

static int strength_kernel(const double *x, ptrdiff_t n, double period,
                           const seasonal_work *ws, double *strength)
{
    *strength = NAN;
    if (!(period >= 2.0) || period > (double) INT_MAX / 4)
        return LAGRS_SEL_BAD_ARG;
    if ((double) n <= 2.0 * period)
        return LAGRS_SEL_TOO_SHORT;
    double *filled = ws->filled, *seasonal = ws->seasonal, *trend = ws->trend;
    double *rest = ws->rest;
    int any_missing = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            any_missing = 1;
        else if (!isfinite(x[i]))
            return LAGRS_SEL_MISSING;
    }
    const double *series = x;
    if (any_missing) {
        int status = na_interp(x, n, period, filled, rest);
        if (status != LAGRS_SEL_OK)
            return status;
        series = filled;
    }
    lagrs_stl_opts opts;
    lagrs_stl_default_opts(period, MSTL_S_WINDOW, 0, &opts);
    int status = lagrs_stl(series, n, &opts, seasonal, trend, NULL, rest);
    if (status != LAGRS_SEL_OK)
        return status;
    /* remainder and remainder + seasonal at the present positions */
    double *rem = rest, *rem_seas = rest + n;
    ptrdiff_t m = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        double deseasonalised = series[i] - seasonal[i];
        rem[m] = deseasonalised - trend[i];
        rem_seas[m] = rem[m] + seasonal[i];
        m++;
    }
    double ratio = 1.0 - r_var(rem, m) / r_var(rem_seas, m);
    if (isnan(ratio))
        *strength = NAN;
    else
        *strength = ratio < 0.0 ? 0.0 : (ratio > 1.0 ? 1.0 : ratio);
    return LAGRS_SEL_OK;
}

int lagrs_seasonal_strength(const double *x, ptrdiff_t n, double period,
                            double *work, double *strength)
{
    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_seasonal_work_size(n, period) * sizeof(double));
        if (own == NULL)
            return LAGRS_SEL_NOMEM;
        work = own;
    }
    seasonal_work ws = split_work(work, n);
    int status = strength_kernel(x, n, period, &ws, strength);
    free(own);
    return status;
}

int lagrs_nsdiffs_seas(const double *x, ptrdiff_t n, double period,
                       int max_D, double *work, int *D_out, int *notes)
{
    *notes = 0;
    *D_out = 0;
    if (max_D < 0 || n < 0 || isnan(period))
        return LAGRS_SEL_BAD_ARG;
    if (lagrs_is_constant(x, n))
        return LAGRS_SEL_OK;
    if (period <= 1.0) {
        *notes |= LAGRS_SEL_NOTE_NON_SEASONAL;
        return LAGRS_SEL_OK;
    }
    if (period >= (double) n)
        return LAGRS_SEL_OK;
    /* the lag of the differences: forecast rounds the frequency (half to
     * even, as R's round()) before differencing */
    ptrdiff_t lag = (ptrdiff_t) nearbyint(period);
    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_seasonal_work_size(n, period) * sizeof(double));
        if (own == NULL)
            return LAGRS_SEL_NOMEM;
        work = own;
    }
    seasonal_work ws = split_work(work, n);
    double *current = ws.differenced;
    const double *series = x;
    ptrdiff_t len = n;
    int D = 0, status = LAGRS_SEL_OK;
    double strength;
    int test = strength_kernel(series, len, period, &ws, &strength);
    int verdict = 0;
    if (test == LAGRS_SEL_NOMEM) {
        status = test;
    } else if (test != LAGRS_SEL_OK || isnan(strength)) {
        *notes |= LAGRS_SEL_NOTE_TEST_FAILED;
    } else {
        verdict = strength > SEAS_THRESHOLD;
    }
    while (status == LAGRS_SEL_OK && verdict && D < max_D) {
        D++;
        for (ptrdiff_t i = 0; i + lag < len; i++)
            current[i] = series[i + lag] - series[i];
        len = len > lag ? len - lag : 0;
        series = current;
        if (lagrs_is_constant(series, len))
            break;
        verdict = 0;
        if (len >= 2 * lag && D < max_D) {
            test = strength_kernel(series, len, (double) lag, &ws, &strength);
            if (test == LAGRS_SEL_NOMEM)
                status = test;
            else if (test != LAGRS_SEL_OK || isnan(strength))
                *notes |= LAGRS_SEL_NOTE_TEST_FAILED;
            else
                verdict = strength > SEAS_THRESHOLD;
        }
    }
    free(own);
    if (status == LAGRS_SEL_OK)
        *D_out = D;
    return status;
}

/* ---- auto.arima's decisions before the first fit ---------------------------- */

void lagrs_autoarima_default_opts(lagrs_autoarima_opts *o)
{
    o->d = -1;
    o->D = -1;
    o->max_p = 5;
    o->max_q = 5;
    o->max_P = 2;
    o->max_Q = 2;
    o->max_d = 2;
    o->max_D = 1;
    o->start_p = 2;
    o->start_q = 2;
    o->start_P = 1;
    o->start_Q = 1;
    o->stationary = 0;
    o->seasonal = 1;
    o->allow_drift = 1;
    o->allow_mean = 1;
    o->alpha = 0.05;
}

size_t lagrs_autoarima_work_size(ptrdiff_t n, int m)
{
    if (n < 1)
        n = 1;
    size_t seasonal = lagrs_seasonal_work_size(n, m > 1 ? (double) m + 1.0 : 0.0);
    return (size_t) n + (seasonal > (size_t) n ? seasonal : (size_t) n);
}

static int min_int(int a, int b) { return a < b ? a : b; }

/* diff(v, lag = lag) in place; returns the new length (0 when lag >= len,
 * as diff() returns an empty vector). */
static ptrdiff_t diff_in_place(double *v, ptrdiff_t len, ptrdiff_t lag)
{
    if (lag >= len)
        return 0;
    for (ptrdiff_t i = 0; i + lag < len; i++)
        v[i] = v[i + lag] - v[i];
    return len - lag;
}

/* all(is.na(v)): TRUE for an empty vector too */
static int all_missing(const double *v, ptrdiff_t len)
{
    for (ptrdiff_t i = 0; i < len; i++)
        if (!isnan(v[i]))
            return 0;
    return 1;
}

/* floor(a / 3 / m) capped to an int, as min(max, floor(...)) needs */
static int cap_by_length(int max_order, ptrdiff_t series_length, int m)
{
    double cap = floor((double) series_length / 3.0 / (double) m);
    return cap < (double) max_order ? (int) cap : max_order;
}

int lagrs_autoarima_prepare(const double *x, ptrdiff_t n, double frequency,
                            const lagrs_autoarima_opts *o, double *work,
                            lagrs_autoarima_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (n < 0 || isnan(frequency) || o->d < -1 || o->D < -1 ||
        o->max_p < 0 || o->max_q < 0 || o->max_P < 0 || o->max_Q < 0 ||
        o->max_d < 0 || o->max_D < 0 || o->start_p < 0 || o->start_q < 0 ||
        o->start_P < 0 || o->start_Q < 0 || isnan(o->alpha))
        return LAGRS_SEL_BAD_ARG;

    ptrdiff_t first = 0;
    while (first < n && isnan(x[first]))
        first++;
    plan->first = first;
    if (first == n) {
        plan->outcome = LAGRS_PREP_ALL_MISSING;
        return LAGRS_SEL_OK;
    }
    ptrdiff_t last = n - 1;
    while (isnan(x[last]))
        last--;
    ptrdiff_t series_length = 0;
    for (ptrdiff_t i = first; i <= last; i++)
        if (!isnan(x[i]))
            series_length++;
    const double *y = x + first;
    ptrdiff_t len = n - first;
    plan->n_used = len;
    plan->series_length = series_length;

    int m = 1;
    if (o->seasonal && frequency >= 1.0) {
        double rounded = nearbyint(frequency); /* R's round() ties to even */
        m = rounded > INT_MAX ? INT_MAX : (int) rounded;
    }
    plan->m = m;
    plan->max_p = cap_by_length(o->max_p, series_length, 1);
    plan->max_q = cap_by_length(o->max_q, series_length, 1);
    plan->max_P = cap_by_length(o->max_P, series_length, m);
    plan->max_Q = cap_by_length(o->max_Q, series_length, m);
    plan->ic_aic = series_length <= 3;
    plan->approximation = len > 150 || frequency > 12.0;

    if (lagrs_is_constant(y, len)) {
        plan->outcome = LAGRS_PREP_CONSTANT;
        plan->allow_mean = o->allow_mean;
        plan->constant = 1; /* auto.arima marks the fit $constant = TRUE */
        if (o->allow_mean) {
            plan->has_fixed_constant = 1;
            plan->constant_value = r_mean(y, len);
        }
        return LAGRS_SEL_OK;
    }

    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_autoarima_work_size(len, m) * sizeof(double));
        if (own == NULL)
            return LAGRS_SEL_NOMEM;
        work = own;
    }
    double *dx = work, *rest = work + (len > 0 ? len : 1);
    int status = LAGRS_SEL_OK, notes = 0;

    int d = o->d, D = o->D;
    if (o->stationary)
        d = D = 0;
    if (m == 1) {
        D = 0;
        plan->max_P = plan->max_Q = 0;
    } else if (D < 0 && len <= 2 * (ptrdiff_t) m) {
        D = 0;
    } else if (D < 0) {
        status = lagrs_nsdiffs_seas(y, len, frequency, o->max_D, rest, &D, &notes);
        if (status != LAGRS_SEL_OK)
            goto done;
        if (notes & LAGRS_SEL_NOTE_TEST_FAILED)
            plan->warnings |= LAGRS_PREP_WARN_SEAS_TEST;
        if (D > 0) {
            memcpy(dx, y, (size_t) len * sizeof(double));
            ptrdiff_t len_dx = len;
            for (int k = 0; k < D; k++)
                len_dx = diff_in_place(dx, len_dx, m);
            if (all_missing(dx, len_dx))
                D--;
        }
    }
    memcpy(dx, y, (size_t) len * sizeof(double));
    ptrdiff_t len_dx = len;
    for (int k = 0; k < D; k++)
        len_dx = diff_in_place(dx, len_dx, m);

    if (d < 0) {
        status = lagrs_ndiffs_kpss(dx, len_dx, o->alpha, o->max_d, rest, &d, &notes);
        if (status != LAGRS_SEL_OK)
            goto done;
        if (notes & LAGRS_SEL_NOTE_ALPHA_CLAMPED)
            plan->warnings |= LAGRS_PREP_WARN_ALPHA;
        if (d > 0) {
            memcpy(rest, dx, (size_t) len_dx * sizeof(double));
            ptrdiff_t len_check = len_dx;
            for (int k = 0; k < d; k++)
                len_check = diff_in_place(rest, len_check, 1);
            if (all_missing(rest, len_check))
                d--;
        }
    }
    if (D >= 2)
        plan->warnings |= LAGRS_PREP_WARN_TWO_SEASONAL;
    else if (D + d > 2)
        plan->warnings |= LAGRS_PREP_WARN_THREE_DIFFS;
    for (int k = 0; k < d; k++)
        len_dx = diff_in_place(dx, len_dx, 1);
    plan->d = d;
    plan->D = D;

    if (m > 1) {
        if (plan->max_P > 0)
            plan->max_p = min_int(plan->max_p, m - 1);
        if (plan->max_Q > 0)
            plan->max_q = min_int(plan->max_q, m - 1);
    }
    plan->allow_drift = o->allow_drift && d + D == 1;
    plan->allow_mean = o->allow_mean && d + D == 0;
    plan->constant = plan->allow_drift || plan->allow_mean;
    int sp = o->start_p, sq = o->start_q, sP = o->start_P, sQ = o->start_Q;
    if (len < 10) {
        sp = min_int(sp, 1);
        sq = min_int(sq, 1);
        sP = 0;
        sQ = 0;
    }
    plan->start_p = min_int(sp, plan->max_p);
    plan->start_q = min_int(sq, plan->max_q);
    plan->start_P = min_int(sP, plan->max_P);
    plan->start_Q = min_int(sQ, plan->max_Q);

    if (len_dx == 0) {
        plan->outcome = LAGRS_PREP_NO_DATA;
    } else if (lagrs_is_constant(dx, len_dx)) {
        plan->outcome = LAGRS_PREP_CONSTANT_DIFF;
        if (D > 0 && d == 0) {
            for (ptrdiff_t i = 0; i < len_dx; i++)
                dx[i] = dx[i] / (double) m;
            plan->has_fixed_constant = 1;
            plan->constant_value = r_mean(dx, len_dx);
        } else if (D > 0 || d == 2) {
            plan->has_fixed_constant = 0;
        } else if (d < 2) {
            plan->has_fixed_constant = 1;
            plan->constant_value = r_mean(dx, len_dx);
        } else {
            plan->outcome = LAGRS_PREP_POLYNOMIAL;
        }
    } else {
        plan->outcome = LAGRS_PREP_SEARCH;
    }
done:
    free(own);
    return status;
}

/* ==== Entry points (R API; main thread only) =============================== */

/* A REALSXP view of x: read in place when double, converted otherwise. */
static SEXP as_double_vector(SEXP x, int *n_protected)
{
    if (TYPEOF(x) == REALSXP)
        return x;
    SEXP ans = PROTECT(Rf_coerceVector(x, REALSXP));
    (*n_protected)++;
    return ans;
}

static double *alloc_work(size_t n_doubles)
{
    return (double *) R_alloc(n_doubles > 0 ? n_doubles : 1, sizeof(double));
}

static void raise_status(int status, const char *what)
{
    switch (status) {
    case LAGRS_SEL_OK:
        return;
    case LAGRS_SEL_NOMEM:
        Rf_error("%s: out of memory.", what);
    case LAGRS_SEL_TOO_SHORT:
        Rf_error("%s: `x` must have more than two full periods.", what);
    case LAGRS_SEL_MISSING:
        Rf_error("%s: `x` must not contain missing or infinite values.", what);
    default:
        Rf_error("%s: invalid parameters.", what);
    }
}

SEXP lagrs_is_constant_call(SEXP x)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    int ans = lagrs_is_constant(REAL(xd), XLENGTH(xd));
    UNPROTECT(np);
    return Rf_ScalarLogical(ans);
}

/* list(statistic, lag, p_value); lag < 0 means ndiffs' default. */
SEXP lagrs_kpss_call(SEXP x, SEXP lag)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    int use_lag = Rf_asInteger(lag);
    if (use_lag < 0)
        use_lag = lagrs_kpss_lag(n);
    double stat = lagrs_kpss_stat(REAL(xd), n, use_lag);
    const char *names[] = {"statistic", "lag", "p_value", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    np++;
    SET_VECTOR_ELT(ans, 0, Rf_ScalarReal(stat));
    SET_VECTOR_ELT(ans, 1, Rf_ScalarInteger(use_lag));
    SET_VECTOR_ELT(ans, 2, Rf_ScalarReal(lagrs_kpss_pvalue(stat)));
    UNPROTECT(np);
    return ans;
}

/* The order, with attribute "notes" (the LAGRS_SEL_NOTE_* bits). */
static SEXP order_with_notes(int order, int notes)
{
    SEXP ans = PROTECT(Rf_ScalarInteger(order));
    Rf_setAttrib(ans, Rf_install("notes"), Rf_ScalarInteger(notes));
    UNPROTECT(1);
    return ans;
}

SEXP lagrs_ndiffs_kpss_call(SEXP x, SEXP alpha, SEXP max_d)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    double *work = alloc_work(lagrs_ndiffs_work_size(n));
    int d = 0, notes = 0;
    int status = lagrs_ndiffs_kpss(REAL(xd), n, Rf_asReal(alpha),
                                   Rf_asInteger(max_d), work, &d, &notes);
    UNPROTECT(np);
    raise_status(status, "ndiffs_kpss()");
    return order_with_notes(d, notes);
}

SEXP lagrs_nsdiffs_seas_call(SEXP x, SEXP period, SEXP max_D)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    double m = Rf_asReal(period);
    double *work = alloc_work(lagrs_seasonal_work_size(n, m));
    int D = 0, notes = 0;
    int status = lagrs_nsdiffs_seas(REAL(xd), n, m, Rf_asInteger(max_D),
                                    work, &D, &notes);
    UNPROTECT(np);
    raise_status(status, "nsdiffs_seas()");
    return order_with_notes(D, notes);
}

SEXP lagrs_seasonal_strength_call(SEXP x, SEXP period)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    double m = Rf_asReal(period);
    double *work = alloc_work(lagrs_seasonal_work_size(n, m));
    double strength = NA_REAL;
    int status = lagrs_seasonal_strength(REAL(xd), n, m, work, &strength);
    UNPROTECT(np);
    raise_status(status, "seasonal_strength()");
    return Rf_ScalarReal(strength);
}

/* params: integer vector period, s_window, s_degree, t_window, t_degree,
 * l_window, l_degree, s_jump, t_jump, l_jump, inner, outer (the R wrapper
 * has filled in stl's defaults).  Returns list(seasonal, trend, weights). */
SEXP lagrs_stl_call(SEXP x, SEXP params)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    if (TYPEOF(params) != INTSXP || XLENGTH(params) != 12)
        Rf_error("internal error: stl parameters must be 12 integers.");
    const int *p = INTEGER(params);
    lagrs_stl_opts opts = {.period = p[0], .s_window = p[1], .s_degree = p[2],
                           .t_window = p[3], .t_degree = p[4],
                           .l_window = p[5], .l_degree = p[6],
                           .s_jump = p[7], .t_jump = p[8], .l_jump = p[9],
                           .inner = p[10], .outer = p[11]};
    const char *names[] = {"seasonal", "trend", "weights", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    np++;
    SEXP seasonal = PROTECT(Rf_allocVector(REALSXP, n));
    SEXP trend = PROTECT(Rf_allocVector(REALSXP, n));
    SEXP weights = PROTECT(Rf_allocVector(REALSXP, n));
    np += 3;
    SET_VECTOR_ELT(ans, 0, seasonal);
    SET_VECTOR_ELT(ans, 1, trend);
    SET_VECTOR_ELT(ans, 2, weights);
    double *work = alloc_work(lagrs_stl_work_size(n, opts.period > 0 ? opts.period : 0));
    int status = lagrs_stl(REAL(xd), n, &opts, REAL(seasonal), REAL(trend),
                           REAL(weights), work);
    UNPROTECT(np);
    raise_status(status, "stl_decompose()");
    return ans;
}

/* opts: integer vector d, D, max_p, max_q, max_P, max_Q, max_d, max_D,
 * start_p, start_q, start_P, start_Q, stationary, seasonal, allow_drift,
 * allow_mean (NA d or D = choose), then alpha as attribute "alpha". */
SEXP lagrs_autoarima_prepare_call(SEXP x, SEXP frequency, SEXP opts)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    if (TYPEOF(opts) != INTSXP || XLENGTH(opts) != 16)
        Rf_error("internal error: auto.arima options must be 16 integers.");
    const int *v = INTEGER(opts);
    lagrs_autoarima_opts o;
    o.d = v[0] == NA_INTEGER ? -1 : v[0];
    o.D = v[1] == NA_INTEGER ? -1 : v[1];
    o.max_p = v[2];
    o.max_q = v[3];
    o.max_P = v[4];
    o.max_Q = v[5];
    o.max_d = v[6];
    o.max_D = v[7];
    o.start_p = v[8];
    o.start_q = v[9];
    o.start_P = v[10];
    o.start_Q = v[11];
    o.stationary = v[12];
    o.seasonal = v[13];
    o.allow_drift = v[14];
    o.allow_mean = v[15];
    o.alpha = Rf_asReal(Rf_getAttrib(opts, Rf_install("alpha")));
    double freq = Rf_asReal(frequency);
    int m_guess = (o.seasonal && freq >= 1.0 && freq < INT_MAX) ? (int) nearbyint(freq) : 1;
    double *work = alloc_work(lagrs_autoarima_work_size(n, m_guess));
    lagrs_autoarima_plan plan;
    int status = lagrs_autoarima_prepare(REAL(xd), n, freq, &o, work, &plan);
    UNPROTECT(np);
    raise_status(status, "autoarima_prepare()");
    const char *names[] = {"outcome", "first", "n_used", "series_length", "m",
                           "d", "D", "max_p", "max_q", "max_P", "max_Q",
                           "start_p", "start_q", "start_P", "start_Q",
                           "ic_aic", "approximation", "allow_drift",
                           "allow_mean", "constant", "fixed_constant",
                           "warnings", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    int ints[] = {plan.outcome, 0, 0, 0, plan.m, plan.d, plan.D, plan.max_p,
                  plan.max_q, plan.max_P, plan.max_Q, plan.start_p,
                  plan.start_q, plan.start_P, plan.start_Q};
    SET_VECTOR_ELT(ans, 0, Rf_ScalarInteger(ints[0]));
    SET_VECTOR_ELT(ans, 1, Rf_ScalarReal((double) plan.first + 1.0));
    SET_VECTOR_ELT(ans, 2, Rf_ScalarReal((double) plan.n_used));
    SET_VECTOR_ELT(ans, 3, Rf_ScalarReal((double) plan.series_length));
    for (int k = 4; k < 15; k++)
        SET_VECTOR_ELT(ans, k, Rf_ScalarInteger(ints[k]));
    SET_VECTOR_ELT(ans, 15, Rf_ScalarLogical(plan.ic_aic));
    SET_VECTOR_ELT(ans, 16, Rf_ScalarLogical(plan.approximation));
    SET_VECTOR_ELT(ans, 17, Rf_ScalarLogical(plan.allow_drift));
    SET_VECTOR_ELT(ans, 18, Rf_ScalarLogical(plan.allow_mean));
    SET_VECTOR_ELT(ans, 19, Rf_ScalarLogical(plan.constant));
    SET_VECTOR_ELT(ans, 20, Rf_ScalarReal(plan.has_fixed_constant ? plan.constant_value : NA_REAL));
    SET_VECTOR_ELT(ans, 21, Rf_ScalarInteger(plan.warnings));
    UNPROTECT(1);
    return ans;
}

/* Many series at once: lagrs_autoarima_prepare() on each element of a list,
 * in parallel.  Each series gets its own malloc'd workspace inside the
 * kernel, so threads share nothing; a series' result does not depend on
 * which thread ran it, so any thread count gives identical output.  Series
 * run in fixed blocks so that the main thread can check for interrupts. */
#define PLAN_BLOCK 1024

SEXP lagrs_autoarima_prepare_batch_call(SEXP series, SEXP frequency, SEXP opts)
{
    if (TYPEOF(series) != VECSXP)
        Rf_error("internal error: `series` must be a list.");
    if (TYPEOF(opts) != INTSXP || XLENGTH(opts) != 16)
        Rf_error("internal error: auto.arima options must be 16 integers.");
    R_xlen_t n_series = XLENGTH(series), n_freq = XLENGTH(frequency);
    if (TYPEOF(frequency) != REALSXP || (n_freq != 1 && n_freq != n_series))
        Rf_error("internal error: `frequency` must be a double of length 1 or length(series).");
    const int *v = INTEGER(opts);
    lagrs_autoarima_opts o;
    o.d = v[0] == NA_INTEGER ? -1 : v[0];
    o.D = v[1] == NA_INTEGER ? -1 : v[1];
    o.max_p = v[2];
    o.max_q = v[3];
    o.max_P = v[4];
    o.max_Q = v[5];
    o.max_d = v[6];
    o.max_D = v[7];
    o.start_p = v[8];
    o.start_q = v[9];
    o.start_P = v[10];
    o.start_Q = v[11];
    o.stationary = v[12];
    o.seasonal = v[13];
    o.allow_drift = v[14];
    o.allow_mean = v[15];
    o.alpha = Rf_asReal(Rf_getAttrib(opts, Rf_install("alpha")));

    /* raw pointers and lengths, converting non-double elements here */
    SEXP converted = PROTECT(Rf_allocVector(VECSXP, n_series));
    const double **data = (const double **) R_alloc(n_series > 0 ? n_series : 1, sizeof(double *));
    ptrdiff_t *lengths = (ptrdiff_t *) R_alloc(n_series > 0 ? n_series : 1, sizeof(ptrdiff_t));
    double total = 0.0;
    for (R_xlen_t s = 0; s < n_series; s++) {
        SEXP el = VECTOR_ELT(series, s);
        if (TYPEOF(el) != REALSXP) {
            if (TYPEOF(el) != INTSXP && TYPEOF(el) != LGLSXP)
                Rf_error("internal error: element %lld of `series` is not numeric.", (long long) s + 1);
            el = Rf_coerceVector(el, REALSXP);
            SET_VECTOR_ELT(converted, s, el);
        }
        data[s] = REAL(el);
        lengths[s] = XLENGTH(el);
        total += (double) lengths[s];
    }
    const double *freq = REAL(frequency);

    enum { N_INT = 15 };
    const char *names[] = {"outcome", "m", "d", "D", "max_p", "max_q", "max_P",
                           "max_Q", "start_p", "start_q", "start_P", "start_Q",
                           "ic_aic", "approximation", "warnings", "allow_drift",
                           "allow_mean", "constant", "fixed_constant",
                           "first", "series_length", "status", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    int *cols[N_INT];
    for (int k = 0; k < N_INT; k++) {
        SET_VECTOR_ELT(ans, k, Rf_allocVector(INTSXP, n_series));
        cols[k] = INTEGER(VECTOR_ELT(ans, k));
    }
    for (int k = N_INT; k < N_INT + 3; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(LGLSXP, n_series));
    int *allow_drift = LOGICAL(VECTOR_ELT(ans, N_INT));
    int *allow_mean = LOGICAL(VECTOR_ELT(ans, N_INT + 1));
    int *constant = LOGICAL(VECTOR_ELT(ans, N_INT + 2));
    SET_VECTOR_ELT(ans, N_INT + 3, Rf_allocVector(REALSXP, n_series));
    SET_VECTOR_ELT(ans, N_INT + 4, Rf_allocVector(REALSXP, n_series));
    SET_VECTOR_ELT(ans, N_INT + 5, Rf_allocVector(REALSXP, n_series));
    SET_VECTOR_ELT(ans, N_INT + 6, Rf_allocVector(INTSXP, n_series));
    double *fixed = REAL(VECTOR_ELT(ans, N_INT + 3));
    double *first = REAL(VECTOR_ELT(ans, N_INT + 4));
    double *series_length = REAL(VECTOR_ELT(ans, N_INT + 5));
    int *status = INTEGER(VECTOR_ELT(ans, N_INT + 6));

    /* work estimate: the STL passes cost some hundreds of operations a value */
    double work = total * 200.0;
    for (R_xlen_t start = 0; start < n_series; start += PLAN_BLOCK) {
        R_xlen_t end = start + PLAN_BLOCK < n_series ? start + PLAN_BLOCK : n_series;
        #pragma omp parallel for num_threads(lagrs_nthreads(work)) schedule(dynamic)
        for (R_xlen_t s = start; s < end; s++) {
            lagrs_autoarima_plan plan;
            double f = freq[n_freq == 1 ? 0 : s];
            int st = lagrs_autoarima_prepare(data[s], lengths[s], f, &o, NULL, &plan);
            status[s] = st;
            int vals[N_INT] = {plan.outcome, plan.m, plan.d, plan.D, plan.max_p,
                               plan.max_q, plan.max_P, plan.max_Q, plan.start_p,
                               plan.start_q, plan.start_P, plan.start_Q,
                               plan.ic_aic, plan.approximation, plan.warnings};
            for (int k = 0; k < N_INT; k++)
                cols[k][s] = vals[k];
            allow_drift[s] = plan.allow_drift;
            allow_mean[s] = plan.allow_mean;
            constant[s] = plan.constant;
            fixed[s] = plan.has_fixed_constant ? plan.constant_value : NAN;
            first[s] = (double) plan.first + 1.0;
            series_length[s] = (double) plan.series_length;
        }
        R_CheckUserInterrupt();
    }
    for (R_xlen_t s = 0; s < n_series; s++) {
        if (status[s] == LAGRS_SEL_NOMEM)
            Rf_error("autoarima_plan_batch(): out of memory for series %lld.", (long long) s + 1);
        if (status[s] != LAGRS_SEL_OK)
            Rf_error("autoarima_plan_batch(): invalid parameters.");
        if (R_IsNaN(fixed[s]) && !ISNA(fixed[s]))
            fixed[s] = NA_REAL;
    }
    UNPROTECT(2);
    return ans;
}
