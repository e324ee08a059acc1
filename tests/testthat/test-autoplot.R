test_that("autoplot methods build ggplots with the forecast's numbers", {
  skip_if_not_installed("ggplot2")
  fit <- arima_fit(log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1))
  fc <- forecast(fit, h = 12, level = c(80, 95))
  p <- ggplot2::autoplot(fc)
  expect_s3_class(p, "ggplot")
  built <- ggplot2::ggplot_build(p)
  ribbons <- built$data[[1]]
  expect_identical(nrow(ribbons), 24L)
  expect_equal(sort(ribbons$ymax), sort(c(as.numeric(fc$upper[, 1]), as.numeric(fc$upper[, 2]))))
  lines <- built$data[[2]]
  expect_equal(sort(lines$y), sort(c(as.numeric(log(AirPassengers)), as.numeric(fc$mean))))
  expect_identical(p$labels$title, "Forecasts from ARIMA(0,1,1)(0,1,1)[12]")

  p_fit <- ggplot2::autoplot(fit)
  expect_s3_class(p_fit, "ggplot")
  expect_identical(nrow(ggplot2::ggplot_build(p_fit)$data[[1]]), 2L * length(AirPassengers))

  set.seed(1)
  skus <- lapply(1:3, function(i) ts(cumsum(rnorm(40)), frequency = 4, start = 2015))
  names(skus) <- c("a", "b", "c")
  skus$bad <- c(1, NA)
  batch <- arima_batch(skus, order = c(0, 1, 1))
  p_batch <- ggplot2::autoplot(batch, ids = c("a", "c", "bad"), h = 4)
  expect_s3_class(p_batch, "ggplot")
  expect_setequal(unique(ggplot2::ggplot_build(p_batch)$data[[2]]$PANEL), factor(1:2))
  expect_error(ggplot2::autoplot(batch, ids = "zz"), "`ids` must name series of the batch")
})
