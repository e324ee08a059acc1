# Features for machine-learning forecasters: lags, exponentially weighted
# means, and the long-table form of the rolling family. Every verb builds a
# feature spec (one row per output column) and hands it to one C call
# (src/featuresR.c), which computes all columns in one parallel pass over
# the series.

#' Lagged and led values
#'
#' Shifts a series by `k` observations: output `i` is `x[i - k]`, so
#' positive `k` lags and negative `k` leads, as `data.table::shift()` with
#' `type = "lag"` does. Several `k` give a data frame with one column per
#' shift, named `lag_1`, `lag_2`, ... (`lead_1`, ... for negative `k`;
#' `lag_0` is the series itself).
#'
#' @section Long tables:
#' Given `id`, `time` or `value`, `x` is a long data frame with one row per
#' observation (as [arima_batch()] reads it): values are shifted within each
#' series, in time order, and returned aligned to the rows of `x`, which
#' need not be sorted and are never reordered. The time column is inferred
#' as [arima_batch()] does (the one Date or date-time column besides `id`
#' and `value`) when `time` is not named; without a time column, each
#' series is taken in the order of its rows.
#'
#' @section Gaps in time:
#' With `by = "rows"` (the default) a lag counts rows: `lag_1` is the
#' previous observation of the series, whatever time passed since. That is
#' what `data.table::shift()`, `dplyr::lag()` and pandas' `shift()` do, what
#' a model trained on "the last k observations" expects, and it costs
#' nothing to compute. With `by = "time"`, `k` counts units of the time
#' column (days for a Date, seconds for a date-time, the number itself for
#' numeric times): `lag_7` is the value observed exactly 7 days earlier, or
#' `fill` when the series has no observation then (a gap, or before its
#' start).
#'
#' @param x A numeric vector or `ts`, a matrix (each column a series), a data
#'   frame or list of numeric vectors; or, with `id`, `time` or `value`, a
#'   long data frame.
#' @param k Shifts: whole numbers (negative for leads), no `NA`.
#' @param fill The value for outputs with no observation to take: a single
#'   number or `NA`.
#' @param id,time,value Column names of a long data frame `x`: the series'
#'   id (none: all rows are one series), its time (default: inferred) and
#'   values (default `"value"`).
#' @param by `"rows"` (shift by observations) or `"time"` (by units of the
#'   time column); see "Gaps in time".
#' @return For one `k`, a double vector (matrix, list or data frame) with
#'   the shape and attributes of `x`, or, for a long table, one value per row
#'   of `x`. For several `k`, a data frame of one column per shift.
#' @seealso [rolling_mean()], [rolling_ewma()], [features()].
#' @export
#' @examples
#' lag_values(c(5, 7, 9, 11), 1)
#' lag_values(c(5, 7, 9, 11), c(1, -1))
#' sales <- data.frame(sku = c("a", "b", "a", "b", "a"), day = c(2, 1, 1, 2, 3),
#'                     units = c(20, 5, 10, 6, 30))
#' lag_values(sales, 1:2, id = "sku", time = "day", value = "units")
lag_values <- function(x, k = 1, fill = NA, id = NULL, time = NULL, value = NULL,
                       by = c("rows", "time")) {
  by <- check_by(by)
  k <- check_shifts(k, by)
  check_fill(fill)
  spec <- feature_spec("lag", lag = k, fill = fill,
                       name = ifelse(k < 0, paste0("lead_", -k), paste0("lag_", k)))
  compute_features(x, spec, id, time, value, by)
}

