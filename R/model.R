# Model objects: a `lagrs_model` describes a model without data. Its family
# names the C implementation (src/model_<family>.c, declared in
# src/model.h) and its options are a named double vector with exactly the
# option names that family declares in C; fit_batch() hands both to the one
# batch runner.

families_cache <- new.env(parent = emptyenv())

# What each C family declares (option, code and info names), read once.
model_families <- function() {
  if (is.null(families_cache$all)) families_cache$all <- .Call(C_model_families_call)
  families_cache$all
}

# A lagrs_model. `options` are named after the family's declared options
# (NA for "not given"); `spec` keeps the R-side description (for printing,
# refitting one series, and the batch object); `label` is its one-line name;
# `batch_class` is the subclass of its batches, if any. A family's R file
# gives its model class the methods batch_elements() (what its batches add)
# and member_fit() (one series' fit as a single-series object).
# `packed` is a double vector of nested options that follow the declared
# ones, named "packed" (the members of an ensemble); `coef_labels` renames
# the C names of the coefficients (a named character vector, C name = label).
new_lagrs_model <- function(family, options, spec, label, subclass = NULL,
                            batch_class = NULL, packed = NULL, coef_labels = NULL) {
  declared <- model_families()[[family]]$options
  if (is.null(declared) || !setequal(names(options), declared)) {
    stop("internal error: the options of a ", family, " model must be named ",
         paste(declared, collapse = ", "), call. = FALSE)
  }
  options <- vapply(declared, function(name) as.double(options[[name]]), 1)
  if (length(packed)) {
    options <- c(options, stats::setNames(as.double(packed), rep("packed", length(packed))))
  }
  structure(list(family = family, options = options, spec = spec, label = label,
                 batch_class = batch_class, coef_labels = coef_labels),
            class = c(subclass, "lagrs_model"))
}

#' @export
print.lagrs_model <- function(x, ...) {
  cat("<lagrs_model> ", x$label, "\n", sep = "")
  invisible(x)
}

#' @export
format.lagrs_model <- function(x, ...) x$label

#' ARIMA model objects
#'
#' `arima_model()` describes an ARIMA model without data, for [fit_batch()]
#' (and the cross-validation and ensembles built on it). With `order` given
#' it is a fixed-order ARIMA, fitted as [arima_fit()] fits it; with `order`
#' and `seasonal` left `NULL` it is the automatic search of [auto_arima()],
#' and every option of [auto_arima()] may be given in `...`, as in fable's
#' `ARIMA()`, where leaving the orders out means "search".
#'
#' @param order The non-seasonal order `c(p, d, q)`, or `NULL` to search.
#' @param seasonal The seasonal order `c(P, D, Q)` (or a list with `order`
#'   and `period`, as in [stats::arima()]). `NULL` means `c(0, 0, 0)` for a
#'   fixed order and "search" for the automatic model.
#' @param period The seasonal period. `NULL` (the default) uses each
#'   series' own frequency, so a collection may mix yearly, quarterly and
#'   monthly series; a number overrides every series' frequency. It only
#'   matters for a seasonal model.
#' @param include_mean,include_drift,method As in [arima_fit()] (fixed
#'   orders only).
#' @param ... Options of the automatic search, as in [auto_arima()]
#'   (`max_p`, `ic`, `stepwise`, `d`, `D`, `allow_drift`, ...).
#' @return An object of class `lagrs_model`, which prints in one line.
#' @seealso [fit_batch()], [arima_fit()], [auto_arima()].
#' @export
#' @examples
#' arima_model(c(0, 1, 1), c(0, 1, 1), period = 12)
#' arima_model()
#' arima_model(max_p = 2, ic = "bic")
arima_model <- function(order = NULL, seasonal = NULL, period = NULL, include_mean = TRUE,
                        include_drift = FALSE, method = c("CSS-ML", "ML", "CSS"), ...) {
  if (is.null(order)) {
    if (!is.null(seasonal)) {
      stop("`order` must be given with `seasonal`: leave both NULL for the automatic ",
           "search.", call. = FALSE)
    }
    return(auto_arima_model(period = period, ...))
  }
  if (...length() > 0L) {
    stop("`...` takes options of the automatic search, which a fixed-order model ",
         "(`order` given) does not use: ", paste(names(list(...)), collapse = ", "), ".",
         call. = FALSE)
  }
  spec <- batch_spec(order, if (is.null(seasonal)) c(0L, 0L, 0L) else seasonal, period,
                     include_mean, include_drift, check_batch_method(method))
  options <- c(stats::setNames(c(spec$order, spec$seasonal), c("p", "d", "q", "P", "D", "Q")),
               period = if (is.null(spec$period)) NA_real_ else spec$period,
               include_mean = spec$include_mean, include_drift = spec$include_drift,
               method = spec$method_code)
  new_lagrs_model("arima", options, spec, model_label(spec), subclass = "lagrs_arima_model")
}

