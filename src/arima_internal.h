/* Declarations shared by the ARIMA engine's files; plain C, thread-safe.
 *   arima_spec.c          the spec: defaults, coefficient names, length rule
 *   arima_params.c        PACF transforms, seasonal expansion, MA inversion,
 *                         stationarity and invertibility checks
 *   arima_kalman.c        the state-space form and the full Kalman filter
 *   arima_arma_filter.c   the diffuse filter on the differenced series
 *   arima_css.c           the CSS recursions and objective
 *   arima_likelihood.c    the ML objective (chooses between the filters)
 *   arima_fit.c           the fit kernel and its phases
 *   arima_forecast.c      the forecast kernel
 *   arima_optim.c         BFGS and the numerical Hessian
 *   linalg.c              small dense linear algebra
 * The model, its likelihood and the fitting steps follow stats::arima()
 * (R's src/library/stats/R/arima.R and src/arima.c) so that fits agree with
 * it: the same state-space form, the same diffuse prior kappa for the
 * differencing states, the same CSS objective and conditioning, the same
 * PACF reparametrisation and the same optimizer settings.  The code is our
 * own. */
#ifndef LAGRS_ARIMA_INTERNAL_H
#define LAGRS_ARIMA_INTERNAL_H

#include "arima.h"
#include <math.h>

#define DEFAULT_KAPPA 1e6
/* Observations whose prediction variance reaches this (the diffuse start)
 * are left out of the likelihood's sums, as in stats::arima. */
#define GAIN_LIMIT 1e4
/* Near a unit root the stationary variance grows; once it is no longer
 * small against kappa, the filter on the differences no longer tracks
 * stats::arima's kappa-diffuse likelihood closely, so the search falls back
 * to the full filter. */
#define FAST_GAIN_LIMIT 1e3
/* parameter sets the CSS objective evaluates side by side */
#define CSS_BATCH 4

/* for the few small functions of the filters' inner loops, which must be
 * inlined to keep their values in registers */
#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

static inline int imax(int a, int b) { return a > b ? a : b; }

static inline int season(const lagrs_arima_spec *spec)
{
    return spec->period > 1 ? spec->period : 1;
}

static inline int has_intercept(const lagrs_arima_spec *spec)
{
    return spec->include_mean && spec->d + spec->D == 0;
}

/* ------------------------------------------------------------------ */
/* Optimizer (arima_optim.c)                                           */

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

/* ------------------------------------------------------------------ */
/* Orders and parameters (arima_params.c)                              */

typedef struct {
    int mp, mq, msp, msq, ns;  /* orders and period as stats' arma[1:5] */
    int p, q;                  /* expanded AR and MA lengths */
} arma_dims;

void arma_dims_init(arma_dims *ad, const lagrs_arima_spec *spec);
/* PACF values (after tanh) to AR coefficients, and back; work: p. */
void pacf_to_ar(int p, const double *raw, double *ar, double *work);
void ar_to_pacf(int p, const double *ar, double *raw, double *work);
/* The optimizer's coefficients to the expanded phi (ad->p) and theta
 * (ad->q); params (n_arma) and work (max AR order) are scratch. */
void expand_pars(const arma_dims *ad, const double *in, int trans,
                 double *phi, double *theta, double *params, double *work);
/* stats::arima's maInvert, in place.  Returns 0, or 1 if out of memory. */
int ma_invert(int q, double *ma);
/* The Jacobian of the PACF transform (ncoef x ncoef, A[i, j] = d coef_j /
 * d raw_i) as stats::arima's ARIMA_Gradtrans; w1..w3, work: max AR order. */
void gradtrans(const arma_dims *ad, int ncoef, const double *raw, double *A,
               double *w1, double *w2, double *w3, double *work);
/* 1 when an AR part has a partial autocorrelation beyond +-0.99. */
int near_unit_root(const arma_dims *ad, const double *par, int trans,
                   double *pacf, double *work);

/* ------------------------------------------------------------------ */
/* State-space form and the full Kalman filter (arima_kalman.c)        */

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

size_t kalman_ws_doubles(int p, int q, int nd);
void kalman_ws_setup(kalman_ws *k, int p, int q, int nd, double kappa,
                     double *mem);
/* delta from (1 - B)^d (1 - B^s)^D = 1 - sum delta_j B^j, indexed. */
void kalman_set_delta(kalman_ws *k, int d, int D, int s);
void kalman_index_coef(kalman_ws *k);
int stationary_cov(kalman_ws *k, int rd, int first_only);
int kalman_init(kalman_ws *k);
void kalman_predict_cov(kalman_ws *k);
void kalman_filter(kalman_ws *k, const double *x, R_xlen_t n,
                   double *ssq_out, double *sumlog_out, R_xlen_t *nu_out,
                   double *resid);

/* ------------------------------------------------------------------ */
/* The filter on the differenced series (arima_arma_filter.c)          */

/* One r = 2 filter's transient (see arima_arma_filter.c), so that several
 * can run interleaved. */
typedef struct {
    int p, q, steady, track;
    double ph0, ph1, th;
    double p00, p01, p11;   /* predicted covariance, upper triangle */
    double m0, m1, a0, a1;  /* previous first row; filtered state */
    double gain, inv_gain, ssq;
    logdet_acc logdet;
    R_xlen_t nu;
} r2_lane;

void r2_lane_init(r2_lane *s, const kalman_ws *k);
int arma_filter(kalman_ws *k, const double *w, R_xlen_t m, double *ssq_out,
                double *sumlog_out, R_xlen_t *nu_out);
int arma_filter_r2_lanes(r2_lane *lanes, int n_lanes, const int *point_of,
                         const double *w, R_xlen_t m, double *values);

/* ------------------------------------------------------------------ */
/* The fit's context (arima_fit.c), read by the objectives             */

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
void difference_series(const double *x, R_xlen_t n, int d, int D, int s,
                       double *w);
/* c->par from the free parameters and the fixed ones. */
void fill_par(fit_ctx *c, const double *free_par);
/* x - xreg %*% beta for the coefficients currently in c->par. */
const double *adjusted_series(fit_ctx *c);

/* ------------------------------------------------------------------ */
/* The objectives (arima_css.c, arima_likelihood.c)                    */

double css_value(const double *x, R_xlen_t n, const arma_dims *ad, int d,
                 int D, const double *phi, const double *theta, int n_cond,
                 double *w, double *resid);
double objective_css(int n_free, const double *free_par, void *vctx);
void objective_css_batch(int n_free, int k, const double *pars,
                         double *values, void *vctx);
double objective_ml(int n_free, const double *free_par, void *vctx);
void objective_ml_batch(int n_free, int k, const double *pars,
                        double *values, void *vctx);
void final_filter(fit_ctx *c, const double *coef, double *ssq, double *sumlog,
                  R_xlen_t *nu, double *resid);

#endif
