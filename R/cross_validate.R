# Rolling-origin cross-validation of any models over any collection: the
# windows and their refit blocks are laid out here, and every (model,
# series, block) runs in C on the batch runner (src/cvR.c) in one pass,
# reading the series in place.

#' Cross-validate models over rolling origins
#'
#' `cross_validate()` refits a model at each of several forecast origins of
#' every series and forecasts `h` steps from each, as `forecast::tsCV()` does
#' for one series, for a whole collection at once and in parallel: the unit
#' of work is one (series, window) fit, so a few long series with many
#' windows keep every thread as busy as many short ones. No fold is copied:
#' a window is a length over the series' own memory. Results are identical
#' for any thread count.
#'
#' The origins (cutoffs) of a series of length `n` are the last `n_windows`
#' ones, `step` apart, whose `h` following values are all observed:
#' `n - h - (n_windows - 1) * step`, ..., `n - h`. With `initial` they are
#' instead `initial`, `initial + step`, ... up to `n - h`, as in tsCV. The
#' training window is the whole series up to the cutoff (an expanding
#' window), or its last `window` values.
#'
#' `refit = TRUE` refits every origin (for the automatic models, the search
#' included). `refit = FALSE` fits once, at the first origin of each series,
#' and only filters the later origins with the parameters frozen, as
#' statsforecast's `cross_validation(refit = False)` does: for ARIMA (fixed
#' orders or automatic: the chosen model) the Kalman filter with every
#' coefficient fixed and the fit's `sigma2` kept, as
#' `forecast::Arima(y, model = fit)` gives it; for the baselines the mean
#' model's mean, drift's slope and every method's residual variance
#' (`naive()` and `snaive()` estimate nothing else); for Croston, SBA and
#' TSB the smoothing parameters. ADIDA/IMAPA and the Theta models have no
#' filter and are refitted at every origin whatever `refit` says. An integer
#' `refit = k` refits at the 1st, (k+1)th, (2k+1)th... origin of each series
#' (of those it can run) and filters in between. Filtering is much cheaper
#' than fitting, and results are identical for any thread count: the unit of
#' work is one (model, series, refit block), its filters run in order.
#'
#' A series too short for its windows, or a window whose fit fails, gets `NA`
#' forecasts and its status and message in the table; the run goes on. When
#' the fit at a refit origin fails, so do the windows filtered with it.
#'
#' @inheritParams fit_batch
#' @param h Forecast horizon at each origin.
#' @param n_windows Number of origins per series (ignored with `initial`).
#' @param step Distance between consecutive origins.
#' @param refit `TRUE` (refit at every origin), `FALSE` (fit at the first
#'   origin, filter the others with frozen parameters) or a positive whole
#'   number `k` (refit every `k` origins).
#' @param level Interval levels (percent, or fractions in (0, 1)), or `NULL`
#'   for point forecasts only.
#' @param initial The first origin: the length of the first training window.
#' @param window The length of a sliding training window; `NULL` (the
#'   default) for expanding windows.
#' @return A data frame of class `lagrs_cv`, one row per series, model,
#'   origin and step: `model` (for a list of models), `id`, `cutoff` (the
#'   time of the origin's last training value: its `ts` time, or its index),
#'   `step`, `time` (of the forecast value), `actual`, `mean`, `lo_<level>`
#'   and `hi_<level>`, `status` and `message` (of the origin's fit).
#' @seealso [fit_batch()], `forecast::tsCV()`.
#' @export
#' @examples
#' set.seed(7)
#' skus <- lapply(1:3, function(i) ts(cumsum(rnorm(60)) + 50, frequency = 12))
#' names(skus) <- paste0("SKU-", 1:3)
#' cv <- cross_validate(skus, arima_model(c(0, 1, 1)), h = 3, n_windows = 4)
#' head(cv)
#' tapply(abs(cv$actual - cv$mean), cv$step, mean)
#' frozen <- cross_validate(skus, arima_model(c(0, 1, 1)), h = 3, n_windows = 4,
#'                          refit = FALSE)
#' head(frozen)
cross_validate <- function(series, model, h, n_windows = 1, step = 1, refit = TRUE,
                           level = NULL, initial = NULL, window = NULL, id = "id",
                           value = "value", time = NULL, progress = NULL) {
  models <- check_models(model)
  h <- check_count(h, "h")
  n_windows <- check_count(n_windows, "n_windows")
  step <- check_count(step, "step")
  every <- check_refit(refit)
  if (!is.null(initial)) initial <- check_count(initial, "initial")
  if (!is.null(window)) window <- check_count(window, "window")
  level <- if (is.null(level)) double() else check_levels(level)
  collection <- series_collection(series, id = id, value = value, time = time)
  progress <- resolve_progress(progress)
  windows <- cv_windows(lengths(collection$values), h, n_windows, step, initial, window)
  fcs <- cv_run(models, collection, windows, h, level, progress, every)
  tables <- lapply(fcs, cv_table, collection = collection, windows = windows, h = h,
                   level = level)
  if (inherits(model, "lagrs_model")) return(new_lagrs_cv(tables[[1L]], level))
  names(tables) <- names(models)
  new_lagrs_cv(stack_models(tables), level)
}

