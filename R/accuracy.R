# Forecast accuracy: the measures of forecast::accuracy(), plus sMAPE,
# RMSSE, interval coverage and Winkler scores, and periods in stock, for one
# forecast (a lagrs_forecast) and for batch forecast tables. Both reduce to
# the same row terms (accuracy_terms()); only the averaging differs: mean()
# for one series (so the values are those of forecast::accuracy() to the
# bit), rowsum() over group codes for a table of many series.

#' @importFrom generics accuracy
#' @export
generics::accuracy

#' Accuracy of forecasts
#'
#' Accuracy measures of forecasts against the values that happened, with
#' the names and definitions of [forecast::accuracy()], plus the scaled and
#' interval measures of the M4 competition. There is a method for a single
#' forecast (a `lagrs_forecast` from [forecast.lagrs_arima()] or a batch
#' member) given the actual future values, and one for a batch forecast table
#' (from [forecast.lagrs_batch()] or [forecast.lagrs_batches()]) given a data
#' frame of actuals, summarised per group. `accuracy()` is the generic of the
#' generics package, shared with forecast and fable.
#'
#' With errors \eqn{e_t = y_t - f_t} (actual minus forecast) over the test
#' points:
#' * `ME`, `RMSE`, `MAE`: mean, root mean square and mean absolute error.
#' * `MPE`, `MAPE`: mean (absolute) percentage error, \eqn{100 e_t / y_t};
#'   infinite or undefined where an actual is 0.
#' * `sMAPE`: the M4 competition's symmetric MAPE,
#'   \eqn{200 |y_t - f_t| / (|y_t| + |f_t|)}, averaged (from 0 to 200;
#'   undefined, hence skipped, where actual and forecast are both 0).
#' * `MASE`: mean of \eqn{|e_t| / s}, where \eqn{s} is the in-sample mean
#'   absolute error of the seasonal naive method on the training series,
#'   \eqn{s = mean |y_t - y_{t-m}|}, with \eqn{m} its (rounded) frequency, 1
#'   for a series without `ts` attributes (the naive method). This is the
#'   scale of [forecast::accuracy()] (seasonal differences when the frequency
#'   is above 1, first differences otherwise) and of M4.
#' * `RMSSE`: \eqn{\sqrt{mean (e_t / r)^2}}, with \eqn{r} the root mean
#'   square error of the same seasonal naive method in sample (M5's measure).
#' * `ACF1`: the lag-1 autocorrelation of the errors, as
#'   `acf(e, na.action = na.pass)` computes it.
#' * `PIS`: periods in stock (Wallström and Segerstedt, 2010), the sum over
#'   the horizon of the cumulative forecast error
#'   \eqn{\sum_{t=1}^{h} \sum_{j=1}^{t} (f_j - y_j)}: positive when stock
#'   piles up (forecasts above demand: units times periods held), negative
#'   when demand goes unmet. It measures bias over a horizon, so it is given
#'   for the test set only; a missing actual inside the horizon makes it `NA`.
#' * For each interval level `L`: `Coverage_L`, the percentage of actuals
#'   inside the interval, and `Winkler_L`, the mean Winkler (1972) score
#'   \eqn{(u - l) + (2 / \alpha) (l - y) [y < l] + (2 / \alpha) (y - u) [y > u]},
#'   with \eqn{\alpha = 1 - L / 100}.
#'
#' Zeros (intermittent demand): MASE, RMSSE and PIS stay finite when
#' actuals are 0, MPE and MAPE do not. The scaled measures divide by the
#' training series' seasonal naive error, which is 0 for a constant series
#' (an all-zero one too): MASE and RMSSE are then `Inf` (or `NaN` when the
#' test errors are 0 as well). They are `NaN` when the training series is
#' no longer than \eqn{m} (no seasonal difference exists).
#'
#' Missing actuals or forecasts are skipped, as by forecast's `na.rm = TRUE`.
#'
#' @section Agreement with forecast::accuracy():
#' For a `ts` training series and `x` a `ts` with the same frequency,
#' `ME` to `ACF1` equal those of [forecast::accuracy()] on the same forecast
#' (a lagrs forecast is also a `forecast` object). forecast differs in three
#' cases that lagrs treats uniformly: for a plain vector `x` it picks the
#' scale from `x`'s frequency (1) instead of the training series'; for a
#' training series without `ts` attributes it scales by the mean absolute
#' deviation from its mean; and it gives the test set's `ACF1` (and Theil's
#' U, not computed here) only when `x` is a `ts`.
#'
#' @param object A `lagrs_forecast`, a `lagrs_batch_forecast` table, or a
#'   `lagrs_cv` table from [cross_validate()] (which holds its actuals; each
#'   window's MASE and RMSSE are scaled by its own expanding training window,
#'   given `batch`, any batch of the same series, e.g. `fit_batch(series,
#'   model)`).
#' @param x The actual values of the forecast periods: a numeric vector or
#'   `ts`, one value per step from step 1 (at most `h` of them). When both
#'   `x` and the forecasts are `ts`, they are matched by time, as in
#'   forecast. Without `x`, only the training set's measures are given.
#' @param data A data frame of actuals: a column `id` (the series ids of the
#'   forecast table), a column `step` (1 to `h`) or else `time` (on the
#'   forecast table's time scale), and the actual values in the column named
#'   by `value`. Rows that match no forecast (for example the training
#'   periods of a long data frame) are ignored; forecasts without an actual
#'   are left out of the measures.
#' @param batch The `lagrs_batch` or `lagrs_batches` that made the forecasts
#'   (from [fit_batch()] or [arima_batch()]): its series are the training
#'   data that scale MASE and RMSSE, at their frequencies. Without it, MASE
#'   and RMSSE are `NA`.
#' @param by The grouping: any of `"id"`, `"model"` (for tables with a
#'   `model` column; ignored otherwise) and `"step"`, and for a `lagrs_cv`
#'   also `"cutoff"`. `character()` gives one row for the whole table.
#' @param value The name of the column of `data` that holds the actuals.
#' @param ... Unused.
#' @return For a `lagrs_forecast`: a matrix with the rows `"Training set"`
#'   (from the fitted values; interval measures and PIS are `NA`) and
#'   `"Test set"`, and a column per measure. For a table: a data frame with
#'   the `by` columns and one row per group (in order of first appearance),
#'   then `n` (the number of forecasts with an actual) and a column per
#'   measure; the PIS of a group is the mean PIS of the forecast paths
#'   (one per series and model) in it.
#' @references
#' Hyndman, R. J. and Koehler, A. B. (2006). Another look at measures of
#' forecast accuracy. *International Journal of Forecasting* 22(4), 679–688.
#'
#' Makridakis, S., Spiliotis, E. and Assimakopoulos, V. (2020). The M4
#' Competition: 100,000 time series and 61 forecasting methods.
#' *International Journal of Forecasting* 36(1), 54–74.
#'
#' Wallström, P. and Segerstedt, A. (2010). Evaluation of forecasting error
#' measurements and techniques for intermittent demand. *International
#' Journal of Production Economics* 128(2), 625–636.
#'
#' Winkler, R. L. (1972). A decision-theoretic approach to interval
#' estimation. *Journal of the American Statistical Association* 67(337),
#' 187–191.
#' @examples
#' train <- window(USAccDeaths, end = c(1977, 12))
#' test <- window(USAccDeaths, start = c(1978, 1))
#' fc <- forecast(arima_fit(train, order = c(0, 1, 1), seasonal = c(0, 1, 1)), h = 12)
#' accuracy(fc, test)
#'
#' skus <- list(a = window(ldeaths, end = c(1978, 12)),
#'              b = window(mdeaths, end = c(1978, 12)))
#' batch <- fit_batch(skus, arima_model(c(0, 1, 1), c(0, 1, 1)))
#' actual <- data.frame(id = rep(c("a", "b"), each = 12), step = rep(1:12, 2),
#'                      value = c(window(ldeaths, start = 1979),
#'                                window(mdeaths, start = 1979)))
#' accuracy(forecast(batch, h = 12), actual, batch = batch)
#' @name accuracy.lagrs
NULL

