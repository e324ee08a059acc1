/* What forecast::auto.arima() (forecast 8.20, no xreg, no lambda) decides
 * before its first model fit: the plan the search of auto_arima.c follows.
 * Each step names the rule of auto.arima it reproduces.  Plain C behind
 * auto_arima.h: no R API, safe in OpenMP threads (the entry point is in
 * auto_arimaR.c). */
#include "auto_arima.h"
#include "unitroot.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t lagrs_auto_plan_work_size(ptrdiff_t n, int m)
{
    if (n < 1)
        n = 1;
    size_t seasonal = lagrs_seasonal_work_size(n, m > 1 ? (double) m + 1.0 : 0.0);
    return (size_t) n + (seasonal > (size_t) n ? seasonal : (size_t) n);
}

static int min_int(int a, int b) { return a < b ? a : b; }

/* diff(v, lag = lag) in place; returns the new length (0 when lag >= len,
 * as diff() returns an empty vector). */
static ptrdiff_t diff_in_place(double *v, ptrdiff_t len, ptrdiff_t lag)
{
    if (lag >= len)
        return 0;
    for (ptrdiff_t i = 0; i + lag < len; i++)
        v[i] = v[i + lag] - v[i];
    return len - lag;
}

/* all(is.na(v)): TRUE for an empty vector too */
static int all_missing(const double *v, ptrdiff_t len)
{
    for (ptrdiff_t i = 0; i < len; i++)
        if (!isnan(v[i]))
            return 0;
    return 1;
}

/* floor(a / 3 / m) capped to an int, as min(max, floor(...)) needs */
static int cap_by_length(int max_order, ptrdiff_t series_length, int m)
{
    double cap = floor((double) series_length / 3.0 / (double) m);
    return cap < (double) max_order ? (int) cap : max_order;
}

static int valid_options(ptrdiff_t n, double frequency, const lagrs_auto_options *o)
{
    return !(n < 0 || isnan(frequency) || o->d < -1 || o->D < -1 ||
             o->max_p < 0 || o->max_q < 0 || o->max_P < 0 || o->max_Q < 0 ||
             o->max_d < 0 || o->max_D < 0 || o->start_p < 0 || o->start_q < 0 ||
             o->start_P < 0 || o->start_Q < 0 || isnan(o->alpha));
}

/* The unit-root tests' failures as the search reports them. */
static int auto_status_of(int unitroot_status)
{
    if (unitroot_status == LAGRS_UR_OK)
        return LAGRS_AUTO_OK;
    return unitroot_status == LAGRS_UR_NOMEM ? LAGRS_AUTO_MEMORY : LAGRS_AUTO_INPUT;
}

/* Leading missing values, serieslength, m, the order caps, ic and the
 * default approximation: what auto.arima settles before its constant exit. */
static void plan_lengths(const double *x, ptrdiff_t n, double frequency,
                         const lagrs_auto_options *o, lagrs_auto_plan *plan)
{
    ptrdiff_t first = 0;
    while (first < n && isnan(x[first]))
        first++;
    plan->first = first;
    if (first == n) {
        plan->outcome = LAGRS_AUTO_PLAN_ALL_MISSING;
        return;
    }
    ptrdiff_t last = n - 1;
    while (isnan(x[last]))
        last--;
    ptrdiff_t series_length = 0;
    for (ptrdiff_t i = first; i <= last; i++)
        if (!isnan(x[i]))
            series_length++;
    ptrdiff_t len = n - first;
    plan->n_used = len;
    plan->series_length = series_length;

    int m = 1;
    if (o->seasonal && frequency >= 1.0) {
        double rounded = nearbyint(frequency); /* R's round() ties to even */
        m = rounded > INT_MAX ? INT_MAX : (int) rounded;
    }
    plan->m = m;
    plan->max_p = cap_by_length(o->max_p, series_length, 1);
    plan->max_q = cap_by_length(o->max_q, series_length, 1);
    plan->max_P = cap_by_length(o->max_P, series_length, m);
    plan->max_Q = cap_by_length(o->max_Q, series_length, m);
    plan->ic_aic = series_length <= 3;
    plan->approximation = len > 150 || frequency > 12.0;
}

/* D: fixed, 0 for a non-seasonal or short series, else nsdiffs (one less
 * when the differenced series is all missing).  `dx` is scratch here. */
static int choose_D(const double *y, ptrdiff_t len, double frequency,
                    const lagrs_auto_options *o, double *dx, double *rest,
                    lagrs_auto_plan *plan, int *D)
{
    int m = plan->m, notes = 0;
    if (m == 1) {
        *D = 0;
        plan->max_P = plan->max_Q = 0;
        return LAGRS_UR_OK;
    }
    if (*D >= 0)
        return LAGRS_UR_OK;
    if (len <= 2 * (ptrdiff_t) m) {
        *D = 0;
        return LAGRS_UR_OK;
    }
    int status = lagrs_nsdiffs_seas(y, len, frequency, o->max_D, rest, D, &notes);
    if (status != LAGRS_UR_OK)
        return status;
    if (notes & LAGRS_UR_NOTE_TEST_FAILED)
        plan->warnings |= LAGRS_AUTO_NOTE_SEAS_TEST;
    if (*D > 0) {
        memcpy(dx, y, (size_t) len * sizeof(double));
        ptrdiff_t len_dx = len;
        for (int k = 0; k < *D; k++)
            len_dx = diff_in_place(dx, len_dx, m);
        if (all_missing(dx, len_dx))
            (*D)--;
    }
    return LAGRS_UR_OK;
}

/* d: fixed, or ndiffs on the seasonally differenced dx (one less when the
 * result is all missing). */
