#include "rolling_internal.h"
#include <math.h>
#include <string.h>

/* Rolling order statistics: minimum and maximum, median and quantile.  Each
 * kernel walks the outputs first..last-1 of one series as the window
 * [lo, hi) slides, as the sums do (rolling_sum.c). */

/* ------------------------------------------------------------------------ */
/* Minimum and maximum: van Herk / Gil-Werman, O(1) a step whatever the data */

/* The observations a chunk touches, [lo of its first window, hi of its
 * last), are cut into blocks of `width` starting at the first.  A window is
 * at most `width` long, so it lies in one block or across two neighbours:
 * its maximum is that of a block suffix (kept in `suffix`, filled by one
 * backward pass) and a block prefix (kept while walking forwards).  Three
 * comparisons per observation, no branch on the data, so monotone input
 * costs what random input costs.  The minimum is minus the maximum of -x,
 * which is exact.  NA and NaN are counted apart and stand as -Inf, which
 * can never be an answer unless the window holds nothing else, and such a
 * window answers NA or fill instead. */
void minmax_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                   R_xlen_t last, const lagrs_roll_spec *spec,
                   double *suffix, int want_max, double *out)
{
    const R_xlen_t w = spec->width;
    const double sign = want_max ? 1.0 : -1.0;
    const R_xlen_t start = window_lo(first, spec);
    const R_xlen_t end = window_hi(last - 1, n, spec);

    for (R_xlen_t block = start + (end - 1 - start) / w * w; block >= start; block -= w) {
        R_xlen_t block_end = block + w < end ? block + w : end;
        double acc = -INFINITY;
        for (R_xlen_t j = block_end - 1; j >= block; j--) {
            double v = isnan(x[j]) ? -INFINITY : sign * x[j];
            acc = v > acc ? v : acc;
            suffix[j - start] = acc;
        }
    }

    /* lo_block and hi_block: the starts of the blocks holding lo and hi - 1 */
    R_xlen_t lo = start, hi = start, n_nan = 0;
    R_xlen_t lo_block = start, hi_block = start - w;
    double prefix = -INFINITY;
    for (R_xlen_t i = first; i < last; i++) {
        R_xlen_t new_hi = window_hi(i, n, spec), new_lo = window_lo(i, spec);
        for (; hi < new_hi; hi++) {
            if (hi == hi_block + w) {
                hi_block = hi;
                prefix = -INFINITY;
            }
            double v = x[hi];
            n_nan += isnan(v);
            v = isnan(v) ? -INFINITY : sign * v;
            prefix = v > prefix ? v : prefix;
        }
        for (; lo < new_lo; lo++)
            n_nan -= isnan(x[lo]);
        if (lo >= lo_block + w)
            lo_block += w;
        R_xlen_t counted = spec->na_rm ? (hi - lo) - n_nan : hi - lo;
        double ans;
        if (counted < spec->min_obs)
            ans = spec->fill;
        else if (n_nan > 0 && !spec->na_rm)
            ans = spec->na_value;
        else if (lo_block != hi_block) {
            double tail = suffix[lo - start];
            ans = sign * (tail > prefix ? tail : prefix);
        } else if (lo == lo_block) {
            ans = sign * prefix;
        } else {
            ans = sign * suffix[lo - start];
        }
        out[i] = ans;
    }
}

/* ------------------------------------------------------------------------ */
/* Median and quantile: two indexed heaps, O(log width) a step               */

/* `low` is a max-heap of the smallest values of the window, `high` a
 * min-heap of the rest, every value in low <= every value in high.  The
 * order statistics a quantile needs are then the two tops.  Each value sits
 * in the slot (index mod width), and where[slot] records its heap position
 * (+pos+1 in low, -(pos+1) in high, 0 when absent), so the value leaving the
 * window is removed in O(log width) without a search.  Two heaps suffice
 * for any fixed probability: the size of low follows the window's count. */
typedef struct {
    heap_node *low, *high;
    int *where;
    int n_low, n_high;
} two_heaps;

static inline void low_put(two_heaps *h, int pos, heap_node node)
{
    h->low[pos] = node;
    h->where[node.slot] = pos + 1;
}

static inline void high_put(two_heaps *h, int pos, heap_node node)
{
    h->high[pos] = node;
    h->where[node.slot] = -(pos + 1);
}

static void low_sift_up(two_heaps *h, int pos)
{
    heap_node node = h->low[pos];
    while (pos > 0) {
        int parent = (pos - 1) / 2;
        if (h->low[parent].value >= node.value)
            break;
        low_put(h, pos, h->low[parent]);
        pos = parent;
    }
    low_put(h, pos, node);
}

static void high_sift_up(two_heaps *h, int pos)
{
    heap_node node = h->high[pos];
    while (pos > 0) {
        int parent = (pos - 1) / 2;
        if (h->high[parent].value <= node.value)
            break;
        high_put(h, pos, h->high[parent]);
        pos = parent;
    }
    high_put(h, pos, node);
}

static void low_sift_down(two_heaps *h, int pos)
{
    heap_node node = h->low[pos];
    int size = h->n_low;
    for (;;) {
        int child = 2 * pos + 1;
        if (child >= size)
            break;
        if (child + 1 < size && h->low[child + 1].value > h->low[child].value)
            child++;
        if (h->low[child].value <= node.value)
            break;
        low_put(h, pos, h->low[child]);
        pos = child;
    }
    low_put(h, pos, node);
}

