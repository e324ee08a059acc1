#include "model_ensemble.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ensembles: a family whose fit runs other families' fits on the same series
 * and whose forecast combines theirs, so that a batch of an ensemble is one
 * parallel pass over the series (each unit fits every member), and
 * cross-validation, batches and the future backend need nothing of their
 * own for it.
 *
 * Combinations of the members' point forecasts, per step:
 *   mean      the weighted mean over the members that fitted (equal weights
 *             unless `weights` says otherwise), weights renormalised over
 *             the members that forecast;
 *   median    the median of the members' forecasts (R's median: the mean of
 *             the two middle values for an even count); weights unused;
 *   weighted  the mean with per-series weights: "cv" takes the inverse of
 *             each member's mean squared error over `cv_windows` rolling
 *             origins (the last ones, one step apart, horizon `cv_h`), as
 *             Bates and Granger (1969) weight by inverse error variance;
 *             "ic" takes Akaike weights exp(-delta_m / 2) of the members'
 *             AICc (members of one family share a likelihood).
 * Intervals:
 *   quantile  each bound is the members' bounds combined as the points are
 *             (members without intervals left out, weights renormalised);
 *   conformal split conformal prediction (Vovk et al. 2005; statsforecast's
 *             ConformalIntervals): the combination's absolute errors at
 *             step j over the `cv_windows` origins are the scores of step
 *             j, and the bound at level L is the mean -/+ the
 *             ceiling((W + 1) L / 100)-th smallest of the W scores (the
 *             largest when that exceeds W).  Steps past cv_h have no bound.
 * A member that fails on a series is left out of that series' combination
 * (status warning, the message names the member by position: "member 2");
 * the series fails only when every member fails. */

#define MAX_M LAGRS_ENSEMBLE_MAX_MEMBERS

typedef union {
    double align;
    long long align_int;
    void *align_ptr;
    unsigned char bytes[LAGRS_ENSEMBLE_OPTIONS_BYTES];
} member_options;

typedef struct {
    int combine, weights, intervals, cv_h, cv_windows;
    int n_members;
    const lagrs_family *family[MAX_M];
    member_options options[MAX_M];
} ensemble_options;

static const char *const option_names[] = {
    "combine", "weights", "intervals", "cv_h", "cv_windows", "n_members", "n_packed"
};
#define N_HEADER_OPTIONS 7
static const char *const code_names[] = {"members_used", "cv_h", "cv_windows"};

/* ---- options ---------------------------------------------------------- */

static int whole_in(double v, double lo, double hi)
{
    return !isnan(v) && v == floor(v) && v >= lo && v <= hi;
}

static int parse_header(const double *v, ensemble_options *o, char *message)
{
    if (!whole_in(v[0], 0, LAGRS_ENSEMBLE_N_COMBINE - 1) ||
        !whole_in(v[1], 0, LAGRS_ENSEMBLE_N_WEIGHTS - 1) ||
        !whole_in(v[2], 0, LAGRS_ENSEMBLE_N_INTERVALS - 1)) {
        snprintf(message, LAGRS_MSG_LEN, "`combine`, `weights` or `intervals` is not a code");
        return LAGRS_FIT_ERROR;
    }
    if (!(isnan(v[3]) || whole_in(v[3], 1, 1e6)) || !whole_in(v[4], 1, 1e6)) {
        snprintf(message, LAGRS_MSG_LEN, "`cv_h` and `cv_windows` must be positive counts");
        return LAGRS_FIT_ERROR;
    }
    if (!whole_in(v[5], 1, MAX_M) || !whole_in(v[6], 0, 1e6)) {
        snprintf(message, LAGRS_MSG_LEN, "an ensemble has 1 to %d members", MAX_M);
        return LAGRS_FIT_ERROR;
    }
    o->combine = (int) v[0];
    o->weights = (int) v[1];
    o->intervals = (int) v[2];
    o->cv_h = isnan(v[3]) ? 0 : (int) v[3];
    o->cv_windows = (int) v[4];
    o->n_members = (int) v[5];
    return LAGRS_FIT_OK;
}

/* The packed members: for each, the family's index in the table, the count
 * of its option values, then the values in the family's declared order. */
