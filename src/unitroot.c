/* Differencing orders for automatic ARIMA order selection, decided the way
 * forecast::auto.arima() decides them: d by the KPSS test
 * (forecast::ndiffs with urca::ur.kpss) and D by seasonal strength
 * (forecast::nsdiffs with forecast:::seas.heuristic on an STL fit).
 *
 * Plain C behind unitroot.h: no R API, safe in OpenMP threads (the entry
 * points are in unitrootR.c).  Sums that R accumulates in long double (sum,
 * mean, cumsum, var) are accumulated in long double here too, so that
 * borderline decisions fall the same way. */
#include "unitroot.h"
#include "stl.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEAS_THRESHOLD 0.64 /* forecast's cut-off for "seasonally differenced" */
#define MSTL_S_WINDOW 11    /* mstl's s.window for the first (only) period */
#define MAX_REG_COLS 18     /* na.interp: intercept, <= 10 Fourier, <= 6 poly */
/* a failure of lagrs_stl() is passed on as it is */
_Static_assert((int) LAGRS_UR_OK == (int) LAGRS_STL_OK &&
               (int) LAGRS_UR_NOMEM == (int) LAGRS_STL_NOMEM &&
               (int) LAGRS_UR_BAD_ARG == (int) LAGRS_STL_BAD_ARG &&
               (int) LAGRS_UR_TOO_SHORT == (int) LAGRS_STL_TOO_SHORT &&
               (int) LAGRS_UR_MISSING == (int) LAGRS_STL_MISSING,
               "unitroot.h's status codes must equal stl.h's");
#ifndef M_PI
#define M_PI 3.141592653589793238462643383280
#endif

/* ---- small numerical helpers (R's own accumulation order) ------------- */

double lagrs_r_mean(const double *x, ptrdiff_t n)
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
    double center = lagrs_r_mean(x, n);
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
    double center = lagrs_r_mean(x, n);
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
        return LAGRS_UR_BAD_ARG;
    if (alpha < 0.01) {
        alpha = 0.01;
        *notes |= LAGRS_UR_NOTE_ALPHA_CLAMPED;
    } else if (alpha > 0.1) {
        alpha = 0.1;
        *notes |= LAGRS_UR_NOTE_ALPHA_CLAMPED;
    }
    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_ndiffs_work_size(n) * sizeof(double));
        if (own == NULL)
            return LAGRS_UR_NOMEM;
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
    return LAGRS_UR_OK;
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
        return LAGRS_UR_MISSING;
    if ((double) n_present <= 2.0 * period) {
        interp_linear(x, n, fill);
        return LAGRS_UR_OK;
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
    if (status != LAGRS_UR_OK)
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
    return LAGRS_UR_OK;
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
        return LAGRS_UR_BAD_ARG;
    if ((double) n <= 2.0 * period)
        return LAGRS_UR_TOO_SHORT;
    double *filled = ws->filled, *seasonal = ws->seasonal, *trend = ws->trend;
    double *rest = ws->rest;
    int any_missing = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            any_missing = 1;
        else if (!isfinite(x[i]))
            return LAGRS_UR_MISSING;
    }
    const double *series = x;
    if (any_missing) {
        int status = na_interp(x, n, period, filled, rest);
        if (status != LAGRS_UR_OK)
            return status;
        series = filled;
    }
    lagrs_stl_opts opts;
    lagrs_stl_default_opts(period, MSTL_S_WINDOW, 0, &opts);
    int status = lagrs_stl(series, n, &opts, seasonal, trend, NULL, rest);
    if (status != LAGRS_UR_OK)
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
    return LAGRS_UR_OK;
}

int lagrs_seasonal_strength(const double *x, ptrdiff_t n, double period,
                            double *work, double *strength)
{
    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_seasonal_work_size(n, period) * sizeof(double));
        if (own == NULL)
            return LAGRS_UR_NOMEM;
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
        return LAGRS_UR_BAD_ARG;
    if (lagrs_is_constant(x, n))
        return LAGRS_UR_OK;
    if (period <= 1.0) {
        *notes |= LAGRS_UR_NOTE_NON_SEASONAL;
        return LAGRS_UR_OK;
    }
    if (period >= (double) n)
        return LAGRS_UR_OK;
    /* the lag of the differences: forecast rounds the frequency (half to
     * even, as R's round()) before differencing */
    ptrdiff_t lag = (ptrdiff_t) nearbyint(period);
    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_seasonal_work_size(n, period) * sizeof(double));
        if (own == NULL)
            return LAGRS_UR_NOMEM;
        work = own;
    }
    seasonal_work ws = split_work(work, n);
    double *current = ws.differenced;
    const double *series = x;
    ptrdiff_t len = n;
    int D = 0, status = LAGRS_UR_OK;
    double strength;
    int test = strength_kernel(series, len, period, &ws, &strength);
    int verdict = 0;
    if (test == LAGRS_UR_NOMEM) {
        status = test;
    } else if (test != LAGRS_UR_OK || isnan(strength)) {
        *notes |= LAGRS_UR_NOTE_TEST_FAILED;
    } else {
        verdict = strength > SEAS_THRESHOLD;
    }
    while (status == LAGRS_UR_OK && verdict && D < max_D) {
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
            if (test == LAGRS_UR_NOMEM)
                status = test;
            else if (test != LAGRS_UR_OK || isnan(strength))
                *notes |= LAGRS_UR_NOTE_TEST_FAILED;
            else
                verdict = strength > SEAS_THRESHOLD;
        }
    }
    free(own);
    if (status == LAGRS_UR_OK)
        *D_out = D;
    return status;
}
