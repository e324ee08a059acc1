# ARIMA fitting and forecasting. The numerical work runs in C (src/arima_*.c);
# this file checks arguments, builds the objects and provides the methods.

#' @importFrom generics forecast
#' @importFrom stats coef vcov logLik fitted residuals nobs predict frequency
#' @importFrom graphics plot
#' @export
generics::forecast

arima_methods <- c("CSS-ML", "ML", "CSS")

# A ts (or mts, for a matrix) starting at `start` with frequency `freq`,
# built from attributes: stats::ts() costs more than a small fit.
as_ts_at <- function(x, start, freq) {
  n <- NROW(x)
  attr(x, "tsp") <- c(start, start + (n - 1) / freq, freq)
  class(x) <- if (is.matrix(x)) c("mts", "ts", "matrix") else "ts"
  x
}

# A vector of three non-negative whole numbers, as an integer vector.
check_order <- function(x, arg) {
  ok <- is.numeric(x) && !is.factor(x) && length(x) == 3L && !anyNA(x) &&
    all(is.finite(x)) && all(x == trunc(x)) && all(x >= 0) && all(x <= 1e4)
  if (!ok) {
    stop("`", arg, "` must be three non-negative whole numbers, not ",
         describe_value(x), ".", call. = FALSE)
  }
  as.integer(x)
}

arima_label <- function(order, seasonal, period) {
  out <- sprintf("ARIMA(%d,%d,%d)", order[1L], order[2L], order[3L])
  if (any(seasonal > 0L)) {
    out <- sprintf("%s(%d,%d,%d)[%d]", out, seasonal[1L], seasonal[2L],
                   seasonal[3L], period)
  }
  out
}

