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
#' @param period The seasonal period. By default the frequency of the series
#'   (which must then be the same for all of them), or 1 for a data frame.
#' @param id,value Names of the id and value columns when `series` is a data
#'   frame.
#' @param time Optional name of a time column of a data frame: rows are put in
#'   time order within each series, and a time that appears twice within a
#'   series is an error. Without it, rows are taken in their order.
#' @param progress Show a progress bar for batches that take more than a few
#'   seconds. Defaults to the option `lagrs.progress`, or to
#'   [interactive()].
#' @return An object of class `lagrs_batch`: a list with
#'   * `ids`: the series ids;
#'   * `status`: `"ok"`, `"warning"` (a usable fit with a note in `message`)
#'     or `"error"`;
#'   * `message`: why a series failed or was flagged, `""` otherwise;
#'   * `coef`: a matrix with one row per series, one column per coefficient
#'     (`NA` for failed series);
#'   * `sigma2`, `loglik`, `aic`, `aicc`, `bic`, `nobs`: one value per series;
#'
#'   and what is needed to forecast. `batch[["id"]]` (or `batch[[i]]`) gives
#'   one series' fit as a `lagrs_arima` object (for a series whose status is
#'   `"error"`, an error that names it and repeats its message);
#'   [forecast()] forecasts them all; [summary()] summarises the batch.
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
                        time = NULL, progress = NULL) {
  method <- check_batch_method(method)
  collection <- series_collection(series, id = id, value = value, time = time)
  seasonal_order <- if (is.list(seasonal)) seasonal$order else seasonal
  if (is.null(period) && is.numeric(seasonal_order) && all(seasonal_order == 0)) {
    period <- 1L  # a non-seasonal model needs no common frequency
  }
  period <- batch_period(period, collection)
  spec <- batch_spec(order, seasonal, period, include_mean, include_drift, method)
  progress <- resolve_progress(progress)
  fits <- .Call(C_arima_batch_call, collection$values, spec$order, spec$seasonal,
                spec$period, spec$include_mean, spec$include_drift, spec$method_code,
                progress)
  new_lagrs_batch(fits, collection, spec, call = match.call())
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

# ---- the batch object -----------------------------------------------------

status_labels <- function(code) {
  out <- rep("error", length(code))
  out[code == 0L] <- "ok"
  out[code == 1L] <- "warning"
  out
}

new_lagrs_batch <- function(fits, collection, spec, call) {
  coef_names <- arima_coef_names(spec$order, spec$seasonal, spec$include_mean,
                                 spec$include_drift)
  coef <- t(fits$coef)
  dimnames(coef) <- list(collection$ids, coef_names)
  ids <- collection$ids
  structure(
    c(list(ids = ids), batch_statistics(fits, ids),
      list(coef = coef, spec = spec, series = collection,
           model = fits[c("coef", "state_a", "state_P", "sigma2", "status")],
           call = call)),
    class = "lagrs_batch"
  )
}

# The per-series results every batch carries (fixed-order or automatic),
# named by series id.
batch_statistics <- function(fits, ids) {
  named <- function(values) stats::setNames(values, ids)
  list(status = named(status_labels(fits$status)), message = named(fits$message),
       sigma2 = named(fits$sigma2), loglik = named(fits$loglik), aic = named(fits$aic),
       aicc = named(fits$aicc), bic = named(fits$bic), nobs = named(fits$n_used),
       convergence = named(fits$convergence))
}

#' @export
length.lagrs_batch <- function(x) length(unclass(x)$ids)

#' @export
`[[.lagrs_batch` <- function(x, i, ...) {
  ids <- unclass(x)$ids
  if (is.character(i)) {
    if (length(i) != 1L || !i %in% ids) {
      stop("`i` must be one of the batch's series ids; \"", i[1L], "\" is not.",
           call. = FALSE)
    }
    k <- match(i, ids)
  } else {
    k <- check_count(i, "i")
    if (k > length(ids)) {
      stop("`i` must be at most ", length(ids), ", the number of series, not ", k, ".",
           call. = FALSE)
    }
  }
  if (unclass(x)$status[[k]] == "error") {
    # refitting would only repeat the failure, in arima_fit()'s words
    stop("Series \"", ids[k], "\" of the batch has no model: it failed with \"",
         unclass(x)$message[[k]], "\".", call. = FALSE)
  }
  if (!is.null(unclass(x)$orders)) return(auto_batch_member(x, k))
  spec <- unclass(x)$spec
  y <- unclass(x)$series$values[[k]]
  tsp <- unclass(x)$series$tsp[[k]]
  if (!is.null(tsp)) y <- stats::ts(y, start = tsp[1L], frequency = tsp[3L])
  fit <- arima_fit(y, order = spec$order, seasonal = spec$seasonal, period = spec$period,
                   include_mean = spec$include_mean, include_drift = spec$include_drift,
                   method = spec$method)
  fit$series <- ids[k]
  fit
}

#' @export
`$.lagrs_batch` <- function(x, name) unclass(x)[[name]]

#' @export
print.lagrs_batch <- function(x, ...) {
  spec <- x$spec
  n <- length(x$ids)
  counts <- table(factor(x$status, levels = c("ok", "warning", "error")))
  what <- if (is.null(x$orders)) arima_label(spec$order, spec$seasonal, spec$period) else
    "automatic ARIMA models"
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
  if (!is.null(x$orders)) {
    models <- sort(table(batch_model_labels(x)), decreasing = TRUE)
    shown <- utils::head(models, 3L)
    cat("  chosen models: ", paste0(names(shown), " (", shown, ")", collapse = ", "),
        if (length(models) > 3L) ", ...", "\n", sep = "")
  }
  ok <- x$status != "error"
  if (any(ok)) {
    cat("  median AICc: ", format(stats::median(x$aicc[ok]), digits = 6),
        "   median sigma^2: ", format(stats::median(x$sigma2[ok]), digits = 6), "\n", sep = "")
  }
  invisible(x)
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

batch_model_labels <- function(object) {
  if (!is.null(object$orders)) {
    o <- object$orders
    return(vapply(seq_len(nrow(o)), function(k) {
      if (anyNA(o[k, ])) return(NA_character_)
      label <- arima_label(o[k, 1:3], o[k, 4:6], o[k, 7])
      n_diff <- o[k, 2] + o[k, 5]
      if (o[k, 8] == 1L && n_diff == 0L) label <- paste(label, "with non-zero mean")
      if (o[k, 8] == 1L && n_diff == 1L) label <- paste(label, "with drift")
      label
    }, ""))
  }
  spec <- object$spec
  rep(arima_label(spec$order, spec$seasonal, spec$period), length(object$ids))
}

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
#' @param progress As in [arima_batch()].
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
forecast.lagrs_batch <- function(object, h = 10, level = c(80, 95), progress = NULL, ...) {
  h <- check_count(h, "h")
  level <- check_levels(level)
  progress <- resolve_progress(progress)
  spec <- object$spec
  series <- object$series
  lengths <- as.double(lengths(series$values))
  model <- c(object$model, list(order = spec$order, seasonal = spec$seasonal,
                                period = spec$period, include_mean = spec$include_mean,
                                include_drift = spec$include_drift,
                                method = spec$method_code, n = lengths))
  if (!is.null(object$orders)) {
    fc <- .Call(C_auto_arima_batch_forecast_call, model, object$orders, h, progress)
  } else {
    fc <- .Call(C_arima_batch_forecast_call, model, h, progress)
  }
  # failed series: NA (the automatic engine's kernels leave NaN)
  failed <- object$status == "error"
  fc$mean[, failed] <- NA_real_
  fc$se[, failed] <- NA_real_
  batch_forecast_frame(object$ids, series$tsp, fc$mean, fc$se, h, level)
}

check_levels <- function(level) {
  if (!is.numeric(level) || length(level) == 0L || anyNA(level) ||
      any(level <= 0 | level >= 100)) {
    stop("`level` must be numbers strictly between 0 and 100, not ",
         describe_value(level), ".", call. = FALSE)
  }
  sort(level)
}

batch_forecast_frame <- function(ids, tsp, mean, se, h, level) {
  n_series <- length(ids)
  out <- data.frame(id = rep(ids, each = h), step = rep(seq_len(h), n_series),
                    stringsAsFactors = FALSE)
  if (all(!vapply(tsp, is.null, TRUE))) {
    ends <- vapply(tsp, function(t) t[2L], 1)
    freqs <- vapply(tsp, function(t) t[3L], 1)
    out$time <- rep(ends, each = h) + out$step / rep(freqs, each = h)
  }
  out$mean <- as.vector(mean)
  for (lev in level) {
    z <- stats::qnorm(0.5 + lev / 200)
    out[[paste0("lo_", format(lev))]] <- as.vector(mean - z * se)
    out[[paste0("hi_", format(lev))]] <- as.vector(mean + z * se)
  }
  attr(out, "level") <- level
  attr(out, "h") <- h
  class(out) <- c("lagrs_batch_forecast", "data.frame")
  out
}

#' @export
as.matrix.lagrs_batch_forecast <- function(x, ...) {
  h <- if (nrow(x)) max(x$step) else 0L
  ids <- unique(x$id)
  matrix(x$mean, nrow = h, dimnames = list(step = seq_len(h), id = ids))
}

#' @export
print.lagrs_batch_forecast <- function(x, n = 10L, ...) {
  h <- if (nrow(x)) max(x$step) else 0L
  cat("<lagrs_batch_forecast> ", length(unique(x$id)), " series x ", h, " steps\n", sep = "")
  print(utils::head(as.data.frame(unclass(x), stringsAsFactors = FALSE), n), row.names = FALSE)
  if (nrow(x) > n) cat("# ... ", nrow(x) - n, " more rows\n", sep = "")
  invisible(x)
}

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
  is_seasonal <- any(seasonal > 0L)
  period <- if (is_seasonal) check_count(period, "period") else 1L
  if (is_seasonal && period < 2L) {
    stop("`period` must be at least 2 for a seasonal model, not ", period, ".", call. = FALSE)
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

# Coefficient names in the order the C kernel stores them (as stats::arima).
arima_coef_names <- function(order, seasonal, include_mean, include_drift,
                             xreg_names = NULL) {
  c(if (order[1L] > 0L) paste0("ar", seq_len(order[1L])),
    if (order[3L] > 0L) paste0("ma", seq_len(order[3L])),
    if (seasonal[1L] > 0L) paste0("sar", seq_len(seasonal[1L])),
    if (seasonal[3L] > 0L) paste0("sma", seq_len(seasonal[3L])),
    if (include_mean && order[2L] + seasonal[2L] == 0L) "intercept",
    if (include_drift) "drift",
    xreg_names)
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
  for (id in ids) {
    if (x$status[[id]] == "error") {
      graphics::plot.new()
      graphics::title(main = paste0(id, ": not fitted"))
      graphics::text(0.5, 0.5, x$message[[id]])
      next
    }
    fc <- forecast(x[[id]], h = h, level = level)
    graphics::plot(fc, main = id, legend = FALSE, ...)
  }
  # one legend for the whole grid, in the outer margin below the panels
  graphics::par(fig = c(0, 1, 0, 1), oma = c(0, 0, 0, 0), mar = c(0, 0, 0, 0), new = TRUE)
  graphics::plot.new()
  forecast_legend("bottom", sort(level))
  invisible(x)
}
