/* ARIMA kernels: plain C, no R API, safe to run inside OpenMP threads.
 *
 * The model, its likelihood and the fitting steps follow stats::arima()
 * (R's src/library/stats/R/arima.R and src/arima.c) so that fits agree with
 * it: the same state-space form (Harvey's, with the differencing folded into
 * the state), the same diffuse prior kappa for the differencing states, the
 * same CSS objective and conditioning, the same PACF reparametrisation and
 * the same optimizer settings.  The code is our own.  The one deliberate
 * difference: the stationary covariance of the ARMA states is computed from
 * the ARMA autocovariances (exact) instead of Gardner et al.'s regression
 * algorithm (also exact, up to rounding). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <complex.h>
#include <stdio.h>
#include "arima.h"
#include "arima_internal.h"

#define DEFAULT_KAPPA 1e6
#define GAIN_LIMIT 1e4
/* Near a unit root the stationary variance grows; once it is no longer
 * small against kappa, the filter on the differences no longer tracks
 * stats::arima's kappa-diffuse likelihood closely, so the search falls back
 * to the full filter. */
#define FAST_GAIN_LIMIT 1e3
#define NDEPS 1e-3
#define GRADTRANS_EPS 1e-3
/* non-zero AR or MA terms the CSS recursion keeps in a list */
#define CSS_SPARSE_MAX 64

/* for the few small functions of the filters' inner loops, which must be
 * inlined to keep their values in registers */
#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

static int imax(int a, int b) { return a > b ? a : b; }

static void set_msg(lagrs_arima_result *out, int status, const char *text)
{
    out->status = status;
    snprintf(out->message, LAGRS_ARIMA_MSG_LEN, "%s", text);
}

/* ------------------------------------------------------------------ */
/* Spec helpers                                                        */

void lagrs_arima_spec_init(lagrs_arima_spec *spec, int p, int d, int q,
                           int P, int D, int Q, int period)
{
    memset(spec, 0, sizeof(*spec));
    spec->p = p; spec->d = d; spec->q = q;
    spec->P = P; spec->D = D; spec->Q = Q;
    spec->period = period;
    spec->include_mean = 1;
    spec->include_drift = 0;
    spec->method = LAGRS_ARIMA_CSS_ML;
    spec->transform_pars = 1;
    spec->n_cond = -1;
    spec->fixed = NULL;
    spec->kappa = DEFAULT_KAPPA;
    spec->maxit = 100;
    spec->reltol = 1e-8;
    spec->want_var = 1;
    spec->want_residuals = 1;
}

static int season(const lagrs_arima_spec *spec)
{
    return spec->period > 1 ? spec->period : 1;
}

static int has_intercept(const lagrs_arima_spec *spec)
{
    return spec->include_mean && spec->d + spec->D == 0;
}

int lagrs_arima_n_coef(const lagrs_arima_spec *spec, int n_xreg)
{
    return spec->p + spec->q + spec->P + spec->Q + has_intercept(spec) +
        (spec->include_drift ? 1 : 0) + n_xreg;
}

/* The one rule for coefficient names (as names(coef(stats::arima(...)))):
 * ar1..arp, ma1..maq, sar1..sarP, sma1..smaQ, intercept, drift. */
int lagrs_arima_coef_name(const lagrs_arima_spec *spec, int k, char *buf, size_t size)
{
    const char *stem[4] = {"ar", "ma", "sar", "sma"};
    int count[4] = {spec->p, spec->q, spec->P, spec->Q};
    for (int b = 0; b < 4; b++) {
        if (k < count[b]) {
            snprintf(buf, size, "%s%d", stem[b], k + 1);
            return 1;
        }
        k -= count[b];
    }
    if (has_intercept(spec) && k-- == 0) {
        snprintf(buf, size, "intercept");
        return 1;
    }
    if (spec->include_drift && k-- == 0) {
        snprintf(buf, size, "drift");
        return 1;
    }
    return 0;
}

R_xlen_t lagrs_arima_min_obs(const lagrs_arima_spec *spec)
{
    R_xlen_t s = season(spec);
    return (R_xlen_t) spec->d + (R_xlen_t) spec->D * s + spec->p + (R_xlen_t) spec->P * s;
}

int lagrs_arima_state_dim(const lagrs_arima_spec *spec)
{
    int s = season(spec);
    int p = spec->p + s * spec->P, q = spec->q + s * spec->Q;
    return imax(p, q + 1) + spec->d + s * spec->D;
}

/* ------------------------------------------------------------------ */
/* Parameter transformations                                           */

/* PACF values (after tanh) to AR coefficients by Durbin-Levinson. */
static void pacf_to_ar(int p, const double *raw, double *ar, double *work)
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
static void ar_to_pacf(int p, const double *ar, double *raw, double *work)
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

typedef struct {
    int mp, mq, msp, msq, ns;  /* orders and period as stats' arma[1:5] */
    int p, q;                  /* expanded AR and MA lengths */
} arma_dims;

/* Coefficients in the optimizer's parametrisation to the AR/MA
 * coefficients actually used (PACF transform of the AR parts when trans,
 * then the seasonal products expanded).  `params` (n_arma) and `work`
 * (max AR order) are scratch. */
