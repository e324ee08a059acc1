/* STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae
 * and Terpenning 1990), computed step for step as R's stats::stl does (its
 * Fortran stl.f), so that the components agree with stats::stl() to rounding.
 * Plain C, no R API, no static state: safe inside OpenMP threads.
 *
 * Indexing: the smoothers below work on abscissae 1..n (as doubles) because
 * the local-linear fit's weighted mean of the abscissae enters the result,
 * and using the same numbers as stl.f keeps the rounding the same.  Arrays
 * are 0-based; position p lives in element p - 1. */
#include "stl.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* One loess value at abscissa `at` from y at positions left..right (1-based,
 * inclusive), with tricube weights over the half-width h, optionally times
 * robustness weights, and a local line when degree is 1.  Returns 0 when all
 * weights vanish (the caller then keeps y). `w` is scratch of length n. */
static int loess_at(const double *y, int n, int span, int degree, double at,
                    int left, int right, double *w, int use_rw,
                    const double *rw, double *fit)
{
    double range = (double) n - 1.0;
    double h = fmax(at - (double) left, (double) right - at);
    if (span > n)
        h += (double) ((span - n) / 2);
    double h_hi = 0.999 * h, h_lo = 0.001 * h;
    double total = 0.0;
    for (int j = left; j <= right; j++) {
        double r = fabs((double) j - at);
        if (r <= h_hi) {
            double wj;
            if (r <= h_lo) {
                wj = 1.0;
            } else {
                double u = r / h;
                double v = 1.0 - u * u * u;
                wj = v * v * v;
            }
            if (use_rw)
                wj = rw[j - 1] * wj;
            w[j - 1] = wj;
            total += wj;
        } else {
            w[j - 1] = 0.0;
        }
    }
    if (total <= 0.0)
        return 0;
    for (int j = left; j <= right; j++)
        w[j - 1] /= total;
    if (h > 0.0 && degree > 0) {
        double center = 0.0;
        for (int j = left; j <= right; j++)
            center += w[j - 1] * (double) j;
        double slope_num = at - center, spread = 0.0;
        for (int j = left; j <= right; j++) {
            double dj = (double) j - center;
            spread += w[j - 1] * (dj * dj);
        }
        /* a local line only where the abscissae are spread enough */
        if (sqrt(spread) > 0.001 * range) {
            double b = slope_num / spread;
            for (int j = left; j <= right; j++)
                w[j - 1] = w[j - 1] * (b * ((double) j - center) + 1.0);
        }
    }
    double value = 0.0;
    for (int j = left; j <= right; j++)
        value += w[j - 1] * y[j - 1];
    *fit = value;
    return 1;
}

/* Loess smooth of y[0..n-1] into ys, evaluated every `jump` points and
 * linearly interpolated in between (stl.f's stless). */
static void loess_smooth(const double *y, int n, int span, int degree,
                         int jump, int use_rw, const double *rw, double *ys,
                         double *w)
{
    if (n < 2) {
        ys[0] = y[0];
        return;
    }
    int step = jump < n - 1 ? jump : n - 1;
    int left = 1, right = n;
    if (span >= n) {
        for (int i = 1; i <= n; i += step)
            if (!loess_at(y, n, span, degree, (double) i, 1, n, w, use_rw, rw, &ys[i - 1]))
                ys[i - 1] = y[i - 1];
    } else if (step == 1) {
        int half = (span + 1) / 2;
        left = 1;
        right = span;
        for (int i = 1; i <= n; i++) {
            if (i > half && right != n) {
                left++;
                right++;
            }
            if (!loess_at(y, n, span, degree, (double) i, left, right, w, use_rw, rw, &ys[i - 1]))
                ys[i - 1] = y[i - 1];
        }
    } else {
        int half = (span + 1) / 2;
        for (int i = 1; i <= n; i += step) {
            if (i < half) {
                left = 1;
                right = span;
            } else if (i >= n - half + 1) {
                left = n - span + 1;
                right = n;
            } else {
                left = i - half + 1;
                right = span + i - half;
            }
            if (!loess_at(y, n, span, degree, (double) i, left, right, w, use_rw, rw, &ys[i - 1]))
                ys[i - 1] = y[i - 1];
        }
    }
    if (step == 1)
        return;
    for (int i = 1; i <= n - step; i += step) {
        double delta = (ys[i + step - 1] - ys[i - 1]) / (double) step;
        for (int j = i + 1; j <= i + step - 1; j++)
            ys[j - 1] = ys[i - 1] + delta * (double) (j - i);
    }
    int last = ((n - 1) / step) * step + 1;
    if (last != n) {
        /* the final point is fitted with the window of the last one fitted */
        if (!loess_at(y, n, span, degree, (double) n, left, right, w, use_rw, rw, &ys[n - 1]))
            ys[n - 1] = y[n - 1];
        if (last != n - 1) {
            double delta = (ys[n - 1] - ys[last - 1]) / (double) (n - last);
            for (int j = last + 1; j <= n - 1; j++)
                ys[j - 1] = ys[last - 1] + delta * (double) (j - last);
        }
    }
}