#' Fit an ARIMA model
#'
#' Fits a seasonal ARIMA model with optional regressors by exact maximum
#' likelihood (Kalman filter), conditional sum of squares, or CSS followed by
#' maximum likelihood. The model, the likelihood and the optimizer follow
#' [stats::arima()], so coefficients, `loglik` and `aic` agree with it;
#' `include_mean` and `include_drift` have the meaning they have in
#' `forecast::Arima()`. All the numerical work runs in C, without calling
#' back into R, which makes it much faster than `stats::arima()`.
#'
#' Missing values (`NA`) inside the series are handled by the Kalman filter
#' (the `"CSS-ML"` method then switches to `"ML"`, as `stats::arima()` does).
#' Infinite values are not allowed. A series that is constant once
#' differenced gives a degenerate fit with `sigma2 = 0` and a warning. When
#' the CSS estimates of `"CSS-ML"` are not stationary, the maximum likelihood
#' search starts from zero instead of failing.
#'
#' @param y A numeric vector or univariate time series (`ts`).
#' @param order The non-seasonal order `c(p, d, q)`.
#' @param seasonal The seasonal order `c(P, D, Q)`, or a list with
#'   components `order` and `period` as in [stats::arima()].
#' @param period The seasonal period; defaults to `frequency(y)`.
#' @param include_mean Include a mean (intercept)? Used only when the model
#'   has no differencing (`d + D == 0`).
#' @param include_drift Include a linear drift (a regressor `1:n`)? Allowed
#'   when `d + D <= 1`; otherwise it is dropped with a warning.
#' @param xreg Optional numeric vector or matrix of regressors with one row
#'   per observation.
#' @param method `"CSS-ML"` (default), `"ML"` or `"CSS"`.
#' @param fixed Optional numeric vector with one value per coefficient
#'   (in the order of `coef()`); `NA` marks the coefficients to estimate.
#' @param transform_pars Reparametrise the AR parts to keep them stationary
#'   during the search, as `stats::arima(transform.pars = TRUE)`.
#' @return An object of class `lagrs_arima`: a list with `coef`, `sigma2`,
#'   `var.coef`, `mask`, `loglik`, `aic`, `aicc`, `bic`, `arma`,
#'   `residuals`, `fitted`, `nobs`, `code` (the optimizer's convergence
#'   code), `n.cond`, `x`, `xreg`, `method`, `call`, `series` and `model` (the
#'   state used by [forecast()][forecast.lagrs_arima] and
#'   [predict()][predict.lagrs_arima]).
#' @seealso [forecast.lagrs_arima()], [stats::arima()]
#' @examples
#' fit <- arima_fit(log(AirPassengers), order = c(0, 1, 1),
#'                  seasonal = c(0, 1, 1))
#' fit
#' fc <- forecast(fit, h = 12)
#' fc$mean
#' @export
arima_fit <- function(y, order = c(0L, 0L, 0L), seasonal = c(0L, 0L, 0L),
                      period = frequency(y), include_mean = TRUE,
                      include_drift = FALSE, xreg = NULL,
                      method = c("CSS-ML", "ML", "CSS"), fixed = NULL,
                      transform_pars = TRUE) {
  call <- sys.call()
  # the C code names the series as deparse1(y_expr) would
  y_expr <- substitute(y)
  if (is.null(xreg) && is.null(fixed)) {
    # the common call shapes are checked and the object is built in C; NULL
    # means an argument needs the checks (and error messages) below
    fit <- .Call(C_arima_fit_object_call, y, order, seasonal,
                 if (missing(period)) NULL else period, include_mean,
                 include_drift, NULL, method, NULL, transform_pars, call, y_expr)
    if (!is.null(fit)) return(fit)
  }
  period_given <- !missing(period) ||
    (is.list(seasonal) && !is.null(seasonal$period) && !is.na(seasonal$period))
  if (is.data.frame(y) || is.list(y) || !(is.numeric(y) || is.logical(y)) ||
      is.factor(y) || (!is.null(dim(y)) && NCOL(y) != 1L)) {
    stop("`y` must be a numeric vector or univariate time series, not ",
         describe_value(y), ".", call. = FALSE)
  }
  if (is.logical(y) && !all(is.na(y))) {
    stop("`y` must be a numeric vector or univariate time series, not ",
         describe_value(y), ".", call. = FALSE)
  }
  y_tsp <- if (stats::is.ts(y)) stats::tsp(y) else NULL
  y_num <- as.double(y)
  if (any(is.infinite(y_num))) {
    stop("`y` must not contain infinite values.", call. = FALSE)
  }
  n <- length(y_num)
  order <- check_order(order, "order")
  if (is.list(seasonal)) {
    if (is.null(seasonal$order)) {
      stop("`seasonal` must be a numeric vector c(P, D, Q) or a list with ",
           "component `order`.", call. = FALSE)
    }
    if (!is.null(seasonal$period) && !is.na(seasonal$period)) {
      period <- seasonal$period
    }
    seasonal <- check_order(seasonal$order, "seasonal$order")
  } else {
    seasonal <- check_order(seasonal, "seasonal")
  }
  if (any(seasonal > 0L)) {
    period <- check_count(period, "period")
    if (period < 2L) {
      stop("`period` must be at least 2 for a seasonal model, not ", period,
           ".", call. = FALSE)
    }
    if (period >= n) {
      stop("`period` (", period, ") does not fit a series of length ", n,
           ": a seasonal model needs more than one period of data.",
           call. = FALSE)
    }
  } else {
    # a period only matters for a seasonal part, so it is not checked
    # otherwise (the default frequency(y) of a decennial ts is 0.1); a whole
    # one given is kept for the fit's `arma`, as stats::arima keeps it
    whole <- period_given && is.numeric(period) && length(period) == 1L &&
      !is.na(period) && is.finite(period) && period == trunc(period) &&
      period >= 1 && period <= .Machine$integer.max
    period <- if (whole) as.integer(period) else 1L
  }
  check_flag(include_mean, "include_mean")
  check_flag(include_drift, "include_drift")
  check_flag(transform_pars, "transform_pars")
  if (!is.character(method) || length(method) < 1L || anyNA(method)) {
    stop("`method` must be one of \"CSS-ML\", \"ML\" or \"CSS\", not ",
         describe_value(method), ".", call. = FALSE)
  }
  if (length(method) > 1L) method <- method[1L]
  if (!method %in% arima_methods) {
    stop("`method` must be one of \"CSS-ML\", \"ML\" or \"CSS\", not ",
         describe_value(method), ".", call. = FALSE)
  }
  n_diff <- order[2L] + seasonal[2L]
  if (include_drift && n_diff > 1L) {
    warning("No drift term fitted: the order of differencing (d + D = ",
            n_diff, ") is 2 or more.", call. = FALSE)
    include_drift <- FALSE
  }
  if (!is.null(xreg)) {
    if (is.data.frame(xreg)) xreg <- as.matrix(xreg)
    if (!is.numeric(xreg) || (!is.null(dim(xreg)) && length(dim(xreg)) != 2L)) {
      stop("`xreg` must be a numeric vector or matrix, not ",
           describe_value(xreg), ".", call. = FALSE)
    }
    xreg <- as.matrix(xreg)
    if (nrow(xreg) != n) {
      stop("`xreg` must have one row per observation of `y` (", n,
           "), not ", nrow(xreg), ".", call. = FALSE)
    }
    if (ncol(xreg) == 0L) {
      xreg <- NULL
    } else {
      if (any(is.infinite(xreg))) {
        stop("`xreg` must not contain infinite values.", call. = FALSE)
      }
      if (is.null(colnames(xreg))) {
        colnames(xreg) <- if (ncol(xreg) == 1L) "xreg" else
          paste0("xreg", seq_len(ncol(xreg)))
      }
      storage.mode(xreg) <- "double"
      xreg <- matrix(as.double(xreg), nrow(xreg), ncol(xreg),
                     dimnames = list(NULL, colnames(xreg)))
    }
  }
  n_ok <- sum(!is.na(y_num))
  needed <- .Call(C_arima_min_obs_call, order, seasonal, period)
  if (n_ok <= needed) {
    stop("`y` is too short for ", arima_label(order, seasonal, period), ": ",
         "it has ", n_ok, " non-missing values and the model needs more than ",
         needed, ".", call. = FALSE)
  }
  coef_names <- c(.Call(C_arima_coef_names_call, order, seasonal, period,
                         include_mean, include_drift), colnames(xreg))
  if (!is.null(fixed)) {
    if (!(is.numeric(fixed) || is.logical(fixed)) ||
        length(fixed) != length(coef_names)) {
      stop("`fixed` must be a numeric vector of length ", length(coef_names),
           " (one value per coefficient: ", paste(coef_names, collapse = ", "),
           "), not ", describe_value(fixed), ".", call. = FALSE)
    }
    fixed <- as.double(fixed)
  }
  if (!is.null(y_tsp)) {
    attr(y_num, "tsp") <- y_tsp
    class(y_num) <- "ts"
  }
  fit <- .Call(C_arima_fit_object_call, y_num, order, seasonal, period,
               include_mean, include_drift, xreg, method, fixed,
               transform_pars, call, y_expr)
  if (is.null(fit)) stop("internal error: arima_fit() arguments not normalised")
  fit
}

