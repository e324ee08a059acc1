#' Fit one ARIMA model to many series at once
#'
#' `arima_batch()` fits the same ARIMA specification to every series of a
#' collection, in parallel over [lagrs_threads()] threads. Each series is
#' fitted by the same C code as [arima_fit()], so its coefficients, `sigma2`,
#' log-likelihood and information criteria are identical to those of a
#' single [arima_fit()] call, whatever the thread count or the order of the
#' series. A series that cannot be fitted gets the status `"error"` and a
#' message, `NA` coefficients and statistics, and `NA` forecasts; the others
#' are fitted as usual. That is the case of a series that is too short for
#' the model, has no non-missing value, has an infinite value, or is
#' constant (all its non-missing values are equal: its variance estimate
#' would be 0 and its likelihood unbounded; [arima_fit()] fits it with a
#' warning, a batch does not), or whose fit fails numerically.
#'
#' @param series The series, in one of these shapes:
#'   * a list of numeric vectors or `ts` objects, whose lengths may differ;
#'     its names become the series ids;
#'   * a numeric matrix (or multivariate `ts`), one column per series;
#'   * a long data frame with an id column and a value column (see `id`,
#'     `value` and `time`);
#'   * a single numeric vector or `ts`, a batch of one.
#'
#'   A series (element, column or value column) that holds only `NA` is read
#'   as a numeric series with every value missing, even when R made it
#'   logical (as it makes `c(NA, NA)`): it gets the status `"error"` like any
#'   other series that cannot be fitted. Any other series that is not numeric
#'   (character, factor, logical with `TRUE` or `FALSE`, list, `NULL`) is an
#'   error for the whole call, raised before anything is fitted: it points to
#'   a mistake in preparing the data, which a per-series status would hide.
#' @param order,seasonal,include_mean,include_drift,method As in
#'   [arima_fit()].
#' @param period The seasonal period. By default each series' own frequency
#'   (its `ts` frequency, the spacing of a long data frame's dates, or 1), so
#'   a collection may mix frequencies; a number overrides them all. It only
#'   matters for a seasonal model: a series whose period is below 2 then
#'   fails alone.
#' @param id,value Names of the id and value columns when `series` is a data
#'   frame.
#' @param time Optional name of a time column of a data frame: rows are put in
#'   time order within each series, and a time that appears twice within a
#'   series is an error. When `time` is not given and exactly one column
#'   (other than `id` and `value`) is a `Date` or `POSIXct`, that column is
#'   used, and the series' frequency is inferred from its spacing (monthly
#'   12, quarterly 4, yearly 1, weekly 52, daily 7, hourly 24; `print()` says
#'   what was inferred). Without a time column, rows are taken in their order.
#' @param progress Show a progress bar for batches that take more than a few
#'   seconds. Defaults to the option `lagrs.progress`, or to
#'   [interactive()].
#' @param workers `"auto"` (the default) runs the series on the workers of
#'   the current `future` plan when it has more than one
#'   (`future::nbrOfWorkers() > 1`, as after
#'   `future::plan(future::multisession)`, a `cluster` plan over SSH hosts or
#'   `future.batchtools` on a scheduler), else locally; `"local"` always
#'   runs in this R process. The series go in a few contiguous chunks per
#'   worker, sized by the model's work estimate; each worker receives only
#'   its chunk and runs it on its own cores
#'   (`parallelly::availableCores()`, shared among the plan's workers on one
#'   host, at most [lagrs_threads()] when set here, unless
#'   `LAGRS_NUM_THREADS` is set on the worker). The result is identical to
#'   a local run. A worker that fails (a killed process, a lost host) stops
#'   the call with an error naming its chunk's series; progress is reported
#'   per chunk through `progressr` when its handlers are enabled. Batches
#'   too small to pay for the transfer (less work than
#'   `getOption("lagrs.chunk_min_work", 2.5e7)` per chunk, about a quarter
#'   of a second of one core) run locally; `options(lagrs.chunks_per_worker = 3)` sets the
#'   chunks per worker. lagrs never calls `future::plan()` itself, and
#'   needs `future` only when a plan is set.
#' @return An object of class `lagrs_batch`: a list with
#'   * `ids`: the series ids;
#'   * `status`: `"ok"`, `"warning"` (a usable fit with a note in `message`)
#'     or `"error"`;
#'   * `message`: why a series failed or was flagged, `""` otherwise;
#'   * `coef`: a matrix with one row per series, one column per coefficient
#'     (`NA` for failed series);
#'   * `sigma2`, `loglik`, `aic`, `aicc`, `bic`, `nobs`: one value per series;
#'
#'   * `model`: the [arima_model()] every series was fitted with;
#'
#'   and what is needed to forecast (`fits`). [batch_member()] (or
#'   `batch[["id"]]`, `batch[[i]]`) gives one series' fit as a `lagrs_arima`
#'   object (for a series whose status is `"error"`, an error that names it
#'   and repeats its message); `batch$coef` and `batch[["coef"]]` both give
#'   the element. [forecast()] forecasts them all, [summary()] and
#'   `as.data.frame()` give a row per series, `coef()` the coefficient
#'   matrix, `fitted()` and `residuals()` a named list of series, `plot()`
#'   and `autoplot()` chosen series with their forecasts. `arima_batch()` is
#'   [fit_batch()] with an [arima_model()].
#' @seealso [forecast.lagrs_batch()], [arima_fit()], [lagrs_threads()].
#' @export
#' @examples
#' set.seed(1)
#' skus <- lapply(1:20, function(i) cumsum(rnorm(60)) + 100)
#' names(skus) <- sprintf("SKU-%02d", 1:20)
#' batch <- arima_batch(skus, order = c(1, 1, 0))
#' batch
#' head(batch$coef)
#' fc <- forecast(batch, h = 6)
#' head(fc)
arima_batch <- function(series, order = c(0L, 0L, 0L), seasonal = c(0L, 0L, 0L),
                        period = NULL, include_mean = TRUE, include_drift = FALSE,
                        method = c("CSS-ML", "ML", "CSS"), id = "id", value = "value",
                        time = NULL, progress = NULL, workers = c("auto", "local")) {
  call <- match.call()
  model <- arima_model(order, seasonal, period, include_mean, include_drift, method)
  with_call(fit_batch(series, model, id = id, value = value, time = time,
                      progress = progress, workers = workers), call)
}

