/* Plain-C building blocks for automatic ARIMA order selection: the number of
 * ordinary differences by the KPSS test and the number of seasonal
 * differences by seasonal strength, as forecast::ndiffs() and
 * forecast::nsdiffs() choose them (forecast 8.20, urca 1.3.3), and the STL
 * decomposition of stats::stl() that the seasonal rule rests on.
 *
 * Nothing here uses R: no R types, no allocation through R, no error
 * handling through R, no global or static state.  Every function may run in
 * an OpenMP thread at the same time as any other.  Lengths are ptrdiff_t,
 * which is R_xlen_t on every 64-bit platform R supports.
 *
 * Workspace: functions that need scratch memory take `double *work`.  Pass
 * NULL and they malloc() and free() their own (reporting LAGRS_SEL_NOMEM if
 * that fails), or pass at least the number of doubles the matching
 * *_work_size() function returns, e.g. one per thread allocated before a
 * parallel region.
 *
 * Missing values are NaN (R's NA_real_ is a NaN).  Where the rules below
 * say "missing", both NA and NaN count, as is.na() does in R.
 *
 * Where forecast 8.20 keeps each rule, and where it is here:
 *   auto.arima: drop leading NAs, serieslength, constant exit, m = round(
 *     frequency), order caps by serieslength/3 (and /m), ic "aic" when
 *     serieslength <= 3, D = 0 when m == 1 or length <= 2m, "all NA after
 *     differencing" step-backs, empty / constant differenced series exits,
 *     p, q <= m - 1, drift only if d + D == 1, mean only if d + D == 0,
 *     approximation default, stepwise start orders
 *                                        -> lagrs_autoarima_prepare()
 *   ndiffs: na.omit, alpha clamp, constant checks, KPSS loop, max.d
 *                                        -> lagrs_ndiffs_kpss()
 *   urca::ur.kpss(type "mu"), lag trunc(3 sqrt(n)/13), p-value by approx
 *                                        -> lagrs_kpss_stat/_lag/_pvalue()
 *   nsdiffs: constant, frequency < 2, frequency >= n, test failure -> 0,
 *     max.D loop with the 2m length rule  -> lagrs_nsdiffs_seas()
 *   seas.heuristic + mstl (+ na.interp)  -> lagrs_seasonal_strength()
 *   stats::stl (Fortran stl.f)           -> lagrs_stl()
 *   is.constant                          -> lagrs_is_constant()
 * Not here (they need fits): the approximation offset, the model search,
 * myarima's checks of each fit. */
#ifndef LAGRS_SELECT_H
#define LAGRS_SELECT_H

#include <stddef.h>

/* Status codes returned by the functions below. */
#define LAGRS_SEL_OK 0
#define LAGRS_SEL_NOMEM 1     /* malloc() of the workspace failed */
#define LAGRS_SEL_BAD_ARG 2   /* a parameter is out of range (see each function) */
#define LAGRS_SEL_TOO_SHORT 3 /* stl(): n <= 2 * period ("less than two periods") */
#define LAGRS_SEL_MISSING 4   /* stl(): the series has a missing or infinite value */

/* Bit flags reported through `notes` (may be combined). */
#define LAGRS_SEL_NOTE_ALPHA_CLAMPED 1 /* alpha was moved into [0.01, 0.1] */
#define LAGRS_SEL_NOTE_TEST_FAILED 2   /* the test could not be computed; forecast
                                          warns and keeps the differences so far */
#define LAGRS_SEL_NOTE_NON_SEASONAL 4  /* frequency <= 1: forecast::nsdiffs()
                                          stops ("Non seasonal data") for 1 */

/* ---- forecast:::is.constant() ------------------------------------------
 * 1 when isTRUE(all.equal(x, rep(x[1], n))) with all.equal's default
 * tolerance sqrt(DBL_EPSILON): the mean absolute difference from x[0] over
 * the elements that differ from x[0], relative to their mean absolute value
 * (absolute when that is <= tolerance or not finite), is <= tolerance.
 * Any missing value gives 0 (all.equal reports an NA mismatch); n == 0
 * and n == 1 give 1. */
