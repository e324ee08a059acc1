# Batches on `future` workers. The package decides what runs in parallel, the
# user decides where (future::plan()); lagrs never calls plan() itself. When
# the plan has more than one worker, fit_batch(), forecast() of a batch and
# cross_validate() cut the collection into a few contiguous chunks per
# worker, sized by the families' work estimates (never one future per
# series), send each worker only its chunk, and bind the chunks' results on
# the main process (R/batch_bind.R) into what a local run gives, identical().
# future, parallelly and progressr are Suggests: without a multi-worker plan
# nothing here runs.

check_workers <- function(workers) {
  choices <- c("auto", "local")
  if (identical(workers, choices)) return("auto")
  if (!is.character(workers) || length(workers) != 1L || is.na(workers) ||
      !workers %in% choices) {
    stop("`workers` must be \"auto\" (future workers when the plan has more than one) ",
         "or \"local\", not ", describe_value(workers), ".", call. = FALSE)
  }
  workers
}

# The number of future workers to spread over: 0 for a local run. A plan
# needs future loaded, so an unloaded future means the sequential default.
future_workers <- function(workers) {
  if (workers == "local" || !isNamespaceLoaded("future")) return(0)
  n <- future::nbrOfWorkers()
  if (n > 1) n else 0
}

# The chunks of a run: contiguous ranges of series, `lagrs.chunks_per_worker`
# (3) per worker, each at least `lagrs.chunk_min_work` (about a quarter of a
# second of one core's fitting: the families' work units run at about 1e8 a
# second, bench/scale.R), so that a slow chunk does not hold the end and a
# future's overhead stays small against its work. The last round (one chunk
# per worker) carries half the work of the others, so that the workers
# finish close together. NULL when fewer than two chunks would carry that
# much work: the batch then runs locally.
chunk_ranges <- function(work, n_workers) {
  per_worker <- getOption("lagrs.chunks_per_worker", 3)
  min_work <- getOption("lagrs.chunk_min_work", 2.5e7)
  total <- sum(work)
  n_chunks <- floor(min(length(work), per_worker * min(n_workers, length(work)),
                        total / max(min_work, .Machine$double.xmin)))
  if (!is.finite(n_chunks) || n_chunks < 2) return(NULL)
  last_round <- if (n_chunks > n_workers) min(n_workers, n_chunks) else 0
  weight <- c(rep(2, n_chunks - last_round), rep(1, last_round))
  share <- cumsum(weight)[-n_chunks] / sum(weight)
  ends <- findInterval(total * share, cumsum(work))
  ends <- unique(c(ends[ends >= 1L], length(work)))
  starts <- c(1L, utils::head(ends, -1L) + 1L)
  Map(seq.int, starts, ends)
}

# Each series' work summed over the models (src/batchR.c: each family's
# work(), the runner's own estimate).
model_work <- function(models, lengths) {
  lengths <- as.double(lengths)
  Reduce(`+`, lapply(models, function(m) {
    .Call(C_model_work_call, m$family, m$options, lengths)
  }), numeric(length(lengths)))
}

# ---- the verbs' chunked paths ---------------------------------------------

# The fits of every model on every series of a collection, as
# fit_batch_call() gives them, one per model: on future workers in chunks,
# or locally.
collection_fits <- function(models, collection, progress, workers) {
  frequency <- collection_frequency(collection)
  n_workers <- future_workers(workers)
  ranges <- if (n_workers > 0) {
    chunk_ranges(model_work(models, lengths(collection$values)), n_workers)
  }
  if (is.null(ranges)) {
    return(lapply(models, function(m) {
      .Call(C_fit_batch_call, collection$values, frequency, m$family, m$options, TRUE,
            progress)
    }))
  }
  chunks <- lapply(ranges, function(r) list(values = collection$values[r],
                                            frequency = frequency[r]))
  cores <- lapply(models, function(m) list(family = m$family, options = m$options))
  parts <- run_chunks(chunks, fit_chunk, list(models = cores, threads = worker_threads()),
                      lapply(ranges, function(r) collection$ids[r]), "fitting")
  lapply(seq_along(models), function(m) bind_chunk_fits(lapply(parts, `[[`, m), models[[m]]))
}

