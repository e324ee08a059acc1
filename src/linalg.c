/* Small dense linear algebra for the ARIMA fit (matrices of the size of
 * the coefficient vector): inverse, symmetric eigenvectors, least squares,
 * products.  Plain C; column-major storage. */
#include <math.h>
#include "linalg.h"

/* Inverse of the n x n matrix A (column-major) into Ainv by Gauss-Jordan
 * with partial pivoting; work holds 2 n^2.  Returns 0, or 1 if singular. */
int linalg_inverse(int n, const double *A, double *Ainv, double *work)
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
void linalg_sym_eigen(int k, double *S, double *V, double *values)
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
int linalg_least_squares(R_xlen_t m, int k, const double *y,
                         const double *X, R_xlen_t ld, double *coef,
                         double *se, double *work)
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

void linalg_mult(int n, const double *A, int trans_a, const double *B,
                 int trans_b, double *C)
{
    size_t nn = (size_t) n;
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nn; j++) {
            double v = 0.0;
            for (size_t l = 0; l < nn; l++) {
                double a = trans_a ? A[l + nn * i] : A[i + nn * l];
                double b = trans_b ? B[j + nn * l] : B[l + nn * j];
                v += a * b;
            }
            C[i + nn * j] = v;
        }
}
