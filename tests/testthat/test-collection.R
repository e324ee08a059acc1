# Reading collections of series: long data frames against a plain-loop
# reference, dates that name their time column and frequency, and one
# frequency per series.

# The long-frame reading written the slow, obvious way: ids in order of first
# appearance, each id's rows put in time order.
naive_long_collection <- function(data, id, value, time) {
  ids <- character(0)
  for (x in as.character(data[[id]])) if (!x %in% ids) ids <- c(ids, x)
  values <- list()
  for (k in seq_along(ids)) {
    rows <- which(as.character(data[[id]]) == ids[k])
    rows <- rows[order(data[[time]][rows])]
    values[[k]] <- as.double(data[[value]][rows])
  }
  list(ids = ids, values = values)
}

# n_series series of random lengths, rows shuffled, times with gaps.
shuffled_long_frame <- function(n_series, seed) {
  set.seed(seed)
  lengths <- sample(1:25, n_series, replace = TRUE)
  ids <- sprintf("s%02d", sample(n_series))
  data <- data.frame(
    sku = rep(ids, lengths),
    t = unlist(lapply(lengths, function(n) sort(sample(100, n)))),
    sales = rnorm(sum(lengths))
  )
  data[sample(nrow(data)), ]
}

dated_frame <- function(times_by_id) {
  ids <- rep(names(times_by_id), lengths(times_by_id))
  times <- do.call(c, unname(times_by_id))
  data.frame(id = ids, when = times, value = seq_along(ids) + 0.5)
}

test_that("a long data frame reads as the plain-loop reference", {
  for (seed in 1:5) {
    data <- shuffled_long_frame(12, seed)
    got <- series_collection(data, id = "sku", value = "sales", time = "t")
    want <- naive_long_collection(data, "sku", "sales", "t")
    expect_identical(got$ids, want$ids)
    expect_identical(got$values, want$values)
    expect_identical(got$tsp, rep(list(NULL), length(want$ids)))
    expect_null(got$inferred$time)
    expect_null(got$inferred$period)
  }
  # factor and numeric ids read as their labels, in order of first appearance
  data <- shuffled_long_frame(6, 9)
  data$sku <- factor(data$sku, levels = rev(unique(data$sku)))
  got <- series_collection(data, id = "sku", value = "sales", time = "t")
  expect_identical(got$ids, unique(as.character(data$sku)))
  data$sku <- match(data$sku, unique(data$sku)) * 10
  got <- series_collection(data, id = "sku", value = "sales", time = "t")
  expect_identical(got$ids, as.character(unique(data$sku)))
  expect_identical(got$values, naive_long_collection(data, "sku", "sales", "t")$values)
  # without a time column the rows keep their order within each id
  plain <- series_collection(data[c("sku", "sales")], id = "sku", value = "sales")
  expect_identical(plain$values[[1L]], data$sales[data$sku == data$sku[1L]])
})

test_that("a long data frame with Dates reads as the reference, with calendar times", {
  months <- seq(as.Date("2019-11-01"), by = "month", length.out = 40)
  set.seed(3)
  starts <- c(a = 1, b = 5, c = 12)
  data <- dated_frame(lapply(starts, function(s) months[s:(s + 20)]))
  data <- data[sample(nrow(data)), ]
  got <- series_collection(data)
  want <- naive_long_collection(data, "id", "value", "when")
  expect_identical(got$ids, want$ids)
  expect_identical(got$values, want$values)
  for (k in seq_along(got$ids)) {
    first <- as.POSIXlt(min(data$when[data$id == got$ids[k]]))
    start <- first$year + 1900 + first$mon / 12
    expect_equal(got$tsp[[k]], c(start, start + 20 / 12, 12))
  }
  expect_identical(got$inferred$time, "when")
  expect_identical(got$inferred$period, 12)
  expect_null(got$inferred$irregular)
})

test_that("a time seen twice for an id is an error", {
  data <- shuffled_long_frame(5, 2)
  dup <- rbind(data, data[3, ])
  expect_error(series_collection(dup, id = "sku", value = "sales", time = "t"),
               paste0("`time` column \"t\" has the time ", data$t[3],
                      " more than once for id \"", data$sku[3], "\""))
  day <- as.Date("2021-06-01")
  dated <- data.frame(id = c("a", "b", "b", "a"), when = day + c(0, 1, 1, 2), value = 1:4)
  expect_error(series_collection(dated),
               "`time` column \"when\" has the time 2021-06-02 more than once for id \"b\"")
  # the same time under two ids is fine
  expect_silent(series_collection(dated[-3, ]))
  hour <- as.POSIXct("2023-11-05 00:00", tz = "UTC")
  hourly <- data.frame(id = "h", when = hour + 3600 * c(0:5, 2), value = 1:7)
  expect_error(series_collection(hourly),
               "`time` column \"when\" has the time 2023-11-05 02:00:00 more than once for id \"h\"")
})

