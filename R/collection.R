# A collection of series: what every batch verb reads its `series` into,
# whatever shape they came in (list, matrix, long data frame, one series).
#
# A collection is list(values = unnamed list of double vectors, ids =
# character, tsp = list of tsp triples or NULL, inferred = list(time,
# period, irregular)). Double vectors are kept as they are (the C code reads
# them in place). `inferred` says what a long data frame's dates told:
# `time`, the time column taken because none was named; `period`, the
# frequency read from the spacing of the dates (every series' tsp carries
# it; it applies when the caller gives no `period`); `irregular`, the ids of
# series whose dates depart from that spacing (gaps, or days of the month
# that change), whose ts times are then approximate. Each is NULL when there
# was nothing to infer.

series_collection <- function(series, id = "id", value = "value", time = NULL) {
  if (is.data.frame(series)) {
    return(long_collection(series, id, value, time))
  }
  if (is.matrix(series)) {
    if ((!is.numeric(series) || is.factor(series)) && !is_missing_series(series)) {
      stop("`series` must be numeric, not a ", typeof(series), " matrix.", call. = FALSE)
    }
    ids <- colnames(series)
    if (is.null(ids)) ids <- as.character(seq_len(ncol(series)))
    tsp <- if (stats::is.ts(series)) stats::tsp(series) else NULL
    values <- lapply(seq_len(ncol(series)), function(j) as.double(series[, j]))
    return(new_collection(values, ids, rep(list(tsp), ncol(series))))
  }
  if (is_numeric_series(series) && !is.list(series)) {
    tsp <- if (stats::is.ts(series)) stats::tsp(series) else NULL
    return(new_collection(list(as_double_series(series)), "1", list(tsp)))
  }
  if (!is.list(series)) {
    stop("`series` must be a list, matrix or data frame of numeric series, not ",
         describe_value(series), ".", call. = FALSE)
  }
  ids <- names(series)
  if (is.null(ids)) ids <- as.character(seq_along(series))
  ids[is.na(ids) | !nzchar(ids)] <- as.character(which(is.na(ids) | !nzchar(ids)))
  for (k in seq_along(series)) {
    element <- series[[k]]
    if (!is_numeric_series(element) || is.list(element)) {
      stop("`series` element ", k, " (\"", ids[k], "\") must be a numeric vector, not ",
           describe_value(element), ".", call. = FALSE)
    }
  }
  tsp <- lapply(series, function(s) if (stats::is.ts(s)) stats::tsp(s) else NULL)
  new_collection(lapply(series, as_double_series), ids, tsp)
}

# A numeric vector, or one that holds only NA: R makes c(NA, NA) logical, and
# such a series is read as all missing (and fails on its own in the batch).
is_numeric_series <- function(x) {
  (is.numeric(x) && !is.factor(x)) || is_missing_series(x)
}

is_missing_series <- function(x) is.logical(x) && all(is.na(x))

as_double_series <- function(x) {
  if (is.double(x) && is.null(dim(x))) return(x)
  as.double(x)
}

new_collection <- function(values, ids, tsp, inferred = NULL) {
  if (anyDuplicated(ids)) {
    dup <- ids[anyDuplicated(ids)]
    stop("`series` has the id \"", dup, "\" more than once; ids must be unique.",
         call. = FALSE)
  }
  names(values) <- NULL
  if (is.null(inferred)) inferred <- list(time = NULL, period = NULL, irregular = NULL)
  list(values = values, ids = ids, tsp = tsp, inferred = inferred)
}

# One frequency per series: `period` (a single positive number) for all of
# them when given, else each series' own (1 for a series without ts
# attributes), as forecast::auto.arima() takes each series' frequency.
collection_frequency <- function(collection, period = NULL) {
  if (!is.null(period)) {
    ok <- is.numeric(period) && !is.factor(period) && length(period) == 1L &&
      !is.na(period) && is.finite(period) && period > 0
    if (!ok) {
      stop("`period` must be a single positive number, not ", describe_value(period), ".",
           call. = FALSE)
    }
    return(rep(as.double(period), length(collection$values)))
  }
  vapply(collection$tsp, function(t) if (is.null(t)) 1 else as.double(t[[3L]]), 1,
         USE.NAMES = FALSE)
}

# ---- long data frames -----------------------------------------------------