static int parse_members(const double *packed, int n_packed, ensemble_options *o,
                         char *message)
{
    int at = 0;
    for (int m = 0; m < o->n_members; m++) {
        if (at + 2 > n_packed || !whole_in(packed[at], 0, 1e4)) {
            snprintf(message, LAGRS_MSG_LEN, "member %d is not a model", m + 1);
            return LAGRS_FIT_ERROR;
        }
        const lagrs_family *f = lagrs_family_at((int) packed[at]);
        int n_values = (int) packed[at + 1];
        if (f == NULL || f == &lagrs_family_ensemble || n_values != f->n_options ||
            at + 2 + n_values > n_packed || f->options_size > sizeof(member_options)) {
            snprintf(message, LAGRS_MSG_LEN, "member %d is not a model an ensemble can hold",
                     m + 1);
            return LAGRS_FIT_ERROR;
        }
        char inner[LAGRS_MSG_LEN] = "";
        if (f->parse(packed + at + 2, o->options[m].bytes, inner) != LAGRS_FIT_OK) {
            snprintf(message, LAGRS_MSG_LEN, "member %d: %.200s", m + 1, inner);
            return LAGRS_FIT_ERROR;
        }
        o->family[m] = f;
        at += 2 + n_values;
    }
    return LAGRS_FIT_OK;
}

static int ensemble_parse(const double *v, void *options, char *message)
{
    ensemble_options *o = (ensemble_options *) options;
    memset(o, 0, sizeof *o);
    if (parse_header(v, o, message) != LAGRS_FIT_OK)
        return LAGRS_FIT_ERROR;
    return parse_members(v + N_HEADER_OPTIONS, (int) v[6], o, message);
}

/* The cross-validation windows a fit runs (0 when it needs none). */
static int cv_windows_needed(const ensemble_options *o)
{
    int cv = o->intervals == LAGRS_INTERVALS_CONFORMAL ||
        (o->combine == LAGRS_COMBINE_WEIGHTED && o->weights == LAGRS_WEIGHTS_CV);
    return cv ? o->cv_windows : 0;
}

static double ensemble_work(const void *options, R_xlen_t n)
{
    const ensemble_options *o = (const ensemble_options *) options;
    double work = 0;
    for (int m = 0; m < o->n_members; m++)
        work += o->family[m]->work(o->options[m].bytes, n);
    return work * (1 + cv_windows_needed(o));
}

/* ---- the state -------------------------------------------------------- */

/* header, then the weights (the coefficients), then one block per member,
 * then the conformal scores (cv_h x windows, each step's sorted), then the
 * members' states. */
enum { H_MEMBERS, H_COMBINE, H_INTERVALS, H_SCORE_STEPS, H_SCORE_WINDOWS, H_CV_H, H_SIZE };
enum { B_STATUS, B_OFFSET, B_LENGTH, B_COEF_OFFSET, B_N_COEF, B_CODES,
       B_INFO = B_CODES + LAGRS_MAX_CODES, B_SIZE = B_INFO + LAGRS_MAX_INFO };

static R_xlen_t block_at(int n_members, int m)
{
    return H_SIZE + n_members + (R_xlen_t) m * B_SIZE;
}

static R_xlen_t scores_at(int n_members)
{
    return block_at(n_members, n_members);
}

/* ---- fitting ---------------------------------------------------------- */

static int usable(const lagrs_fit *fit)
{
    return fit->status <= LAGRS_FIT_WARNING && fit->state != NULL;
}

/* Member m's point forecasts of h steps from y[0..origin), into f; 0 when it
 * could not fit or forecast. */
static int member_cv_forecast(const ensemble_options *o, int m, const double *y,
                              R_xlen_t origin, double frequency, int h, double *f)
{
    lagrs_fit fit;
    lagrs_fit_init(&fit, NULL);
    const lagrs_family *family = o->family[m];
    family->fit(o->options[m].bytes, y, origin, frequency, &fit);
    int ok = usable(&fit);
    if (ok) {
        char message[LAGRS_MSG_LEN] = "";
        ok = family->forecast(o->options[m].bytes, fit.state, fit.state_len, h, NULL, 0, f,
                              NULL, NULL, message) <= LAGRS_FIT_WARNING;
        for (int j = 0; ok && j < h; j++)
            ok = isfinite(f[j]);
    }
    free(fit.state);
    return ok;
}

