# ets_fit(): one series' exponential smoothing model, as forecast::ets()
# fits it, through the same family (src/model_ets.c) a batch uses.

#' Fit an exponential smoothing (ETS) model to one series
#'
#' `ets_fit()` fits the model [ets_model()] describes to one series, as
#' [forecast::ets()] does, and returns what `ets()` users read: `$method`
#' ("ETS(M,Ad,M)"), `$components`, `$par` (smoothing parameters and initial
#' states), `$initstate`, `$states`, `$sigma2`, `$loglik`, `$aic`, `$aicc`,
#' `$bic`, `$mse`, `$amse`, `$fitted` and `$residuals` (the innovations: for
#' a multiplicative error, the relative errors, as forecast's). Its methods
#' are print, summary, coef, logLik, fitted, residuals, forecast, plot and
#' ggplot2's autoplot.
#'
#' @param y A numeric vector or univariate time series without missing
#'   values.
#' @inheritParams ets_model
#' @param ... Further options of [ets_model()] (`additive_only`, `ic`,
#'   `opt_crit`, `bounds`, `alpha`, ...).
#' @return An object of class `lagrs_ets`.
#' @seealso [ets_model()] for the rules and options, [forecast::ets()].
#' @export
#' @examples
#' fit <- ets_fit(USAccDeaths)
#' fit
#' coef(fit)
#' fc <- forecast(fit, h = 12)
#' head(fc$mean)
#' ets_fit(Nile, "A", "N", "N")
ets_fit <- function(y, error = NULL, trend = NULL, season = NULL, damped = NULL,
                    period = NULL, ...) {
  series <- deparse1(substitute(y))
  model <- ets_model(error = error, trend = trend, season = season, damped = damped,
                     period = period, ...)
  y <- check_ets_series(y)
  fits <- .Call(C_fit_batch_call, list(as.double(y)), as.double(stats::frequency(y)),
                model$family, model$options, TRUE, FALSE)
  status <- status_labels(fits$status)
  if (status == "error") stop(ets_error_message(fits$message), call. = FALSE)
  if (status == "warning") warning(fits$message, call. = FALSE)
  new_lagrs_ets(fits, y, model, series)
}

check_ets_series <- function(y) {
  if (!is.numeric(y) || !is.null(dim(y)) && NCOL(y) != 1L || is.factor(y)) {
    stop("`y` must be a numeric vector or univariate time series, not ",
         describe_value(y), ".", call. = FALSE)
  }
  y <- stats::as.ts(y)
  if (length(y) == 0L || all(is.na(y))) {
    stop("`y` has no values: all are missing.", call. = FALSE)
  }
  y
}

# The fit's message, with the argument it is about
ets_error_message <- function(message) {
  if (grepl("^`", message)) message else paste0("`y`: ", message, ".")
}

new_lagrs_ets <- function(fits, y, model, series) {
  codes <- fits$codes[1L, ]
  letters <- lagrs_codes("ets_component")
  letter <- function(code) names(letters)[match(code, letters)]
  components <- c(letter(codes[["error"]]), letter(codes[["trend"]]),
                  letter(codes[["season"]]), as.character(as.logical(codes[["damped"]])))
  state <- fits$state
  run <- .Call(C_ets_states_call, as.double(y), state)
  m <- codes[["period"]]
  tsp_y <- stats::tsp(y)
  states <- stats::ts(run[[1L]], start = tsp_y[1L] - 1 / tsp_y[3L], frequency = tsp_y[3L])
  colnames(states) <- c("l", if (components[2L] != "N") "b",
                        if (components[3L] != "N") paste0("s", seq_len(m)))
  e <- stats::ts(run[[2L]], start = tsp_y[1L], frequency = tsp_y[3L])
  fitted <- if (components[1L] == "A") y - e else y / (1 + e)
  par <- fits$coef[1L, !is.na(fits$coef[1L, ])]
  label <- fits$label[[1L]]
  structure(list(
    method = label, label = label, series = series, components = components, m = m,
    par = par, coef = par, initstate = states[1L, ], states = states,
    sigma2 = fits$sigma2[[1L]], loglik = fits$loglik[[1L]], aic = fits$aic[[1L]],
    aicc = fits$aicc[[1L]], bic = fits$bic[[1L]], mse = fits$info[1L, "mse"],
    amse = fits$info[1L, "amse"], nobs = length(y), x = y, fitted = fitted, residuals = e,
    convergence = fits$convergence[[1L]], status = status_labels(fits$status),
    message = fits$message[[1L]], model = model, state = state,
    state_status = fits$status
  ), class = c("lagrs_ets", "lagrs_model_fit"))
}

