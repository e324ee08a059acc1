# One series' fit of any model family, taken from a batch without refitting:
# what batch_member() gives for a family that has no single-series object of
# its own (ARIMA has lagrs_arima). Its forecast() is a lagrs_forecast, so
# print(), plot() and autoplot() work for every family.

#' @export
member_fit.lagrs_model <- function(model, x, k) {
  b <- unclass(x)
  y <- batch_series_at(x, k)
  residuals <- batch_residuals(x, k)[[1L]]
  structure(list(
    model = model, method = b$fits$label[[k]], series = b$ids[k], x = y,
    coef = b$coef[k, !is.na(b$coef[k, ]), drop = TRUE], sigma2 = b$sigma2[[k]],
    loglik = b$loglik[[k]], aic = b$aic[[k]], aicc = b$aicc[[k]], bic = b$bic[[k]],
    nobs = b$nobs[[k]], status = b$status[[k]], message = b$message[[k]],
    fitted = y - residuals, residuals = residuals,
    state = batch_state(x, k), state_status = b$fits$status[[k]]
  ), class = "lagrs_model_fit")
}

#' @export
print.lagrs_model_fit <- function(x, ...) {
  cat("Series:", x$series, "\n")
  cat(x$method, "\n")
  if (length(x$coef)) {
    cat("\nCoefficients:\n")
    print(x$coef)
  }
  cat("\nsigma^2 = ", format(x$sigma2, digits = 6), "\n", sep = "")
  if (x$status == "warning") cat("Warning: ", x$message, "\n", sep = "")
  invisible(x)
}

#' @export
coef.lagrs_model_fit <- function(object, ...) object$coef

#' @export
fitted.lagrs_model_fit <- function(object, ...) object$fitted

#' @export
residuals.lagrs_model_fit <- function(object, ...) object$residuals

#' @export
forecast.lagrs_model_fit <- function(object, h = 10, level = c(80, 95), ...) {
  h <- check_count(h, "h")
  level <- check_levels(level)
  fc <- .Call(C_forecast_batch_call, object$model$family, object$model$options,
              object$state, length(object$state), object$state_status, h, level, FALSE)
  tsp_x <- stats::tsp(stats::as.ts(object$x))
  start <- tsp_x[2L] + 1 / tsp_x[3L]
  as_ts <- function(v) stats::ts(v, start = start, frequency = tsp_x[3L])
  bounds <- function(m) {
    out <- as_ts(matrix(m, nrow = h))
    colnames(out) <- paste0(level, "%")
    out
  }
  structure(list(method = object$method, model = object, level = level,
                 mean = as_ts(as.vector(fc$mean)), lower = bounds(fc$lower),
                 upper = bounds(fc$upper), x = stats::as.ts(object$x),
                 series = object$series, fitted = object$fitted,
                 residuals = object$residuals),
            class = c("lagrs_forecast", "forecast"))
}