#' Exponentially weighted moving averages
#'
#' The exponentially weighted mean of each series up to each observation,
#' exactly as pandas' `Series.ewm(alpha = alpha, adjust = adjust,
#' ignore_na = ignore_na, min_periods = min_obs).mean()` computes it (the
#' same recursion, step for step).
#'
#' * `adjust = TRUE` (pandas' default): output `i` is the weighted mean of
#'   the observations so far, the observation `j` steps back weighing
#'   `(1 - alpha)^j`.
#' * `adjust = FALSE`: the recursion `y[1] = x[1]`, `y[i] = (1 - alpha) *
#'   y[i - 1] + alpha * x[i]`, as `stats::filter(alpha * x, 1 - alpha,
#'   "recursive")` started at the first value.
#'
#' @section Missing values:
#' A missing value (`NA` or `NaN`) adds no observation and its output is the
#' mean so far (`fill` before the first `min_obs` observations). With
#' `ignore_na = FALSE` (pandas' default) it still takes a step: the older
#' observations keep the weights of their positions in the series, so
#' after a gap the newest value weighs more. With `ignore_na = TRUE` the
#' missing values are skipped as if absent.
#'
#' @section Long tables and time:
#' With `id`, `time` or `value`, `x` is a long data frame and the means run
#' within each series in time order, aligned to the rows of `x` (see
#' [lag_values()]). With `by = "time"` an observation `dt` time units after
#' the previous one ages the older observations by `(1 - alpha)^dt`
#' (pandas' `times` argument), so gaps decay the past as the calendar says;
#' as in pandas, that needs `adjust = TRUE`.
#'
#' @inheritParams lag_values
#' @param alpha Smoothing factors in (0, 1]: one column per value.
#' @param half_life Instead of `alpha`: positive half-lives, in observations
#'   (or time units with `by = "time"`); `alpha = 1 - 0.5^(1 / half_life)`.
#' @param adjust See above.
#' @param ignore_na See "Missing values".
#' @param min_obs The fewest observations an output needs: a positive whole
#'   number.
#' @return As [lag_values()]: one column per `alpha` (named `ewma_<alpha>`)
#'   or `half_life` (`ewma_hl<half_life>`).
#' @export
#' @examples
#' rolling_ewma(c(1, 2, NA, 4), alpha = 0.5)
#' rolling_ewma(c(1, 2, NA, 4), alpha = 0.5, adjust = FALSE)
#' rolling_ewma(c(1, 2, 3, 4), half_life = c(1, 3))
rolling_ewma <- function(x, alpha = NULL, half_life = NULL, adjust = TRUE,
                         ignore_na = FALSE, min_obs = 1, fill = NA, id = NULL,
                         time = NULL, value = NULL, by = c("rows", "time")) {
  by <- check_by(by)
  check_flag(adjust, "adjust")
  check_flag(ignore_na, "ignore_na")
  min_obs <- check_count(min_obs, "min_obs")
  check_fill(fill)
  if (by == "time" && !adjust) {
    stop("`adjust = FALSE` cannot decay by time: use `adjust = TRUE` with `by = \"time\"`.",
         call. = FALSE)
  }
  if (is.null(alpha) == is.null(half_life)) {
    stop("Give one of `alpha` and `half_life`.", call. = FALSE)
  }
  if (!is.null(alpha)) {
    check_ewma_alpha(alpha)
    name <- paste0("ewma_", format(alpha, digits = 15, trim = TRUE))
  } else {
    check_positive(half_life, "half_life")
    name <- paste0("ewma_hl", format(half_life, digits = 15, trim = TRUE))
    alpha <- 1 - 0.5^(1 / half_life)
  }
  spec <- feature_spec("ewma", alpha = alpha, adjust = adjust, ignore_na = ignore_na,
                       min_obs = min_obs, fill = fill, name = name)
  compute_features(x, spec, id, time, value, by)
}