#' @rdname accuracy.lagrs
#' @export
#' @method accuracy lagrs_forecast
accuracy.lagrs_forecast <- function(object, x, ...) {
  h <- length(object$mean)
  # without actuals, the training set alone (as forecast::accuracy(f))
  training_only <- missing(x)
  if (training_only) x <- NA_real_
  x <- check_actuals(x, h)
  steps <- seq_along(x)
  if (stats::is.ts(x) && stats::is.ts(object$mean)) {
    both <- overlap_window(object$mean, x)
    steps <- first_step(object$mean, both$f) + seq_along(both$x) - 1L
    x <- both$x
  }
  x <- as.numeric(x)
  level <- as.double(object$level)
  mean_fc <- as.numeric(object$mean)[steps]
  lower <- matrix(object$lower, ncol = length(level))[steps, , drop = FALSE]
  upper <- matrix(object$upper, ncol = length(level))[steps, , drop = FALSE]
  train <- as.numeric(object$x)
  fitted <- as.numeric(object$fitted)
  scale <- naive_scale(train, series_period(object$x))
  training <- accuracy_terms(train, fitted, NULL, NULL, level, scale$mae, scale$rmse)
  test <- accuracy_terms(x, mean_fc, lower, upper, level, scale$mae, scale$rmse)
  series_mean <- function(terms) vapply(terms, mean, 1, na.rm = TRUE)
  out <- accuracy_measures(rbind(series_mean(training), series_mean(test)))
  rownames(out) <- c("Training set", "Test set")
  out[, "ACF1"] <- c(error_acf1(train - fitted), error_acf1(x - mean_fc))
  over <- mean_fc - x
  out[, "PIS"] <- c(NA_real_, sum(cumsum(over[!is.na(over)])))
  if (training_only) out <- out[1L, , drop = FALSE]
  out
}

