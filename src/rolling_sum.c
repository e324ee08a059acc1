#include "rolling_internal.h"
#include <float.h>
#include <math.h>
#include <string.h>

/* Rolling sum, mean, variance and standard deviation: running compensated
 * sums, with a steady state for full windows of finite values and, for sum
 * and mean, two or four chunks in SIMD lanes.
 *
 * Every kernel walks the outputs first..last-1 of one series while the
 * window [lo, hi) slides: at each step at most one observation enters
 * (hi grows) and at most one leaves (lo grows), so one code path serves
 * every alignment and the clipped windows at both edges. */

/* ------------------------------------------------------------------------ */
/* Compensated accumulation                                                  */

/* s + c holds a sum; adding x keeps the rounding error of the addition in c
 * (Knuth's TwoSum, no branch, exact in binary floating point). */
static inline void two_sum_add(double *s, double *c, double x)
{
    /* the error negated and subtracted: see two_sum_replace() */
    double t = *s + x;
    double z = t - *s;
    *c -= ((t - z) - *s) + (z - x);
    *s = t;
}

/* Adds a - b: the difference and the sum each carry their exact error into
 * c, and the dependency chain through s is one addition long.  The errors
 * are formed negated and subtracted from c (bitwise the same numbers):
 * with additions on both, GCC's SLP vectoriser packs s + d and c + err
 * into one vector addition, which puts the whole error computation on the
 * chain through s and makes the loop several times slower. */
static inline void two_sum_replace(double *s, double *c, double a, double b)
{
    double d = a - b;
    double z = d - a;
    double neg_err = ((d - z) - a) + (b + z);
    double t = *s + d;
    double y = t - *s;
    *c -= neg_err + (((t - y) - *s) + (y - d));
    *s = t;
}

/* Restart when the window's magnitude has fallen this far below its peak
 * since the last restart: what is left of the compensated sum's error from
 * the large values that have gone could otherwise show against the small
 * values that remain. */
#define LAGRS_RESTART_RATIO 0x1p-10

/* State shared by sum, mean, var and sd. */
typedef struct {
    R_xlen_t n_finite, n_nan, n_pos_inf, n_neg_inf;
    /* sum and mean: the finite values' sum, and sum of magnitudes */
    double sum, sum_c, abs_sum, abs_peak;
    /* var and sd: sums of (x - shift) and (x - shift)^2 */
    double shift, s1, s1_c, s2, s2_c, s2_peak;
    /* The present values in [run_start, hi) are all equal to run_value
     * (NA and NaN skipped when na_rm).  A window inside the run answers
     * exactly: the mean is that value and the variance 0. */
    int in_run;
    double run_value;
    R_xlen_t run_start, last_present;
    int dirty;   /* an overflow spoilt the running sums: restart */
} sum_state;

static void sum_enter_run(sum_state *st, double v, R_xlen_t idx, int na_rm)
{
    if (isnan(v)) {
        if (!na_rm) {
            st->in_run = 0;
            st->last_present = idx;
        }
        return;
    }
    if (!st->in_run || v != st->run_value) {
        st->run_start = st->last_present + 1;
        st->run_value = v;
        st->in_run = 1;
    }
    st->last_present = idx;
}

static inline int in_run(const sum_state *st, R_xlen_t lo)
{
    return st->in_run && lo >= st->run_start;
}

static void count_value(sum_state *st, double v, R_xlen_t delta)
{
    if (isnan(v))
        st->n_nan += delta;
    else if (isinf(v)) {
        if (v > 0)
            st->n_pos_inf += delta;
        else
            st->n_neg_inf += delta;
    } else
        st->n_finite += delta;
}

/* Recomputes the sums of the window [lo, hi) from scratch. */
static void sum_restart(sum_state *st, const double *x, R_xlen_t lo, R_xlen_t hi)
{
    double s = 0, c = 0, a = 0;
    for (R_xlen_t j = lo; j < hi; j++) {
        if (isfinite(x[j])) {
            two_sum_add(&s, &c, x[j]);
            a += fabs(x[j]);
        }
    }
    st->sum = s;
    st->sum_c = c;
    st->abs_sum = a;
    st->abs_peak = a;
    st->dirty = 0;
}

/* The first window of a chunk, [lo, hi), when it holds only finite values
 * (the usual case): its counts, its run of equal values and its sums in
 * one pass with no branch per value.  Returns 0, leaving `st` as it was,
 * when the window is empty or holds NA, NaN or an infinite value (or its
 * magnitudes overflow): the general start takes over. */
/* sum_start_finite() in two parts: the sums of the two halves of the
 * window side by side (two independent dependency chains), in h[] as
 * s, c, a, s_hi, c_hi, a_hi; then the rest.  The lanes of a group of
 * chunks may run the first part in the lanes of a vector. */
static void start_halves(const double *x, R_xlen_t lo, R_xlen_t hi, double *h)
{
    const R_xlen_t half = (hi - lo) / 2, mid = lo + half;
    double s = 0, c = 0, a = 0, s_hi = 0, c_hi = 0, a_hi = 0;
    for (R_xlen_t j = 0; j < half; j++) {
        two_sum_add(&s, &c, x[lo + j]);
        two_sum_add(&s_hi, &c_hi, x[mid + j]);
        a += fabs(x[lo + j]);
        a_hi += fabs(x[mid + j]);
    }
    h[0] = s;
    h[1] = c;
    h[2] = a;
    h[3] = s_hi;
    h[4] = c_hi;
    h[5] = a_hi;
}

static int start_finish(sum_state *st, const double *x, R_xlen_t lo, R_xlen_t hi,
                        const double *h)
{
    const R_xlen_t half = (hi - lo) / 2, mid = lo + half;
    double s = h[0], c = h[1], a = h[2], s_hi = h[3], c_hi = h[4], a_hi = h[5];
    if (mid + half < hi) {
        two_sum_add(&s_hi, &c_hi, x[hi - 1]);
        a_hi += fabs(x[hi - 1]);
    }
    two_sum_add(&s, &c, s_hi);
    c += c_hi;
    a += a_hi;
    if (hi <= lo || !(a <= DBL_MAX))
        return 0;
    /* the run: the longest stretch of equal values ending at hi - 1 */
    R_xlen_t run_start = hi - 1;
    while (run_start > lo && x[run_start - 1] == x[hi - 1])
        run_start--;
    st->n_finite = hi - lo;
    st->in_run = 1;
    st->run_value = x[hi - 1];
    st->run_start = run_start;
    st->last_present = hi - 1;
    st->sum = s;
    st->sum_c = c;
    st->abs_sum = a;
    st->abs_peak = a;
    st->dirty = 0;
    return 1;
}