test_that("the spacing of Dates gives the frequency", {
  spacings <- list(
    monthly = list(by = "month", start = "2020-03-01", period = 12, tsp_start = 2020 + 2 / 12),
    quarterly = list(by = "quarter", start = "2019-04-01", period = 4, tsp_start = 2019.25),
    yearly = list(by = "year", start = "2001-01-01", period = 1, tsp_start = 2001),
    weekly = list(by = "week", start = "2022-01-03", period = 52, tsp_start = 1),
    daily = list(by = "day", start = "2022-01-03", period = 7, tsp_start = 1)
  )
  for (name in names(spacings)) {
    s <- spacings[[name]]
    times <- seq(as.Date(s$start), by = s$by, length.out = 30)
    # a second series starts three steps later
    data <- dated_frame(list(x = times, y = times[4:30]))
    got <- series_collection(data[nrow(data):1, ])
    expect_identical(got$inferred$time, "when", info = name)
    expect_identical(got$inferred$period, s$period, info = name)
    expect_null(got$inferred$irregular)
    # the reversed rows meet y first
    expect_identical(got$ids, c("y", "x"))
    expect_equal(got$tsp[[2L]], c(s$tsp_start, s$tsp_start + 29 / s$period, s$period),
                 info = name)
    expect_equal(got$tsp[[1L]][1L], s$tsp_start + 3 / s$period, info = name)
    expect_identical(collection_frequency(got), c(s$period, s$period), info = name)
    expect_equal(calendar_tsp(times), got$tsp[[2L]], info = name)
  }
})

test_that("the spacing of date-times gives the frequency, across daylight saving", {
  zone <- "America/New_York"
  spacings <- list(
    hourly = list(by = "hour", period = 24),
    daily = list(by = "DSTday", period = 7),
    weekly = list(by = "week", period = 52),
    monthly = list(by = "month", period = 12),
    quarterly = list(by = "3 months", period = 4),
    yearly = list(by = "year", period = 1)
  )
  for (name in names(spacings)) {
    s <- spacings[[name]]
    # 2023-03-12 and 2023-11-05 change the clocks in New York
    times <- seq(as.POSIXct("2023-01-01 00:00", tz = zone), by = s$by, length.out = 400)
    data <- dated_frame(list(a = times[1:300], b = times[11:400]))
    got <- series_collection(data)
    expect_identical(got$inferred$time, "when", info = name)
    expect_identical(got$inferred$period, s$period, info = name)
    expect_null(got$inferred$irregular)
    expect_identical(collection_frequency(got), c(s$period, s$period), info = name)
  }
  monthly <- series_collection(dated_frame(list(
    a = seq(as.POSIXct("2023-01-01", tz = zone), by = "month", length.out = 24)
  )))
  expect_equal(monthly$tsp[[1L]], c(2023, 2023 + 23 / 12, 12))
  # an explicit time column is read the same way
  hours <- seq(as.POSIXct("2023-03-11 12:00", tz = zone), by = "hour", length.out = 50)
  named <- series_collection(data.frame(when = Sys.Date(), t = hours, id = 1, value = 1),
                             time = "t")
  expect_null(named$inferred$time)
  expect_identical(named$inferred$period, 24)
})

test_that("month ends are monthly; gaps are flagged", {
  ends <- seq(as.Date("2020-02-01"), by = "month", length.out = 24) - 1
  got <- series_collection(dated_frame(list(a = ends)))
  expect_identical(got$inferred$period, 12)
  expect_null(got$inferred$irregular)
  expect_equal(got$tsp[[1L]][1L], 2020)
  months <- seq(as.Date("2020-01-01"), by = "month", length.out = 24)
  got <- series_collection(dated_frame(list(a = months, b = months[-7], c = months[1:20])))
  expect_identical(got$inferred$period, 12)
  expect_identical(got$inferred$irregular, "b")
  expect_equal(got$tsp[[2L]], c(2020, 2020 + 22 / 12, 12))
  expect_null(calendar_tsp(months[-7]))
})