# The step (1 = first forecast) at which the window `part` of `mean` starts.
first_step <- function(mean, part) {
  as.integer(round((stats::tsp(part)[1L] - stats::tsp(mean)[1L]) * stats::frequency(mean))) + 1L
}

check_actuals <- function(x, h) {
  if (!is_numeric_series(x) || is.matrix(x) || length(x) == 0L) {
    stop("`x` must be a numeric vector or ts of actual values, not ", describe_value(x),
         ".", call. = FALSE)
  }
  if (length(x) > h && !stats::is.ts(x)) {
    stop("`x` has ", length(x), " values but the forecast only ", h,
         " steps; give the actuals of the forecast periods.", call. = FALSE)
  }
  if (is.logical(x)) x[] <- NA_real_
  x
}

# forecast::accuracy()'s alignment of two ts by their common time span.
overlap_window <- function(f, x) {
  tsp_f <- stats::tsp(f)
  tsp_x <- stats::tsp(x)
  start <- max(tsp_f[1L], tsp_x[1L])
  end <- min(tsp_f[2L], tsp_x[2L])
  if (start > end) {
    stop("`x` must overlap the forecast periods (", format(tsp_f[1L]), " to ",
         format(tsp_f[2L]), "), not ", format(tsp_x[1L]), " to ", format(tsp_x[2L]), ".",
         call. = FALSE)
  }
  list(f = stats::window(f, start = start, end = end),
       x = stats::window(x, start = start, end = end))
}

series_period <- function(y) if (stats::is.ts(y)) round(stats::frequency(y)) else 1

# The in-sample seasonal naive errors' scale of one training series.
naive_scale <- function(y, m) {
  d <- if (m < length(y)) y[-seq_len(m)] - y[seq_len(length(y) - m)] else numeric()
  list(mae = mean(abs(d), na.rm = TRUE), rmse = sqrt(mean(d^2, na.rm = TRUE)))
}

