# Binding the chunks of a run on future workers (R/future.R) into what one
# local run gives, identical(). Every assumption about the layout of the C
# results lives here, written against their element names:
#
# * fits (src/batchR.c, fit_batch_call()): per series, in series order,
#   vectors `status`, `message`, `sigma2`, `loglik`, `aic`, `aicc`, `bic`,
#   `nobs`, `convergence`, `label`; matrices with one row per series `codes`
#   and `info`; lists with one element per series `coef`, `state`,
#   `residuals`. The lagrs_batch itself is then built from the bound fits by
#   new_lagrs_batch() on the main process, as in a local run.
# * forecasts (forecast_batch_call()): `mean` (h x series), `lower` and
#   `upper` (series-major rows of h, one column per level), `status`.
# * cross-validation tables (cross_validate()): data frames with a `model`
#   column for several models, rows by model, then series.

fit_vector_elements <- c("status", "message", "sigma2", "loglik", "aic", "aicc", "bic",
                         "nobs", "convergence", "label")
fit_matrix_elements <- c("codes", "info")
fit_list_elements <- c("coef", "state", "residuals")

# The fits of consecutive chunks as the fits of all their series.
bind_chunk_fits <- function(parts) {
  first <- parts[[1L]]
  known <- c(fit_vector_elements, fit_matrix_elements, fit_list_elements)
  unknown <- setdiff(names(first), known)
  if (length(unknown)) {
    stop("internal error: bind_chunk_fits() does not know the fit element(s) ",
         paste0("`", unknown, "`", collapse = ", "), " (R/batch_bind.R).", call. = FALSE)
  }
  out <- lapply(stats::setNames(nm = names(first)), function(name) {
    pieces <- lapply(parts, `[[`, name)
    if (name %in% fit_matrix_elements) return(bind_rows_matrix(pieces))
    do.call(c, pieces)
  })
  out
}

# rbind() that keeps the column names and leaves the rows unnamed, also for
# matrices without columns (a family without codes or info).
bind_rows_matrix <- function(pieces) {
  out <- matrix(vector(typeof(pieces[[1L]]), 0L), 0L, ncol(pieces[[1L]]))
  out <- do.call(rbind, c(list(out), pieces))
  dimnames(out) <- dimnames(pieces[[1L]])
  out
}

bind_chunk_forecasts <- function(parts) {
  list(mean = do.call(cbind, lapply(parts, `[[`, "mean")),
       lower = bind_rows_matrix(lapply(parts, `[[`, "lower")),
       upper = bind_rows_matrix(lapply(parts, `[[`, "upper")),
       status = do.call(c, lapply(parts, `[[`, "status")))
}

# Chunks' cross-validation tables in a local run's row order: by model (in
# the list's order), then by chunk.
bind_chunk_cv <- function(parts, model_names) {
  tables <- lapply(parts, function(p) structure(p, class = "data.frame"))
  out <- do.call(rbind, tables)
  if ("model" %in% names(out) && length(model_names) > 1L) {
    out <- out[order(match(out$model, model_names), method = "radix"), , drop = FALSE]
  }
  new_lagrs_cv(out, attr(parts[[1L]], "level"))
}
