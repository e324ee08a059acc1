/* The ARIMA coefficients' parametrisations: the PACF transform of the AR
 * parts (and its Jacobian), the expansion of the seasonal products, MA
 * inversion, and the stationarity and invertibility checks.  Plain C. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include "arima_internal.h"

#define GRADTRANS_EPS 1e-3

void arma_dims_init(arma_dims *ad, const lagrs_arima_spec *spec)
{
    int s = season(spec);
    ad->mp = spec->p; ad->mq = spec->q; ad->msp = spec->P; ad->msq = spec->Q;
    ad->ns = s;
    ad->p = ad->mp + s * ad->msp;
    ad->q = ad->mq + s * ad->msq;
}

/* PACF values (after tanh) to AR coefficients by Durbin-Levinson. */
void pacf_to_ar(int p, const double *raw, double *ar, double *work)
{
    for (int j = 0; j < p; j++)
        work[j] = ar[j] = tanh(raw[j]);
    for (int j = 1; j < p; j++) {
        double a = ar[j];
        for (int k = 0; k < j; k++)
            work[k] -= a * ar[j - k - 1];
        for (int k = 0; k < j; k++)
            ar[k] = work[k];
    }
}

/* Inverse of pacf_to_ar (stats::arima's ARIMA_Invtrans). */
void ar_to_pacf(int p, const double *ar, double *raw, double *work)
{
    for (int j = 0; j < p; j++)
        work[j] = raw[j] = ar[j];
    for (int j = p - 1; j > 0; j--) {
        double a = raw[j];
        for (int k = 0; k < j; k++)
            work[k] = (raw[k] + a * raw[j - k - 1]) / (1 - a * a);
        for (int k = 0; k < j; k++)
            raw[k] = work[k];
    }
    for (int j = 0; j < p; j++)
        raw[j] = atanh(raw[j]);
}

/* Coefficients in the optimizer's parametrisation to the AR/MA
 * coefficients actually used (PACF transform of the AR parts when trans,
 * then the seasonal products expanded).  `params` (n_arma) and `work`
 * (max AR order) are scratch. */
void expand_pars(const arma_dims *ad, const double *in, int trans,
                 double *phi, double *theta, double *params,
                 double *work)
{
    int narma = ad->mp + ad->mq + ad->msp + ad->msq;
    for (int i = 0; i < narma; i++)
        params[i] = in[i];
    if (trans) {
        if (ad->mp > 0)
            pacf_to_ar(ad->mp, in, params, work);
        int v = ad->mp + ad->mq;
        if (ad->msp > 0)
            pacf_to_ar(ad->msp, in + v, params + v, work);
    }
    int ns = ad->ns;
    for (int i = 0; i < ad->p; i++) phi[i] = 0.0;
    for (int i = 0; i < ad->q; i++) theta[i] = 0.0;
    for (int i = 0; i < ad->mp; i++) phi[i] = params[i];
    for (int i = 0; i < ad->mq; i++) theta[i] = params[i + ad->mp];
    for (int j = 0; j < ad->msp; j++) {
        double sar = params[j + ad->mp + ad->mq];
        phi[(j + 1) * ns - 1] += sar;
        for (int i = 0; i < ad->mp; i++)
            phi[(j + 1) * ns + i] -= params[i] * sar;
    }
    for (int j = 0; j < ad->msq; j++) {
        double sma = params[j + ad->mp + ad->mq + ad->msp];
        theta[(j + 1) * ns - 1] += sma;
        for (int i = 0; i < ad->mq; i++)
            theta[(j + 1) * ns + i] += params[i + ad->mp] * sma;
    }
}

/* ------------------------------------------------------------------ */
/* Polynomial roots (for MA inversion)                                 */

/* Roots of c[0] + c[1] z + ... + c[m] z^m (c[m] != 0) by the
 * Aberth-Ehrlich iteration followed by Newton polishing.  `roots` has m
 * entries; `work` 2 * (m + 1) complex values.  Returns 0 on success. */
