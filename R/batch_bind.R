# Binding the chunks of a run on future workers (R/future.R) into what one
# local run gives, identical(). Every assumption about the layout of the C
# results lives here, written against their element names:
#
# * fits (src/batchR.c, fit_batch_call()): per series, in series order, the
#   vectors `status`, `message`, `sigma2`, `loglik`, `aic`, `aicc`, `bic`,
#   `nobs`, `convergence`, `label`, `state_length`, `residual_length`; the
#   states and residuals one after another in the vectors `state` and
#   `residuals` (so a chunk's follow the previous chunk's); `codes` and
#   `info`, matrices with one row per series; `coef`, a matrix with one row
#   per series and a column per coefficient name some fit of the chunk uses,
#   in the family's order. The lagrs_batch itself is then built from the
#   bound fits by new_lagrs_batch() on the main process, as in a local run.
# * forecast tables (src/batch_forecastR.c) and cross-validation tables
#   (src/cvR.c): data frames with compact row names, in series order (by
#   model first, for several models).

fit_vector_elements <- c("status", "message", "sigma2", "loglik", "aic", "aicc", "bic",
                         "nobs", "convergence", "label", "state", "state_length",
                         "residuals", "residual_length")
fit_matrix_elements <- c("codes", "info")

# The fits of consecutive chunks as the fits of all their series.
bind_chunk_fits <- function(parts, model) {
  first <- parts[[1L]]
  known <- c(fit_vector_elements, fit_matrix_elements, "coef")
  unknown <- setdiff(names(first), known)
  if (length(unknown)) {
    stop("internal error: bind_chunk_fits() does not know the fit element(s) ",
         paste0("`", unknown, "`", collapse = ", "), " (R/batch_bind.R).", call. = FALSE)
  }
  lapply(stats::setNames(nm = names(first)), function(name) {
    pieces <- lapply(parts, `[[`, name)
    if (name == "coef") return(bind_coef(pieces, model))
    if (name %in% fit_matrix_elements) return(bind_rows_matrix(pieces))
    do.call(c, pieces)
  })
}

# rbind() that keeps the column names and leaves the rows unnamed, also for
# matrices without columns (a family without codes or info).
bind_rows_matrix <- function(pieces) {
  out <- matrix(vector(typeof(pieces[[1L]]), 0L), 0L, ncol(pieces[[1L]]))
  out <- do.call(rbind, c(list(out), pieces))
  dimnames(out) <- dimnames(pieces[[1L]])
  out
}

# The chunks' coefficient matrices as one: the columns any chunk uses, in
# the family's order, NA where a chunk's fits lack one.
bind_coef <- function(pieces, model) {
  canonical <- .Call(C_model_coef_names_call, model$family, model$options)
  used <- canonical[canonical %in% unlist(lapply(pieces, colnames))]
  rows <- vapply(pieces, nrow, 1L)
  out <- matrix(NA_real_, sum(rows), length(used), dimnames = list(NULL, used))
  offsets <- cumsum(c(0L, rows))
  for (k in seq_along(pieces)) {
    if (rows[k] > 0L && ncol(pieces[[k]]) > 0L) {
      out[offsets[k] + seq_len(rows[k]), colnames(pieces[[k]])] <- pieces[[k]]
    }
  }
  out
}

# Tables of consecutive chunks as one, their rows ordered as a local run's:
# by `model` (in `model_names`' order) when there are several, then by chunk.
# The attributes (class, level, h) are the first chunk's; the row names are
# compact, as the C tables'.
bind_chunk_tables <- function(parts, model_names = NULL) {
  rows <- lapply(parts, function(p) {
    if (length(model_names) > 1L && "model" %in% names(p)) {
      split(seq_len(nrow(p)), factor(p$model, levels = model_names))
    } else {
      list(seq_len(nrow(p)))
    }
  })
  groups <- seq_along(rows[[1L]])
  columns <- lapply(stats::setNames(nm = names(parts[[1L]])), function(col) {
    do.call(c, unlist(lapply(groups, function(g) {
      lapply(seq_along(parts), function(k) parts[[k]][[col]][rows[[k]][[g]]])
    }), recursive = FALSE))
  })
  out <- parts[[1L]]
  attributes(columns) <- c(attributes(out)[setdiff(names(attributes(out)), "row.names")],
                           list(row.names = c(NA_integer_, -length(columns[[1L]]))))
  columns
}
