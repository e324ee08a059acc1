#' Rolling-window statistics
#'
#' Sum, mean, variance, standard deviation, minimum, maximum, median and
#' quantile of every window of `width` consecutive observations, for one
#' series or many at once. The work runs in C, in parallel across series and
#' within long series (see [lagrs_threads()]), and the result is identical
#' for any number of threads.
#'
#' @section Windows and alignment:
#' Each output has one window of `width` observations. With `align =
#' "right"` (the default) output `i` summarises `x[(i - width + 1):i]`, with
#' `"left"` it summarises `x[i:(i + width - 1)]`, and with `"center"` it
#' summarises `x[(i - b):(i + width - 1 - b)]` where `b = (width - 1) %/% 2`.
#' For an even width the centred window therefore holds one more observation
#' after `i` than before it, as in `zoo::rollapply()` and
#' `data.table::frollmean()`.
#'
#' Near the ends of the series a window is clipped to the observations that
#' exist. A window gives `fill` when it counts fewer than `min_obs`
#' observations; with the default `min_obs = width`, only complete windows
#' give a statistic. A smaller `min_obs` gives partial windows at the edges
#' (`min_obs = 1` is `zoo::rollapply(partial = TRUE)`).
#'
#' @section Expanding windows:
#' `width = "expanding"` summarises all observations so far (`align =
#' "right"`: output `i` summarises `x[1:i]`, as [cumsum()] and pandas'
#' `expanding()` do) or from here on (`"left"`); `min_obs` then defaults to
#' 1. It is the window of the longest series' width, so every rule below
#' holds for it.
#'
#' @section Long tables:
#' Given `id`, `time` or `value`, `x` is a long data frame: the statistics
#' run within each series, in time order, and come back aligned to the rows
#' of `x`, which need not be sorted and are never reordered (one radix
#' order of the rows, no copy of the series). Several widths give a data
#' frame, computed in one parallel pass over the series; [features()] adds
#' lags and exponentially weighted means to the same pass.
#'
#' Gaps in time: with `by = "rows"` (the default) a window of width 7 holds
#' the last 7 observations, however much time they span, as
#' `data.table::frollmean()` within `by =` groups and pandas'
#' `groupby().rolling(7)` do. It is the default because it is what those
#' tools (and models trained on them) mean by a window, it gives every
#' window the same number of observations, and it is the fast path. With
#' `by = "time"`, a window covers time instead: output `i` summarises the
#' observations at times in `(t[i] - width, t[i]]` (right alignment) or
#' `[t[i], t[i] + width)` (left), with `width` in units of the time column
#' (days for a Date, seconds for a date-time), as
#' `slider::slide_index_dbl(.before = width - 1)` does for whole-number
#' times; a missing month then leaves the windows that cover it with fewer
#' observations. Over time `min_obs` defaults to 1 (any observation in the
#' window), as slider computes partial windows; centred windows are not
#' available, and each window costs O(its length).
#'
#' @section Missing and infinite values:
#' * With `na_rm = FALSE`, a window that holds an `NA` or a `NaN` gives
#'   `NA` (always `NA_real_`, whichever of the two it holds), unless it is
#'   already `fill` because it counts fewer than `min_obs` observations.
#' * With `na_rm = TRUE`, `NA` and `NaN` are skipped and `min_obs` counts
#'   only the values present.
#' * `Inf` and `-Inf` are values: the sum and mean of a window holding `Inf`
#'   are `Inf`, holding `-Inf` are `-Inf`, holding both are `NaN`, as with
#'   [sum()] and [mean()]. The variance and standard deviation of a window
#'   holding an infinite value are `NaN`, as with [var()]. Minimum, maximum,
#'   median and quantile order infinite values as usual, and a quantile that
#'   interpolates between `-Inf` and `Inf` is `NaN`, as with [quantile()].
#' * A variance or standard deviation needs two values: a window with one
#'   value (possible with `min_obs = 1`) gives `NA`, as `var()` does.
#' * Non-finite values never enter the running sums; they are counted
#'   separately, so the windows after an `Inf` or `NaN` has left are
#'   unaffected by it.
#'
#' @section Accuracy:
#' Sums are kept with compensated (error-free) additions, recomputed from
#' the window at the start of each chunk of the series and whenever the
#' magnitude of the window falls far below what it has been (small values
#' after huge ones), so rounding errors do not drift along the series.
#' Variances are running sums of squared deviations from a shift near the
#' window's mean, recomputed by two passes when the mean drifts from the
#' shift. In tests on adversarial data (a level of 1e9 plus noise,
#' magnitudes from 1e-8 to 1e8 mixed, small values after huge ones, trends):
#' * means agree with [mean()] of the window to within about 1e-15 of the
#'   window's largest magnitude, and sums with [sum()] to within the
#'   rounding of the sum itself. On a level of 1e9 plus noise, every window
#'   sum is the correctly rounded exact sum (checked against an exact
#'   integer reference), which `sum()`, accumulating in long double, is not
#'   always: at width 10,000 it is an ulp off in a few windows in a
#'   thousand;
#' * variances agree with [var()] to within about 1e-15 of the window's
#'   largest squared deviation. Like `var()`, they measure deviations from
#'   the mean rounded to a double, which matters when the spread is tiny
#'   against the level;
#' * a window whose values are all equal gives exactly that value as its
#'   mean, median and quantiles and exactly 0 as its variance, and a window
#'   of zeros sums to exactly 0;
#' * minima, maxima, medians and quantiles are exactly those of [min()],
#'   [max()], [median()] and [quantile()] with `type = 7`, including their
#'   interpolation arithmetic.
#'
#' Results never depend on the number of threads. They can depend, in the
#' last bits, on where the window sits in the series, because running sums
#' restart at chunk starts.
#'
#' Finite values whose window sum overflows a double are summed again in
#' long double, as `sum()` does; squared deviations beyond the double range
#' (values near 1e154 and above) give `Inf` variances.
#'
#' @section Speed:
#' Sum, mean, variance and standard deviation take O(n) time whatever the
#' width. Minimum and maximum take O(n) whatever the data, monotone or not
#' (the van Herk / Gil-Werman block prefix and suffix maxima: three
#' comparisons per observation). Median and quantile take O(n log(width))
#' by Suomela's (2014) sorted blocks: the series is cut into blocks of
#' `width`, each block is sorted once (a radix or merge sort), and as the
#' window slides, each value leaving or entering is unlinked from or linked
#' back into its block's sorted list, while a pointer into each of the two
#' lists a window spans moves a step or two to the order statistics the
#' quantile needs.
#' Outputs whose window cannot hold `min_obs` observations (the first
#' `width - 1` of a right-aligned window with the default `min_obs`) are
#' `fill` whatever the data and are written directly. The other outputs of
#' a long series are cut into chunks whose length depends only on the
#' series' length, `width`, `align` and `min_obs` (equal chunks, as many as
#' a power of two or a multiple of 8, so that threads get equal shares), and
#' chunks and series are shared among threads. Where the processor has AVX,
#' the sums and means of four chunks run side by side in one vector, four
#' steps at a time, with exactly the arithmetic of one chunk alone. Double
#' input is read in place (integer input is converted to double first);
#' besides the result, each thread uses a workspace of O(width) (min, max:
#' O(chunk length)).
#'
#' @param x A numeric (double or integer) vector or `ts`; a matrix, each
#'   column a series; or a data frame or list, each element a numeric vector
#'   (lengths may differ).
#' @param width Window size: a single positive whole number, or
#'   `"expanding"` for all observations so far (see "Expanding windows").
#'   For a long data frame, several widths (`c(7, 28)`, or a list such as
#'   `list(7, "expanding")`) give one column each; with `by = "time"`, widths
#'   are spans of time (see "Long tables").
#' @param align Where the output sits in its window: `"right"` (at the
#'   window's last observation), `"center"` or `"left"` (at its first).
#' @param fill The value given where a window counts fewer than `min_obs`
#'   observations: a single number or `NA`.
#' @param min_obs The fewest observations a window needs: a whole number
#'   between 1 and `width`. The default is `width`, except for expanding
#'   windows and windows over time, where it is 1.
#' @param na_rm If `TRUE`, skip `NA` and `NaN`.
#' @param prob For `rolling_quantile()`, the probability: a single number in
#'   \[0, 1\].
#' @param id,time,value Column names of a long data frame `x` (one row per
#'   observation, as [arima_batch()] reads it): the series' id (none: all
#'   rows are one series), its time (default: the one Date or date-time
#'   column besides `id` and `value`, if there is one) and values (default
#'   `"value"`). Giving any of them makes `x` a long data frame.
#' @param by For a long data frame: `"rows"` (windows count observations)
#'   or `"time"` (windows span time); see "Long tables".
#' @return A double vector, matrix, data frame or list with the shape of `x`
#'   and its attributes (names, dimnames, `ts` attributes, class). For a long
#'   data frame, one value per row of `x` (one width) or a data frame with a
#'   column per width, named `mean_7`, `mean_28`, `mean_expanding`, ....
#' @seealso [stats::filter()], [stats::runmed()]; `zoo::rollapply()`,
#'   `data.table::frollmean()` and `RcppRoll::roll_mean()` in other packages.
#' @export
#' @examples
#' x <- c(4, 8, 15, 16, 23, 42)
#' rolling_mean(x, 3)
#' rolling_mean(x, 3, align = "center")
#' rolling_mean(x, 3, min_obs = 1)
#' rolling_sd(x, 4)
#' rolling_median(c(1, NA, 3, 10, 5), 3, na_rm = TRUE)
#' rolling_quantile(x, 4, prob = 0.9)
#' rolling_max(ts(x, start = 2000), 2)
#' rolling_sum(data.frame(a = 1:5, b = c(2, 4, 6, 8, 10)), 2)
#' rolling_max(x, "expanding")
#' sales <- data.frame(sku = c("a", "b", "a", "b", "a", "a"),
#'                     day = as.Date("2024-01-01") + c(1, 0, 0, 1, 2, 4),
#'                     units = c(20, 5, 10, 6, 30, 40))
#' rolling_mean(sales, c(2, 3), id = "sku", value = "units")
#' rolling_sum(sales, 3, id = "sku", value = "units", by = "time")
rolling_mean <- function(x, width, align = c("right", "center", "left"),
                         fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                         time = NULL, value = NULL, by = c("rows", "time")) {
  rolling_apply("mean", x, width, align, fill, min_obs, na_rm,
                default_min_obs = missing(min_obs), id = id, time = time, value = value,
                by = by)
}

