# `make demo`: forecast 10,000 synthetic SKUs with lagrs, compare the time
# with stats::arima on a sample, and draw a few of them.
#
# Writes demo-out/skus.png. Environment: LAGRS_DEMO_SKUS (default 10000).
suppressPackageStartupMessages(library(lagrs))

n_sku <- as.integer(Sys.getenv("LAGRS_DEMO_SKUS", "10000"))
months <- 60L
h <- 12L
out_dir <- "demo-out"
dir.create(out_dir, showWarnings = FALSE)

cat(sprintf("lagrs %s on %d threads\n\n", utils::packageVersion("lagrs"), lagrs_threads()))

# ---- 1. data: monthly unit sales in long form -------------------------------
set.seed(42)
make_sku <- function() {
  level <- stats::runif(1, 20, 400)
  # a yearly pattern that drifts from one year to the next
  pattern <- sin(2 * pi * (1:12) / 12 + stats::runif(1, 0, 2 * pi)) *
    stats::runif(1, 0, 0.25) * level
  season <- numeric(months)
  for (t in seq_len(months)) {
    season[t] <- (if (t <= 12L) pattern[t] else season[t - 12L]) +
      stats::rnorm(1, 0, 0.02 * level)
  }
  walk <- cumsum(stats::rnorm(months, 0, 0.03 * level))
  pmax(0, round(level + season + walk + stats::rnorm(months, 0, 0.05 * level)))
}
sales <- data.frame(
  sku = rep(sprintf("SKU-%05d", seq_len(n_sku)), each = months),
  month = rep(seq(as.Date("2021-01-01"), by = "month", length.out = months), n_sku),
  units = as.numeric(unlist(lapply(seq_len(n_sku), function(i) make_sku())))
)
# A few broken series, as real data has: nearly empty and all missing.
sales$units[sales$sku == "SKU-00007" & sales$month > as.Date("2021-03-01")] <- NA
sales$units[sales$sku == "SKU-00013"] <- NA
cat(sprintf("1. %d SKUs x %d months of sales in a long data frame (%s rows)\n",
            n_sku, months, format(nrow(sales), big.mark = ",")))

# ---- 2. one seasonal ARIMA for every SKU ------------------------------------
t_batch <- system.time({
  batch <- arima_batch(sales, order = c(0, 1, 1), seasonal = c(0, 1, 1), period = 12,
                       id = "sku", value = "units", time = "month")
  fc <- forecast(batch, h = h)
})[["elapsed"]]
cat(sprintf("\n2. arima_batch + forecast, ARIMA(0,1,1)(0,1,1)[12], h = %d: %.1f s for %d SKUs\n",
            h, t_batch, n_sku))
print(batch)
cat("\nForecast table (long form):\n")
print(utils::head(as.data.frame(fc), 4), row.names = FALSE)

# ---- 3. the same with stats::arima, on a sample -----------------------------
sample_ids <- utils::head(batch$ids[batch$status == "ok"], 100L)
series <- split(sales$units, sales$sku)[sample_ids]
t_stats <- system.time(for (y in series) {
  fit <- stats::arima(stats::ts(y, frequency = 12), order = c(0, 1, 1),
                      seasonal = list(order = c(0, 1, 1), period = 12))
  stats::predict(fit, n.ahead = h)
})[["elapsed"]]
per_stats <- t_stats / length(sample_ids)
cat(sprintf("\n3. stats::arima + predict: %.1f ms per SKU (timed on %d), so about %.0f s for all %d;\n",
            1000 * per_stats, length(sample_ids), per_stats * n_sku, n_sku))
cat(sprintf("   lagrs took %.1f s: %.0fx faster.\n", t_batch, per_stats * n_sku / t_batch))
ref <- stats::arima(stats::ts(series[[1]], frequency = 12), order = c(0, 1, 1),
                    seasonal = list(order = c(0, 1, 1), period = 12))
cat("   Same estimates for ", sample_ids[1], ":\n", sep = "")
print(rbind(lagrs = batch$coef[sample_ids[1], ], stats = stats::coef(ref)))

# ---- 4. automatic order selection on a subset -------------------------------
n_auto <- min(1000L, n_sku)
auto_ids <- unique(sales$sku)[seq_len(n_auto)]
t_auto <- system.time(
  auto <- auto_arima_batch(sales[sales$sku %in% auto_ids, ], id = "sku", value = "units",
                           time = "month", period = 12)
)[["elapsed"]]
cat(sprintf("\n4. auto_arima_batch on %d SKUs: %.1f s. Most chosen models:\n", n_auto, t_auto))
models <- sort(table(summary(auto)$model), decreasing = TRUE)
print(utils::head(models, 5))

# ---- 5. a picture ------------------------------------------------------------
png_file <- file.path(out_dir, "skus.png")
grDevices::png(png_file, width = 1200, height = 800, res = 110)
plot(batch, ids = c("SKU-00001", "SKU-00002", "SKU-00003", "SKU-00004"), h = h)
grDevices::dev.off()
cat(sprintf("\n5. Wrote %s: four SKUs with their forecasts and 80%%/95%% intervals.\n", png_file))
