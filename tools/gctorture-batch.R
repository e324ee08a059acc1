# gctorture entries for the batch runner (src/batchR.c, src/batch.c) and the
# shared codes: a small batch with one failing series, every family.
local({
  series <- list(a = c(5.1, 5.9, 5.4, 6.2, 6.0, 6.8, 6.1, 7.0, 6.6, 7.3, 7.1, 7.9),
                 b = c(1, NA),
                 c = c(2.0, 2.4, 1.9, 2.7, 2.2, 2.9, 2.5, 3.1, 2.6, 3.3, 2.8, 3.4))
  list(
    fit_batch_call = function() {
      b <- fit_batch(series, arima_model(c(1, 0, 0)), progress = FALSE)
      stopifnot(b$status[2] == "error", all(b$status[-2] != "error"))
      a <- fit_batch(series, arima_model(max_p = 1, max_q = 1), progress = FALSE)
      stopifnot(a$status[1] != "error", is.matrix(coef(a)))
    },
    forecast_batch_call = function() {
      b <- fit_batch(series, list(ma = arima_model(c(0, 1, 1)),
                                  auto = arima_model(max_p = 1, max_q = 1)), progress = FALSE)
      fc <- forecast(b, h = 2, progress = FALSE)
      stopifnot(nrow(fc) == 12L, all(is.na(fc$mean[fc$id == "b" & fc$model == "ma"])))
    },
    cv_batch_call = function() {
      cv <- cross_validate(series, list(ar = arima_model(c(1, 0, 0)), naive = naive_model()),
                           h = 2, n_windows = 2, level = 80, progress = FALSE)
      stopifnot(nrow(cv) == 24L, all(cv$status[cv$id == "b"] == "error"))
    },
    model_families_call = function() {
      stopifnot(is.list(.Call(ns$C_model_families_call)))
    },
    model_coef_names_call = function() {
      m <- arima_model(max_p = 2)
      stopifnot(is.character(.Call(ns$C_model_coef_names_call, m$family, m$options)))
    },
    lagrs_codes_call = function() {
      stopifnot(is.list(.Call(ns$C_lagrs_codes_call)))
    }
  )
})