#' @rdname rolling_mean
#' @export
rolling_sum <- function(x, width, align = c("right", "center", "left"),
                        fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                        time = NULL, value = NULL, by = c("rows", "time")) {
  rolling_apply("sum", x, width, align, fill, min_obs, na_rm,
                default_min_obs = missing(min_obs), id = id, time = time, value = value,
                by = by)
}

#' @rdname rolling_mean
#' @export
rolling_var <- function(x, width, align = c("right", "center", "left"),
                        fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                        time = NULL, value = NULL, by = c("rows", "time")) {
  rolling_apply("var", x, width, align, fill, min_obs, na_rm,
                default_min_obs = missing(min_obs), id = id, time = time, value = value,
                by = by)
}

#' @rdname rolling_mean
#' @export
rolling_sd <- function(x, width, align = c("right", "center", "left"),
                       fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                       time = NULL, value = NULL, by = c("rows", "time")) {
  rolling_apply("sd", x, width, align, fill, min_obs, na_rm,
                default_min_obs = missing(min_obs), id = id, time = time, value = value,
                by = by)
}

#' @rdname rolling_mean
#' @export
rolling_min <- function(x, width, align = c("right", "center", "left"),
                        fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                        time = NULL, value = NULL, by = c("rows", "time")) {
  rolling_apply("min", x, width, align, fill, min_obs, na_rm,
                default_min_obs = missing(min_obs), id = id, time = time, value = value,
                by = by)
}

