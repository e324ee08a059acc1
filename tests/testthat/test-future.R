# Batches on future workers (R/future.R, R/batch_bind.R): real worker
# processes (multisession, and PSOCK workers over loopback), results
# identical() to a sequential run of the same calls.

skip_if_no_future <- function() {
  skip_on_cran()
  skip_if_not_installed("future")
  skip_if_not_installed("parallelly")
  skip_if_not_installed("progressr")
  skip_if_not_installed("withr")
}

# Twenty-four short series with failures among them (too short, all missing,
# constant, infinite), as a list, a matrix and a long data frame.
future_inputs <- function() {
  set.seed(42)
  n <- 24L
  values <- lapply(seq_len(n), function(i) 50 + cumsum(rnorm(48)) + 3 * sin(seq_len(48) * pi / 6))
  values[[3]][] <- 7
  values[[11]][] <- NA_real_
  values[[20]][5] <- Inf
  ids <- sprintf("sku%02d", seq_len(n))
  as_list <- stats::setNames(lapply(values, stats::ts, frequency = 12, start = 2019), ids)
  as_list$short <- c(1, 2)
  matrix_input <- stats::ts(do.call(cbind, values), frequency = 12, start = 2019)
  colnames(matrix_input) <- ids
  dates <- seq(as.Date("2019-01-01"), by = "month", length.out = 48)
  long <- data.frame(id = rep(ids, each = 48), date = rep(dates, n),
                     value = unlist(values), stringsAsFactors = FALSE)
  list(list = as_list, matrix = matrix_input, long = long)
}

# Every verb on every shape; run once sequentially and once on a plan. The
# calls are the same expressions, so the batches' `call` elements agree too.
future_results <- function(inputs) {
  airline <- arima_model(c(0, 1, 1), c(0, 1, 1))
  two <- list(ma = arima_model(c(0, 1, 1)), ar = arima_model(c(1, 1, 0)))
  out <- lapply(inputs, function(series) {
    fit <- fit_batch(series, airline)
    both <- fit_batch(series, two)
    arima <- arima_batch(series, order = c(1, 1, 0))
    list(fit = fit, forecast = forecast(fit, h = 4), both = both,
         forecast_both = forecast(both, h = 3, wide = TRUE),
         arima = arima, forecast_arima = forecast(arima, h = 2, level = 90),
         cv = cross_validate(series, airline, h = 2, n_windows = 2, level = 80),
         cv_both = cross_validate(series, two, h = 3, n_windows = 2))
  })
  if (is.null(inputs$list)) return(out)
  # the automatic search is slower: on the list only
  auto <- auto_arima_batch(inputs$list, max_p = 2, max_q = 2, max_P = 1, max_Q = 1,
                           stepwise = TRUE)
  out$list$auto <- auto
  out$list$forecast_auto <- forecast(auto, h = 3)
  out
}

# Three chunks per call (an odd count, so that the workers' shares differ)
# keep the number of futures, and the file's run time, modest.
compare_on_plan <- function(shapes, ...) {
  inputs <- future_inputs()[shapes]
  withr::local_options(lagrs.chunk_min_work = 0, lagrs.chunks_per_worker = 1.5,
                       lagrs.future_bytes = TRUE, progressr.enable = TRUE)
  future::plan(future::sequential)
  lagrs:::record_future_bytes(NULL)
  local <- future_results(inputs)
  expect_length(lagrs:::future_bytes_sent(), 0L)
  old_plan <- future::plan(...)
  on.exit(future::plan(old_plan), add = TRUE)
  expect_equal(future::nbrOfWorkers(), 2)
  remote <- future_results(inputs)
  for (shape in names(local)) {
    for (what in names(local[[shape]])) {
      expect_identical(remote[[shape]][[what]], local[[shape]][[what]],
                       label = paste(shape, what))
    }
  }
  # the fit went to the workers in chunks, each carrying its own series and
  # not the whole input; progressr heard of each chunk
  updates <- 0L
  withCallingHandlers(fit_batch(inputs$list, arima_model(c(0, 1, 1))),
                      progression = function(p) {
                        if (identical(p$type, "update")) updates <<- updates + 1L
                      })
  sent <- lagrs:::future_bytes_sent()
  expect_gt(length(sent), 2L)
  whole <- length(serialize(inputs$list, NULL))
  expect_true(all(sent < whole))
  # a future's fixed cost (the worker function, the model) is under 4 kB
  expect_lt(sum(sent), whole + 4096 * length(sent))
  expect_identical(updates, length(sent))
  expect_true(any(remote$list$fit$status == "error"))
  expect_identical(remote$list$fit$status[["short"]], "error")
}

