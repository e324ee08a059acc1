# Ensembles (src/model_ensemble.c): a model whose members are other models,
# fitted on each series in the same unit of work and combined per step.

#' Ensembles of models
#'
#' `ensemble_model()` combines other models: each series is fitted by every
#' member (in the same unit of work of the batch runner, so all members of all
#' series run in one parallel pass) and the members' forecasts are combined
#' step by step. An ensemble is a `lagrs_model` like any other, so
#' [fit_batch()], [forecast()], [cross_validate()], [accuracy()] and the
#' future backend work for it, and an ensemble can be compared with its
#' members in one `cross_validate()` call.
#'
#' @section Combinations:
#' * `"mean"`: the mean of the members' point forecasts.
#' * `"median"`: their median (the mean of the two middle ones for an even
#'   number of members), as the third-best method of the M4 competition
#'   combined ETS, CES, ARIMA and DOTM.
#' * `"weighted"`: a weighted mean with per-series weights. `weights = "cv"`
#'   weighs each member by the inverse of its mean squared error over
#'   `cv_windows` rolling origins (the last ones, one step apart, each
#'   forecasting `cv_h` steps ahead), as Bates and Granger (1969) weigh by
#'   the inverse error variance. `weights = "ic"` takes Akaike weights,
#'   \eqn{w_m \propto \exp(-\Delta_m / 2)} with \eqn{\Delta_m} the member's
#'   AICc minus the smallest; it needs members of one family, whose
#'   likelihoods are comparable. Weights sum to 1; they are the coefficients
#'   of each series' fit (`coef(batch)`, one column per member).
#'
#' @section Intervals:
#' * `"quantile"`: each bound is the members' bounds combined as the point
#'   forecasts are (averaged with the same weights, or their median).
#'   Members without intervals (the intermittent-demand methods) are left
#'   out of the bounds.
#' * `"conformal"`: split conformal intervals (Vovk, Gammerman and Shafer,
#'   2005; statsforecast's `ConformalIntervals`). The combination is
#'   cross-validated on `cv_windows` rolling origins; the absolute errors at
#'   step \eqn{j} are that step's scores, and the bound at level \eqn{L} is
#'   the combined forecast minus and plus the
#'   \eqn{\lceil (W + 1) L / 100 \rceil}-th smallest of the \eqn{W} scores
#'   (the largest when that rank exceeds \eqn{W}, so a level above
#'   \eqn{100 W / (W + 1)} percent is not reached: use more windows for
#'   wide levels). Steps beyond `cv_h` have no bounds (`NA`). These bounds
#'   stay calibrated when the members' model-based intervals are not.
#'   An ensemble of one member gives conformal intervals for any model.
#'
#' @section Failures:
#' A member that fails on a series is left out of that series' combination:
#' the series gets the status `"warning"` and a message that names the
#' member. The series fails only when every member fails.
#'
#' The cross-validation keeps at least two seasons of a seasonal series (six
#' values of one without seasons) before its first origin, so a short series
#' gets fewer windows than `cv_windows` (the batch's code `cv_windows` gives
#' how many it had). A series too short for a single window gets equal
#' weights and no conformal bounds, with a warning.
#'
#' @param ... The members: named `lagrs_model`s (not ensembles), for example
#'   `arima = arima_model(), theta = theta_model()`.
#' @param combine `"mean"`, `"median"` or `"weighted"`.
#' @param weights For `combine = "weighted"`: `"cv"` or `"ic"` (or
#'   `"equal"`, the same as `"mean"`).
#' @param intervals `"quantile"` or `"conformal"`.
#' @param cv_h The horizon of the cross-validation that `"cv"` weights and
#'   conformal intervals use; `NULL` means each series' seasonal period, or
#'   6 for a series without one.
#' @param cv_windows The number of rolling origins of that cross-validation.
#' @return A `lagrs_model`.
#' @seealso [fit_batch()], [cross_validate()].
#' @export
#' @examples
#' set.seed(8)
#' skus <- lapply(1:4, function(i) ts(50 + cumsum(rnorm(60)), frequency = 12))
#' names(skus) <- paste0("SKU-", 1:4)
#' combo <- ensemble_model(arima = arima_model(c(0, 1, 1)), theta = theta_model(),
#'                         naive = naive_model())
#' fit <- fit_batch(skus, combo)
#' coef(fit)
#' head(forecast(fit, h = 6, members = TRUE))
ensemble_model <- function(..., combine = c("mean", "median", "weighted"),
                           weights = c("equal", "cv", "ic"),
                           intervals = c("quantile", "conformal"), cv_h = NULL,
                           cv_windows = 3) {
  members <- check_members(list(...))
  combine <- check_choice(combine, "combine", names(lagrs_codes("ensemble_combine")))
  weights <- check_choice(weights, "weights", names(lagrs_codes("ensemble_weights")))
  intervals <- check_choice(intervals, "intervals", names(lagrs_codes("ensemble_intervals")))
  if (weights != "equal" && combine != "weighted") {
    stop("`weights = \"", weights, "\"` needs `combine = \"weighted\"`.", call. = FALSE)
  }
  if (combine == "weighted" && weights == "ic" &&
      length(unique(vapply(members, `[[`, "", "family"))) > 1L) {
    stop("`weights = \"ic\"` needs members of one family, whose likelihoods compare; ",
         "these are of the families ",
         paste(unique(vapply(members, `[[`, "", "family")), collapse = ", "), ".",
         call. = FALSE)
  }
  cv_h <- if (is.null(cv_h)) NA_real_ else check_count(cv_h, "cv_h")
  cv_windows <- check_count(cv_windows, "cv_windows")
  packed <- unlist(lapply(members, pack_member), use.names = FALSE)
  options <- c(combine = lagrs_codes("ensemble_combine")[[combine]],
               weights = lagrs_codes("ensemble_weights")[[weights]],
               intervals = lagrs_codes("ensemble_intervals")[[intervals]],
               cv_h = cv_h, cv_windows = cv_windows, n_members = length(members),
               n_packed = length(packed))
  spec <- list(members = members, combine = combine, weights = weights,
               intervals = intervals, cv_h = if (is.na(cv_h)) NULL else cv_h,
               cv_windows = cv_windows)
  label <- sprintf("Ensemble(%s: %s)", combine, paste(names(members), collapse = ", "))
  new_lagrs_model("ensemble", options, spec, label, subclass = "lagrs_ensemble_model",
                  batch_class = "lagrs_ensemble_batch", packed = packed,
                  coef_labels = stats::setNames(names(members),
                                                paste0("weight_", seq_along(members))))
}

