/* lagrs ARIMA engine: the plain-C interface (no R header; the R entry
 * points are declared in arimaR.h).
 *
 * Everything declared here is free of the R API apart from the R_xlen_t
 * length type, so the kernels may run inside OpenMP threads (the batch
 * feature fits thousands of series this way).  The kernels
 *   - allocate their own workspace with malloc() and free it before
 *     returning, reporting an allocation failure through the status;
 *   - keep no static mutable state and never use R's RNG;
 *   - report problems through `status` and `message`; the R entry point
 *     turns these into errors or warnings on the main thread.
 *
 * The model follows stats::arima():
 *   phi(B) Phi(B^s) (1-B)^d (1-B^s)^D (y_t - xreg_t' beta) = theta(B) Theta(B^s) e_t
 * with the exact Gaussian likelihood from a Kalman filter (stationary
 * initial covariance for the ARMA states, diffuse prior kappa = 1e6 for the
 * differencing states), the CSS objective with stats::arima's n.cond, the
 * PACF reparametrisation of the AR parts, MA inversion, and a BFGS optimizer
 * that behaves like R's optim(method = "BFGS").
 *
 * Coefficient order (as names(coef(stats::arima(...)))):
 *   ar1..arp, ma1..maq, sar1..sarP, sma1..smaQ,
 *   intercept   (only when include_mean and d + D == 0),
 *   drift       (only when include_drift; the regressor is 1..n),
 *   the user's xreg columns.
 * lagrs_arima_n_coef() gives the count.
 *
 * Status codes: LAGRS_ARIMA_OK, LAGRS_ARIMA_WARNING (the fit is usable; the
 * message says why it deserves a warning, e.g. the optimizer's convergence
 * code) and the error codes (no usable fit).  A series that is constant
 * once differenced (and regressed out) gives LAGRS_ARIMA_WARNING with
 * sigma2 = 0, loglik = +Inf and AIC/AICc/BIC = -Inf.  A CSS start whose AR
 * part is not stationary does not fail: the ML search starts from zero.
 *
 * Speed: without missing values the optimizer evaluates the exact diffuse
 * likelihood on the differenced series (an r-dimensional filter that stops
 * updating its covariance once it has converged); the final pass, which
 * gives loglik, sigma2, residuals and the forecasting state, runs the full
 * filter with kappa as stats::arima does.  With missing values every
 * evaluation runs the full filter.  So does every point of the search whose
 * prediction variance reaches 1e3, where kappa's influence on stats::arima's
 * likelihood is no longer negligible (all the points of a gradient's
 * stencil together), and a search that ends near an AR unit root (PACF
 * beyond +-0.99) or at such a point is repeated with the full filter.  The
 * full filter, too, stops updating its covariance once it has converged
 * (without missing values).  From a
 * three-dimensional ARMA state on, that filter's covariance follows
 * Chandrasekhar recursions (O(r) per step: from the stationary start each
 * step changes it by a rank-one matrix).  Once its covariance has converged
 * the filter runs in innovations form (one short dependency chain per
 * step).  The optimizer and the Hessian hand the
 * points of a central-difference gradient to the objective together: the
 * CSS recursions of short orders and the filters of a two-dimensional ARMA
 * state then run four at a time, interleaved, with exactly the operations
 * of one evaluation (the same values, bit for bit).  The log-determinant
 * is accumulated as a product of the gains (a log() every few hundred
 * steps instead of one per step).
 * The Hessian evaluates each of optimHess's difference points once.
 *
 * Use from threads (one series per iteration), e.g.
 *   lagrs_arima_spec spec;
 *   lagrs_arima_spec_init(&spec, 1, 1, 1, 0, 0, 0, 1);
 *   int nc = lagrs_arima_n_coef(&spec, 0), rd = lagrs_arima_state_dim(&spec);
 *   -- per thread: buffers coef[nc], a[rd], P[rd * rd] (+ var, residuals) --
 *   lagrs_arima_result res = {0};
 *   res.coef = coef; res.state_a = a; res.state_P = P;
 *   spec.want_var = 0; spec.want_residuals = 0;   (optional, faster)
 *   lagrs_arima_fit_kernel(y, n, NULL, 0, &spec, &res);
 *   lagrs_arima_forecast_kernel(&spec, &res, n, h, NULL, 0, mean, se, NULL);
 * Results depend only on the inputs, never on the thread.
 */