# The automatic search as a model; the options are auto_arima()'s.
auto_arima_model <- function(period = NULL, max_p = 5, max_q = 5, max_P = 2, max_Q = 2,
                             max_order = 5, max_d = 2, max_D = 1, start_p = 2, start_q = 2,
                             start_P = 1, start_Q = 1, ic = c("aicc", "aic", "bic"),
                             stepwise = TRUE, nmodels = 94, approximation = NULL, d = NULL,
                             D = NULL, allow_drift = TRUE, allow_mean = TRUE, seasonal = TRUE) {
  search <- auto_options(max_p, max_q, max_P, max_Q, max_order, max_d, max_D, start_p,
                         start_q, start_P, start_Q, ic, stepwise, nmodels, approximation,
                         d, D, allow_drift, allow_mean, seasonal)
  names(search) <- auto_option_names
  period <- if (is.null(period)) NA_real_ else check_auto_period(period)
  new_lagrs_model("auto_arima", c(search, period = period),
                  list(period = if (is.na(period)) NULL else period),
                  "ARIMA(auto)", subclass = "lagrs_auto_model",
                  batch_class = "lagrs_auto_batch")
}

# The option names of auto_options()'s vector, in its order.
auto_option_names <- c("max_p", "max_q", "max_P", "max_Q", "max_order", "max_d", "max_D",
                       "start_p", "start_q", "start_P", "start_Q", "ic", "stepwise",
                       "nmodels", "approximation", "d", "D", "allow_drift", "allow_mean",
                       "seasonal")

# "ARIMA(p,d,q)(P,D,Q)[period]", with [m] for "each series' own frequency".
model_label <- function(spec) {
  period <- spec$period
  if (is.null(period) || is.na(period)) period <- "m"
  out <- sprintf("ARIMA(%d,%d,%d)", spec$order[1L], spec$order[2L], spec$order[3L])
  if (any(spec$seasonal > 0L)) {
    out <- sprintf("%s(%d,%d,%d)[%s]", out, spec$seasonal[1L], spec$seasonal[2L],
                   spec$seasonal[3L], period)
  }
  out
}

# Checks `model`: one lagrs_model, or a named list of them.
check_models <- function(model) {
  if (inherits(model, "lagrs_model")) return(list(model))
  ok <- is.list(model) && length(model) > 0L &&
    all(vapply(model, inherits, TRUE, "lagrs_model"))
  if (!ok) {
    stop("`model` must be a lagrs_model (such as arima_model()) or a named list of them, ",
         "not ", describe_value(model), ".", call. = FALSE)
  }
  nm <- names(model)
  if (is.null(nm) || anyNA(nm) || any(!nzchar(nm)) || anyDuplicated(nm)) {
    stop("`model` must be a list with unique, non-empty names, one per model.", call. = FALSE)
  }
  model
}