#' A table of features in one pass
#'
#' Lags, rolling statistics over several widths and exponentially weighted
#' means of every series of a long table, computed in one parallel pass over
#' the series and returned as one data frame aligned to the rows of `x`
#' (the shape machine-learning forecasters train on). Each argument in
#' `...` names a feature and gives its widths: `lag = 1:7` is
#' `lag_values(k = 1:7)`, `mean = c(7, 28)` is `rolling_mean(width = c(7,
#' 28))`, and likewise `sum`, `var`, `sd`, `min`, `max` and `median` (right-
#' aligned windows; `"expanding"`, or `list(7, "expanding")`, for all
#' observations so far); `ewma = 0.3` is `rolling_ewma(alpha = 0.3)`.
#' Columns come in the order given, named as the single verbs name them
#' (`lag_1`, `mean_7`, `mean_expanding`, `ewma_0.3`).
#'
#' @inheritParams lag_values
#' @param x A long data frame (or one numeric series).
#' @param ... Features: `name = widths`, names among `lag`, `sum`, `mean`,
#'   `var`, `sd`, `min`, `max`, `median` and `ewma`.
#' @param na_rm For the rolling statistics: skip `NA` (see [rolling_mean()]).
#' @return A data frame, one row per row of `x`, one column per feature.
#' @export
#' @examples
#' sales <- data.frame(sku = rep(c("a", "b"), each = 6), day = rep(1:6, 2),
#'                     units = c(3, 5, 4, 6, 8, 7, 10, 12, 11, 9, 13, 15))
#' features(sales, lag = 1:2, mean = 3, ewma = 0.5,
#'          id = "sku", time = "day", value = "units")
features <- function(x, ..., id = NULL, time = NULL, value = NULL, by = c("rows", "time"),
                     na_rm = FALSE) {
  by <- check_by(by)
  check_flag(na_rm, "na_rm")
  wanted <- list(...)
  known <- c("lag", "ewma", setdiff(names(lagrs_codes("rolling_stat")), "quantile"))
  if (!length(wanted) || is.null(names(wanted)) || any(!names(wanted) %in% known)) {
    stop("`...` must name features among ", paste0("`", known, "`", collapse = ", "),
         ", e.g. `lag = 1:7, mean = c(7, 28)`.", call. = FALSE)
  }
  specs <- Map(function(what, widths) {
    if (what == "lag") {
      k <- check_shifts(widths, by, "lag")
      return(feature_spec("lag", lag = k,
                          name = ifelse(k < 0, paste0("lead_", -k), paste0("lag_", k))))
    }
    if (what == "ewma") {
      check_ewma_alpha(widths, "ewma")
      return(feature_spec("ewma", alpha = widths,
                          name = paste0("ewma_", format(widths, digits = 15, trim = TRUE))))
    }
    roll_spec(what, check_widths(widths, by, what), "right", NULL, na_rm, NA, NA_real_, by)
  }, names(wanted), wanted)
  spec <- do.call(Map, c(list(f = c), unname(specs)))
  out <- compute_features(x, spec, id, time, value, by)
  if (is.data.frame(out)) out else new_feature_frame(stats::setNames(list(out), spec$name))
}

# ---- the spec and the one C call -----------------------------------------

# One row per output column, as parallel vectors (doubles for C).
feature_spec <- function(kind, stat = 0, width = 1, align = "right", min_obs = 1,
                         na_rm = FALSE, fill = NA, prob = NA_real_, span = 0, lag = 0,
                         alpha = NA_real_, adjust = TRUE, ignore_na = FALSE, name) {
  n <- length(name)
  column <- function(v) rep_len(as.double(v), n)
  list(kind = column(lagrs_codes("feature_kind")[[kind]]), stat = column(stat),
       width = column(width), align = column(lagrs_codes("rolling_align")[[align]]),
       min_obs = column(min_obs), na_rm = column(na_rm), fill = column(fill),
       prob = column(prob), span = column(span), lag = column(lag), alpha = column(alpha),
       adjust = column(adjust), ignore_na = column(ignore_na), name = name)
}

# The windows of one rolling statistic. Over rows, `width` counts
# observations (Inf: "expanding", all so far); over time it is the span of
# the window in time units, except Inf, which is the same window over rows. `min_obs`
# NULL is the default: the width over rows, 1 over time or when expanding.
roll_spec <- function(stat, widths, align, min_obs, na_rm, fill, prob, by) {
  over_time <- by == "time" & is.finite(widths)
  if (is.null(min_obs)) {
    min_obs <- ifelse(over_time | is.infinite(widths), 1, widths)
  } else {
    min_obs <- rep_len(min_obs, length(widths))
    too_many <- !over_time & min_obs > widths
    if (any(too_many)) {
      stop("`min_obs` must be a whole number between 1 and `width` (",
           widths[too_many][1L], "), not ", min_obs[1L], ".", call. = FALSE)
    }
  }
  feature_spec("roll", stat = lagrs_codes("rolling_stat")[[stat]],
               width = ifelse(over_time, 1, widths), align = align, min_obs = min_obs,
               na_rm = na_rm, fill = fill, prob = prob, span = ifelse(over_time, widths, 0),
               name = paste0(stat, "_", ifelse(is.infinite(widths), "expanding",
                                               format(widths, digits = 15, trim = TRUE))))
}