# The warning of a fit whose likelihood is unbounded (the series is constant
# once differenced), raised from C (src/arimaR.c) with a class so that
# auto_arima() can expect it without reading the message.
arima_constant_warning <- function(message) {
  warning(structure(class = c("lagrs_constant_warning", "warning", "condition"),
                    list(message = message, call = NULL)))
}

# Future regressors as an h x k double matrix (or NULL), checked against the
# fit; `arg` names the argument in errors.
future_xreg <- function(object, xreg, arg) {
  k <- object$model$n_xreg
  if (k == 0L) {
    if (!is.null(xreg)) {
      stop("`", arg, "` must be NULL: the model was fitted without `xreg`.",
           call. = FALSE)
    }
    return(NULL)
  }
  if (is.null(xreg)) {
    stop("`", arg, "` must give the future values of the ", k,
         " regressor(s) the model was fitted with.", call. = FALSE)
  }
  if (is.data.frame(xreg)) xreg <- as.matrix(xreg)
  if (!is.numeric(xreg)) {
    stop("`", arg, "` must be a numeric vector or matrix, not ",
         describe_value(xreg), ".", call. = FALSE)
  }
  xreg <- as.matrix(xreg)
  if (ncol(xreg) != k) {
    stop("`", arg, "` must have ", k, " column(s), like the `xreg` of the ",
         "fit, not ", ncol(xreg), ".", call. = FALSE)
  }
  if (anyNA(xreg) || any(is.infinite(xreg))) {
    stop("`", arg, "` must not contain missing or infinite values.",
         call. = FALSE)
  }
  matrix(as.double(xreg), nrow(xreg), k)
}

