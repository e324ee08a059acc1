# The Theta method as model families (src/model_theta.c): the standard one,
# and the optimised OTM and DOTM of Fiorucci et al. (2016).

#' The Theta method
#'
#' `theta_model()` describes the standard Theta method of Assimakopoulos and
#' Nikolopoulos (2000), computed as [forecast::thetaf()] computes it, for
#' [fit_batch()] and [forecast()]. Hyndman and Billah (2003) showed that
#' the method is simple exponential smoothing (SES) with a drift of half the
#' slope of the series' linear trend; for each series it does exactly this:
#'
#' 1. **Seasonality.** A series of period \eqn{m > 1}, not constant and
#'    longer than \eqn{2m}, is seasonal when its lag-\eqn{m} autocorrelation
#'    passes the 90% test
#'    \eqn{|r_m| > 1.645 \sqrt{(1 + 2 \sum_{k=1}^{m-1} r_k^2) / n}}. It is
#'    then divided by the seasonal indexes of a classical multiplicative
#'    decomposition ([stats::decompose()]), unless an index is smaller than
#'    `1e-4` in size (then the fit warns and uses no seasonal adjustment, as
#'    `thetaf()` does).
#' 2. **SES.** Fitted as [forecast::ses()] fits it, by
#'    `ets(model = "ANN", opt.crit = "mse")`: the smoothing parameter
#'    \eqn{\alpha \in [10^{-4}, 0.9999]} and the initial level \eqn{\ell_0}
#'    minimise the mean squared one-step error, found by Nelder-Mead (the
#'    algorithm of R's `optim()`, started at \eqn{\alpha = 0.20006} and the
#'    mean of the first ten values, as `ets()` starts it). A series of six
#'    values or fewer is smoothed as `ets()` smooths it there (through
#'    `HoltWintersZZ()`): \eqn{\ell_0} is the first value and
#'    \eqn{\alpha \in [0, 1]} minimises the sum of squared errors (by
#'    Brent's method where forecast uses L-BFGS-B; the minimum found is the
#'    same or lower).
#' 3. **Forecast.** With \eqn{\ell_n} the last SES level and \eqn{b} the
#'    slope of the least-squares line through the (adjusted) series, the
#'    forecast \eqn{h} steps ahead is
#'    \eqn{\ell_n + \frac{b}{2}\left(h - 1 + \frac{1 - (1 - \alpha)^n}{\alpha}\right)},
#'    times the seasonal index of that step for a seasonal series.
#' 4. **Intervals.** Normal, with standard error
#'    \eqn{\sigma \sqrt{1 + (h - 1)\alpha^2}}, where \eqn{\sigma^2} is the
#'    SES residual variance as `ets()` gives it (the sum of squared errors
#'    over \eqn{n - 2}; over \eqn{n} for six values or fewer). Like
#'    `thetaf()`'s, they are not reseasonalised.
#'
#' The coefficients of each fit are `alpha`, `l` (the initial level) and
#' `drift` (\eqn{b/2}); its codes are `period` and `seasonal` (1 when the
#' series was seasonally adjusted) and its info `mse` (the SES objective at
#' the optimum, `ses()$model$mse`).
#'
#' A series with missing values inside fails with a message (`thetaf()`
#' smooths the longest stretch without them but fits the trend to all
#' values, or fails when the series is seasonal); so does a series of fewer
#' than two values. A constant series is forecast by its value, with
#' intervals of zero width and a warning status.
#'
#' @section The optimised Theta models (`type = "optimized"`, `"dynamic"`):
#' The optimised Theta model (OTM) and its dynamic version (DOTM) of
#' Fiorucci, Pellegrini, Louzada, Petropoulos and Koehler (2016), computed
#' as `forecTheta::otm()` and `forecTheta::dotm()` (version 3) compute them:
#'
#' 1. **Seasonality.** A series of period \eqn{m \ge 3} with at least
#'    \eqn{2m} values is seasonal when
#'    \eqn{|r_m| > 1.64 \sqrt{1 + 2 \sum_{k=1}^{m-1} r_k^2} / \sqrt{n}}, and
#'    is then divided by the indexes of [stats::decompose()] (multiplicative).
#'    Indexes that are zero or not finite skip the adjustment, with a warning.
#' 2. **The recursions**, on the adjusted series \eqn{y_1, \dots, y_n}, with
#'    \eqn{w = 1 - 1/\theta}:
#'    \deqn{\mu_{t+1} = \ell_t + w \left( A_t (1 - \alpha)^t + B_t \frac{1 - (1 - \alpha)^{t+1}}{\alpha} \right),}
#'    \deqn{\ell_t = \alpha y_t + (1 - \alpha) \ell_{t-1}, \qquad \bar{y}_t = \frac{(t - 1) \bar{y}_{t-1} + y_t}{t}.}
#'    OTM keeps \eqn{A_t = A_n} and \eqn{B_t = B_n}, the intercept and slope
#'    of the least-squares line through all of \eqn{y}
#'    (\eqn{B_n = 6 (2 \overline{t y_t} - (n + 1) \bar{y}) / (n^2 - 1)},
#'    \eqn{A_n = \bar{y} - (n + 1) B_n / 2}) and starts from
#'    \eqn{\mu_1 = \ell_0 + w (A_n + B_n)}. DOTM updates them each step,
#'    \deqn{B_t = \frac{1}{t + 1} \left( (t - 2) B_{t-1} + \frac{6}{t} (y_t - \bar{y}_{t-1}) \right), \qquad A_t = \bar{y}_t - \frac{t + 1}{2} B_t,}
#'    from \eqn{A_1 = y_1}, \eqn{B_1 = 0} and \eqn{\mu_1 = y_1}.
#' 3. **Estimation.** \eqn{(\ell_0, \alpha, \theta)} minimise
#'    \eqn{\sum_t (y_t - \mu_t)^2} (the sum from \eqn{t = 3} for DOTM),
#'    which maximises the Gaussian likelihood of the state-space form.
#'    Like forecTheta, lagrs uses Nelder-Mead (the algorithm of R's
#'    `optim()`, with its defaults) from \eqn{(y_1 / 2, 0.5, 2)}, with the errors in units of
#'    the mean \eqn{|y_t|} and the objective set to \eqn{10^{300}} outside
#'    \eqn{\alpha \in [0.1, 0.99]}, \eqn{\theta \ge 1},
#'    \eqn{|\ell_0| \le 10^{10}}; the two walk the same path to the same
#'    point.
#' 4. **Forecasts** continue the recursions with each future value set to
#'    its prediction (so DOTM's line keeps moving), times the seasonal index.
#' 5. **Intervals.** With \eqn{y_{n+j} = \mu_{n+j} + \varepsilon_{n+j}}
#'    every recursion is linear in the errors, so the forecast \eqn{j}
#'    steps ahead is normal with variance
#'    \eqn{\sigma^2 \sum_{k \le j} c_{jk}^2}, \eqn{c_{jk}} the effect of
#'    \eqn{\varepsilon_{n+k}} on \eqn{y_{n+j}} (for OTM,
#'    \eqn{\sigma^2 (1 + (j - 1)\alpha^2)}); \eqn{\sigma} is the standard
#'    deviation of the residuals from the third on, as forecTheta's, and the
#'    bounds are reseasonalised, as forecTheta's. forecTheta simulates
#'    10,000 paths instead (updating \eqn{A_t} and \eqn{B_t} along them
#'    for OTM too), so its bounds differ by Monte Carlo error.
#'
#' Their coefficients are `alpha`, `l` (\eqn{\ell_0}) and `theta`; their
#' codes and info are the standard model's (`mse` is the mean squared
#' one-step error over the objective's range). They need at least four
#' values.
#'
#' @param period The seasonal period. `NULL` (the default) uses each
#'   series' own frequency; a number overrides every series' frequency.
#' @param type `"standard"` (the default): the Theta method as
#'   [forecast::thetaf()]; `"optimized"`: the optimised Theta model (OTM);
#'   `"dynamic"`: the dynamic optimised Theta model (DOTM). See the section
#'   below.
#' @return An object of class `lagrs_model`, which prints in one line.
#' @references
#' Assimakopoulos, V. and Nikolopoulos, K. (2000). The theta model: a
#' decomposition approach to forecasting. *International Journal of
#' Forecasting* 16, 521--530.
#'
#' Hyndman, R.J. and Billah, B. (2003). Unmasking the Theta method.
#' *International Journal of Forecasting* 19, 287--290.
#'
#' Fiorucci, J.A., Pellegrini, T.R., Louzada, F., Petropoulos, F. and
#' Koehler, A.B. (2016). Models for optimising the theta method and their
#' relationship to state space models. *International Journal of
#' Forecasting* 32, 1151--1161.
#' @seealso [fit_batch()], [forecast::thetaf()].
#' @export
#' @examples
#' theta_model()
#' batch <- fit_batch(list(air = AirPassengers, nile = Nile), theta_model())
#' coef(batch)
#' head(forecast(batch, h = 3))
#' dotm <- fit_batch(list(air = AirPassengers), theta_model(type = "dynamic"))
#' coef(dotm)
theta_model <- function(period = NULL, type = c("standard", "optimized", "dynamic")) {
  period <- if (is.null(period)) NA_real_ else check_count(period, "period")
  type <- check_choice(type, "type", names(lagrs_codes("theta_type")))
  spec <- list(period = if (is.na(period)) NULL else period, type = type)
  if (type == "standard") {
    return(new_lagrs_model("theta", c(period = period), spec, "Theta"))
  }
  # OTM and DOTM are a family of their own, so the standard one keeps its options
  label <- if (type == "optimized") "Optimised Theta (OTM)" else "Dynamic optimised Theta (DOTM)"
  new_lagrs_model("theta_otm", c(period = period, type = lagrs_codes("theta_type")[[type]]),
                  spec, label)
}