# Reads a long data frame in a few vectorised passes: one radix order of
# (id code, time), duplicates found between sorted neighbours, one split of
# the values on the id codes, and the ts attributes of all series at once.
long_collection <- function(data, id, value, time) {
  check_column_name(id, "id", data)
  check_column_name(value, "value", data)
  inferred_time <- NULL
  if (is.null(time)) {
    time <- inferred_time <- infer_time_column(data, id, value)
  } else {
    check_column_name(time, "time", data)
  }
  values <- data[[value]]
  if (!is_numeric_series(values)) {
    stop("`value` column \"", value, "\" must be numeric, not ", describe_value(values), ".",
         call. = FALSE)
  }
  ids <- data[[id]]
  if (anyNA(ids)) {
    stop("`id` column \"", id, "\" must not contain NA.", call. = FALSE)
  }
  key <- id_codes(ids)
  values <- as.double(values)
  code <- key$code
  times <- NULL
  if (!is.null(time)) {
    times <- data[[time]]
    if (anyNA(times)) {
      stop("`time` column \"", time, "\" must not contain NA.", call. = FALSE)
    }
    if (inherits(times, "POSIXlt")) times <- as.POSIXct(times)
    rows <- order(code, times, method = "radix")
    code <- code[rows]
    values <- values[rows]
    times <- times[rows]
  }
  counts <- tabulate(code, length(key$names))
  steps <- NULL
  if (is_date_time(times)) {
    # dated rows: a time seen twice for an id is a step of 0 within a series
    steps <- time_steps(times, counts)
    repeated <- which(steps == 0)
    if (length(repeated)) stop_repeated_time(time, times, code, key$names, repeated[1L] + 1L)
  } else if (!is.null(times)) {
    check_unique_times(code, times, key$names, time)
  }
  # split() on a factor keeps each series' rows in their (now sorted) order
  # and names the pieces by the levels: the ids, in first-appearance order
  pieces <- split(values, structure(code, levels = key$names, class = "factor"))
  tsp <- rep(list(NULL), length(pieces))
  inferred <- list(time = inferred_time, period = NULL, irregular = NULL)
  dated <- if (is.null(steps)) NULL else dated_tsp(times, counts, steps)
  if (!is.null(dated)) {
    tsp <- dated$tsp
    inferred$period <- dated$frequency
    if (length(dated$irregular)) inferred$irregular <- key$names[dated$irregular]
  }
  new_collection(unname(pieces), key$names, tsp, inferred)
}

# The time column a long data frame leaves unnamed: its one Date or
# date-time column besides the id and value columns, if it has exactly one.
infer_time_column <- function(data, id, value) {
  dated <- vapply(data, is_date_time, TRUE, USE.NAMES = FALSE) &
    !names(data) %in% c(id, value)
  if (sum(dated) == 1L) names(data)[dated] else NULL
}

is_date_time <- function(x) inherits(x, c("Date", "POSIXt"))

# Integer codes of the ids in first-appearance order, and the ids as strings.
# Ids that differ but print the same (two doubles equal to 15 digits) are one
# series, as when every id was turned into a string first.
id_codes <- function(ids) {
  first <- unique(ids)
  code <- match(ids, first)
  labels <- as.character(first)
  if (anyDuplicated(labels)) {
    merged <- unique(labels)
    code <- match(labels, merged)[code]
    labels <- merged
  }
  list(code = code, names = labels)
}

# Rows sorted by (id code, time): a time seen twice for an id sits next to
# itself.
check_unique_times <- function(code, times, labels, time) {
  n <- length(code)
  if (n < 2L) return(invisible())
  comparable <- if (is.object(times) && !is.character(times)) xtfrm(times) else times
  later <- 2:n
  earlier <- seq_len(n - 1L)
  dup <- code[later] == code[earlier] & comparable[later] == comparable[earlier]
  if (any(dup)) stop_repeated_time(time, times, code, labels, which(dup)[1L] + 1L)
}

stop_repeated_time <- function(time, times, code, labels, row) {
  stop("`time` column \"", time, "\" has the time ", format(times[row]),
       " more than once for id \"", labels[code[row]], "\".", call. = FALSE)
}

# ---- ts attributes from dates ---------------------------------------------

# The ts attributes of one series observed at regularly spaced dates
# (consecutive months, quarters, years, weeks, days or hours; for calendar
# steps, the same day of each month, or each month's last): as `dated_tsp()`
# gives it within a collection, and NULL for any other spacing.
calendar_tsp <- function(times) {
  dated <- dated_tsp(times, length(times))
  if (is.null(dated) || length(dated$irregular)) return(NULL)
  dated$tsp[[1L]]
}

# The ts attributes of dated series: `times` sorted by series then time, with
# `counts` rows per series. The spacing is read from all series at once (the
# most common step between consecutive times of a series) and every series
# gets its frequency. Monthly, quarterly and yearly series start at calendar
# times (2020 + 2 / 12 for March 2020, as ts() does); weekly, daily and
# hourly ones at an index, 1 for the earliest series, so that series observed
# at the same times share time values. NULL when no spacing is recognised;
# else list(tsp, frequency, irregular = which series depart from the step).
dated_tsp <- function(times, counts, steps = time_steps(times, counts)) {
  last <- cumsum(counts)
  first <- last - counts + 1L
  spacing <- date_spacing(times, steps)
  if (is.null(spacing)) return(NULL)
  frequency <- spacing$frequency
  if (is.null(spacing$months)) {
    start_times <- as.double(unclass(times[first]))
    start <- 1 + round((start_times - min(start_times)) / spacing$step) / frequency
    off <- abs(steps - spacing$step) > spacing$tolerance
  } else {
    months <- spacing$months
    month_index <- spacing$calendar$month_index
    start <- month_index[first] %/% 12L + (month_index[first] %% 12L) %/% months / frequency
    off <- spacing$calendar$month_steps != months | changes(spacing$calendar$day)
  }
  off[last[last < length(times)]] <- FALSE  # between two series
  end <- start + (counts - 1L) / frequency
  tsp <- lapply(seq_along(counts), function(k) c(start[k], end[k], frequency))
  irregular <- unique(findInterval(which(off) + 1L, first))
  list(tsp = tsp, frequency = frequency, irregular = irregular)
}