check_members <- function(members) {
  limit <- lagrs_codes("ensemble_limits")[["max_members"]]
  nm <- names(members)
  ok <- length(members) >= 1L && length(members) <= limit &&
    all(vapply(members, inherits, TRUE, "lagrs_model"))
  if (!ok) {
    stop("`...` must be 1 to ", limit, " lagrs_models (such as arima_model()), the ",
         "ensemble's members.", call. = FALSE)
  }
  if (is.null(nm) || anyNA(nm) || any(!nzchar(nm)) || anyDuplicated(nm)) {
    stop("`...` must name every member once: ensemble_model(arima = arima_model(), ",
         "theta = theta_model()).", call. = FALSE)
  }
  if (any(vapply(members, inherits, TRUE, "lagrs_ensemble_model"))) {
    stop("`...` must not hold ensembles: list their members instead.", call. = FALSE)
  }
  members
}

# A member as the C family reads it: its family's position in the table, the
# count of its options, its options.
pack_member <- function(model) {
  index <- match(model$family, names(model_families())) - 1L
  c(index, length(model$options), unname(model$options))
}

# Messages name members by position in C ("member 2"); here by their names.
#' @export
batch_elements.lagrs_ensemble_model <- function(model, fits, ids) {
  members <- names(model$spec$members)
  message <- fits$message
  for (m in rev(seq_along(members))) {
    message <- gsub(paste0("member ", m, "\\b"), paste0("member \"", members[m], "\""),
                    message)
  }
  list(message = stats::setNames(message, ids))
}