static int sum_start_finite(sum_state *st, const double *x, R_xlen_t lo, R_xlen_t hi)
{
    double h[6];
    start_halves(x, lo, hi, h);
    return start_finish(st, x, lo, hi, h);
}

/* Two-pass restart for the variance: the shift is the window's mean, so
 * the sums start as small as they can be. */
static void var_restart(sum_state *st, const double *x, R_xlen_t lo, R_xlen_t hi)
{
    double s = 0, c = 0;
    R_xlen_t m = 0;
    for (R_xlen_t j = lo; j < hi; j++) {
        if (isfinite(x[j])) {
            two_sum_add(&s, &c, x[j]);
            m++;
        }
    }
    double shift = m > 0 ? (s + c) / (double) m : 0.0;
    if (!isfinite(shift))
        shift = 0.0;
    double s1 = 0, s1_c = 0, s2 = 0, s2_c = 0;
    for (R_xlen_t j = lo; j < hi; j++) {
        if (isfinite(x[j])) {
            double d = x[j] - shift;
            two_sum_add(&s1, &s1_c, d);
            two_sum_add(&s2, &s2_c, d * d);
        }
    }
    st->shift = shift;
    st->s1 = s1;
    st->s1_c = s1_c;
    st->s2 = s2;
    st->s2_c = s2_c;
    st->s2_peak = s2;
    st->dirty = 0;
}

/* R's mean() of the finite values in [lo, hi): a long double sum, then a
 * second pass that corrects it.  Used only when a double sum overflows. */
static double exact_window_mean(const double *x, R_xlen_t lo, R_xlen_t hi, int want_sum)
{
    long double s = 0;
    R_xlen_t m = 0;
    for (R_xlen_t j = lo; j < hi; j++)
        if (isfinite(x[j])) {
            s += x[j];
            m++;
        }
    if (want_sum)
        return (double) s;
    s /= m;
    if (isfinite((double) s)) {
        long double t = 0;
        for (R_xlen_t j = lo; j < hi; j++)
            if (isfinite(x[j]))
                t += (x[j] - s);
        s += t / m;
    }
    return (double) s;
}

/* The shift has drifted from the mean of the m values (5 s1^2 > 4 m s2),
 * so s2 - s1^2 / m would cancel.  Written with means so that it cannot
 * overflow on the right: huge values of the first line (s1 = 1e154,
 * s2 = 3e307) made both sides Inf, the test false, and the variance 0. */
static inline int drifted(double s1, double s2, double m)
{
    double q = s1 / m;
    return 5.0 * q * q > 4.0 * (s2 / m);
}

/* The variance (or standard deviation) of m values whose deviations from
 * `shift` sum to s1 and whose squared deviations sum to s2. */
static inline double var_value(double s1, double s2, double shift, double m, int want_sd)
{
    double q = s1 / m;
    double ss = s2 - s1 * q;
    /* var() takes deviations from the mean rounded to a double, mean_r, so
     * its sum of squares exceeds the exact one by m * (mean - mean_r)^2.
     * That is below the data's rounding for most series, but not when the
     * spread is tiny against the level (1e9 + noise): add it, to give
     * var()'s number. */
    double mean_r = shift + q;
    double z = mean_r - shift;
    double delta = (shift - (mean_r - z)) + (q - z);
    ss += m * delta * delta;
    double ans = ss > 0 ? ss / (m - 1.0) : 0.0;
    if (isnan(ss))
        ans = ss;
    return want_sd ? sqrt(ans) : ans;
}

/* The steady state of sum and mean: a full window of finite values slides
 * by one at each step.  Locals instead of the state struct keep the
 * dependency chains in registers, and everything but the compensated sum
 * itself sits behind two rarely taken branches:
 *   - the magnitude check: the sum of magnitudes stays in [floor_abs, peak]
 *     unless it reaches a new peak, falls far enough for a restart, or is
 *     no longer finite (a non-finite value enters, or the sums could
 *     overflow: the general step takes over);
 *   - the run check: a window can be a run of equal values only if the
 *     entering value equals the one before it (width >= 2).
 * Returns the first output not written: at `end`, or where the general
 * step must take over. */
static inline int sum_fast_can_start(const sum_state *st, const lagrs_roll_spec *spec)
{
    return spec->width >= 2 && st->abs_sum < 1e300;
}

/* sum_fast() once sum_fast_can_start() has said yes.  It keeps nothing
 * but `st` between calls, so a run may be cut into several calls. */
static R_xlen_t sum_fast_run(sum_state *st, const double *x, R_xlen_t i, R_xlen_t end,
                             R_xlen_t lo, const lagrs_roll_spec *spec, double *out)
{
    const R_xlen_t w = spec->width;
    const double m = (double) w;
    const int want_sum = spec->stat == LAGRS_ROLL_SUM;
    double s = st->sum, c = st->sum_c, abs_sum = st->abs_sum, peak = st->abs_peak;
    double floor_abs = peak * LAGRS_RESTART_RATIO;
    double prev = st->run_value;   /* the newest value of the window */
    R_xlen_t run_start = st->run_start;
    for (; i < end; i++, lo++) {
        double a = x[lo + w], b = x[lo];
        double next_abs = abs_sum + (fabs(a) - fabs(b));
        if (next_abs <= peak && next_abs >= floor_abs) {
            two_sum_replace(&s, &c, a, b);
        } else if (!(next_abs < 1e300)) {
            break;
        } else if (next_abs > peak) {
            peak = next_abs;
            floor_abs = peak * LAGRS_RESTART_RATIO;
            two_sum_replace(&s, &c, a, b);
        } else {
            sum_restart(st, x, lo + 1, lo + 1 + w);
            s = st->sum;
            c = st->sum_c;
            next_abs = peak = st->abs_sum;
            floor_abs = peak * LAGRS_RESTART_RATIO;
        }
        abs_sum = next_abs;
        double total = s + c;
        double ans = want_sum ? total : total / m;
        if (a != prev) {
            run_start = lo + w;
            prev = a;
        } else if (lo + 1 >= run_start) {
            ans = (want_sum ? a * m : a) + 0.0;
        }
        out[i] = ans;
    }
    st->sum = s;
    st->sum_c = c;
    st->abs_sum = abs_sum;
    st->abs_peak = peak;
    st->run_value = prev;
    st->run_start = run_start;
    st->last_present = lo + w - 1;
    return i;
}