# A batch that says which wrapper made it.
with_call <- function(batch, call) {
  out <- unclass(batch)
  out$call <- call
  structure(out, class = class(batch))
}

# arima_fit()'s rule for `method`: the first of a vector, one of three names.
check_batch_method <- function(method) {
  if (is.character(method) && length(method) >= 1L && !anyNA(method) &&
      method[1L] %in% arima_methods) {
    return(method[1L])
  }
  stop("`method` must be one of \"CSS-ML\", \"ML\" or \"CSS\", not ",
       describe_value(method), ".", call. = FALSE)
}

resolve_progress <- function(progress) {
  if (is.null(progress)) progress <- getOption("lagrs.progress", interactive())
  check_flag(progress, "progress")
}

# ---- the batch object (see R/fit_batch.R) ---------------------------------

#' @export
print.lagrs_batch <- function(x, ...) {
  n <- length(x$ids)
  counts <- table(factor(x$status, levels = c("ok", "warning", "error")))
  what <- if (inherits(x, "lagrs_auto_batch")) "automatic ARIMA models" else batch_label(x)
  cat("<lagrs_batch> ", what, " fitted to ", n, " series\n", sep = "")
  cat("  ok: ", counts[["ok"]], "   warning: ", counts[["warning"]],
      "   error: ", counts[["error"]], "\n", sep = "")
  if (counts[["error"]] > 0L) {
    bad <- which(x$status == "error")
    show <- utils::head(bad, 5L)
    cat("  failed:", paste0(x$ids[show], " (", x$message[show], ")", collapse = "; "))
    if (length(bad) > 5L) cat(" ...")
    cat("\n")
  }
  labels <- batch_model_labels(x)
  if (inherits(x, "lagrs_auto_batch") || length(unique(labels[!is.na(labels)])) > 1L) {
    models <- sort(table(labels), decreasing = TRUE)
    shown <- utils::head(models, 3L)
    cat("  chosen models: ", paste0(names(shown), " (", shown, ")", collapse = ", "),
        if (length(models) > 3L) ", ...", "\n", sep = "")
  }
  ok <- x$status != "error"
  if (any(ok)) {
    cat("  median AICc: ", format(stats::median(x$aicc[ok]), digits = 6),
        "   median sigma^2: ", format(stats::median(x$sigma2[ok]), digits = 6), "\n", sep = "")
  }
  print_inferred(x$series$inferred)
  invisible(x)
}

