/* The ARIMA model in state-space form (Harvey's, with the differencing
 * folded into the state, as stats::arima) and the full Kalman filter with
 * the diffuse prior kappa for the differencing states: the filter of the
 * final pass (residuals, the forecasting state) and of every likelihood
 * evaluation with missing values.  Plain C.
 *
 * The one deliberate difference from stats::arima: the stationary
 * covariance of the ARMA states is computed from the ARMA autocovariances
 * (exact) instead of Gardner et al.'s regression algorithm (also exact, up
 * to rounding). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "arima_internal.h"

size_t kalman_ws_doubles(int p, int q, int nd)
{
    size_t r = (size_t) imax(p, q + 1), rd = r + (size_t) nd;
    size_t sp = (size_t) p + 1;
    return (size_t) (2 * p + 2 * q + 2 * nd + 7) + 5 * rd + 3 * rd * rd +
        (r + 2) + (r + 2) + sp * (sp + 1);
}

void kalman_ws_setup(kalman_ws *k, int p, int q, int nd, double kappa,
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

/* The differencing polynomial (1 - B)^d (1 - B^s)^D = 1 - sum delta_j B^j
 * into k->delta, and its non-zero terms indexed. */
void kalman_set_delta(kalman_ws *k, int d, int D, int s)
{
    int nd = k->nd;
    double *poly = k->mm;  /* scratch, at least nd + 1 long */
    for (int i = 0; i <= nd; i++) poly[i] = 0.0;
    poly[0] = 1.0;
    int deg = 0;
    for (int i = 0; i < d; i++) {
        for (int j = deg + 1; j >= 1; j--) poly[j] -= poly[j - 1];
        deg += 1;
    }
    for (int i = 0; i < D; i++) {
        for (int j = deg + s; j >= s; j--) poly[j] -= poly[j - s];
        deg += s;
    }
    for (int i = 0; i < nd; i++) k->delta[i] = -poly[i + 1];
    kalman_index_delta(k);
}

/* The same for the AR coefficients and R = (1, theta_1, ...): seasonal
 * models have mostly zero ones.  Must follow every change of phi or theta
 * before kalman_predict_cov(). */
void kalman_index_coef(kalman_ws *k)
{
    k->n_pnz = 0;
    for (int i = 0; i < k->p; i++)
        if (k->phi[i] != 0.0) k->pnz[k->n_pnz++] = i;
    int qr = k->q < k->r - 1 ? k->q : k->r - 1;
    k->n_tnz = 0;
    for (int j = 0; j <= qr; j++)
        if (j == 0 || k->theta[j - 1] != 0.0) k->tnz[k->n_tnz++] = j;
}

/* The stationary covariance of the ARMA state (Harvey's form, unit
 * innovation variance) into the leading r x r block of Pnew (leading
 * dimension rd).  State element i is
 *   sum_{k>i} phi_k x_{t+i-k} + sum_{k>=i} theta_k e_{t+i-k}  (theta_0 = 1),
 * so its covariances follow from the autocovariances of x and the
 * cross-covariances cov(x_t, e_{t-m}) = psi_m.  With first_only, only
 * the first column is filled (all that the Chandrasekhar recursions of
 * arima_arma_filter.c start from; the rest costs O(r^2)).  Returns 0, or 1
 * when the AR part is (numerically) not stationary. */
int stationary_cov(kalman_ws *k, int rd, int first_only)
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
    if (first_only) {
        for (int j = 0; j < r; j++)
            Q[j] = row0[j];
        return 0;
    }
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
int kalman_init(kalman_ws *k)
{
    size_t rd = (size_t) k->rd;
    for (size_t i = 0; i < rd; i++) k->a[i] = 0.0;
    for (size_t i = 0; i < rd * rd; i++) k->Pnew[i] = 0.0;
    if (stationary_cov(k, k->rd, 0))
        return 1;
    for (int i = k->r; i < k->rd; i++)
        k->Pnew[i + rd * i] = k->kappa;
    return 0;
}

/* Pnew = T P T' + R R', using the sparsity of T. */
void kalman_predict_cov(kalman_ws *k)
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
void kalman_filter(kalman_ws *k, const double *x, R_xlen_t n,
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