/* Running mean of width `width` over x[0..n-1]: n - width + 1 values. */
static void running_mean(const double *x, int n, int width, double *out)
{
    int n_out = n - width + 1;
    double flen = (double) width, sum = 0.0;
    for (int i = 0; i < width; i++)
        sum += x[i];
    out[0] = sum / flen;
    for (int j = 1; j < n_out; j++) {
        sum = sum - x[j - 1] + x[j + width - 1];
        out[j] = sum / flen;
    }
}

/* Cycle-subseries smoothing: each of the `period` subseries of y is
 * loess-smoothed and extended one point beyond each end, giving
 * n + 2 * period values in `season`. */
static void smooth_subseries(const double *y, int n, int period, int span,
                             int degree, int jump, int use_rw,
                             const double *rw, double *season, double *sub,
                             double *sub_fit, double *sub_rw, double *w)
{
    for (int j = 1; j <= period; j++) {
        int k = (n - j) / period + 1;
        for (int i = 1; i <= k; i++)
            sub[i - 1] = y[(i - 1) * period + j - 1];
        if (use_rw)
            for (int i = 1; i <= k; i++)
                sub_rw[i - 1] = rw[(i - 1) * period + j - 1];
        loess_smooth(sub, k, span, degree, jump, use_rw, sub_rw, sub_fit + 1, w);
        int right = span < k ? span : k;
        if (!loess_at(sub, k, span, degree, 0.0, 1, right, w, use_rw, sub_rw, &sub_fit[0]))
            sub_fit[0] = sub_fit[1];
        int left = k - span + 1 > 1 ? k - span + 1 : 1;
        if (!loess_at(sub, k, span, degree, (double) (k + 1), left, k, w, use_rw, sub_rw, &sub_fit[k + 1]))
            sub_fit[k + 1] = sub_fit[k];
        for (int m = 1; m <= k + 2; m++)
            season[(m - 1) * period + j - 1] = sub_fit[m - 1];
    }
}

/* The inner loop (stl.f's stlstp).  `work` holds 5 columns of
 * n + 2 * period doubles. */
static void stl_inner(const double *y, int n, const lagrs_stl_opts *o,
                      int period, int s_window, int t_window, int l_window,
                      int use_rw, const double *rw, double *season,
                      double *trend, double *work)
{
    size_t col = (size_t) n + 2 * (size_t) period;
    double *w1 = work, *w2 = work + col, *w3 = work + 2 * col,
           *w4 = work + 3 * col, *w5 = work + 4 * col;
    for (int pass = 0; pass < o->inner; pass++) {
        for (int i = 0; i < n; i++)
            w1[i] = y[i] - trend[i];
        smooth_subseries(w1, n, period, s_window, o->s_degree, o->s_jump,
                         use_rw, rw, w2, w3, w4, w5, season);
        /* low-pass filter of the cycle-subseries: means of width period,
         * period and 3, then a loess */
        running_mean(w2, n + 2 * period, period, w3);
        running_mean(w3, n + period + 1, period, w1);
        running_mean(w1, n + 2, 3, w3);
        loess_smooth(w3, n, l_window, o->l_degree, o->l_jump, 0, w4, w1, w5);
        for (int i = 0; i < n; i++)
            season[i] = w2[period + i] - w1[i];
        for (int i = 0; i < n; i++)
            w1[i] = y[i] - season[i];
        loess_smooth(w1, n, t_window, o->t_degree, o->t_jump, use_rw, rw,
                     trend, w3);
    }
}