int lagrs_is_constant(const double *x, ptrdiff_t n);

/* ---- KPSS level-stationarity test (urca::ur.kpss(type = "mu")) ----------
 * Statistic sum(S_t^2) / n^2 / (s^2 + 2/n * sum_{l=1}^{lag} (1 - l/(lag+1))
 * gamma_l), where e = x - mean(x), S = cumsum(e), s^2 = sum(e^2)/n and
 * gamma_l = sum_t e_t e_{t-l}.  `x` must have no missing values (NaN in,
 * NaN out); lag >= 0 and lag < n (else NaN).  No workspace needed: the
 * residuals are recomputed on the fly. */
double lagrs_kpss_stat(const double *x, ptrdiff_t n, int lag);

/* The lag ndiffs() uses: trunc(3 * sqrt(n) / 13). */
int lagrs_kpss_lag(ptrdiff_t n);

/* p-value of a "mu" statistic as ndiffs() gets it: linear interpolation of
 * urca's table (critical values 0.347, 0.463, 0.574, 0.739 at 10%, 5%,
 * 2.5%, 1%) by stats::approx(rule = 2), so it lies in [0.01, 0.1].  NaN in,
 * NaN out. */
double lagrs_kpss_pvalue(double stat);

/* Doubles of workspace lagrs_ndiffs_kpss() needs: n. */
size_t lagrs_ndiffs_work_size(ptrdiff_t n);

/* forecast::ndiffs(x, alpha, test = "kpss", type = "level", max.d = max_d).
 *   1. Missing values are dropped (na.omit) and the rest kept in order.
 *   2. alpha is clamped to [0.01, 0.1] (forecast warns; NOTE_ALPHA_CLAMPED).
 *   3. d = 0.  If the series is constant (lagrs_is_constant), stop.
 *   4. Test with lag trunc(3 sqrt(n)/13), n the current length; "difference"
 *      when p-value < alpha.  A NaN statistic (e.g. an infinite value or an
 *      empty series) stops with the current d (one less if it happened on a
 *      differenced series), as forecast does for an NA p-value.
 *   5. While "difference" and d < max_d: d += 1, difference once, stop if
 *      the result is constant, else test again.
 * max_d >= 0, else LAGRS_SEL_BAD_ARG.  *d_out is written on success. */
int lagrs_ndiffs_kpss(const double *x, ptrdiff_t n, double alpha, int max_d,
                      double *work, int *d_out, int *notes);

/* ---- STL (stats::stl, Cleveland et al. 1990) ----------------------------- */
typedef struct {
    int period;         /* >= 2 */
    int s_window;       /* spans: odd, >= 3 (even or smaller ones are moved */
    int t_window;       /*   up the way stl.f does) */
    int l_window;
    int s_degree, t_degree, l_degree; /* 0 or 1 */
    int s_jump, t_jump, l_jump;       /* >= 1 */
    int inner;          /* >= 1 */
    int outer;          /* >= 0; robustness weights when > 0 */
} lagrs_stl_opts;

/* Fill `opts` with stats::stl()'s defaults for a series of this frequency
 * and s.window: period (int) frequency, s.degree 0, t.window
 * nextodd(ceiling(1.5 frequency / (1 - 1.5 / s.window))), t.degree 1,
 * l.window nextodd(frequency), l.degree 1, jumps ceiling(window / 10),
 * inner 2 and outer 0, or 1 and 15 when robust.  (stl() also refuses
 * n <= 2 * frequency, which for a non-whole frequency is stricter than
 * lagrs_stl()'s n <= 2 * period.) */
void lagrs_stl_default_opts(double frequency, int s_window, int robust,
                            lagrs_stl_opts *opts);