#' @rdname rolling_mean
#' @export
rolling_max <- function(x, width, align = c("right", "center", "left"),
                        fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                        time = NULL, value = NULL, by = c("rows", "time")) {
  rolling_apply("max", x, width, align, fill, min_obs, na_rm,
                default_min_obs = missing(min_obs), id = id, time = time, value = value,
                by = by)
}

#' @rdname rolling_mean
#' @export
rolling_median <- function(x, width, align = c("right", "center", "left"),
                           fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                           time = NULL, value = NULL, by = c("rows", "time")) {
  rolling_apply("median", x, width, align, fill, min_obs, na_rm,
                default_min_obs = missing(min_obs), id = id, time = time, value = value,
                by = by)
}

#' @rdname rolling_mean
#' @export
rolling_quantile <- function(x, width, prob, align = c("right", "center", "left"),
                             fill = NA, min_obs = width, na_rm = FALSE, id = NULL,
                             time = NULL, value = NULL, by = c("rows", "time")) {
  if (missing(prob)) {
    stop("`prob` must be given: a single number between 0 and 1.", call. = FALSE)
  }
  if (!is.numeric(prob) || is.object(prob) || length(prob) != 1L ||
      is.na(prob) || prob < 0 || prob > 1) {
    stop("`prob` must be a single number between 0 and 1, not ",
         describe_value(prob), ".", call. = FALSE)
  }
  rolling_apply("quantile", x, width, align, fill, min_obs, na_rm, prob,
                default_min_obs = missing(min_obs), id = id, time = time, value = value, by = by)
}

