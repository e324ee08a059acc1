/* libFuzzer harness for the rolling kernels (src/rolling*.c but rollingR.c),
 * built without R.  The fuzz bytes choose the statistic, width, alignment,
 * min_obs, na_rm, prob, a chunk [first, last) and the series (NaN, NA,
 * Inf, huge, tiny, raw bit patterns).  Besides ASan/UBSan, it checks:
 *   - every output of min/max is fill, NA, or a value of its window;
 *   - a chunk computed alone equals the same outputs of the whole series for
 *     the order statistics (which keep no running sums);
 *   - a median or quantile equals that of the window sorted by qsort(), with
 *     R's arithmetic (mean() of two values; quantile(type = 7));
 *   - a mean of a window of finite values lies within the window's range;
 *   - a variance (sd squared) of a window of finite values agrees with
 *     var()'s long double two-pass variance to 1e-9 of the largest squared
 *     deviation, and is Inf only when that overflows. */
#include "../src/rolling.h"
#include "fuzz_common.h"
#include <stdio.h>
#include <stdlib.h>

#define MAX_N 400

static int same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* The median or quantile of window [lo, hi) of x, the slow way. */
static double sorted_window_answer(const double *x, R_xlen_t lo, R_xlen_t hi,
                                   const lagrs_roll_spec *spec, double *buf)
{
    R_xlen_t m = 0;
    for (R_xlen_t j = lo; j < hi; j++)
        if (!isnan(x[j]))
            buf[m++] = x[j];
    if ((spec->na_rm ? m : hi - lo) < spec->min_obs)
        return spec->fill;
    if (m < hi - lo && !spec->na_rm)
        return spec->na_value;
    qsort(buf, (size_t) m, sizeof *buf, compare_doubles);
    if (spec->stat == LAGRS_ROLL_MEDIAN) {
        if (m % 2 == 1)
            return buf[m / 2];
        /* mean(): a long double sum over the count, then one correction */
        long double s = ((long double) buf[m / 2 - 1] + buf[m / 2]) / 2;
        if (isfinite((double) s))
            s += (((long double) buf[m / 2 - 1] - s) + ((long double) buf[m / 2] - s)) / 2;
        return (double) s;
    }
    double index = 1.0 + (double) (m - 1) * spec->prob, lo_index = floor(index);
    double qs = buf[(R_xlen_t) lo_index - 1];
    if (index > lo_index && buf[(R_xlen_t) lo_index] != qs) {
        double h = index - lo_index;
        qs = (1 - h) * qs + h * buf[(R_xlen_t) lo_index];
    }
    return qs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r = {data, size, 0};
    lagrs_roll_spec spec;
    spec.stat = 1 + (int) (fuzz_byte(&r) % 8);
    R_xlen_t width = 1 + (R_xlen_t) (fuzz_byte(&r) % 40);
    if (lagrs_roll_set_window(&spec, width, LAGRS_ROLL_RIGHT + (int) (fuzz_byte(&r) % 3)) != 0)
        abort();
    spec.min_obs = 1 + (R_xlen_t) (fuzz_byte(&r) % (unsigned) spec.width);
    spec.na_rm = (int) (fuzz_byte(&r) & 1u);
    spec.fill = (fuzz_byte(&r) & 1u) ? fuzz_r_na() : -7.25;
    spec.na_value = fuzz_r_na();
    spec.prob = (double) (fuzz_byte(&r) % 101) / 100.0;
    R_xlen_t n = (R_xlen_t) (fuzz_byte(&r) % MAX_N);
    if (n == 0)
        return 0;
    double *x = malloc((size_t) n * sizeof *x);
    double *whole = malloc((size_t) n * sizeof *whole);
    double *part = malloc((size_t) n * sizeof *part);
    double *sorted = malloc((size_t) n * sizeof *sorted);
    void *ws = malloc(lagrs_roll_workspace_bytes(&spec, n) + 1);
    if (!x || !whole || !part || !sorted || !ws)
        abort();
    for (R_xlen_t i = 0; i < n; i++)
        x[i] = fuzz_double(&r);
    R_xlen_t first = (R_xlen_t) (fuzz_byte(&r) % (unsigned) n);
    R_xlen_t last = first + 1 + (R_xlen_t) (fuzz_byte(&r) % (unsigned) (n - first));

    lagrs_roll_kernel(x, n, 0, n, &spec, ws, whole);
    lagrs_roll_kernel(x, n, first, last, &spec, ws, part);

    for (R_xlen_t i = 0; i < n; i++) {
        R_xlen_t lo = i > spec.before ? i - spec.before : 0;
        R_xlen_t hi = i + spec.after + 1 < n ? i + spec.after + 1 : n;
        double v = whole[i];
        if (spec.stat == LAGRS_ROLL_MIN || spec.stat == LAGRS_ROLL_MAX) {
            int found = isnan(v) || v == spec.fill;
            for (R_xlen_t j = lo; j < hi && !found; j++)
                found = x[j] == v;
            if (!found) {
                fprintf(stderr, "min/max %g at %ld is not in its window\n", v, (long) i);
                abort();
            }
        }
        if (spec.stat == LAGRS_ROLL_MEAN && !isnan(v) && v != spec.fill) {
            double wmin = INFINITY, wmax = -INFINITY;
            int all_finite = 1;
            for (R_xlen_t j = lo; j < hi; j++) {
                if (isnan(x[j]))
                    continue;
                if (!isfinite(x[j]))
                    all_finite = 0;
                if (x[j] < wmin) wmin = x[j];
                if (x[j] > wmax) wmax = x[j];
            }
            if (all_finite && (v < wmin || v > wmax)) {
                fprintf(stderr, "mean %.17g at %ld outside [%.17g, %.17g]\n", v, (long) i, wmin, wmax);
                abort();
            }
        }
        if ((spec.stat == LAGRS_ROLL_VAR || spec.stat == LAGRS_ROLL_SD) && !spec.na_rm &&
            hi - lo >= spec.min_obs && hi - lo >= 2) {
            /* a window of finite values: compare with var()'s long double
             * two-pass variance (Inf when it overflows a double) */
            int finite = 1;
            long double mean = 0, ss = 0, big = 0;
            for (R_xlen_t j = lo; j < hi; j++) {
                finite = finite && isfinite(x[j]);
                mean += x[j];
            }
            if (finite) {
                /* var()'s recipe: a long double mean, corrected by a second
                 * pass and rounded to a double; squared deviations from it */
                mean /= (long double) (hi - lo);
                long double corr = 0;
                for (R_xlen_t j = lo; j < hi; j++)
                    corr += (long double) x[j] - mean;
                double xm = (double) (mean + corr / (long double) (hi - lo));
                for (R_xlen_t j = lo; j < hi; j++) {
                    long double dev = ((long double) x[j] - xm) * ((long double) x[j] - xm);
                    ss += dev;
                    big = dev > big ? dev : big;
                }
                long double ref = ss / (long double) (hi - lo - 1);
                double want = (double) ref;
                double got = spec.stat == LAGRS_ROLL_SD ? v * v : v;
                int ok;
                if (!isfinite(want))
                    ok = isinf(v);
                else if (isinf(v))
                    ok = want > 1e300; /* var() squares doubles and may overflow first */
                else
                    ok = fabsl((long double) got - ref) <= 1e-9L * big + 1e-300L;
                if (!ok) {
                    fprintf(stderr, "var %.17g at %ld, long double reference %.17Lg\n",
                            got, (long) i, ref);
                    fprintf(stderr, "stat %d width %ld before %ld min_obs %ld, x =",
                            spec.stat, (long) spec.width, (long) spec.before, (long) spec.min_obs);
                    for (R_xlen_t j = 0; j < n; j++)
                        fprintf(stderr, " %.17g", x[j]);
                    fprintf(stderr, "\n");
                    abort();
                }
            }
        }
        if (spec.stat == LAGRS_ROLL_MEDIAN || spec.stat == LAGRS_ROLL_QUANTILE) {
            double want = sorted_window_answer(x, lo, hi, &spec, sorted);
            if (!same_double(v, want)) {
                fprintf(stderr, "stat %d at %ld: %.17g, sorted window %.17g\n", spec.stat,
                        (long) i, v, want);
                abort();
            }
        }
        if (i >= first && i < last && spec.stat >= LAGRS_ROLL_MIN &&
            !same_double(whole[i], part[i])) {
            fprintf(stderr, "chunk [%ld, %ld) differs at %ld: %.17g vs %.17g\n",
                    (long) first, (long) last, (long) i, part[i], whole[i]);
            abort();
        }
    }
    free(x);
    free(whole);
    free(part);
    free(sorted);
    free(ws);
    return 0;
}
