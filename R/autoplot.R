# ggplot2 versions of the plots. ggplot2 is only suggested: these methods are
# registered for ggplot2's autoplot() generic when ggplot2 is loaded (see
# .onLoad in this file), so lagrs works without it.

utils::globalVariables(c("time", "value", "lower", "upper", "interval", "what", "id"))

#' ggplot2 plots of fits, forecasts and batches
#'
#' With ggplot2 installed, `ggplot2::autoplot()` draws a lagrs forecast (the
#' history, the forecast path and shaded intervals), a fit (the series and its
#' fitted values) or chosen series of a batch (one facet per series). They
#' return ggplot objects, which can be modified as usual.
#'
#' @param object A `lagrs_forecast`, `lagrs_arima`, `lagrs_ets` or `lagrs_batch` object.
#' @param include How many of the last observations to show (default all).
#' @param ids,h,level For a batch: the series to show (by default the first
#'   four that fitted), the horizon and the interval levels.
#' @param ... Unused.
#' @return A ggplot object.
#' @name autoplot.lagrs
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   fit <- arima_fit(log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1))
#'   ggplot2::autoplot(forecast(fit, h = 24))
#' }
NULL

# The history, forecast path and interval bands of one forecast, as data frames.
forecast_frames <- function(x, include = NULL, id = NULL) {
  times_of <- function(v, offset) {
    if (stats::is.ts(v)) as.numeric(stats::time(v)) else offset + seq_along(v)
  }
  hist_y <- as.numeric(x$x)
  hist_t <- times_of(x$x, 0)
  if (!is.null(include)) {
    keep <- utils::tail(seq_along(hist_y), check_count(include, "include", min = 0L))
    hist_y <- hist_y[keep]
    hist_t <- hist_t[keep]
  }
  fc_t <- times_of(x$mean, length(as.numeric(x$x)))
  lower <- as.matrix(x$lower)
  upper <- as.matrix(x$upper)
  bands <- do.call(rbind, lapply(seq_along(x$level), function(k) {
    data.frame(time = fc_t, lower = as.numeric(lower[, k]), upper = as.numeric(upper[, k]),
               interval = paste0(x$level[k], "%"))
  }))
  bands$interval <- factor(bands$interval, levels = paste0(sort(x$level, decreasing = TRUE), "%"))
  lines <- rbind(data.frame(time = hist_t, value = hist_y, what = "history"),
                 data.frame(time = fc_t, value = as.numeric(x$mean), what = "forecast"))
  if (!is.null(id)) {
    bands$id <- rep(id, nrow(bands))
    lines$id <- rep(id, nrow(lines))
  }
  list(lines = lines, bands = bands)
}

forecast_ggplot <- function(frames, title, ylab) {
  ggplot2::ggplot() +
    ggplot2::geom_ribbon(data = frames$bands,
                         ggplot2::aes(x = time, ymin = lower, ymax = upper, fill = interval)) +
    ggplot2::geom_line(data = frames$lines, ggplot2::aes(x = time, y = value, colour = what)) +
    ggplot2::scale_fill_manual(values = stats::setNames(
      interval_shades(nlevels(frames$bands$interval)), levels(frames$bands$interval))) +
    ggplot2::scale_colour_manual(values = c(history = "black", forecast = "#0072B2")) +
    ggplot2::labs(title = title, x = "Time", y = ylab, fill = "Interval", colour = NULL)
}

#' @rdname autoplot.lagrs
autoplot.lagrs_forecast <- function(object, include = NULL, ...) {
  forecast_ggplot(forecast_frames(object, include),
                  paste("Forecasts from", object$method), object$series)
}

#' @rdname autoplot.lagrs
autoplot.lagrs_arima <- function(object, ...) {
  y <- object$x
  t <- if (stats::is.ts(y)) as.numeric(stats::time(y)) else seq_along(y)
  data <- rbind(data.frame(time = t, value = as.numeric(y), what = "series"),
                data.frame(time = t, value = as.numeric(object$fitted), what = "fitted"))
  ggplot2::ggplot(data, ggplot2::aes(x = time, y = value, colour = what)) +
    ggplot2::geom_line() +
    ggplot2::scale_colour_manual(values = c(series = "black", fitted = "#D55E00")) +
    ggplot2::labs(title = object$label, x = "Time", y = object$series, colour = NULL)
}

#' @rdname autoplot.lagrs
autoplot.lagrs_batch <- function(object, ids = NULL, h = 12, level = c(80, 95), ...) {
  ids <- batch_plot_ids(object, ids)
  frames <- lapply(ids, function(id) {
    if (object$status[[id]] == "error") return(NULL)
    forecast_frames(forecast(batch_member(object, id), h = h, level = level), id = id)
  })
  frames <- frames[!vapply(frames, is.null, TRUE)]
  if (!length(frames)) {
    stop("`ids` names no series that could be fitted.", call. = FALSE)
  }
  combined <- list(lines = do.call(rbind, lapply(frames, `[[`, "lines")),
                   bands = do.call(rbind, lapply(frames, `[[`, "bands")))
  forecast_ggplot(combined, "Forecasts", NULL) +
    ggplot2::facet_wrap(ggplot2::vars(id), scales = "free_y")
}

# Registers `fun` as the method of `generic` (from package `pkg`) for
# `class`, now if `pkg` is loaded and again whenever it is loaded later.
register_s3_method <- function(pkg, generic, class, fun) {
  register <- function(...) {
    registerS3method(generic, class, fun, envir = asNamespace(pkg))
  }
  if (isNamespaceLoaded(pkg)) register()
  setHook(packageEvent(pkg, "onLoad"), register)
}

.onLoad <- function(libname, pkgname) {
  register_s3_method("ggplot2", "autoplot", "lagrs_forecast", autoplot.lagrs_forecast)
  register_s3_method("ggplot2", "autoplot", "lagrs_arima", autoplot.lagrs_arima)
  register_s3_method("ggplot2", "autoplot", "lagrs_batch", autoplot.lagrs_batch)
  register_s3_method("ggplot2", "autoplot", "lagrs_ets", autoplot.lagrs_arima)
}
