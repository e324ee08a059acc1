#include "rolling_internal.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Rolling median and quantile: the sorted blocks of Suomela (2014, "Median
 * filtering is equivalent to sorting").
 *
 * The observations a chunk touches are cut into blocks of `width` from the
 * first window's start.  A window is at most `width` long, so it is a
 * suffix of one block (`old`) and a prefix of the next (`new`).  Each block
 * is sorted once; its values then sit in a doubly linked list over their
 * sorted positions.  An observation leaving the window is unlinked from
 * `old`, one entering is linked back into `new`: `new` starts with all its
 * observations unlinked from the last to the first, so that linking them in
 * observation order restores each one between the same neighbours (Knuth's
 * dancing links).  The windows in the middle of a series all hold `width`
 * observations, so an observation leaves `new` only once `new` is complete
 * or the series has ended: the links never go stale.
 *
 * A pointer `mid` in each list splits it into its `n_small` smallest values
 * and the rest, with every small value of both lists <= every other value.
 * The k-th smallest value of the window (from 0) is then the least value at
 * the two pointers when k values are small; the pointers move by a step or
 * two per output.  Sorting is the only O(log width) work, and sorting a
 * block of adjacent values is cache-friendly, where heaps chase pointers.
 * NA and NaN are never linked; they are counted apart. */

typedef struct {
    double value;
    int slot;
} sort_node;

typedef struct {
    double *val;        /* the block's non-NaN values, ascending, then +Inf */
    int *next, *prev;   /* the list over sorted positions; `count` is the sentinel */
    int *rank;          /* rank[j]: sorted position of observation j, -1 for NaN */
    int count;          /* non-NaN values in the block */
    int mid;            /* first position that is not small, or the sentinel */
    int n_small;        /* linked positions before mid */
} sorted_block;

typedef struct {
    uint64_t *keys, *keys_tmp;
    sort_node *nodes, *nodes_tmp;
} sort_scratch;

size_t quantile_workspace_bytes(R_xlen_t cap)
{
    size_t per_block = (size_t) (cap + 1) * (sizeof(double) + 3 * sizeof(int));
    size_t scratch = 2 * (size_t) cap * (sizeof(uint64_t) + sizeof(sort_node));
    return scratch + 2 * (per_block + 64);
}

/* ------------------------------------------------------------------------ */
/* Sorting a block.  Each value becomes a 64-bit key that orders as the
 * double does (sign bit flipped, or every bit for negatives), whose low bits
 * are replaced by the observation's index in the block: keys are then
 * distinct integers, sorted by an LSD radix sort (long blocks) or a merge
 * sort (short ones), and carry their index.  Values that differ only in
 * those low bits come out in index order; a last pass puts them in value
 * order. */

enum { RADIX_MIN = 2048, INSERTION_MAX = 16 };

static inline uint64_t order_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : u | ((uint64_t) 1 << 63);
}

/* Eight passes of a byte each; a pass whose byte is the same in every key
 * is skipped.  Returns a or tmp, whichever holds the result. */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, int n)
{
    int count[8][256];
    memset(count, 0, sizeof count);
    for (int i = 0; i < n; i++) {
        uint64_t k = a[i];
        for (int d = 0; d < 8; d++)
            count[d][(k >> (8 * d)) & 255]++;
    }
    uint64_t *src = a, *dst = tmp;
    for (int d = 0; d < 8; d++) {
        int *c = count[d];
        if (c[(src[0] >> (8 * d)) & 255] == n)
            continue;
        int sum = 0;
        for (int k = 0; k < 256; k++) {
            int here = c[k];
            c[k] = sum;
            sum += here;
        }
        for (int i = 0; i < n; i++) {
            uint64_t k = src[i];
            dst[c[(k >> (8 * d)) & 255]++] = k;
        }
        uint64_t *swap = src;
        src = dst;
        dst = swap;
    }
    return src;
}

static inline void order_pair(uint64_t *a, uint64_t *b)
{
    uint64_t lo = *a < *b ? *a : *b, hi = *a < *b ? *b : *a;
    *a = lo;
    *b = hi;
}

