#include "nelder_mead.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* R replaces a non-finite value by this, so such a point is never the best */
#define NM_BIG 1.0e+35

lagrs_nm_control lagrs_nm_defaults(void)
{
    lagrs_nm_control ctl = {-INFINITY, 1.4901161193847656e-08, 1.0, 0.5, 2.0, 500};
    return ctl;
}

/* The simplex: n + 1 vertices of n coordinates, their values, and one more
 * slot (`spare`) for the centroid and, after an expansion, the reflected
 * point; R's matrix P keeps the same things in its last column. */
typedef struct {
    int n;
    double *vertex;  /* (n + 2) * n: vertex j at vertex[j * n] */
    double *value;   /* n + 2 */
    double *trial;   /* n: the point being evaluated (R's Bvec) */
    lagrs_nm_objective fn;
    void *ctx;
    int fncount;
} simplex;

static double *at(simplex *s, int j)
{
    return s->vertex + (size_t) j * (size_t) s->n;
}

static double eval_trial(simplex *s)
{
    double f = s->fn(s->n, s->trial, s->ctx);
    s->fncount++;
    return isfinite(f) ? f : NM_BIG;
}

/* Vertex j (1..n) moves the start along coordinate j - 1 by the step (ten
 * times more until the coordinate changes); returns the sum of the steps. */
static double build(simplex *s, const double *start)
{
    int n = s->n;
    double step = 0.0, size = 0.0;
    for (int i = 0; i < n; i++)
        if (0.1 * fabs(start[i]) > step)
            step = 0.1 * fabs(start[i]);
    if (step == 0.0)
        step = 0.1;
    memcpy(at(s, 0), start, sizeof(double) * (size_t) n);
    for (int j = 1; j <= n; j++) {
        double *v = at(s, j), trystep = step;
        memcpy(v, start, sizeof(double) * (size_t) n);
        while (v[j - 1] == start[j - 1]) {
            v[j - 1] = start[j - 1] + trystep;
            trystep *= 10;
        }
        size += trystep;
    }
    return size;
}

/* The centroid of all vertices but `high`, in the spare slot; R sums from
 * minus the high vertex over every vertex in order, and so do we. */
static void centroid(simplex *s, int high)
{
    int n = s->n;
    double *c = at(s, n + 1);
    for (int i = 0; i < n; i++) {
        double temp = -at(s, high)[i];
        for (int j = 0; j <= n; j++)
            temp += at(s, j)[i];
        c[i] = temp / n;
    }
}

static void set_vertex(simplex *s, int j, const double *point, double f)
{
    memcpy(at(s, j), point, sizeof(double) * (size_t) s->n);
    s->value[j] = f;
}

/* Shrinks every vertex towards `low`; returns the new size measure. */
static double shrink(simplex *s, int low, double beta)
{
    int n = s->n;
    double size = 0.0, *best = at(s, low);
    for (int j = 0; j <= n; j++) {
        if (j == low)
            continue;
        double *v = at(s, j);
        for (int i = 0; i < n; i++) {
            v[i] = beta * (v[i] - best[i]) + best[i];
            size += fabs(v[i] - best[i]);
        }
    }
    return size;
}

/* One reflect / expand / contract step from the worst vertex `high`.
 * Returns 1 when the simplex must be shrunk instead. */