static R_xlen_t sum_fast(sum_state *st, const double *x, R_xlen_t i, R_xlen_t end,
                         R_xlen_t lo, const lagrs_roll_spec *spec, double *out)
{
    return sum_fast_can_start(st, spec) ? sum_fast_run(st, x, i, end, lo, spec, out) : i;
}

/* The steady state of var and sd, as sum_fast(). */
static R_xlen_t var_fast(sum_state *st, const double *x, R_xlen_t i, R_xlen_t end,
                         R_xlen_t lo, const lagrs_roll_spec *spec, double *out)
{
    const R_xlen_t w = spec->width;
    const double m = (double) w;
    const int want_sd = spec->stat == LAGRS_ROLL_SD;
    double s1 = st->s1, c1 = st->s1_c, s2 = st->s2, c2 = st->s2_c;
    double peak = st->s2_peak, shift = st->shift;
    double run_value = st->run_value;
    R_xlen_t run_start = st->run_start;
    for (; i < end; i++, lo++) {
        double a = x[lo + w], b = x[lo];
        if (!isfinite(a - b))
            break;
        if (a != run_value) {
            run_start = lo + w;
            run_value = a;
        }
        double da = a - shift, db = b - shift;
        two_sum_replace(&s1, &c1, da, db);
        two_sum_replace(&s2, &c2, da * da, db * db);
        if (s2 > peak)
            peak = s2;
        if (s2 < peak * LAGRS_RESTART_RATIO || drifted(s1, s2, m)) {
            var_restart(st, x, lo + 1, lo + 1 + w);
            s1 = st->s1;
            c1 = st->s1_c;
            s2 = st->s2;
            c2 = st->s2_c;
            peak = st->s2_peak;
            shift = st->shift;
        }
        double v = lo + 1 >= run_start ? 0.0 : var_value(s1 + c1, s2 + c2, shift, m, want_sd);
        if (!isfinite(v)) {
            /* the sums are Inf or NaN (squared deviations overflowed, now or
             * while an earlier run of equal values skipped them): hand output
             * i back to the caller, which recomputes the sums from its window */
            st->dirty = 1;
            break;
        }
        out[i] = v;
    }
    st->s1 = s1;
    st->s1_c = c1;
    st->s2 = s2;
    st->s2_c = c2;
    st->s2_peak = peak;
    st->run_value = run_value;
    st->run_start = run_start;
    st->last_present = lo + w - 1;
    return i;
}

/* The window of a chunk's first output, [*lo, *hi): its counts, run and
 * sums. */
static void sum_family_start(sum_state *st, const double *x, R_xlen_t n, R_xlen_t first,
                             const lagrs_roll_spec *spec, R_xlen_t *lo_p, R_xlen_t *hi_p,
                             const double *halves)
{
    const int want_var = spec->stat == LAGRS_ROLL_VAR || spec->stat == LAGRS_ROLL_SD;
    memset(st, 0, sizeof *st);
    R_xlen_t lo = window_lo(first, spec), hi = window_hi(first, n, spec);
    if (want_var || !(halves ? start_finish(st, x, lo, hi, halves)
                             : sum_start_finite(st, x, lo, hi))) {
        st->last_present = lo - 1;
        st->run_start = lo;
        for (R_xlen_t j = lo; j < hi; j++) {
            count_value(st, x[j], 1);
            sum_enter_run(st, x[j], j, spec->na_rm);
        }
        if (want_var)
            var_restart(st, x, lo, hi);
        else
            sum_restart(st, x, lo, hi);
    }
    *lo_p = lo;
    *hi_p = hi;
}

/* May the steady state take over at output i, whose predecessor's window
 * is [lo, hi)?  (Outputs whose windows slide by one whole step, both ends
 * inside, full of finite values.) */
static inline int sum_steady(const sum_state *st, R_xlen_t i, R_xlen_t steady_to,
                             R_xlen_t lo, R_xlen_t hi, const lagrs_roll_spec *spec)
{
    return i >= spec->before + 1 && i < steady_to && hi - lo == spec->width &&
        st->n_finite == spec->width && !st->dirty;
}

/* One output of the general path: slides the window [*lo_p, *hi_p) of
 * output i - 1 to that of output i (not at the chunk's first output) and
 * writes out[i]. */