# Per-point terms whose means give the measures (NULL bounds: no intervals,
# their terms are NA). `scale_mae`/`scale_rmse` are one per point or one.
accuracy_terms <- function(y, f, lower, upper, level, scale_mae, scale_rmse) {
  e <- y - f
  pe <- e / y * 100
  smape <- 200 * abs(e) / (abs(y) + abs(f))
  smape[!is.na(y) & !is.na(f) & y == 0 & f == 0] <- NA_real_
  terms <- list(ME = e, MSE = e^2, MAE = abs(e), MPE = pe, MAPE = abs(pe), sMAPE = smape,
                MASE = abs(e / scale_mae), MSSE = (e / scale_rmse)^2)
  for (k in seq_along(level)) {
    label <- format(level[k])
    if (is.null(lower)) {
      inside <- winkler <- rep(NA_real_, length(e))
    } else {
      lo <- lower[, k]
      hi <- upper[, k]
      alpha <- 1 - level[k] / 100
      inside <- 100 * (y >= lo & y <= hi)
      winkler <- (hi - lo) + (2 / alpha) * (pmax(lo - y, 0) + pmax(y - hi, 0))
    }
    terms[[paste0("Coverage_", label)]] <- inside
    terms[[paste0("Winkler_", label)]] <- winkler
  }
  terms
}

# From the means of the terms (a matrix, one row per group) to the
# measures, in the reported order.
accuracy_measures <- function(means) {
  na <- rep(NA_real_, nrow(means))
  out <- cbind(ME = means[, "ME"], RMSE = sqrt(means[, "MSE"]), MAE = means[, "MAE"],
               MPE = means[, "MPE"], MAPE = means[, "MAPE"], sMAPE = means[, "sMAPE"],
               MASE = means[, "MASE"], RMSSE = sqrt(means[, "MSSE"]), ACF1 = na, PIS = na,
               means[, grepl("^(Coverage|Winkler)_", colnames(means)), drop = FALSE])
  out[is.nan(out)] <- NA_real_
  out
}

# acf(e, lag.max = 2, na.action = na.pass)$acf[2]: pairs with a missing
# value are skipped, lag sums are divided by their pair count plus the lag.
error_acf1 <- function(e) {
  if (length(e) < 2L) return(NA_real_)
  n0 <- sum(!is.na(e))
  e <- e - sum(e, na.rm = TRUE) / n0  # colMeans(), as acf() demeans
  lagged <- e[-1L] * e[-length(e)]
  n1 <- sum(!is.na(lagged))
  if (n0 == 0L || n1 == 0L) return(NA_real_)
  r <- (sum(lagged, na.rm = TRUE) / (n1 + 1)) / (sum(e^2, na.rm = TRUE) / n0)
  min(max(r, -1), 1)
}

# ---- batch forecast tables ---------------------------------------------------

#' @rdname accuracy.lagrs
#' @export
#' @method accuracy lagrs_batch_forecast
accuracy.lagrs_batch_forecast <- function(object, data, batch = NULL, by = c("id", "model"),
                                          value = "value", ...) {
  fc <- unclass(object)
  by <- check_accuracy_by(by, names(fc))
  actual <- match_actuals(fc, data, value)
  scales <- batch_scales(batch, fc$id)
  path <- intersect(c("model", "id"), names(fc))
  accuracy_table(fc, actual, scales$mae, scales$rmse, by, path)
}

check_accuracy_by <- function(by, columns, choices = c("id", "model", "step")) {
  if (!is.character(by) || anyNA(by) || !all(by %in% choices) || anyDuplicated(by)) {
    stop("`by` must name distinct columns among ",
         paste0("\"", choices, "\"", collapse = ", "), ", not ",
         describe_value(by), ".", call. = FALSE)
  }
  columns[columns %in% by]  # in the table's order
}