static void expand_pars(const arma_dims *ad, const double *in, int trans,
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
static int ma_invert(int q, double *ma)
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

/* ------------------------------------------------------------------ */
/* State-space model and Kalman filter                                 */

typedef struct {
    int p, q, r, nd, rd;     /* AR and MA lengths, ARMA state, diffs */
    double *phi, *theta, *delta;
    double *a, *anew, *P, *Pnew, *M, *mm;
    double *psi, *gam, *sys;  /* stationary covariance work */
    double kappa;
    int *dnz, n_dnz;          /* indices of the non-zero delta coefficients */
    int *pnz, n_pnz;          /* ... of the non-zero phi (kalman_index_coef) */
    int *tnz, n_tnz;          /* ... of the non-zero R = (1, theta), < r */
    int large_gain;           /* arma_filter met a prediction variance >= 1e3 */
} kalman_ws;

static size_t kalman_ws_doubles(int p, int q, int nd)
{
    size_t r = (size_t) imax(p, q + 1), rd = r + (size_t) nd;
    size_t sp = (size_t) p + 1;
    return (size_t) (2 * p + 2 * q + 2 * nd + 7) + 5 * rd + 3 * rd * rd +
        (r + 2) + (r + 2) + sp * (sp + 1);
}

static void kalman_ws_setup(kalman_ws *k, int p, int q, int nd, double kappa,
                            double *mem)
{
    k->p = p; k->q = q; k->r = imax(p, q + 1); k->nd = nd;
    k->rd = k->r + nd;
    k->kappa = kappa;
    k->large_gain = 0;
    size_t rd = (size_t) k->rd, r = (size_t) k->r, sp = (size_t) p + 1;
    k->phi = mem; mem += p + 1;
    k->theta = mem; mem += q + 1;
    k->delta = mem; mem += nd + 1;
    k->dnz = (int *) (void *) mem; mem += nd + 1;
    k->n_dnz = 0;
    k->pnz = (int *) (void *) mem; mem += p + 1;
    k->n_pnz = 0;
    k->tnz = (int *) (void *) mem; mem += q + 2;
    k->n_tnz = 0;
    k->a = mem; mem += rd;
    k->anew = mem; mem += rd;
    k->M = mem; mem += rd;
    k->P = mem; mem += rd * rd;
    k->Pnew = mem; mem += rd * rd;
    k->mm = mem; mem += rd * rd + 2 * rd;
    k->psi = mem; mem += r + 2;
    k->gam = mem; mem += r + 2;
    k->sys = mem; mem += sp * (sp + 1);
}

/* Record which differencing coefficients are non-zero: seasonal
 * differencing gives long, mostly zero delta vectors, and skipping the zeros
 * changes no sum (adding 0 * x leaves a finite value unchanged). */
static void kalman_index_delta(kalman_ws *k)
{
    k->n_dnz = 0;
    for (int i = 0; i < k->nd; i++)
        if (k->delta[i] != 0.0) k->dnz[k->n_dnz++] = i;
}

/* The same for the AR coefficients and R = (1, theta_1, ...): seasonal
 * models have mostly zero ones.  Must follow every change of phi or theta
 * before kalman_predict_cov(). */
static void kalman_index_coef(kalman_ws *k)
{
    k->n_pnz = 0;
    for (int i = 0; i < k->p; i++)
        if (k->phi[i] != 0.0) k->pnz[k->n_pnz++] = i;
    int qr = k->q < k->r - 1 ? k->q : k->r - 1;
    k->n_tnz = 0;
    for (int j = 0; j <= qr; j++)
        if (j == 0 || k->theta[j - 1] != 0.0) k->tnz[k->n_tnz++] = j;
}

/* The log-determinant term sum(log(gain)) of the likelihood, accumulated as
 * a running product of the gains with one log() each time the product
 * leaves [2^-500, 2^500] and one at the end, instead of one log() per step
 * (which used to be the costliest single operation of the filters).  The
 * product of k gains carries a relative rounding error of at most about
 * k * 2^-53, so the result differs from the sum of the logs by about
 * k * 1e-16 in absolute terms.  The folding points depend only on the
 * gains, never on the thread.  A gain that is zero, negative, infinite or
 * NaN sends the product out of the range at once, and its log() gives the
 * -Inf or NaN that the sum of the logs would. */
typedef struct {
    double sum, prod;
} logdet_acc;

static inline void logdet_add(logdet_acc *acc, double gain)
{
    acc->prod *= gain;
    if (!(acc->prod <= 0x1p500 && acc->prod >= 0x1p-500)) {
        acc->sum += log(acc->prod);
        acc->prod = 1.0;
    }
}

static inline double logdet_total(const logdet_acc *acc)
{
    return acc->sum + log(acc->prod);
}

/* The stationary covariance of the ARMA state (Harvey's form, unit
 * innovation variance) into the leading r x r block of Pnew (leading
 * dimension rd).  State element i is
 *   sum_{k>i} phi_k x_{t+i-k} + sum_{k>=i} theta_k e_{t+i-k}  (theta_0 = 1),
 * so its covariances follow from the autocovariances of x and the
 * cross-covariances cov(x_t, e_{t-m}) = psi_m.  Returns 0, or 1 when the
 * AR part is (numerically) not stationary. */
static int stationary_cov(kalman_ws *k, int rd)
{
    int p = k->p, q = k->q, r = k->r;
    const double *phi = k->phi, *theta = k->theta;
    double *psi = k->psi, *gam = k->gam, *Q = k->Pnew;
#define PHI(j) (((j) >= 1 && (j) <= p) ? phi[(j) - 1] : 0.0)
#define THETA(j) ((j) == 0 ? 1.0 : (((j) >= 1 && (j) <= q) ? theta[(j) - 1] : 0.0))
    for (int m = 0; m <= r; m++) {
        double v = THETA(m);
        for (int j = 1; j <= p && j <= m; j++)
            v += phi[j - 1] * psi[m - j];
        psi[m] = v;
    }
    if (p > 0) {
        /* gamma(h) - sum_j phi_j gamma(|h - j|) = sum_{j>=h} theta_j psi_{j-h},
         * h = 0..p: solve for gamma(0..p) by Gaussian elimination. */
        int np = p + 1;
        double *A = k->sys;  /* np x (np + 1), augmented, row-major */
        for (int i = 0; i < np * (np + 1); i++) A[i] = 0.0;
        for (int h = 0; h <= p; h++) {
            double *row = A + (size_t) h * (np + 1);
            row[h] += 1.0;
            for (int j = 1; j <= p; j++)
                row[abs(h - j)] -= phi[j - 1];
            double rhs = 0.0;
            for (int j = h; j <= q; j++)
                rhs += THETA(j) * psi[j - h];
            row[np] = rhs;
        }
        for (int col = 0; col < np; col++) {
            int piv = col;
            for (int i = col + 1; i < np; i++)
                if (fabs(A[i * (np + 1) + col]) > fabs(A[piv * (np + 1) + col]))
                    piv = i;
            if (!(fabs(A[piv * (np + 1) + col]) > 1e-12))
                return 1;
            if (piv != col)
                for (int j = 0; j <= np; j++) {
                    double t = A[col * (np + 1) + j];
                    A[col * (np + 1) + j] = A[piv * (np + 1) + j];
                    A[piv * (np + 1) + j] = t;
                }
            for (int i = col + 1; i < np; i++) {
                double f = A[i * (np + 1) + col] / A[col * (np + 1) + col];
                if (f == 0.0) continue;
                for (int j = col; j <= np; j++)
                    A[i * (np + 1) + j] -= f * A[col * (np + 1) + j];
            }
        }
        for (int i = np - 1; i >= 0; i--) {
            double v = A[i * (np + 1) + np];
            for (int j = i + 1; j < np; j++)
                v -= A[i * (np + 1) + j] * gam[j];
            gam[i] = v / A[i * (np + 1) + i];
        }
        for (int h = np; h < r; h++) {
            double v = 0.0;
            for (int j = 1; j <= p; j++)
                v += phi[j - 1] * gam[h - j];
            for (int j = h; j <= q; j++)
                v += THETA(j) * psi[j - h];
            gam[h] = v;
        }
        if (!(gam[0] > 0) || !isfinite(gam[0]))
            return 1;
    }
    /* The first row: Q[0][j] = cov(x_t, s_j)
     *   = sum_{k>j} phi_k gamma(k - j) + sum_{k>=j} theta_k psi_{k-j}.
     * The rest from Q = T Q T' + R R' with T's shift structure,
     *   Q[i][j] = Q[i+1][j+1] + phi_i Q[0][j+1] + phi_j Q[0][i+1]
     *             + phi_i phi_j Q[0][0] + R_i R_j
     * (0-based rows, phi_i = phi[i], R_i = theta_i, entries with an index
     * r are 0), filled from the last row up: O(r^2) instead of the O(r^4)
     * of summing each entry's series, which matters for seasonal states. */
    double *row0 = k->mm;         /* r + 1 values */
    for (int j = 0; j < r; j++) {
        double v = 0.0;
        for (int kk = j + 1; kk <= p; kk++)
            if (phi[kk - 1] != 0.0) v += phi[kk - 1] * gam[kk - j];
        for (int kk = j; kk <= q; kk++)
            v += THETA(kk) * psi[kk - j];
        row0[j] = v;
    }
    row0[r] = 0.0;
    size_t ldq = (size_t) rd;
    for (int i = r - 1; i >= 1; i--) {
        double phi_i = i < p ? phi[i] : 0.0, r_i = THETA(i);
        for (int j = r - 1; j >= i; j--) {
            double phi_j = j < p ? phi[j] : 0.0;
            double next = j + 1 < r ? Q[(i + 1) + ldq * (j + 1)] : 0.0;
            double v = next + r_i * THETA(j);
            if (phi_i != 0.0 || phi_j != 0.0)
                v += phi_i * row0[j + 1] + phi_j * row0[i + 1] +
                    phi_i * phi_j * row0[0];
            Q[i + ldq * j] = v;
            Q[j + ldq * i] = v;
        }
    }
    for (int j = 0; j < r; j++) {
        Q[ldq * j] = row0[j];
        Q[j] = row0[j];
    }
#undef PHI
#undef THETA
    return 0;
}

/* Initial state: a = 0, Pnew = diag(Q0, kappa I).  Returns 0 or 1. */
static int kalman_init(kalman_ws *k)
{
    size_t rd = (size_t) k->rd;
    for (size_t i = 0; i < rd; i++) k->a[i] = 0.0;
    for (size_t i = 0; i < rd * rd; i++) k->Pnew[i] = 0.0;
    if (stationary_cov(k, k->rd))
        return 1;
    for (int i = k->r; i < k->rd; i++)
        k->Pnew[i + rd * i] = k->kappa;
    return 0;
}

/* Pnew = T P T' + R R', using the sparsity of T. */
static void kalman_predict_cov(kalman_ws *k)
{
    int p = k->p, r = k->r, nd = k->nd, rd = k->rd;
    const double *phi = k->phi, *theta = k->theta, *delta = k->delta;
    const int *dnz = k->dnz, n_dnz = k->n_dnz;
    const int *pnz = k->pnz, n_pnz = k->n_pnz, *tnz = k->tnz, n_tnz = k->n_tnz;
    double *P = k->P, *mm = k->mm, *Pnew = k->Pnew;
    size_t ld = (size_t) rd;
    /* mm = T P */
    for (int j = 0; j < rd; j++) {
        const double *Pj = P + ld * j;
        double *mj = mm + ld * j;
        double P0j = Pj[0];
        for (int i = 0; i < r - 1; i++)
            mj[i] = Pj[i + 1];
        mj[r - 1] = 0.0;
        for (int t = 0; t < n_pnz; t++) {
            int i = pnz[t];
            mj[i] += phi[i] * P0j;
        }
        if (nd > 0) {
            double v = P0j;
            for (int t = 0; t < n_dnz; t++) {
                int kk = dnz[t];
                v += delta[kk] * Pj[r + kk];
            }
            mj[r] = v;
            for (int i = 1; i < nd; i++)
                mj[r + i] = Pj[r + i - 1];
        }
    }
    /* Pnew = mm T' (upper triangle, then mirrored) */
    for (int j = 0; j < rd; j++) {
        double *Pj = Pnew + ld * j;
        if (j < r) {
            double pj = (j < p) ? phi[j] : 0.0;
            const double *next = (j < r - 1) ? mm + ld * (j + 1) : NULL;
            if (pj == 0.0) {
                for (int i = 0; i <= j; i++)
                    Pj[i] = next ? next[i] : 0.0;
            } else {
                for (int i = 0; i <= j; i++) {
                    double v = pj * mm[i];
                    if (next) v += next[i];
                    Pj[i] = v;
                }
            }
        } else if (j == r) {
            for (int i = 0; i <= j; i++) {
                double v = mm[i];
                for (int t = 0; t < n_dnz; t++) {
                    int kk = dnz[t];
                    v += delta[kk] * mm[i + ld * (r + kk)];
                }
                Pj[i] = v;
            }
        } else {
            const double *prev = mm + ld * (j - 1);
            for (int i = 0; i <= j; i++)
                Pj[i] = prev[i];
        }
    }
    for (int t2 = 0; t2 < n_tnz; t2++) {
        int j = tnz[t2];
        double tj = (j == 0) ? 1.0 : theta[j - 1];
        for (int t1 = 0; t1 <= t2; t1++) {
            int i = tnz[t1];
            double ti = (i == 0) ? 1.0 : theta[i - 1];
            Pnew[i + ld * j] += ti * tj;
        }
    }
    for (int j = 0; j < rd; j++)
        for (int i = 0; i < j; i++)
            Pnew[j + ld * i] = Pnew[i + ld * j];
}

/* kalman_filter() for the commonest ARIMA shape: a two-dimensional ARMA
 * state (p <= 2, q <= 1) and one difference, d = 1 (state dimension 3).
 * The same operations in the same order as kalman_filter() and
 * kalman_predict_cov(), so the same values bit for bit, with the state and
 * the covariances in registers: at this size the general code's loops cost
 * several times its arithmetic.  Products with delta_1 = 1 are left out
 * (they are exact).  P and Pnew are read from and written back to k. */
static void kalman_filter_r2d1(kalman_ws *k, const double *x, R_xlen_t n,
                               double *ssq_out, double *sumlog_out,
                               R_xlen_t *nu_out, double *resid)
{
    const int p = k->p, q = k->q;
    const double ph0 = p > 0 ? k->phi[0] : 0.0, ph1 = p > 1 ? k->phi[1] : 0.0;
    const double th = q > 0 ? k->theta[0] : 0.0;
    const double *Pn = k->Pnew, *Pf = k->P;
    /* predicted (q..) and filtered (f..) covariances, upper triangles */
    double q00 = Pn[0], q01 = Pn[3], q02 = Pn[6], q11 = Pn[4], q12 = Pn[7],
           q22 = Pn[8];
    double f00 = Pf[0], f01 = Pf[3], f02 = Pf[6], f11 = Pf[4], f12 = Pf[7],
           f22 = Pf[8];
    double a0 = k->a[0], a1 = k->a[1], a2 = k->a[2];
    double m0 = 0.0, m1 = 0.0, m2 = 0.0;
    double ssq = 0.0, gain = 1.0, root_gain = 1.0;
    logdet_acc logdet = {0.0, 1.0};
    R_xlen_t nu = 0;
    int steady = 0, calm = 0, have_prev = 0;
    for (R_xlen_t l = 0; l < n; l++) {
        double n0 = p > 0 ? a1 + ph0 * a0 : a1;
        double n1 = p > 1 ? 0.0 + ph1 * a0 : 0.0;
        double n2 = a0 + a2;
        if (l > 0 && !steady) {
            /* T P (the rows that T P T' needs), then T P T' + R R' */
            double t00 = p > 0 ? f01 + ph0 * f00 : f01;
            double t01 = p > 0 ? f11 + ph0 * f01 : f11;
            double t02 = p > 0 ? f12 + ph0 * f02 : f12;
            double t10 = p > 1 ? 0.0 + ph1 * f00 : 0.0;
            double t12 = p > 1 ? 0.0 + ph1 * f02 : 0.0;
            double t20 = f00 + f02, t22 = f02 + f22;
            double pj0 = p > 0 ? ph0 : 0.0, pj1 = p > 1 ? ph1 : 0.0;
            q00 = pj0 * t00 + t01;
            q01 = pj1 * t00;
            q11 = pj1 * t10;
            q02 = t00 + t02;
            q12 = t10 + t12;
            q22 = t20 + t22;
            q00 += 1.0 * 1.0;
            if (q > 0) {
                q01 += 1.0 * th;
                q11 += th * th;
            }
        }
        double obs = x[l];
        if (!isnan(obs)) {
            double res = obs - n0;
            res -= n2;
            if (!steady) {
                m0 = q00 + q02;
                m1 = q01 + q12;
                m2 = q02 + q22;
                gain = m0 + m2;
                if (resid) root_gain = sqrt(gain);
            }
            if (gain < GAIN_LIMIT) {
                nu++;
                ssq += res * res / gain;
                logdet_add(&logdet, gain);
            }
            if (resid) resid[l] = res / root_gain;
            double scaled = res / gain;
            a0 = n0 + m0 * scaled;
            a1 = n1 + m1 * scaled;
            a2 = n2 + m2 * scaled;
            if (!steady) {
                double change = 0.0;
#define KF_UPDATE(F, Q, MI, MJ) do {                                    \
                    double v = (Q) - (MI) * (MJ);                       \
                    double dv = have_prev ? fabs(v - (F)) : 0.0;        \
                    change = (dv > change || isnan(dv)) ? dv : change;  \
                    F = v;                                              \
                } while (0)
                double mj = m0 / gain;
                KF_UPDATE(f00, q00, m0, mj);
                mj = m1 / gain;
                KF_UPDATE(f01, q01, m0, mj);
                KF_UPDATE(f11, q11, m1, mj);
                mj = m2 / gain;
                KF_UPDATE(f02, q02, m0, mj);
                KF_UPDATE(f12, q12, m1, mj);
                KF_UPDATE(f22, q22, m2, mj);
#undef KF_UPDATE
                calm = (have_prev && change <= 1e-15 * gain) ? calm + 1 : 0;
                steady = calm >= 2;
                have_prev = 1;
            }
        } else {
            a0 = n0; a1 = n1; a2 = n2;
            f00 = q00; f01 = q01; f02 = q02; f11 = q11; f12 = q12; f22 = q22;
            if (resid) resid[l] = NAN;
            steady = calm = have_prev = 0;
        }
    }
    k->a[0] = a0; k->a[1] = a1; k->a[2] = a2;
    double *P = k->P, *Q = k->Pnew;
    P[0] = f00; P[1] = P[3] = f01; P[2] = P[6] = f02;
    P[4] = f11; P[5] = P[7] = f12; P[8] = f22;
    Q[0] = q00; Q[1] = Q[3] = q01; Q[2] = Q[6] = q02;
    Q[4] = q11; Q[5] = Q[7] = q12; Q[8] = q22;
    *ssq_out = ssq;
    *sumlog_out = logdet_total(&logdet);
    *nu_out = nu;
}

/* Runs the filter over x[0..n-1] from the state set by kalman_init (the
 * first step uses that initial covariance, as stats::arima does).  Leaves
 * the filtered state of the last step in a and P.  Observations whose
 * prediction variance is >= 1e4 (the diffuse start) are left out of the
 * sums, as in stats::arima.
 *
 * Without missing values the covariance converges (the Riccati recursion of
 * a time-invariant model); once two consecutive updates changed no entry of
 * the filtered covariance by more than 1e-15 times the prediction variance
 * (the gain), it is held fixed and only the state is updated, with the
 * same gain.  The entries would keep moving by less than that,
 * geometrically decreasing.  The test is absolute on the gain's scale:
 * the filtered covariance itself may tend to zero (where only rounding
 * noise moves it), and near a unit root or with the diffuse states some
 * entries are far larger than the gain, whose rounding noise alone keeps
 * them from passing it (the filter then runs its full recursion to the
 * end).  It is that strict because on the flat likelihood surfaces near a
 * unit root even 1e-13 of the gain changed where stats::arima's search
 * stops.  A missing observation lets the covariance grow again and resumes
 * the full recursion. */
static void kalman_filter(kalman_ws *k, const double *x, R_xlen_t n,
                          double *ssq_out, double *sumlog_out,
                          R_xlen_t *nu_out, double *resid)
{
    int r = k->r, nd = k->nd, rd = k->rd, p = k->p;
    const double *phi = k->phi, *delta = k->delta;
    const int *dnz = k->dnz, n_dnz = k->n_dnz;
    double *a = k->a, *anew = k->anew, *P = k->P, *Pnew = k->Pnew, *M = k->M;
    size_t ld = (size_t) rd;
    if (r == 2 && nd == 1 && delta[0] == 1.0) {
        kalman_filter_r2d1(k, x, n, ssq_out, sumlog_out, nu_out, resid);
        return;
    }
    kalman_index_coef(k);
    double ssq = 0.0, gain = 1.0, root_gain = 1.0;
    logdet_acc logdet = {0.0, 1.0};
    R_xlen_t nu = 0;
    int steady = 0, calm = 0, have_prev = 0;
    for (R_xlen_t l = 0; l < n; l++) {
        for (int i = 0; i < r; i++) {
            double v = (i < r - 1) ? a[i + 1] : 0.0;
            if (i < p) v += phi[i] * a[0];
            anew[i] = v;
        }
        if (nd > 0) {
            double v = a[0];
            for (int t = 0; t < n_dnz; t++) v += delta[dnz[t]] * a[r + dnz[t]];
            for (int i = rd - 1; i > r; i--) anew[i] = a[i - 1];
            anew[r] = v;
        }
        if (l > 0 && !steady)
            kalman_predict_cov(k);
        double obs = x[l];
        if (!isnan(obs)) {
            double res = obs - anew[0];
            for (int t = 0; t < n_dnz; t++)
                res -= delta[dnz[t]] * anew[r + dnz[t]];
            if (!steady) {
                for (int i = 0; i < rd; i++) {
                    double v = Pnew[i];
                    for (int t = 0; t < n_dnz; t++)
                        v += Pnew[i + ld * (r + dnz[t])] * delta[dnz[t]];
                    M[i] = v;
                }
                gain = M[0];
                for (int t = 0; t < n_dnz; t++)
                    gain += delta[dnz[t]] * M[r + dnz[t]];
                if (resid) root_gain = sqrt(gain);
            }
            if (gain < GAIN_LIMIT) {
                nu++;
                ssq += res * res / gain;
                logdet_add(&logdet, gain);
            }
            if (resid) resid[l] = res / root_gain;
            double scaled = res / gain;
            for (int i = 0; i < rd; i++)
                a[i] = anew[i] + M[i] * scaled;
            if (!steady) {
                double change = 0.0;
                for (int j = 0; j < rd; j++) {
                    double mj = M[j] / gain;
                    for (int i = 0; i <= j; i++) {
                        double v = Pnew[i + ld * j] - M[i] * mj;
                        /* (P is not yet set before the first update) */
                        double dv = have_prev ? fabs(v - P[i + ld * j]) : 0.0;
                        change = (dv > change || isnan(dv)) ? dv : change;
                        P[i + ld * j] = v;
                        P[j + ld * i] = v;
                    }
                }
                /* NaN never compares as calm */
                calm = (have_prev && change <= 1e-15 * gain) ? calm + 1 : 0;
                steady = calm >= 2;
                have_prev = 1;
            }
        } else {
            for (int i = 0; i < rd; i++) a[i] = anew[i];
            memcpy(P, Pnew, sizeof(double) * ld * ld);
            if (resid) resid[l] = NAN;
            steady = calm = have_prev = 0;
        }
    }
    *ssq_out = ssq;
    *sumlog_out = logdet_total(&logdet);
    *nu_out = nu;
}