test_that("multisession workers give results identical to a sequential run", {
  skip_if_no_future()
  compare_on_plan(c("list", "matrix", "long"), future::multisession, workers = 2)
})

test_that("PSOCK workers over loopback give results identical to a sequential run", {
  skip_if_no_future()
  compare_on_plan("list", future::cluster, workers = c("localhost", "localhost"))
})

test_that("a sequential plan and workers = \"local\" keep the local path", {
  skip_if_no_future()
  inputs <- future_inputs()
  withr::local_options(lagrs.chunk_min_work = 0, lagrs.future_bytes = TRUE)
  old_plan <- future::plan(future::sequential)
  on.exit(future::plan(old_plan), add = TRUE)
  lagrs:::record_future_bytes(NULL)
  fit <- fit_batch(inputs$list, arima_model(c(0, 1, 1)))
  expect_length(lagrs:::future_bytes_sent(), 0L)
  expect_error(fit_batch(inputs$list, arima_model(c(0, 1, 1)), workers = "remote"),
               "`workers` must be \"auto\"")
  expect_error(forecast(fit, workers = NA), "`workers` must be")
})

test_that("workers on one host share its cores, and a worker that dies names its chunk", {
  skip_if_no_future()
  skip_on_os("windows")
  old_plan <- future::plan(future::cluster, workers = c("localhost", "localhost"))
  on.exit(future::plan(old_plan), add = TRUE)
  threads <- lagrs:::worker_threads()
  expect_identical(threads$shares[["localhost"]], 2L)
  probe <- future::future(list(cores = parallelly::availableCores(),
                               used = lagrs:::with_worker_threads(threads, lagrs_threads())),
                          globals = list(threads = threads), packages = "lagrs")
  seen <- future::value(probe)
  if (!nzchar(Sys.getenv("LAGRS_NUM_THREADS"))) {
    expect_identical(seen$used, min(lagrs_threads(), max(1L, as.integer(seen$cores) %/% 2L)))
  }

  # two chunks of slow fits (about 3 s of work each); the workers are killed
  # a second into the run (both, so that no orphaned chunk keeps running)
  set.seed(9)
  slow <- lapply(1:24, function(i) stats::ts(cumsum(rnorm(20000)), frequency = 12))
  names(slow) <- paste0("slow", 1:24)
  pids <- future::value(lapply(1:2, function(i) {
    future::future({
      Sys.sleep(0.5)
      Sys.getpid()
    })
  }))
  expect_length(unique(unlist(pids)), 2L)
  withr::local_options(lagrs.chunks_per_worker = 1, lagrs.chunk_min_work = 0)
  killer <- parallel::mcparallel({
    Sys.sleep(1)
    tools::pskill(unlist(pids), tools::SIGKILL)
  })
  on.exit(parallel::mccollect(killer), add = TRUE)
  expect_error(
    arima_batch(slow, order = c(3, 1, 3), seasonal = c(2, 1, 2), method = "ML"),
    paste0("chunk (1 of 2 \\(12 series: \"slow1\", \"slow2\", \"slow3\", \\.\\.\\., ",
           "\"slow12\"\\)|2 of 2 \\(12 series: \"slow13\", \"slow14\", \"slow15\", \\.\\.\\., ",
           "\"slow24\"\\)) failed")
  )
})