# On a worker: every model on the chunk's series.
fit_chunk <- function(chunk, models, threads) {
  with_worker_threads(threads, lapply(models, function(m) {
    .Call(C_fit_batch_call, chunk$values, chunk$frequency, m$family, m$options, TRUE, FALSE)
  }))
}

# A batch's forecast table (src/batch_forecastR.c): locally in one pass, or
# the states in chunks on future workers (the series stay home).
batch_forecasts <- function(x, h, level, progress, workers) {
  model <- x$model
  n_workers <- future_workers(workers)
  fits <- x$fits
  n_series <- length(fits$status)
  timed <- n_series > 0L && all(lengths(x$series$tsp) > 0L)
  labels <- vapply(level, format, "")
  names <- c("id", "step", if (timed) "time", "mean",
             as.vector(rbind(paste0("lo_", labels), paste0("hi_", labels))))
  # in the fits' work units, a forecast step costs about 50 (20,000
  # ARIMA(1,1,1) forecasts of 10 steps take 0.06 s on two threads, where
  # shipping their states to two workers and back takes 0.5 s): forecasts
  # go to the workers only for very large batches
  ranges <- if (n_workers > 0) chunk_ranges(rep(h * 50, n_series), n_workers)
  if (is.null(ranges)) {
    return(.Call(C_forecast_table_call, model$family, model$options, fits$state,
                 fits$state_length, fits$status, h, level, x$ids, x$series$tsp, names,
                 progress))
  }
  ends <- cumsum(as.double(fits$state_length))
  chunks <- lapply(ranges, function(r) {
    from <- if (r[1L] > 1L) ends[r[1L] - 1L] else 0
    list(state = fits$state[seq.int(from + 1, length.out = ends[max(r)] - from)],
         state_length = fits$state_length[r], status = fits$status[r], ids = x$ids[r],
         # a chunk has a time column when the whole batch has one
         tsp = if (timed) x$series$tsp[r] else vector("list", length(r)))
  })
  parts <- run_chunks(chunks, forecast_chunk,
                      list(family = model$family, options = model$options, h = h,
                           level = level, names = names, threads = worker_threads()),
                      lapply(ranges, function(r) x$ids[r]), "forecasting")
  bind_chunk_tables(parts)
}

forecast_chunk <- function(chunk, family, options, h, level, names, threads) {
  with_worker_threads(threads, .Call(C_forecast_table_call, family, options, chunk$state,
                                     chunk$state_length, chunk$status, h, level, chunk$ids,
                                     chunk$tsp, names, FALSE))
}

# cross_validate() over chunks of series: each worker cross-validates its
# chunk with the same call (and workers = "local"); the tables are bound in
# the order of a local run. NULL when the run stays local.
cv_in_chunks <- function(collection, models, windows, arguments, workers) {
  n_workers <- future_workers(workers)
  if (n_workers == 0) return(NULL)
  runs <- windows$problem == ""
  if (!any(runs)) return(NULL)
  per_window <- model_work(models, windows$cutoff[runs] - windows$start[runs])
  work <- numeric(length(collection$ids))
  sums <- rowsum(per_window, windows$series[runs])
  work[as.integer(rownames(sums))] <- sums[, 1L]
  ranges <- chunk_ranges(work, n_workers)
  if (is.null(ranges)) return(NULL)
  chunks <- lapply(ranges, function(r) collection_chunk(collection, r))
  parts <- run_chunks(chunks, cv_chunk, list(arguments = arguments, threads = worker_threads()),
                      lapply(ranges, function(r) collection$ids[r]), "cross-validating")
  bind_chunk_tables(parts, names(models))
}

