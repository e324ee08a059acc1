# tune_batch(): each series' model chosen by its cross-validated error.
# Every (candidate, series, window) runs in one pass of cross_validate()
# over the runner (src/cvR.c); the scores are accuracy()'s; the winners are
# refitted on the whole series, one fit_batch() per winning candidate.

#' Choose each series' model by cross-validation
#'
#' `tune_batch()` cross-validates every candidate model on every series (one
#' [cross_validate()] pass: the unit of work is one (series, candidate,
#' window) fit, or refit block with `refit`, scheduled over all threads),
#' scores each candidate on each series with [accuracy()]'s `metric` over
#' its windows, and picks, per series, the candidate with the lowest score
#' (the first in the list on ties; candidates whose windows all failed have
#' a score of `NA` and are not chosen). Each series is then refitted with
#' its winner on the whole series, ready for [forecast()].
#'
#' @inheritParams cross_validate
#' @param models A named list of `lagrs_model`s, the candidates (for
#'   example [arima_grid()]).
#' @param metric The measure to minimise: one of `"MASE"`, `"RMSSE"`,
#'   `"MAE"`, `"RMSE"`, `"MAPE"` and `"sMAPE"` (MASE and RMSSE are scaled,
#'   per window, by its training window's in-sample seasonal-naive error).
#' @return A `lagrs_tuned`: a list with `best` (a data frame, one row per
#'   series: `id`, `model` (the winner's name, `NA` when every candidate
#'   failed) and `score`), `scores` (a matrix of every candidate's score,
#'   one row per series and one column per candidate), `metric`, `cv` (the
#'   cross-validation table) and `batch` (a `lagrs_tuned_batch`: each
#'   series fitted with its winner, one `lagrs_batch` per winning candidate
#'   in `batch$batches`; [forecast()] gives one table in the series' order
#'   with a `model` column). Methods: `print()`, `summary()`, `forecast()`.
#' @seealso [arima_grid()], [cross_validate()], [accuracy.lagrs_cv()].
#' @export
#' @examples
#' set.seed(3)
#' skus <- lapply(1:3, function(i) ts(cumsum(rnorm(48)) + 30, frequency = 4))
#' names(skus) <- paste0("SKU-", 1:3)
#' tuned <- tune_batch(skus, arima_grid(p = 0:1, d = 1, q = 0:1), h = 2, n_windows = 2)
#' tuned
#' head(forecast(tuned, h = 2))
tune_batch <- function(series, models, h, n_windows, step = 1, metric = "MASE",
                       refit = TRUE, level = NULL, initial = NULL, window = NULL,
                       id = "id", value = "value", time = NULL, progress = NULL) {
  if (inherits(models, "lagrs_model") || !is.list(models)) {
    stop("`models` must be a named list of lagrs_models (such as arima_grid()), not ",
         describe_value(models), ".", call. = FALSE)
  }
  models <- check_models(models)
  metric <- check_metric(metric)
  cv <- cross_validate(series, models, h = h, n_windows = n_windows, step = step,
                       refit = refit, level = level, initial = initial, window = window,
                       id = id, value = value, time = time, progress = progress)
  collection <- series_collection(series, id = id, value = value, time = time)
  scores <- tune_scores(cv, collection, names(models), metric)
  best <- tune_winners(scores)
  batch <- tune_refit(models, best, collection, resolve_progress(progress), match.call())
  structure(list(best = best, scores = scores, metric = metric, cv = cv, batch = batch),
            class = "lagrs_tuned")
}

check_metric <- function(metric) {
  choices <- c("MASE", "RMSSE", "MAE", "RMSE", "MAPE", "sMAPE")
  if (!is.character(metric) || length(metric) != 1L || !metric %in% choices) {
    stop("`metric` must be one of ", paste0("\"", choices, "\"", collapse = ", "),
         ", not ", describe_value(metric), ".", call. = FALSE)
  }
  metric
}

# The series x candidates matrix of scores (NA: no window of that pair
# could be scored).
tune_scores <- function(cv, collection, candidates, metric) {
  table <- cv_accuracy(cv, collection, by = c("id", "model"))
  out <- matrix(NA_real_, length(collection$ids), length(candidates),
                dimnames = list(collection$ids, candidates))
  value <- table[[metric]]
  value[is.nan(value)] <- NA_real_
  out[cbind(match(table$id, collection$ids), match(table$model, candidates))] <- value
  out
}

# Per series: the candidate of lowest score (the first on ties), or NA.
tune_winners <- function(scores) {
  pick <- apply(scores, 1L, function(s) if (all(is.na(s))) NA_integer_ else which.min(s))
  data.frame(id = rownames(scores), model = colnames(scores)[pick],
             score = scores[cbind(seq_len(nrow(scores)), pick)], stringsAsFactors = FALSE)
}

# The series of `rows` as a collection of their own.
subset_collection <- function(collection, rows) {
  n <- length(collection$ids)
  inferred <- lapply(collection$inferred, function(v) if (length(v) == n) v[rows] else v)
  list(values = collection$values[rows], ids = collection$ids[rows],
       tsp = collection$tsp[rows], inferred = inferred)
}