/* The exact likelihood of the differenced series w[0..m-1] (no missing
 * values) under the ARMA part alone: the limit kappa -> infinity of the
 * filter above, which stats::arima approximates with kappa = 1e6 (the two
 * differ by O(1/kappa), about 1e-6 in the log-likelihood).  The state is
 * only r long and the covariance recursion uses the shift structure of T:
 *   Pnew[i][j] = P[i+1][j+1] + phi_i P[0][j+1] + phi_j P[i+1][0]
 *                + phi_i phi_j P[0][0] + R_i R_j.
 * Once the covariance stops changing (it converges for an invertible MA
 * part) only the state is updated.  Uses a, anew, M, P, Pnew, mm of the
 * workspace with leading dimension r.  Returns 0; 1 when the AR part is
 * not stationary; 2 when the converged rest was set aside in `defer`; 3
 * (and sets k->large_gain) as soon as a prediction variance reaches
 * FAST_GAIN_LIMIT, where this likelihood no longer tracks stats::arima's
 * closely enough and the caller evaluates the point with the full filter.
 * The prediction variance of a stationary process never grows as the
 * filter sees more data, so in practice this shows at the first step. */
/* The converged part of an r = 2 filter, set aside so that several can run
 * interleaved (arma_tails_run); sums so far in ssq, sumlog, nu. */
typedef struct {
    R_xlen_t next, m;
    double x0, x1, c0, c1, ph0, ph1, inv_gain, log_gain;
    int counted;
    double ssq, sumlog;
    R_xlen_t nu;
} arma_tail;

/* The steps of arma_filter() before its covariance converges, for a
 * two-dimensional ARMA state (ARMA(1,1), MA(1), AR(2), ARMA(2,1): the
 * commonest orders).  The same operations in the same order as the general
 * loop, so the same values bit for bit, with the state and the covariance
 * in scalars: the general loop's short vector loops and array round trips
 * cost more than the arithmetic at this size.  With r = 2 only the (0,0)
 * entry of the predicted covariance moves after the first step,
 *   g' = 1 + (theta^2 - theta (theta / g)),
 * while the (0,1) and (1,1) entries stay at theta and theta^2.  The
 * division makes each step a long dependency chain, so the batch objective
 * runs four of these filters interleaved (r2_step on four lanes). */
typedef struct {
    int p, q, steady, track;
    double ph0, ph1, th;
    double p00, p01, p11;   /* predicted covariance, upper triangle */
    double m0, m1, a0, a1;  /* previous first row; filtered state */
    double gain, inv_gain, ssq;
    logdet_acc logdet;
    R_xlen_t nu;
} r2_lane;

/* The lane's start from the stationary covariance left in k->Pnew by
 * stationary_cov(k, 2) and the coefficients in k. */
static void r2_lane_init(r2_lane *s, const kalman_ws *k)
{
    s->p = k->p;
    s->q = k->q;
    s->ph0 = k->p > 0 ? k->phi[0] : 0.0;
    s->ph1 = k->p > 1 ? k->phi[1] : 0.0;
    s->th = k->q > 0 ? k->theta[0] : 0.0;
    s->p00 = k->Pnew[0];
    s->p01 = k->Pnew[2];
    s->p11 = k->Pnew[3];
    s->m0 = s->m1 = s->a0 = s->a1 = 0.0;
    s->gain = s->inv_gain = 1.0;
    s->ssq = 0.0;
    s->logdet.sum = 0.0;
    s->logdet.prod = 1.0;
    s->nu = 0;
    s->steady = s->track = 0;
}

/* Step l with observation wl.  Returns 0, 1 when the covariance became
 * steady at this step, -1 at a large prediction variance. */
/* The innovation, the sums and the filtered state of a step whose gain
 * is known. */
ALWAYS_INLINE int r2_update(r2_lane *s, double wl, double n0, double n1,
                            double gain)
{
    double res = wl - n0;
    double scaled = res * s->inv_gain;
    if (gain < GAIN_LIMIT) {
        s->nu++;
        s->ssq += res * scaled;
        logdet_add(&s->logdet, gain);
    }
    s->a0 = n0 + s->m0 * scaled;
    s->a1 = n1 + s->m1 * scaled;
    return s->steady;
}

ALWAYS_INLINE int r2_step(r2_lane *s, double wl, R_xlen_t l)
{
    const int p = s->p;
    double n0 = p > 0 ? s->a1 + s->ph0 * s->a0 : s->a1;
    double n1 = p > 1 ? 0.0 + s->ph1 * s->a0 : 0.0;
    if (l > 2) {
        /* From here on (with finite values: a non-finite gain has stopped
         * the filter) the (0,1) and (1,1) entries are recomputed to the
         * same values, so the general tests below reduce to the change of
         * the (0,0) entry, the gain. */
        double mj = s->m1 * s->inv_gain;
        double gain = 1.0 * 1.0 + (s->p11 - s->m1 * mj);
        double change = fabs(gain - s->p00), size = fabs(gain);
        s->p00 = s->m0 = s->gain = gain;
        s->inv_gain = 1.0 / gain;
        if (!(gain < FAST_GAIN_LIMIT))
            return -1;
        if (s->track && change <= 1e-13 * size)
            s->steady = 1;
        double row_size = size > fabs(s->p01) ? size : fabs(s->p01);
        s->track = change <= 1e-13 * row_size;
        return r2_update(s, wl, n0, n1, gain);
    }
    double change = 0.0, size = 0.0;
    if (l > 0) {
        double th = s->th, mj = s->m1 * s->inv_gain;
        double v00 = 1.0 * 1.0 + (s->p11 - s->m1 * mj);
        double v01 = th * 1.0, v11 = th * th;
        if (!s->track) {
            change = INFINITY;
        } else {
            double dv = fabs(v00 - s->p00);
            change = dv > change ? dv : change;
            size = fabs(v00) > size ? fabs(v00) : size;
            dv = fabs(v01 - s->p01);
            change = dv > change ? dv : change;
            dv = fabs(v11 - s->p11);
            change = dv > change ? dv : change;
        }
        s->p00 = v00; s->p01 = v01; s->p11 = v11;
    }
    double gain = s->p00;
    s->gain = gain;
    s->inv_gain = 1.0 / gain;
    if (!(gain < FAST_GAIN_LIMIT))
        return -1;
    double row_change = 0.0, row_size = 0.0;
    double dv = l > 0 ? fabs(gain - s->m0) : 0.0;
    row_change = (dv > row_change || isnan(dv)) ? dv : row_change;
    row_size = fabs(gain) > row_size ? fabs(gain) : row_size;
    s->m0 = gain;
    dv = l > 0 ? fabs(s->p01 - s->m1) : 0.0;
    row_change = (dv > row_change || isnan(dv)) ? dv : row_change;
    row_size = fabs(s->p01) > row_size ? fabs(s->p01) : row_size;
    s->m1 = s->p01;
    if (l > 2 && s->track && change <= 1e-13 * size)
        s->steady = 1;
    s->track = l > 0 && row_change <= 1e-13 * row_size;
    return r2_update(s, wl, n0, n1, gain);
}

/* The converged rest of a lane that became steady at step l, set aside
 * exactly as arma_filter() sets it aside. */
static void r2_lane_defer(const r2_lane *s, R_xlen_t l, R_xlen_t m,
                          arma_tail *t)
{
    t->next = l + 1;
    t->m = m;
    t->x0 = s->a1 + (s->p > 0 ? s->ph0 * s->a0 : 0.0);
    t->x1 = 0.0 + (s->p > 1 ? s->ph1 * s->a0 : 0.0);
    t->c0 = s->m1 * s->inv_gain;
    t->c1 = 0.0;
    t->ph0 = s->ph0;
    t->ph1 = s->ph1;
    t->inv_gain = s->inv_gain;
    t->log_gain = log(s->gain);
    t->counted = s->gain < GAIN_LIMIT;
    t->ssq = s->ssq;
    t->sumlog = logdet_total(&s->logdet);
    t->nu = s->nu;
}

/* Runs the transient of arma_filter() for r = 2 from the stationary
 * covariance in k->Pnew.  Returns the step at which the covariance became
 * steady (the state after it in k->a, the first row of the covariance in
 * k->M), m when it never did, or -1 at a large prediction variance
 * (k->large_gain set). */
static R_xlen_t arma_transient_r2(kalman_ws *k, const double *w, R_xlen_t m,
                                  double *ssq_io, logdet_acc *logdet,
                                  R_xlen_t *nu_io, double *gain_out,
                                  double *inv_gain_out)
{
    r2_lane s;
    r2_lane_init(&s, k);
    R_xlen_t l;
    for (l = 0; l < m; l++) {
        int rc = r2_step(&s, w[l], l);
        if (rc < 0) {
            k->large_gain = 1;
            return -1;
        }
        if (rc)
            break;
    }
    k->a[0] = s.a0; k->a[1] = s.a1;
    k->M[0] = s.m0; k->M[1] = s.m1;
    *ssq_io = s.ssq;
    *logdet = s.logdet;
    *nu_io = s.nu;
    *gain_out = s.gain;
    *inv_gain_out = s.inv_gain;
    return l;
}

static int arma_filter(kalman_ws *k, const double *w, R_xlen_t m,
                       double *ssq_out, double *sumlog_out, R_xlen_t *nu_out,
                       arma_tail *defer)
{
    if (defer) defer->next = -1;
    int p = k->p, q = k->q, r = k->r;
    const double *phi = k->phi, *theta = k->theta;
    double *a = k->a, *anew = k->anew, *Pnew = k->Pnew, *M = k->M;
    double *Rv = k->mm;            /* R = (1, theta_1, ..., theta_{r-1}) */
    size_t ld = (size_t) r;
    /* only the upper triangle of Pnew (the predicted covariance) is kept */
    if (stationary_cov(k, r))
        return 1;
    for (int i = 0; i < r; i++) {
        a[i] = 0.0;
        M[i] = 0.0;  /* compared with the first row at l = 0 (unused there) */
        Rv[i] = (i == 0) ? 1.0 : ((i - 1 < q) ? theta[i - 1] : 0.0);
    }
    double ssq = 0.0, sumlog = 0.0;
    logdet_acc logdet = {0.0, 1.0};
    R_xlen_t nu = 0;
    int steady = 0, track = 0;
    double gain = 1.0, inv_gain = 1.0;
    /* From r = 3 on, the covariance follows Chandrasekhar recursions: from
     * the stationary start each step changes it by a rank-one matrix,
     *   Pnew_{l+1} - Pnew_l = W_l D_l W_l',  W_0 = T m_0,  D_0 = -1 / g_0,
     * where m_l is its first column and g_l = m_l[0] the prediction
     * variance; then m_{l+1} = m_l + W_l D_l w0, and with
     * V = W_l - m_l w0 / g_l, W_{l+1} = V shifted up by one,
     * D_{l+1} = D_l g_l / g_{l+1} (w0 = W_l[0]).  O(r) per step instead of
     * O(r^2), which matters for seasonal orders whose covariance converges
     * slowly. */
    int chandra = r >= 3;
    double *W = Pnew + r, Dc = 0.0;  /* Pnew past its first column is free */
    R_xlen_t l = 0;
    if (r == 2) {
        l = arma_transient_r2(k, w, m, &ssq, &logdet, &nu, &gain, &inv_gain);
        if (l < 0)
            return 3;
        steady = l < m;
    }
    for (; l < m && !steady; l++) {
        double a0 = a[0];
        for (int i = 0; i < r - 1; i++) anew[i] = a[i + 1];
        anew[r - 1] = 0.0;
        for (int i = 0; i < p; i++) anew[i] += phi[i] * a0;
        if (!steady && chandra) {
            if (l == 0) {
                for (int i = 0; i < r; i++) M[i] = Pnew[i];
                for (int i = 0; i < r; i++)
                    W[i] = (i < r - 1 ? M[i + 1] : 0.0) + (i < p ? phi[i] * M[0] : 0.0);
                Dc = -1.0 / M[0];
            } else {
                double w0 = W[0], ratio = w0 / gain, dw0 = Dc * w0, wmax = 0.0;
                for (int i = 0; i < r; i++) {
                    double mi = M[i], wi = W[i];
                    M[i] = mi + wi * dw0;
                    W[i] = wi - mi * ratio;
                }
                Dc *= gain / M[0];
                for (int i = 0; i < r - 1; i++) {
                    W[i] = W[i + 1];
                    wmax = fabs(W[i]) > wmax ? fabs(W[i]) : wmax;
                }
                W[r - 1] = 0.0;
                /* converged: the next change, Dc W W', is negligible (NaN
                 * never compares as converged) */
                if (l > r && fabs(Dc) * wmax * wmax <= 1e-13 * M[0])
                    steady = 1;
            }
            gain = M[0];
            inv_gain = 1.0 / gain;
            if (!(gain < FAST_GAIN_LIMIT)) {
                k->large_gain = 1;
                return 3;
            }
        } else if (!steady) {
            /* largest change of any covariance entry, and largest entry;
             * tracked only once the first row has settled, which it must
             * before the rest can */
            double change = 0.0, size = 0.0;
            if (l > 0 && !track) {
                for (int j = 0; j < r - 1; j++) {
                    double *Pj = Pnew + ld * j;
                    const double *Pj1 = Pnew + ld * (j + 1) + 1;
                    double rj = Rv[j], mj = M[j + 1] * inv_gain;
                    const double *M1 = M + 1;
                    /* element-wise, so vectorising cannot change results */
#pragma omp simd
                    for (int i = 0; i <= j; i++)
                        Pj[i] = rj * Rv[i] + (Pj1[i] - M1[i] * mj);
                }
                double *Pj = Pnew + ld * (r - 1);
                double rj = Rv[r - 1];
                for (int i = 0; i < r; i++)
                    Pj[i] = rj * Rv[i];
                change = INFINITY;
            } else if (l > 0) {
                /* The filtered covariance has a zero first row and column
                 * (the observation is exact), so T P T' is P shifted up and
                 * left whatever phi is; fold in the update P = Pnew - M M'/g
                 * and work in place, column by column. */
                for (int j = 0; j < r - 1; j++) {
                    double *Pj = Pnew + ld * j;
                    const double *Pj1 = Pnew + ld * (j + 1) + 1;
                    double rj = Rv[j], mj = M[j + 1] * inv_gain;
                    const double *M1 = M + 1;
#pragma omp simd reduction(max:change, size)
                    for (int i = 0; i <= j; i++) {
                        double v = rj * Rv[i] + (Pj1[i] - M1[i] * mj);
                        double dv = fabs(v - Pj[i]);
                        change = dv > change ? dv : change;
                        size = fabs(v) > size ? fabs(v) : size;
                        Pj[i] = v;
                    }
                }
                double *Pj = Pnew + ld * (r - 1);
                double rj = Rv[r - 1];
                for (int i = 0; i < r; i++) {
                    double v = rj * Rv[i];
                    double dv = fabs(v - Pj[i]);
                    change = dv > change ? dv : change;
                    Pj[i] = v;
                }
            }
            gain = Pnew[0];
            inv_gain = 1.0 / gain;
            if (!(gain < FAST_GAIN_LIMIT)) {
                k->large_gain = 1;
                return 3;
            }
            double row_change = 0.0, row_size = 0.0;
            for (int i = 0; i < r; i++) {
                double v = Pnew[ld * i];
                /* M holds the previous gain row only from l = 1 on (at
                 * l = 0 it is unset, and track ignores row_change) */
                double dv = l > 0 ? fabs(v - M[i]) : 0.0;
                row_change = (dv > row_change || isnan(dv)) ? dv : row_change;
                row_size = fabs(v) > row_size ? fabs(v) : row_size;
                M[i] = v;
            }
            /* converged: every entry of the covariance stopped moving (NaN
             * never compares as converged) */
            if (l > r && track && change <= 1e-13 * size)
                steady = 1;
            track = l > 0 && row_change <= 1e-13 * row_size;
        }
        double res = w[l] - anew[0];
        double scaled = res * inv_gain;
        if (gain < GAIN_LIMIT) {
            nu++;
            ssq += res * scaled;
            logdet_add(&logdet, gain);
        }
        for (int i = 0; i < r; i++)
            a[i] = anew[i] + M[i] * scaled;
        if (steady)
            break;
    }
    if (steady) {
        /* The rest needs only the one-step predictions.  With a constant
         * gain the predicted state x = T a follows
         *   x'[i] = x[i+1] + phi_i w_t + c_i e_t,  c_i = M[i+1] / gain,
         * e_t = w_t - x[0] (the filtered covariance has a zero first
         * row, so M[0] = gain and the phi_i e_t terms cancel).  Only
         * x[0] -> e -> x'[0] is a dependency chain, which makes this
         * form twice as fast as updating the filtered state. */
        R_xlen_t rest = m - (l + 1);
        int counted = gain < GAIN_LIMIT;
        double log_gain = log(gain);
        sumlog = logdet_total(&logdet);
        double ssq_rest = 0.0;
        double *x = anew, *cgain = Rv + r;  /* Rv is no longer needed */
        double a0 = a[0];
        for (int i = 0; i < r; i++) {
            x[i] = (i < r - 1 ? a[i + 1] : 0.0) + (i < p ? phi[i] * a0 : 0.0);
            cgain[i] = (i < r - 1) ? M[i + 1] * inv_gain : 0.0;
        }
        if (r == 1) {
            double ph = p > 0 ? phi[0] : 0.0, x0 = x[0];
            for (l = l + 1; l < m; l++) {
                double wl = w[l], e = wl - x0;
                ssq_rest += e * (e * inv_gain);
                x0 = ph * wl;
            }
        } else if (r == 2 && defer != NULL) {
            defer->next = l + 1;
            defer->m = m;
            defer->x0 = x[0];
            defer->x1 = x[1];
            defer->c0 = cgain[0];
            defer->c1 = cgain[1];
            defer->ph0 = p > 0 ? phi[0] : 0.0;
            defer->ph1 = p > 1 ? phi[1] : 0.0;
            defer->inv_gain = inv_gain;
            defer->log_gain = log_gain;
            defer->counted = counted;
            defer->ssq = ssq;
            defer->sumlog = sumlog;
            defer->nu = nu;
            return 2;
        } else if (r == 2) {
            double ph0 = p > 0 ? phi[0] : 0.0, ph1 = p > 1 ? phi[1] : 0.0;
            double c0 = cgain[0], c1 = cgain[1], x0 = x[0], x1 = x[1];
            for (l = l + 1; l < m; l++) {
                double wl = w[l], e = wl - x0;
                ssq_rest += e * (e * inv_gain);
                x0 = (x1 + ph0 * wl) + c0 * e;
                x1 = ph1 * wl + c1 * e;
            }
        } else {
            double x0 = x[0];
            for (l = l + 1; l < m; l++) {
                double wl = w[l], e = wl - x0;
                ssq_rest += e * (e * inv_gain);
                x0 = (x[1] + (p > 0 ? phi[0] * wl : 0.0)) + cgain[0] * e;
                for (int i = 1; i < r - 1; i++)
                    x[i] = (x[i + 1] + (i < p ? phi[i] * wl : 0.0)) + cgain[i] * e;
                x[r - 1] = (r - 1 < p ? phi[r - 1] * wl : 0.0) + cgain[r - 1] * e;
            }
        }
        if (counted) {
            ssq += ssq_rest;
            nu += rest;
            sumlog += log_gain * (double) rest;
        }
    }
    *ssq_out = ssq;
    *sumlog_out = steady ? sumlog : logdet_total(&logdet);
    *nu_out = nu;
    return 0;
}

