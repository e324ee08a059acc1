# gctorture entries for reading collections (src/collectionR.c).
local({
  months <- seq(as.Date("2020-01-01"), by = "month", length.out = 6)
  hours <- seq(as.POSIXct("2021-03-27 20:00", tz = "Europe/Paris"), by = "hour", length.out = 12)
  list(
    list_collection_call = function() {
      got <- ns$series_collection(list(a = ts(1:5, frequency = 4), b = c(NA, NA), c = c(1.5, 2)))
      stopifnot(identical(got$values[[1]], as.double(1:5)), identical(got$tsp[[1]][3], 4))
      bad <- tryCatch(ns$series_collection(list(a = 1, b = factor("x"))), error = conditionMessage)
      stopifnot(grepl("element 2", bad))
    },
    dated_spacing_call = function() {
      got <- ns$series_collection(data.frame(id = rep(c("a", "b"), each = 6),
                                          when = c(months, months), value = 1:12))
      stopifnot(identical(got$inferred$period, 12))
      hourly <- ns$series_collection(data.frame(id = "h", when = hours, value = 1:12))
      stopifnot(identical(hourly$inferred$period, 24))
      monthly_ct <- ns$series_collection(data.frame(id = "m", value = 1:6,
        when = as.POSIXct(paste(months, "09:00"), tz = "Europe/Paris")))
      stopifnot(identical(monthly_ct$inferred$period, 12))
    }
  )
})