static inline void sum_general_output(sum_state *st, const double *x, R_xlen_t n,
                                      R_xlen_t i, R_xlen_t first, R_xlen_t *lo_p,
                                      R_xlen_t *hi_p, const lagrs_roll_spec *spec,
                                      double *out)
{
    const int stat = spec->stat, na_rm = spec->na_rm;
    const int want_var = stat == LAGRS_ROLL_VAR || stat == LAGRS_ROLL_SD;
    R_xlen_t lo = *lo_p, hi = *hi_p;
    if (i > first) {
        R_xlen_t new_lo = window_lo(i, spec), new_hi = window_hi(i, n, spec);
        int enter = new_hi > hi, leave = new_lo > lo;
        double a = enter ? x[hi] : 0.0, b = leave ? x[lo] : 0.0;
        if (enter) {
            count_value(st, a, 1);
            sum_enter_run(st, a, hi, na_rm);
        }
        if (leave)
            count_value(st, b, -1);
        /* Non-finite values are only counted: they never touch the sums,
         * so nothing is left of them once they leave the window. */
        if (enter && !isfinite(a))
            a = 0.0, enter = 0;
        if (leave && !isfinite(b))
            b = 0.0, leave = 0;
        if (want_var) {
            double da = enter ? a - st->shift : 0.0;
            double db = leave ? b - st->shift : 0.0;
            two_sum_replace(&st->s1, &st->s1_c, da, db);
            two_sum_replace(&st->s2, &st->s2_c, da * da, db * db);
        } else {
            two_sum_replace(&st->sum, &st->sum_c, a, b);
            st->abs_sum += fabs(a) - fabs(b);
        }
        lo = new_lo;
        hi = new_hi;
        *lo_p = lo;
        *hi_p = hi;
        if (want_var) {
            double s1 = st->s1, s2 = st->s2;
            if (s2 > st->s2_peak)
                st->s2_peak = s2;
            /* Restart when the shift has drifted far from the window's
             * mean (cancellation in s2 - s1^2 / m would grow) or when
             * the spread has collapsed below its peak. */
            if (st->dirty || s2 < st->s2_peak * LAGRS_RESTART_RATIO ||
                drifted(s1, s2, (double) st->n_finite))
                var_restart(st, x, lo, hi);
        } else {
            if (st->abs_sum > st->abs_peak)
                st->abs_peak = st->abs_sum;
            if (st->dirty || st->abs_sum < st->abs_peak * LAGRS_RESTART_RATIO)
                sum_restart(st, x, lo, hi);
        }
    }

    R_xlen_t n_inf = st->n_pos_inf + st->n_neg_inf;
    R_xlen_t present = st->n_finite + n_inf;
    R_xlen_t counted = na_rm ? present : hi - lo;
    double ans;
    if (counted < spec->min_obs)
        ans = spec->fill;
    else if (!na_rm && st->n_nan > 0)
        ans = spec->na_value;
    else if (want_var) {
        if (present < 2)
            ans = spec->na_value;
        else if (n_inf > 0)
            ans = NAN;
        else if (in_run(st, lo))
            ans = 0.0;
        else {
            ans = var_value(st->s1 + st->s1_c, st->s2 + st->s2_c, st->shift,
                            (double) st->n_finite, stat == LAGRS_ROLL_SD);
            if (!isfinite(ans)) {
                /* every value here is finite: the running sums have
                 * overflowed, now or in an earlier window.  Recompute
                 * them from this window; if the squares still
                 * overflow, so does the variance (var() says Inf). */
                var_restart(st, x, lo, hi);
                ans = var_value(st->s1 + st->s1_c, st->s2 + st->s2_c, st->shift,
                                (double) st->n_finite, stat == LAGRS_ROLL_SD);
                if (!isfinite(ans)) {
                    ans = INFINITY;
                    st->dirty = 1;
                }
            }
        }
    } else {
        if (st->n_pos_inf > 0 && st->n_neg_inf > 0)
            ans = NAN;
        else if (st->n_pos_inf > 0)
            ans = INFINITY;
        else if (st->n_neg_inf > 0)
            ans = -INFINITY;
        else if (in_run(st, lo)) {
            /* + 0.0 turns -0 into 0, as R's sum() does */
            ans = stat == LAGRS_ROLL_SUM ? st->run_value * (double) present + 0.0
                                         : st->run_value + 0.0;
        } else {
            double total = st->sum + st->sum_c;
            if (isfinite(total) && isfinite(st->abs_sum))
                ans = stat == LAGRS_ROLL_SUM ? total : total / (double) present;
            else {
                /* finite values whose sum overflows a double */
                ans = exact_window_mean(x, lo, hi, stat == LAGRS_ROLL_SUM);
                st->dirty = 1;
            }
        }
    }
    out[i] = ans;
}

void sum_family_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                       R_xlen_t last, const lagrs_roll_spec *spec,
                       double *out)
{
    const int want_var = spec->stat == LAGRS_ROLL_VAR || spec->stat == LAGRS_ROLL_SD;
    sum_state st;
    R_xlen_t lo, hi;
    sum_family_start(&st, x, n, first, spec, &lo, &hi, NULL);

    const R_xlen_t steady_to = n - spec->after < last ? n - spec->after : last;
    for (R_xlen_t i = first; i < last; i++) {
        if (i > first && sum_steady(&st, i, steady_to, lo, hi, spec) &&
            (!want_var || spec->width >= 2)) {
            i = want_var ? var_fast(&st, x, i, steady_to, lo, spec, out)
                         : sum_fast(&st, x, i, steady_to, lo, spec, out);
            lo = window_lo(i - 1, spec);
            hi = window_hi(i - 1, n, spec);
            if (i >= last)
                break;
        }
        sum_general_output(&st, x, n, i, first, &lo, &hi, spec, out);
    }
}

/* Two to four chunks in lock step (sum and mean only).  Where two (or
 * four) are in the steady state, sum_fast_pair() (sum_fast_quad()) runs
 * their steps side by side in the halves (quarters) of a vector: each lane
 * does the very operations sum_fast() does for its chunk, in the same
 * order (no product but the exact peak * 2^-10, which feeds no addition,
 * so nothing a compiler could fuse), and the results are bitwise those of
 * sum_family_kernel() on each chunk alone.  A new peak of the magnitudes
 * is taken in the vector as sum_fast_run() takes it; everything rare (a
 * restart, a non-finite value or sums near overflow, a window inside a run
 * of equal values) is left to the scalar code, one step at a time. */
#ifdef LAGRS_ROLL_PAIRS
typedef double lagrs_v2d __attribute__((vector_size(16)));
typedef long long lagrs_v2l __attribute__((vector_size(16)));

typedef struct {
    sum_state st;
    const double *x;
    double *out;
    R_xlen_t n, first, last, steady_to;
    R_xlen_t i;        /* the next output to write */
    R_xlen_t lo, hi;   /* the window of output i - 1 (outside the steady state) */
    int fast;          /* in the steady state: sum_fast_run() may go on at i */
    int skip_check;    /* output i takes the general path without asking */
} sum_lane;

static void lane_start(sum_lane *L, const double *x, R_xlen_t n, R_xlen_t first,
                       R_xlen_t last, const lagrs_roll_spec *spec, double *out,
                       const double *halves)
{
    sum_family_start(&L->st, x, n, first, spec, &L->lo, &L->hi, halves);
    L->x = x;
    L->out = out;
    L->n = n;
    L->first = first;
    L->last = last;
    L->steady_to = n - spec->after < last ? n - spec->after : last;
    L->i = first;
    L->fast = 0;
    L->skip_check = 1;   /* the first output only answers */
}

/* The general path of sum_family_kernel(), until the lane is done or the
 * steady state may take over. */
static void lane_general(sum_lane *L, const lagrs_roll_spec *spec)
{
    while (L->i < L->last) {
        if (!L->skip_check && sum_steady(&L->st, L->i, L->steady_to, L->lo, L->hi, spec) &&
            sum_fast_can_start(&L->st, spec)) {
            L->fast = 1;
            return;
        }
        L->skip_check = 0;
        sum_general_output(&L->st, L->x, L->n, L->i, L->first, &L->lo, &L->hi, spec,
                           L->out);
        L->i++;
    }
}

