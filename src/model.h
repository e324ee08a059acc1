/* lagrs model families: the one plain-C interface that every way of running
 * a model (a batch today; cross-validation and ensembles next) calls.
 *
 * A family is a constant lagrs_family: a name, the names of its options,
 * and five functions.  Nothing here uses the R API, so every function may
 * run inside an OpenMP thread; problems are reported through the status and
 * message of the output, and the entry points (batchR.c) raise them on the
 * main thread afterwards.
 *
 * To add a family:
 *   1. write src/model_<name>.c with a `const lagrs_family lagrs_family_<name>`
 *      (read model_arima.c, the shortest implementation);
 *   2. declare it below and add it to the table in model.c;
 *   3. write R/model_<name>.R: the `<name>_model()` constructor, whose
 *      `options` are a named double vector with exactly the names the family
 *      declares (R reads them with lagrs_family_info()), and its docs.
 * The batch runner, forecast and the batch's R methods then work for it.
 *
 * The contract of each function:
 *   parse   reads the option values (in the family's declared order, NA as
 *           NaN) into the family's options struct (options_size bytes) and
 *           checks them: LAGRS_FIT_OK or an error status with a message.
 *           Called once per batch, on the main thread.
 *   work    a scheduling estimate (element operations) of one fit of n
 *           values; only its sum over a batch matters (one thread or many).
 *   fit     fits y[0..n-1] (NaN = missing), a series of the given frequency
 *           (1 when it has none), into *out: the statistics, the codes and
 *           info the family declares, the coefficients, and `state`, a
 *           malloc()ed array with everything forecast needs (the caller
 *           frees it).  out->residuals, when not NULL, has n slots to fill
 *           (NaN where there is no residual).  Results depend only on the
 *           inputs, never on the thread.  Returns out->status.
 *   forecast  h steps ahead from a state that fit made: mean[h], and for
 *           each of the n_levels levels (percent, in (0, 100)) the interval
 *           bounds lower[h * k .. h * k + h - 1] and upper likewise.
 *           Returns a status; message may be NULL.
 *   coef_name  the name of coefficient k of a fit (0 when k is past its
 *           coefficients); with fit NULL, of every coefficient any fit of
 *           these options may have, in the family's order (the columns of
 *           a batch's coefficient matrix).  On the main thread.
 *   label   the fitted model's short label ("ARIMA(0,1,1)(0,1,1)[12]"), or
 *           "" when the fit has no model.  On the main thread.
 *
 *   filter  applies a fitted state's parameters, frozen, to y[0..n-1] (the
 *           same series, usually a longer stretch of it), as
 *           forecast::Arima(y, model = fit) or ets(y, model = fit) do: fills
 *           *out as fit does (statistics of y under the frozen parameters,
 *           residuals when asked, a new malloc()ed state that forecast
 *           reads), without estimating anything.  Cross-validation calls
 *           it at the origins of a refit block after the first.  NULL
 *           when the family has none: the caller then refits.  Any thread.
 *   extend  as filter, when the first m values of y are the very values the
 *           state was made from (by fit, filter or extend of y[0..m-1]: the
 *           same stretch, grown at its end): carries the state on over the
 *           new values instead of filtering y again (the same values up to
 *           rounding), so each later origin of an expanding window costs
 *           only its new values.  Its statistics other than sigma2 may be
 *           NaN; with residuals asked it filters.  NULL: the caller filters.
 *           Any thread.
 */
#ifndef LAGRS_MODEL_H
#define LAGRS_MODEL_H

#include "lagrs_c.h"
#include <limits.h>

#define LAGRS_MSG_LEN 256
#define LAGRS_MAX_CODES 8  /* integer descriptors of a fitted model */
#define LAGRS_MAX_INFO 8   /* numeric facts of a fit */
#define LAGRS_NA_CODE INT_MIN  /* a code the fit did not set (R's NA) */

/* A series' status: 0 and 1 are usable fits, every larger value an error
 * (families number their own errors from 2 up). */