# The one front end of the family: checks every argument, then hands the
# series to the C entry point, which keeps x's shape and attributes. A long
# data frame (id, time or value given) and several widths go to the
# features engine (R/features.R), one column per width. With
# `default_min_obs`, min_obs is the default (see roll_spec()).
rolling_apply <- function(stat, x, width, align, fill, min_obs, na_rm,
                          prob = NA_real_, default_min_obs = FALSE, id = NULL,
                          time = NULL, value = NULL, by = "rows") {
  if (default_min_obs) min_obs <- NULL
  by <- check_by(by)
  long <- !is.null(id) || !is.null(time) || !is.null(value)
  # series take one width (or "expanding"); a long data frame several
  expanding <- identical(width, "expanding")
  width <- if (long) check_widths(width, by) else if (expanding) Inf else check_count(width, "width")
  align <- check_align(align)
  check_fill(fill)
  if (!default_min_obs) min_obs <- check_min_obs(min_obs, if (by == "time") Inf else max(width))
  check_flag(na_rm, "na_rm")
  if (align == "center" && (by == "time" || any(is.infinite(width)))) {
    stop("`align = \"center\"` needs a finite `width` over rows; use \"right\" or \"left\".",
         call. = FALSE)
  }
  if (long) {
    spec <- roll_spec(stat, width, align, min_obs, na_rm, fill, prob, by)
    return(compute_features(x, spec, id, time, value, by))
  }
  if (by == "time") {
    stop("`by = \"time\"` needs a long data frame `x` with a time column.", call. = FALSE)
  }
  shape <- check_series(x)
  if (is.infinite(width)) {
    # all observations so far: a window as long as the longest series
    width <- as.integer(max(shape$longest, 1))
    if (is.null(min_obs)) min_obs <- 1L
  }
  if (is.null(min_obs)) min_obs <- width
  min_obs <- check_min_obs(min_obs, width)

  if (min_obs == width && shape$longest > 0 && width > shape$longest) {
    stop("`width` (", width, ") is longer than ",
         if (shape$n_series > 1L) "the longest series in `x`" else "`x`",
         " (", shape$longest, " observations), so every window would be ",
         "incomplete. Use a smaller `width`, or set `min_obs` to accept ",
         "partial windows.", call. = FALSE)
  }
  # C owns the statistic codes and the alignment rule (src/rolling.h)
  .Call(C_lagrs_rolling_call, x, shape$n_rows, shape$n_cols,
        lagrs_codes("rolling_stat")[[stat]], width,
        lagrs_codes("rolling_align")[[align]], min_obs, na_rm,
        as.double(fill), as.double(prob))
}