# The actual value of each forecast row (NA where `data` has none).
match_actuals <- function(fc, data, value) {
  if (!is.data.frame(data)) {
    stop("`data` must be a data frame of actuals (columns id, step or time, and `value`), ",
         "not ", describe_value(data), ".", call. = FALSE)
  }
  if (!is.character(value) || length(value) != 1L || is.na(value)) {
    stop("`value` must be a single column name, not ", describe_value(value), ".",
         call. = FALSE)
  }
  needed <- c("id", value)
  if (!all(needed %in% names(data))) {
    stop("`data` must have the columns \"id\" and \"", value, "\" (the actuals); it has ",
         paste0("\"", names(data), "\"", collapse = ", "), ".", call. = FALSE)
  }
  at <- if ("step" %in% names(data)) "step" else if ("time" %in% names(data)) "time"
  if (is.null(at) || is.null(fc[[at]])) {
    stop("`data` must have a column \"step\" or, for forecasts of ts series, \"time\".",
         call. = FALSE)
  }
  actuals <- data[[value]]
  if (!is_numeric_series(actuals)) {
    stop("`data` column \"", value, "\" must be numeric, not ", describe_value(actuals), ".",
         call. = FALSE)
  }
  # times are compared rounded: the table computes them as end + step / frequency
  point <- function(v) if (at == "time") round(v, 8L) else v
  data_key <- paste(data$id, point(data[[at]]), sep = "\r")
  if (anyDuplicated(data_key)) {
    k <- anyDuplicated(data_key)
    stop("`data` has more than one actual for id \"", data$id[k], "\" at ", at, " ",
         format(data[[at]][k]), ".", call. = FALSE)
  }
  as.double(actuals)[match(paste(fc$id, point(fc[[at]]), sep = "\r"), data_key)]
}

# ---- cross-validation tables -------------------------------------------------

#' @rdname accuracy.lagrs
#' @export
#' @method accuracy lagrs_cv
accuracy.lagrs_cv <- function(object, batch = NULL, by = c("id", "model"), ...) {
  cv_accuracy(object, if (is.null(batch)) NULL else batch_collection(batch), by)
}

# accuracy() of a cross-validation given its series' collection (NULL: no
# MASE, RMSSE).
cv_accuracy <- function(object, collection, by) {
  cv <- unclass(object)
  by <- check_accuracy_by(by, names(cv), c("id", "model", "step", "cutoff"))
  scales <- if (is.null(collection)) list(mae = NA_real_, rmse = NA_real_) else
    cv_window_scales(cv, collection)
  path <- intersect(c("model", "id", "cutoff"), names(cv))
  accuracy_table(cv, cv$actual, scales$mae, scales$rmse, by, path)
}

# The collection a batch, a list of batches or a cross-validation's series
# came from.
batch_collection <- function(batch) {
  collection <- if (inherits(batch, "lagrs_batches")) batch$series else
    if (inherits(batch, "lagrs_batch")) unclass(batch)$series
  if (is.null(collection)) {
    stop("`batch` must be a lagrs_batch or lagrs_batches of the same series, not ",
         describe_value(batch), ".", call. = FALSE)
  }
  collection
}