static int poly_roots(int m, const double *c, double complex *roots,
                      double complex *work)
{
    double complex *mono = work;       /* monic, highest degree first */
    double complex *dmono = work + m + 1;
    for (int k = 0; k <= m; k++)
        mono[k] = c[m - k] / c[m];
    for (int k = 0; k < m; k++)
        dmono[k] = mono[k] * (double) (m - k);
    double bound = 0.0;
    for (int k = 1; k <= m; k++) {
        double v = cabs(mono[k]);
        if (v > bound) bound = v;
    }
    double radius = pow(cabs(mono[m]) > 0 ? cabs(mono[m]) : 1.0, 1.0 / m);
    if (radius > 1.0 + bound) radius = 1.0 + bound;
    if (radius <= 0) radius = 1.0;
    for (int k = 0; k < m; k++) {
        double angle = 2.0 * M_PI * k / m + 0.4;
        roots[k] = radius * (cos(angle) + I * sin(angle));
    }
    for (int iter = 0; iter < 500; iter++) {
        double biggest = 0.0;
        for (int k = 0; k < m; k++) {
            double complex z = roots[k], f = mono[0], fd = dmono[0];
            for (int j = 1; j <= m; j++) f = f * z + mono[j];
            for (int j = 1; j < m; j++) fd = fd * z + dmono[j];
            if (f == 0) continue;
            double complex ratio = f / fd, sum = 0;
            for (int j = 0; j < m; j++)
                if (j != k) sum += 1.0 / (z - roots[j]);
            double complex step = ratio / (1.0 - ratio * sum);
            if (!isfinite(creal(step)) || !isfinite(cimag(step)))
                step = ratio;
            roots[k] = z - step;
            double rel = cabs(step) / (cabs(roots[k]) > 1 ? cabs(roots[k]) : 1);
            if (rel > biggest) biggest = rel;
        }
        if (biggest < 1e-15)
            break;
    }
    for (int k = 0; k < m; k++) {
        for (int it = 0; it < 3; it++) {
            double complex z = roots[k], f = mono[0], fd = dmono[0];
            for (int j = 1; j <= m; j++) f = f * z + mono[j];
            for (int j = 1; j < m; j++) fd = fd * z + dmono[j];
            if (fd == 0) break;
            roots[k] = z - f / fd;
        }
        if (!isfinite(creal(roots[k])) || !isfinite(cimag(roots[k])))
            return 1;
    }
    return 0;
}

/* stats::arima's maInvert: reflect MA roots inside the unit circle.
 * Works in place on ma[0..q-1].  Returns 0, or 1 if out of memory. */
int ma_invert(int q, double *ma)
{
    int q0 = 0;
    for (int i = 0; i < q; i++)
        if (ma[i] != 0) q0 = i + 1;
    if (q0 == 0)
        return 0;
    size_t m = (size_t) q0;
    double *c = malloc(sizeof(double) * (m + 1));
    double complex *mem = malloc(sizeof(double complex) * (5 * m + 4));
    if (c == NULL || mem == NULL) {
        free(c); free(mem);
        return 1;
    }
    double complex *roots = mem, *work = mem + m, *poly = work + 2 * m + 2;
    c[0] = 1.0;
    for (int i = 0; i < q0; i++) c[i + 1] = ma[i];
    int any_inside = 0;
    if (poly_roots(q0, c, roots, work) == 0) {
        for (int k = 0; k < q0; k++)
            if (cabs(roots[k]) < 1) any_inside = 1;
    }
    if (any_inside) {
        if (q0 == 1) {
            ma[0] = 1.0 / ma[0];
        } else {
            for (int k = 0; k < q0; k++)
                if (cabs(roots[k]) < 1) roots[k] = 1.0 / roots[k];
            /* rebuild prod (1 - z / root) */
            int deg = 0;
            poly[0] = 1.0;
            for (int k = 0; k < q0; k++) {
                poly[deg + 1] = 0.0;
                for (int j = deg + 1; j >= 1; j--)
                    poly[j] -= poly[j - 1] / roots[k];
                deg++;
            }
            for (int i = 0; i < q0; i++)
                ma[i] = creal(poly[i + 1]);
        }
    }
    free(c);
    free(mem);
    return 0;
}

