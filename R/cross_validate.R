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
#' TSB the smoothing parameters, for ADIDA also its aggregation level; for
#' the standard Theta model its alpha, initial level, drift, variance and
#' seasonal indexes. IMAPA and the optimised Theta models (OTM, DOTM) keep
#' nothing to freeze and are refitted at every origin whatever `refit` says. With expanding windows, ARIMA's
#' filter carries the previous origin's Kalman state on over the new values
#' instead of filtering the whole series again. An integer
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
                           value = "value", time = NULL, progress = NULL,
                           workers = c("auto", "local")) {
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
  # on future workers: the same call on chunks of series (R/future.R)
  chunked <- cv_in_chunks(collection, models, windows,
                          list(model = model, h = h, n_windows = n_windows, step = step,
                               refit = refit, level = if (length(level)) level,
                               initial = initial, window = window, progress = FALSE,
                               workers = "local"),
                          check_workers(workers))
  if (!is.null(chunked)) return(chunked)
  fc <- cv_run(models, collection, windows, h, level, progress, every)
  table <- cv_table(fc, collection, windows, h, level,
                    if (inherits(model, "lagrs_model")) NULL else names(models))
  new_lagrs_cv(table, level)
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

# Every model over every window, in one pass of the runner: C cuts the
# windows of a series that can run into blocks of `every` (the first of each
# is fitted, the others filtered); a window that cannot run (start -1) is
# only marked as failed.  The C outputs are already
# the table's columns, model after model, window after window, step after
# step (src/cvR.c), so nothing is copied on the way to the table.
cv_run <- function(models, collection, windows, h, level, progress, every) {
  start <- windows$start
  start[windows$problem != ""] <- -1
  tsp <- cv_tsp(collection)
  .Call(C_cv_batch_call, collection$values, collection_frequency(collection),
        vapply(models, function(m) m$family, ""), lapply(models, function(m) m$options),
        windows$series, as.double(start), as.double(windows$cutoff), every, h, level,
        tsp$start, tsp$frequency, progress)
}

# The series' ts starts and frequencies when every series is a ts (the
# table's times are then ts times), else empty.
cv_tsp <- function(collection) {
  tsp <- collection$tsp
  # a chunk on a future worker follows its whole collection (R/future.R)
  all_ts <- collection$all_ts %||% (length(tsp) && all(!vapply(tsp, is.null, TRUE)))
  if (!all_ts) {
    return(list(start = double(), frequency = double()))
  }
  starts_freqs <- matrix(unlist(tsp, use.names = FALSE), nrow = 3L)
  list(start = starts_freqs[1L, ], frequency = starts_freqs[3L, ])
}

# One row per (series, origin): series (position), cutoff (training length),
# start (0-based first training value) and why a window cannot run ("" when
# it can).
cv_windows <- function(n, h, n_windows, step, initial, window) {
  last <- n - h
  if (is.null(initial)) {
    series <- rep(seq_along(n), each = n_windows)
    cutoff <- last[series] - rep(rev(seq_len(n_windows) - 1L) * step, length(n))
  } else {
    counts <- ifelse(last >= initial, (last - initial) %/% step + 1L, 1L)
    series <- rep(seq_along(n), counts)
    cutoff <- initial + (sequence(counts) - 1L) * step
  }
  out <- data.frame(series = series, cutoff = cutoff)
  out$start <- if (is.null(window)) 0 else out$cutoff - window
  out$problem <- ""
  short <- out$cutoff < 1 | out$cutoff + h > n[out$series]
  out$problem[short] <- paste0("too short for ", h, "-step windows: ",
                               n[out$series[short]], " values")
  out$problem[!short & out$start < 0] <- paste0("shorter than the training window (",
                                                window, ") before this origin")
  out
}

# The long table, built from the C outputs and per-window vectors repeated
# h times (no per-row intermediates beyond the columns themselves).
cv_table <- function(fc, collection, windows, h, level, model_names) {
  n_win <- nrow(windows)
  n_models <- max(1L, length(model_names))
  n_rows <- n_win * h * n_models
  per_row <- function(v) rep(rep(v, length.out = n_win * n_models), each = h)
  columns <- list()
  if (!is.null(model_names)) columns$model <- rep(model_names, each = n_win * h)
  columns$id <- per_row(collection$ids[windows$series])
  if (is.null(fc$cutoff)) {
    columns$cutoff <- per_row(windows$cutoff)
    columns$step <- rep.int(seq_len(h), n_win * n_models)
    columns$time <- columns$cutoff + columns$step
  } else {
    columns$cutoff <- fc$cutoff
    columns$step <- rep.int(seq_len(h), n_win * n_models)
    columns$time <- fc$time
  }
  columns$actual <- fc$actual
  columns$mean <- fc$mean
  for (k in seq_along(level)) {
    columns[[paste0("lo_", format(level[k]))]] <- fc$lower[[k]]
    columns[[paste0("hi_", format(level[k]))]] <- fc$upper[[k]]
  }
  problem <- rep(windows$problem, n_models)
  message <- fc$message
  message[problem != ""] <- problem[problem != ""]
  columns$status <- rep(status_labels(fc$status), each = h)
  columns$message <- rep(message, each = h)
  structure(columns, class = "data.frame", row.names = c(NA_integer_, -n_rows))
}

new_lagrs_cv <- function(table, level) {
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