# The model of a batch, with the period its series shared.
batch_label <- function(x) {
  if (inherits(x$model, "lagrs_arima_model")) model_label(x$spec) else format(x$model)
}

# What a long data frame's dates told (R/collection.R), in one line.
print_inferred <- function(inferred) {
  said <- c(if (!is.null(inferred$time)) paste0("time column \"", inferred$time, "\""),
            if (!is.null(inferred$period)) paste0("frequency ", inferred$period))
  if (length(said)) cat("  inferred from the dates: ", paste(said, collapse = ", "), "\n", sep = "")
}

#' Summarise a batch of ARIMA fits
#'
#' @param object A `lagrs_batch` from [arima_batch()] or [auto_arima_batch()].
#' @param ... Unused.
#' @return A data frame with one row per series: id, status, message, model,
#'   the coefficients, `sigma2`, `loglik`, `aic`, `aicc`, `bic` and `nobs`,
#'   with class `summary.lagrs_batch` (which prints a short overview).
#' @export
#' @examples
#' set.seed(2)
#' skus <- list(a = cumsum(rnorm(50)), b = cumsum(rnorm(40)), c = 1:3)
#' s <- summary(arima_batch(skus, order = c(1, 1, 0)))
#' s
#' s[s$status == "ok", c("id", "ar1", "sigma2")]
summary.lagrs_batch <- function(object, ...) {
  models <- batch_model_labels(object)
  out <- data.frame(id = object$ids, status = unname(object$status),
                    message = unname(object$message), model = models,
                    stringsAsFactors = FALSE)
  out <- cbind(out, as.data.frame(unname(object$coef)))
  names(out)[-(1:4)] <- colnames(object$coef)
  out$sigma2 <- unname(object$sigma2)
  out$loglik <- unname(object$loglik)
  out$aic <- unname(object$aic)
  out$aicc <- unname(object$aicc)
  out$bic <- unname(object$bic)
  out$nobs <- unname(object$nobs)
  rownames(out) <- NULL
  class(out) <- c("summary.lagrs_batch", "data.frame")
  out
}

batch_model_labels <- function(object) unname(unclass(object)$fits$label)

#' @export
`[.summary.lagrs_batch` <- function(x, ...) {
  out <- NextMethod()
  if (is.data.frame(out)) class(out) <- "data.frame"
  out
}

#' @export
print.summary.lagrs_batch <- function(x, ...) {
  counts <- table(factor(x$status, levels = c("ok", "warning", "error")))
  cat("Batch of ", nrow(x), " ARIMA fits: ", counts[["ok"]], " ok, ", counts[["warning"]],
      " with warnings, ", counts[["error"]], " failed\n", sep = "")
  models <- sort(table(x$model), decreasing = TRUE)
  if (length(models)) {
    cat("Models:\n")
    shown <- utils::head(models, 10L)
    for (k in seq_along(shown)) cat("  ", names(shown)[k], ": ", shown[[k]], "\n", sep = "")
  }
  ok <- x$status != "error"
  if (any(ok)) {
    cat("Per-series statistics (fitted series):\n")
    stats_cols <- x[ok, intersect(c("sigma2", "loglik", "aicc", "nobs"), names(x)), drop = FALSE]
    print(summary(as.data.frame(stats_cols)))
  }
  if (any(!ok)) {
    cat("Failed series:\n")
    bad <- x[!ok, c("id", "message")]
    print(utils::head(as.data.frame(bad), 10L), row.names = FALSE)
    if (sum(!ok) > 10L) cat("  ... and ", sum(!ok) - 10L, " more\n", sep = "")
  }
  invisible(x)
}