/* Doubles of workspace lagrs_stl() needs: 5 * (n + 2 * period) + n. */
size_t lagrs_stl_work_size(ptrdiff_t n, int period);

/* Seasonal and trend components (and robustness weights, all 1 when
 * outer == 0) of y[0..n-1], as stats::stl's Fortran routine computes them;
 * the remainder is y - seasonal - trend.  `weights` may be NULL.
 * Errors: LAGRS_SEL_BAD_ARG (period < 2, a degree not 0/1, a jump < 1,
 * inner < 1, outer < 0, n > INT_MAX), LAGRS_SEL_TOO_SHORT (n <= 2 period),
 * LAGRS_SEL_MISSING (a non-finite value). */
int lagrs_stl(const double *y, ptrdiff_t n, const lagrs_stl_opts *opts,
              double *seasonal, double *trend, double *weights,
              double *work);

/* ---- seasonal strength (forecast:::seas.heuristic) ------------------------ */

/* Doubles of workspace lagrs_seasonal_strength() / lagrs_nsdiffs_seas()
 * need. */
size_t lagrs_seasonal_work_size(ptrdiff_t n, double frequency);

/* max(0, min(1, 1 - var(R) / var(R + S))) where S and R are the seasonal
 * and remainder of forecast::mstl(x) for a ts of frequency `frequency`
 * (a whole number or not, e.g. 52.18, as stl() takes it): for a
 * single period mstl is one stl(s.window = 11) with stl's other defaults,
 * not robust; the remainder is (x - S) - T.  Missing values are first
 * filled by forecast::na.interp (linear interpolation when at most
 * 2 * period values are present, else a Fourier + polynomial regression
 * followed by a robust STL, falling back to linear interpolation when that
 * leaves the data's range by more than half of it), and the remainder is
 * missing where x was, which var(na.rm = TRUE) skips.
 * Errors: LAGRS_SEL_BAD_ARG (frequency < 2), LAGRS_SEL_TOO_SHORT
 * (n <= 2 frequency), LAGRS_SEL_MISSING (an infinite value, or fewer than
 * two present values), LAGRS_SEL_NOMEM. */
int lagrs_seasonal_strength(const double *x, ptrdiff_t n, double frequency,
                            double *work, double *strength);

/* forecast::nsdiffs(x, test = "seas", max.D = max_D) for a ts of frequency
 * `frequency`:
 *   1. D = 0.  Stop if x is constant (lagrs_is_constant: any missing value
 *      makes it not constant).
 *   2. frequency <= 1: D = 0 with NOTE_NON_SEASONAL (forecast stops with
 *      "Non seasonal data" for 1 and warns and returns 0 below 1).
 *   3. Stop if frequency >= n.
 *   4. "difference" when the seasonal strength is > 0.64.  When the strength
 *      cannot be computed (frequency < 2, n <= 2 frequency, an infinite
 *      value...) forecast warns and does not difference: NOTE_TEST_FAILED.
 *   5. The lag is round(frequency) from here on (forecast rounds a
 *      non-whole frequency, with a warning, once it differences).  While
 *      "difference" and D < max_D: D += 1, take the lagged difference, stop
 *      if it is constant, test again only when its length >= 2 lag and
 *      D < max_D (so with max_D = 1 there is one test).
 * max_D >= 0, else LAGRS_SEL_BAD_ARG. */
int lagrs_nsdiffs_seas(const double *x, ptrdiff_t n, double frequency,
                       int max_D, double *work, int *D_out, int *notes);


/* ---- what forecast::auto.arima() decides before fitting any model ---------
 * (forecast 8.20, no xreg, no lambda).  Each rule names where it lives. */