static void merge_keys(const uint64_t *a, int n_a, const uint64_t *b, int n_b, uint64_t *dst)
{
    if (n_b == 0 || a[n_a - 1] < b[0]) {
        memcpy(dst, a, (size_t) n_a * sizeof(uint64_t));
        memcpy(dst + n_a, b, (size_t) n_b * sizeof(uint64_t));
        return;
    }
    /* From both ends at once, two independent chains of loads and
     * compares.  In k steps the front takes at most k from either run, and
     * so does the back: neither runs past a run's end within the shorter
     * run's length. */
    const uint64_t *a_lo = a, *b_lo = b, *a_hi = a + n_a - 1, *b_hi = b + n_b - 1;
    uint64_t *d_lo = dst, *d_hi = dst + n_a + n_b - 1;
    int safe = n_a < n_b ? n_a : n_b;
    for (int k = 0; k < safe; k++) {
        uint64_t x = *a_lo, y = *b_lo, u = *a_hi, v = *b_hi;
        int lo_b = y < x, hi_a = u > v;
        *d_lo++ = lo_b ? y : x;
        *d_hi-- = hi_a ? u : v;
        a_lo += !lo_b;
        b_lo += lo_b;
        a_hi -= hi_a;
        b_hi -= !hi_a;
    }
    /* what is left lies between the two ends */
    while (a_lo <= a_hi && b_lo <= b_hi) {
        uint64_t x = *a_lo, y = *b_lo;
        int lo_b = y < x;
        *d_lo++ = lo_b ? y : x;
        a_lo += !lo_b;
        b_lo += lo_b;
    }
    while (a_lo <= a_hi)
        *d_lo++ = *a_lo++;
    while (b_lo <= b_hi)
        *d_lo++ = *b_lo++;
}

/* Runs of four by a sorting network, then merges; returns a or tmp. */
static uint64_t *merge_sort(uint64_t *a, uint64_t *tmp, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        order_pair(a + i, a + i + 1);
        order_pair(a + i + 2, a + i + 3);
        order_pair(a + i, a + i + 2);
        order_pair(a + i + 1, a + i + 3);
        order_pair(a + i + 1, a + i + 2);
    }
    for (int j = i + 1; j < n; j++)
        for (int k = j; k > i && a[k - 1] > a[k]; k--)
            order_pair(a + k - 1, a + k);
    uint64_t *src = a, *dst = tmp;
    for (int run = 4; run < n; run *= 2) {
        for (int start = 0; start < n; start += 2 * run) {
            int n_a = n - start < run ? n - start : run;
            int rest = n - start - n_a;
            merge_keys(src + start, n_a, src + start + n_a, rest < run ? rest : run,
                       dst + start);
        }
        uint64_t *swap = src;
        src = dst;
        dst = swap;
    }
    return src;
}

/* Stable merge sort of nodes by value, for the rare long runs of keys
 * that tie in all but their index bits. */
static void sort_nodes(sort_node *a, sort_node *tmp, int n)
{
    for (int i = 1; i < n && n <= INSERTION_MAX; i++) {
        sort_node node = a[i];
        int j = i - 1;
        for (; j >= 0 && a[j].value > node.value; j--)
            a[j + 1] = a[j];
        a[j + 1] = node;
    }
    if (n <= INSERTION_MAX)
        return;
    int half = n / 2;
    sort_nodes(a, tmp, half);
    sort_nodes(a + half, tmp, n - half);
    int i = 0, j = half, k = 0;
    while (i < half && j < n)
        tmp[k++] = a[j].value < a[i].value ? a[j++] : a[i++];
    while (i < half)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, (size_t) n * sizeof(sort_node));
}

/* Puts the runs of keys tied above the index bits in value order, where
 * they are not, and rewrites val and rank. */
static void sort_tied_runs(const double *x, const uint64_t *sorted, int count,
                           uint64_t index_bits, sort_scratch *s, double *val, int *rank)
{
    for (int p = 0; p < count; p++) {
        int j = (int) (sorted[p] & index_bits);
        s->nodes[p].value = x[j];
        s->nodes[p].slot = j;
    }
    for (int p = 1; p < count;) {
        if (!(s->nodes[p].value < s->nodes[p - 1].value)) {
            p++;
            continue;
        }
        uint64_t high = sorted[p] & ~index_bits;
        int run_start = p - 1, run_end = p + 1;
        while (run_start > 0 && (sorted[run_start - 1] & ~index_bits) == high)
            run_start--;
        while (run_end < count && (sorted[run_end] & ~index_bits) == high)
            run_end++;
        sort_nodes(s->nodes + run_start, s->nodes_tmp, run_end - run_start);
        p = run_end;
    }
    for (int p = 0; p < count; p++) {
        val[p] = s->nodes[p].value;
        rank[s->nodes[p].slot] = p;
    }
}

/* Writes the block's non-NaN values x[0..len) in ascending order to val,
 * and each one's sorted position to rank (-1 for NaN); returns how many. */
