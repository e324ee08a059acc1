#include "ets.h"
#include "model.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Forecast means and variances as forecast.ets() (8.20) computes them:
 * class 1 (additive error, trend and season N or A), class 2 (the same with
 * multiplicative error) and class 3 (multiplicative error and season, trend
 * N or A) of Hyndman, Koehler, Ord and Snyder (2008, ch. 6), in forecast's
 * matrix form (R/etsforecast.R, class1() to class3()); the other models by
 * simulated sample paths, as pegelsfcast.C() does. */

/* ---- classes 1 and 2 ---------------------------------------------------- */

/* One step of the transition F on a state vector (l, b, s_1..s_m). */
static void transition(const ets_spec *spec, double phi, int p, double *v)
{
    double next[ETS_MAX_STATE];
    next[0] = v[0] + (spec->trend ? phi * v[1] : 0);
    if (spec->trend)
        next[1] = phi * v[1];
    if (spec->season) {
        int first = p - spec->m;
        next[first] = v[p - 1];
        for (int i = 0; i < spec->m - 1; i++)
            next[first + 1 + i] = v[first + i];
    }
    memcpy(v, next, sizeof(double) * (size_t) p);
}

static double observe(const ets_spec *spec, double phi, int p, const double *v)
{
    return v[0] + (spec->trend ? phi * v[1] : 0) + (spec->season ? v[p - 1] : 0);
}

/* class1(): the means and the coefficients c_j = H F^j G.  As in forecast,
 * gamma enters G in the third slot (G[3, 1]), which is the seasonal state
 * s_1 with a trend and s_2 without one. */
static void class1(const ets_spec *spec, const ets_params *par, const double *last, int h,
                   double *mean, double *c)
{
    int p = ets_state_size(spec);
    double phi = spec->damped ? par->phi : 1, v[ETS_MAX_STATE], g[ETS_MAX_STATE];
    memcpy(v, last, sizeof(double) * (size_t) p);
    memset(g, 0, sizeof g);
    g[0] = par->alpha;
    if (spec->trend)
        g[1] = par->beta;
    if (spec->season)
        g[2] = par->gamma;
    for (int i = 0; i < h; i++) {
        mean[i] = observe(spec, phi, p, v);
        c[i] = observe(spec, phi, p, g);
        transition(spec, phi, p, v);
        transition(spec, phi, p, g);
    }
}

static void class1_variance(const double *c, double sigma2, int h, double *var)
{
    double total = 0;
    var[0] = sigma2;
    for (int i = 1; i < h; i++) {
        total += c[i - 1] * c[i - 1];
        var[i] = sigma2 * (1 + total);
    }
}

static void class2_variance(const double *mean, const double *c, double sigma2, int h,
                            double *theta, double *var)
{
    theta[0] = mean[0] * mean[0];
    for (int j = 1; j < h; j++) {
        double sum = 0;
        for (int i = 0; i < j; i++)
            sum += c[i] * c[i] * theta[j - 1 - i];
        theta[j] = mean[j] * mean[j] + sigma2 * sum;
    }
    for (int j = 0; j < h; j++)
        var[j] = (1 + sigma2) * theta[j] - mean[j] * mean[j];
}

/* ---- class 3 ------------------------------------------------------------ */

/* q x q matrices (q = r m, r = 1 or 2 the non-seasonal states), row-major.
 * F21, G21 and K are sparse: the products skip their zeros. */
typedef struct {
    int q;
    double *f21, *g21, *k, *tmp1, *tmp2, *acc, *vh;
} class3_work;

/* C = A B with A sparse */
static void mult_left(int q, const double *A, const double *B, double *C)
{
    memset(C, 0, sizeof(double) * (size_t) q * q);
    for (int i = 0; i < q; i++)
        for (int k = 0; k < q; k++) {
            double a = A[i * q + k];
            if (a == 0)
                continue;
            for (int j = 0; j < q; j++)
                C[i * q + j] += a * B[k * q + j];
        }
}

/* C = X B' with B sparse */
static void mult_right_t(int q, const double *X, const double *B, double *C)
{
    memset(C, 0, sizeof(double) * (size_t) q * q);
    for (int j = 0; j < q; j++)
        for (int k = 0; k < q; k++) {
            double b = B[j * q + k];
            if (b == 0)
                continue;
            for (int i = 0; i < q; i++)
                C[i * q + j] += X[i * q + k] * b;
        }
}