#ifndef LAGRS_ARIMA_H
#define LAGRS_ARIMA_H

#include "lagrs_c.h"

#define LAGRS_ARIMA_MSG_LEN 256

enum lagrs_arima_method {
    LAGRS_ARIMA_CSS_ML = 0,
    LAGRS_ARIMA_ML = 1,
    LAGRS_ARIMA_CSS = 2
};

/* The optimizer's convergence code, as optim()'s. */
enum lagrs_arima_convergence {
    LAGRS_ARIMA_CONVERGED = 0,
    LAGRS_ARIMA_MAXIT = 1         /* the iteration limit was reached */
};

enum lagrs_arima_status {
    LAGRS_ARIMA_OK = 0,
    LAGRS_ARIMA_WARNING = 1,     /* usable fit, see message */
    LAGRS_ARIMA_ERR_INPUT = 2,   /* invalid spec or dimensions */
    LAGRS_ARIMA_ERR_TOO_SHORT = 3, /* too few non-missing observations */
    LAGRS_ARIMA_ERR_NUMERIC = 4, /* non-finite objective, singular Hessian... */
    LAGRS_ARIMA_ERR_MEMORY = 5
};

typedef struct {
    int p, d, q;          /* non-seasonal order */
    int P, D, Q;          /* seasonal order */
    int period;           /* seasonal period; 1 (or 0) when not seasonal */
    int include_mean;     /* used only when d + D == 0 */
    int include_drift;    /* allowed when d + D <= 1 */
    int method;           /* enum lagrs_arima_method */
    int transform_pars;   /* stats::arima's transform.pars (default 1) */
    int n_cond;           /* extra conditioning for CSS; < 0 = default */
    const double *fixed;  /* NULL, or lagrs_arima_n_coef() values; NaN = free */
    double kappa;         /* diffuse prior variance; <= 0 means 1e6 */
    int maxit;            /* BFGS iterations; <= 0 means 100 */
    double reltol;        /* BFGS relative tolerance; <= 0 means 1e-8 */
    int want_var;         /* compute the Hessian and var_coef */
    int want_residuals;   /* fill residuals */
    int (*stop)(void);    /* NULL, or asked at every BFGS iteration: nonzero
                           * abandons the fit (status error, "interrupted");
                           * batches pass lagrs_batch_stop_requested */
    /* For the candidates of an order search (auto_arima), which need only
     * the criterion, the coefficients and sigma2 (all 0 / NULL / Inf by
     * default, which gives the plain fit):
     * search      no forecasting state (method CSS then skips the final
     *             filter), and an ML search that ends near an AR unit root
     *             is not redone with the full filter: the result's
     *             near_unit_root is set, coef holds the fast filter's
     *             estimates and nothing else is computed (the caller
     *             decides whether the full fit is worth it);
     * css_start   the estimates of the same model's method-"CSS" fit (with
     *             its convergence code css_converged == 0), which CSS-ML
     *             then uses instead of running that fit again;
     * var_aic_below  with want_var and method ML or CSS-ML, the Hessian
     *             is computed only when the fit's AIC is below this (a
     *             candidate that cannot win needs none); var_coef is NaN
     *             otherwise and var_done says which. */
    int search;
    const double *css_start;
    int css_converged;
    double var_aic_below;
} lagrs_arima_spec;

/* Fill a spec with stats::arima's defaults for the given order. */
void lagrs_arima_spec_init(lagrs_arima_spec *spec, int p, int d, int q,
                           int P, int D, int Q, int period);

/* Number of coefficients, including intercept/drift/xreg columns. */
int lagrs_arima_n_coef(const lagrs_arima_spec *spec, int n_xreg);
/* The name of coefficient k (0-based, k < lagrs_arima_n_coef(spec, 0)) into
 * buf; returns 0 when k is past the model's own coefficients (the user's
 * xreg columns, named by the caller).  The one place these names are made. */
int lagrs_arima_coef_name(const lagrs_arima_spec *spec, int k, char *buf, size_t size);
/* The length rule: a fit needs MORE non-missing values than this
 * (d + s D differences and p + s P AR lags).  The one place it is made. */
R_xlen_t lagrs_arima_min_obs(const lagrs_arima_spec *spec);
/* Dimension of the state vector: max(p + s P, q + s Q + 1) + d + s D. */
int lagrs_arima_state_dim(const lagrs_arima_spec *spec);