# Each winning candidate fitted to the whole series that chose it.
tune_refit <- function(models, best, collection, progress, call) {
  winners <- intersect(names(models), best$model)
  batches <- lapply(winners, function(name) {
    rows <- which(best$model == name)
    run_model_batch(models[[name]], subset_collection(collection, rows), progress, call)
  })
  names(batches) <- winners
  structure(list(ids = collection$ids, batches = batches, winner = best$model,
                 series = collection, call = call),
            class = c("lagrs_tuned_batch", "lagrs_batches"))
}

#' Forecast with each series' chosen model
#'
#' @param object A `lagrs_tuned` from [tune_batch()], or its `batch`.
#' @param h,level,progress As in [forecast.lagrs_batch()].
#' @param ... Unused.
#' @return A `lagrs_batch_forecast`: the long table of
#'   [forecast.lagrs_batch()] with a first column `model` (the series'
#'   winner), in the order of the series; series without a winner are left
#'   out.
#' @export
#' @examples
#' set.seed(3)
#' skus <- list(a = cumsum(rnorm(40)), b = cumsum(rnorm(40)))
#' tuned <- tune_batch(skus, arima_grid(p = 0:1, d = 1, q = 0), h = 2, n_windows = 2)
#' forecast(tuned, h = 3)
forecast.lagrs_tuned <- function(object, h = 10, level = c(80, 95), progress = NULL, ...) {
  forecast(object$batch, h = h, level = level, progress = progress)
}

#' @rdname forecast.lagrs_tuned
#' @export
forecast.lagrs_tuned_batch <- function(object, h = 10, level = c(80, 95), progress = NULL,
                                       ...) {
  out <- forecast.lagrs_batches(object, h = h, level = level, progress = progress)
  order <- order(match(out$id, object$ids), out$step)
  keep <- attributes(out)[c("level", "h", "class")]
  out <- out[order, , drop = FALSE]
  rownames(out) <- NULL
  attributes(out)[names(keep)] <- keep
  out
}

#' @export
print.lagrs_tuned <- function(x, ...) {
  n_failed <- sum(is.na(x$best$model))
  cat("<lagrs_tuned> ", nrow(x$best), " series, ", ncol(x$scores), " candidates, by ",
      x$metric, " over cross-validation", sep = "")
  if (n_failed) cat(", ", n_failed, " series without a winner", sep = "")
  cat("\nwinners:\n")
  wins <- table(factor(x$best$model, levels = colnames(x$scores)))
  print(stats::setNames(as.vector(wins), names(wins))[wins > 0])
  invisible(x)
}

#' @export
summary.lagrs_tuned <- function(object, ...) {
  out <- object$best
  out$runner_up <- apply(object$scores, 1L, function(s) {
    ranked <- order(s, na.last = NA)
    if (length(ranked) > 1L) colnames(object$scores)[ranked[2L]] else NA_character_
  })
  out$n_scored <- rowSums(!is.na(object$scores))
  out
}

#' @export
print.lagrs_tuned_batch <- function(x, ...) {
  cat("<lagrs_tuned_batch> ", length(x$ids), " series fitted with their winners (",
      length(x$batches), " models)\n", sep = "")
  invisible(x)
}

#' A grid of ARIMA models
#'
#' `arima_grid()` gives every combination of the orders as a named list of
#' [arima_model()]s, for [tune_batch()] or [cross_validate()].
#'
#' @param p,d,q,P,D,Q Vectors of orders; every combination is a candidate.
#' @param period,include_mean,include_drift,method As in [arima_model()],
#'   for every candidate.
#' @return A named list of `lagrs_model`s, named by their label
#'   (`"ARIMA(1,1,0)"`, `"ARIMA(0,1,1)(0,1,1)[12]"`).
#' @export
#' @examples
#' grid <- arima_grid(p = 0:2, d = 0:1, q = 0:2)
#' length(grid)
#' names(grid)[1:4]
arima_grid <- function(p = 0:2, d = 0:1, q = 0:2, P = 0, D = 0, Q = 0, period = NULL,
                       include_mean = TRUE, include_drift = FALSE,
                       method = c("CSS-ML", "ML", "CSS")) {
  orders <- list(p = p, d = d, q = q, P = P, D = D, Q = Q)
  for (name in names(orders)) {
    v <- orders[[name]]
    ok <- is.numeric(v) && length(v) > 0L && !anyNA(v) && all(v >= 0) && all(v == trunc(v))
    if (!ok) {
      stop("`", name, "` must be a vector of whole numbers >= 0, not ", describe_value(v),
           ".", call. = FALSE)
    }
  }
  grid <- expand.grid(lapply(orders, function(v) as.integer(unique(v))))
  method <- match.arg(method)
  models <- lapply(seq_len(nrow(grid)), function(i) {
    g <- unlist(grid[i, ])
    arima_model(g[1:3], g[4:6], period = period, include_mean = include_mean,
                include_drift = include_drift, method = method)
  })
  names(models) <- vapply(models, function(m) m$label, "")
  models
}