# refit: TRUE, FALSE or a whole number k >= 1; the number of origins per
# refit block (1 for TRUE, every origin for FALSE).
check_refit <- function(refit) {
  if (is.logical(refit) && length(refit) == 1L && !is.na(refit)) {
    return(if (refit) 1L else .Machine$integer.max)
  }
  ok <- is.numeric(refit) && length(refit) == 1L && !is.na(refit) && is.finite(refit) &&
    refit == trunc(refit) && refit >= 1 && refit <= .Machine$integer.max
  if (!ok) {
    stop("`refit` must be TRUE, FALSE or a single positive whole number (refit every ",
         "`refit` origins), not ", describe_value(refit), ".", call. = FALSE)
  }
  as.integer(refit)
}

# Every model over every window that can run, in one pass of the runner:
# the windows of a series are cut into blocks of `every` (the first of each
# is fitted, the others filtered).  One list(mean, lower, upper, status,
# message) per model, over the windows that can run.
cv_run <- function(models, collection, windows, h, level, progress, every) {
  run <- windows[windows$problem == "", , drop = FALSE]
  n_run <- nrow(run)
  rank <- sequence(rle(run$series)$lengths) - 1L
  first <- which(c(TRUE, diff(run$series) != 0L | diff(rank %/% every) != 0L)[seq_len(n_run)])
  n_models <- length(models)
  offsets <- (seq_len(n_models) - 1L) * n_run
  fc <- .Call(C_cv_batch_call, collection$values, collection_frequency(collection),
              vapply(models, function(m) m$family, ""),
              lapply(models, function(m) m$options),
              rep(seq_len(n_models), each = n_run), rep(as.integer(run$series), n_models),
              rep(as.double(run$start), n_models), rep(as.double(run$cutoff), n_models),
              as.integer(rep(offsets, each = length(first)) + first - 1L), h, level,
              progress)
  lapply(offsets, function(offset) {
    cols <- offset + seq_len(n_run)
    rows <- offset * h + seq_len(n_run * h)
    list(mean = fc$mean[, cols, drop = FALSE], lower = fc$lower[rows, , drop = FALSE],
         upper = fc$upper[rows, , drop = FALSE], status = fc$status[cols],
         message = fc$message[cols])
  })
}

# One row per (series, origin): series (position), cutoff (training length),
# start (0-based first training value) and why a window cannot run ("" when
# it can).
cv_windows <- function(n, h, n_windows, step, initial, window) {
  per_series <- lapply(seq_along(n), function(i) {
    last <- n[i] - h
    cutoff <- if (is.null(initial)) last - rev(seq_len(n_windows) - 1L) * step else
      if (last >= initial) seq(initial, last, by = step) else initial
    data.frame(series = i, cutoff = cutoff)
  })
  out <- do.call(rbind, per_series)
  out$start <- if (is.null(window)) 0 else out$cutoff - window
  out$problem <- ""
  short <- out$cutoff < 1 | out$cutoff + h > n[out$series]
  out$problem[short] <- paste0("too short for ", h, "-step windows: ",
                               n[out$series[short]], " values")
  out$problem[!short & out$start < 0] <- paste0("shorter than the training window (",
                                                window, ") before this origin")
  out
}