/* Output of a fit.  The caller owns the buffers below and sets the pointers
 * before calling (any of residuals, var_coef may be NULL to skip them):
 *   coef       n_coef                     (lagrs_arima_n_coef)
 *   var_coef   n_coef * n_coef, column-major; the leading n_free x n_free
 *              block holds the covariance of the free coefficients in
 *              coefficient order (as stats::arima's var.coef)
 *   residuals  n (NA where y is NA), as stats::arima's residuals
 *   state_a    state_dim                  (lagrs_arima_state_dim)
 *   state_P    state_dim * state_dim
 * state_a/state_P receive the filtered state at the end of the series:
 * together with coef and sigma2 they are all forecasting needs. */
typedef struct {
    double *coef;
    double *var_coef;
    double *residuals;
    double *state_a;
    double *state_P;
    double sigma2;
    double loglik;        /* stats::arima's loglik (CSS: from the CSS objective) */
    double aic, aicc, bic; /* NaN for method CSS, as stats::arima's aic;
                            * aicc Inf when n - d - s D <= n_free + 2 */
    R_xlen_t n_used;      /* non-missing observations minus d + s D */
    int n_coef, n_free, state_dim;
    int n_cond;           /* conditioning used by CSS (0 for ML) */
    int convergence;      /* enum lagrs_arima_convergence */
    int near_unit_root;   /* spec->search only, see there */
    int var_done;         /* the Hessian was computed (want_var) */
    int status;           /* enum lagrs_arima_status */
    char message[LAGRS_ARIMA_MSG_LEN];
} lagrs_arima_result;

/* The whole fit of one series y[0..n-1] (NaN = missing) with optional
 * regressors xreg (n x n_xreg, column-major, may be NULL when n_xreg == 0).
 * Returns out->status. */
int lagrs_arima_fit_kernel(const double *y, R_xlen_t n, const double *xreg,
                           int n_xreg, const lagrs_arima_spec *spec,
                           lagrs_arima_result *out);

/* Cheap path for order selection: the same fit without Hessian, covariance
 * or residuals; fills loglik, aic, aicc, bic, sigma2 and coef (coef must
 * hold lagrs_arima_n_coef values, or be NULL).  Returns the status. */
int lagrs_arima_ic_kernel(const double *y, R_xlen_t n, const double *xreg,
                          int n_xreg, const lagrs_arima_spec *spec,
                          double *coef, double *loglik, double *aicc,
                          double *aic, double *bic, double *sigma2);

/* Forecasts h steps after a fit of a series of length n (the drift
 * regressor continues n+1, n+2, ...).  xreg_future is h x n_xreg
 * (column-major) with the user's future regressors, NULL if n_xreg == 0.
 * mean and se receive h values (se = sqrt(prediction variance * sigma2),
 * as predict.Arima).  Returns a status; msg (LAGRS_ARIMA_MSG_LEN) may be
 * NULL. */
int lagrs_arima_forecast_kernel(const lagrs_arima_spec *spec,
                                const lagrs_arima_result *fit, R_xlen_t n,
                                int h, const double *xreg_future, int n_xreg,
                                double *mean, double *se, char *msg);

/* Carries a fit's filter on over y[n_old .. n - 1], y[0 .. n_old - 1] being
 * the series the fit saw (arima_extend.c): fit->state_a and fit->state_P,
 * the filtered state a fit leaves, are advanced in place with the
 * coefficients fit->coef (n_coef of them, no xreg), as a fit of y[0..n-1]
 * with every coefficient fixed would leave them, up to rounding.  The
 * drift regressor continues n_old + 1, n_old + 2, ...  Returns a status;
 * msg (LAGRS_ARIMA_MSG_LEN) may be NULL. */
int lagrs_arima_extend_kernel(const lagrs_arima_spec *spec, lagrs_arima_result *fit,
                              const double *y, R_xlen_t n_old, R_xlen_t n, char *msg);

/* 1 when the AR polynomial 1 - a_1 z - ... - a_p z^p has all roots outside
 * the unit circle (stationary), 0 otherwise. */
int lagrs_arima_ar_stationary(const double *ar, int p);
/* 1 when the MA polynomial 1 + m_1 z + ... + m_q z^q has no root inside
 * the unit circle (invertible), 0 otherwise. */
int lagrs_arima_ma_invertible(const double *ma, int q);

#endif