/* sum_fast_run() up to output `end`; leaves the steady state as
 * sum_family_kernel() does when it stops early or reaches steady_to. */
static void lane_fast_scalar(sum_lane *L, R_xlen_t end, const lagrs_roll_spec *spec)
{
    R_xlen_t i = sum_fast_run(&L->st, L->x, L->i, end, L->i - 1 - spec->before, spec,
                              L->out);
    L->i = i;
    if (i < end || i >= L->steady_to) {
        L->fast = 0;
        L->skip_check = 1;
        L->lo = window_lo(i - 1, spec);
        L->hi = window_hi(i - 1, L->n, spec);
    }
}

static inline lagrs_v2d v2_abs(lagrs_v2d v)
{
    const lagrs_v2l mask = {INT64_MAX, INT64_MAX};
    return (lagrs_v2d) ((lagrs_v2l) v & mask);
}

/* start_halves() of two windows of the same length, len, starting at
 * x0 and x1, side by side in the halves of vectors: each lane does the
 * very operations start_halves() does. */
static void start_halves_pair(const double *x0, const double *x1, R_xlen_t len,
                              double *h0, double *h1)
{
    const R_xlen_t half = len / 2;
    const double *m0 = x0 + half, *m1 = x1 + half;
    lagrs_v2d s = {0, 0}, c = {0, 0}, a = {0, 0};
    lagrs_v2d s_hi = {0, 0}, c_hi = {0, 0}, a_hi = {0, 0};
    for (R_xlen_t j = 0; j < half; j++) {
        lagrs_v2d u = {x0[j], x1[j]}, v = {m0[j], m1[j]};
        lagrs_v2d t = s + u, z = t - s;
        c -= ((t - z) - s) + (z - u);
        s = t;
        t = s_hi + v;
        z = t - s_hi;
        c_hi -= ((t - z) - s_hi) + (z - v);
        s_hi = t;
        a += v2_abs(u);
        a_hi += v2_abs(v);
    }
    lagrs_v2d r[6] = {s, c, a, s_hi, c_hi, a_hi};
    for (int q = 0; q < 6; q++) {
        h0[q] = r[q][0];
        h1[q] = r[q][1];
    }
}

/* Both lanes in the steady state: their common steps, up to the first
 * that either lane must take on the scalar path. */
static void sum_fast_pair(sum_lane *L0, sum_lane *L1, const lagrs_roll_spec *spec)
{
    const R_xlen_t w = spec->width;
    const int want_sum = spec->stat == LAGRS_ROLL_SUM;
    sum_state *st0 = &L0->st, *st1 = &L1->st;
    R_xlen_t steps = L0->steady_to - L0->i;
    if (L1->steady_to - L1->i < steps)
        steps = L1->steady_to - L1->i;
    const R_xlen_t lo0 = L0->i - 1 - spec->before, lo1 = L1->i - 1 - spec->before;
    const double *b0 = L0->x + lo0, *b1 = L1->x + lo1;
    const double *a0 = b0 + w, *a1 = b1 + w;
    double *o0 = L0->out + L0->i, *o1 = L1->out + L1->i;

    const lagrs_v2d m = {(double) w, (double) w};
    const lagrs_v2d one = {1.0, 1.0};
    const lagrs_v2d big = {1e300, 1e300};
    const lagrs_v2d ratio = {LAGRS_RESTART_RATIO, LAGRS_RESTART_RATIO};
    lagrs_v2d s = {st0->sum, st1->sum}, c = {st0->sum_c, st1->sum_c};
    lagrs_v2d abs_sum = {st0->abs_sum, st1->abs_sum};
    lagrs_v2d peak = {st0->abs_peak, st1->abs_peak};
    lagrs_v2d floor_abs = {st0->abs_peak * LAGRS_RESTART_RATIO,
                           st1->abs_peak * LAGRS_RESTART_RATIO};
    lagrs_v2d prev = {st0->run_value, st1->run_value};
    /* positions as doubles (exact below 2^53): lo, and the run's start */
    lagrs_v2d pos = {(double) lo0, (double) lo1};
    lagrs_v2d run_start = {(double) st0->run_start, (double) st1->run_start};
    R_xlen_t j = 0;
    for (; j < steps; j++) {
        lagrs_v2d a = {a0[j], a1[j]}, b = {b0[j], b1[j]};
        lagrs_v2d next_abs = abs_sum + (v2_abs(a) - v2_abs(b));
        lagrs_v2l same = (lagrs_v2l) (a == prev);
        lagrs_v2l ok = (lagrs_v2l) (next_abs < big) & (lagrs_v2l) (next_abs >= floor_abs) &
            ~(same & (lagrs_v2l) (pos + one >= run_start));
        /* a new peak (below 1e300), as sum_fast_run() takes it */
        lagrs_v2l up = (lagrs_v2l) (next_abs > peak);
        lagrs_v2l rare = ~ok | up;
        if (rare[0] | rare[1]) {
            if (!(ok[0] & ok[1]))
                break;
            peak = (lagrs_v2d) (((lagrs_v2l) next_abs & up) | ((lagrs_v2l) peak & ~up));
            floor_abs = peak * ratio;
        }
        /* two_sum_replace(), both lanes */
        lagrs_v2d d = a - b;
        lagrs_v2d z = d - a;
        lagrs_v2d neg_err = ((d - z) - a) + (b + z);
        lagrs_v2d t = s + d;
        lagrs_v2d y = t - s;
        c -= neg_err + (((t - y) - s) + (y - d));
        s = t;
        abs_sum = next_abs;
        /* a new value starts a run at lo + w; an equal one changes nothing */
        run_start = (lagrs_v2d) (((lagrs_v2l) run_start & same) |
                                 ((lagrs_v2l) (pos + m) & ~same));
        prev = (lagrs_v2d) (((lagrs_v2l) prev & same) | ((lagrs_v2l) a & ~same));
        pos += one;
        lagrs_v2d total = s + c;
        lagrs_v2d ans = want_sum ? total : total / m;
        o0[j] = ans[0];
        o1[j] = ans[1];
    }
    st0->sum = s[0];
    st1->sum = s[1];
    st0->sum_c = c[0];
    st1->sum_c = c[1];
    st0->abs_sum = abs_sum[0];
    st1->abs_sum = abs_sum[1];
    st0->abs_peak = peak[0];
    st1->abs_peak = peak[1];
    st0->run_value = prev[0];
    st1->run_value = prev[1];
    st0->run_start = (R_xlen_t) run_start[0];
    st1->run_start = (R_xlen_t) run_start[1];
    st0->last_present = lo0 + j + w - 1;
    st1->last_present = lo1 + j + w - 1;
    L0->i += j;
    L1->i += j;
}

