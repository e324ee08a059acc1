# fit_batch(): any lagrs_model on any collection of series, through the one
# batch runner in C (src/batchR.c over src/batch.c), and the lagrs_batch
# object every model family shares.

#' Fit a model to many series at once
#'
#' `fit_batch()` fits a model (a `lagrs_model`, such as [arima_model()]) to
#' every series of a collection, in parallel over [lagrs_threads()] threads.
#' Each series is fitted by the same C code as a single fit, independently
#' of the others, so results are identical whatever the thread count or the
#' order of the series. A series that cannot be fitted gets the status
#' `"error"` and a message; the others are fitted as usual.
#'
#' With a named list of models, every model is fitted to every series and
#' the result (class `lagrs_batches`) knows its models: [forecast()] then
#' gives one long table with a `model` column (or, with `wide = TRUE`, one
#' column of means per model, as statsforecast does).
#'
#' Each series is fitted at its own frequency (the `frequency()` of a `ts`,
#' the spacing of a long data frame's dates, or 1), unless the model's
#' `period` says otherwise; a collection may mix yearly, quarterly and
#' monthly series.
#'
#' @inheritParams arima_batch
#' @param model A `lagrs_model`, or a named list of them.
#' @return A `lagrs_batch` (for one model; see [arima_batch()] for its
#'   elements) or a `lagrs_batches` (for a list of models: `batches`, a named
#'   list of `lagrs_batch`, one per model). Methods: `print()`, `summary()`,
#'   `forecast()`, `coef()` (a matrix, one row per series, `NA` for failed
#'   ones), `fitted()` and `residuals()` (a named list of series),
#'   `as.data.frame()`, `plot()` and `autoplot()`. `batch[["id"]]` (or
#'   [batch_member()]) gives one series' fit; `batch$coef` and
#'   `batch[["coef"]]` both give the element `coef`.
#' @seealso [arima_model()], [forecast.lagrs_batch()].
#' @export
#' @examples
#' set.seed(1)
#' skus <- lapply(1:6, function(i) ts(cumsum(rnorm(48)) + 50, frequency = 12))
#' names(skus) <- paste0("SKU-", 1:6)
#' batch <- fit_batch(skus, arima_model(c(0, 1, 1), c(0, 1, 1)))
#' batch
#' coef(batch)
#' both <- fit_batch(skus, list(airline = arima_model(c(0, 1, 1), c(0, 1, 1)),
#'                              auto = arima_model()))
#' head(forecast(both, h = 3))
fit_batch <- function(series, model, id = "id", value = "value", time = NULL,
                      progress = NULL, workers = c("auto", "local")) {
  call <- match.call()
  models <- check_models(model)
  workers <- check_workers(workers)
  collection <- series_collection(series, id = id, value = value, time = time)
  progress <- resolve_progress(progress)
  # every model's fits, locally or in chunks on future workers (R/future.R)
  fits <- collection_fits(models, collection, progress, workers)
  if (inherits(model, "lagrs_model")) {
    return(new_lagrs_batch(fits[[1L]], collection, model, call))
  }
  batches <- lapply(stats::setNames(seq_along(models), names(models)), function(k) {
    new_lagrs_batch(fits[[k]], collection, models[[k]], call)
  })
  structure(list(ids = collection$ids, batches = batches, series = collection, call = call),
            class = "lagrs_batches")
}

run_model_batch <- function(model, collection, progress, call) {
  fits <- .Call(C_fit_batch_call, collection$values, collection_frequency(collection),
                model$family, model$options, TRUE, progress)
  new_lagrs_batch(fits, collection, model, call)
}

# A batch keeps its per-series results as plain R vectors (so it serialises
# and travels between R processes), none of them an object per series:
# * `fits$status`, `fits$label`: one per series; `fits$codes`, `fits$info`:
#   matrices with one row per series;
# * `fits$state`: every series' state, one after another in one double
#   vector, and `fits$state_length` (integer, 0 for a failed fit): series k's
#   state is the state_length[k] values after the first k - 1 states;
# * `fits$residuals`: likewise every series' residuals (NaN where a series
#   has none), `fits$residual_length` their lengths (the series' lengths);
# * `coef`: the matrix, filled in C.
# batch_state() and residuals() split them when asked; combining batches of
# chunks of a collection is c() of each of them (rbind() of the matrices).
new_lagrs_batch <- function(fits, collection, model, call) {
  ids <- collection$ids
  spec <- batch_model_spec(model, fits)
  coef <- fits$coef
  dimnames(coef) <- list(ids, colnames(coef))
  relabel <- match(colnames(coef), names(model$coef_labels))
  colnames(coef)[!is.na(relabel)] <- model$coef_labels[relabel[!is.na(relabel)]]
  out <- c(list(ids = ids), batch_statistics(fits, ids),
           list(coef = coef, spec = spec, model = model, series = collection,
                fits = fits[c("status", "codes", "info", "state", "state_length", "label",
                              "residuals", "residual_length")],
                call = call))
  extra <- batch_elements(model, fits, ids)
  out[names(extra)] <- extra
  structure(out, class = c(model$batch_class, "lagrs_batch"))
}