typedef struct {
    int h, windows;
    double *forecast;   /* [m][window][step] */
    int *ok;            /* [m][window] */
} cv_table;

static void cv_run(const ensemble_options *o, const lagrs_fit *fits, const double *y,
                   R_xlen_t n, double frequency, cv_table *cv)
{
    for (int m = 0; m < o->n_members; m++)
        for (int k = 0; k < cv->windows; k++) {
            R_xlen_t origin = n - cv->h - (cv->windows - 1 - k);
            double *f = cv->forecast + ((size_t) m * cv->windows + k) * cv->h;
            cv->ok[m * cv->windows + k] = usable(&fits[m]) && origin >= 1 &&
                member_cv_forecast(o, m, y, origin, frequency, cv->h, f);
        }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* R's median of v[0..n-1] (sorted in place); NaN for n = 0. */
static double median_of(double *v, int n)
{
    if (n == 0)
        return NAN;
    qsort(v, (size_t) n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The combination of values[m] over the members with present[m] set and a
 * finite value: the weighted mean (weights renormalised) or the median. */
static double combine_values(int combine, const double *weight, const double *values,
                             const int *present, int n_members)
{
    double picked[MAX_M];
    int n = 0;
    long double sum = 0, total = 0;
    for (int m = 0; m < n_members; m++) {
        if (!present[m] || isnan(values[m]))
            continue;
        picked[n++] = values[m];
        sum += (long double) weight[m] * values[m];
        total += weight[m];
    }
    if (combine == LAGRS_COMBINE_MEDIAN)
        return median_of(picked, n);
    return n == 0 || total <= 0 ? NAN : (double) (sum / total);
}

/* ---- weights ---------------------------------------------------------- */

static void normalise(double *weight, int n_members)
{
    long double total = 0;
    for (int m = 0; m < n_members; m++)
        total += weight[m];
    for (int m = 0; m < n_members; m++)
        weight[m] = total > 0 ? (double) (weight[m] / total) : 0;
}

/* Each member's mean squared error over the cross-validation windows it
 * forecast (NaN when it forecast none). */
static double member_cv_mse(const cv_table *cv, int m, const double *y, R_xlen_t n)
{
    long double sum = 0;
    R_xlen_t count = 0;
    for (int k = 0; k < cv->windows; k++) {
        if (!cv->ok[m * cv->windows + k])
            continue;
        R_xlen_t origin = n - cv->h - (cv->windows - 1 - k);
        const double *f = cv->forecast + ((size_t) m * cv->windows + k) * cv->h;
        for (int j = 0; j < cv->h; j++)
            if (!isnan(y[origin + j])) {
                sum += (y[origin + j] - f[j]) * (y[origin + j] - f[j]);
                count++;
            }
    }
    return count == 0 ? NAN : (double) (sum / count);
}

/* The members' weights; returns 0 when the asked-for weights could not be
 * had and equal weights stand in. */
static int member_weights(const ensemble_options *o, const lagrs_fit *fits, const cv_table *cv,
                          const double *y, R_xlen_t n, double *weight)
{
    int M = o->n_members, kind = o->combine == LAGRS_COMBINE_WEIGHTED ? o->weights :
        LAGRS_WEIGHTS_EQUAL;
    double score[MAX_M], best = INFINITY;
    for (int m = 0; m < M; m++) {
        score[m] = NAN;
        if (usable(&fits[m]))
            score[m] = kind == LAGRS_WEIGHTS_IC ? fits[m].aicc :
                kind == LAGRS_WEIGHTS_CV ? member_cv_mse(cv, m, y, n) : 0;
        if (isfinite(score[m]) && score[m] < best)
            best = score[m];
    }
    int had = isfinite(best);
    for (int m = 0; m < M; m++) {
        if (!usable(&fits[m]))
            weight[m] = 0;
        else if (!had)
            weight[m] = 1;
        else if (!isfinite(score[m]))
            weight[m] = 0;
        else if (kind == LAGRS_WEIGHTS_IC)
            weight[m] = exp(-(score[m] - best) / 2);
        else if (kind == LAGRS_WEIGHTS_CV)
            weight[m] = best == 0 ? (score[m] == 0) : 1 / score[m];
        else
            weight[m] = 1;
    }
    normalise(weight, M);
    return had;
}

/* ---- scores and residuals ---------------------------------------------- */

static int present_member(int combine, const lagrs_fit *fit, double weight)
{
    return usable(fit) && (combine == LAGRS_COMBINE_MEDIAN || weight > 0);
}

/* The combination's absolute errors over the windows, each step's sorted
 * (missing ones last, as NaN) into scores[step * windows ..]. */
static void conformal_scores(const ensemble_options *o, const lagrs_fit *fits,
                             const double *weight, const cv_table *cv, const double *y,
                             R_xlen_t n, double *scores)
{
    int M = o->n_members;
    for (int j = 0; j < cv->h; j++) {
        double *s = scores + (size_t) j * cv->windows;
        int n_ok = 0;
        for (int k = 0; k < cv->windows; k++) {
            double values[MAX_M];
            int present[MAX_M];
            R_xlen_t origin = n - cv->h - (cv->windows - 1 - k);
            for (int m = 0; m < M; m++) {
                present[m] = present_member(o->combine, &fits[m], weight[m]) &&
                    cv->ok[m * cv->windows + k];
                values[m] = cv->forecast[((size_t) m * cv->windows + k) * cv->h + j];
            }
            double error = y[origin + j] - combine_values(o->combine, weight, values, present, M);
            if (!isnan(error))
                s[n_ok++] = fabs(error);
        }
        qsort(s, (size_t) n_ok, sizeof *s, compare_doubles);
        for (int k = n_ok; k < cv->windows; k++)
            s[k] = NAN;
    }
}

/* The combination's residuals: y minus the combined one-step fits. */
static void combined_residuals(const ensemble_options *o, const lagrs_fit *fits,
                               const double *weight, const double *member_residuals,
                               const double *y, R_xlen_t n, double *residuals, lagrs_fit *out)
{
    long double sum = 0;
    R_xlen_t count = 0;
    for (R_xlen_t t = 0; t < n; t++) {
        double values[MAX_M];
        int present[MAX_M];
        for (int m = 0; m < o->n_members; m++) {
            present[m] = present_member(o->combine, &fits[m], weight[m]);
            values[m] = y[t] - member_residuals[(size_t) m * n + t];
        }
        double r = y[t] - combine_values(o->combine, weight, values, present, o->n_members);
        if (residuals != NULL)
            residuals[t] = r;
        if (!isnan(r)) {
            sum += r * r;
            count++;
        }
    }
    out->nobs = (double) count;
    out->sigma2 = count > 0 ? (double) (sum / count) : NAN;
}

/* ---- the fit ---------------------------------------------------------- */

typedef struct {
    lagrs_fit fits[MAX_M];
    double weight[MAX_M];
    double *member_residuals;   /* [m][t] */
    int score_steps, score_windows;
    double *scores;             /* [step][window] */
    int cv_windows;             /* the windows the cross-validation had */
} ensemble_parts;

static void free_parts(ensemble_parts *p, int n_members)
{
    for (int m = 0; m < n_members; m++) {
        free(p->fits[m].state);
        p->fits[m].state = NULL;
    }
    free(p->member_residuals);
    free(p->scores);
}

/* The state of the parts (see the layout above), into out. */
static int assemble_state(const ensemble_options *o, const ensemble_parts *p, int cv_h,
                          lagrs_fit *out)
{
    int M = o->n_members;
    R_xlen_t n_scores = (R_xlen_t) p->score_steps * p->score_windows;
    R_xlen_t length = scores_at(M) + n_scores;
    for (int m = 0; m < M; m++)
        length += usable(&p->fits[m]) ? p->fits[m].state_len : 0;
    double *s = (double *) malloc(sizeof(double) * (size_t) length);
    if (s == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory for the ensemble's state");
        return out->status = LAGRS_ENSEMBLE_ERR_MEMORY;
    }
    s[H_MEMBERS] = M;
    s[H_COMBINE] = o->combine;
    s[H_INTERVALS] = o->intervals;
    s[H_SCORE_STEPS] = p->score_steps;
    s[H_SCORE_WINDOWS] = p->score_windows;
    s[H_CV_H] = cv_h;
    memcpy(s + H_SIZE, p->weight, sizeof(double) * (size_t) M);
    if (n_scores > 0)
        memcpy(s + scores_at(M), p->scores, sizeof(double) * (size_t) n_scores);
    R_xlen_t at = scores_at(M) + n_scores;
    int n_used = 0;
    for (int m = 0; m < M; m++) {
        const lagrs_fit *f = &p->fits[m];
        double *b = s + block_at(M, m);
        int ok = usable(f);
        n_used += ok;
        b[B_STATUS] = ok ? f->status : LAGRS_FIT_ERROR;
        b[B_OFFSET] = (double) at;
        b[B_LENGTH] = ok ? (double) f->state_len : 0;
        b[B_COEF_OFFSET] = f->coef_offset;
        b[B_N_COEF] = f->n_coef;
        for (int k = 0; k < LAGRS_MAX_CODES; k++)
            b[B_CODES + k] = f->codes[k];
        for (int k = 0; k < LAGRS_MAX_INFO; k++)
            b[B_INFO + k] = f->info[k];
        if (ok) {
            memcpy(s + at, f->state, sizeof(double) * (size_t) f->state_len);
            at += f->state_len;
        }
    }
    out->state = s;
    out->state_len = length;
    out->coef_offset = H_SIZE;
    out->n_coef = M;
    out->codes[0] = n_used;
    out->codes[1] = cv_h > 0 ? cv_h : LAGRS_NA_CODE;
    out->codes[2] = cv_h > 0 ? p->cv_windows : LAGRS_NA_CODE;
    return LAGRS_FIT_OK;
}

/* Fits every member on y, each residuals into its row of
 * p->member_residuals. */
static void fit_members(const ensemble_options *o, const double *y, R_xlen_t n,
                        double frequency, ensemble_parts *p)
{
    for (int m = 0; m < o->n_members; m++) {
        double *r = p->member_residuals + (size_t) m * n;
        lagrs_fit_init(&p->fits[m], r);
        o->family[m]->fit(o->options[m].bytes, y, n, frequency, &p->fits[m]);
        if (!usable(&p->fits[m])) {
            free(p->fits[m].state);
            p->fits[m].state = NULL;
            for (R_xlen_t t = 0; t < n; t++)
                r[t] = NAN;
        }
    }
}

/* The fewest values a cross-validation window trains on: two seasons of a
 * seasonal series, six values otherwise. */
static R_xlen_t min_train(double frequency)
{
    int period = (int) floor(frequency + 0.5);
    return period > 1 ? 2 * (R_xlen_t) period : 6;
}

/* The cross-validation a fit needs: weights and conformal scores. Returns 0
 * when the series is too short for a single window (or memory ran out). */
static int cross_validate_members(const ensemble_options *o, const double *y, R_xlen_t n,
                                  double frequency, ensemble_parts *p, int h)
{
    int windows = cv_windows_needed(o);
    /* as many of the windows asked for as leave min_train values before
     * the first origin */
    R_xlen_t room = n - h - min_train(frequency) + 1;
    if (room < windows)
        windows = room > 0 ? (int) room : 0;
    cv_table cv = {h, windows, NULL, NULL};
    int ran = windows > 0;
    if (ran) {
        cv.forecast = (double *) malloc(sizeof(double) * (size_t) o->n_members * windows * h);
        cv.ok = (int *) calloc((size_t) o->n_members * windows, sizeof(int));
        ran = cv.forecast != NULL && cv.ok != NULL;
    }
    if (ran)
        cv_run(o, p->fits, y, n, frequency, &cv);
    if (!ran)
        cv.windows = 0;
    int had = member_weights(o, p->fits, &cv, y, n, p->weight);
    if (ran && o->intervals == LAGRS_INTERVALS_CONFORMAL) {
        p->scores = (double *) malloc(sizeof(double) * (size_t) windows * h);
        if (p->scores != NULL) {
            conformal_scores(o, p->fits, p->weight, &cv, y, n, p->scores);
            p->score_steps = h;
            p->score_windows = windows;
        }
    }
    free(cv.forecast);
    free(cv.ok);
    p->cv_windows = windows;
    return cv_windows_needed(o) == 0 || (ran && had);
}

static int default_cv_h(const ensemble_options *o, double frequency)
{
    if (o->cv_h > 0)
        return o->cv_h;
    return frequency > 1 ? (int) floor(frequency + 0.5) : 6;
}

/* A warning naming the first member that failed, or the weights that could
 * not be had. */
static int fit_status(const ensemble_options *o, const ensemble_parts *p, int cv_ok,
                      lagrs_fit *out)
{
    int failed = -1, n_ok = 0;
    for (int m = 0; m < o->n_members; m++) {
        if (usable(&p->fits[m]))
            n_ok++;
        else if (failed < 0)
            failed = m;
    }
    if (n_ok == 0) {
        snprintf(out->message, LAGRS_MSG_LEN, "every member failed; member 1: %.200s",
                 p->fits[0].message);
        return out->status = LAGRS_ENSEMBLE_ERR_MEMBERS;
    }
    if (failed >= 0) {
        snprintf(out->message, LAGRS_MSG_LEN, "member %d left out: %.200s", failed + 1,
                 p->fits[failed].message);
        return out->status = LAGRS_FIT_WARNING;
    }
    if (!cv_ok) {
        snprintf(out->message, LAGRS_MSG_LEN,
                 "too short for cross-validated weights or intervals: equal weights, "
                 "no conformal intervals");
        return out->status = LAGRS_FIT_WARNING;
    }
    return out->status = LAGRS_FIT_OK;
}

static int ensemble_fit(const void *options, const double *y, R_xlen_t n, double frequency,
                        lagrs_fit *out)
{
    const ensemble_options *o = (const ensemble_options *) options;
    ensemble_parts p;
    memset(&p, 0, sizeof p);
    p.member_residuals = (double *) malloc(sizeof(double) * (size_t) (n > 0 ? n : 1) *
                                           o->n_members);
    if (p.member_residuals == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory for the members' residuals");
        return out->status = LAGRS_ENSEMBLE_ERR_MEMORY;
    }
    fit_members(o, y, n, frequency, &p);
    int h = default_cv_h(o, frequency);
    int cv_ok = cross_validate_members(o, y, n, frequency, &p, h);
    if (fit_status(o, &p, cv_ok, out) <= LAGRS_FIT_WARNING) {
        combined_residuals(o, p.fits, p.weight, p.member_residuals, y, n, out->residuals, out);
        int status = out->status;
        if (assemble_state(o, &p, cv_windows_needed(o) > 0 ? h : 0, out) == LAGRS_FIT_OK)
            out->status = status;
    }
    out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->convergence = 0;
    free_parts(&p, o->n_members);
    return out->status;
}

/* ---- forecasting ------------------------------------------------------ */

typedef struct {
    int n_members, h, n_levels;
    double *mean, *lower, *upper;   /* [m][...] */
    int present[MAX_M];
} member_forecasts;

static int forecast_members(const ensemble_options *o, const double *state, int h,
                            const double *levels, int n_levels, member_forecasts *f)
{
    int M = (int) state[H_MEMBERS];
    size_t per = (size_t) h * (n_levels > 0 ? n_levels : 1);
    f->n_members = M;
    f->h = h;
    f->n_levels = n_levels;
    f->mean = (double *) malloc(sizeof(double) * (size_t) M * h);
    f->lower = (double *) malloc(sizeof(double) * (size_t) M * per);
    f->upper = (double *) malloc(sizeof(double) * (size_t) M * per);
    if (f->mean == NULL || f->lower == NULL || f->upper == NULL)
        return 0;
    for (int m = 0; m < M; m++) {
        const double *b = state + block_at(M, m);
        double weight = state[H_SIZE + m];
        f->present[m] = b[B_STATUS] <= LAGRS_FIT_WARNING &&
            ((int) state[H_COMBINE] == LAGRS_COMBINE_MEDIAN || weight > 0);
        if (!f->present[m])
            continue;
        char message[LAGRS_MSG_LEN] = "";
        int status = o->family[m]->forecast(o->options[m].bytes, state + (R_xlen_t) b[B_OFFSET],
                                            (R_xlen_t) b[B_LENGTH], h, levels, n_levels,
                                            f->mean + (size_t) m * h, f->lower + (size_t) m * per,
                                            f->upper + (size_t) m * per, message);
        f->present[m] = status <= LAGRS_FIT_WARNING;
    }
    return 1;
}

/* The combination of slot `at` of every member's array (stride `per`). */
static double combine_slot(const double *state, const member_forecasts *f, const double *all,
                           size_t per, size_t at)
{
    double values[MAX_M];
    for (int m = 0; m < f->n_members; m++)
        values[m] = all[(size_t) m * per + at];
    return combine_values((int) state[H_COMBINE], state + H_SIZE, values, f->present,
                          f->n_members);
}

/* The conformal bound's half-width at step j and level (percent). */
static double conformal_width(const double *state, int j, double level)
{
    int steps = (int) state[H_SCORE_STEPS], windows = (int) state[H_SCORE_WINDOWS];
    if (j >= steps || windows == 0)
        return NAN;
    const double *s = state + scores_at((int) state[H_MEMBERS]) + (size_t) j * windows;
    int n_ok = 0;
    while (n_ok < windows && !isnan(s[n_ok]))
        n_ok++;
    if (n_ok == 0)
        return NAN;
    int rank = (int) ceil((n_ok + 1) * level / 100);
    return s[(rank < 1 ? 1 : rank > n_ok ? n_ok : rank) - 1];
}

static int ensemble_forecast(const void *options, const double *state, R_xlen_t state_len,
                             int h, const double *levels, int n_levels, double *mean,
                             double *lower, double *upper, char *message)
{
    (void) state_len;
    const ensemble_options *o = (const ensemble_options *) options;
    int conformal = (int) state[H_INTERVALS] == LAGRS_INTERVALS_CONFORMAL;
    member_forecasts f;
    memset(&f, 0, sizeof f);
    int ok = forecast_members(o, state, h, levels, conformal ? 0 : n_levels, &f);
    size_t per = (size_t) h * (conformal || n_levels == 0 ? 1 : n_levels);
    for (int j = 0; ok && j < h; j++) {
        mean[j] = combine_slot(state, &f, f.mean, (size_t) h, (size_t) j);
        for (int k = 0; k < n_levels; k++) {
            size_t at = (size_t) k * h + j;
            double width = conformal ? conformal_width(state, j, levels[k]) : 0;
            lower[at] = conformal ? mean[j] - width : combine_slot(state, &f, f.lower, per, at);
            upper[at] = conformal ? mean[j] + width : combine_slot(state, &f, f.upper, per, at);
        }
    }
    free(f.mean);
    free(f.lower);
    free(f.upper);
    if (!ok) {
        if (message != NULL)
            snprintf(message, LAGRS_MSG_LEN, "out of memory for the members' forecasts");
        return LAGRS_ENSEMBLE_ERR_MEMORY;
    }
    return LAGRS_FIT_OK;
}

/* ---- filtering, names, the family ------------------------------------- */

/* Every member filtered with its frozen parameters (refitted when its family
 * has no filter); the weights and conformal scores stay as fitted. */
static int ensemble_filter(const void *options, const double *state, R_xlen_t state_len,
                           const double *y, R_xlen_t n, double frequency, lagrs_fit *out)
{
    (void) state_len;
    const ensemble_options *o = (const ensemble_options *) options;
    int M = o->n_members;
    ensemble_parts p;
    memset(&p, 0, sizeof p);
    p.member_residuals = (double *) malloc(sizeof(double) * (size_t) (n > 0 ? n : 1) * M);
    if (p.member_residuals == NULL) {
        snprintf(out->message, LAGRS_MSG_LEN, "out of memory for the members' residuals");
        return out->status = LAGRS_ENSEMBLE_ERR_MEMORY;
    }
    for (int m = 0; m < M; m++) {
        const double *b = state + block_at(M, m);
        const lagrs_family *f = o->family[m];
        lagrs_fit *fit = &p.fits[m];
        lagrs_fit_init(fit, p.member_residuals + (size_t) m * n);
        p.weight[m] = state[H_SIZE + m];
        if (b[B_STATUS] > LAGRS_FIT_WARNING) {
            snprintf(fit->message, LAGRS_MSG_LEN, "it failed at the fitted origin");
            fit->status = LAGRS_FIT_ERROR;
        } else if (f->filter != NULL) {
            f->filter(o->options[m].bytes, state + (R_xlen_t) b[B_OFFSET],
                      (R_xlen_t) b[B_LENGTH], y, n, frequency, fit);
        } else {
            f->fit(o->options[m].bytes, y, n, frequency, fit);
        }
        if (!usable(fit))
            for (R_xlen_t t = 0; t < n; t++)
                fit->residuals[t] = NAN;
    }
    p.score_steps = (int) state[H_SCORE_STEPS];
    p.score_windows = (int) state[H_SCORE_WINDOWS];
    p.cv_windows = p.score_windows;
    size_t n_scores = (size_t) p.score_steps * p.score_windows;
    p.scores = (double *) malloc(sizeof(double) * (n_scores > 0 ? n_scores : 1));
    if (p.scores != NULL && n_scores > 0)
        memcpy(p.scores, state + scores_at(M), sizeof(double) * n_scores);
    if (p.scores == NULL)
        p.score_steps = p.score_windows = 0;
    if (fit_status(o, &p, 1, out) <= LAGRS_FIT_WARNING) {
        combined_residuals(o, p.fits, p.weight, p.member_residuals, y, n, out->residuals, out);
        assemble_state(o, &p, (int) state[H_CV_H], out);
    }
    out->loglik = out->aic = out->aicc = out->bic = NAN;
    out->convergence = 0;
    free_parts(&p, M);
    return out->status;
}

/* The coefficients are the members' weights, named by position (R names
 * them after the members). */
static int ensemble_coef_name(const void *options, const lagrs_fit *fit, int k, char *buf,
                              size_t size)
{
    (void) fit;
    const ensemble_options *o = (const ensemble_options *) options;
    if (k < 0 || k >= o->n_members)
        return 0;
    snprintf(buf, size, "weight_%d", k + 1);
    return 1;
}

static const char *const combine_labels[] = {"mean", "median", "weighted"};

/* "mean(ARIMA(0,1,1), Theta)": the members that entered the combination. */
static void ensemble_label(const void *options, const lagrs_fit *fit, char *buf, size_t size)
{
    const ensemble_options *o = (const ensemble_options *) options;
    const double *s = fit->state;
    if (s == NULL || size == 0) {
        if (size > 0)
            buf[0] = '\0';
        return;
    }
    size_t used = (size_t) snprintf(buf, size, "%s(", combine_labels[o->combine]);
    int first = 1;
    for (int m = 0; m < o->n_members && used < size; m++) {
        const double *b = s + block_at(o->n_members, m);
        if (b[B_STATUS] > LAGRS_FIT_WARNING)
            continue;
        lagrs_fit member;
        lagrs_fit_init(&member, NULL);
        for (int k = 0; k < LAGRS_MAX_CODES; k++)
            member.codes[k] = (int) b[B_CODES + k];
        for (int k = 0; k < LAGRS_MAX_INFO; k++)
            member.info[k] = b[B_INFO + k];
        member.state = (double *) (s + (R_xlen_t) b[B_OFFSET]);
        member.state_len = (R_xlen_t) b[B_LENGTH];
        member.coef_offset = (int) b[B_COEF_OFFSET];
        member.n_coef = (int) b[B_N_COEF];
        char one[128] = "";
        o->family[m]->label(o->options[m].bytes, &member, one, sizeof one);
        used += (size_t) snprintf(buf + used, size - used, "%s%s", first ? "" : ", ", one);
        first = 0;
    }
    if (used < size)
        snprintf(buf + used, size - used, ")");
}

const lagrs_family lagrs_family_ensemble = {
    "ensemble",
    N_HEADER_OPTIONS, option_names, sizeof(ensemble_options),
    3, code_names,
    0, NULL,
    ensemble_parse, ensemble_work, ensemble_fit, ensemble_forecast, ensemble_coef_name,
    ensemble_label, ensemble_filter
};

int lagrs_ensemble_member_state(const double *state, R_xlen_t state_len, int m,
                                R_xlen_t *offset, R_xlen_t *length)
{
    if (state == NULL || state_len < H_SIZE)
        return LAGRS_FIT_ERROR;
    int M = (int) state[H_MEMBERS];
    if (m < 0 || m >= M || block_at(M, M) > state_len)
        return LAGRS_FIT_ERROR;
    const double *b = state + block_at(M, m);
    *offset = (R_xlen_t) b[B_OFFSET];
    *length = (R_xlen_t) b[B_LENGTH];
    if (*offset < 0 || *length < 0 || *offset + *length > state_len)
        return LAGRS_FIT_ERROR;
    return (int) b[B_STATUS];
}