cv_chunk <- function(chunk, arguments, threads) {
  with_worker_threads(threads, do.call(cross_validate, c(list(chunk), arguments)))
}

# Series `r` of a collection, marked so that series_collection() takes it
# as it is. `all_ts`: whether every series of the whole collection is a ts
# (cross-validation then gives ts times, else indices).
collection_chunk <- function(collection, r) {
  tsp <- collection$tsp
  structure(list(values = collection$values[r], ids = collection$ids[r], tsp = tsp[r],
                 inferred = collection$inferred,
                 all_ts = length(tsp) > 0L && all(!vapply(tsp, is.null, TRUE))),
            class = "lagrs_collection_chunk")
}

# ---- running the chunks -----------------------------------------------------

# Runs worker(chunk, <args>) for every chunk on the plan's workers, one
# future per free worker, and returns the values in chunk order. Only the
# chunk, `args` and the worker (a function of the lagrs namespace, sent as a
# reference to it) are the future's globals. A chunk whose future fails (a
# worker process killed, a host lost, lagrs missing on a worker) stops the
# run with an error naming its series; chunks not yet started never start,
# after a failure as after Ctrl-C. progressr, when installed, hears of each
# chunk done (shown when the user enabled its handlers).
run_chunks <- function(chunks, worker, args, ids, what) {
  n <- length(chunks)
  tick <- if (requireNamespace("progressr", quietly = TRUE)) {
    progressr::progressor(steps = n)
  } else {
    function(...) NULL
  }
  futures <- vector("list", n)
  results <- vector("list", n)
  running <- integer()
  next_chunk <- 1L
  ahead <- min(n, future::nbrOfWorkers())
  # the wait between polls grows while nothing resolves (from 5 ms to 50 ms),
  # so that the main process takes little of the workers' cores
  wait <- 0.005
  # the chunks are the data by design: future's size check of globals walks
  # every series of a chunk in R (tens of ms a chunk, while a worker waits)
  old <- options(future.globals.maxSize = Inf)
  on.exit(options(old), add = TRUE)
  record_future_bytes(NULL)
  while (next_chunk <= n || length(running)) {
    while (next_chunk <= n && length(running) < ahead) {
      futures[[next_chunk]] <- tryCatch(
        launch_chunk(chunks[[next_chunk]], worker, args, next_chunk),
        error = function(e) stop_chunk(e, ids[[next_chunk]], next_chunk, n, what))
      chunks[next_chunk] <- list(NULL)
      running <- c(running, next_chunk)
      next_chunk <- next_chunk + 1L
    }
    done <- running[vapply(running, function(k) {
      tryCatch(future::resolved(futures[[k]]),
               error = function(e) stop_chunk(e, ids[[k]], k, n, what))
    }, TRUE)]
    for (k in done) {
      results[k] <- list(tryCatch(future::value(futures[[k]]),
                                  error = function(e) stop_chunk(e, ids[[k]], k, n, what)))
      record_future_bytes(results[[k]], "received")
      futures[k] <- list(NULL)
      tick(message = sprintf("lagrs: %s chunk %d of %d", what, k, n))
    }
    running <- setdiff(running, done)
    wait <- if (length(done)) 0.005 else min(0.05, 2 * wait)
    if (!length(done)) Sys.sleep(wait)
  }
  results
}

launch_chunk <- function(chunk, worker, args, k) {
  globals <- list(lagrs_worker = worker, lagrs_chunk = chunk, lagrs_args = args)
  record_future_bytes(globals)
  # quoted: the expression's names are the future's globals, not this function's
  future::future(quote(do.call(lagrs_worker, c(list(lagrs_chunk), lagrs_args))),
                 substitute = FALSE, globals = globals, packages = "lagrs",
                 label = paste0("lagrs-chunk-", k))
}

