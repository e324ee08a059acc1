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
  # a chunk of a collection, on a future worker (R/future.R)
  if (inherits(series, "lagrs_collection_chunk")) return(unclass(series))
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
  # one pass in C over the elements (src/collectionR.c)
  read <- .Call(C_list_collection_call, series)
  if (read$bad > 0L) {
    k <- read$bad
    stop("`series` element ", k, " (\"", ids[k], "\") must be a numeric vector, not ",
         describe_value(series[[k]]), ".", call. = FALSE)
  }
  new_collection(read$values, ids, read$tsp)
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
  .Call(C_collection_frequency_call, collection$tsp)
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
  dated <- NULL
  if (is_date_time(times)) {
    dated <- dated_tsp(times, counts)
    if (!is.null(dated$repeated)) {
      stop_repeated_time(time, times, code, key$names, dated$repeated)
    }
  } else if (!is.null(times)) {
    check_unique_times(code, times, key$names, time)
  }
  # split() on a factor keeps each series' rows in their (now sorted) order
  # and names the pieces by the levels: the ids, in first-appearance order
  pieces <- split(values, structure(code, levels = key$names, class = "factor"))
  tsp <- rep(list(NULL), length(pieces))
  inferred <- list(time = inferred_time, period = NULL, irregular = NULL)
  if (!is.null(dated)) {
    tsp <- dated$tsp
    inferred$period <- dated$frequency
    if (length(dated$irregular)) inferred$irregular <- key$names[dated$irregular]
  }
  new_collection(unname(pieces), key$names, tsp, inferred)
}

# The rows of a long data frame as series in time order, for the feature
# verbs, which answer row by row and so need no copy of the series: one
# radix order of the rows by (id, time) and one pass in C over it
# (long_runs_call(), src/collection.c) that finds where each series starts
# and any time repeated within a series. The columns are checked, and the
# time column inferred, as long_collection() does. Returns list(values
# (doubles), order (NULL when the rows need none), start (0-based offsets
# into the order, closed by the row count), times (doubles, when
# `need_times`), time (the column's name or NULL)).
long_rows <- function(data, id, value, time, need_times = FALSE, data_arg = "x") {
  if (!is.null(id)) check_column_name(id, "id", data, data_arg)
  check_column_name(value, "value", data, data_arg)
  if (is.null(time)) {
    time <- infer_time_column(data, id, value)
  } else {
    check_column_name(time, "time", data, data_arg)
  }
  if (need_times && is.null(time)) {
    stop("`by = \"time\"` needs a time column: name it with `time`.", call. = FALSE)
  }
  values <- data[[value]]
  if (!is_numeric_series(values)) {
    stop("`value` column \"", value, "\" must be numeric, not ", describe_value(values), ".",
         call. = FALSE)
  }
  ids <- if (!is.null(id)) data[[id]]
  if (!is.null(ids) && (!is.atomic(ids) || anyNA(ids))) {
    stop("`id` column \"", id, "\" must be an atomic vector without NA.", call. = FALSE)
  }
  times <- if (!is.null(time)) data[[time]]
  if (!is.null(times)) {
    if (inherits(times, "POSIXlt")) times <- as.POSIXct(times)
    ok <- (is.numeric(times) && !is.factor(times)) || is_date_time(times) ||
      (is.character(times) && !need_times)
    if (!ok || anyNA(times)) {
      stop("`time` column \"", time, "\" must be ",
           if (need_times) "numeric, Date or POSIXct" else "numeric, Date, POSIXct or character",
           " without NA, not ", if (ok) "one with NA" else describe_value(times), ".",
           call. = FALSE)
    }
  }
  time_key <- order_key(times)
  keys <- Filter(Negate(is.null), list(order_key(ids), time_key))
  rows <- if (length(keys)) do.call(order, c(keys, list(method = "radix")))
  # the C code reads the columns in place, whatever their class
  runs <- .Call(C_long_runs_call, ids, times, rows)
  if (!is.na(runs$repeated)) {
    row <- rows[runs$repeated]
    label <- if (is.null(ids)) "(the only series)" else as.character(ids[row])
    stop_repeated_time(time, times[row], 1L, label, 1L)
  }
  list(values = if (is.double(values)) values else as.double(values), order = rows,
       start = runs$start,
       times = if (need_times) as.double(time_key),
       time = time)
}

# A key for order(): dates by their numbers (order() would call xtfrm() on
# them, one copy either way); plain vectors and factors as they are.
order_key <- function(x) {
  if (is.object(x) && !is.factor(x)) unclass(x) else x
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
# itself. The scan is the one the feature verbs use (long_runs_call()).
check_unique_times <- function(code, times, labels, time) {
  if (length(code) < 2L) return(invisible())
  comparable <- times
  if (!typeof(times) %in% c("integer", "double", "logical", "character")) {
    comparable <- xtfrm(times)
  }
  runs <- .Call(C_long_runs_call, code, comparable, NULL)
  if (!is.na(runs$repeated)) stop_repeated_time(time, times, code, labels, runs$repeated)
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
  if (is.null(dated$tsp) || length(dated$irregular)) return(NULL)
  dated$tsp[[1L]]
}

# The ts attributes of dated series: `times` sorted by series then time, with
# `counts` rows per series. The spacing is read from all series at once (the
# most common step between consecutive times of a series, in C:
# src/collection.h states the rules) and every series gets its frequency.
# Monthly, quarterly and yearly series start at calendar times (2020 + 2 / 12
# for March 2020, as ts() does); weekly, daily and hourly ones at an index, 1
# for the earliest series, so that series observed at the same times share
# time values. NULL when no spacing is recognised; list(repeated = row) when a
# time repeats within a series; else list(tsp, frequency, irregular = which
# series depart from the step).
dated_tsp <- function(times, counts) {
  # the C code reads the doubles in place, attributes and all
  values <- if (is.double(times)) times else as.double(unclass(times))
  unit <- if (inherits(times, "Date")) 86400 else 1
  counts <- as.integer(counts)
  spacing <- .Call(C_dated_spacing_call, values, counts, unit, NULL)
  status <- lagrs_codes("spacing_status")
  if (spacing$status == status[["needs_civil"]]) {
    spacing <- .Call(C_dated_spacing_call, values, counts, unit, civil_days(times))
  }
  if (spacing$status == status[["repeated"]]) return(list(repeated = spacing$repeated))
  frequency <- spacing$frequency
  if (frequency == 0) return(NULL)
  start <- spacing$start
  end <- start + (counts - 1L) / frequency
  tsp <- lapply(seq_along(counts), function(k) c(start[k], end[k], frequency))
  list(tsp = tsp, frequency = frequency, irregular = which(spacing$irregular))
}

# The local calendar day (days since 1970-01-01) of each date-time, in its
# own time zone; worked out once per distinct time.
civil_days <- function(times) {
  seconds <- as.double(unclass(times))
  distinct <- unique(seconds)
  lt <- as.POSIXlt(.POSIXct(distinct, tz = attr(times, "tzone")))
  as.integer(as.Date(lt))[match(seconds, distinct)]
}

check_column_name <- function(x, arg, data, data_arg = "series") {
  if (!is.character(x) || length(x) != 1L || is.na(x)) {
    stop("`", arg, "` must be a single column name, not ", describe_value(x), ".",
         call. = FALSE)
  }
  if (!x %in% names(data)) {
    stop("`", arg, "` column \"", x, "\" is not in `", data_arg, "`; its columns are ",
         paste0("\"", names(data), "\"", collapse = ", "), ".", call. = FALSE)
  }
}