check_align <- function(align) {
  choices <- c("right", "center", "left")
  if (identical(align, choices)) return("right")
  if (!is.character(align) || length(align) != 1L || is.na(align) ||
      !align %in% choices) {
    stop("`align` must be one of \"right\", \"center\" or \"left\", not ",
         describe_value(align), ".", call. = FALSE)
  }
  align
}

check_fill <- function(fill) {
  ok <- length(fill) == 1L && !is.object(fill) &&
    (is.numeric(fill) || (is.logical(fill) && is.na(fill)))
  if (!ok) {
    stop("`fill` must be a single number or NA, not ", describe_value(fill),
         ".", call. = FALSE)
  }
  invisible(fill)
}

check_min_obs <- function(min_obs, width) {
  ok <- is.numeric(min_obs) && !is.object(min_obs) && length(min_obs) == 1L &&
    !is.na(min_obs) && min_obs == trunc(min_obs) && min_obs >= 1 &&
    min_obs <= width
  if (!ok) {
    stop("`min_obs` must be a single whole number between 1 and `width` (",
         width, "), not ", describe_value(min_obs), ".", call. = FALSE)
  }
  as.integer(min_obs)
}

# Describes the series in x: how many, how long, and how the C side should
# walk them. Anything that is not numeric is refused, naming the culprit.
check_series <- function(x) {
  if (is.list(x)) {
    what <- if (is.data.frame(x)) "column" else "element"
    for (i in seq_along(x)) {
      el <- x[[i]]
      if (!is_plain_numeric(el)) {
        nm <- names(x)[i]
        label <- if (!is.null(nm) && !is.na(nm) && nzchar(nm)) {
          paste0("`x$", nm, "`")
        } else {
          paste0("`x[[", i, "]]`")
        }
        stop("Each ", what, " of `x` must be a numeric vector, but ", label,
             " is ", describe_object(el), ".", call. = FALSE)
      }
    }
    lens <- lengths(x)
    return(list(n_rows = NA_real_, n_cols = NA_real_, n_series = length(x),
                longest = if (length(lens)) max(lens) else 0))
  }
  if (!is_plain_numeric(x)) {
    stop("`x` must be a numeric vector, matrix, data frame or list of ",
         "numeric vectors, not ", describe_object(x), ".", call. = FALSE)
  }
  d <- dim(x)
  if (length(d) > 2L) {
    stop("`x` must be a numeric vector or matrix, not an array with ",
         length(d), " dimensions.", call. = FALSE)
  }
  if (length(d) == 2L) {
    return(list(n_rows = as.double(d[1L]), n_cols = as.double(d[2L]),
                n_series = d[2L], longest = d[1L]))
  }
  list(n_rows = as.double(length(x)), n_cols = 1, n_series = 1L,
       longest = length(x))
}

is_plain_numeric <- function(x) {
  is.atomic(x) && (is.double(x) || is.integer(x)) && !is.factor(x) &&
    is.numeric(x)
}

describe_object <- function(x) {
  if (is.factor(x)) return("a factor")
  if (is.object(x) && !is.list(x)) {
    return(paste0("an object of class <", paste(class(x), collapse = "/"), ">"))
  }
  if (is.null(x)) return("NULL")
  if (is.data.frame(x)) return("a data frame")
  if (is.list(x)) return("a list")
  paste0("a ", typeof(x), " ", if (is.null(dim(x))) "vector" else "matrix")
}
