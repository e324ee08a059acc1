# gctorture entries for the model families' own entry points and the newer
# batch ones: forecast tables, work estimates, ensembles' members, ETS
# states, long-table features and runs, collection frequencies.
local({
  series <- list(a = ts(c(5.1, 5.9, 5.4, 6.2, 6.0, 6.8, 6.1, 7.0, 6.6, 7.3, 7.1, 7.9,
                          7.4, 8.1, 7.7, 8.4), frequency = 4),
                 b = c(NA_real_, NA_real_))
  long <- data.frame(sku = c("x", "y", "x", "y", "x", "y", "x"),
                     day = as.Date("2024-01-01") + c(0, 0, 1, 1, 2, 2, 3),
                     units = c(3, 1, 4, 1, 5, 9, 2))
  list(
    forecast_table_call = function() {
      fc <- forecast(fit_batch(series, naive_model(), progress = FALSE), h = 2)
      stopifnot(nrow(fc) == 4L, all(is.na(fc$mean[fc$id == "b"])))
    },
    model_work_call = function() {
      m <- arima_model(c(1, 0, 0))
      stopifnot(length(.Call(ns$C_model_work_call, m$family, m$options, c(10, 20))) == 2L)
    },
    ensemble_member_states_call = function() {
      fit <- fit_batch(series, ensemble_model(n = naive_model(), m = mean_model()),
                       progress = FALSE)
      fc <- forecast(fit, h = 2, members = TRUE)
      stopifnot(nrow(fc) == 12L)
    },
    ets_states_call = function() {
      fit <- ets_fit(series$a, error = "A", trend = "N", season = "N")
      stopifnot(nrow(fit$states) == 17L)
    },
    features_call = function() {
      out <- features(long, lag = 1, mean = 2, id = "sku", time = "day", value = "units")
      stopifnot(nrow(out) == 7L)
    },
    long_runs_call = function() {
      fit <- fit_batch(long, naive_model(), id = "sku", time = "day", value = "units",
                       progress = FALSE)
      stopifnot(length(fit) == 2L)
    },
    collection_frequency_call = function() {
      stopifnot(identical(.Call(ns$C_collection_frequency_call, list(c(1, 2, 4), NULL)),
                          c(4, 1)))
    }
  )
})
