#include "lagrs_omp.h"
#include "model.h"
#include <math.h>
#include <string.h>

/* The model families, and what every Gaussian family shares. */

static const lagrs_family *const families[] = {
    &lagrs_family_arima,
    &lagrs_family_auto_arima,
    &lagrs_family_croston,
    &lagrs_family_adida,
    &lagrs_family_theta,
    &lagrs_family_theta_otm,
    &lagrs_family_baseline,
    &lagrs_family_ensemble,
    &lagrs_family_ets,
};

#define N_FAMILIES ((int) (sizeof families / sizeof families[0]))

const lagrs_family *lagrs_family_at(int i)
{
    return i >= 0 && i < N_FAMILIES ? families[i] : NULL;
}

void lagrs_fit_init(lagrs_fit *fit, double *residuals)
{
    memset(fit, 0, sizeof *fit);
    for (int k = 0; k < LAGRS_MAX_CODES; k++)
        fit->codes[k] = LAGRS_NA_CODE;
    for (int k = 0; k < LAGRS_MAX_INFO; k++)
        fit->info[k] = NAN;
    fit->convergence = LAGRS_NA_CODE;
    fit->residuals = residuals;
}

const lagrs_family *lagrs_family_find(const char *name)
{
    for (int i = 0; i < N_FAMILIES; i++)
        if (strcmp(families[i]->name, name) == 0)
            return families[i];
    return NULL;
}

/* Wichura (1988), algorithm AS 241, with the coefficients and the order of
 * operations of R's nmath/qnorm.c (lower tail, not log), so that an
 * interval's bounds are the doubles R's qnorm() would give. */
double lagrs_qnorm(double p)
{
    if (isnan(p) || p <= 0 || p >= 1)
        return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    double q = p - 0.5, r, val;
    if (fabs(q) <= .425) {
        r = .180625 - q * q;
        return q * (((((((r * 2509.0809287301226727 +
                          33430.575583588128105) * r + 67265.770927008700853) * r +
                        45921.953931549871457) * r + 13731.693765509461125) * r +
                      1971.5909503065514427) * r + 133.14166789178437745) * r +
                    3.387132872796366608)
            / (((((((r * 5226.495278852854561 +
                     28729.085735721942674) * r + 39307.89580009271061) * r +
                   21213.794301586595867) * r + 5394.1960214247511077) * r +
                 687.1870074920579083) * r + 42.313330701600911252) * r + 1.);
    }
    r = q < 0 ? p : 1 - p;
    r = sqrt(-log(r));
    if (r <= 5.) {
        r += -1.6;
        val = (((((((r * 7.7454501427834140764e-4 +
                     .0227238449892691845833) * r + .24178072517745061177) *
                   r + 1.27045825245236838258) * r +
                  3.64784832476320460504) * r + 5.7694972214606914055) *
                r + 4.6303378461565452959) * r +
               1.42343711074968357734)
            / (((((((r *
                     1.05075007164441684324e-9 + 5.475938084995344946e-4) *
                    r + .0151986665636164571966) * r +
                   .14810397642748007459) * r + .68976733498510000455) *
                 r + 1.6763848301838038494) * r +
                2.05319162663775882187) * r + 1.);
    } else {
        r += -5.;
        val = (((((((r * 2.01033439929228813265e-7 +
                     2.71155556874348757815e-5) * r +
                    .0012426609473880784386) * r + .026532189526576123093) *
                  r + .29656057182850489123) * r +
                 1.7848265399172913358) * r + 5.4637849111641143699) *
               r + 6.6579046435011037772)
            / (((((((r *
                     2.04426310338993978564e-15 + 1.4215117583164458887e-7) *
                    r + 1.8463183175100546818e-5) * r +
                   7.868691311456132591e-4) * r + .0148753612908506148525)
                 * r + .13692988092273580531) * r +
                .59983220655588793769) * r + 1.);
    }
    return q < 0.0 ? -val : val;
}

void lagrs_flat_forecast(double value, int h, int n_levels, double *mean, double *lower,
                         double *upper)
{
    for (int j = 0; j < h; j++)
        mean[j] = value;
    for (R_xlen_t k = 0; k < (R_xlen_t) h * n_levels; k++)
        lower[k] = upper[k] = NAN;
}

void lagrs_normal_intervals(const double *mean, const double *se, int h,
                            const double *levels, int n_levels, double *lower,
                            double *upper)
{
    for (int k = 0; k < n_levels; k++) {
        double z = lagrs_qnorm(0.5 + levels[k] / 200);
        for (int j = 0; j < h; j++) {
            lower[(R_xlen_t) k * h + j] = mean[j] - z * se[j];
            upper[(R_xlen_t) k * h + j] = mean[j] + z * se[j];
        }
    }
}

