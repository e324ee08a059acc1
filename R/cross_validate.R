# Rolling-origin cross-validation of any model over any collection: the
# windows are laid out here, and every (series, window) fit runs in C on the
# batch runner (src/cvR.c), reading the series in place.

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
#' window), or its last `window` values. Every origin is refitted (for the
#' automatic models, the search included).
#'
#' A series too short for its windows, or a window whose fit fails, gets `NA`
#' forecasts and its status and message in the table; the run goes on.
#'
#' @inheritParams fit_batch
#' @param h Forecast horizon at each origin.
#' @param n_windows Number of origins per series (ignored with `initial`).
#' @param step Distance between consecutive origins.
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
cross_validate <- function(series, model, h, n_windows = 1, step = 1, level = NULL,
                           initial = NULL, window = NULL, id = "id", value = "value",
                           time = NULL, progress = NULL, workers = c("auto", "local")) {
  models <- check_models(model)
  h <- check_count(h, "h")
  n_windows <- check_count(n_windows, "n_windows")
  step <- check_count(step, "step")
  if (!is.null(initial)) initial <- check_count(initial, "initial")
  if (!is.null(window)) window <- check_count(window, "window")
  level <- if (is.null(level)) double() else check_levels(level)
  collection <- series_collection(series, id = id, value = value, time = time)
  progress <- resolve_progress(progress)
  windows <- cv_windows(lengths(collection$values), h, n_windows, step, initial, window)
  # on future workers: the same call on chunks of series (R/future.R)
  chunked <- cv_in_chunks(collection, models, windows,
                          list(model = model, h = h, n_windows = n_windows, step = step,
                               level = if (length(level)) level, initial = initial,
                               window = window, progress = FALSE, workers = "local"),
                          check_workers(workers))
  if (!is.null(chunked)) return(chunked)
  run <- function(m) cv_table(m, collection, windows, h, level, progress)
  if (inherits(model, "lagrs_model")) return(new_lagrs_cv(run(model), level))
  new_lagrs_cv(stack_models(lapply(models, run)), level)
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

# The long table of one model.
cv_table <- function(model, collection, windows, h, level, progress) {
  ok <- windows$problem == ""
  run <- windows[ok, , drop = FALSE]
  fc <- .Call(C_cv_batch_call, collection$values, collection_frequency(collection),
              model$family, model$options, as.integer(run$series), as.double(run$start),
              as.double(run$cutoff), h, level, progress)
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
  # a chunk on a future worker follows its whole collection (R/future.R)
  all_ts <- collection$all_ts %||% (length(tsp) && all(!vapply(tsp, is.null, TRUE)))
  if (all_ts) {
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