# Steps between consecutive times, in the times' own unit (days for Dates,
# seconds for date-times), NA between the last time of a series and the
# first of the next.
time_steps <- function(times, counts) {
  steps <- lag_diff(as.double(unclass(times)))
  last <- cumsum(counts)
  steps[last[last < length(times)]] <- NA
  steps
}

# The spacing of dated series from the most common of their `steps`. Steps of
# an hour, a day or a week are exact in seconds (up to a daylight-saving hour
# for days and weeks); steps of about a month or more are counted in calendar
# months, whose lengths in days differ. Returns NULL (no inference) for any
# other step.
date_spacing <- function(times, steps) {
  if (all(is.na(steps))) return(NULL)
  unit <- if (inherits(times, "Date")) 86400 else 1
  step <- most_common(steps) * unit
  hour <- 3600
  day <- 86400
  fixed <- match(step, c(hour, day, 7 * day))
  if (!is.na(fixed)) {
    return(list(frequency = c(24, 7, 52)[fixed], step = step / unit,
                tolerance = (if (step >= day) hour else 0.5) / unit))
  }
  if (step < 28 * day - hour) return(NULL)
  calendar <- calendar_fields(times, steps)
  months <- most_common(calendar$month_steps)
  frequency <- c(12, 4, 1)[match(months, c(1L, 3L, 12L))]
  # the step in days must agree: 35-day steps are not monthly
  if (is.na(frequency) || step < months * 28 * day - hour || step > months * 31 * day + hour) {
    return(NULL)
  }
  list(frequency = frequency, months = months, calendar = calendar)
}

# Month index (12 * year + month - 1), its steps between rows (NA where
# `steps` is: between series), and the day of the month of each time, in the
# times' own time zone. Long frames repeat the same few dates, so the
# calendar is worked out once per distinct day (Dates) or time (date-times)
# and looked up.
calendar_fields <- function(times, steps) {
  if (inherits(times, "Date")) {
    coded <- whole_number_codes(floor(unclass(times)))
    lt <- as.POSIXlt(.Date(coded$values))
  } else {
    coded <- whole_number_codes(as.double(unclass(times)))
    lt <- as.POSIXlt(.POSIXct(coded$values, tz = attr(times, "tzone")))
  }
  month_index <- ((lt$year + 1900L) * 12L + lt$mon)[coded$code]
  month_steps <- lag_diff(month_index)
  month_steps[is.na(steps)] <- NA
  list(month_index = month_index, month_steps = month_steps,
       day = day_of_month(lt)[coded$code])
}

# x[i + 1] - x[i]: diff() without its negative subscripts, each of which
# costs a logical vector as long as x.
lag_diff <- function(x) {
  n <- length(x)
  if (n < 2L) return(x[0L])
  x[2:n] - x[seq_len(n - 1L)]
}

# x[i + 1] != x[i]
changes <- function(x) {
  n <- length(x)
  if (n < 2L) return(logical(0))
  x[2:n] != x[seq_len(n - 1L)]
}

# The day of the month, with every month's last day counted as the 31st, so
# that series observed at month ends are regular.
day_of_month <- function(lt) {
  year <- lt$year + 1900L
  leap <- (year %% 4L == 0L & year %% 100L != 0L) | year %% 400L == 0L
  month_days <- c(31L, 28L, 31L, 30L, 31L, 30L, 31L, 31L, 30L, 31L, 30L, 31L)[lt$mon + 1L] +
    (lt$mon == 1L & leap)
  day <- lt$mday
  day[day == month_days] <- 31L
  day
}

# The most common of numbers `x` rounded to whole ones, NA left out (the
# smallest of equally common ones).
most_common <- function(x) {
  coded <- whole_number_codes(round(x))
  coded$values[which.max(tabulate(coded$code, length(coded$values)))]
}

# Whole numbers `x` as positions in a sorted table of values (NA stays NA):
# x's range itself when it is no longer than x (no hashing: the common case
# of steps and days), else its distinct values.
whole_number_codes <- function(x) {
  low <- min(x, na.rm = TRUE)
  span <- max(x, na.rm = TRUE) - low + 1
  if (span <= length(x)) {
    return(list(code = x - (low - 1), values = low - 1 + seq_len(span)))
  }
  values <- sort(unique(x))
  list(code = match(x, values), values = values)
}

check_column_name <- function(x, arg, data) {
  if (!is.character(x) || length(x) != 1L || is.na(x)) {
    stop("`", arg, "` must be a single column name, not ", describe_value(x), ".",
         call. = FALSE)
  }
  if (!x %in% names(data)) {
    stop("`", arg, "` column \"", x, "\" is not in `series`; its columns are ",
         paste0("\"", names(data), "\"", collapse = ", "), ".", call. = FALSE)
  }
}