static void high_sift_down(two_heaps *h, int pos)
{
    heap_node node = h->high[pos];
    int size = h->n_high;
    for (;;) {
        int child = 2 * pos + 1;
        if (child >= size)
            break;
        if (child + 1 < size && h->high[child + 1].value < h->high[child].value)
            child++;
        if (h->high[child].value >= node.value)
            break;
        high_put(h, pos, h->high[child]);
        pos = child;
    }
    high_put(h, pos, node);
}

static void low_push(two_heaps *h, heap_node node)
{
    h->low[h->n_low] = node;
    h->n_low++;
    low_sift_up(h, h->n_low - 1);
}

static void high_push(two_heaps *h, heap_node node)
{
    h->high[h->n_high] = node;
    h->n_high++;
    high_sift_up(h, h->n_high - 1);
}

/* Removes the node at `pos`; the last node takes its place and moves up or
 * down as its value requires. */
static void low_erase(two_heaps *h, int pos)
{
    h->where[h->low[pos].slot] = 0;
    h->n_low--;
    if (pos < h->n_low) {
        h->low[pos] = h->low[h->n_low];
        low_sift_down(h, pos);
        low_sift_up(h, pos);
    }
}

static void high_erase(two_heaps *h, int pos)
{
    h->where[h->high[pos].slot] = 0;
    h->n_high--;
    if (pos < h->n_high) {
        h->high[pos] = h->high[h->n_high];
        high_sift_down(h, pos);
        high_sift_up(h, pos);
    }
}

static void heaps_insert(two_heaps *h, double value, int slot)
{
    heap_node node = {value, slot};
    if (h->n_low > 0 && value <= h->low[0].value)
        low_push(h, node);
    else
        high_push(h, node);
}

static void heaps_remove(two_heaps *h, int slot)
{
    int w = h->where[slot];
    if (w > 0)
        low_erase(h, w - 1);
    else if (w < 0)
        high_erase(h, -w - 1);
}

static void heaps_balance(two_heaps *h, int target_low)
{
    while (h->n_low > target_low) {
        heap_node top = h->low[0];
        low_erase(h, 0);
        high_push(h, top);
    }
    while (h->n_low < target_low && h->n_high > 0) {
        heap_node top = h->high[0];
        high_erase(h, 0);
        low_push(h, top);
    }
}

/* mean(c(a, b)) exactly as R computes it: a long double sum divided by the
 * count, then one correcting pass. */
static double r_mean2(double a, double b)
{
    long double s = 0.0;
    s += a;
    s += b;
    s /= 2;
    if (isfinite((double) s)) {
        long double t = 0.0;
        t += (a - s);
        t += (b - s);
        s += t / 2;
    }
    return (double) s;
}

void order_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                  R_xlen_t last, const lagrs_roll_spec *spec,
                  void *workspace, double *out)
{
    /* slots: index mod cap, distinct within any window */
    const R_xlen_t n_slots = window_cap(spec, n);
    two_heaps h;
    h.low = (heap_node *) workspace;
    h.high = h.low + n_slots;
    h.where = (int *) (h.high + n_slots);
    h.n_low = h.n_high = 0;
    memset(h.where, 0, (size_t) n_slots * sizeof(int));

    const int is_median = spec->stat == LAGRS_ROLL_MEDIAN;
    R_xlen_t n_nan = 0;
    R_xlen_t lo = window_lo(first, spec), hi = lo;

    for (R_xlen_t i = first; i < last; i++) {
        R_xlen_t new_hi = window_hi(i, n, spec), new_lo = window_lo(i, spec);
        /* leave before entering: the slots of the leaving and the entering
         * value coincide when the window is full */
        for (; lo < new_lo; lo++) {
            if (isnan(x[lo]))
                n_nan--;
            else
                heaps_remove(&h, (int) (lo % n_slots));
        }
        for (; hi < new_hi; hi++) {
            if (isnan(x[hi]))
                n_nan++;
            else
                heaps_insert(&h, x[hi], (int) (hi % n_slots));
        }
        R_xlen_t present = (hi - lo) - n_nan;
        R_xlen_t counted = spec->na_rm ? present : hi - lo;
        double ans;
        if (counted < spec->min_obs)
            ans = spec->fill;
        else if (n_nan > 0 && !spec->na_rm)
            ans = spec->na_value;
        else if (is_median) {
            heaps_balance(&h, (int) ((present + 1) / 2));
            if (present % 2 == 1)
                ans = h.low[0].value;
            else
                ans = r_mean2(h.low[0].value, h.high[0].value);
        } else {
            /* stats::quantile(type = 7): index = 1 + (n - 1) * p, lo =
             * floor(index); interpolate only when the two order statistics
             * differ, with the same expression. */
            double index = 1.0 + (double) (present - 1) * spec->prob;
            double lo_index = floor(index);
            heaps_balance(&h, (int) lo_index);
            double qs = h.low[0].value;
            if (index > lo_index) {
                double next = h.high[0].value;
                if (next != qs) {
                    double frac = index - lo_index;
                    qs = (1 - frac) * qs + frac * next;
                }
            }
            ans = qs;
        }
        out[i] = ans;
    }
}