enum lagrs_fit_status {
    LAGRS_FIT_OK = 0,
    LAGRS_FIT_WARNING = 1,   /* usable; the message says what to know */
    LAGRS_FIT_ERROR = 2      /* the first error code */
};

typedef struct {
    int status;
    char message[LAGRS_MSG_LEN];
    double sigma2, loglik, aic, aicc, bic, nobs;
    int convergence;
    int codes[LAGRS_MAX_CODES];   /* the family's code_names, in order */
    double info[LAGRS_MAX_INFO];  /* the family's info_names, in order */
    double *state;                /* malloc()ed by fit; NULL on error */
    R_xlen_t state_len;
    int coef_offset, n_coef;      /* the coefficients: state[coef_offset ..] */
    double *residuals;            /* set by the caller: n slots, or NULL */
} lagrs_fit;

typedef struct lagrs_family {
    const char *name;
    int n_options;
    const char *const *option_names;
    size_t options_size;
    int n_codes;
    const char *const *code_names;
    int n_info;
    const char *const *info_names;
    int (*parse)(const double *values, void *options, char *message);
    double (*work)(const void *options, R_xlen_t n);
    int (*fit)(const void *options, const double *y, R_xlen_t n, double frequency,
               lagrs_fit *out);
    int (*forecast)(const void *options, const double *state, R_xlen_t state_len, int h,
                    const double *levels, int n_levels, double *mean, double *lower,
                    double *upper, char *message);
    int (*coef_name)(const void *options, const lagrs_fit *fit, int k, char *buf,
                     size_t size);
    void (*label)(const void *options, const lagrs_fit *fit, char *buf, size_t size);
    int (*filter)(const void *options, const double *state, R_xlen_t state_len,
                  const double *y, R_xlen_t n, double frequency, lagrs_fit *out);
    int (*extend)(const void *options, const double *state, R_xlen_t state_len,
                  const double *y, R_xlen_t n, double frequency, lagrs_fit *out);
} lagrs_family;

extern const lagrs_family lagrs_family_arima;
extern const lagrs_family lagrs_family_auto_arima;
extern const lagrs_family lagrs_family_croston;
extern const lagrs_family lagrs_family_adida;
extern const lagrs_family lagrs_family_theta;
extern const lagrs_family lagrs_family_theta_otm;
extern const lagrs_family lagrs_family_baseline;
extern const lagrs_family lagrs_family_ensemble;
extern const lagrs_family lagrs_family_ets;

/* A fit before its family's fit runs: zeros, every code NA, every info
 * NaN, convergence NA, and the caller's residual slots (or NULL). */
void lagrs_fit_init(lagrs_fit *fit, double *residuals);

/* The family of that name, or NULL. */
const lagrs_family *lagrs_family_find(const char *name);
/* The i-th family of the table (NULL past the end). */
const lagrs_family *lagrs_family_at(int i);

/* Standard normal quantile, as R's qnorm(p) (Wichura's AS 241, the same
 * operations as R's nmath, so the same doubles) for 0 < p < 1. */
double lagrs_qnorm(double p);

/* A flat forecast without intervals (the intermittent-demand methods):
 * mean[0..h-1] = value, every bound NaN. */
void lagrs_flat_forecast(double value, int h, int n_levels, double *mean, double *lower,
                         double *upper);

/* Normal intervals from means and standard errors, as every Gaussian family
 * gives them: lower = mean - z se and upper = mean + z se with
 * z = qnorm(0.5 + level / 200), for each level. */
/* Student t quantile, as R's qt(p, df) (to about 1e-13 relative) for
 * 0 <= p <= 1 and df > 0 (df = Inf: the normal quantile): Newton's method on
 * the incomplete beta ratio's continued fraction (model.c). */
double lagrs_qt(double p, double df);

void lagrs_normal_intervals(const double *mean, const double *se, int h,
                            const double *levels, int n_levels, double *lower,
                            double *upper);

#endif