/* Partial sort of a[1..n] (1-based: pass the array minus one) so that the
 * positions ind[1..n_ind] hold what stl.f's psort puts there.  The median
 * stl uses comes from this routine with the positions (n/2 + 1, n - n/2)
 * in that order, which is descending for even n; psort then does not always
 * leave an exact order statistic at both, and the robustness weights, over
 * fifteen iterations, are sensitive to that.  So this is psort's own
 * algorithm (a quicksort that only recurses into segments holding a wanted
 * position, with insertion sort below 11 elements), kept step for step. */
static void stl_psort(double *a, int n, const int *ind, int n_ind)
{
    enum { STACK = 64 };
    int seg_lo[STACK + 1], seg_hi[STACK + 1], want_lo[STACK + 1], want_hi[STACK + 1];
    int p, jl, ju, i, j, m, k, ij, l;
    double t, tt;
    if (n < 2 || n_ind <= 0)
        return;
    jl = 1;
    ju = n_ind;
    want_lo[1] = 1;
    want_hi[1] = n_ind;
    i = 1;
    j = n;
    m = 1;
outer:
    if (i < j)
        goto partition;
pop:
    m--;
    if (m == 0)
        return;
    i = seg_lo[m];
    j = seg_hi[m];
    jl = want_lo[m];
    ju = want_hi[m];
    if (!(jl <= ju))
        goto pop;
big_segment:
    if (!(j - i > 10))
        goto small_segment;
partition:
    /* median of three as the pivot t */
    k = i;
    ij = (i + j) / 2;
    t = a[ij];
    if (a[i] > t) {
        a[ij] = a[i];
        a[i] = t;
        t = a[ij];
    }
    l = j;
    if (a[j] < t) {
        a[ij] = a[j];
        a[j] = t;
        t = a[ij];
        if (a[i] > t) {
            a[ij] = a[i];
            a[i] = t;
            t = a[ij];
        }
    }
    for (;;) {
        l--;
        if (a[l] <= t) {
            tt = a[l];
            do {
                k++;
            } while (!(a[k] >= t));
            if (k > l)
                break;
            a[l] = a[k];
            a[k] = tt;
        }
    }
    if (m >= STACK)
        return; /* cannot happen: the depth is at most log2(n) */
    want_lo[m] = jl;
    want_hi[m] = ju;
    p = m;
    m++;
    if (l - i <= j - k) {
        seg_lo[p] = k;
        seg_hi[p] = j;
        j = l;
        for (;;) {
            if (jl > ju)
                goto pop;
            if (ind[ju] > j)
                ju--;
            else
                break;
        }
        want_lo[p] = ju + 1;
    } else {
        seg_lo[p] = i;
        seg_hi[p] = l;
        i = k;
        for (;;) {
            if (jl > ju)
                goto pop;
            if (ind[jl] < i)
                jl++;
            else
                break;
        }
        want_hi[p] = jl - 1;
    }
    goto big_segment;
small_segment:
    if (i != 1) {
        /* insertion sort; a[i - 1] bounds the segment from below */
        i--;
        for (;;) {
            i++;
            if (i == j)
                goto pop;
            t = a[i + 1];
            if (a[i] > t) {
                k = i;
                do {
                    a[k + 1] = a[k];
                    k--;
                } while (!(t >= a[k]));
                a[k + 1] = t;
            }
        }
    }
    goto outer;
}

/* Tukey biweight robustness weights of the residuals y - fit, scaled by six
 * times their median absolute value.  `scratch` holds n doubles. */
