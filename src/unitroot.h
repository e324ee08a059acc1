/* The differencing tests of automatic ARIMA order selection, in plain C:
 * the number of ordinary differences by the KPSS test and the number of
 * seasonal differences by seasonal strength, as forecast::ndiffs() and
 * forecast::nsdiffs() choose them (forecast 8.20, urca 1.3.3).  Seasonal
 * strength rests on the STL decomposition of stl.h.
 *
 * Nothing here uses R: no R types, no allocation through R, no error
 * handling through R, no global or static state.  Every function may run in
 * an OpenMP thread at the same time as any other.
 *
 * Workspace: functions that need scratch memory take `double *work`.  Pass
 * NULL and they malloc() and free() their own (reporting LAGRS_UR_NOMEM if
 * that fails), or pass at least the number of doubles the matching
 * *_work_size() function returns, e.g. one per thread allocated before a
 * parallel region.
 *
 * Missing values are NaN (R's NA_real_ is a NaN).  Where the rules below
 * say "missing", both NA and NaN count, as is.na() does in R.
 *
 * Where forecast 8.20 keeps each rule, and where it is here:
 *   ndiffs: na.omit, alpha clamp, constant checks, KPSS loop, max.d
 *                                        -> lagrs_ndiffs_kpss()
 *   urca::ur.kpss(type "mu"), lag trunc(3 sqrt(n)/13), p-value by approx
 *                                        -> lagrs_kpss_stat/_lag/_pvalue()
 *   nsdiffs: constant, frequency < 2, frequency >= n, test failure -> 0,
 *     max.D loop with the 2m length rule  -> lagrs_nsdiffs_seas()
 *   seas.heuristic + mstl (+ na.interp)  -> lagrs_seasonal_strength()
 *   is.constant                          -> lagrs_is_constant()
 * What auto.arima decides with them before its first fit is the plan of
 * auto_arima.h (auto_arima_plan.c). */
#ifndef LAGRS_UNITROOT_H
#define LAGRS_UNITROOT_H

#include "lagrs_c.h"

/* Status codes returned by the functions below, numbered as stl.h's
 * lagrs_stl_status so that a failure of the STL passes through unchanged
 * (unitroot.c checks that they agree). */
enum lagrs_unitroot_status {
    LAGRS_UR_OK = 0,
    LAGRS_UR_NOMEM = 1,     /* malloc() of the workspace failed */
    LAGRS_UR_BAD_ARG = 2,   /* a parameter is out of range (see each function) */
    LAGRS_UR_TOO_SHORT = 3, /* n <= 2 * period ("less than two periods") */
    LAGRS_UR_MISSING = 4    /* a missing or infinite value where none may be */
};

/* Bit flags reported through `notes` (may be combined); R reads them as
 * lagrs_codes("unitroot_notes"). */
enum lagrs_unitroot_note {
    LAGRS_UR_NOTE_ALPHA_CLAMPED = 1, /* alpha was moved into [0.01, 0.1] */
    LAGRS_UR_NOTE_TEST_FAILED = 2,   /* the test could not be computed; forecast
                                        warns and keeps the differences so far */
    LAGRS_UR_NOTE_NON_SEASONAL = 4   /* frequency <= 1: forecast::nsdiffs()
                                        stops ("Non seasonal data") for 1 */
};

/* mean(x) as R computes it: a long double sum, refined by a second pass
 * (the plan's fixed constants are such means). */
double lagrs_r_mean(const double *x, ptrdiff_t n);

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
 *   2. alpha is clamped to [0.01, 0.1] (forecast warns;
 *      LAGRS_UR_NOTE_ALPHA_CLAMPED).
 *   3. d = 0.  If the series is constant (lagrs_is_constant), stop.
 *   4. Test with lag trunc(3 sqrt(n)/13), n the current length; "difference"
 *      when p-value < alpha.  A NaN statistic (e.g. an infinite value or an
 *      empty series) stops with the current d (one less if it happened on a
 *      differenced series), as forecast does for an NA p-value.
 *   5. While "difference" and d < max_d: d += 1, difference once, stop if
 *      the result is constant, else test again.
 * max_d >= 0, else LAGRS_UR_BAD_ARG.  *d_out is written on success. */
int lagrs_ndiffs_kpss(const double *x, ptrdiff_t n, double alpha, int max_d,
                      double *work, int *d_out, int *notes);

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
 * Errors: LAGRS_UR_BAD_ARG (frequency < 2), LAGRS_UR_TOO_SHORT
 * (n <= 2 frequency), LAGRS_UR_MISSING (an infinite value, or fewer than
 * two present values), LAGRS_UR_NOMEM. */
int lagrs_seasonal_strength(const double *x, ptrdiff_t n, double frequency,
                            double *work, double *strength);

/* forecast::nsdiffs(x, test = "seas", max.D = max_D) for a ts of frequency
 * `frequency`:
 *   1. D = 0.  Stop if x is constant (lagrs_is_constant: any missing value
 *      makes it not constant).
 *   2. frequency <= 1: D = 0 with LAGRS_UR_NOTE_NON_SEASONAL (forecast
 *      stops with
 *      "Non seasonal data" for 1 and warns and returns 0 below 1).
 *   3. Stop if frequency >= n.
 *   4. "difference" when the seasonal strength is > 0.64.  When the strength
 *      cannot be computed (frequency < 2, n <= 2 frequency, an infinite
 *      value...) forecast warns and does not difference:
 *      LAGRS_UR_NOTE_TEST_FAILED.
 *   5. The lag is round(frequency) from here on (forecast rounds a
 *      non-whole frequency, with a warning, once it differences).  While
 *      "difference" and D < max_D: D += 1, take the lagged difference, stop
 *      if it is constant, test again only when its length >= 2 lag and
 *      D < max_D (so with max_D = 1 there is one test).
 * max_D >= 0, else LAGRS_UR_BAD_ARG. */
int lagrs_nsdiffs_seas(const double *x, ptrdiff_t n, double frequency,
                       int max_D, double *work, int *D_out, int *notes);

#endif
