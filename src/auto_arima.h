/* lagrs automatic ARIMA order selection: the plain-C interface.
 *
 * lagrs_auto_arima_kernel() chooses an ARIMA model for one series the way
 * forecast::auto.arima() (forecast 8.20) does with its defaults: leading
 * missing values dropped, the constant-series shortcuts, D by seasonal
 * strength (nsdiffs, test "seas"), d by the KPSS test (ndiffs) on the
 * seasonally differenced series, the limits that follow from the series
 * length, the CSS approximation with forecast's offset for long or
 * high-frequency series, the Hyndman-Khandakar stepwise search (or the
 * exhaustive search bounded by max_order), the rejection of models with a
 * root within 1.01 of the unit circle or an unusable covariance matrix, and
 * the final refit without approximation down the sorted list of models.
 * Models are visited in forecast's order and compared with forecast's
 * strict "<", so ties resolve the same way.
 *
 * What auto.arima decides before fitting (differencing, limits, the
 * constant exits) comes from the select feature's lagrs_autoarima_prepare()
 * (select.h); this file adds the fits and the search.
 *
 * Nothing here uses the R API (R_xlen_t apart): the kernel may run in an
 * OpenMP thread.  It allocates its own workspace with malloc() and frees it,
 * and reports problems through the result's status and message. */
#ifndef LAGRS_AUTO_ARIMA_H
#define LAGRS_AUTO_ARIMA_H

#include "lagrs.h"
#include "arima.h"

enum lagrs_auto_ic {
    LAGRS_AUTO_AICC = 0,
    LAGRS_AUTO_AIC = 1,
    LAGRS_AUTO_BIC = 2
};

/* Status codes, numbered after the ARIMA engine's so that one table
 * ("ok", "warning", then errors) serves both. */
enum lagrs_auto_status {
    LAGRS_AUTO_OK = 0,
    LAGRS_AUTO_ALL_MISSING = 6,  /* "All data are missing" */
    LAGRS_AUTO_TOO_SHORT = 7,    /* "Not enough data to proceed" */
    LAGRS_AUTO_POLYNOMIAL = 8,   /* constant after d > 2 differences */
    LAGRS_AUTO_NO_MODEL = 9,     /* no model could be fitted */
    LAGRS_AUTO_MEMORY = 10,
    LAGRS_AUTO_INPUT = 11        /* invalid options */
};

/* How the chosen model was reached. */
enum lagrs_auto_path {
    LAGRS_AUTO_SEARCHED = 0,
    LAGRS_AUTO_CONSTANT_SERIES = 1,     /* the series is constant */
    LAGRS_AUTO_CONSTANT_DIFFERENCED = 2 /* constant once differenced */
};

typedef struct {
    int max_p, max_q, max_P, max_Q, max_order, max_d, max_D;
    int start_p, start_q, start_P, start_Q;
    int ic;              /* enum lagrs_auto_ic */
    int stepwise;
    int nmodels;         /* at least 5 */
    int approximation;   /* 1, 0, or -1: length > 150 or frequency > 12 */
    int d, D;            /* fixed orders of differencing, or -1 to test */
    int allow_drift, allow_mean;
    int seasonal;        /* 0: treat the series as non-seasonal */
    double alpha;        /* level of the KPSS test (0.05) */
} lagrs_auto_options;

/* forecast::auto.arima()'s defaults. */
void lagrs_auto_options_init(lagrs_auto_options *opt);

typedef struct {
    /* the chosen model */
    int p, d, q, P, D, Q;
    int period;          /* seasonal period of the model (1 if none) */
    int constant;        /* forecast's flag: a mean (d + D = 0) or a drift
                            (d + D = 1) is in the model */
    int include_mean, include_drift;
    int method;          /* enum lagrs_arima_method of the final fit */
    int has_fixed;       /* 1: the mean or drift is fixed at fixed_value */
    double fixed_value;
    R_xlen_t start;      /* the model is fitted to y[start .. n - 1] */
    /* how it was found */
    int path;            /* enum lagrs_auto_path */
    int approximation;   /* the search used CSS with offset */
    double offset;
    int n_models;        /* models fitted, refits included */
    double ic;           /* the chosen model's criterion from the search */
    int select_notes;    /* LAGRS_PREP_WARN_* bits of the select plan */
    int status;          /* enum lagrs_auto_status */
    char message[LAGRS_ARIMA_MSG_LEN];
} lagrs_auto_result;

/* Choose a model for y[0 .. n-1] (NaN = missing) of the given frequency
 * (frequency(y) in R, e.g. 12 or 52.18; the seasonal period is its rounded
 * value, as in auto.arima).  Returns out->status. */
int lagrs_auto_arima_kernel(const double *y, R_xlen_t n, double frequency,
                            const lagrs_auto_options *opt,
                            lagrs_auto_result *out);

/* The engine spec of the chosen model (CSS-ML unless the search had to keep
 * an approximate fit).  `fixed` receives lagrs_arima_n_coef(spec, 0)
 * values (NaN = free) when res->has_fixed, and spec->fixed points to it;
 * it may be NULL otherwise.  At most 1 + p + q + P + Q values. */
void lagrs_auto_spec(const lagrs_auto_result *res, lagrs_arima_spec *spec,
                     double *fixed);

/* The final fit of the chosen model, as forecast returns it: the engine's
 * fit of y[res->start .. n-1] with sigma2 recomputed as
 * sum(residuals^2) / (n_star - n_par + 1) (n_star the non-missing count
 * less d + period * D, n_par the free coefficients plus one), the sum taken
 * in long double as R's sum() does.  The caller sets out's buffers as for
 * lagrs_arima_fit_kernel(); residuals may be NULL (the kernel then uses its
 * own).  Returns out->status. */
int lagrs_auto_final_fit(const double *y, R_xlen_t n,
                         const lagrs_auto_result *res, int want_var,
                         lagrs_arima_result *out);

/* R entry points (auto_arima.c). */
SEXP auto_arima_call(SEXP y, SEXP frequency, SEXP options);
SEXP auto_arima_batch_call(SEXP series, SEXP frequency, SEXP options,
                           SEXP progress);
SEXP auto_arima_batch_forecast_call(SEXP model, SEXP orders, SEXP h,
                                    SEXP progress);

#endif