typedef struct {
    int d, D;                 /* fixed orders, or -1 to choose (auto.arima's NA) */
    int max_p, max_q, max_P, max_Q;  /* 5, 5, 2, 2 */
    int max_d, max_D;         /* 2, 1 */
    int start_p, start_q, start_P, start_Q;  /* 2, 2, 1, 1 */
    int stationary;           /* 0: if 1, d = D = 0 */
    int seasonal;             /* 1: if 0, m = 1 */
    int allow_drift, allow_mean;  /* 1, 1 */
    double alpha;             /* 0.05, the KPSS level */
} lagrs_autoarima_opts;

/* auto.arima's defaults. */
void lagrs_autoarima_default_opts(lagrs_autoarima_opts *opts);

/* Outcomes of lagrs_autoarima_prepare(). */
#define LAGRS_PREP_SEARCH 0        /* search the models the plan allows */
#define LAGRS_PREP_ALL_MISSING 1   /* auto.arima stops: "All data are missing" */
#define LAGRS_PREP_CONSTANT 2      /* x is constant: ARIMA(0,0,0) with the mean
                                      fixed at constant_value (allow_mean) or
                                      no mean; auto.arima returns it at once */
#define LAGRS_PREP_NO_DATA 3       /* nothing left after differencing: auto.arima
                                      stops "Not enough data to proceed" */
#define LAGRS_PREP_CONSTANT_DIFF 4 /* the differenced series is constant: fit
                                      ARIMA(0,d,0)(0,D,0)_m with no search, with
                                      a constant fixed at constant_value when
                                      has_fixed_constant (D > 0 and d == 0: the
                                      mean of dx / m as drift; d < 2 and D == 0:
                                      the mean of dx as mean (d 0) or drift
                                      (d 1)); else no constant */
#define LAGRS_PREP_POLYNOMIAL 5    /* dx constant with d > 2 and D == 0:
                                      auto.arima stops "Data follow a simple
                                      polynomial..." */

/* Bits of plan->warnings. */
#define LAGRS_PREP_WARN_TWO_SEASONAL 1 /* D >= 2: "more than one seasonal difference" */
#define LAGRS_PREP_WARN_THREE_DIFFS 2  /* D < 2 and d + D > 2 */
#define LAGRS_PREP_WARN_SEAS_TEST 4    /* nsdiffs' strength could not be computed */
#define LAGRS_PREP_WARN_ALPHA 8        /* alpha clamped to [0.01, 0.1] */

typedef struct {
    int outcome;              /* LAGRS_PREP_* */
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
    int warnings;             /* LAGRS_PREP_WARN_* bits */
} lagrs_autoarima_plan;

/* Doubles of workspace lagrs_autoarima_prepare() needs. */
size_t lagrs_autoarima_work_size(ptrdiff_t n, int m);

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
 * seasonal lag are round(frequency)).  Returns LAGRS_SEL_OK,
 * LAGRS_SEL_NOMEM or LAGRS_SEL_BAD_ARG; the outcome is in plan->outcome. */
int lagrs_autoarima_prepare(const double *x, ptrdiff_t n, double frequency,
                            const lagrs_autoarima_opts *opts, double *work,
                            lagrs_autoarima_plan *plan);

/* ---- R entry points (select.c), seen only where Rinternals.h is included */
#ifdef R_INTERNALS_H_
SEXP lagrs_is_constant_call(SEXP x);
SEXP lagrs_kpss_call(SEXP x, SEXP lag);
SEXP lagrs_ndiffs_kpss_call(SEXP x, SEXP alpha, SEXP max_d);
SEXP lagrs_nsdiffs_seas_call(SEXP x, SEXP period, SEXP max_D);
SEXP lagrs_seasonal_strength_call(SEXP x, SEXP period);
SEXP lagrs_stl_call(SEXP x, SEXP params);
SEXP lagrs_autoarima_prepare_call(SEXP x, SEXP frequency, SEXP opts);
SEXP lagrs_autoarima_prepare_batch_call(SEXP series, SEXP frequency, SEXP opts);
#endif

#endif