# Each cross-validation row's MASE and RMSSE scales: the in-sample
# seasonal-naive errors of its own training window, from per-series running
# sums of the seasonal differences (expanding windows start at the series'
# first value; the table keeps no sliding start, so these scales assume
# expanding windows).
cv_window_scales <- function(cv, collection) {
  row <- match(cv$id, collection$ids)
  if (anyNA(row)) {
    stop("`batch` has no series \"", cv$id[is.na(row)][1L], "\" of the cross-validation.",
         call. = FALSE)
  }
  lens <- lengths(collection$values)
  m <- round(collection_frequency(collection))
  tsp <- collection$tsp
  cutoff <- if (all(!vapply(tsp, is.null, TRUE))) {
    starts_freqs <- matrix(unlist(tsp, use.names = FALSE), nrow = 3L)
    round((cv$cutoff - starts_freqs[1L, row]) * starts_freqs[3L, row]) + 1
  } else cv$cutoff
  y <- unlist(collection$values, use.names = FALSE)
  series <- rep.int(seq_along(lens), lens)
  position <- sequence(lens)
  d <- rep(NA_real_, length(y))
  at <- which(position > m[series])
  d[at] <- y[at] - y[at - m[series[at]]]
  running <- function(v) {
    v[is.na(v)] <- 0
    stats::ave(v, series, FUN = cumsum)
  }
  counts <- running(!is.na(d))
  offsets <- cumsum(c(0, lens))[row]
  n_used <- counts[offsets + cutoff]
  list(mae = running(abs(d))[offsets + cutoff] / n_used,
       rmse = sqrt(running(d^2)[offsets + cutoff] / n_used))
}

# Each forecast row's MASE and RMSSE scales, from its training series.
batch_scales <- function(batch, ids) {
  if (is.null(batch)) return(list(mae = NA_real_, rmse = NA_real_))
  collection <- if (inherits(batch, "lagrs_batches")) batch$series else
    if (inherits(batch, "lagrs_batch")) unclass(batch)$series
  if (is.null(collection)) {
    stop("`batch` must be the lagrs_batch or lagrs_batches that made the forecasts, not ",
         describe_value(batch), ".", call. = FALSE)
  }
  row <- match(ids, collection$ids)
  if (anyNA(row)) {
    stop("`batch` has no series \"", ids[is.na(row)][1L], "\" of the forecasts.",
         call. = FALSE)
  }
  scales <- collection_naive_scales(collection)
  list(mae = scales$mae[row], rmse = scales$rmse[row])
}

# naive_scale() of every series at once: the seasonal differences of the
# concatenated values, summed per series by rowsum().
collection_naive_scales <- function(collection) {
  lens <- lengths(collection$values)
  m <- round(collection_frequency(collection))
  y <- unlist(collection$values, use.names = FALSE)
  series <- rep.int(seq_along(lens), lens)
  at <- which(sequence(lens) > m[series])
  d <- y[at] - y[at - m[series[at]]]
  means <- group_means(cbind(abs = abs(d), sq = d^2), series[at], length(lens))
  list(mae = means[, "abs"], rmse = sqrt(means[, "sq"]))
}

# Column means of `terms` per group code 1..n_groups, skipping NA (NaN for
# an empty group).
group_means <- function(terms, group, n_groups) {
  sums <- counts <- matrix(0, n_groups, ncol(terms), dimnames = list(NULL, colnames(terms)))
  if (length(group)) {
    present <- sort(unique(group))
    sums[present, ] <- rowsum(terms, group, na.rm = TRUE)
    counts[present, ] <- rowsum(1 * !is.na(terms), group)
  }
  sums / counts
}

# The measures of each group of forecast rows; `path` names the columns
# that identify one forecast path (a series under a model).
accuracy_table <- function(fc, actual, scale_mae, scale_rmse, by, path) {
  keep <- !is.na(actual)
  if (!any(keep)) {
    stop("`data` has no actual value for any forecast (rows are matched on id and step, ",
         "or time).", call. = FALSE)
  }
  # codes in order of first appearance in the table, then rows path by path
  kept <- which(keep)
  path_code <- key_codes(fc[path], kept)
  group <- key_codes(fc[by], kept)
  ord <- order(path_code, fc$step[kept], method = "radix")
  rows <- kept[ord]
  path_code <- path_code[ord]
  group <- group[ord]
  pick <- function(v) if (length(v) == 1L) v else v[rows]
  n_groups <- max(0L, group)
  level <- interval_levels(names(fc))
  bounds <- function(side) {
    do.call(cbind, lapply(fc[paste0(side, "_", level)], function(v) v[rows]))
  }
  y <- actual[rows]
  f <- fc$mean[rows]
  terms <- accuracy_terms(y, f, bounds("lo"), bounds("hi"), as.numeric(level),
                          pick(scale_mae), pick(scale_rmse))
  out <- accuracy_measures(group_means(do.call(cbind, terms), group, n_groups))
  out[, "ACF1"] <- grouped_acf1(y - f, group, path_code, fc$step[rows], n_groups)
  out[, "PIS"] <- grouped_pis(f - y, group, path_code, n_groups)
  first <- rows[!duplicated(group)]
  labels <- as.data.frame(lapply(fc[by], function(v) v[first]), stringsAsFactors = FALSE)
  if (!length(by)) labels <- data.frame(row.names = seq_len(n_groups))
  labels$n <- tabulate(group, n_groups)
  cbind(labels, as.data.frame(out))
}