static int move(simplex *s, int high, double v_low, double v_high, const lagrs_nm_control *ctl)
{
    int n = s->n;
    double *c = at(s, n + 1), *t = s->trial, *h = at(s, high);
    centroid(s, high);
    for (int i = 0; i < n; i++)
        t[i] = (1.0 + ctl->alpha) * c[i] - ctl->alpha * h[i];
    double v_reflect = eval_trial(s);
    if (v_reflect < v_low) {
        s->value[n + 1] = v_reflect;
        for (int i = 0; i < n; i++) {
            double f = ctl->gamma * t[i] + (1 - ctl->gamma) * c[i];
            c[i] = t[i];
            t[i] = f;
        }
        double v_expand = eval_trial(s);
        if (v_expand < v_reflect)
            set_vertex(s, high, t, v_expand);
        else
            set_vertex(s, high, c, v_reflect);
        return 0;
    }
    if (v_reflect < v_high)
        set_vertex(s, high, t, v_reflect);
    for (int i = 0; i < n; i++)
        t[i] = (1 - ctl->beta) * h[i] + ctl->beta * c[i];
    double v_contract = eval_trial(s);
    if (v_contract < s->value[high]) {
        set_vertex(s, high, t, v_contract);
        return 0;
    }
    return v_reflect >= v_high;
}

static void evaluate_vertices(simplex *s, int low)
{
    for (int j = 0; j <= s->n; j++) {
        if (j == low)
            continue;
        memcpy(s->trial, at(s, j), sizeof(double) * (size_t) s->n);
        s->value[j] = eval_trial(s);
    }
}

/* The lowest and highest vertex, ties going to the earlier one as in R,
 * where the scan starts from the previous lowest. */
static void extremes(const simplex *s, int *low, int *high)
{
    double v_low = s->value[*low], v_high = v_low;
    *high = *low;
    for (int j = 0; j <= s->n; j++) {
        if (j == *low)
            continue;
        double f = s->value[j];
        if (f < v_low) {
            *low = j;
            v_low = f;
        }
        if (f > v_high) {
            *high = j;
            v_high = f;
        }
    }
}

static int search(simplex *s, const double *start, const lagrs_nm_control *ctl,
                  double convtol, int *low)
{
    double oldsize = build(s, start);
    int calcvert = 1, high, status = LAGRS_NM_CONVERGED;
    *low = 0;
    do {
        if (calcvert) {
            evaluate_vertices(s, *low);
            calcvert = 0;
        }
        extremes(s, low, &high);
        double v_low = s->value[*low], v_high = s->value[high];
        if (v_high <= v_low + convtol || v_low <= ctl->abstol)
            break;
        if (move(s, high, v_low, v_high, ctl)) {
            calcvert = 1;
            double size = shrink(s, *low, ctl->beta);
            if (!(size < oldsize)) {
                status = LAGRS_NM_DEGENERATE;
                break;
            }
            oldsize = size;
        }
    } while (s->fncount <= ctl->maxit);
    /* as in R, running out of evaluations overrides a degenerate shrink */
    return s->fncount > ctl->maxit ? LAGRS_NM_MAXIT : status;
}

int lagrs_nelder_mead(int n, const double *start, lagrs_nm_objective fn, void *ctx,
                      const lagrs_nm_control *ctl, double *par, double *value,
                      int *fncount)
{
    simplex s = {n, NULL, NULL, NULL, fn, ctx, 0};
    memcpy(par, start, sizeof(double) * (size_t) n);
    *fncount = 0;
    if (ctl->maxit <= 0) {
        *value = fn(n, start, ctx);
        return LAGRS_NM_CONVERGED;
    }
    double f = fn(n, start, ctx);
    s.fncount = 1;
    *fncount = 1;
    *value = f;
    if (!isfinite(f))
        return LAGRS_NM_BAD_START;
    s.vertex = malloc(sizeof(double) * (size_t) (n + 2) * (size_t) n);
    s.value = malloc(sizeof(double) * (size_t) (n + 2));
    s.trial = malloc(sizeof(double) * (size_t) n);
    int status = LAGRS_NM_NO_MEMORY, low = 0;
    if (s.vertex != NULL && s.value != NULL && s.trial != NULL) {
        s.value[0] = f;
        status = search(&s, start, ctl, ctl->reltol * (fabs(f) + ctl->reltol), &low);
        memcpy(par, at(&s, low), sizeof(double) * (size_t) n);
        *value = s.value[low];
        *fncount = s.fncount;
    }
    free(s.vertex);
    free(s.value);
    free(s.trial);
    return status;
}
