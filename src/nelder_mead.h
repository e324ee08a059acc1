/* Nelder-Mead minimisation as R's optim(method = "Nelder-Mead") does it
 * (nmmin in R's src/appl/optim.c, after Nash's "Compact numerical methods",
 * algorithm 19): the same starting simplex, the same moves in the same
 * order and the same arithmetic, so from the same start on the same
 * objective it walks the same path to the same point.  forecast's ets()
 * calls that very routine (its C++ etsNelderMead), which is why the Theta
 * family uses this one.  Plain C, no R API: safe inside OpenMP threads. */
#ifndef LAGRS_NELDER_MEAD_H
#define LAGRS_NELDER_MEAD_H

#include "lagrs_c.h"

typedef double (*lagrs_nm_objective)(int n, const double *par, void *ctx);

enum lagrs_nm_status {
    LAGRS_NM_CONVERGED = 0,
    LAGRS_NM_MAXIT = 1,        /* optim's convergence 1 */
    LAGRS_NM_DEGENERATE = 10,  /* optim's 10: a shrink did not shrink */
    LAGRS_NM_BAD_START = -1,   /* the objective is not finite at the start */
    LAGRS_NM_NO_MEMORY = -2
};

typedef struct {
    double abstol;   /* stop when the best value is at most this (optim: -Inf) */
    double reltol;   /* relative spread of the simplex values that stops it */
    double alpha, beta, gamma;  /* reflection, contraction, expansion */
    int maxit;       /* the most objective evaluations */
} lagrs_nm_control;

/* optim()'s defaults: abstol -Inf, reltol sqrt(eps), 1, 0.5, 2, 500. */
lagrs_nm_control lagrs_nm_defaults(void);

/* Minimises fn from start[0..n-1]: the best point in par[0..n-1], its value
 * in *value, the evaluations in *fncount.  Returns a lagrs_nm_status.  A
 * non-finite value at any point but the start counts as 1e35, as in R. */
int lagrs_nelder_mead(int n, const double *start, lagrs_nm_objective fn, void *ctx,
                      const lagrs_nm_control *ctl, double *par, double *value,
                      int *fncount);

#endif
