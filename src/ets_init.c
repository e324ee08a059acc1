#include "ets.h"
#include "decompose.h"
#include "unitroot.h"
#include "linalg.h"
#include <math.h>

/* forecast's starting points (R/ets.R, 8.20): initstate() for the states,
 * initparam() for the smoothing parameters. */

/* The intercept and slope of lsfit(1:n, y) (an exact line through centred
 * values; QR's answer to rounding). */
static void line_fit(const double *y, R_xlen_t n, double *intercept, double *slope)
{
    double centre = 0.5 * (double) (n + 1), mean_y = lagrs_r_mean(y, n);
    long double sxy = 0.0L, sxx = 0.0L;
    for (R_xlen_t t = 0; t < n; t++) {
        double dt = (double) (t + 1) - centre;
        sxy += dt * (y[t] - mean_y);
        sxx += dt * dt;
    }
    *slope = (double) (sxy / sxx);
    *intercept = mean_y - *slope * centre;
}

/* tslm(y ~ trend + fourier(y, 1))'s intercept and trend coefficient: the
 * series shorter than three periods.  fourier() drops the sine column when
 * it is zero (m = 2). */
static int short_seasonal_line(const double *y, R_xlen_t n, int m, double *work,
                               double *intercept, double *slope)
{
    int k = m == 2 ? 3 : 4;
    double *X = work, *coef = work + 4 * n, *se = coef + 4, *ls_work = se + 4;
    for (R_xlen_t t = 0; t < n; t++) {
        double time = (double) (t + 1), angle = 2.0 * time / m;
        X[t] = 1.0;
        X[n + t] = time;
        if (k == 4) {
            X[2 * n + t] = sin(M_PI * angle);
            X[3 * n + t] = cos(M_PI * angle);
        } else {
            X[2 * n + t] = cos(M_PI * angle);
        }
    }
    if (linalg_least_squares(n, k, y, X, n, coef, se, ls_work) != 0)
        return -1;
    *intercept = coef[0];
    *slope = coef[1];
    return 0;
}

/* The seasonal component at each time (seasonal[0..n-1]) as initstate
 * takes it: decompose()'s figure repeated, or the detrended series of the
 * short-series regression. */
static int seasonal_component(const double *y, R_xlen_t n, int season, int m, double *work,
                              double *seasonal)
{
    if (n < 3 * (R_xlen_t) m) {
        double a, b;
        if (short_seasonal_line(y, n, m, work, &a, &b) != 0)
            return -1;
        for (R_xlen_t t = 0; t < n; t++) {
            double line = a + b * (double) (t + 1);
            seasonal[t] = season == ETS_ADD ? y[t] - line : y[t] / line;
        }
        return 0;
    }
    double figure[ETS_MAX_PERIOD];
    lagrs_decompose_figure(y, n, m, season == ETS_MULT, work, figure);
    for (R_xlen_t t = 0; t < n; t++)
        seasonal[t] = figure[t % m];
    return 0;
}

int ets_initial_states(const double *y, R_xlen_t n, int trend, int season, int m,
                       double *work, double *init)
{
    double *adjusted = work, *seasonal = work + n, *scratch = work + 2 * n;
    int k = 0;
    double seas[ETS_MAX_PERIOD];
    if (season != ETS_NONE) {
        if (n < 4 || seasonal_component(y, n, season, m, scratch, seasonal) != 0)
            return -1;
        for (int j = 0; j < m - 1; j++)
            seas[j] = seasonal[m - 1 - j];   /* rev(seasonal[2:m]) */
        if (season == ETS_ADD) {
            for (R_xlen_t t = 0; t < n; t++)
                adjusted[t] = y[t] - seasonal[t];
        } else {
            double total = 0.0;
            for (int j = 0; j < m - 1; j++) {
                seas[j] = fmax(seas[j], 0.01);
                total += seas[j];
            }
            if (total > m) {
                double scale = 0.0;   /* sum(init.seas + 0.01) */
                for (int j = 0; j < m - 1; j++)
                    scale += seas[j] + 0.01;
                for (int j = 0; j < m - 1; j++)
                    seas[j] = seas[j] / scale;
            }
            for (R_xlen_t t = 0; t < n; t++)
                adjusted[t] = y[t] / fmax(seasonal[t], 0.01);
        }
    } else {
        m = 1;
        for (R_xlen_t t = 0; t < n; t++)
            adjusted[t] = y[t];
    }
    R_xlen_t maxn = 2 * m > 10 ? 2 * m : 10;
    if (maxn > n)
        maxn = n;
    if (trend == ETS_NONE) {
        init[k++] = lagrs_r_mean(adjusted, maxn);
    } else {
        double a, b, l0, b0;
        line_fit(adjusted, maxn, &a, &b);
        if (trend == ETS_ADD) {
            l0 = a;
            b0 = b;
            if (fabs(l0 + b0) < 1e-8) {
                l0 = l0 * (1 + 0.001);
                b0 = b0 * (1 - 0.001);
            }
        } else {
            l0 = a + b;
            if (fabs(l0) < 1e-8)
                l0 = 1e-7;
            b0 = (a + 2 * b) / l0;
            l0 = l0 / b0;
            if (fabs(b0) > 1e10)
                b0 = b0 > 0 ? 1e10 : -1e10;
            if (l0 < 1e-8 || b0 < 1e-8) {
                l0 = fmax(adjusted[0], 0.001);
                b0 = fmax(adjusted[1] / adjusted[0], 0.001);
            }
        }
        init[k++] = l0;
        init[k++] = b0;
    }
    for (int j = 0; season != ETS_NONE && j < m - 1; j++)
        init[k++] = seas[j];
    return k;
}

int ets_initial_params(const ets_control *ctl, const ets_spec *spec, const double *lower_in,
                       const double *upper_in, double *par)
{
    double lower[4], upper[4];
    for (int i = 0; i < 4; i++) {
        lower[i] = lower_in[i];
        upper[i] = upper_in[i];
    }
    if (ctl->bounds == ETS_BOUNDS_ADMISSIBLE)
        for (int i = 0; i < 3; i++) {
            lower[i] = lower[i] * 0;
            upper[i] = upper[i] * 0 + 0.001;
        }
    int k = 0;
    double alpha = ctl->alpha;
    if (isnan(alpha)) {
        alpha = lower[0] + 0.2 * (upper[0] - lower[0]) / spec->m;
        if (alpha > 1 || alpha < 0)
            alpha = lower[0] + 0.002;
        par[k++] = alpha;
    }
    if (spec->trend != ETS_NONE && isnan(ctl->beta)) {
        upper[1] = fmin(upper[1], alpha);
        double beta = lower[1] + 0.1 * (upper[1] - lower[1]);
        if (beta < 0 || beta > alpha)
            beta = alpha - 0.001;
        par[k++] = beta;
    }
    if (spec->season != ETS_NONE && isnan(ctl->gamma)) {
        upper[2] = fmin(upper[2], 1 - alpha);
        double gamma = lower[2] + 0.05 * (upper[2] - lower[2]);
        if (gamma < 0 || gamma > 1 - alpha)
            gamma = 1 - alpha - 0.001;
        par[k++] = gamma;
    }
    if (spec->damped && isnan(ctl->phi)) {
        double phi = lower[3] + 0.99 * (upper[3] - lower[3]);
        if (phi < 0 || phi > 1)
            phi = upper[3] - 0.001;
        par[k++] = phi;
    }
    return k;
}