#ifdef LAGRS_ROLL_QUADS
#include <immintrin.h>
/* sum_fast_pair() on four lanes at once, in AVX's 4-wide vectors: compiled
 * for AVX whatever the compiler's flags, and used only when the processor
 * (and the system) has it -- the driver (rolling.c) asks lagrs_has_avx().  The
 * operations are those of sum_fast_pair(), lane for lane. */
typedef double lagrs_v4d __attribute__((vector_size(32)));
typedef long long lagrs_v4l __attribute__((vector_size(32)));

/* Rows r0..r3 (four values of lane k in rk) become columns (value q of
 * the four lanes in rq), and back: the transpose is its own inverse. */
__attribute__((target("avx")))
static inline void transpose4(lagrs_v4d *r0, lagrs_v4d *r1, lagrs_v4d *r2, lagrs_v4d *r3)
{
    __m256d t0 = _mm256_unpacklo_pd((__m256d) *r0, (__m256d) *r1);
    __m256d t1 = _mm256_unpackhi_pd((__m256d) *r0, (__m256d) *r1);
    __m256d t2 = _mm256_unpacklo_pd((__m256d) *r2, (__m256d) *r3);
    __m256d t3 = _mm256_unpackhi_pd((__m256d) *r2, (__m256d) *r3);
    *r0 = (lagrs_v4d) _mm256_permute2f128_pd(t0, t2, 0x20);
    *r1 = (lagrs_v4d) _mm256_permute2f128_pd(t1, t3, 0x20);
    *r2 = (lagrs_v4d) _mm256_permute2f128_pd(t0, t2, 0x31);
    *r3 = (lagrs_v4d) _mm256_permute2f128_pd(t1, t3, 0x31);
}

/* The lanes' state in sum_fast_quad(). */
typedef struct {
    lagrs_v4d s, c, abs_sum, peak, floor_abs, prev, pos, run_start;
} quad_state;

static const lagrs_v4l quad_abs_mask = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};

/* two_sum_replace() of four lanes, and the output. */
__attribute__((target("avx")))
static inline lagrs_v4d quad_sum(quad_state *q, lagrs_v4d a, lagrs_v4d b)
{
    lagrs_v4d d = a - b;
    lagrs_v4d z = d - a;
    lagrs_v4d neg_err = ((d - z) - a) + (b + z);
    lagrs_v4d t = q->s + d;
    lagrs_v4d y = t - q->s;
    q->c -= neg_err + (((t - y) - q->s) + (y - d));
    q->s = t;
    return q->s + q->c;
}

/* One step of the four lanes, as sum_fast_pair() takes it: the entering
 * values a, the leaving b.  Returns 0, leaving `q` as it was, when a lane
 * must take the step on the scalar path; takes a new peak in the vector. */
__attribute__((target("avx")))
static inline int quad_step(quad_state *q, lagrs_v4d a, lagrs_v4d b, lagrs_v4d m,
                            int want_sum, lagrs_v4d *ans)
{
    const lagrs_v4d one = {1.0, 1.0, 1.0, 1.0};
    const lagrs_v4d big = {1e300, 1e300, 1e300, 1e300};
    const lagrs_v4d ratio = {LAGRS_RESTART_RATIO, LAGRS_RESTART_RATIO, LAGRS_RESTART_RATIO,
                             LAGRS_RESTART_RATIO};
    lagrs_v4d next_abs = q->abs_sum + ((lagrs_v4d) ((lagrs_v4l) a & quad_abs_mask) -
                                       (lagrs_v4d) ((lagrs_v4l) b & quad_abs_mask));
    lagrs_v4l same = (lagrs_v4l) (a == q->prev);
    lagrs_v4l ok = (lagrs_v4l) (next_abs < big) & (lagrs_v4l) (next_abs >= q->floor_abs) &
        ~(same & (lagrs_v4l) (q->pos + one >= q->run_start));
    if (_mm256_movemask_pd((__m256d) ok) != 0xF)
        return 0;
    /* a new peak (below 1e300), as sum_fast_run() takes it */
    lagrs_v4l up = (lagrs_v4l) (next_abs > q->peak);
    if (_mm256_movemask_pd((__m256d) up)) {
        q->peak = (lagrs_v4d) _mm256_blendv_pd((__m256d) q->peak, (__m256d) next_abs,
                                               (__m256d) up);
        q->floor_abs = q->peak * ratio;
    }
    lagrs_v4d total = quad_sum(q, a, b);
    q->abs_sum = next_abs;
    /* a new value starts a run at lo + w; an equal one changes nothing */
    q->run_start = (lagrs_v4d) _mm256_blendv_pd((__m256d) (q->pos + m),
                                                (__m256d) q->run_start, (__m256d) same);
    q->prev = (lagrs_v4d) _mm256_blendv_pd((__m256d) a, (__m256d) q->prev, (__m256d) same);
    q->pos += one;
    *ans = want_sum ? total : total / m;
    return 1;
}

/* Four steps of the four lanes at once, when no step of any lane is rare
 * (no new peak either): the steps quad_step() would take, with the values
 * loaded and the outputs stored one vector per lane (transposed in
 * registers).  Returns 0, leaving everything as it was, otherwise. */