static int choose_d(const double *dx, ptrdiff_t len_dx,
                    const lagrs_auto_options *o, double *rest,
                    lagrs_auto_plan *plan, int *d)
{
    if (*d >= 0)
        return LAGRS_UR_OK;
    int notes = 0;
    int status = lagrs_ndiffs_kpss(dx, len_dx, o->alpha, o->max_d, rest, d, &notes);
    if (status != LAGRS_UR_OK)
        return status;
    if (notes & LAGRS_UR_NOTE_ALPHA_CLAMPED)
        plan->warnings |= LAGRS_AUTO_NOTE_ALPHA;
    if (*d > 0) {
        memcpy(rest, dx, (size_t) len_dx * sizeof(double));
        ptrdiff_t len_check = len_dx;
        for (int k = 0; k < *d; k++)
            len_check = diff_in_place(rest, len_check, 1);
        if (all_missing(rest, len_check))
            (*d)--;
    }
    return LAGRS_UR_OK;
}

/* p, q below m, drift and mean by d + D, and the stepwise start orders. */
static void plan_orders(const lagrs_auto_options *o, ptrdiff_t len,
                        lagrs_auto_plan *plan)
{
    int m = plan->m, d = plan->d, D = plan->D;
    if (m > 1) {
        if (plan->max_P > 0)
            plan->max_p = min_int(plan->max_p, m - 1);
        if (plan->max_Q > 0)
            plan->max_q = min_int(plan->max_q, m - 1);
    }
    plan->allow_drift = o->allow_drift && d + D == 1;
    plan->allow_mean = o->allow_mean && d + D == 0;
    plan->constant = plan->allow_drift || plan->allow_mean;
    int sp = o->start_p, sq = o->start_q, sP = o->start_P, sQ = o->start_Q;
    if (len < 10) {
        sp = min_int(sp, 1);
        sq = min_int(sq, 1);
        sP = 0;
        sQ = 0;
    }
    plan->start_p = min_int(sp, plan->max_p);
    plan->start_q = min_int(sq, plan->max_q);
    plan->start_P = min_int(sP, plan->max_P);
    plan->start_Q = min_int(sQ, plan->max_Q);
}

/* The exits for an empty or constant differenced series dx. */
static void plan_outcome(double *dx, ptrdiff_t len_dx, lagrs_auto_plan *plan)
{
    int m = plan->m, d = plan->d, D = plan->D;
    if (len_dx == 0) {
        plan->outcome = LAGRS_AUTO_PLAN_NO_DATA;
    } else if (lagrs_is_constant(dx, len_dx)) {
        plan->outcome = LAGRS_AUTO_PLAN_CONSTANT_DIFF;
        if (D > 0 && d == 0) {
            for (ptrdiff_t i = 0; i < len_dx; i++)
                dx[i] = dx[i] / (double) m;
            plan->has_fixed_constant = 1;
            plan->constant_value = lagrs_r_mean(dx, len_dx);
        } else if (D > 0 || d == 2) {
            plan->has_fixed_constant = 0;
        } else if (d < 2) {
            plan->has_fixed_constant = 1;
            plan->constant_value = lagrs_r_mean(dx, len_dx);
        } else {
            plan->outcome = LAGRS_AUTO_PLAN_POLYNOMIAL;
        }
    } else {
        plan->outcome = LAGRS_AUTO_PLAN_SEARCH;
    }
}

int lagrs_auto_prepare(const double *x, ptrdiff_t n, double frequency,
                       const lagrs_auto_options *o, double *work,
                       lagrs_auto_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (!valid_options(n, frequency, o))
        return LAGRS_AUTO_INPUT;
    plan_lengths(x, n, frequency, o, plan);
    if (plan->outcome == LAGRS_AUTO_PLAN_ALL_MISSING)
        return LAGRS_AUTO_OK;
    const double *y = x + plan->first;
    ptrdiff_t len = plan->n_used;
    int m = plan->m;
    if (lagrs_is_constant(y, len)) {
        plan->outcome = LAGRS_AUTO_PLAN_CONSTANT;
        plan->allow_mean = o->allow_mean;
        plan->constant = 1; /* auto.arima marks the fit $constant = TRUE */
        if (o->allow_mean) {
            plan->has_fixed_constant = 1;
            plan->constant_value = lagrs_r_mean(y, len);
        }
        return LAGRS_AUTO_OK;
    }

    double *own = NULL;
    if (work == NULL) {
        own = malloc(lagrs_auto_plan_work_size(len, m) * sizeof(double));
        if (own == NULL)
            return LAGRS_AUTO_MEMORY;
        work = own;
    }
    double *dx = work, *rest = work + (len > 0 ? len : 1);
    int d = o->stationary ? 0 : o->d, D = o->stationary ? 0 : o->D;
    int status = choose_D(y, len, frequency, o, dx, rest, plan, &D);
    ptrdiff_t len_dx = len;
    if (status == LAGRS_UR_OK) {
        memcpy(dx, y, (size_t) len * sizeof(double));
        for (int k = 0; k < D; k++)
            len_dx = diff_in_place(dx, len_dx, m);
        status = choose_d(dx, len_dx, o, rest, plan, &d);
    }
    if (status == LAGRS_UR_OK) {
        if (D >= 2)
            plan->warnings |= LAGRS_AUTO_NOTE_TWO_SEASONAL;
        else if (D + d > 2)
            plan->warnings |= LAGRS_AUTO_NOTE_THREE_DIFFS;
        for (int k = 0; k < d; k++)
            len_dx = diff_in_place(dx, len_dx, 1);
        plan->d = d;
        plan->D = D;
        plan_orders(o, len, plan);
        plan_outcome(dx, len_dx, plan);
    }
    free(own);
    return auto_status_of(status);
}