arima_predict <- function(object, h, xreg) {
  .Call(C_arima_forecast_call, object$model, as.integer(h), xreg)
}

future_ts <- function(object, values) {
  tsp_x <- attr(object$x, "tsp")
  if (is.null(tsp_x)) return(values)
  as_ts_at(values, tsp_x[2L] + 1 / tsp_x[3L], tsp_x[3L])
}

#' Forecast from a fitted ARIMA model
#'
#' Point forecasts and prediction intervals from a model fitted by
#' [arima_fit()], with the Kalman filter's exact forecast variances (as
#' `predict()` on a [stats::arima()] fit). The result is also a `forecast`
#' object, so `forecast::accuracy()`, `forecast::autoplot()` and the other
#' tools for that class work on it.
#'
#' @param object A `lagrs_arima` fit.
#' @param h Number of steps ahead. When `xreg` is given, its number of rows.
#' @param level Confidence levels of the prediction intervals, in percent
#'   (values in (0, 1) are taken as fractions).
#' @param xreg Future values of the regressors, one row per step; required
#'   exactly when the model was fitted with `xreg`.
#' @param ... Unused.
#' @return An object of class `c("lagrs_forecast", "forecast")`: a list with
#'   `mean`, `lower` and `upper` (matrices with a column per level, named
#'   like `"80%"`), `level`, `x`, `fitted`, `residuals`, `method`, `series`
#'   and `model`. They are `ts` when the series was, with the forecasts'
#'   time continuing after the series.
#' @examples
#' fit <- arima_fit(lh, order = c(1, 0, 0))
#' fc <- forecast(fit, h = 5, level = 95)
#' fc
#' @export
forecast.lagrs_arima <- function(object, h = 10, level = c(80, 95),
                                 xreg = NULL, ...) {
  if (is.null(xreg)) {
    # plain h and level: the forecast object is built in C (NULL otherwise)
    out <- .Call(C_arima_forecast_object_call, object, h, level, NULL)
    if (!is.null(out)) return(out)
  }
  if (object$model$n_xreg > 0L || !is.null(xreg)) {
    xreg <- future_xreg(object, xreg, "xreg")
    h <- nrow(xreg)
  } else if (!(is.numeric(h) && length(h) == 1L && !is.na(h) && h >= 1 &&
               h == trunc(h) && h <= .Machine$integer.max)) {
    h <- check_count(h, "h")
  }
  check_levels(level)  # the one level rule (R/batch.R)
  # the C code scales fractions itself, so it gets `level` as given
  out <- .Call(C_arima_forecast_object_call, object, h, level, xreg)
  if (is.null(out)) stop("internal error: forecast() arguments not normalised")
  out
}

#' Predictions from a fitted ARIMA model
#'
#' The same interface and values as `predict()` on a [stats::arima()] fit.
#'
#' @param object A `lagrs_arima` fit.
#' @param n.ahead Number of steps ahead.
#' @param newxreg Future values of the regressors, required exactly when
#'   the model was fitted with `xreg`; its number of rows sets `n.ahead`.
#' @param se.fit Return the standard errors?
#' @param ... Unused.
#' @return A list with `pred` and, when `se.fit`, `se` (`ts` when the series
#'   was one).
#' @examples
#' fit <- arima_fit(lh, order = c(1, 0, 0))
#' predict(fit, n.ahead = 3)
#' @export
predict.lagrs_arima <- function(object, n.ahead = 1L, newxreg = NULL,
                                se.fit = TRUE, ...) {
  newxreg <- future_xreg(object, newxreg, "newxreg")
  n.ahead <- if (!is.null(newxreg)) nrow(newxreg) else check_count(n.ahead, "n.ahead")
  check_flag(se.fit, "se.fit")
  pred <- arima_predict(object, n.ahead, newxreg)
  out <- list(pred = future_ts(object, pred$pred))
  if (se.fit) out$se <- future_ts(object, pred$se)
  out
}

