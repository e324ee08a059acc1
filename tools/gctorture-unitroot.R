# gctorture entries for the differencing tests (src/unitrootR.c), the STL
# (src/stlR.c) and the plan of the automatic search (auto_arima_plan_call in
# src/auto_arimaR.c), on tiny series.
local({
  ns <- asNamespace("lagrs")
  y <- c(112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
         115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140)
  ys <- ts(y, frequency = 4)
  list(
    lagrs_is_constant_call = function() stopifnot(isTRUE(ns$is_constant(rep(2, 5)))),
    lagrs_kpss_call = function() stopifnot(is.finite(unlist(ns$kpss_test(y))[1])),
    lagrs_ndiffs_kpss_call = function() stopifnot(ns$ndiffs_kpss(y) %in% 0:2),
    lagrs_nsdiffs_seas_call = function() stopifnot(ns$nsdiffs_seas(ys) %in% 0:1),
    lagrs_seasonal_strength_call = function() stopifnot(is.numeric(ns$seasonal_strength(ys))),
    lagrs_stl_call = function() {
      fit <- ns$stl_decompose(ys, s_window = "periodic")
      ref <- stats::stl(ys, "periodic")$time.series
      stopifnot(isTRUE(all.equal(unname(fit[, "seasonal"]), as.numeric(ref[, "seasonal"]))))
    },
    auto_arima_plan_call = function() stopifnot(is.list(ns$autoarima_plan(ys)))
  )
})