# What a family's batches carry besides the common elements (or in place of
# one of them, such as `message`).
batch_elements <- function(model, fits, ids) UseMethod("batch_elements")

#' @export
batch_elements.lagrs_model <- function(model, fits, ids) list()

# The spec a batch keeps of its model, with the period every series shared
# (NA when they had different ones).
batch_model_spec <- function(model, fits) {
  spec <- model$spec
  if (is.null(spec$period) && "period" %in% colnames(fits$codes)) {
    periods <- unique(fits$codes[!is.na(fits$codes[, "period"]), "period"])
    spec$period <- if (length(periods) == 1L) periods else NA_integer_
  }
  spec
}

# The per-series results every batch carries, named by series id.
batch_statistics <- function(fits, ids) {
  named <- function(values) stats::setNames(values, ids)
  list(status = named(status_labels(fits$status)), message = named(fits$message),
       sigma2 = named(fits$sigma2), loglik = named(fits$loglik), aic = named(fits$aic),
       aicc = named(fits$aicc), bic = named(fits$bic), nobs = named(fits$nobs),
       convergence = named(fits$convergence))
}

status_labels <- function(code) {
  usable <- lagrs_codes("fit_status")
  out <- rep("error", length(code))
  out[code == usable[["ok"]]] <- "ok"
  out[code == usable[["warning"]]] <- "warning"
  out
}

# ---- access ----------------------------------------------------------------

#' @export
length.lagrs_batch <- function(x) length(unclass(x)$ids)

#' @export
`$.lagrs_batch` <- function(x, name) unclass(x)[[name]]

#' @export
`[[.lagrs_batch` <- function(x, i, ...) {
  if (is.character(i) && length(i) == 1L && i %in% names(unclass(x))) {
    return(unclass(x)[[i]])
  }
  batch_member(x, i)
}

#' One series' fit from a batch
#'
#' `batch_member(batch, id)` (or `batch[["id"]]`, for an id that is not the
#' name of one of the batch's elements such as `"coef"`) gives one series'
#' fit as a single-series object: a `lagrs_arima` for ARIMA models, refitted
#' as [arima_fit()] or [auto_arima()] would fit it (the same numbers as the
#' batch). A series whose status is `"error"` gives an error that names it
#' and repeats its message.
#'
#' @param batch A `lagrs_batch`.
#' @param id A series id, or a position.
#' @return The fit of that series.
#' @export
#' @examples
#' set.seed(5)
#' batch <- arima_batch(list(a = cumsum(rnorm(40)), b = cumsum(rnorm(40))), c(0, 1, 1))
#' batch_member(batch, "b")
batch_member <- function(batch, id) {
  k <- member_index(batch, id)
  x <- unclass(batch)
  if (x$status[[k]] == "error") {
    # refitting would only repeat the failure, in the single fit's words
    stop("Series \"", x$ids[k], "\" of the batch has no model: it failed with \"",
         x$message[[k]], "\".", call. = FALSE)
  }
  member_fit(unclass(batch)$model, batch, k)
}

member_index <- function(x, i) {
  ids <- unclass(x)$ids
  if (is.character(i)) {
    if (length(i) != 1L || !i %in% ids) {
      stop("`i` must be one of the batch's series ids; \"", i[1L], "\" is not.",
           call. = FALSE)
    }
    return(match(i, ids))
  }
  k <- check_count(i, "i")
  if (k > length(ids)) {
    stop("`i` must be at most ", length(ids), ", the number of series, not ", k, ".",
         call. = FALSE)
  }
  k
}

# The series k of a batch, as the user gave it (ts attributes kept).
batch_series_at <- function(x, k) {
  y <- unclass(x)$series$values[[k]]
  tsp <- unclass(x)$series$tsp[[k]]
  if (!is.null(tsp)) y <- stats::ts(y, start = tsp[1L], frequency = tsp[3L])
  y
}

# One series' fit as the family's single-series object (a method per model
# class).
member_fit <- function(model, x, k) UseMethod("member_fit")

#' @export
member_fit.lagrs_arima_model <- function(model, x, k) {
  spec <- unclass(x)$spec
  period <- unclass(x)$fits$codes[k, "period"]
  fit <- arima_fit(batch_series_at(x, k), order = spec$order, seasonal = spec$seasonal,
                   period = period, include_mean = spec$include_mean,
                   include_drift = spec$include_drift, method = spec$method)
  fit$series <- unclass(x)$ids[k]
  fit
}

#' @export
member_fit.lagrs_auto_model <- function(model, x, k) auto_batch_member(x, k)

#' @export
coef.lagrs_batch <- function(object, ...) unclass(object)$coef

# Series k's state (numeric(0) for a failed fit), out of the batch's one
# vector of states.
batch_state <- function(x, k) {
  fits <- unclass(x)$fits
  fits$state[sum(fits$state_length[seq_len(k - 1L)]) + seq_len(fits$state_length[k])]
}