__attribute__((target("avx")))
static inline int quad_block(quad_state *q, const double *const *a, const double *const *b,
                             double *const *o, R_xlen_t j, lagrs_v4d m, int want_sum)
{
    lagrs_v4d a0 = (lagrs_v4d) _mm256_loadu_pd(a[0] + j);
    lagrs_v4d a1 = (lagrs_v4d) _mm256_loadu_pd(a[1] + j);
    lagrs_v4d a2 = (lagrs_v4d) _mm256_loadu_pd(a[2] + j);
    lagrs_v4d a3 = (lagrs_v4d) _mm256_loadu_pd(a[3] + j);
    transpose4(&a0, &a1, &a2, &a3);
    lagrs_v4d b0 = (lagrs_v4d) _mm256_loadu_pd(b[0] + j);
    lagrs_v4d b1 = (lagrs_v4d) _mm256_loadu_pd(b[1] + j);
    lagrs_v4d b2 = (lagrs_v4d) _mm256_loadu_pd(b[2] + j);
    lagrs_v4d b3 = (lagrs_v4d) _mm256_loadu_pd(b[3] + j);
    transpose4(&b0, &b1, &b2, &b3);
#define LAGRS_ABS(v) ((lagrs_v4d) ((lagrs_v4l) (v) & quad_abs_mask))
    lagrs_v4d n0 = q->abs_sum + (LAGRS_ABS(a0) - LAGRS_ABS(b0));
    lagrs_v4d n1 = n0 + (LAGRS_ABS(a1) - LAGRS_ABS(b1));
    lagrs_v4d n2 = n1 + (LAGRS_ABS(a2) - LAGRS_ABS(b2));
    lagrs_v4d n3 = n2 + (LAGRS_ABS(a3) - LAGRS_ABS(b3));
#undef LAGRS_ABS
    const lagrs_v4d lo = q->floor_abs, hi = q->peak;
    lagrs_v4l ok = (lagrs_v4l) (n0 >= lo) & (lagrs_v4l) (n0 <= hi) &
        (lagrs_v4l) (n1 >= lo) & (lagrs_v4l) (n1 <= hi) & (lagrs_v4l) (n2 >= lo) &
        (lagrs_v4l) (n2 <= hi) & (lagrs_v4l) (n3 >= lo) & (lagrs_v4l) (n3 <= hi);
    /* runs: step r compares with the value before it; a window inside a
     * run (pos_r + 1 >= run start) is rare */
    const lagrs_v4d p0 = q->pos, p1 = p0 + 1.0, p2 = p0 + 2.0, p3 = p0 + 3.0;
    lagrs_v4l same0 = (lagrs_v4l) (a0 == q->prev), same1 = (lagrs_v4l) (a1 == a0);
    lagrs_v4l same2 = (lagrs_v4l) (a2 == a1), same3 = (lagrs_v4l) (a3 == a2);
    lagrs_v4d rs, prev;
    if (!_mm256_movemask_pd((__m256d) (same0 | same1 | same2 | same3))) {
        /* no equal neighbours (the usual case): the last value starts a run */
        if (_mm256_movemask_pd((__m256d) ok) != 0xF)
            return 0;
        rs = p3 + m;
        prev = a3;
    } else {
        rs = q->run_start;
        lagrs_v4l hit = same0 & (lagrs_v4l) (p1 >= rs);
        rs = (lagrs_v4d) _mm256_blendv_pd((__m256d) (p0 + m), (__m256d) rs, (__m256d) same0);
        hit |= same1 & (lagrs_v4l) (p2 >= rs);
        rs = (lagrs_v4d) _mm256_blendv_pd((__m256d) (p1 + m), (__m256d) rs, (__m256d) same1);
        hit |= same2 & (lagrs_v4l) (p3 >= rs);
        rs = (lagrs_v4d) _mm256_blendv_pd((__m256d) (p2 + m), (__m256d) rs, (__m256d) same2);
        hit |= same3 & (lagrs_v4l) (p3 + 1.0 >= rs);
        rs = (lagrs_v4d) _mm256_blendv_pd((__m256d) (p3 + m), (__m256d) rs, (__m256d) same3);
        if (_mm256_movemask_pd((__m256d) (ok & ~hit)) != 0xF)
            return 0;
        prev = q->prev;
        prev = (lagrs_v4d) _mm256_blendv_pd((__m256d) a0, (__m256d) prev, (__m256d) same0);
        prev = (lagrs_v4d) _mm256_blendv_pd((__m256d) a1, (__m256d) prev, (__m256d) same1);
        prev = (lagrs_v4d) _mm256_blendv_pd((__m256d) a2, (__m256d) prev, (__m256d) same2);
        prev = (lagrs_v4d) _mm256_blendv_pd((__m256d) a3, (__m256d) prev, (__m256d) same3);
    }
    lagrs_v4d r0 = quad_sum(q, a0, b0);
    lagrs_v4d r1 = quad_sum(q, a1, b1);
    lagrs_v4d r2 = quad_sum(q, a2, b2);
    lagrs_v4d r3 = quad_sum(q, a3, b3);
    if (!want_sum) {
        r0 /= m;
        r1 /= m;
        r2 /= m;
        r3 /= m;
    }
    transpose4(&r0, &r1, &r2, &r3);
    _mm256_storeu_pd(o[0] + j, (__m256d) r0);
    _mm256_storeu_pd(o[1] + j, (__m256d) r1);
    _mm256_storeu_pd(o[2] + j, (__m256d) r2);
    _mm256_storeu_pd(o[3] + j, (__m256d) r3);
    q->prev = prev;
    q->run_start = rs;
    q->abs_sum = n3;
    q->pos = p3 + 1.0;
    return 1;
}

/* Steps of four lanes in the steady state, four at a time (quad_block())
 * while no step is rare, else one at a time (quad_step()) until a lane
 * must take its step on the scalar path. */