#' @export
as.data.frame.lagrs_batch <- function(x, ...) {
  out <- summary.lagrs_batch(x)
  class(out) <- "data.frame"
  out
}

#' Forecast every series of a batch
#'
#' @param object A `lagrs_batch` from [arima_batch()] or [auto_arima_batch()].
#' @param h Number of steps ahead.
#' @param level Confidence levels of the prediction intervals, in percent.
#' @param progress,workers As in [arima_batch()].
#' @param ... Unused.
#' @return A data frame of class `lagrs_batch_forecast`, in long form: one row
#'   per series and step, with columns `id`, `step`, `time` (when the series
#'   were `ts` objects), `mean`, and `lo_<level>` and `hi_<level>` for each
#'   level. Series that failed to fit have `NA` forecasts. `as.matrix()` turns
#'   it into a wide matrix of means, one column per series.
#' @seealso [arima_batch()], [forecast.lagrs_arima()].
#' @export
#' @examples
#' set.seed(3)
#' skus <- lapply(1:5, function(i) ts(cumsum(rnorm(48)), frequency = 12, start = 2020))
#' names(skus) <- paste0("SKU-", 1:5)
#' fc <- forecast(arima_batch(skus, order = c(0, 1, 1)), h = 3)
#' fc
#' as.matrix(fc)
forecast.lagrs_batch <- function(object, h = 10, level = c(80, 95), progress = NULL,
                                 workers = c("auto", "local"), ...) {
  h <- check_count(h, "h")
  level <- check_levels(level)
  progress <- resolve_progress(progress)
  workers <- check_workers(workers)
  x <- unclass(object)
  # locally in one pass in C (src/batch_forecastR.c), or the states in chunks
  # on future workers (R/future.R)
  batch_forecasts(x, h, level, progress, workers)
}

# One level checker for every forecast method: levels in (0, 1) are
# fractions (as in forecast), others percent; returned in percent, sorted.
check_levels <- function(level) {
  ok <- is.numeric(level) && length(level) > 0L && !anyNA(level)
  if (ok && all(level > 0 & level < 1)) level <- 100 * level
  if (!ok || any(level <= 0 | level >= 100)) {
    stop("`level` must be numbers strictly between 0 and 100 (percent), or all strictly ",
         "between 0 and 1 (fractions), not ", describe_value(level), ".", call. = FALSE)
  }
  sort(as.double(level))
}

#' @export
as.matrix.lagrs_batch_forecast <- function(x, ...) {
  h <- if (nrow(x)) max(x$step) else 0L
  # several models: one column per model and series, "model/id"
  columns <- if (is.null(x$model)) x$id else paste(x$model, x$id, sep = "/")
  matrix(x$mean, nrow = h, dimnames = list(step = seq_len(h), id = unique(columns)))
}

#' @export
print.lagrs_batch_forecast <- function(x, n = 10L, ...) {
  h <- if (nrow(x)) max(x$step) else 0L
  cat("<lagrs_batch_forecast> ", length(unique(x$id)), " series x ", h, " steps\n", sep = "")
  print(utils::head(as.data.frame(unclass(x), stringsAsFactors = FALSE), n), row.names = FALSE)
  if (nrow(x) > n) cat("# ... ", nrow(x) - n, " more rows\n", sep = "")
  invisible(x)
}

# What a batch's plot draws over each series' forecast: a function of the id
# and the forecast's times (nothing, unless the family says otherwise).
plot_behind <- function(x, h) UseMethod("plot_behind")

#' @export
plot_behind.lagrs_batch <- function(x, h) function(id, times) invisible(NULL)

# ---- specification helpers (shared with auto_arima_batch) -----------------