#' @rdname forecast.lagrs_batch
#' @param members For an ensemble's batch: `TRUE` adds the members' own
#'   forecasts, with a `model` column naming each (`"ensemble"` for the
#'   combination).
#' @export
forecast.lagrs_ensemble_batch <- function(object, h = 10, level = c(80, 95),
                                          progress = NULL, workers = c("auto", "local"),
                                          members = FALSE, ...) {
  check_flag(members, "members")
  combined <- NextMethod()
  if (!members) return(combined)
  x <- unclass(object)
  parts <- lapply(seq_along(x$model$spec$members), function(m) {
    forecast(member_batch(object, m), h = h, level = level, progress = progress,
             workers = workers)
  })
  names(parts) <- names(x$model$spec$members)
  out <- stack_models(c(list(ensemble = combined), parts))
  attr(out, "level") <- attr(combined, "level")
  attr(out, "h") <- attr(combined, "h")
  class(out) <- c("lagrs_batch_forecast", "data.frame")
  out
}

# Member m of an ensemble batch, as a batch of that member's model alone
# (the same fits, taken out of the ensemble's states).
member_batch <- function(object, m) {
  x <- unclass(object)
  parts <- .Call(C_ensemble_member_states_call, x$fits$state, x$fits$state_length, m)
  usable <- parts$status <= lagrs_codes("fit_status")[["warning"]]
  x$model <- x$model$spec$members[[m]]
  x$fits[names(parts)] <- parts
  x$status[] <- ifelse(usable, "ok", "error")
  structure(x, class = "lagrs_batch")
}

# An ensemble's plot draws each member's forecast faintly beside the
# combination.
#' @export
plot_behind.lagrs_ensemble_batch <- function(x, h) {
  members <- unclass(x)$model$spec$members
  means <- lapply(seq_along(members), function(m) forecast(member_batch(x, m), h = h,
                                                            level = 80)[c("id", "mean")])
  colours <- grDevices::hcl.colors(length(members), "Dark 3", alpha = 0.5)
  function(id, times) {
    for (m in seq_along(members)) {
      graphics::lines(as.numeric(times), means[[m]]$mean[means[[m]]$id == id], col = colours[m],
                      lwd = 1)
    }
    graphics::legend("topleft", legend = names(members), col = colours, lwd = 1, bty = "n",
                     cex = 0.7)
  }
}

#' Conformal prediction intervals for any model
#'
#' `conformal_model(model)` is `model` with split conformal intervals: the
#' model is cross-validated on each series at `windows` rolling origins (the
#' last ones, one step apart, each forecasting `h` steps), and the bounds at
#' step \eqn{j} come from the absolute errors at that step, as described in
#' [ensemble_model()] (it is an ensemble of one member). With \eqn{W}
#' windows a level up to \eqn{100 W / (W + 1)} percent is reached: the
#' default of 19 windows reaches 95%.
#'
#' @param model A `lagrs_model`.
#' @param h The calibrated horizon; `NULL` means each series' seasonal
#'   period, or 6. Forecasts beyond it have no bounds.
#' @param windows The number of rolling origins.
#' @return A `lagrs_model`.
#' @export
#' @examples
#' set.seed(2)
#' y <- list(a = 20 + cumsum(rnorm(80)), b = 20 + cumsum(rnorm(80)))
#' fit <- fit_batch(y, conformal_model(naive_model(), h = 4))
#' forecast(fit, h = 4, level = 80)
conformal_model <- function(model, h = NULL, windows = 19) {
  if (!inherits(model, "lagrs_model") || inherits(model, "lagrs_ensemble_model")) {
    stop("`model` must be a lagrs_model that is not an ensemble (an ensemble takes ",
         "`intervals = \"conformal\"` itself), not ", describe_value(model), ".", call. = FALSE)
  }
  out <- ensemble_model(model = model, intervals = "conformal", cv_h = h,
                        cv_windows = windows)
  out$label <- paste0(model$label, " with conformal intervals")
  out
}
