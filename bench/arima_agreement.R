# Agreement of arima_fit() with stats::arima(): the 30 reference cases of
# the test suite, then a random sweep of orders over 10 datasets. Run with
# the package installed, e.g.
#   R_LIBS=/tmp/lib-arima Rscript bench/arima_agreement.R
suppressPackageStartupMessages(library(lagrs))
source(file.path("tests", "testthat", "helper-arima.R"))
old_width <- options(width = 200)

ref <- do.call(rbind, lapply(arima_reference_cases(), arima_compare_case))
cat("Reference cases:", nrow(ref), "| same optimum (|d loglik| < 1e-4):",
    sum(ref$same_optimum), "| lagrs worse by > 1e-4:", sum(ref$d_loglik < -1e-4), "\n")
print(format(ref, digits = 3), row.names = FALSE)
cat("\nWorst deviations over the same-optimum cases:\n")
print(vapply(ref[ref$same_optimum, c("d_loglik", "d_aic", "d_coef", "d_sigma2",
                                     "d_var", "d_pred", "d_se")],
             function(v) max(abs(v)), numeric(1)))

series <- list(AirPassengers = log(AirPassengers), USAccDeaths = USAccDeaths,
               nottem = nottem, co2 = window(co2, end = c(1969, 12)),
               UKgas = log(UKgas), ldeaths = ldeaths, Nile = Nile,
               lynx = log(lynx), WWWusage = WWWusage, LakeHuron = LakeHuron)
set.seed(1)
rows <- list()
for (nm in names(series)) {
  y <- series[[nm]]
  seas <- frequency(y) > 1
  grid <- expand.grid(p = 0:2, d = 0:1, q = 0:2, P = if (seas) 0:1 else 0,
                      D = if (seas) 0:1 else 0, Q = if (seas) 0:1 else 0)
  grid <- grid[sample(nrow(grid), min(nrow(grid), 12)), ]
  for (i in seq_len(nrow(grid))) {
    g <- unlist(grid[i, ])
    for (meth in c("CSS-ML", "ML")) {
      r <- tryCatch(suppressWarnings(stats::arima(y, g[1:3], seasonal = g[4:6], method = meth)),
                    error = function(e) NULL)
      f <- tryCatch(suppressWarnings(arima_fit(y, g[1:3], seasonal = g[4:6], method = meth)),
                    error = function(e) NULL)
      rows[[length(rows) + 1L]] <- data.frame(
        series = nm, model = paste(g, collapse = ""), method = meth,
        d_loglik = if (is.null(r) || is.null(f)) NA else f$loglik - r$loglik,
        d_coef = if (is.null(r) || is.null(f)) NA else max(c(0, abs(coef(f) - coef(r)))),
        stats_code = if (is.null(r)) NA else r$code,
        note = if (is.null(r) && is.null(f)) "both failed" else if (is.null(r))
          "stats::arima failed" else if (is.null(f)) "lagrs failed" else "")
    }
  }
}
sweep <- do.call(rbind, rows)
ok <- !is.na(sweep$d_loglik)
cat("\nRandom sweep:", nrow(sweep), "fits | same optimum:", sum(abs(sweep$d_loglik) <= 1e-4, na.rm = TRUE),
    "| lagrs better by > 1e-4:", sum(sweep$d_loglik > 1e-4, na.rm = TRUE),
    "| lagrs worse by > 1e-4:", sum(sweep$d_loglik < -1e-4, na.rm = TRUE), "\n")
print(table(sweep$note[sweep$note != ""]))
cat("Worse cases (stats_code 1 = stats::arima hit its iteration limit):\n")
print(sweep[ok & sweep$d_loglik < -1e-4, ], row.names = FALSE)
options(old_width)