/* Finishes one set-aside tail exactly as arma_filter() would have. */
static void arma_tail_finish(arma_tail *t, double ssq_rest, double *ssq_out,
                             double *sumlog_out, R_xlen_t *nu_out)
{
    R_xlen_t rest = t->m - t->next;
    double ssq = t->ssq, sumlog = t->sumlog;
    R_xlen_t nu = t->nu;
    if (t->counted) {
        ssq += ssq_rest;
        nu += rest;
        sumlog += t->log_gain * (double) rest;
    }
    *ssq_out = ssq;
    *sumlog_out = sumlog;
    *nu_out = nu;
}

/* Runs up to four set-aside r = 2 tails over the same series w: each one
 * alone until they all reached the same step, then interleaved (each lane
 * performs the operations of arma_filter's r = 2 loop, in its order). */
static void arma_tails_run(arma_tail *tails, int k, const double *w,
                           double *ssq_rest)
{
    R_xlen_t start = 0;
    double x0[4] = {0}, x1[4] = {0}, s[4] = {0};
    for (int i = 0; i < k; i++)
        if (tails[i].next > start) start = tails[i].next;
    for (int i = 0; i < k; i++) {
        arma_tail *t = tails + i;
        double a = t->x0, b = t->x1, acc = 0.0;
        for (R_xlen_t l = t->next; l < start && l < t->m; l++) {
            double wl = w[l], e = wl - a;
            acc += e * (e * t->inv_gain);
            a = (b + t->ph0 * wl) + t->c0 * e;
            b = t->ph1 * wl + t->c1 * e;
        }
        x0[i] = a; x1[i] = b; s[i] = acc;
    }
    R_xlen_t m = k > 0 ? tails[0].m : 0;
    arma_tail pad = {0};
    const arma_tail *t0 = tails, *t1 = k > 1 ? tails + 1 : &pad,
                    *t2 = k > 2 ? tails + 2 : &pad, *t3 = k > 3 ? tails + 3 : &pad;
    double a0 = x0[0], a1 = x0[1], a2 = x0[2], a3 = x0[3];
    double b0 = x1[0], b1 = x1[1], b2 = x1[2], b3 = x1[3];
    double s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
#define TAIL_LANE(T, A, B, S) do {                      \
        double e = wl - A;                              \
        S += e * (e * T->inv_gain);                     \
        A = (B + T->ph0 * wl) + T->c0 * e;              \
        B = T->ph1 * wl + T->c1 * e;                    \
    } while (0)
    for (R_xlen_t l = start; l < m; l++) {
        double wl = w[l];
        TAIL_LANE(t0, a0, b0, s0);
        TAIL_LANE(t1, a1, b1, s1);
        TAIL_LANE(t2, a2, b2, s2);
        TAIL_LANE(t3, a3, b3, s3);
    }
#undef TAIL_LANE
    double out[4] = {s0, s1, s2, s3};
    for (int i = 0; i < k; i++) ssq_rest[i] = out[i];
}

/* ------------------------------------------------------------------ */
/* Conditional sum of squares                                          */

/* stats::arima's CSS: difference, then the ARMA recursion from n_cond on
 * (residuals before n_cond are 0).  w and resid have n entries.  Returns
 * ssq / (number of finite residuals). */
static double css_recursion(const double *w, R_xlen_t n, const arma_dims *ad,
                            const double *phi, const double *theta,
                            int n_cond, double *resid);

static double css_value(const double *x, R_xlen_t n, const arma_dims *ad,
                        int d, int D, const double *phi,
                        const double *theta, int n_cond, double *w,
                        double *resid)
{
    int ns = ad->ns;
    memcpy(w, x, sizeof(double) * (size_t) n);
    for (int i = 0; i < d; i++)
        for (R_xlen_t l = n - 1; l > 0; l--) w[l] -= w[l - 1];
    for (int i = 0; i < D; i++)
        for (R_xlen_t l = n - 1; l >= ns; l--) w[l] -= w[l - ns];
    return css_recursion(w, n, ad, phi, theta, n_cond, resid);
}

/* Runs BODY(P, Q) for the short orders p, q <= 2 in scope, with P and Q
 * constants in each expansion, so that the compiler drops the absent terms
 * of the CSS recursions (CSS_SHORT in css_recursion(), CSS_LANES in
 * css_recursion_short_batch()). */
#define CSS_BY_ORDER(BODY)                                              \
    switch (3 * p + q) {                                                \
    case 0: BODY(0, 0); break;                                          \
    case 1: BODY(0, 1); break;                                          \
    case 2: BODY(0, 2); break;                                          \
    case 3: BODY(1, 0); break;                                          \
    case 4: BODY(1, 1); break;                                          \
    case 5: BODY(1, 2); break;                                          \
    case 6: BODY(2, 0); break;                                          \
    case 7: BODY(2, 1); break;                                          \
    default: BODY(2, 2); break;                                         \
    }

/* The ARMA recursion of the CSS objective on the differenced series w. */
static double css_recursion(const double *w, R_xlen_t n, const arma_dims *ad,
                            const double *phi, const double *theta,
                            int n_cond, double *resid)
{
    int p = ad->p, q = ad->q;
    for (R_xlen_t l = 0; l < n_cond && l < n; l++) resid[l] = 0.0;
    double ssq = 0.0;
    R_xlen_t nu = 0;
    R_xlen_t warm = n_cond + q < n ? n_cond + q : n;
    for (R_xlen_t l = n_cond; l < warm; l++) {
        double v = w[l];
        for (int j = 0; j < p; j++) v -= phi[j] * w[l - j - 1];
        R_xlen_t lim = l - n_cond;
        for (R_xlen_t j = 0; j < lim; j++) v -= theta[j] * resid[l - j - 1];
        resid[l] = v;
        if (!isnan(v)) {
            nu++;
            ssq += v * v;
        }
    }
    /* after the first q steps every MA term is present; NaN (missing
     * values) is rare, so count it separately instead of testing each term */
    R_xlen_t n_nan = 0;
    double ssq_main = 0.0;
    const double *wl = w + warm;
    double *rl = resid + warm;
    if (p <= 2 && q <= 2) {
        /* the common short orders: the same operations in the same order as
         * the general loop, with the last two residuals kept in registers
         * (a reload from memory would lengthen the recursion's chain) */
        double ph0 = p > 0 ? phi[0] : 0.0, ph1 = p > 1 ? phi[1] : 0.0;
        double th0 = q > 0 ? theta[0] : 0.0, th1 = q > 1 ? theta[1] : 0.0;
        double e1 = q > 0 ? rl[-1] : 0.0, e2 = q > 1 ? rl[-2] : 0.0;
        /* P and Q are constants in each expansion, so that the absent
         * terms and their tests drop out of the loop */
#define CSS_SHORT(P, Q)                                                 \
        for (R_xlen_t l = warm; l < n; l++, wl++, rl++) {               \
            double v = *wl;                                             \
            if ((P) > 0) v -= ph0 * wl[-1];                             \
            if ((P) > 1) v -= ph1 * wl[-2];                             \
            if ((Q) > 0) v -= th0 * e1;                                 \
            if ((Q) > 1) v -= th1 * e2;                                 \
            *rl = v;                                                    \
            e2 = e1;                                                    \
            e1 = v;                                                     \
            if (isnan(v)) n_nan++; else ssq_main += v * v;              \
        }
        CSS_BY_ORDER(CSS_SHORT);
#undef CSS_SHORT
    } else {
        /* Seasonal polynomials are mostly zeros.  Leaving out the zero terms
         * changes nothing while every value is finite (v - 0 * x == v); if
         * a residual is not finite (missing values, overflow) the pass is
         * redone with every term, as stats::arima computes it. */
        int lag_phi[CSS_SPARSE_MAX], lag_theta[CSS_SPARSE_MAX];
        double val_phi[CSS_SPARSE_MAX], val_theta[CSS_SPARSE_MAX];
        int n_phi = 0, n_theta = 0, sparse = 1;
        for (int j = 0; j < p && sparse; j++)
            if (phi[j] != 0.0) {
                if (n_phi == CSS_SPARSE_MAX) sparse = 0;
                else { lag_phi[n_phi] = j + 1; val_phi[n_phi++] = phi[j]; }
            }
        for (int j = 0; j < q && sparse; j++)
            if (theta[j] != 0.0) {
                if (n_theta == CSS_SPARSE_MAX) sparse = 0;
                else { lag_theta[n_theta] = j + 1; val_theta[n_theta++] = theta[j]; }
            }
        if (sparse) {
            for (R_xlen_t l = warm; l < n; l++, wl++, rl++) {
                double v = *wl;
                for (int t = 0; t < n_phi; t++) v -= val_phi[t] * wl[-lag_phi[t]];
                for (int t = 0; t < n_theta; t++) v -= val_theta[t] * rl[-lag_theta[t]];
                *rl = v;
                ssq_main += v * v;
            }
            if (!isfinite(ssq_main)) {
                sparse = 0;
                ssq_main = 0.0;
                wl = w + warm;
                rl = resid + warm;
            }
        }
        if (!sparse) {
            for (R_xlen_t l = warm; l < n; l++, wl++, rl++) {
                double v = *wl;
                for (int j = 0; j < p; j++) v -= phi[j] * wl[-j - 1];
                for (int j = 0; j < q; j++) v -= theta[j] * rl[-j - 1];
                *rl = v;
                if (isnan(v)) {
                    n_nan++;
                } else {
                    ssq_main += v * v;
                }
            }
        }
    }
    ssq += ssq_main;
    nu += (n - warm) - n_nan;
    return ssq / (double) nu;
}

/* ------------------------------------------------------------------ */
/* Small dense linear algebra                                          */

