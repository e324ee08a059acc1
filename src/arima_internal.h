/* Internal helpers shared by the ARIMA files; plain C, thread-safe. */
#ifndef LAGRS_ARIMA_INTERNAL_H
#define LAGRS_ARIMA_INTERNAL_H

/* An objective over n parameters given in their natural (unscaled) units.
 * It may return a non-finite value where it is undefined. */
typedef double (*lagrs_objective)(int n, const double *par, void *ctx);

/* The same objective at k points (point i at par + n * i) into values[k];
 * must give exactly what k calls of the objective give. */
typedef void (*lagrs_objective_batch)(int n, int k, const double *par,
                                      double *values, void *ctx);

typedef struct {
    int maxit;              /* iterations (<= 0: just evaluate) */
    double reltol;          /* relative convergence tolerance */
    double ndeps;           /* finite-difference step, in scaled units */
    const double *parscale; /* n scales; the optimizer works on par/parscale */
    lagrs_objective_batch fn_batch; /* NULL, or evaluates the 2n points of a
                                     * central-difference gradient at once */
    int (*stop)(void);      /* NULL, or nonzero to abandon the search */
} lagrs_bfgs_control;

/* Optimizer error codes (besides the convergence code). */
#define LAGRS_OPT_OK 0
#define LAGRS_OPT_NONFINITE_START 1
#define LAGRS_OPT_NONFINITE_GRADIENT 2
#define LAGRS_OPT_NOMEM 3
#define LAGRS_OPT_STOPPED 4     /* control's stop() asked to abandon */

/* Variable-metric (BFGS) minimisation in the manner of R's optim(method =
 * "BFGS"): numerical central-difference gradients on the scaled parameters,
 * backtracking line search, inverse-Hessian updates with restarts.
 * par: in = start, out = result.  *value receives the minimum,
 * *convergence 0 (converged) or 1 (maxit reached).  Returns an error code. */
int lagrs_bfgs(int n, double *par, double *value, int *convergence,
               lagrs_objective fn, void *ctx, const lagrs_bfgs_control *ctl,
               int *fn_count, int *gr_count);

/* Numerical Hessian of fn at par, like optimHess() with the same ndeps and
 * parscale (differences of numerical gradients, then symmetrised; with unit
 * scales the same differences from each distinct point evaluated once).
 * hess: n * n, column-major.  Returns an error code. */
int lagrs_num_hessian(int n, const double *par, lagrs_objective fn,
                      void *ctx, const lagrs_bfgs_control *ctl, double *hess);

#endif