# The residuals of the series `which` (all by default), split out of the
# batch's one vector: NA where there is none or the fit failed; ts
# attributes as the series'.
batch_residuals <- function(x, which = seq_along(unclass(x)$ids)) {
  x <- unclass(x)
  lengths <- x$fits$residual_length
  ends <- cumsum(as.double(lengths))
  lapply(which, function(k) {
    r <- x$fits$residuals[ends[k] - lengths[k] + seq_len(lengths[k])]
    r[is.na(r) | x$status[[k]] == "error"] <- NA_real_
    tsp <- x$series$tsp[[k]]
    if (is.null(tsp)) r else stats::ts(r, start = tsp[1L], frequency = tsp[3L])
  })
}

#' @export
residuals.lagrs_batch <- function(object, ...) {
  stats::setNames(batch_residuals(object), unclass(object)$ids)
}

#' @export
fitted.lagrs_batch <- function(object, ...) {
  res <- residuals.lagrs_batch(object)
  x <- unclass(object)
  stats::setNames(lapply(seq_along(res), function(k) batch_series_at(object, k) - res[[k]]),
                  x$ids)
}

# ---- several models: lagrs_batches ----------------------------------------

#' @export
print.lagrs_batches <- function(x, ...) {
  cat("<lagrs_batches> ", length(x$batches), " models fitted to ", length(x$ids),
      " series\n", sep = "")
  for (name in names(x$batches)) {
    b <- x$batches[[name]]
    counts <- table(factor(b$status, levels = c("ok", "warning", "error")))
    cat("  ", name, ": ", batch_label(b), "   ok: ", counts[["ok"]], "   warning: ",
        counts[["warning"]], "   error: ", counts[["error"]], "\n", sep = "")
  }
  invisible(x)
}

#' @export
length.lagrs_batches <- function(x) length(x$ids)

#' @export
coef.lagrs_batches <- function(object, ...) lapply(object$batches, coef)

#' @export
residuals.lagrs_batches <- function(object, ...) lapply(object$batches, residuals)

#' @export
fitted.lagrs_batches <- function(object, ...) lapply(object$batches, fitted)

# One data frame of every model's rows, with the model's name first; a
# column that some models lack (a coefficient) is NA in their rows.
stack_models <- function(parts) {
  frames <- lapply(names(parts), function(name) {
    part <- as.data.frame(unclass(parts[[name]]), stringsAsFactors = FALSE)
    cbind(data.frame(model = rep(name, nrow(part)), stringsAsFactors = FALSE), part)
  })
  columns <- unique(unlist(lapply(frames, names)))
  out <- do.call(rbind, lapply(frames, function(f) {
    f[setdiff(columns, names(f))] <- NA
    f[columns]
  }))
  rownames(out) <- NULL
  out
}

#' @export
summary.lagrs_batches <- function(object, ...) {
  stack_models(lapply(object$batches, summary))
}

#' @export
as.data.frame.lagrs_batches <- function(x, ...) summary.lagrs_batches(x)

#' Forecast every series of a batch with every model
#'
#' @param object A `lagrs_batches` from [fit_batch()] with a list of models.
#' @param h,level,progress,workers As in [forecast.lagrs_batch()].
#' @param wide Give one column of means per model (statsforecast's shape)
#'   instead of the long table?
#' @param ... Unused.
#' @return A `lagrs_batch_forecast`: the long table of
#'   [forecast.lagrs_batch()] with a first column `model` (the model's name
#'   in the list), one block of rows per model; or, with `wide = TRUE`, a data
#'   frame with `id`, `step`, `time` (for `ts` series) and one column of means
#'   per model.
#' @export
#' @examples
#' set.seed(6)
#' skus <- list(a = cumsum(rnorm(40)), b = cumsum(rnorm(40)))
#' both <- fit_batch(skus, list(ma = arima_model(c(0, 1, 1)), ar = arima_model(c(1, 1, 0))))
#' forecast(both, h = 2)
#' forecast(both, h = 2, wide = TRUE)
forecast.lagrs_batches <- function(object, h = 10, level = c(80, 95), progress = NULL,
                                   wide = FALSE, workers = c("auto", "local"), ...) {
  check_flag(wide, "wide")
  parts <- lapply(object$batches, forecast, h = h, level = level, progress = progress,
                  workers = workers)
  if (wide) {
    out <- as.data.frame(unclass(parts[[1L]]), stringsAsFactors = FALSE)
    out <- out[intersect(c("id", "step", "time"), names(out))]
    for (name in names(parts)) out[[name]] <- parts[[name]]$mean
    return(out)
  }
  out <- stack_models(parts)
  attr(out, "level") <- attr(parts[[1L]], "level")
  attr(out, "h") <- attr(parts[[1L]], "h")
  class(out) <- c("lagrs_batch_forecast", "data.frame")
  out
}