# Runs a spec on a long data frame (with id, time or value) or on series
# (a vector, matrix, or list of vectors: each one series).
compute_features <- function(x, spec, id, time, value, by) {
  n_features <- length(spec$name)
  if (!is.null(id) || !is.null(time) || !is.null(value)) {
    if (!is.data.frame(x)) {
      stop("`x` must be a data frame when `id`, `time` or `value` is given, not ",
           describe_object(x), ".", call. = FALSE)
    }
    if (is.null(value)) value <- "value"
    rows <- long_rows(x, id, value, time, need_times = by == "time")
    columns <- .Call(C_features_call, rows$values, rows$times, rows$order, rows$start, spec)
    names(columns) <- spec$name
    return(if (n_features == 1L) columns[[1L]] else new_feature_frame(columns))
  }
  if (by == "time") {
    stop("`by = \"time\"` needs a long data frame `x` with a time column.", call. = FALSE)
  }
  shape <- check_series(x)
  if (n_features > 1L && (is.list(x) || !is.null(dim(x)))) {
    stop("Several widths, shifts or smoothing factors need a vector or a long data frame ",
         "`x`, not ", describe_object(x), ".", call. = FALSE)
  }
  if (is.list(x)) {
    out <- lapply(x, function(el) series_features(el, spec)[[1L]])
    attributes(out) <- attributes(x)
    return(out)
  }
  columns <- series_features(x, spec)
  names(columns) <- spec$name
  if (n_features > 1L) return(new_feature_frame(columns))
  out <- columns[[1L]]
  attributes(out) <- attributes(x)
  out
}

# A vector, or a matrix of series column after column, as series laid end
# to end, each read in place.
series_features <- function(x, spec) {
  n_rows <- NROW(x)
  n_cols <- if (is.null(dim(x))) 1L else ncol(x)
  values <- if (is.double(x)) x else as.double(x)
  if (!is.null(attributes(values))) values <- as.vector(values)
  start <- as.integer(seq.int(0, by = n_rows, length.out = n_cols + 1L))
  .Call(C_features_call, values, NULL, NULL, start, spec)
}

new_feature_frame <- function(columns) {
  n <- if (length(columns)) length(columns[[1L]]) else 0L
  structure(columns, class = "data.frame", row.names = .set_row_names(n))
}

# ---- argument checks -------------------------------------------------------

check_by <- function(by) {
  choices <- c("rows", "time")
  if (identical(by, choices)) return("rows")
  if (!is.character(by) || length(by) != 1L || is.na(by) || !by %in% choices) {
    stop("`by` must be \"rows\" or \"time\", not ", describe_value(by), ".", call. = FALSE)
  }
  by
}

# Whole numbers (negative lead), no NA; over time any finite number.
check_shifts <- function(k, by, arg = "k") {
  ok <- is.numeric(k) && !is.object(k) && length(k) >= 1L && !anyNA(k) && all(is.finite(k)) &&
    all(abs(k) <= .Machine$integer.max) && (by == "time" || all(k == trunc(k)))
  if (!ok) {
    stop("`", arg, "` must be ", if (by == "time") "finite numbers" else "whole numbers",
         " (negative for leads) without NA, not ", describe_value(k), ".", call. = FALSE)
  }
  as.double(k)
}

# Positive whole numbers, or "expanding" (all observations so far), alone
# or in a list with numbers; over time, positive numbers. Gives doubles,
# Inf for "expanding".
check_widths <- function(width, by, arg = "width") {
  parts <- if (is.list(width) && !is.object(width)) width else list(width)
  one <- function(w) {
    if (is.character(w) && !anyNA(w) && all(w == "expanding")) return(rep(Inf, length(w)))
    if (!is.numeric(w) || is.object(w) || anyNA(w) || any(!is.finite(w)) || any(w <= 0)) {
      return(NULL)
    }
    if (by == "rows" && any(w != trunc(w) | w > .Machine$integer.max)) return(NULL)
    as.double(w)
  }
  widths <- lapply(parts, one)
  if (!length(parts) || any(vapply(widths, is.null, TRUE)) || !length(unlist(widths))) {
    what <- if (by == "time") "positive numbers (time units)" else "positive whole numbers"
    stop("`", arg, "` must be ", what, " or \"expanding\" (or a list of them), not ",
         describe_value(width), ".", call. = FALSE)
  }
  unlist(widths)
}

check_ewma_alpha <- function(alpha, arg = "alpha") {
  ok <- is.numeric(alpha) && !is.object(alpha) && length(alpha) >= 1L && !anyNA(alpha) &&
    all(alpha > 0 & alpha <= 1)
  if (!ok) {
    stop("`", arg, "` must be numbers in (0, 1], not ", describe_value(alpha), ".",
         call. = FALSE)
  }
  invisible(alpha)
}

check_positive <- function(x, arg) {
  ok <- is.numeric(x) && !is.object(x) && length(x) >= 1L && !anyNA(x) && all(x > 0) &&
    all(is.finite(x))
  if (!ok) {
    stop("`", arg, "` must be positive numbers, not ", describe_value(x), ".", call. = FALSE)
  }
  invisible(x)
}