/* out = A X A' */
static void sandwich(class3_work *w, const double *A, const double *X, double *out)
{
    mult_left(w->q, A, X, w->tmp1);
    mult_right_t(w->q, w->tmp1, A, out);
}

/* kron(A (m x m), B (r x r)) into out (q x q) */
static void kron(int m, int r, const double *A, const double *B, double *out)
{
    int q = m * r;
    for (int a = 0; a < m; a++)
        for (int c = 0; c < m; c++)
            for (int i = 0; i < r; i++)
                for (int k = 0; k < r; k++)
                    out[(a * r + i) * q + c * r + k] = A[a * m + c] * B[i * r + k];
}

static int class3(const ets_spec *spec, const ets_params *par, const double *last,
                  double sigma2, int h, double *mean, double *var)
{
    int m = spec->m, r = spec->trend ? 2 : 1, q = r * m;
    size_t qq = (size_t) q * q;
    double *buf = calloc(9 * qq + 2 * (size_t) m * m, sizeof(double));
    if (buf == NULL)
        return -1;
    class3_work w = {q, buf, buf + qq, buf + 2 * qq, buf + 3 * qq, buf + 4 * qq,
                     buf + 5 * qq, buf + 6 * qq};
    double *k_part = buf + 7 * qq, *outer = buf + 8 * qq, *F2 = buf + 9 * qq,
        *G2 = F2 + (size_t) m * m;
    double phi = spec->damped ? par->phi : 1;
    double F1[4] = {1, 1, 0, phi}, G1[4] = {par->alpha, par->alpha, par->beta, par->beta};
    if (r == 1) {
        F1[0] = 1;
        G1[0] = par->alpha;
    }
    F2[m - 1] = 1;
    for (int i = 0; i < m - 1; i++)
        F2[(i + 1) * m + i] = 1;
    G2[m - 1] = par->gamma;
    kron(m, r, F2, F1, w.f21);
    kron(m, r, G2, G1, w.g21);
    kron(m, r, G2, F1, w.k);
    kron(m, r, F2, G1, k_part);
    for (size_t i = 0; i < qq; i++)
        w.k[i] += k_part[i];
    /* Mh = level/trend times the seasonal states, kept as vec(Mh) */
    double mh[2 * ETS_MAX_PERIOD], next_mh[2 * ETS_MAX_PERIOD];
    for (int j = 0; j < m; j++)
        for (int i = 0; i < r; i++)
            mh[j * r + i] = last[i] * last[r + j];
    for (int step = 0; step < h; step++) {
        double mu = 0, hvh = 0;
        for (int i = 0; i < r; i++)
            mu += mh[(m - 1) * r + i];
        for (int i = 0; i < r; i++)
            for (int k = 0; k < r; k++)
                hvh += w.vh[((m - 1) * r + i) * q + (m - 1) * r + k];
        mean[step] = mu;
        var[step] = (1 + sigma2) * hvh + sigma2 * mu * mu;
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++)
                outer[i * q + j] = mh[i] * mh[j];
        /* the F21 Vh G21' term and its transpose */
        mult_left(q, w.f21, w.vh, w.tmp2);
        mult_right_t(q, w.tmp2, w.g21, k_part);
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++)
                w.acc[i * q + j] = k_part[i * q + j] + k_part[j * q + i];
        for (size_t i = 0; i < qq; i++)
            w.tmp2[i] = w.vh[i] + outer[i];
        sandwich(&w, w.k, w.tmp2, k_part);
        for (size_t i = 0; i < qq; i++) {
            w.acc[i] += k_part[i];
            w.tmp2[i] = 3 * w.vh[i] + 2 * outer[i];
        }
        sandwich(&w, w.g21, w.tmp2, k_part);
        for (size_t i = 0; i < qq; i++)
            w.acc[i] += sigma2 * k_part[i];
        sandwich(&w, w.f21, w.vh, k_part);
        for (size_t i = 0; i < qq; i++)
            w.vh[i] = k_part[i] + sigma2 * w.acc[i];
        /* Mh = F1 Mh F2' + G1 Mh G2' sigma2, as vec: (F2 x F1) vec + (G2 x G1) vec */
        for (int i = 0; i < q; i++) {
            double a = 0, b = 0;
            for (int j = 0; j < q; j++) {
                a += w.f21[i * q + j] * mh[j];
                b += w.g21[i * q + j] * mh[j];
            }
            next_mh[i] = a + b * sigma2;
        }
        memcpy(mh, next_mh, sizeof(double) * (size_t) q);
    }
    free(buf);
    return 0;
}