test_that("no inference from two date columns or from irregular dates", {
  months <- seq(as.Date("2020-01-01"), by = "month", length.out = 24)
  two <- dated_frame(list(a = months))
  two$shipped <- two$when + 3
  got <- series_collection(two[24:1, ])
  expect_null(got$inferred$time)
  expect_null(got$inferred$period)
  expect_identical(got$values[[1L]], rev(two$value))   # row order kept
  expect_identical(got$tsp, list(NULL))
  # a date column named as the id leaves one date column to take
  named <- series_collection(two[24:1, ], id = "shipped")
  expect_identical(named$inferred$time, "when")

  set.seed(4)
  irregular <- list(
    random = as.Date("2020-01-01") + cumsum(sample(1:20, 30, replace = TRUE)),
    five_weeks = seq(as.Date("2020-01-01"), by = "5 weeks", length.out = 30),
    fortnightly = seq(as.Date("2020-01-01"), by = "2 weeks", length.out = 30),
    half_yearly = seq(as.Date("2020-01-01"), by = "6 months", length.out = 30)
  )
  for (name in names(irregular)) {
    got <- series_collection(dated_frame(list(a = irregular[[name]])))
    expect_identical(got$inferred$time, "when", info = name)
    expect_null(got$inferred$period)
    expect_identical(got$tsp, list(NULL), info = name)
    expect_identical(collection_frequency(got), 1, info = name)
  }
  # one observation per series: no spacing to read
  single <- series_collection(dated_frame(list(a = months[1], b = months[2])))
  expect_null(single$inferred$period)
  expect_null(calendar_tsp(months[1]))
})

test_that("a logical all-NA value column with dates reads as missing values", {
  months <- seq(as.Date("2020-01-01"), by = "month", length.out = 6)
  data <- data.frame(id = rep(c("a", "b"), each = 6), when = rep(months, 2), value = NA)
  got <- series_collection(data)
  expect_identical(got$values, list(rep(NA_real_, 6), rep(NA_real_, 6)))
  expect_identical(got$inferred$period, 12)
  empty <- series_collection(data[0, ])
  expect_identical(empty$ids, character(0))
  expect_null(empty$inferred$period)
})

test_that("a monthly data frame needs neither `time` nor `period` for a seasonal model", {
  months <- seq(as.Date("2018-01-01"), by = "month", length.out = 48)
  set.seed(6)
  data <- data.frame(month = rep(months, 3), id = rep(c("x", "y", "z"), each = 48),
                     value = 100 + cumsum(rnorm(144)))
  inferred <- arima_batch(data[sample(nrow(data)), ], order = c(0, 1, 1),
                          seasonal = c(0, 1, 1))
  spelled <- arima_batch(data, order = c(0, 1, 1), seasonal = c(0, 1, 1),
                         time = "month", period = 12)
  expect_identical(inferred$coef[c("x", "y", "z"), ], spelled$coef)
  expect_identical(inferred$series$inferred$time, "month")
  expect_identical(inferred$series$inferred$period, 12)
})

test_that("collection_frequency() gives each series its own frequency, or `period`", {
  mixed <- list(yearly = ts(1:10, start = 1990), quarterly = ts(1:12, frequency = 4),
                monthly = ts(1:30, frequency = 12), plain = 1:5)
  collection <- series_collection(mixed)
  expect_identical(collection_frequency(collection), c(1, 4, 12, 1))
  expect_identical(collection_frequency(collection, period = 7), rep(7, 4))
  expect_identical(collection_frequency(collection, period = 0.5), rep(0.5, 4))
  expect_identical(collection_frequency(series_collection(matrix(1:6, 3))), c(1, 1))
  expect_identical(collection_frequency(series_collection(ts(1:8, frequency = 4))), 4)
  expect_identical(collection_frequency(series_collection(list())), double(0))
  expect_null(collection$inferred$time)
  expect_null(collection$inferred$period)
  for (bad in list(0, -1, NA, Inf, "12", c(4, 12), factor(4))) {
    expect_error(collection_frequency(collection, period = bad),
                 "`period` must be a single positive number, not ")
  }
  expect_error(collection_frequency(collection, period = c(4, 12)),
               "`period` must be a single positive number, not a double vector of length 2.")
})