int lagrs_arima_ma_invertible(const double *ma, int q)
{
    int q0 = 0;
    for (int i = 0; i < q; i++)
        if (ma[i] != 0) q0 = i + 1;
    if (q0 == 0)
        return 1;
    size_t m = (size_t) q0;
    double *c = malloc(sizeof(double) * (m + 1));
    double complex *mem = malloc(sizeof(double complex) * (3 * m + 2));
    if (c == NULL || mem == NULL) {
        free(c); free(mem);
        return 0;
    }
    c[0] = 1.0;
    for (int i = 0; i < q0; i++) c[i + 1] = ma[i];
    int ok = poly_roots(q0, c, mem, mem + m) == 0;
    for (int k = 0; ok && k < q0; k++)
        if (cabs(mem[k]) < 1) ok = 0;
    free(c);
    free(mem);
    return ok;
}

/* Stationarity by the Schur-Cohn (backward Durbin-Levinson) recursion:
 * every partial autocorrelation must lie strictly inside (-1, 1). */
int lagrs_arima_ar_stationary(const double *ar, int p)
{
    int p0 = 0;
    for (int i = 0; i < p; i++)
        if (ar[i] != 0) p0 = i + 1;
    if (p0 == 0)
        return 1;
    double *mem = malloc(sizeof(double) * 2 * (size_t) p0);
    if (mem == NULL)
        return 0;
    double *cur = mem, *work = mem + p0;
    int ok = 1;
    for (int j = 0; j < p0; j++) cur[j] = ar[j];
    for (int j = p0 - 1; j >= 0 && ok; j--) {
        double a = cur[j];
        if (!(fabs(a) < 1)) { ok = 0; break; }
        for (int k = 0; k < j; k++)
            work[k] = (cur[k] + a * cur[j - k - 1]) / (1 - a * a);
        for (int k = 0; k < j; k++) cur[k] = work[k];
    }
    free(mem);
    return ok;
}

/* d new / d raw of the PACF transform, by forward differences with step
 * 1e-3 as stats::arima's ARIMA_Gradtrans.  A is ncoef x ncoef, column-
 * major, A[i, j] = d coef_j / d raw_i. */
void gradtrans(const arma_dims *ad, int ncoef, const double *raw,
               double *A, double *w1, double *w2, double *w3,
               double *work)
{
    size_t n = (size_t) ncoef;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) A[i + n * j] = (i == j);
    int blocks[2][2] = {{0, ad->mp}, {ad->mp + ad->mq, ad->msp}};
    for (int b = 0; b < 2; b++) {
        int off = blocks[b][0], m = blocks[b][1];
        if (m == 0) continue;
        for (int i = 0; i < m; i++) w1[i] = raw[off + i];
        pacf_to_ar(m, w1, w2, work);
        for (int i = 0; i < m; i++) {
            w1[i] += GRADTRANS_EPS;
            pacf_to_ar(m, w1, w3, work);
            for (int j = 0; j < m; j++)
                A[(off + i) + n * (off + j)] = (w3[j] - w2[j]) / GRADTRANS_EPS;
            w1[i] -= GRADTRANS_EPS;
        }
    }
}

/* 1 when an AR part has a partial autocorrelation beyond +-0.99 (or is
 * not stationary): there the likelihood surface is flat and the kappa
 * prior of stats::arima matters more than elsewhere. */
int near_unit_root(const arma_dims *ad, const double *par, int trans,
                   double *pacf, double *work)
{
    int blocks[2][2] = {{0, ad->mp}, {ad->mp + ad->mq, ad->msp}};
    for (int b = 0; b < 2; b++) {
        int off = blocks[b][0], m = blocks[b][1];
        for (int i = 0; i < m; i++) {
            double v;
            if (trans) {
                v = tanh(par[off + i]);
            } else {
                if (i == 0) ar_to_pacf(m, par + off, pacf, work);
                v = tanh(pacf[i]);
            }
            if (!(fabs(v) <= 0.99))
                return 1;
        }
    }
    return 0;
}