static int sort_block(const double *x, int len, sort_scratch *s, double *val, int *rank)
{
    int shift = 1;
    while (shift < 31 && ((int64_t) 1 << shift) < len)
        shift++;
    const uint64_t index_bits = ((uint64_t) 1 << shift) - 1;
    int count = 0;
    for (int j = 0; j < len; j++) {
        if (isnan(x[j]))
            rank[j] = -1;
        else
            s->keys[count++] = (order_key(x[j]) & ~index_bits) | (uint64_t) j;
    }
    const uint64_t *sorted = count >= RADIX_MIN ? radix_sort(s->keys, s->keys_tmp, count)
                                                : merge_sort(s->keys, s->keys_tmp, count);
    int inverted = 0;
    double last = -INFINITY;
    for (int p = 0; p < count; p++) {
        int j = (int) (sorted[p] & index_bits);
        double v = x[j];
        inverted |= v < last;
        last = v;
        val[p] = v;
        rank[j] = p;
    }
    if (inverted)
        sort_tied_runs(x, sorted, count, index_bits, s, val, rank);
    return count;
}

/* ------------------------------------------------------------------------ */
/* One block                                                                 */

static void block_carve(sorted_block *b, char **mem, R_xlen_t cap)
{
    b->val = (double *) *mem;
    b->next = (int *) (b->val + cap + 1);
    b->prev = b->next + cap + 1;
    b->rank = b->prev + cap + 1;
    *mem = (char *) (b->rank + cap);
    *mem += (64 - (uintptr_t) *mem % 64) % 64;
}

static inline void block_unlink(sorted_block *b, int p)
{
    b->next[b->prev[p]] = b->next[p];
    b->prev[b->next[p]] = b->prev[p];
}

/* Sorts x[0..len) into the block, every value unlinked (see the top). */
static void block_build(sorted_block *b, const double *x, int len, sort_scratch *s)
{
    int count = sort_block(x, len, s, b->val, b->rank);
    for (int p = 0; p < count; p++) {
        b->next[p] = p + 1;
        b->prev[p] = p - 1;
    }
    if (count > 0)
        b->prev[0] = count;
    b->next[count] = count > 0 ? 0 : count;
    b->prev[count] = count > 0 ? count - 1 : count;
    for (int j = len - 1; j >= 0; j--)
        if (b->rank[j] >= 0)
            block_unlink(b, b->rank[j]);
    b->val[count] = INFINITY;
    b->count = count;
    b->mid = count;
    b->n_small = 0;
}

static inline void block_remove(sorted_block *b, int p)
{
    int mid = b->mid;
    b->n_small -= p < mid;
    b->mid = p == mid ? b->next[p] : mid;
    block_unlink(b, p);
}

/* Links p back into b.  If it lands among the small values but exceeds the
 * least non-small value of `other`, it is b's largest small value (any
 * other would exceed that value too), and the two trade places.  (The
 * sentinel's value is +Inf, so an empty `other` never trades.)  Written
 * without branches: which way it goes is a coin toss on random data. */
static inline void block_restore(sorted_block *b, sorted_block *other, int p)
{
    b->next[b->prev[p]] = p;
    b->prev[b->next[p]] = p;
    int mid = b->mid, other_mid = other->mid;
    int small = p < mid;
    int trade = small & (other->val[other_mid] < b->val[p]);
    b->mid = trade ? p : mid;
    b->n_small += small - trade;
    other->mid = trade ? other->next[other_mid] : other_mid;
    other->n_small += trade;
}

/* Whether a's least non-small value comes before b's: the lesser value,
 * and on a tie the list that is not at its sentinel (whose +Inf may tie
 * with an infinite value). */
static inline int a_first(const sorted_block *a, const sorted_block *b)
{
    double va = a->val[a->mid], vb = b->val[b->mid];
    return (va < vb) | ((va == vb) & (a->mid != a->count));
}

/* Moves the pointers until `target` values are small, keeping every small
 * value <= every other. */
static inline void blocks_seek(sorted_block *a, sorted_block *b, int target)
{
    int n_small = a->n_small + b->n_small;
    for (; n_small < target; n_small++) {
        sorted_block *s = a_first(a, b) ? a : b;
        s->mid = s->next[s->mid];
        s->n_small++;
    }
    for (; n_small > target; n_small--) {
        int a_any = a->n_small > 0, b_any = b->n_small > 0;
        double a_last = a->val[a->prev[a->mid]], b_last = b->val[b->prev[b->mid]];
        sorted_block *s = a_any & (!b_any | (a_last >= b_last)) ? a : b;
        s->mid = s->prev[s->mid];
        s->n_small--;
    }
}

/* The least non-small value, and (if `second` is not NULL) the next one;
 * the sentinels' +Inf never undercuts a value. */