#' Methods for ETS fits
#'
#' @param x,object A `lagrs_ets` object from [ets_fit()].
#' @param h Forecast horizon (default: two periods for seasonal data, else 10,
#'   as forecast's).
#' @param level Interval levels in percent.
#' @param digits Significant digits to print.
#' @param ... Unused.
#' @return `forecast()`: a `lagrs_forecast` (also a `forecast`); the others
#'   as their generics.
#' @name lagrs_ets-methods
#' @examples
#' fit <- ets_fit(USAccDeaths)
#' summary(fit)
#' logLik(fit)
#' plot(forecast(fit))
NULL

#' @rdname lagrs_ets-methods
#' @export
print.lagrs_ets <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(x$method, "\n\n", sep = "")
  cat("Series:", x$series, "\n\n")
  cat("  Smoothing parameters:\n")
  for (name in intersect(c("alpha", "beta", "gamma", "phi"), names(x$par))) {
    cat(sprintf("    %s = %s\n", name, format(x$par[[name]], digits = digits)))
  }
  cat("\n  Initial states:\n")
  init <- x$initstate
  for (name in names(init)) {
    cat(sprintf("    %s = %s\n", name, format(init[[name]], digits = digits)))
  }
  cat(sprintf("\n  sigma:  %s\n\n", format(sqrt(x$sigma2), digits = digits)))
  tab <- c(AIC = x$aic, AICc = x$aicc, BIC = x$bic)
  print(tab, digits = digits)
  invisible(x)
}

#' @rdname lagrs_ets-methods
#' @export
summary.lagrs_ets <- function(object, ...) {
  structure(c(unclass(object),
              list(rmse = sqrt(mean((object$x - object$fitted)^2)),
                   mae = mean(abs(object$x - object$fitted)))),
            class = "summary.lagrs_ets")
}

#' @rdname lagrs_ets-methods
#' @export
print.summary.lagrs_ets <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  print.lagrs_ets(x, digits = digits)
  cat(sprintf("\nTraining set: RMSE = %s, MAE = %s, log likelihood = %s (n = %d)\n",
              format(x$rmse, digits = digits), format(x$mae, digits = digits),
              format(round(x$loglik, 2L)), as.integer(x$nobs)))
  invisible(x)
}

#' @rdname lagrs_ets-methods
#' @export
logLik.lagrs_ets <- function(object, ...) {
  structure(object$loglik, df = length(object$par) + 1L, nobs = object$nobs,
            class = "logLik")
}

#' @rdname lagrs_ets-methods
#' @export
forecast.lagrs_ets <- function(object, h = if (object$m > 1L) 2L * object$m else 10L,
                               level = c(80, 95), ...) {
  forecast.lagrs_model_fit(object, h = h, level = level)
}

#' @rdname lagrs_ets-methods
#' @export
plot.lagrs_ets <- function(x, ...) {
  parts <- cbind(observed = x$x, x$states[-1L, , drop = FALSE])
  colnames(parts) <- c("observed", "level", if (x$components[2L] != "N") "slope",
                       if (x$components[3L] != "N") "season")[seq_len(ncol(parts))]
  if (x$components[3L] != "N") parts <- parts[, seq_len(2L + (x$components[2L] != "N") + 1L)]
  graphics::plot(parts, main = paste("Components of", x$method), ...)
  invisible(x)
}