/* ---- Student t quantiles ------------------------------------------------ */

/* log Gamma(a + 1/2) - log Gamma(a) for a > 0: the recurrence
 * Gamma(a + 1) = a Gamma(a) moves a to 10 or more, where Stirling's series
 * (seven terms) is exact to double precision; the difference of the two
 * series is formed directly, so no large log-gamma values cancel. */
static double stirling_tail(double z)
{
    double w = 1 / (z * z);
    return (1.0 / 12 - w * (1.0 / 360 - w * (1.0 / 1260 - w * (1.0 / 1680 -
            w * (1.0 / 1188 - w * (691.0 / 360360 - w / 156)))))) / z;
}

static double log_gamma_half_ratio(double a)
{
    double factor = 1;
    while (a < 10) {
        factor *= a / (a + 0.5);
        a += 1;
    }
    return a * log1p(0.5 / a) - 0.5 + 0.5 * log(a) + stirling_tail(a + 0.5) -
        stirling_tail(a) + log(factor);
}

/* Two continued fractions of the incomplete beta ratio I_x(a, b), divided
 * by x^a y^b / B(a, b) (y = 1 - x), both fast for x < (a + 1) / (a + b + 2).
 * The first is Didonato and Morris's form (TOMS 708, BFRAC), whose terms use
 * lambda = (a + b) y - b rather than x alone, so that x near 1 (the t tail
 * at many degrees of freedom) loses no digits; the second, the modified
 * Lentz evaluation of the classical fraction, is accurate for small x and
 * a < 1, where the first is not (the t center at few degrees of freedom). */
static double beta_fraction(double a, double b, double x, double y)
{
    double c = (a + b) * y - b + 1, c0 = b / a, c1 = 1 / a + 1, yp1 = y + 1;
    double p = 1, s = a + 1, an = 0, bn = 1, anp1 = 1, bnp1 = c / c1, r = c1 / c;
    for (double n = 1; n <= 1e6; n++) {
        double t = n / a, w = n * (b - n) * x, e = a / s;
        double alpha = p * (p + c0) * e * e * (w * x);
        e = (t + 1) / (c1 + t + t);
        double beta = n + w / s + e * (c + n * yp1);
        p = t + 1;
        s += 2;
        double next = alpha * an + beta * anp1;
        an = anp1;
        anp1 = next;
        next = alpha * bn + beta * bnp1;
        bn = bnp1;
        bnp1 = next;
        double r0 = r;
        r = anp1 / bnp1;
        if (fabs(r - r0) <= 1e-16 * r)
            break;
        an /= bnp1;   /* rescaled: the terms grow geometrically */
        bn /= bnp1;
        anp1 = r;
        bnp1 = 1;
    }
    return r;
}

static double beta_fraction_lentz(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 1000000; m++) {
        double m2 = 2.0 * m;
        for (int half = 0; half < 2; half++) {
            double aa = half == 0 ? m * (b - m) * x / ((a - 1 + m2) * (a + m2))
                : -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
            d = 1 + aa * d;
            d = 1 / (fabs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            if (fabs(c) < tiny)
                c = tiny;
            h *= d * c;
        }
        if (fabs(d * c - 1) <= 3e-16)
            break;
    }
    return h / a;
}

typedef struct {
    double tail, log_tail;   /* P(T > s) */
    double center;           /* P(0 < T < s) = 1/2 - tail */
    double log_density;      /* log f(s) */
} t_probs;

/* The probabilities of Student's t with df degrees of freedom at s > 0,
 * from I_x(df/2, 1/2) with x = df / (df + s^2) (and its complement, y = 1 -
 * x, formed without cancellation); log_beta = log B(df/2, 1/2).  Whichever
 * side's fraction converges is summed, so the smaller of tail and center is
 * accurate to a few units in the last place. */
static void t_probs_at(double s, double df, double log_beta, t_probs *out)
{
    double a = df / 2, b = 0.5, r = s * s / df, x, y, log_x, log_y;
    if (r < 1e300) {
        x = 1 / (1 + r);
        y = r / (1 + r);
        log_x = -log1p(r);
        log_y = log(r) - log1p(r);
    } else {
        double log_r = 2 * log(s) - log(df);
        log_y = -log1p(exp(-log_r));
        log_x = -log_r + log_y;
        x = exp(log_x);
        y = 1;
    }
    double log_front = a * log_x + b * log_y - log_beta;
    if (x < (a + 1) / (a + b + 2)) {
        out->log_tail = log_front + log(beta_fraction(a, b, x, y)) - M_LN2;
        out->tail = exp(out->log_tail);
        out->center = 0.5 - out->tail;
    } else {
        out->center = 0.5 * exp(log_front) * beta_fraction_lentz(b, a, y);
        out->tail = 0.5 - out->center;
        out->log_tail = log(out->tail);
    }
    out->log_density = -log_beta - 0.5 * log(df) + (df + 1) / 2 * log_x;
}

