/* Small dense linear algebra (linalg.c): the few operations the ARIMA fit
 * needs on matrices of the size of its coefficient vector.  Plain C,
 * column-major, no allocation; each result depends only on its inputs. */
#ifndef LAGRS_LINALG_H
#define LAGRS_LINALG_H

#include "lagrs_c.h"

/* Inverse of the n x n matrix A into Ainv by Gauss-Jordan with partial
 * pivoting; work holds 2 n^2.  Returns 0, or 1 if (numerically) singular. */
int linalg_inverse(int n, const double *A, double *Ainv, double *work);

/* Eigenvectors of the symmetric k x k matrix S (destroyed) by cyclic Jacobi
 * rotations into the columns of V, by decreasing eigenvalue (values, k). */
void linalg_sym_eigen(int k, double *S, double *V, double *values);

/* Least squares of y on the k columns of X (m rows, leading dimension ld;
 * rows with a NaN dropped) by Householder QR: coef and their standard
 * errors as summary.lm().  work: m (k + 1) + k^2 + 2 k.  Returns 0, 1 (no
 * usable rows) or 2 (rank deficient). */
int linalg_least_squares(R_xlen_t m, int k, const double *y,
                         const double *X, R_xlen_t ld, double *coef,
                         double *se, double *work);

/* C = op(A) op(B) for n x n matrices, op(X) = X' when its flag is set.
 * Each entry is summed in index order from zero, so callers may rely on
 * the exact values.  C must not overlap A or B. */
void linalg_mult(int n, const double *A, int trans_a, const double *B,
                 int trans_b, double *C);

#endif