arima_description <- function(x) {
  out <- x$label
  nm <- names(x$coef)
  if (!is.null(x$xreg)) {
    out <- paste("Regression with", out, "errors")
  } else if ("drift" %in% nm) {
    out <- paste(out, "with drift")
  } else if ("intercept" %in% nm) {
    out <- paste(out, "with non-zero mean")
  } else if (x$arma[6L] + x$arma[7L] == 0L) {
    out <- paste(out, "with zero mean")
  }
  out
}

coef_table <- function(x) {
  se <- rep(NA_real_, length(x$coef))
  names(se) <- names(x$coef)
  if (length(x$var.coef)) {
    se[x$mask] <- sqrt(pmax(diag(x$var.coef), 0))
  }
  se
}

#' Methods for fitted ARIMA models
#'
#' Print, summarise and extract parts of a [arima_fit()] model. `logLik()`
#' has `df` = the number of estimated coefficients + 1 (for `sigma2`) and
#' `nobs` = the number of observations used, as for [stats::arima()], so
#' [stats::AIC()] and [stats::BIC()] work.
#'
#' @param x,object A `lagrs_arima` fit (or its summary).
#' @param digits Significant digits to print.
#' @param which For `plot()`: `"fit"` (series and fitted values),
#'   `"residuals"`, or both (names may be abbreviated).
#' @param ... Unused, or passed on to the plotting functions.
#' @return `print()` returns `x` invisibly; the extractors return what their
#'   generic promises.
#' @examples
#' fit <- arima_fit(lh, order = c(1, 0, 0))
#' summary(fit)
#' coef(fit)
#' AIC(fit)
#' @name lagrs_arima-methods
NULL

#' @rdname lagrs_arima-methods
#' @export
print.lagrs_arima <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Series:", x$series, "\n")
  cat(arima_description(x), "\n\n")
  if (length(x$coef)) {
    cat("Coefficients:\n")
    tab <- rbind(x$coef, s.e. = coef_table(x))
    rownames(tab)[1L] <- ""
    print.default(tab, digits = digits, print.gap = 2L, quote = FALSE)
    cat("\n")
  }
  cat(sprintf("sigma^2 = %s:  log likelihood = %s\n",
              format(x$sigma2, digits = digits), format(round(x$loglik, 2L))))
  if (!is.na(x$aic)) {
    cat(sprintf("AIC=%s   AICc=%s   BIC=%s\n", format(round(x$aic, 2L)),
                format(round(x$aicc, 2L)), format(round(x$bic, 2L))))
  }
  invisible(x)
}

#' @rdname lagrs_arima-methods
#' @export
summary.lagrs_arima <- function(object, ...) {
  se <- coef_table(object)
  z <- object$coef / se
  tab <- cbind(Estimate = object$coef, `Std. Error` = se, `z value` = z,
               `Pr(>|z|)` = 2 * stats::pnorm(-abs(z)))
  res <- object$residuals
  ok <- !is.na(res)
  structure(list(
    description = arima_description(object), series = object$series,
    coefficients = tab, sigma2 = object$sigma2, loglik = object$loglik,
    aic = object$aic, aicc = object$aicc, bic = object$bic,
    nobs = object$nobs, method = object$method, code = object$code,
    rmse = sqrt(mean(res[ok]^2)), mae = mean(abs(res[ok]))
  ), class = "summary.lagrs_arima")
}