# The levels of a table's lo_<level>/hi_<level> columns, as written there.
interval_levels <- function(columns) {
  lo <- sub("^lo_", "", grep("^lo_", columns, value = TRUE))
  lo[paste0("hi_", lo) %in% columns]
}

# Integer codes 1, 2, ... of the distinct rows of `columns` at `rows`, in
# order of first appearance (all 1 without columns).
key_codes <- function(columns, rows) {
  if (!length(columns)) return(rep(1L, length(rows)))
  key <- do.call(paste, c(unname(lapply(columns, function(v) v[rows])), sep = "\r"))
  match(key, unique(key))
}

# Distinct forecast paths per group among the rows where `ok`.
paths_per_group <- function(group, path_code, ok, n_groups) {
  first <- ok & !duplicated(cbind(group, path_code))
  tabulate(group[first], n_groups)
}

# error_acf1() per group: lag-1 pairs are neighbouring steps of one path in
# one group; with P paths, the lag sum is divided by its pair count + P (the
# acf() rule for P = 1, pooled over paths otherwise).
grouped_acf1 <- function(e, group, path_code, step, n_groups) {
  n <- length(e)
  centred <- e - group_means(cbind(e = e), group, n_groups)[group, "e"]
  lag0 <- group_means(cbind(sq = centred^2), group, n_groups)[, "sq"]
  pair <- which(path_code[-1L] == path_code[-n] & group[-1L] == group[-n] &
                  step[-1L] == step[-n] + 1L)
  products <- centred[pair] * centred[pair + 1L]
  ok <- !is.na(products)
  sum1 <- numeric(n_groups)
  pairs <- tabulate(group[pair][ok], n_groups)
  if (any(ok)) {
    s <- rowsum(products[ok], group[pair][ok])
    sum1[as.integer(rownames(s))] <- s[, 1L]
  }
  r <- (sum1 / (pairs + paths_per_group(group, path_code, !is.na(e), n_groups))) / lag0
  r[pairs == 0L | tabulate(group[!is.na(e)], n_groups) < 2L] <- NA_real_
  pmin(pmax(r, -1), 1)
}

# Periods in stock per group: each path's sum over its horizon of the
# cumulative over-forecast, i.e. sum_j (rows of the path from j on) * over_j,
# averaged over the paths of the group.
grouped_pis <- function(over, group, path_code, n_groups) {
  ok <- !is.na(over)
  from_end <- ave_count_from_end(path_code, ok)
  contribution <- ifelse(ok, from_end * over, 0)
  total <- numeric(n_groups)
  s <- rowsum(contribution, group)
  total[as.integer(rownames(s))] <- s[, 1L]
  out <- total / paths_per_group(group, path_code, ok, n_groups)
  out[is.nan(out)] <- NA_real_
  out
}

# For rows sorted by path: how many rows where `ok` the path has from this
# row to its end.
ave_count_from_end <- function(path_code, ok) {
  counts <- cumsum(rev(ok))
  path_rev <- rev(path_code)
  starts <- !duplicated(path_rev)
  offset <- (counts - ok[rev(seq_along(ok))])[starts][cumsum(starts)]
  rev(counts - offset)
}