__attribute__((target("avx")))
static void sum_fast_quad(sum_lane **L, const lagrs_roll_spec *spec)
{
    const R_xlen_t w = spec->width;
    const int want_sum = spec->stat == LAGRS_ROLL_SUM;
    R_xlen_t steps = L[0]->steady_to - L[0]->i;
    const double *b[4], *a[4];
    double *o[4];
    R_xlen_t lo[4];
    for (int k = 0; k < 4; k++) {
        if (L[k]->steady_to - L[k]->i < steps)
            steps = L[k]->steady_to - L[k]->i;
        lo[k] = L[k]->i - 1 - spec->before;
        b[k] = L[k]->x + lo[k];
        a[k] = b[k] + w;
        o[k] = L[k]->out + L[k]->i;
    }
    const double dw = (double) w;
    const lagrs_v4d m = {dw, dw, dw, dw};
    quad_state q;
    for (int k = 0; k < 4; k++) {
        const sum_state *st = &L[k]->st;
        q.s[k] = st->sum;
        q.c[k] = st->sum_c;
        q.abs_sum[k] = st->abs_sum;
        q.peak[k] = st->abs_peak;
        q.floor_abs[k] = st->abs_peak * LAGRS_RESTART_RATIO;
        q.prev[k] = st->run_value;
        q.pos[k] = (double) lo[k];   /* exact below 2^53 */
        q.run_start[k] = (double) st->run_start;
    }
    R_xlen_t j = 0;
    while (j < steps) {
        if (j + 4 <= steps && quad_block(&q, a, b, o, j, m, want_sum)) {
            j += 4;
            continue;
        }
        const R_xlen_t stop = j + 4 < steps ? j + 4 : steps;
        for (; j < stop; j++) {
            lagrs_v4d av = {a[0][j], a[1][j], a[2][j], a[3][j]};
            lagrs_v4d bv = {b[0][j], b[1][j], b[2][j], b[3][j]};
            lagrs_v4d ans;
            if (!quad_step(&q, av, bv, m, want_sum, &ans))
                break;
            o[0][j] = ans[0];
            o[1][j] = ans[1];
            o[2][j] = ans[2];
            o[3][j] = ans[3];
        }
        if (j < stop)
            break;
    }
    for (int k = 0; k < 4; k++) {
        sum_state *st = &L[k]->st;
        st->sum = q.s[k];
        st->sum_c = q.c[k];
        st->abs_sum = q.abs_sum[k];
        st->abs_peak = q.peak[k];
        st->run_value = q.prev[k];
        st->run_start = (R_xlen_t) q.run_start[k];
        st->last_present = lo[k] + j + w - 1;
        L[k]->i += j;
    }
}

/* start_halves_pair() on four windows. */
__attribute__((target("avx")))
static void start_halves_quad(const double *const *x, R_xlen_t len, double *const *h)
{
    const R_xlen_t half = len / 2;
    const lagrs_v4l abs_mask = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
    const double *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
    const double *m0 = x0 + half, *m1 = x1 + half, *m2 = x2 + half, *m3 = x3 + half;
    lagrs_v4d s = {0, 0, 0, 0}, c = s, a = s, s_hi = s, c_hi = s, a_hi = s;
    for (R_xlen_t j = 0; j < half; j++) {
        lagrs_v4d u = {x0[j], x1[j], x2[j], x3[j]}, v = {m0[j], m1[j], m2[j], m3[j]};
        lagrs_v4d t = s + u, z = t - s;
        c -= ((t - z) - s) + (z - u);
        s = t;
        t = s_hi + v;
        z = t - s_hi;
        c_hi -= ((t - z) - s_hi) + (z - v);
        s_hi = t;
        a += (lagrs_v4d) ((lagrs_v4l) u & abs_mask);
        a_hi += (lagrs_v4d) ((lagrs_v4l) v & abs_mask);
    }
    lagrs_v4d r[6] = {s, c, a, s_hi, c_hi, a_hi};
    for (int q = 0; q < 6; q++)
        for (int k = 0; k < 4; k++)
            h[k][q] = r[q][k];
}

int lagrs_has_avx(void)
{
    static int has = -1;
    if (has < 0)
        has = __builtin_cpu_supports("avx") ? 1 : 0;
    return has;
}
#endif

/* sum_family_kernel() on two to four chunks (of the same series or not):
 * x[k], n[k], first[k], last[k], out[k] for k < n_lanes. */
void sum_lanes_kernel(int n_lanes, const double **x, const R_xlen_t *n,
                      const R_xlen_t *first, const R_xlen_t *last, double **out,
                      const lagrs_roll_spec *spec)
{
    sum_lane L[4];
    sum_lane *fast[4];
    /* The sums of the lanes' first windows, side by side where two or more
     * windows are of the same length (the lanes of one series but its
     * first chunk), before each lane's start uses its own. */
    double h[5][6];
    const double *halves[4] = {NULL, NULL, NULL, NULL};
    R_xlen_t wlo[4], wlen[4];
    for (int k = 0; k < n_lanes; k++) {
        wlo[k] = window_lo(first[k], spec);
        wlen[k] = window_hi(first[k], n[k], spec) - wlo[k];
    }
    for (int k = 0; k < n_lanes; k++) {
        if (halves[k] || wlen[k] < 32)
            continue;
        int g[4], n_g = 0;
        for (int j = k; j < n_lanes; j++)
            if (!halves[j] && wlen[j] == wlen[k])
                g[n_g++] = j;
        if (n_g < 2)
            continue;
#ifdef LAGRS_ROLL_QUADS
        if (n_g >= 3 && lagrs_has_avx()) {
            /* a group of three runs a fourth lane whose sums go unused */
            const double *gx[4];
            double *gh[4];
            for (int q = 0; q < 4; q++) {
                int j = q < n_g ? g[q] : g[0];
                gx[q] = x[j] + wlo[j];
                gh[q] = q < n_g ? h[j] : h[4];
            }
            start_halves_quad(gx, wlen[k], gh);
            for (int q = 0; q < n_g; q++)
                halves[g[q]] = h[g[q]];
            continue;
        }
#endif
        start_halves_pair(x[g[0]] + wlo[g[0]], x[g[1]] + wlo[g[1]], wlen[k], h[g[0]],
                          h[g[1]]);
        halves[g[0]] = h[g[0]];
        halves[g[1]] = h[g[1]];
    }
    for (int k = 0; k < n_lanes; k++)
        lane_start(&L[k], x[k], n[k], first[k], last[k], spec, out[k], halves[k]);
    for (;;) {
        int n_fast = 0;
        for (int k = 0; k < n_lanes; k++) {
            if (!L[k].fast)
                lane_general(&L[k], spec);
            if (L[k].fast)
                fast[n_fast++] = &L[k];
        }
        if (n_fast == 0)
            break;
        if (n_fast == 1) {
            lane_fast_scalar(fast[0], fast[0]->steady_to, spec);
            continue;
        }
#ifdef LAGRS_ROLL_QUADS
        if (n_fast == 4)
            sum_fast_quad(fast, spec);
        else
#endif
        {
            n_fast = 2;
            sum_fast_pair(fast[0], fast[1], spec);
        }
        /* one step of each on its own: the rare case that stopped the
         * lanes, or the end of its steady state */
        for (int k = 0; k < n_fast; k++)
            lane_fast_scalar(fast[k], fast[k]->i < fast[k]->steady_to ? fast[k]->i + 1
                                                                       : fast[k]->i,
                             spec);
    }
}
#endif