/* Inverse of the n x n matrix A (column-major) into Ainv by Gauss-Jordan
 * with partial pivoting; work holds 2 n^2.  Returns 0, or 1 if singular. */
static int mat_inverse(int n, const double *A, double *Ainv, double *work)
{
    size_t nn = (size_t) n, w2 = 2 * nn;
    double *aug = work;  /* n x 2n, row-major */
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nn; j++) {
            aug[i * w2 + j] = A[i + nn * j];
            aug[i * w2 + nn + j] = (i == j) ? 1.0 : 0.0;
        }
    double scale = 0.0;
    for (size_t i = 0; i < nn * nn; i++)
        if (fabs(A[i]) > scale) scale = fabs(A[i]);
    for (size_t c = 0; c < nn; c++) {
        size_t piv = c;
        for (size_t i = c + 1; i < nn; i++)
            if (fabs(aug[i * w2 + c]) > fabs(aug[piv * w2 + c])) piv = i;
        if (!(fabs(aug[piv * w2 + c]) > scale * 1e-15))
            return 1;
        if (piv != c)
            for (size_t j = 0; j < w2; j++) {
                double t = aug[c * w2 + j];
                aug[c * w2 + j] = aug[piv * w2 + j];
                aug[piv * w2 + j] = t;
            }
        double d = aug[c * w2 + c];
        for (size_t j = 0; j < w2; j++) aug[c * w2 + j] /= d;
        for (size_t i = 0; i < nn; i++) {
            if (i == c) continue;
            double f = aug[i * w2 + c];
            if (f == 0.0) continue;
            for (size_t j = 0; j < w2; j++) aug[i * w2 + j] -= f * aug[c * w2 + j];
        }
    }
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nn; j++)
            Ainv[i + nn * j] = aug[i * w2 + nn + j];
    return 0;
}

/* Eigenvectors of the symmetric k x k matrix S (column-major, destroyed) by
 * cyclic Jacobi rotations; V receives them as columns ordered by decreasing
 * eigenvalue, which for S = X'X are the right singular vectors of X. */
static void sym_eigen(int k, double *S, double *V, double *values)
{
    size_t kk = (size_t) k;
    for (size_t i = 0; i < kk; i++)
        for (size_t j = 0; j < kk; j++) V[i + kk * j] = (i == j);
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0.0, total = 0.0;
        for (size_t i = 0; i < kk; i++)
            for (size_t j = 0; j < kk; j++) {
                total += S[i + kk * j] * S[i + kk * j];
                if (i != j) off += S[i + kk * j] * S[i + kk * j];
            }
        if (off <= 1e-30 * total) break;
        for (size_t pp = 0; pp < kk; pp++)
            for (size_t qq = pp + 1; qq < kk; qq++) {
                double apq = S[pp + kk * qq];
                if (apq == 0.0) continue;
                double app = S[pp + kk * pp], aqq = S[qq + kk * qq];
                double theta = (aqq - app) / (2.0 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) /
                    (fabs(theta) + sqrt(theta * theta + 1.0));
                double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                for (size_t i = 0; i < kk; i++) {
                    double sip = S[i + kk * pp], siq = S[i + kk * qq];
                    S[i + kk * pp] = c * sip - s * siq;
                    S[i + kk * qq] = s * sip + c * siq;
                }
                for (size_t j = 0; j < kk; j++) {
                    double spj = S[pp + kk * j], sqj = S[qq + kk * j];
                    S[pp + kk * j] = c * spj - s * sqj;
                    S[qq + kk * j] = s * spj + c * sqj;
                }
                for (size_t i = 0; i < kk; i++) {
                    double vip = V[i + kk * pp], viq = V[i + kk * qq];
                    V[i + kk * pp] = c * vip - s * viq;
                    V[i + kk * qq] = s * vip + c * viq;
                }
            }
    }
    for (size_t i = 0; i < kk; i++) values[i] = S[i + kk * i];
    /* selection sort, decreasing */
    for (size_t i = 0; i < kk; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < kk; j++)
            if (values[j] > values[best]) best = j;
        if (best != i) {
            double t = values[i]; values[i] = values[best]; values[best] = t;
            for (size_t r = 0; r < kk; r++) {
                t = V[r + kk * i];
                V[r + kk * i] = V[r + kk * best];
                V[r + kk * best] = t;
            }
        }
    }
}

/* Least squares of y on the k columns of X (m rows, ld leading dim, rows
 * with any NaN dropped) by Householder QR.  Fills coef and their standard
 * errors as summary.lm().  work: m * (k + 1) + k * k + 2 k.  Returns 0,
 * 1 (no usable rows), 2 (rank deficient). */
