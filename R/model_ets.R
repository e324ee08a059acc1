# Exponential smoothing (ETS) as a model family (src/model_ets.c over the
# engine of src/ets.h), as forecast::ets() fits it.

#' Exponential smoothing (ETS) models
#'
#' `ets_model()` describes an exponential smoothing state-space model
#' (Hyndman, Koehler, Ord and Snyder 2008) for [fit_batch()] and
#' [forecast()], fitted as [forecast::ets()] (8.20) fits it: the same
#' recursions, initial states (`initstate()`), starting values, bounds,
#' objective and optimiser (Nelder-Mead as R's `optim()`, at most 2000
#' evaluations), so both usually reach the same optimum. [ets_fit()] fits
#' one series and gives the object `forecast::ets()` users expect.
#'
#' A component left `NULL` is chosen, as `ets(model = "ZZZ")` chooses: every
#' allowed model is fitted and the one with the smallest `ic` kept. The
#' rules are forecast's: seasonal models only for periods 2 to 24 (a longer
#' period gives a non-seasonal model and a warning status; a period of 1 with
#' `season` asked for is an error); a series of no more values than its
#' period is not seasonal; multiplicative error only for strictly positive
#' data; with `restrict = TRUE` no model of infinite variance (additive
#' error with a multiplicative component, and ETS(M,M,A)); multiplicative
#' trend only with `allow_multiplicative_trend = TRUE`. A series with no
#' more values than the model's parameters plus 4 fails with status "error"
#' (`forecast::ets()` would fit Holt-Winters by least squares instead), and
#' so does a model with as many parameters as values less one.
#'
#' Series with missing values fail with status "error" (forecast keeps the
#' longest stretch without them): fill or trim them first. A constant series
#' gets forecast's answer, simple exponential smoothing with
#' \eqn{\alpha = 0.99999}: its value, with intervals of zero width, and a
#' warning status.
#'
#' **Forecast intervals** are analytic for the models of classes 1 to 3 of
#' Hyndman et al. (2008, ch. 6), as `forecast.ets()` computes them: additive
#' error with no or additive trend and season; multiplicative error with the
#' same; multiplicative error and season with no or additive trend. That
#' covers every model the default rules allow. For the others
#' (multiplicative trend, or `restrict = FALSE`) they are quantiles
#' (type 8) of 5000 simulated paths, as `forecast.ets()` simulates them. The
#' paths come from a generator of lagrs's own seeded by `seed` and the
#' series' fitted state, so they are the same for any number of threads and
#' any order of the series; `seed` is drawn from R's generator when the
#' model is made (so `set.seed()` first makes them reproducible). Their
#' Monte-Carlo error: a bound at level \eqn{100(1 - 2p)\%} has standard
#' error about \eqn{\sqrt{p(1 - p)/5000} / f(q_p)} (\eqn{f} the forecast
#' density at the bound): about 4% of the forecast standard deviation for a
#' bound of a 95% interval when the paths are near normal, more in the long
#' right tails of multiplicative trends (forecast's own bounds have the same
#' error).
#'
#' Each fit's coefficients are `forecast::ets()`'s `par`: `alpha`, `beta`,
#' `gamma`, `phi` (those the model has), then the initial states `l`, `b`,
#' `s0`, ..., `s(m-2)`. Its codes are `error` (1 "A", 2 "M"), `trend` and
#' `season` (0 "N", 1 "A", 2 "M"), `damped` and `period`; its info `mse` and
#' `amse`. Residuals in a batch are on the scale of the data (y minus the
#' fitted value); [ets_fit()]'s, like forecast's, are the innovations
#' (relative errors for a multiplicative error).
#'
#' @param error,trend,season `"A"`, `"M"` (and `"N"` for trend and season),
#'   or `NULL` to choose.
#' @param damped `TRUE`, `FALSE`, or `NULL` to choose.
#' @param period The seasonal period. `NULL` (the default) uses each
#'   series' own frequency; a number overrides every series' frequency.
#' @param additive_only Only additive models.
#' @param allow_multiplicative_trend Consider multiplicative trends when
#'   choosing (default `FALSE`, as forecast).
#' @param restrict Exclude models of infinite variance.
#' @param ic The criterion that chooses: `"aicc"`, `"aic"` or `"bic"`.
#' @param opt_crit The objective: `"lik"` (the likelihood), `"amse"` (mean
#'   squared error of the forecasts 1 to `nmse` steps ahead), `"mse"`,
#'   `"sigma"` (mean squared residual) or `"mae"`.
#' @param nmse Horizons in `"amse"`, 1 to 30.
#' @param bounds `"both"`, `"usual"` (parameters in \[1e-4, 0.9999\], phi
#'   in \[0.8, 0.98\]) or `"admissible"` (the characteristic roots inside
#'   the unit circle).
#' @param alpha,beta,gamma,phi Fixed values of the smoothing parameters, or
#'   `NULL` to estimate them.
#' @param seed The seed of simulated intervals (a whole number); `NULL`
#'   draws one from R's generator.
#' @return An object of class `lagrs_model`, which prints in one line.
#' @references Hyndman, R.J., Koehler, A.B., Ord, J.K. and Snyder, R.D.
#'   (2008). *Forecasting with exponential smoothing: the state space
#'   approach*. Springer.
#' @seealso [ets_fit()], [fit_batch()], [forecast::ets()].
#' @export
#' @examples
#' ets_model()
#' ets_model("M", "A", "M", damped = TRUE)
#' batch <- fit_batch(list(air = AirPassengers, nile = Nile), ets_model())
#' summary(batch)
#' head(forecast(batch, h = 3))
ets_model <- function(error = NULL, trend = NULL, season = NULL, damped = NULL,
                      period = NULL, additive_only = FALSE,
                      allow_multiplicative_trend = FALSE, restrict = TRUE,
                      ic = c("aicc", "aic", "bic"),
                      opt_crit = c("lik", "amse", "mse", "sigma", "mae"), nmse = 3,
                      bounds = c("both", "usual", "admissible"), alpha = NULL, beta = NULL,
                      gamma = NULL, phi = NULL, seed = NULL) {
  components <- lagrs_codes("ets_component")
  spec <- list(error = check_component(error, "error", c("A", "M")),
               trend = check_component(trend, "trend", c("N", "A", "M")),
               season = check_component(season, "season", c("N", "A", "M")),
               damped = if (is.null(damped)) NULL else check_flag(damped, "damped"))
  if (isTRUE(spec$damped) && identical(spec$trend, "N")) {
    stop("`damped` must not be TRUE with `trend` = \"N\": there is no trend to damp.",
         call. = FALSE)
  }
  period <- if (is.null(period)) NA_real_ else check_count(period, "period")
  check_flag(additive_only, "additive_only")
  check_flag(allow_multiplicative_trend, "allow_multiplicative_trend")
  check_flag(restrict, "restrict")
  ic <- check_choice(ic, "ic", names(lagrs_codes("ets_ic")))
  opt_crit <- check_choice(opt_crit, "opt_crit", names(lagrs_codes("ets_opt_crit")))
  bounds <- check_choice(bounds, "bounds", names(lagrs_codes("ets_bounds")))
  nmse <- check_count(nmse, "nmse")
  if (nmse > lagrs_codes("ets_limits")[["max_nmse"]]) {
    stop("`nmse` must be at most 30, not ", nmse, ".", call. = FALSE)
  }
  given <- c(alpha = check_unit(alpha, "alpha"), beta = check_unit(beta, "beta"),
             gamma = check_unit(gamma, "gamma"), phi = check_unit(phi, "phi"))
  if (is.null(seed)) seed <- sample.int(.Machine$integer.max, 1L)
  seed <- check_count(seed, "seed", min = 0L)
  code_of <- function(v) if (is.null(v)) NA_real_ else components[[v]]
  options <- c(error = code_of(spec$error), trend = code_of(spec$trend),
               season = code_of(spec$season),
               damped = if (is.null(spec$damped)) NA_real_ else as.numeric(spec$damped),
               period = period, additive_only = additive_only,
               allow_multiplicative_trend = allow_multiplicative_trend,
               restrict = restrict, ic = lagrs_codes("ets_ic")[[ic]],
               opt_crit = lagrs_codes("ets_opt_crit")[[opt_crit]], nmse = nmse,
               bounds = lagrs_codes("ets_bounds")[[bounds]],
               given, seed = seed)
  spec <- c(spec, list(period = if (is.na(period)) NULL else period, ic = ic,
                       opt_crit = opt_crit, bounds = bounds))
  new_lagrs_model("ets", options, spec, ets_model_label(spec), subclass = "lagrs_ets_model")
}

# "ETS(M,Ad,M)", with Z for a component to choose
ets_model_label <- function(spec) {
  letter <- function(v) if (is.null(v)) "Z" else v
  damped <- if (is.null(spec$damped)) "" else if (spec$damped) "d" else ""
  sprintf("ETS(%s,%s%s,%s)", letter(spec$error), letter(spec$trend), damped,
          letter(spec$season))
}

check_component <- function(x, arg, choices) {
  if (is.null(x)) return(NULL)
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% choices) {
    stop("`", arg, "` must be NULL (choose) or one of ",
         paste0("\"", choices, "\"", collapse = ", "), ", not ", describe_value(x), ".",
         call. = FALSE)
  }
  x
}

# NA for NULL (estimate), else a number in [0, 1]
check_unit <- function(x, arg) {
  if (is.null(x)) return(NA_real_)
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x < 0 || x > 1) {
    stop("`", arg, "` must be NULL (estimate) or a number in [0, 1], not ",
         describe_value(x), ".", call. = FALSE)
  }
  as.double(x)
}