# The long table of one model, from its forecasts (cv_run()).
cv_table <- function(fc, collection, windows, h, level) {
  ok <- windows$problem == ""
  n_rows <- nrow(windows) * h
  rows <- rep(which(ok), each = h)
  at <- function(values) {
    out <- rep(NA_real_, n_rows)
    out[(rows - 1L) * h + rep(seq_len(h), sum(ok))] <- values
    out
  }
  window_of_row <- rep(seq_len(nrow(windows)), each = h)
  step <- rep(seq_len(h), nrow(windows))
  series <- windows$series[window_of_row]
  cutoff <- windows$cutoff[window_of_row]
  status <- rep("error", nrow(windows))
  status[ok] <- status_labels(fc$status)
  message <- windows$problem
  message[ok] <- fc$message
  out <- data.frame(id = collection$ids[series], stringsAsFactors = FALSE)
  out <- cbind(out, cv_times(collection, series, cutoff, step))
  out$actual <- cv_actuals(collection$values, series, cutoff + step)
  out$mean <- at(as.vector(fc$mean))
  for (k in seq_along(level)) {
    out[[paste0("lo_", format(level[k]))]] <- at(fc$lower[, k])
    out[[paste0("hi_", format(level[k]))]] <- at(fc$upper[, k])
  }
  out$status <- status[window_of_row]
  out$message <- message[window_of_row]
  failed <- out$status == "error"
  out[failed, setdiff(names(out), c("id", "cutoff", "step", "time", "actual", "status",
                                    "message"))] <- NA_real_
  out
}

# cutoff and time columns: ts times when every series is a ts, else indices.
cv_times <- function(collection, series, cutoff, step) {
  tsp <- collection$tsp
  if (length(tsp) && all(!vapply(tsp, is.null, TRUE))) {
    starts_freqs <- matrix(unlist(tsp, use.names = FALSE), nrow = 3L)
    start <- starts_freqs[1L, series]
    freq <- starts_freqs[3L, series]
    return(data.frame(cutoff = start + (cutoff - 1) / freq, step = step,
                      time = start + (cutoff + step - 1) / freq))
  }
  data.frame(cutoff = cutoff, step = step, time = cutoff + step)
}

# y[position] of each row's series (1-based positions; NA past the end).
cv_actuals <- function(values, series, position) {
  n <- lengths(values)
  offsets <- cumsum(c(0, n))[series]
  out <- unlist(values, use.names = FALSE)[offsets + position]
  out[position > n[series]] <- NA_real_
  out
}

new_lagrs_cv <- function(table, level) {
  rownames(table) <- NULL
  attr(table, "level") <- level
  class(table) <- c("lagrs_cv", "data.frame")
  table
}

#' @export
print.lagrs_cv <- function(x, n = 10L, ...) {
  n_windows <- nrow(unique(as.data.frame(x)[intersect(c("model", "id", "cutoff"), names(x))]))
  cat("<lagrs_cv> ", length(unique(x$id)), " series, ", n_windows, " windows x ",
      max(c(0L, x$step)), " steps", sep = "")
  failed <- sum(x$status == "error" & x$step == 1L)
  if (failed) cat(", ", failed, " windows failed", sep = "")
  cat("\n")
  print(utils::head(as.data.frame(unclass(x), stringsAsFactors = FALSE), n), row.names = FALSE)
  if (nrow(x) > n) cat("# ... ", nrow(x) - n, " more rows\n", sep = "")
  invisible(x)
}

#' @export
`[.lagrs_cv` <- function(x, ...) {
  out <- NextMethod()
  if (is.data.frame(out)) class(out) <- "data.frame"
  out
}