static int least_squares(R_xlen_t m, int k, const double *y, const double *X,
                         R_xlen_t ld, double *coef, double *se, double *work)
{
    R_xlen_t rows = 0;
    size_t kk = (size_t) k;
    double *A = work;  /* rows x (k+1) column-major, last column = y */
    R_xlen_t cap = m;
    for (R_xlen_t i = 0; i < m; i++) {
        int ok = !isnan(y[i]);
        for (int j = 0; j < k && ok; j++)
            if (isnan(X[i + ld * j])) ok = 0;
        if (!ok) continue;
        for (int j = 0; j < k; j++) A[rows + cap * j] = X[i + ld * j];
        A[rows + cap * k] = y[i];
        rows++;
    }
    if (rows < k || rows == 0)
        return 1;
    double *Rinv = A + (size_t) cap * (kk + 1), *colnorm = Rinv + kk * kk;
    double max_colnorm = 0.0;
    for (int j = 0; j < k; j++) {
        double v = 0.0;
        for (R_xlen_t i = 0; i < rows; i++) v += A[i + cap * j] * A[i + cap * j];
        colnorm[j] = sqrt(v);
        if (colnorm[j] > max_colnorm) max_colnorm = colnorm[j];
    }
    for (int j = 0; j < k; j++) {
        double norm = 0.0;
        for (R_xlen_t i = j; i < rows; i++) norm += A[i + cap * j] * A[i + cap * j];
        norm = sqrt(norm);
        if (norm == 0.0 || norm < 1e-7 * colnorm[j] || norm < 1e-10 * max_colnorm)
            return 2;
        double alpha = A[j + cap * j] > 0 ? -norm : norm;
        /* v = x - alpha e1, stored in place */
        A[j + cap * j] -= alpha;
        double vnorm2 = 0.0;
        for (R_xlen_t i = j; i < rows; i++) vnorm2 += A[i + cap * j] * A[i + cap * j];
        for (int c = j + 1; c <= k; c++) {
            double dot = 0.0;
            for (R_xlen_t i = j; i < rows; i++) dot += A[i + cap * j] * A[i + cap * c];
            double f = 2.0 * dot / vnorm2;
            for (R_xlen_t i = j; i < rows; i++) A[i + cap * c] -= f * A[i + cap * j];
        }
        /* keep R's diagonal; the reflector is no longer needed */
        A[j + cap * j] = alpha;
    }
    /* back substitution for coef; R upper triangle is A[0..k-1, 0..k-1] */
    for (int i = k - 1; i >= 0; i--) {
        double v = A[i + cap * k];
        for (int j = i + 1; j < k; j++) v -= A[i + cap * j] * coef[j];
        coef[i] = v / A[i + cap * i];
    }
    double rss = 0.0;
    for (R_xlen_t i = k; i < rows; i++) rss += A[i + cap * k] * A[i + cap * k];
    double s2 = rows > k ? rss / (double) (rows - k) : NAN;
    /* (R'R)^{-1} diagonal = row norms of R^{-1} */
    for (size_t i = 0; i < kk * kk; i++) Rinv[i] = 0.0;
    for (int j = 0; j < k; j++) {
        Rinv[j + kk * j] = 1.0 / A[j + cap * j];
        for (int i = j - 1; i >= 0; i--) {
            double v = 0.0;
            for (int l = i + 1; l <= j; l++) v += A[i + cap * l] * Rinv[l + kk * j];
            Rinv[i + kk * j] = -v / A[i + cap * i];
        }
    }
    for (int i = 0; i < k; i++) {
        double v = 0.0;
        for (int j = i; j < k; j++) v += Rinv[i + kk * j] * Rinv[i + kk * j];
        se[i] = sqrt(v * s2);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The fit                                                             */

typedef struct {
    arma_dims ad;
    int d, D;
    int narma, ncoef, ncxreg;
    R_xlen_t n;
    const double *x;
    const double *xreg;       /* n x ncxreg working regressors */
    double *xadj, *w, *cssres;
    const int *mask;
    const double *coef_fixed; /* ncoef, NaN where free */
    double *par, *params, *trwork;
    int trans, ncond;
    int w_ready;              /* w holds the differenced series (no xreg) */
    int wdiff_ready;          /* wdiff likewise, for the ML filter */
    int fast;                 /* no missing values: filter the differences */
    int nd;                   /* d + s D */
    double *wdiff;            /* n: differenced adjusted series */
    double *css_batch_resid;  /* CSS_BATCH x n scratch */
    kalman_ws k;
} fit_ctx;

/* w = (1 - B)^d (1 - B^s)^D x; the first d + s D entries are not used. */
static void difference_series(const double *x, R_xlen_t n, int d, int D,
                              int s, double *w)
{
    memcpy(w, x, sizeof(double) * (size_t) n);
    for (int i = 0; i < d; i++)
        for (R_xlen_t l = n - 1; l > 0; l--) w[l] -= w[l - 1];
    for (int i = 0; i < D; i++)
        for (R_xlen_t l = n - 1; l >= s; l--) w[l] -= w[l - s];
}

static void fill_par(fit_ctx *c, const double *free_par)
{
    int j = 0;
    for (int i = 0; i < c->ncoef; i++)
        c->par[i] = c->mask[i] ? free_par[j++] : c->coef_fixed[i];
}

/* x - xreg %*% beta for the coefficients currently in c->par. */
static const double *adjusted_series(fit_ctx *c)
{
    if (c->ncxreg == 0)
        return c->x;
    R_xlen_t n = c->n;
    const double *beta = c->par + c->narma;
    for (R_xlen_t l = 0; l < n; l++) {
        double v = c->x[l];
        for (int j = 0; j < c->ncxreg; j++)
            v -= c->xreg[l + n * j] * beta[j];
        c->xadj[l] = v;
    }
    return c->xadj;
}

static double objective_css(int n_free, const double *free_par, void *vctx)
{
    (void) n_free;
    fit_ctx *c = vctx;
    fill_par(c, free_par);
    expand_pars(&c->ad, c->par, 0, c->k.phi, c->k.theta, c->params, c->trwork);
    double s2;
    if (c->ncxreg == 0 && c->w_ready) {
        s2 = css_recursion(c->w, c->n, &c->ad, c->k.phi, c->k.theta, c->ncond,
                           c->cssres);
    } else {
        const double *x = adjusted_series(c);
        s2 = css_value(x, c->n, &c->ad, c->d, c->D, c->k.phi, c->k.theta,
                       c->ncond, c->w, c->cssres);
        c->w_ready = c->ncxreg == 0;
    }
    return 0.5 * log(s2);
}

/* css_recursion() for up to CSS_BATCH parameter sets of a short order
 * (p <= 2, q <= 2) at once.  Each recursion is a chain of dependent
 * multiply-subtracts; four independent chains interleaved take little
 * longer than one.  Every value is computed with exactly the operations of
 * css_recursion(), so out[i] equals its result.  ph, th: k x 2 (zero
 * padded); resid: k x n scratch; out: k values ssq / nu. */
#define CSS_BATCH 4
static void css_recursion_short_batch(const double *w, R_xlen_t n, int p,
                                      int q, int k, const double *ph,
                                      const double *th, int n_cond,
                                      double *resid, double *out)
{
    R_xlen_t warm = n_cond + q < n ? n_cond + q : n;
    double ssq[CSS_BATCH] = {0}, e1[CSS_BATCH] = {0}, e2[CSS_BATCH] = {0};
    double a0[CSS_BATCH] = {0}, a1[CSS_BATCH] = {0}, b0[CSS_BATCH] = {0},
           b1[CSS_BATCH] = {0};
    R_xlen_t nu[CSS_BATCH] = {0};
    for (int i = 0; i < k; i++) {
        /* the first q steps as css_recursion() */
        double *res = resid + (size_t) n * i;
        const double *phi = ph + 2 * i, *theta = th + 2 * i;
        for (R_xlen_t l = 0; l < n_cond && l < n; l++) res[l] = 0.0;
        for (R_xlen_t l = n_cond; l < warm; l++) {
            double v = w[l];
            for (int j = 0; j < p; j++) v -= phi[j] * w[l - j - 1];
            R_xlen_t lim = l - n_cond;
            for (R_xlen_t j = 0; j < lim; j++) v -= theta[j] * res[l - j - 1];
            res[l] = v;
            if (!isnan(v)) {
                nu[i]++;
                ssq[i] += v * v;
            }
        }
        a0[i] = p > 0 ? phi[0] : 0.0;
        a1[i] = p > 1 ? phi[1] : 0.0;
        b0[i] = q > 0 ? theta[0] : 0.0;
        b1[i] = q > 1 ? theta[1] : 0.0;
        e1[i] = q > 0 ? res[warm - 1] : 0.0;
        e2[i] = q > 1 ? res[warm - 2] : 0.0;
    }
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    double e10 = e1[0], e11 = e1[1], e12 = e1[2], e13 = e1[3];
    double e20 = e2[0], e21 = e2[1], e22 = e2[2], e23 = e2[3];
    R_xlen_t z0 = 0, z1 = 0, z2 = 0, z3 = 0;
    /* P and Q are constants in each expansion below, so that the compiler
     * drops the absent terms: with four lanes the loop is bound by its
     * instruction count, not by the recursions' latency */
#define CSS_LANE(P, Q, E1, E2, S, Z, I) do {            \
        double v = wv;                                  \
        if ((P) > 0) v -= a0[I] * wm1;                  \
        if ((P) > 1) v -= a1[I] * wm2;                  \
        if ((Q) > 0) v -= b0[I] * E1;                   \
        if ((Q) > 1) v -= b1[I] * E2;                   \
        E2 = E1;                                        \
        E1 = v;                                         \
        if (isnan(v)) Z++; else S += v * v;             \
    } while (0)
#define CSS_LANES(P, Q)                                                 \
    for (R_xlen_t l = warm; l < n; l++) {                               \
        double wv = w[l], wm1 = (P) > 0 ? w[l - 1] : 0.0,               \
               wm2 = (P) > 1 ? w[l - 2] : 0.0;                          \
        CSS_LANE(P, Q, e10, e20, s0, z0, 0);                            \
        CSS_LANE(P, Q, e11, e21, s1, z1, 1);                            \
        CSS_LANE(P, Q, e12, e22, s2, z2, 2);                            \
        CSS_LANE(P, Q, e13, e23, s3, z3, 3);                            \
    }
    CSS_BY_ORDER(CSS_LANES);
#undef CSS_LANES
#undef CSS_LANE
    double s_main[CSS_BATCH] = {s0, s1, s2, s3};
    R_xlen_t z_main[CSS_BATCH] = {z0, z1, z2, z3};
    for (int i = 0; i < k; i++) {
        double total = ssq[i] + s_main[i];
        R_xlen_t count = nu[i] + ((n - warm) - z_main[i]);
        out[i] = total / (double) count;
    }
}

/* objective_css() at k points; the short orders without regressors go
 * through css_recursion_short_batch(), the rest one point at a time. */
static void objective_css_batch(int n_free, int k, const double *pars,
                                double *values, void *vctx)
{
    fit_ctx *c = vctx;
    int p = c->ad.p, q = c->ad.q;
    if (!(c->ncxreg == 0 && c->w_ready) || p > 2 || q > 2) {
        for (int i = 0; i < k; i++)
            values[i] = objective_css(n_free, pars + (size_t) n_free * i, vctx);
        return;
    }
    for (int i0 = 0; i0 < k; i0 += CSS_BATCH) {
        int kk = k - i0 < CSS_BATCH ? k - i0 : CSS_BATCH;
        double ph[2 * CSS_BATCH] = {0}, th[2 * CSS_BATCH] = {0}, s2[CSS_BATCH];
        for (int i = 0; i < kk; i++) {
            fill_par(c, pars + (size_t) n_free * (i0 + i));
            expand_pars(&c->ad, c->par, 0, c->k.phi, c->k.theta, c->params,
                        c->trwork);
            for (int j = 0; j < p; j++) ph[2 * i + j] = c->k.phi[j];
            for (int j = 0; j < q; j++) th[2 * i + j] = c->k.theta[j];
        }
        css_recursion_short_batch(c->w, c->n, p, q, kk, ph, th, c->ncond,
                                  c->css_batch_resid, s2);
        for (int i = 0; i < kk; i++)
            values[i0 + i] = 0.5 * log(s2[i]);
    }
}

/* The ML objective from the full filter with the diffuse prior kappa, as
 * stats::arima evaluates it, at the coefficients already expanded in c->k. */
static double objective_ml_full(fit_ctx *c, const double *x)
{
    double ssq, sumlog;
    R_xlen_t nu;
    if (kalman_init(&c->k))
        return DBL_MAX;
    kalman_filter(&c->k, x, c->n, &ssq, &sumlog, &nu, NULL);
    double s2 = ssq / (double) nu;
    return 0.5 * (log(s2) + sumlog / (double) nu);
}

static double objective_ml(int n_free, const double *free_par, void *vctx)
{
    (void) n_free;
    fit_ctx *c = vctx;
    fill_par(c, free_par);
    expand_pars(&c->ad, c->par, c->trans, c->k.phi, c->k.theta, c->params,
                c->trwork);
    double ssq, sumlog;
    R_xlen_t nu;
    const double *x = adjusted_series(c);
    if (c->fast) {
        /* without regressors the differenced series never changes */
        if (!(c->ncxreg == 0 && c->wdiff_ready))
            difference_series(x, c->n, c->d, c->D, c->ad.ns, c->wdiff);
        c->wdiff_ready = 1;
        int rc = arma_filter(&c->k, c->wdiff + c->nd, c->n - c->nd, &ssq,
                             &sumlog, &nu, NULL);
        if (rc == 1)
            return DBL_MAX;
        if (rc == 3)
            return objective_ml_full(c, x);
    } else {
        return objective_ml_full(c, x);
    }
    double s2 = ssq / (double) nu;
    return 0.5 * (log(s2) + sumlog / (double) nu);
}

/* objective_ml() at k points.  Without missing values or regressors and
 * with a two-dimensional ARMA state, the converged parts of the filters run
 * interleaved (arma_tails_run); otherwise one point at a time.  The values
 * are exactly objective_ml()'s, except that when one point needs the full
 * filter (a large prediction variance) every point does: the k points are
 * a finite-difference stencil, and the small offset between the two
 * likelihoods must not enter its differences. */
static void objective_ml_batch(int n_free, int k, const double *pars,
                               double *values, void *vctx)
{
    fit_ctx *c = vctx;
    int met_before = c->k.large_gain;
    c->k.large_gain = 0;
    if (!(c->fast && c->ncxreg == 0 && c->wdiff_ready && c->k.r == 2)) {
        for (int i = 0; i < k && !c->k.large_gain; i++)
            values[i] = objective_ml(n_free, pars + (size_t) n_free * i, vctx);
    } else {
        const double *w = c->wdiff + c->nd;
        R_xlen_t m = c->n - c->nd;
        for (int i0 = 0; i0 < k && !c->k.large_gain; i0 += 4) {
            int kk = k - i0 < 4 ? k - i0 : 4;
            r2_lane lanes[4];
            arma_tail tails[4];
            int point_of[4], live[4], tail_of[4], n_lanes = 0, n_tails = 0;
            for (int i = 0; i < kk; i++) {
                fill_par(c, pars + (size_t) n_free * (i0 + i));
                expand_pars(&c->ad, c->par, c->trans, c->k.phi, c->k.theta,
                            c->params, c->trwork);
                if (stationary_cov(&c->k, 2)) {
                    values[i0 + i] = DBL_MAX;
                    continue;
                }
                r2_lane_init(lanes + n_lanes, &c->k);
                live[n_lanes] = 1;
                point_of[n_lanes++] = i0 + i;
            }
            /* the transients side by side, each lane stopping at its own
             * steady step */
            int running = n_lanes;
            for (R_xlen_t l = 0; l < m && running > 0; l++) {
                for (int j = 0; j < n_lanes; j++) {
                    if (!live[j])
                        continue;
                    int rc = r2_step(lanes + j, w[l], l);
                    if (rc < 0) {
                        c->k.large_gain = 1;
                        running = 0;
                        break;
                    }
                    if (rc) {
                        live[j] = 0;
                        running--;
                        r2_lane_defer(lanes + j, l, m, tails + n_tails);
                        tail_of[n_tails++] = point_of[j];
                    }
                }
            }
            if (c->k.large_gain)
                break;
            for (int j = 0; j < n_lanes; j++) {
                if (!live[j])
                    continue;
                const r2_lane *s = lanes + j;
                double s2 = s->ssq / (double) s->nu;
                values[point_of[j]] = 0.5 * (log(s2) + logdet_total(&s->logdet) /
                                                (double) s->nu);
            }
            double ssq_rest[4];
            arma_tails_run(tails, n_tails, w, ssq_rest);
            for (int j = 0; j < n_tails; j++) {
                double ssq, sumlog;
                R_xlen_t nu;
                arma_tail_finish(tails + j, ssq_rest[j], &ssq, &sumlog, &nu);
                double s2 = ssq / (double) nu;
                values[tail_of[j]] = 0.5 * (log(s2) + sumlog / (double) nu);
            }
        }
    }
    if (c->k.large_gain) {
        for (int i = 0; i < k; i++) {
            fill_par(c, pars + (size_t) n_free * i);
            expand_pars(&c->ad, c->par, c->trans, c->k.phi, c->k.theta,
                        c->params, c->trwork);
            values[i] = objective_ml_full(c, adjusted_series(c));
        }
    }
    c->k.large_gain |= met_before;
}

/* The filter at the final coefficients (untransformed), keeping the state
 * for forecasting.  If the AR part is not stationary (possible only with
 * fixed AR coefficients or CSS), the ARMA block starts from the identity. */
static void final_filter(fit_ctx *c, const double *coef, double *ssq,
                         double *sumlog, R_xlen_t *nu, double *resid)
{
    for (int i = 0; i < c->ncoef; i++) c->par[i] = coef[i];
    expand_pars(&c->ad, c->par, 0, c->k.phi, c->k.theta, c->params, c->trwork);
    if (kalman_init(&c->k)) {
        size_t rd = (size_t) c->k.rd;
        for (size_t i = 0; i < rd * rd; i++) c->k.Pnew[i] = 0.0;
        for (int i = 0; i < c->k.r; i++) c->k.Pnew[i + rd * i] = 1.0;
        for (int i = c->k.r; i < c->k.rd; i++) c->k.Pnew[i + rd * i] = c->k.kappa;
    }
    const double *x = adjusted_series(c);
    kalman_filter(&c->k, x, c->n, ssq, sumlog, nu, resid);
}

/* d new / d raw of the PACF transform, by forward differences with step
 * 1e-3 as stats::arima's ARIMA_Gradtrans.  A is ncoef x ncoef, column-
 * major, A[i, j] = d coef_j / d raw_i. */
static void gradtrans(const arma_dims *ad, int ncoef, const double *raw,
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
static int near_unit_root(const arma_dims *ad, const double *par, int trans,
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

static void info_criteria(lagrs_arima_result *out, const double *y,
                          R_xlen_t n, int n_diff, const double *xreg,
                          int ncxreg)
{
    /* forecast::Arima counts the non-missing residuals between the first
     * and the last non-missing one; the residuals are missing exactly where
     * y or a regressor is. */
    R_xlen_t count = 0;
    for (R_xlen_t l = 0; l < n; l++) {
        int ok = !isnan(y[l]);
        for (int j = 0; j < ncxreg && ok; j++)
            if (isnan(xreg[l + n * j])) ok = 0;
        count += ok;
    }
    double npar = out->n_free + 1.0;
    double nstar = (double) count - n_diff;
    if (isnan(out->aic)) {
        out->aicc = out->bic = NAN;
        return;
    }
    out->aicc = out->aic + 2.0 * npar * (nstar / (nstar - npar - 1.0) - 1.0);
    out->bic = out->aic + npar * (log(nstar) - 2.0);
}

int lagrs_arima_fit_kernel(const double *y, R_xlen_t n, const double *xreg,
                           int n_xreg, const lagrs_arima_spec *spec,
                           lagrs_arima_result *out)
{
    out->status = LAGRS_ARIMA_OK;
    out->message[0] = '\0';
    out->convergence = 0;
    out->sigma2 = out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->n_used = 0;
    out->n_free = 0;
    out->n_cond = 0;

    if (spec->p < 0 || spec->d < 0 || spec->q < 0 || spec->P < 0 ||
        spec->D < 0 || spec->Q < 0 || n_xreg < 0 || n < 1 ||
        (n_xreg > 0 && xreg == NULL)) {
        set_msg(out, LAGRS_ARIMA_ERR_INPUT, "invalid model specification");
        return out->status;
    }
    if (spec->include_drift && spec->d + spec->D > 1) {
        set_msg(out, LAGRS_ARIMA_ERR_INPUT,
                "drift is only allowed when d + D <= 1");
        return out->status;
    }
    int s = season(spec);
    arma_dims ad;
    ad.mp = spec->p; ad.mq = spec->q; ad.msp = spec->P; ad.msq = spec->Q;
    ad.ns = s;
    ad.p = ad.mp + s * ad.msp;
    ad.q = ad.mq + s * ad.msq;
    int narma = ad.mp + ad.mq + ad.msp + ad.msq;
    int intercept = has_intercept(spec), drift = spec->include_drift ? 1 : 0;
    int ncxreg = intercept + drift + n_xreg;
    int ncoef = narma + ncxreg;
    int nd = spec->d + s * spec->D;
    int method = spec->method;
    double kappa = spec->kappa > 0 ? spec->kappa : DEFAULT_KAPPA;
    out->n_coef = ncoef;
    out->state_dim = imax(ad.p, ad.q + 1) + nd;
    if (n > ((R_xlen_t) 1 << 40)) {
        set_msg(out, LAGRS_ARIMA_ERR_INPUT, "series too long");
        return out->status;
    }

    /* ---- workspace ---- */
    size_t nn = (size_t) n, nc = (size_t) ncoef, nx = (size_t) ncxreg;
    size_t kdoubles = kalman_ws_doubles(ad.p, ad.q, nd);
    size_t maxar = (size_t) imax(imax(ad.mp, ad.msp), 1);
    size_t total = kdoubles + nn * nx /* X */ + 4 * nn /* xadj, w, cssres, wdiff */ +
        nn /* dx */ + nn * nx /* dX */ + nn * (nx + 1) + nx * nx + 2 * nx +
        2 * nx /* beta, se */ + 3 * nx * nx /* S, V, values */ +
        6 * nc /* fixed, par, init, pscale_all, coef, tmp */ +
        3 * nc /* free par, free scale, free work */ +
        4 * nc * nc /* hess, var, inverse work */ + nc * nc /* A */ +
        (size_t) narma + 1 + 4 * maxar + 8 + 4 * nn /* css_batch_resid */;
    double *mem = malloc(sizeof(double) * total);
    int *mask = malloc(sizeof(int) * (nc + 1));
    fit_ctx ctx;
    if (mem == NULL || mask == NULL) {
        free(mem); free(mask);
        set_msg(out, LAGRS_ARIMA_ERR_MEMORY, "out of memory");
        return out->status;
    }
    double *cur = mem;
#define TAKE(ptr, count) do { ptr = cur; cur += (count); } while (0)
    double *kmem, *X, *xadj, *w, *cssres, *dx, *dX, *lsq_work, *beta, *se;
    double *S, *V, *svals, *coef_fixed, *par, *init, *pscale_all, *coef;
    double *tmpc, *fpar, *fscale, *hess, *var, *invwork, *A;
    double *params, *trwork, *w1, *w2, *w3;
    TAKE(kmem, kdoubles);
    TAKE(X, nn * nx);
    TAKE(xadj, nn); TAKE(w, nn); TAKE(cssres, nn); TAKE(ctx.wdiff, nn);
    TAKE(dx, nn); TAKE(dX, nn * nx);
    TAKE(lsq_work, nn * (nx + 1) + nx * nx + 2 * nx);
    TAKE(beta, nx); TAKE(se, nx);
    TAKE(S, nx * nx); TAKE(V, nx * nx); TAKE(svals, nx * nx);
    TAKE(coef_fixed, nc); TAKE(par, nc); TAKE(init, nc); TAKE(pscale_all, nc);
    TAKE(coef, nc); TAKE(tmpc, nc);
    TAKE(fpar, nc); TAKE(fscale, nc);
    TAKE(hess, nc * nc); TAKE(var, nc * nc); TAKE(invwork, 2 * nc * nc);
    TAKE(A, nc * nc);
    TAKE(params, (size_t) narma + 1);
    TAKE(trwork, maxar); TAKE(w1, maxar); TAKE(w2, maxar); TAKE(w3, maxar);
    TAKE(ctx.css_batch_resid, 4 * nn);
#undef TAKE

    ctx.ad = ad; ctx.d = spec->d; ctx.D = spec->D;
    ctx.narma = narma; ctx.ncoef = ncoef; ctx.ncxreg = ncxreg; ctx.n = n;
    ctx.x = y; ctx.xreg = X; ctx.xadj = xadj; ctx.w = w; ctx.cssres = cssres;
    ctx.mask = mask; ctx.coef_fixed = coef_fixed; ctx.par = par;
    ctx.params = params; ctx.trwork = trwork;
    kalman_ws_setup(&ctx.k, ad.p, ad.q, nd, kappa, kmem);

    /* differencing polynomial: (1 - B)^d (1 - B^s)^D = 1 - sum delta_j B^j */
    {
        double *poly = ctx.k.mm;  /* scratch, at least nd + 1 long */
        for (int i = 0; i <= nd; i++) poly[i] = 0.0;
        poly[0] = 1.0;
        int deg = 0;
        for (int i = 0; i < spec->d; i++) {
            for (int j = deg + 1; j >= 1; j--) poly[j] -= poly[j - 1];
            deg += 1;
        }
        for (int i = 0; i < spec->D; i++) {
            for (int j = deg + s; j >= s; j--) poly[j] -= poly[j - s];
            deg += s;
        }
        for (int i = 0; i < nd; i++) ctx.k.delta[i] = -poly[i + 1];
        kalman_index_delta(&ctx.k);
    }

    /* regressors: intercept, drift, user columns */
    {
        int col = 0;
        if (intercept) {
            for (R_xlen_t l = 0; l < n; l++) X[l] = 1.0;
            col++;
        }
        if (drift) {
            for (R_xlen_t l = 0; l < n; l++) X[l + n * col] = (double) (l + 1);
            col++;
        }
        for (int j = 0; j < n_xreg; j++, col++)
            memcpy(X + nn * col, xreg + nn * j, sizeof(double) * nn);
    }

    int status = LAGRS_ARIMA_OK;
    char warn[LAGRS_ARIMA_MSG_LEN] = "";
    int any_na = 0;
    R_xlen_t complete = 0;
    for (R_xlen_t l = 0; l < n; l++) {
        int ok = !isnan(y[l]);
        for (int j = 0; j < ncxreg && ok; j++)
            if (isnan(X[l + n * j])) ok = 0;
        if (!ok) any_na = 1;
        complete += ok;
    }
    R_xlen_t n_used = complete - nd;
    ctx.fast = !any_na;
    ctx.w_ready = 0;
    ctx.wdiff_ready = 0;
    ctx.nd = nd;
    if (method == LAGRS_ARIMA_CSS_ML && any_na)
        method = LAGRS_ARIMA_ML;
    int ncond = 0;
    if (method != LAGRS_ARIMA_ML) {
        int cond1 = ad.mp + s * ad.msp;
        ncond = nd + (spec->n_cond >= 0 ? imax(spec->n_cond, cond1) : cond1);
    }
    ctx.ncond = ncond;

    int nfree = 0;
    for (int i = 0; i < ncoef; i++) {
        coef_fixed[i] = (spec->fixed != NULL) ? spec->fixed[i] : NAN;
        mask[i] = isnan(coef_fixed[i]);
        nfree += mask[i];
    }
    int no_optim = nfree == 0;
    int trans = spec->transform_pars && !no_optim;
    if (trans) {
        int fixed_ar = 0;
        for (int i = 0; i < ad.mp; i++) if (!mask[i]) fixed_ar = 1;
        for (int i = 0; i < ad.msp; i++) if (!mask[ad.mp + ad.mq + i]) fixed_ar = 1;
        if (fixed_ar) {
            trans = 0;
            snprintf(warn, sizeof warn,
                     "some AR parameters were fixed: setting transform_pars = FALSE");
            status = LAGRS_ARIMA_WARNING;
        }
    }
    ctx.trans = trans;
    out->n_free = nfree;
    out->n_cond = ncond;

    for (int i = 0; i < ncoef; i++) { init[i] = 0.0; pscale_all[i] = 1.0; }
    int rotated = 0;
    if (ncxreg > 0) {
        int any_xreg_fixed = 0;
        for (int j = 0; j < ncxreg; j++) if (!mask[narma + j]) any_xreg_fixed = 1;
        rotated = !(ncxreg == 1 || any_xreg_fixed);
        if (rotated) {
            /* right singular vectors of the complete rows of xreg */
            for (size_t i = 0; i < nx * nx; i++) S[i] = 0.0;
            for (R_xlen_t l = 0; l < n; l++) {
                int ok = 1;
                for (int j = 0; j < ncxreg && ok; j++)
                    if (isnan(X[l + n * j])) ok = 0;
                if (!ok) continue;
                for (int i = 0; i < ncxreg; i++)
                    for (int j = 0; j <= i; j++)
                        S[i + nx * j] += X[l + n * i] * X[l + n * j];
            }
            for (int i = 0; i < ncxreg; i++)
                for (int j = 0; j < i; j++) S[j + nx * i] = S[i + nx * j];
            sym_eigen(ncxreg, S, V, svals);
            /* X <- X V, row by row */
            for (R_xlen_t l = 0; l < n; l++) {
                for (int j = 0; j < ncxreg; j++) {
                    double v = 0.0;
                    for (int i = 0; i < ncxreg; i++)
                        v += X[l + n * i] * V[i + nx * j];
                    tmpc[j] = v;
                }
                for (int j = 0; j < ncxreg; j++) X[l + n * j] = tmpc[j];
            }
        }
        /* initial values: least squares on the differenced data */
        R_xlen_t m = n;
        memcpy(dx, y, sizeof(double) * nn);
        memcpy(dX, X, sizeof(double) * nn * nx);
        for (int i = 0; i < spec->d; i++) {
            for (R_xlen_t l = 0; l + 1 < m; l++) {
                dx[l] = dx[l + 1] - dx[l];
                for (int j = 0; j < ncxreg; j++)
                    dX[l + n * j] = dX[l + 1 + n * j] - dX[l + n * j];
            }
            m--;
        }
        if (s > 1)
            for (int i = 0; i < spec->D; i++) {
                for (R_xlen_t l = 0; l + s < m; l++) {
                    dx[l] = dx[l + s] - dx[l];
                    for (int j = 0; j < ncxreg; j++)
                        dX[l + n * j] = dX[l + s + n * j] - dX[l + n * j];
                }
                m -= s;
            }
        int ls = 1;
        if (m > ncxreg)
            ls = least_squares(m, ncxreg, dx, dX, n, beta, se, lsq_work);
        if (ls == 1)
            ls = least_squares(n, ncxreg, y, X, n, beta, se, lsq_work);
        if (ls != 0) {
            set_msg(out, LAGRS_ARIMA_ERR_INPUT,
                    ls == 2 ? "`xreg` is rank deficient: its columns (with the intercept or drift) are collinear"
                            : "too few non-missing observations for the regression");
            goto cleanup;
        }
        for (int j = 0; j < ncxreg; j++) {
            init[narma + j] = beta[j];
            double sc = 10.0 * se[j];
            /* a perfect regression fit (e.g. a constant series) has zero
             * standard errors; a scale of zero would stall the optimizer */
            if (!(sc > 0) || !isfinite(sc))
                sc = fabs(beta[j]) > 0 ? fabs(beta[j]) : 1.0;
            pscale_all[narma + j] = sc;
        }
    }
    out->n_used = n_used;
    if (n_used <= 0) {
        set_msg(out, LAGRS_ARIMA_ERR_TOO_SHORT, "too few non-missing observations");
        goto cleanup;
    }
    for (int i = 0; i < ncoef; i++) coef[i] = coef_fixed[i];
    int nf = 0;
    for (int i = 0; i < ncoef; i++)
        if (mask[i]) fscale[nf++] = pscale_all[i];

    lagrs_bfgs_control ctl;
    ctl.maxit = spec->maxit > 0 ? spec->maxit : 100;
    ctl.reltol = spec->reltol > 0 ? spec->reltol : 1e-8;
    ctl.ndeps = NDEPS;
    ctl.parscale = fscale;
    ctl.fn_batch = NULL;
    ctl.stop = spec->stop;
    /* the CSS searches evaluate their gradients' points together */
    lagrs_bfgs_control ctl_css = ctl, ctl_ml = ctl;
    ctl_css.fn_batch = objective_css_batch;
    ctl_ml.fn_batch = objective_ml_batch;

    /* a series that is constant once differenced and regressed out has
     * residual variance zero: the likelihood is unbounded, so report the
     * degenerate fit directly instead of optimizing */
    int degenerate = 0;
    {
        for (int i = 0; i < ncoef; i++) par[i] = mask[i] ? init[i] : coef_fixed[i];
        const double *xa = adjusted_series(&ctx);
        memcpy(w, xa, sizeof(double) * nn);
        for (int i = 0; i < spec->d; i++)
            for (R_xlen_t l = n - 1; l > 0; l--) w[l] -= w[l - 1];
        for (int i = 0; i < spec->D; i++)
            for (R_xlen_t l = n - 1; l >= s; l--) w[l] -= w[l - s];
        double biggest = 0.0, level = 0.0;
        R_xlen_t seen = 0;
        for (R_xlen_t l = nd; l < n; l++)
            if (!isnan(w[l])) {
                seen++;
                if (fabs(w[l]) > biggest) biggest = fabs(w[l]);
            }
        for (R_xlen_t l = 0; l < n; l++)
            if (!isnan(y[l]) && fabs(y[l]) > level) level = fabs(y[l]);
        if (seen > 0 && biggest <= 1e-12 * (1.0 + level))
            degenerate = 1;
    }

    double value = NAN;
    int fn_count, gr_count, conv = 0, err;
    int have_var = 0;
    if (degenerate) {
        for (int i = 0; i < ncoef; i++)
            coef[i] = mask[i] ? (i < narma ? 0.0 : init[i]) : coef_fixed[i];
        nf = 0;
        for (int i = 0; i < ncoef; i++)
            if (mask[i]) fpar[nf++] = coef[i];
        value = -INFINITY;
        for (size_t i = 0; i < nc * nc; i++) var[i] = 0.0;
        have_var = 1;
        snprintf(warn, sizeof warn,
                 "the series is constant after differencing and regression: "
                 "sigma2 is 0 and the likelihood is unbounded");
        status = LAGRS_ARIMA_WARNING;
    } else if (method == LAGRS_ARIMA_CSS) {
        nf = 0;
        for (int i = 0; i < ncoef; i++) if (mask[i]) fpar[nf++] = init[i];
        err = lagrs_bfgs(nfree, fpar, &value, &conv, objective_css, &ctx, &ctl_css,
                         &fn_count, &gr_count);
        if (err != LAGRS_OPT_OK) {
            set_msg(out, err == LAGRS_OPT_NOMEM ? LAGRS_ARIMA_ERR_MEMORY : LAGRS_ARIMA_ERR_NUMERIC,
                    err == LAGRS_OPT_NONFINITE_START ?
                        (any_na ? "the CSS objective is not finite: missing values interrupt the MA recursion; use method = \"ML\" or \"CSS-ML\""
                                : "non-finite CSS objective at the initial values")
                    : err == LAGRS_OPT_NONFINITE_GRADIENT ? "non-finite finite-difference gradient of the CSS objective"
                    : err == LAGRS_OPT_STOPPED ? "interrupted"
                    : "out of memory");
            goto cleanup;
        }
        nf = 0;
        for (int i = 0; i < ncoef; i++) if (mask[i]) coef[i] = fpar[nf++];
        if (spec->want_var && !no_optim) {
            err = lagrs_num_hessian(nfree, fpar, objective_css, &ctx, &ctl_css, hess);
            if (err == LAGRS_OPT_OK) {
                for (size_t i = 0; i < (size_t) nfree * nfree; i++) hess[i] *= (double) n_used;
                have_var = mat_inverse(nfree, hess, var, invwork) == 0;
            }
        }
    } else {
        for (int i = 0; i < ncoef; i++) if (!mask[i]) init[i] = coef_fixed[i];
        if (method == LAGRS_ARIMA_CSS_ML) {
            nf = 0;
            for (int i = 0; i < ncoef; i++) if (mask[i]) fpar[nf++] = init[i];
            double css_val;
            int css_conv;
            err = lagrs_bfgs(nfree, fpar, &css_val, &css_conv, objective_css, &ctx,
                             &ctl_css, &fn_count, &gr_count);
            if (err == LAGRS_OPT_NOMEM) {
                set_msg(out, LAGRS_ARIMA_ERR_MEMORY, "out of memory");
                goto cleanup;
            }
            if (err == LAGRS_OPT_OK && css_conv == 0) {
                nf = 0;
                for (int i = 0; i < ncoef; i++) if (mask[i]) init[i] = fpar[nf++];
            }
            /* stats::arima stops here when the CSS AR estimates are not
             * stationary; we start the ML search from zero ARMA
             * coefficients instead */
            if (!lagrs_arima_ar_stationary(init, ad.mp) ||
                !lagrs_arima_ar_stationary(init + ad.mp + ad.mq, ad.msp)) {
                for (int i = 0; i < narma; i++) if (mask[i]) init[i] = 0.0;
            }
            ncond = 0;
            ctx.ncond = 0;
            out->n_cond = 0;
        }
        if (trans) {
            if (ad.mp > 0) ar_to_pacf(ad.mp, init, tmpc, trwork);
            for (int i = 0; i < ad.mp; i++) init[i] = tmpc[i];
            int v = ad.mp + ad.mq;
            if (ad.msp > 0) ar_to_pacf(ad.msp, init + v, tmpc, trwork);
            for (int i = 0; i < ad.msp; i++) init[v + i] = tmpc[i];
            if (ad.mq > 0 && ma_invert(ad.mq, init + ad.mp)) {
                set_msg(out, LAGRS_ARIMA_ERR_MEMORY, "out of memory");
                goto cleanup;
            }
            if (ad.msq > 0 && ma_invert(ad.msq, init + v + ad.msp)) {
                set_msg(out, LAGRS_ARIMA_ERR_MEMORY, "out of memory");
                goto cleanup;
            }
        }
        nf = 0;
        for (int i = 0; i < ncoef; i++) if (mask[i]) fpar[nf++] = init[i];
        for (int i = 0; i < nfree; i++) tmpc[i] = fpar[i];
        ctx.k.large_gain = 0;
        err = lagrs_bfgs(nfree, fpar, &value, &conv, objective_ml, &ctx, &ctl_ml,
                         &fn_count, &gr_count);
        /* The points of the search that met a large prediction variance
         * were evaluated with the full filter already.  Near a unit root at
         * the optimum, or when the optimum itself needs the full filter, the
         * whole search is redone with it so that it follows stats::arima's
         * path on that flatter surface. */
        int redo = ctx.fast && err != LAGRS_OPT_OK;
        if (ctx.fast && !redo) {
            for (int i = 0; i < ncoef; i++) par[i] = coef_fixed[i];
            nf = 0;
            for (int i = 0; i < ncoef; i++) if (mask[i]) par[i] = fpar[nf++];
            if (near_unit_root(&ad, par, trans, w1, w2)) {
                redo = 1;
            } else if (ctx.k.large_gain) {
                ctx.k.large_gain = 0;
                (void) objective_ml(nfree, fpar, &ctx);
                redo = ctx.k.large_gain;
            }
        }
        if (redo) {
            /* redo the search with the full filter, as stats::arima */
            ctx.fast = 0;
            for (int i = 0; i < nfree; i++) fpar[i] = tmpc[i];
            err = lagrs_bfgs(nfree, fpar, &value, &conv, objective_ml, &ctx,
                             &ctl, &fn_count, &gr_count);
        }
        if (err != LAGRS_OPT_OK) {
            set_msg(out, err == LAGRS_OPT_NOMEM ? LAGRS_ARIMA_ERR_MEMORY : LAGRS_ARIMA_ERR_NUMERIC,
                    err == LAGRS_OPT_NONFINITE_START ? "non-finite likelihood at the initial values"
                    : err == LAGRS_OPT_NONFINITE_GRADIENT ? "non-finite finite-difference gradient of the likelihood"
                    : err == LAGRS_OPT_STOPPED ? "interrupted"
                    : "out of memory");
            goto cleanup;
        }
        for (int i = 0; i < ncoef; i++) coef[i] = init[i];
        nf = 0;
        for (int i = 0; i < ncoef; i++) if (mask[i]) coef[i] = fpar[nf++];
        if (trans) {
            int all_free = 1;
            for (int i = 0; i < ad.mq; i++) if (!mask[ad.mp + i]) all_free = 0;
            if (ad.mq > 0 && all_free) ma_invert(ad.mq, coef + ad.mp);
            int off = ad.mp + ad.mq + ad.msp;
            all_free = 1;
            for (int i = 0; i < ad.msq; i++) if (!mask[off + i]) all_free = 0;
            if (ad.msq > 0 && all_free) ma_invert(ad.msq, coef + off);
            int changed = 0;
            nf = 0;
            for (int i = 0; i < ncoef; i++)
                if (mask[i]) {
                    if (coef[i] != fpar[nf]) changed = 1;
                    fpar[nf++] = coef[i];
                }
            if (changed)
                value = objective_ml(nfree, fpar, &ctx);
        }
        if (spec->want_var && !no_optim) {
            ctx.k.large_gain = 0;
            err = lagrs_num_hessian(nfree, fpar, objective_ml, &ctx, &ctl_ml, hess);
            if (ctx.fast && ctx.k.large_gain) {
                ctx.fast = 0;
                err = lagrs_num_hessian(nfree, fpar, objective_ml, &ctx, &ctl_ml, hess);
            }
            if (err == LAGRS_OPT_OK) {
                for (size_t i = 0; i < (size_t) nfree * nfree; i++) hess[i] *= (double) n_used;
                have_var = mat_inverse(nfree, hess, var, invwork) == 0;
                if (have_var && trans) {
                    /* var = A' H^{-1} A with A the Jacobian of the transform */
                    gradtrans(&ad, ncoef, coef, A, w1, w2, w3, trwork);
                    size_t nfr = (size_t) nfree;
                    double *Am = invwork;  /* nfree x nfree */
                    int ii = 0;
                    for (int i = 0; i < ncoef; i++) {
                        if (!mask[i]) continue;
                        int jj = 0;
                        for (int j = 0; j < ncoef; j++) {
                            if (!mask[j]) continue;
                            Am[ii + nfr * jj] = A[i + nc * j];
                            jj++;
                        }
                        ii++;
                    }
                    double *tmpm = hess;  /* H^{-1} A */
                    for (size_t i = 0; i < nfr; i++)
                        for (size_t j = 0; j < nfr; j++) {
                            double v = 0.0;
                            for (size_t l = 0; l < nfr; l++)
                                v += var[i + nfr * l] * Am[l + nfr * j];
                            tmpm[i + nfr * j] = v;
                        }
                    for (size_t i = 0; i < nfr; i++)
                        for (size_t j = 0; j < nfr; j++) {
                            double v = 0.0;
                            for (size_t l = 0; l < nfr; l++)
                                v += Am[l + nfr * i] * tmpm[l + nfr * j];
                            var[i + nfr * j] = v;
                        }
                }
            }
        }
        if (trans) {
            if (ad.mp > 0) pacf_to_ar(ad.mp, coef, tmpc, trwork);
            for (int i = 0; i < ad.mp; i++) coef[i] = tmpc[i];
            int v = ad.mp + ad.mq;
            if (ad.msp > 0) pacf_to_ar(ad.msp, coef + v, tmpc, trwork);
            for (int i = 0; i < ad.msp; i++) coef[v + i] = tmpc[i];
        }
    }

    /* the final pass: state for forecasting, residuals, sigma2 */
    {
        double ssq, sumlog;
        R_xlen_t nu;
        double *resid = out->residuals;
        final_filter(&ctx, coef, &ssq, &sumlog, &nu, spec->want_residuals ? resid : NULL);
        if (degenerate) {
            out->sigma2 = 0.0;
        } else if (method == LAGRS_ARIMA_CSS) {
            const double *xa = adjusted_series(&ctx);
            out->sigma2 = css_value(xa, n, &ad, spec->d, spec->D, ctx.k.phi,
                                    ctx.k.theta, ncond, w, cssres);
            if (spec->want_residuals && resid != NULL)
                memcpy(resid, cssres, sizeof(double) * nn);
        } else {
            out->sigma2 = ssq / (double) n_used;
            /* the likelihood as stats::arima evaluates it (diffuse prior
             * kappa), whichever filter the search used */
            value = 0.5 * (log(ssq / (double) nu) + sumlog / (double) nu);
        }
        if (out->state_a)
            memcpy(out->state_a, ctx.k.a, sizeof(double) * (size_t) ctx.k.rd);
        if (out->state_P)
            memcpy(out->state_P, ctx.k.P, sizeof(double) * (size_t) ctx.k.rd * ctx.k.rd);
    }

    /* undo the regressor rotation */
    if (rotated) {
        for (int j = 0; j < ncxreg; j++) {
            double v = 0.0;
            for (int i = 0; i < ncxreg; i++) v += V[j + nx * i] * coef[narma + i];
            tmpc[j] = v;
        }
        for (int j = 0; j < ncxreg; j++) coef[narma + j] = tmpc[j];
        if (have_var) {
            /* var <- B var B' with B = diag(I, V) restricted to the free
             * coefficients (all regressors are free when rotated) */
            size_t nfr = (size_t) nfree;
            int *free_index = (int *) (void *) A;  /* reuse: nfree ints */
            int ii = 0;
            for (int i = 0; i < ncoef; i++) if (mask[i]) free_index[ii++] = i;
            double *B = invwork, *tmpm = hess;
            for (size_t i = 0; i < nfr; i++)
                for (size_t j = 0; j < nfr; j++) {
                    int gi = free_index[i], gj = free_index[j];
                    double b;
                    if (gi >= narma && gj >= narma)
                        b = V[(gi - narma) + nx * (gj - narma)];
                    else
                        b = (gi == gj) ? 1.0 : 0.0;
                    B[i + nfr * j] = b;
                }
            for (size_t i = 0; i < nfr; i++)
                for (size_t j = 0; j < nfr; j++) {
                    double v = 0.0;
                    for (size_t l = 0; l < nfr; l++) v += B[i + nfr * l] * var[l + nfr * j];
                    tmpm[i + nfr * j] = v;
                }
            for (size_t i = 0; i < nfr; i++)
                for (size_t j = 0; j < nfr; j++) {
                    double v = 0.0;
                    for (size_t l = 0; l < nfr; l++) v += tmpm[i + nfr * l] * B[j + nfr * l];
                    var[i + nfr * j] = v;
                }
        }
    }

    double nu_d = (double) n_used;
    double dev = 2.0 * nu_d * value + nu_d + nu_d * log(2.0 * M_PI);
    out->loglik = -0.5 * dev;
    out->aic = (method != LAGRS_ARIMA_CSS) ? dev + 2.0 * nfree + 2.0 : NAN;
    info_criteria(out, y, n, nd, X, ncxreg);
    out->convergence = conv;
    if (out->coef)
        memcpy(out->coef, coef, sizeof(double) * nc);
    if (out->var_coef) {
        size_t nfr = (size_t) nfree;
        if (have_var)
            memcpy(out->var_coef, var, sizeof(double) * nfr * nfr);
        else
            for (size_t i = 0; i < nfr * nfr; i++) out->var_coef[i] = NAN;
    }
    if (conv > 0 && status == LAGRS_ARIMA_OK) {
        snprintf(warn, sizeof warn,
                 "possible convergence problem: the optimizer gave code = %d", conv);
        status = LAGRS_ARIMA_WARNING;
    }
    if (spec->want_var && !no_optim && !have_var && status == LAGRS_ARIMA_OK) {
        snprintf(warn, sizeof warn,
                 "the Hessian is singular: the coefficients' covariance is not available");
        status = LAGRS_ARIMA_WARNING;
    }
    set_msg(out, status, warn);

cleanup:
    free(mem);
    free(mask);
    return out->status;
}

int lagrs_arima_ic_kernel(const double *y, R_xlen_t n, const double *xreg,
                          int n_xreg, const lagrs_arima_spec *spec,
                          double *coef, double *loglik, double *aicc,
                          double *aic, double *bic, double *sigma2)
{
    lagrs_arima_spec light = *spec;
    light.want_var = 0;
    light.want_residuals = 0;
    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    res.coef = coef;
    lagrs_arima_fit_kernel(y, n, xreg, n_xreg, &light, &res);
    if (loglik) *loglik = res.loglik;
    if (aicc) *aicc = res.aicc;
    if (aic) *aic = res.aic;
    if (bic) *bic = res.bic;
    if (sigma2) *sigma2 = res.sigma2;
    return res.status;
}

/* ------------------------------------------------------------------ */
/* Forecasting                                                         */

int lagrs_arima_forecast_kernel(const lagrs_arima_spec *spec,
                                const lagrs_arima_result *fit, R_xlen_t n,
                                int h, const double *xreg_future, int n_xreg,
                                double *mean, double *se, char *msg)
{
    int s = season(spec);
    arma_dims ad;
    ad.mp = spec->p; ad.mq = spec->q; ad.msp = spec->P; ad.msq = spec->Q;
    ad.ns = s;
    ad.p = ad.mp + s * ad.msp;
    ad.q = ad.mq + s * ad.msq;
    int narma = ad.mp + ad.mq + ad.msp + ad.msq;
    int nd = spec->d + s * spec->D;
    int intercept = has_intercept(spec), drift = spec->include_drift ? 1 : 0;
    size_t kd = kalman_ws_doubles(ad.p, ad.q, nd);
    size_t maxar = (size_t) imax(imax(ad.mp, ad.msp), 1);
    double *mem = malloc(sizeof(double) * (kd + (size_t) narma + 1 + maxar));
    if (mem == NULL) {
        if (msg) snprintf(msg, LAGRS_ARIMA_MSG_LEN, "out of memory");
        return LAGRS_ARIMA_ERR_MEMORY;
    }
    kalman_ws k;
    kalman_ws_setup(&k, ad.p, ad.q, nd, DEFAULT_KAPPA, mem);
    double *params = mem + kd, *trwork = params + narma + 1;
    expand_pars(&ad, fit->coef, 0, k.phi, k.theta, params, trwork);
    kalman_index_coef(&k);
    {
        double *poly = k.mm;
        for (int i = 0; i <= nd; i++) poly[i] = 0.0;
        poly[0] = 1.0;
        int deg = 0;
        for (int i = 0; i < spec->d; i++) {
            for (int j = deg + 1; j >= 1; j--) poly[j] -= poly[j - 1];
            deg += 1;
        }
        for (int i = 0; i < spec->D; i++) {
            for (int j = deg + s; j >= s; j--) poly[j] -= poly[j - s];
            deg += s;
        }
        for (int i = 0; i < nd; i++) k.delta[i] = -poly[i + 1];
        kalman_index_delta(&k);
    }
    size_t rd = (size_t) k.rd;
    memcpy(k.a, fit->state_a, sizeof(double) * rd);
    memcpy(k.P, fit->state_P, sizeof(double) * rd * rd);
    const double *beta = fit->coef + narma;
    for (int step = 0; step < h; step++) {
        /* a <- T a */
        int r = k.r;
        for (int i = 0; i < r; i++) {
            double v = (i < r - 1) ? k.a[i + 1] : 0.0;
            if (i < k.p) v += k.phi[i] * k.a[0];
            k.anew[i] = v;
        }
        if (nd > 0) {
            double v = k.a[0];
            for (int i = 0; i < nd; i++) v += k.delta[i] * k.a[r + i];
            for (int i = k.rd - 1; i > r; i--) k.anew[i] = k.a[i - 1];
            k.anew[r] = v;
        }
        memcpy(k.a, k.anew, sizeof(double) * rd);
        double fc = k.a[0];
        for (int i = 0; i < nd; i++) fc += k.delta[i] * k.a[r + i];
        kalman_predict_cov(&k);
        memcpy(k.P, k.Pnew, sizeof(double) * rd * rd);
        double v = k.P[0];
        for (int i = 0; i < nd; i++)
            v += 2.0 * k.delta[i] * k.P[(r + i) * rd];
        for (int i = 0; i < nd; i++)
            for (int j = 0; j < nd; j++)
                v += k.delta[i] * k.delta[j] * k.P[(r + i) + rd * (r + j)];
        double xm = 0.0;
        int col = 0;
        if (intercept) xm += beta[col++];
        if (drift) xm += beta[col++] * (double) (n + step + 1);
        for (int j = 0; j < n_xreg; j++)
            xm += beta[col + j] * xreg_future[step + (size_t) h * j];
        mean[step] = fc + xm;
        se[step] = sqrt(v * fit->sigma2);
    }
    free(mem);
    if (msg) msg[0] = '\0';
    return LAGRS_ARIMA_OK;
}