# Checks a batch's model the way arima_fit() checks a single one, and returns
# the spec that every series is fitted with.
batch_spec <- function(order, seasonal, period, include_mean, include_drift, method) {
  order <- check_order(order, "order")
  if (is.list(seasonal)) {
    if (!is.null(seasonal$period) && !is.na(seasonal$period)) period <- seasonal$period
    seasonal <- check_order(seasonal$order, "seasonal$order")
  } else {
    seasonal <- check_order(seasonal, "seasonal")
  }
  check_flag(include_mean, "include_mean")
  check_flag(include_drift, "include_drift")
  # a period only matters for a seasonal model; NULL: each series' own
  if (!any(seasonal > 0L)) {
    period <- 1L
  } else if (!is.null(period)) {
    period <- check_count(period, "period")
    if (period < 2L) {
      stop("`period` must be at least 2 for a seasonal model, not ", period, ".",
           call. = FALSE)
    }
  }
  n_diff <- order[2L] + seasonal[2L]
  if (include_drift && n_diff > 1L) {
    warning("No drift term fitted: the order of differencing (d + D = ", n_diff,
            ") is 2 or more.", call. = FALSE)
    include_drift <- FALSE
  }
  list(order = order, seasonal = seasonal, period = period,
       include_mean = include_mean && n_diff == 0L, include_drift = include_drift,
       method = method, method_code = match(method, arima_methods) - 1L)
}

# The series a batch plot shows: the given ids or positions, or the first
# four series that fitted.
batch_plot_ids <- function(x, ids) {
  if (is.null(ids)) {
    if (all(x$status == "error")) {
      stop("Nothing to plot: none of the batch's ", length(x$ids),
           " series could be fitted (see its `message`).", call. = FALSE)
    }
    ids <- utils::head(x$ids[x$status != "error"], 4L)
  }
  if (is.numeric(ids)) ids <- x$ids[ids]
  unknown <- setdiff(ids, x$ids)
  if (length(ids) == 0L || anyNA(ids) || length(unknown)) {
    stop("`ids` must name series of the batch", if (length(unknown))
      paste0("; \"", unknown[1L], "\" is not one"), ".", call. = FALSE)
  }
  ids
}

#' Plot chosen series of a batch with their forecasts
#'
#' Draws a grid of panels, one per chosen series: its history, the forecast
#' path and shaded prediction intervals.
#'
#' @param x A `lagrs_batch`.
#' @param ids The series to show: ids or positions. By default the first four
#'   series that fitted (an error when none did); a chosen series that failed
#'   gets a panel with its message.
#' @param h Forecast horizon.
#' @param level Interval levels, in percent.
#' @param ... Passed to the single-series plot method ([plot.lagrs_forecast()]).
#' @return `x`, invisibly.
#' @export
#' @examples
#' set.seed(4)
#' skus <- lapply(1:4, function(i) ts(cumsum(rnorm(40)) + 20, frequency = 4, start = 2015))
#' names(skus) <- paste0("SKU-", 1:4)
#' plot(arima_batch(skus, order = c(0, 1, 1)), h = 8)
plot.lagrs_batch <- function(x, ids = NULL, h = 12, level = c(80, 95), ...) {
  ids <- batch_plot_ids(x, ids)
  n <- length(ids)
  cols <- ceiling(sqrt(n))
  old <- graphics::par(mfrow = c(ceiling(n / cols), cols), mar = c(4, 4, 2.5, 1),
                       oma = c(1.5, 0, 0, 0))
  on.exit(graphics::par(old))
  behind <- plot_behind(x, h)
  for (id in ids) {
    if (x$status[[id]] == "error") {
      graphics::plot.new()
      graphics::title(main = paste0(id, ": not fitted"))
      graphics::text(0.5, 0.5, x$message[[id]])
      next
    }
    fc <- forecast(batch_member(x, id), h = h, level = level)
    graphics::plot(fc, main = id, legend = FALSE, ...)
    behind(id, stats::time(fc$mean))
  }
  # one legend for the whole grid, in the outer margin below the panels
  graphics::par(fig = c(0, 1, 0, 1), oma = c(0, 0, 0, 0), mar = c(0, 0, 0, 0), new = TRUE)
  graphics::plot.new()
  forecast_legend("bottom", sort(level))
  invisible(x)
}