# A chunk's failure, naming its series (the first three and the last).
stop_chunk <- function(e, ids, k, n, what) {
  shown <- paste0("\"", ids, "\"")
  if (length(ids) > 4L) shown <- c(shown[1:3], "...", shown[length(ids)])
  stop("lagrs: the future worker ", what, " chunk ", k, " of ", n, " (", length(ids),
       " series: ", paste(shown, collapse = ", "), ") failed, and the batch with it: ",
       conditionMessage(e), call. = FALSE)
}

# With options(lagrs.future_bytes = TRUE), the serialized size of each
# future's globals (what is sent to a worker) and of each chunk's value
# (what comes back) are kept for future_bytes_sent(); the bench and the
# tests read them. NULL starts a run.
future_state <- new.env(parent = emptyenv())

record_future_bytes <- function(value, way = "sent") {
  if (!isTRUE(getOption("lagrs.future_bytes"))) return(invisible())
  if (is.null(value)) {
    future_state$sent <- future_state$received <- numeric()
  } else {
    future_state[[way]] <- c(future_state[[way]], length(serialize(value, NULL)))
  }
  invisible()
}

future_bytes_sent <- function(way = "sent") future_state[[way]]

# ---- threads on the workers -----------------------------------------------

# What the workers need to choose their thread count: the main session's
# explicit lagrs_threads(n), if any (a cap), and how many of the plan's
# workers share each host.
worker_threads <- function() {
  list(cap = .Call(C_lagrs_threads_get, TRUE)$user_setting, shares = host_shares(),
       home = Sys.info()[["nodename"]])
}

# Workers per host, named by host, for cluster plans that name their hosts
# (multisession: all on this one); NULL when the plan does not say.
host_shares <- function() {
  strategy <- future::plan("next")
  hosts <- formals(strategy)$workers
  if (inherits(hosts, "cluster")) {
    hosts <- vapply(hosts, function(node) as.character(node$host %||% "localhost")[1L], "")
  } else if (is.numeric(hosts) && length(hosts) == 1L && inherits(strategy, "multisession")) {
    hosts <- rep("localhost", hosts)
  }
  if (!is.character(hosts) || !length(hosts)) return(NULL)
  local <- hosts %in% c("localhost", "127.0.0.1", "::1", "") |
    hosts == Sys.info()[["nodename"]]
  hosts[local] <- "localhost"
  c(table(hosts))
}

`%||%` <- function(x, y) if (is.null(x)) y else x

# parallelly::availableCores(), read once per worker process: it looks at
# many sources (cgroups, schedulers, `nproc`) and takes tens of
# milliseconds, a chunk's whole overhead otherwise.
worker_cores <- function() {
  if (is.null(future_state$cores)) {
    future_state$cores <- as.integer(parallelly::availableCores())
  }
  future_state$cores
}

# On a worker: runs `code` on the cores this worker may use: its host's
# (parallelly::availableCores(), which follows Slurm's, PBS's, cgroups' and
# future's own limits) divided among the plan's workers on that host, and
# capped by the main session's lagrs_threads(n). LAGRS_NUM_THREADS or a
# lagrs_threads(n) set on the worker itself win.
with_worker_threads <- function(threads, code) {
  own <- .Call(C_lagrs_threads_get, TRUE)$user_setting
  if (nzchar(Sys.getenv("LAGRS_NUM_THREADS")) || !is.na(own) ||
      !requireNamespace("parallelly", quietly = TRUE)) {
    return(code)
  }
  node <- Sys.info()[["nodename"]]
  key <- if (node == threads$home) "localhost" else node
  short <- sub("\\..*", "", key)
  shares <- threads$shares
  share <- if (key %in% names(shares)) shares[[key]] else
    if (short %in% names(shares)) shares[[short]] else 1L
  n <- max(1L, worker_cores() %/% share)
  if (!is.na(threads$cap)) n <- min(n, threads$cap)
  .Call(C_lagrs_threads_set, as.integer(n))
  on.exit(.Call(C_lagrs_threads_set, 0L))
  code
}
