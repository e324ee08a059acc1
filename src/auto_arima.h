/* lagrs automatic ARIMA order selection: the plain-C interface.
 *
 * lagrs_auto_arima_kernel() (auto_arima.c) chooses an ARIMA model for one
 * series the way forecast::auto.arima() (forecast 8.20) does with its
 * defaults, after the plan of lagrs_auto_prepare() (auto_arima_plan.c),
 * which decides what auto.arima decides before fitting any model: leading
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
 * Nothing here uses the R API (R_xlen_t apart): the kernel may run in an
 * OpenMP thread.  It allocates its own workspace with malloc() and frees it,
 * and reports problems through the result's status and message. */
#ifndef LAGRS_AUTO_ARIMA_H
#define LAGRS_AUTO_ARIMA_H

#include "lagrs_c.h"
#include "arima.h"

enum lagrs_auto_ic {
    LAGRS_AUTO_AICC = 0,
    LAGRS_AUTO_AIC = 1,
    LAGRS_AUTO_BIC = 2
};

/* Status codes, numbered after the ARIMA engine's so that one table
 * ("ok", "warning", then errors) serves both; R reads them as
 * lagrs_codes("auto_status"). */
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

/* The options of the automatic search, auto.arima's arguments; the plan
 * reads the ones it needs. */
typedef struct {
    int max_p, max_q, max_P, max_Q;  /* 5, 5, 2, 2 */
    int max_order;       /* 5: the exhaustive search's limit on p + q + P + Q */
    int max_d, max_D;    /* 2, 1 */
    int start_p, start_q, start_P, start_Q;  /* 2, 2, 1, 1 */
    int ic;              /* enum lagrs_auto_ic */
    int stepwise;        /* 1 */
    int nmodels;         /* 94, at least 5 */
    int approximation;   /* 1, 0, or -1: length > 150 or frequency > 12 */
    int d, D;            /* fixed orders of differencing, or -1 to test */
    int stationary;      /* 0: if 1, d = D = 0 */
    int seasonal;        /* 1: if 0, treat the series as non-seasonal (m = 1) */
    int allow_drift, allow_mean;  /* 1, 1 */
    double alpha;        /* level of the KPSS test (0.05) */
} lagrs_auto_options;

/* forecast::auto.arima()'s defaults. */
void lagrs_auto_options_init(lagrs_auto_options *opt);

/* ---- the plan: what forecast::auto.arima() decides before fitting --------
 * (forecast 8.20, no xreg, no lambda).  Each rule names where it lives. */

/* Outcomes of lagrs_auto_prepare(); R reads them as
 * lagrs_codes("auto_outcome"). */
enum lagrs_auto_outcome {
    LAGRS_AUTO_PLAN_SEARCH = 0,        /* search the models the plan allows */
    LAGRS_AUTO_PLAN_ALL_MISSING = 1,   /* auto.arima stops: "All data are missing" */
    LAGRS_AUTO_PLAN_CONSTANT = 2,      /* x is constant: ARIMA(0,0,0) with the
                                          mean fixed at constant_value
                                          (allow_mean) or no mean; auto.arima
                                          returns it at once */
    LAGRS_AUTO_PLAN_NO_DATA = 3,       /* nothing left after differencing:
                                          auto.arima stops "Not enough data to
                                          proceed" */
    LAGRS_AUTO_PLAN_CONSTANT_DIFF = 4, /* the differenced series is constant:
                                          fit ARIMA(0,d,0)(0,D,0)_m with no
                                          search, with a constant fixed at
                                          constant_value when has_fixed_constant
                                          (D > 0 and d == 0: the mean of dx / m
                                          as drift; d < 2 and D == 0: the mean
                                          of dx as mean (d 0) or drift (d 1));
                                          else no constant */
    LAGRS_AUTO_PLAN_POLYNOMIAL = 5     /* dx constant with d > 2 and D == 0:
                                          auto.arima stops "Data follow a
                                          simple polynomial..." */
};

/* Bits of plan->warnings: the warnings auto.arima gives before its search;
 * R reads them as lagrs_codes("auto_notes"). */
enum lagrs_auto_note {
    LAGRS_AUTO_NOTE_TWO_SEASONAL = 1, /* D >= 2: "more than one seasonal difference" */
    LAGRS_AUTO_NOTE_THREE_DIFFS = 2,  /* D < 2 and d + D > 2 */
    LAGRS_AUTO_NOTE_SEAS_TEST = 4,    /* nsdiffs' strength could not be computed */
    LAGRS_AUTO_NOTE_ALPHA = 8         /* alpha clamped to [0.01, 0.1] */
};

typedef struct {
    int outcome;              /* enum lagrs_auto_outcome */
    ptrdiff_t first;          /* 0-based index of the first non-missing value;
                                 auto.arima drops the values before it */
    ptrdiff_t n_used;         /* n - first: length(x) after that (trailing and
                                 inner missing values included) */
    ptrdiff_t series_length;  /* non-missing values from the first to the last
                                 non-missing one (auto.arima's serieslength) */
    int m;                    /* seasonal period: 1 unless seasonal and
                                 frequency >= 1, then round(frequency) */
    int d, D;
    int max_p, max_q, max_P, max_Q;  /* after the short-series and period caps */
    int start_p, start_q, start_P, start_Q;  /* stepwise starting model */
    int ic_aic;               /* serieslength <= 3: auto.arima uses AIC, not AICc */
    int approximation;        /* auto.arima's default: n_used > 150 or frequency > 12 */
    int allow_drift, allow_mean, constant;  /* after the d + D rules */
    int has_fixed_constant;   /* CONSTANT / CONSTANT_DIFF: constant_value is used */
    double constant_value;
    int warnings;             /* enum lagrs_auto_note bits */
} lagrs_auto_plan;

/* Doubles of workspace lagrs_auto_prepare() needs for n values and
 * seasonal period m. */
size_t lagrs_auto_plan_work_size(ptrdiff_t n, int m);

/* Everything auto.arima(x) decides before its first model fit, in its order:
 * drop leading missing values; the constant-series exit; m; max orders
 * capped by floor(serieslength / 3) (and / m for P, Q); ic; D by
 * nsdiffs (0 when m == 1 or n_used <= 2 m; one less if the differenced
 * series is all missing); d by ndiffs on the seasonally differenced series
 * (one less if the result is all missing); the exits for an empty or
 * constant differenced series; p, q capped at m - 1 when P, Q may be
 * positive; drift allowed only when d + D == 1, a mean only when
 * d + D == 0; stepwise start orders (at most 1, 1, 0, 0 when n_used < 10,
 * then capped by the max orders).  `frequency` is the series' frequency
 * (e.g. 12, or 52.18: nsdiffs sees it unrounded, as in forecast; m and the
 * seasonal lag are round(frequency)).  Reads the options up to alpha, not
 * the search's (max_order, ic, stepwise, nmodels, approximation).  `work`
 * is NULL (malloc'ed here) or lagrs_auto_plan_work_size(n, m) doubles.
 * Returns LAGRS_AUTO_OK, LAGRS_AUTO_MEMORY or LAGRS_AUTO_INPUT; the outcome
 * is in plan->outcome. */
int lagrs_auto_prepare(const double *x, ptrdiff_t n, double frequency,
                       const lagrs_auto_options *opt, double *work,
                       lagrs_auto_plan *plan);

/* ---- the search ----------------------------------------------------------- */

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
    int plan_notes;      /* enum lagrs_auto_note bits of the plan */
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

#endif