/* A first guess of the quantile |t| with tail probability q: the
 * Cornish-Fisher expansion around the normal quantile, or, for heavy tails,
 * the tail's power law f(s) ~ K s^-(df + 1); the one nearer in log tail. */
static double t_start(double q, double df, double log_beta)
{
    double w = -lagrs_qnorm(q), w2 = w * w;
    double s_normal = w + w * (w2 + 1) / (4 * df) +
        w * ((5 * w2 + 16) * w2 + 3) / (96 * df * df);
    double s_power = exp((0.5 * df * log(df) - log_beta - log(df) - log(q)) / df);
    if (!(s_power > 0 && s_power < INFINITY))
        return s_normal;
    t_probs at_normal, at_power;
    t_probs_at(s_normal, df, log_beta, &at_normal);
    t_probs_at(s_power, df, log_beta, &at_power);
    return fabs(at_power.log_tail - log(q)) < fabs(at_normal.log_tail - log(q))
        ? s_power : s_normal;
}

/* Newton's method with a bracket: in u = log s on the log tail probability
 * when q is small (nearly linear in u for heavy tails), else in s on the
 * central probability 1/2 - q (exact for q >= 1/4); a step that leaves the
 * bracket bisects it or moves by a factor of e. */
static double t_solve(double q, double df, double log_beta)
{
    int in_tail = q < 0.2;
    double target = in_tail ? log(q) : 0.5 - q;
    double v = t_start(q, df, log_beta);
    if (in_tail)
        v = log(v);
    double lo = in_tail ? -INFINITY : 0, hi = INFINITY;
    for (int it = 0; it < 100; it++) {
        t_probs p;
        t_probs_at(in_tail ? exp(v) : v, df, log_beta, &p);
        double g, slope;
        if (in_tail) {
            g = p.log_tail - target;   /* decreasing in u */
            slope = -exp(v + p.log_density - p.log_tail);
        } else {
            g = target - p.center;     /* decreasing in s */
            slope = -exp(p.log_density);
        }
        if (g == 0)
            break;
        if (g > 0)
            lo = v;
        else
            hi = v;
        double next = v - g / slope;
        if (!(next > lo && next < hi)) {
            if (lo > -INFINITY && hi < INFINITY)
                next = lo + (hi - lo) / 2;
            else if (in_tail)
                next = g > 0 ? v + 1 : v - 1;
            else
                next = g > 0 ? 2 * v : v / 2;
        }
        double step = fabs(next - v);
        v = next;
        if (step <= 1e-15 * (in_tail ? 1 : v))
            break;
    }
    return in_tail ? exp(v) : v;
}

/* The last quantiles each thread computed.  A batch asks for the same few
 * (level, degrees of freedom) pairs for series after series (every series
 * of a length has the same meanf() intervals), and one quantile costs as
 * much as a whole trivial fit; a quantile depends on p and df only, so a
 * remembered one is the same double. */
#define QT_MEMO 4
typedef struct {
    double p, df, value;
    int used;
} qt_memo_entry;
static qt_memo_entry qt_memo[QT_MEMO];
static int qt_memo_next;
#pragma omp threadprivate(qt_memo, qt_memo_next)

static double qt_solve(double p, double df);

double lagrs_qt(double p, double df)
{
    if (isnan(p) || isnan(df) || p < 0 || p > 1 || df <= 0)
        return NAN;
    if (p == 0 || p == 1)
        return p == 0 ? -INFINITY : INFINITY;
    if (p == 0.5)
        return 0;
    for (int k = 0; k < QT_MEMO; k++)
        if (qt_memo[k].used && qt_memo[k].p == p && qt_memo[k].df == df)
            return qt_memo[k].value;
    double value = qt_solve(p, df);
    qt_memo[qt_memo_next] = (qt_memo_entry) {p, df, value, 1};
    qt_memo_next = (qt_memo_next + 1) % QT_MEMO;
    return value;
}

static double qt_solve(double p, double df)
{
    double q = p < 0.5 ? p : 1 - p;   /* exact for p >= 1/2 */
    double s;
    if (df > 1e10) {
        /* the expansion's next term is below 1e-30 of the result */
        double w = -lagrs_qnorm(q);
        s = isinf(df) ? w : w + w * (w * w + 1) / (4 * df);
    } else {
        double log_beta = 0.5 * log(M_PI) - log_gamma_half_ratio(df / 2);
        s = t_solve(q, df, log_beta);
    }
    return p < 0.5 ? -s : s;
}