int ets_forecast_variance(const ets_spec *spec, const ets_params *par, const double *last,
                          double sigma2, int h, double *mean, double *var)
{
    int simple = spec->trend != ETS_MULT && spec->season != ETS_MULT;
    if (spec->error == ETS_MULT && spec->season == ETS_MULT && spec->trend != ETS_MULT)
        return class3(spec, par, last, sigma2, h, mean, var);
    if (!simple)
        return 1;
    double *c = malloc(sizeof(double) * 2 * (size_t) h);
    if (c == NULL)
        return -1;
    class1(spec, par, last, h, mean, c);
    if (spec->error == ETS_ADD)
        class1_variance(c, sigma2, h, var);
    else
        class2_variance(mean, c, sigma2, h, c + h, var);
    free(c);
    return 0;
}

/* ---- simulated paths ---------------------------------------------------- */

/* xoshiro256** seeded by splitmix64: a small generator of our own, so that
 * a series' paths depend only on its seed, never on the thread. */
typedef struct {
    uint64_t s[4];
} rng_state;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(rng_state *g)
{
    uint64_t result = rotl(g->s[1] * 5, 7) * 9, t = g->s[1] << 17;
    g->s[2] ^= g->s[0];
    g->s[3] ^= g->s[1];
    g->s[1] ^= g->s[2];
    g->s[0] ^= g->s[3];
    g->s[2] ^= t;
    g->s[3] = rotl(g->s[3], 45);
    return result;
}

/* a standard normal by inversion of a uniform in (0, 1) */
static double next_normal(rng_state *g)
{
    double u = ((double) (next_u64(g) >> 11) + 0.5) * 0x1.0p-53;
    return lagrs_qnorm(u);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* quantile(x, p, type = 8) of sorted x[0..n-1], as R computes it */
static double quantile8(const double *x, int n, double p)
{
    const double fuzz = 4 * 2.220446049250313e-16;
    double nppm = 1.0 / 3 + p * (n + 1.0 / 3);
    int j = (int) floor(nppm + fuzz);
    double h = nppm - j;
    if (fabs(h) < fuzz)
        h = 0;
    /* R pads x with two copies of each end: x[j] in R's 1-based padded index */
    int lo = j - 1, hi = j;
    lo = lo < 0 ? 0 : lo > n - 1 ? n - 1 : lo;
    hi = hi < 0 ? 0 : hi > n - 1 ? n - 1 : hi;
    if (h == 0)
        return x[lo];
    if (h == 1)
        return x[hi];
    return x[lo] == x[hi] ? x[lo] : (1 - h) * x[lo] + h * x[hi];
}

int ets_simulated_bounds(const ets_spec *spec, const ets_params *par, const double *last,
                         double sigma2, int h, const double *levels, int n_levels,
                         uint64_t seed, double *lower, double *upper)
{
    double *paths = malloc(sizeof(double) * ((size_t) ETS_NPATHS * h + 2 * (size_t) h));
    if (paths == NULL)
        return -1;
    double *innov = paths + (size_t) ETS_NPATHS * h, *y = innov + h, sigma = sqrt(sigma2);
    rng_state g;
    for (int i = 0; i < 4; i++)
        g.s[i] = splitmix(&seed);
    for (int k = 0; k < ETS_NPATHS; k++) {
        for (int j = 0; j < h; j++) {
            innov[j] = sigma * next_normal(&g);
            if (spec->error == ETS_MULT && innov[j] < -1)
                innov[j] = -1;
        }
        if (ets_simulate(last, spec, par, h, innov, y) != 0) {
            free(paths);
            return -1;
        }
        for (int j = 0; j < h; j++)   /* by horizon: each column sorted alone */
            paths[(size_t) j * ETS_NPATHS + k] = y[j];
    }
    for (int j = 0; j < h; j++) {
        double *column = paths + (size_t) j * ETS_NPATHS;
        qsort(column, ETS_NPATHS, sizeof(double), compare_doubles);
        for (int l = 0; l < n_levels; l++) {
            lower[(size_t) l * h + j] = quantile8(column, ETS_NPATHS, 0.5 - levels[l] / 200);
            upper[(size_t) l * h + j] = quantile8(column, ETS_NPATHS, 0.5 + levels[l] / 200);
        }
    }
    free(paths);
    return 0;
}