#' @rdname lagrs_arima-methods
#' @export
print.summary.lagrs_arima <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Series:", x$series, "\n")
  cat(x$description, " (method ", x$method, ")\n\n", sep = "")
  if (nrow(x$coefficients)) {
    stats::printCoefmat(x$coefficients, digits = digits)
    cat("\n")
  }
  cat(sprintf("sigma^2 = %s:  log likelihood = %s  (n = %d)\n",
              format(x$sigma2, digits = digits), format(round(x$loglik, 2L)),
              as.integer(x$nobs)))
  if (!is.na(x$aic)) {
    cat(sprintf("AIC=%s   AICc=%s   BIC=%s\n", format(round(x$aic, 2L)),
                format(round(x$aicc, 2L)), format(round(x$bic, 2L))))
  }
  cat(sprintf("Training residuals: RMSE = %s, MAE = %s\n",
              format(x$rmse, digits = digits), format(x$mae, digits = digits)))
  if (x$code != lagrs_codes("arima_convergence")[["converged"]]) cat("The optimizer's convergence code was", x$code, "\n")
  invisible(x)
}

#' @rdname lagrs_arima-methods
#' @export
coef.lagrs_arima <- function(object, ...) object$coef

#' @rdname lagrs_arima-methods
#' @export
vcov.lagrs_arima <- function(object, ...) object$var.coef

#' @rdname lagrs_arima-methods
#' @export
logLik.lagrs_arima <- function(object, ...) {
  structure(object$loglik, df = sum(object$mask) + 1L, nobs = object$nobs,
            class = "logLik")
}

#' @rdname lagrs_arima-methods
#' @export
fitted.lagrs_arima <- function(object, ...) object$fitted

#' @rdname lagrs_arima-methods
#' @export
residuals.lagrs_arima <- function(object, ...) object$residuals

#' @rdname lagrs_arima-methods
#' @export
nobs.lagrs_arima <- function(object, ...) object$nobs

#' @rdname lagrs_arima-methods
#' @export
plot.lagrs_arima <- function(x, which = c("fit", "residuals"), ...) {
  which <- check_plot_which(which)
  if (length(which) == 2L) {
    old <- graphics::par(mfrow = c(2L, 1L))
    on.exit(graphics::par(old))
  }
  time_of <- function(v) if (stats::is.ts(v)) as.numeric(stats::time(v)) else seq_along(v)
  if ("fit" %in% which) {
    t_x <- time_of(x$x)
    rng <- range(c(x$x, x$fitted), na.rm = TRUE, finite = TRUE)
    graphics::plot(t_x, as.numeric(x$x), type = "l", ylim = rng,
                   xlab = "Time", ylab = x$series,
                   main = paste("Fit of", arima_description(x)), ...)
    graphics::lines(t_x, as.numeric(x$fitted), col = "#D55E00", lty = 2L)
    graphics::legend("topleft", legend = c("series", "fitted"),
                     col = c("black", "#D55E00"), lty = c(1L, 2L), bty = "n")
  }
  if ("residuals" %in% which) {
    t_r <- time_of(x$residuals)
    graphics::plot(t_r, as.numeric(x$residuals), type = "h", xlab = "Time",
                   ylab = "Residual", main = "Residuals", ...)
    graphics::abline(h = 0, col = "grey50")
  }
  invisible(x)
}

# match.arg(several.ok = TRUE)'s rule (abbreviations allowed), with an error
# that names `which`.
check_plot_which <- function(which) {
  choices <- c("fit", "residuals")
  hits <- if (is.character(which) && length(which) >= 1L && !anyNA(which)) {
    pmatch(which, choices, duplicates.ok = TRUE)
  } else {
    NA_integer_
  }
  if (anyNA(hits)) {
    stop("`which` must be \"fit\", \"residuals\" or both, not ", describe_value(which), ".",
         call. = FALSE)
  }
  choices[sort(unique(hits))]
}

#' Print and plot ARIMA forecasts
#'
#' @param x A `lagrs_forecast` object from [forecast.lagrs_arima()].
#' @param include How many of the last observations to show (default all).
#' @param main,xlab,ylab Title and axis labels.
#' @param legend Draw a legend above the data?
#' @param ... Passed on to [graphics::plot()].
#' @return `x`, invisibly.
#' @examples
#' fc <- forecast(arima_fit(lh, order = c(1, 0, 0)), h = 8)
#' print(fc)
#' plot(fc)
#' @name lagrs_forecast-methods
NULL