static void robustness_weights(const double *y, int n, const double *fit,
                               double *rw, double *scratch)
{
    for (int i = 0; i < n; i++)
        scratch[i] = fabs(y[i] - fit[i]);
    int mid[3];
    mid[1] = n / 2 + 1;
    mid[2] = n - mid[1] + 1;
    stl_psort(scratch - 1, n, mid, 2);
    double cmad = 3.0 * (scratch[mid[1] - 1] + scratch[mid[2] - 1]);
    double c9 = 0.999 * cmad, c1 = 0.001 * cmad;
    for (int i = 0; i < n; i++) {
        double r = fabs(y[i] - fit[i]);
        if (r <= c1) {
            rw[i] = 1.0;
        } else if (r <= c9) {
            double u = r / cmad;
            double v = 1.0 - u * u;
            rw[i] = v * v;
        } else {
            rw[i] = 0.0;
        }
    }
}

static int next_odd(double x)
{
    int v = (int) nearbyint(x);
    if (v % 2 == 0)
        v++;
    return v;
}

void lagrs_stl_default_opts(double frequency, int s_window, int robust,
                            lagrs_stl_opts *opts)
{
    /* stl() passes as.integer(frequency) to the Fortran but computes the
     * default windows from the frequency itself */
    opts->period = (int) frequency;
    opts->s_window = s_window;
    opts->s_degree = 0;
    opts->t_window = next_odd(ceil(1.5 * frequency / (1.0 - 1.5 / s_window)));
    opts->t_degree = 1;
    opts->l_window = next_odd(frequency);
    opts->l_degree = opts->t_degree;
    opts->s_jump = (int) ceil(s_window / 10.0);
    opts->t_jump = (int) ceil(opts->t_window / 10.0);
    opts->l_jump = (int) ceil(opts->l_window / 10.0);
    opts->inner = robust ? 1 : 2;
    opts->outer = robust ? 15 : 0;
}

size_t lagrs_stl_work_size(ptrdiff_t n, int period)
{
    if (n < 0 || period < 0)
        return 0;
    return 5 * ((size_t) n + 2 * (size_t) period) + (size_t) n;
}

static int odd_at_least_3(int span)
{
    if (span < 3)
        span = 3;
    if (span % 2 == 0)
        span++;
    return span;
}

int lagrs_stl(const double *y, ptrdiff_t n_obs, const lagrs_stl_opts *o,
              double *seasonal, double *trend, double *weights, double *work)
{
    if (o->period < 2 || o->s_degree < 0 || o->s_degree > 1 ||
        o->t_degree < 0 || o->t_degree > 1 || o->l_degree < 0 ||
        o->l_degree > 1 || o->s_jump < 1 || o->t_jump < 1 || o->l_jump < 1 ||
        o->inner < 1 || o->outer < 0 || o->s_window < 1 ||
        o->t_window < 1 || o->l_window < 1 ||
        n_obs > INT_MAX / 4 - 4 * (ptrdiff_t) o->period)
        return LAGRS_STL_BAD_ARG;
    if (n_obs <= 2 * (ptrdiff_t) o->period)
        return LAGRS_STL_TOO_SHORT;
    int n = (int) n_obs;
    for (int i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return LAGRS_STL_MISSING;

    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_stl_work_size(n, o->period) * sizeof(double));
        if (own == NULL)
            return LAGRS_STL_NOMEM;
        work = own;
    }
    double *rw = work + 5 * ((size_t) n + 2 * (size_t) o->period);

    int s_window = odd_at_least_3(o->s_window);
    int t_window = odd_at_least_3(o->t_window);
    int l_window = odd_at_least_3(o->l_window);
    int period = o->period;

    for (int i = 0; i < n; i++)
        trend[i] = 0.0;
    int use_rw = 0;
    for (int k = 0;; k++) {
        stl_inner(y, n, o, period, s_window, t_window, l_window, use_rw, rw,
                  seasonal, trend, work);
        if (k + 1 > o->outer)
            break;
        for (int i = 0; i < n; i++)
            work[i] = trend[i] + seasonal[i];
        robustness_weights(y, n, work, rw, work + n);
        use_rw = 1;
    }
    if (weights != NULL)
        for (int i = 0; i < n; i++)
            weights[i] = o->outer > 0 ? rw[i] : 1.0;
    free(own);
    return LAGRS_STL_OK;
}