static inline double blocks_peek(const sorted_block *a, const sorted_block *b, double *second)
{
    int take_a = a_first(a, b);
    const sorted_block *s = take_a ? a : b, *t = take_a ? b : a;
    if (second) {
        double after = s->val[s->next[s->mid]], other = t->val[t->mid];
        *second = after < other ? after : other;
    }
    return s->val[s->mid];
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

/* Where the order statistics of `present` values sit: the number of
 * values below the first one, and for a quantile, stats::quantile(type =
 * 7)'s index = 1 + (n - 1) * p and lo = floor(index).  Kept from one output
 * to the next, as the count rarely changes (floor() is a call without
 * SSE4.1). */
typedef struct {
    R_xlen_t present;
    int target;
    double index, lo_index;
} order_rank;

static inline void order_rank_set(order_rank *r, R_xlen_t present, const lagrs_roll_spec *spec)
{
    if (r->present == present)
        return;
    r->present = present;
    if (spec->stat == LAGRS_ROLL_MEDIAN) {
        r->target = (int) ((present + 1) / 2 - 1);
    } else {
        r->index = 1.0 + (double) (present - 1) * spec->prob;
        r->lo_index = floor(r->index);
        r->target = (int) r->lo_index - 1;
    }
}

/* The median or the quantile of `present` (>= 1) values in the blocks. */
static double blocks_answer(sorted_block *a, sorted_block *b, R_xlen_t present,
                            const lagrs_roll_spec *spec, order_rank *rank)
{
    double second;
    order_rank_set(rank, present, spec);
    blocks_seek(a, b, rank->target);
    if (spec->stat == LAGRS_ROLL_MEDIAN) {
        if (present % 2 == 1)
            return blocks_peek(a, b, NULL);
        double first = blocks_peek(a, b, &second);
        return r_mean2(first, second);
    }
    /* interpolate only when the two order statistics differ, with
     * quantile()'s expression */
    if (!(rank->index > rank->lo_index))
        return blocks_peek(a, b, NULL);
    double qs = blocks_peek(a, b, &second);
    if (second != qs) {
        double frac = rank->index - rank->lo_index;
        qs = (1 - frac) * qs + frac * second;
    }
    return qs;
}

/* ------------------------------------------------------------------------ */
/* The kernel                                                                */

void order_kernel(const double *x, R_xlen_t n, R_xlen_t first,
                  R_xlen_t last, const lagrs_roll_spec *spec,
                  void *workspace, double *out)
{
    const R_xlen_t w = spec->width;
    const R_xlen_t cap = window_cap(spec, n);
    sort_scratch scratch;
    scratch.keys = (uint64_t *) workspace;
    scratch.keys_tmp = scratch.keys + cap;
    scratch.nodes = (sort_node *) (scratch.keys_tmp + cap);
    scratch.nodes_tmp = scratch.nodes + cap;
    char *mem = (char *) (scratch.nodes_tmp + cap);
    sorted_block blocks[2];
    block_carve(&blocks[0], &mem, cap);
    block_carve(&blocks[1], &mem, cap);
    sorted_block *old = &blocks[0], *new = &blocks[1];

    const R_xlen_t start = window_lo(first, spec), end = window_hi(last - 1, n, spec);
    R_xlen_t old_start = start, new_start = start;
    block_build(old, x, 0, &scratch);
    block_build(new, x + start, (int) (end - start < w ? end - start : w), &scratch);

    R_xlen_t lo = start, hi = start, n_nan = 0;
    order_rank rank = {-1, 0, 0.0, 0.0};
    for (R_xlen_t i = first; i < last; i++) {
        R_xlen_t new_hi = window_hi(i, n, spec), new_lo = window_lo(i, spec);
        for (; lo < new_lo; lo++) {
            sorted_block *b = lo < new_start ? old : new;
            int p = b->rank[lo - (lo < new_start ? old_start : new_start)];
            if (p < 0)
                n_nan--;
            else
                block_remove(b, p);
        }
        for (; hi < new_hi; hi++) {
            if (hi == new_start + w) {
                /* `old` is empty: the window [lo, hi + 1) lies past it */
                sorted_block *swap = old;
                old = new;
                new = swap;
                old_start = new_start;
                new_start += w;
                block_build(new, x + new_start,
                            (int) (end - new_start < w ? end - new_start : w), &scratch);
            }
            int p = new->rank[hi - new_start];
            if (p < 0)
                n_nan++;
            else
                block_restore(new, old, p);
        }
        R_xlen_t present = (hi - lo) - n_nan;
        R_xlen_t counted = spec->na_rm ? present : hi - lo;
        double ans;
        if (counted < spec->min_obs)
            ans = spec->fill;
        else if (n_nan > 0 && !spec->na_rm)
            ans = spec->na_value;
        else
            ans = blocks_answer(old, new, present, spec, &rank);
        out[i] = ans;
    }
}