# The grey of each interval band, widest level first.
interval_shades <- function(n) grDevices::gray.colors(n, start = 0.85, end = 0.65)

# One legend for forecast plots: history, forecast path and interval bands.
forecast_legend <- function(position, level, cex = 0.85) {
  ord <- order(level, decreasing = TRUE)
  graphics::legend(position, bty = "n", horiz = TRUE, cex = cex,
                   legend = c("history", "forecast", paste0(level[ord], "% interval")),
                   col = c("black", "#0072B2", interval_shades(length(ord))),
                   lty = c(1L, 1L, rep(NA, length(ord))),
                   lwd = c(1, 2, rep(NA, length(ord))),
                   pch = c(NA, NA, rep(15L, length(ord))), pt.cex = 2)
}

# Row labels for printed forecasts: "Jan 1961" for monthly series, "1961 Q1"
# for quarterly ones, the time otherwise, and the step without a ts.
forecast_time_labels <- function(mean) {
  if (!stats::is.ts(mean)) return(as.character(seq_along(mean)))
  freq <- stats::frequency(mean)
  times <- as.numeric(stats::time(mean))
  year <- floor(times + 1e-8)
  cycle <- round((times - year) * freq) + 1L
  if (freq == 12) return(paste(month.abb[cycle], year))
  if (freq == 4) return(paste0(year, " Q", cycle))
  if (freq == 1) return(format(year))
  format(round(times, 3L))
}

#' @rdname lagrs_forecast-methods
#' @export
print.lagrs_forecast <- function(x, ...) {
  mean <- as.numeric(x$mean)
  tab <- cbind(`Point Forecast` = mean)
  for (i in seq_along(x$level)) {
    tab <- cbind(tab, as.numeric(x$lower[, i]), as.numeric(x$upper[, i]))
    colnames(tab)[ncol(tab) - 1:0] <- paste(c("Lo", "Hi"), x$level[i])
  }
  rownames(tab) <- forecast_time_labels(x$mean)
  cat("Forecasts from", x$method, "\n")
  print(tab, ...)
  invisible(x)
}

#' @rdname lagrs_forecast-methods
#' @export
plot.lagrs_forecast <- function(x, include = NULL,
                                main = paste("Forecasts from", x$method),
                                xlab = "Time", ylab = "", legend = TRUE, ...) {
  check_flag(legend, "legend")
  time_of <- function(v) if (stats::is.ts(v)) as.numeric(stats::time(v)) else NULL
  hist_y <- as.numeric(x$x)
  t_hist <- time_of(x$x)
  if (is.null(t_hist)) t_hist <- seq_along(hist_y)
  t_fc <- time_of(x$mean)
  if (is.null(t_fc)) t_fc <- length(hist_y) + seq_along(x$mean)
  if (!is.null(include)) {
    include <- check_count(include, "include", min = 0L)
    keep <- utils::tail(seq_along(hist_y), include)
    hist_y <- hist_y[keep]
    t_hist <- t_hist[keep]
  }
  lower <- as.matrix(x$lower)
  upper <- as.matrix(x$upper)
  ylim <- range(c(hist_y, lower, upper, x$mean), na.rm = TRUE, finite = TRUE)
  # headroom above the data for the legend, so it never hides the series
  if (legend) ylim[2L] <- ylim[2L] + 0.22 * diff(ylim)
  graphics::plot(c(t_hist, t_fc), c(hist_y, rep(NA, length(t_fc))), type = "l",
                 ylim = ylim, xlim = range(c(t_hist, t_fc)), main = main,
                 xlab = xlab, ylab = ylab, ...)
  ord <- order(x$level, decreasing = TRUE)
  shades <- interval_shades(length(ord))
  for (k in seq_along(ord)) {
    i <- ord[k]
    graphics::polygon(c(t_fc, rev(t_fc)), c(lower[, i], rev(upper[, i])),
                      col = shades[k], border = NA)
  }
  graphics::lines(t_fc, as.numeric(x$mean), col = "#0072B2", lwd = 2)
  if (legend) forecast_legend("top", x$level)
  invisible(x)
}
