#include "decompose.h"
#include "unitroot.h"
#include <math.h>

/* stats::filter(x, f, sides = 2) with decompose()'s centred moving average
 * (weights 1/m, or 1/(2m) at both ends when m is even): NaN at the ends. */
static void moving_average(const double *y, R_xlen_t n, int m, double *trend)
{
    int n_filter = m % 2 == 0 ? m + 1 : m;
    R_xlen_t shift = n_filter / 2;
    double inner = 1.0 / m, outer = m % 2 == 0 ? 0.5 / m : inner;
    for (R_xlen_t i = 0; i < n; i++) {
        if (i + shift - (n_filter - 1) < 0 || i + shift >= n) {
            trend[i] = NAN;
            continue;
        }
        double z = 0.0;
        for (int j = 0; j < n_filter; j++) {
            double weight = (j == 0 || j == n_filter - 1) ? outer : inner;
            z += weight * y[i + shift - j];
        }
        trend[i] = z;
    }
}

int lagrs_decompose_figure(const double *y, R_xlen_t n, int m, int multiplicative,
                           double *work, double *figure)
{
    double *detrended = work, *kept = work + n;
    moving_average(y, n, m, detrended);
    for (R_xlen_t t = 0; t < n; t++)
        detrended[t] = multiplicative ? y[t] / detrended[t] : y[t] - detrended[t];
    for (int i = 0; i < m; i++) {
        R_xlen_t n_kept = 0;
        for (R_xlen_t t = i; t < n; t += m)
            if (!isnan(detrended[t]))
                kept[n_kept++] = detrended[t];
        figure[i] = n_kept > 0 ? lagrs_r_mean(kept, n_kept) : NAN;
    }
    double mean = lagrs_r_mean(figure, m);
    for (int i = 0; i < m; i++) {
        figure[i] = multiplicative ? figure[i] / mean : figure[i] - mean;
        if (!isfinite(figure[i]))
            return 0;
    }
    return 1;
}
