# (series, model) pairs from R's datasets on which arima_fit() is compared
# with stats::arima(). Each entry: the series, the arguments shared by both
# calls, and optionally xreg with its future values for predict().
arima_reference_cases <- function() {
  t_lh <- seq_along(LakeHuron)
  xr2 <- cbind(trend = t_lh, wave = sin(t_lh / 3))
  xr2_new <- cbind(trend = 98 + 1:24, wave = sin((98 + 1:24) / 3))
  law <- as.numeric(time(UKDriverDeaths) >= 1983 + 1 / 12)
  list(
    list(name = "lh (1,0,0)", y = lh, order = c(1, 0, 0)),
    list(name = "lh (3,0,0) ML", y = lh, order = c(3, 0, 0), method = "ML"),
    list(name = "lh (1,0,1) CSS", y = lh, order = c(1, 0, 1), method = "CSS"),
    list(name = "LakeHuron (2,0,0) xreg trend", y = LakeHuron, order = c(2, 0, 0),
         xreg = cbind(trend = t_lh), newxreg = cbind(trend = 98 + 1:24)),
    list(name = "LakeHuron (1,0,0) 2 xreg", y = LakeHuron, order = c(1, 0, 0),
         xreg = xr2, newxreg = xr2_new),
    list(name = "LakeHuron (1,0,1) no mean", y = LakeHuron, order = c(1, 0, 1),
         include.mean = FALSE),
    list(name = "Nile (1,1,1)", y = Nile, order = c(1, 1, 1)),
    list(name = "Nile (0,1,1) CSS", y = Nile, order = c(0, 1, 1), method = "CSS"),
    list(name = "WWWusage (3,1,0)", y = WWWusage, order = c(3, 1, 0)),
    list(name = "WWWusage (1,2,1)", y = WWWusage, order = c(1, 2, 1)),
    list(name = "lynx (2,0,0)", y = lynx, order = c(2, 0, 0)),
    list(name = "log10(lynx) (2,0,1) ML", y = log10(lynx), order = c(2, 0, 1),
         method = "ML"),
    list(name = "sunspot.year (2,0,0) CSS", y = sunspot.year, order = c(2, 0, 0),
         method = "CSS"),
    list(name = "log(AirPassengers) (0,1,1)(0,1,1)", y = log(AirPassengers),
         order = c(0, 1, 1), seasonal = c(0, 1, 1)),
    list(name = "log(AirPassengers) (2,1,0)(1,1,0)", y = log(AirPassengers),
         order = c(2, 1, 0), seasonal = c(1, 1, 0)),
    list(name = "USAccDeaths (0,1,1)(0,1,1)", y = USAccDeaths,
         order = c(0, 1, 1), seasonal = c(0, 1, 1)),
    list(name = "USAccDeaths (1,0,0)(1,1,0) ML", y = USAccDeaths,
         order = c(1, 0, 0), seasonal = c(1, 1, 0), method = "ML"),
    list(name = "ldeaths (1,0,0)(1,0,0)", y = ldeaths, order = c(1, 0, 0),
         seasonal = c(1, 0, 0)),
    list(name = "ldeaths (1,0,1)(0,1,1) CSS", y = ldeaths, order = c(1, 0, 1),
         seasonal = c(0, 1, 1), method = "CSS"),
    list(name = "log(UKgas) (0,1,1)(0,1,1)", y = log(UKgas), order = c(0, 1, 1),
         seasonal = c(0, 1, 1)),
    list(name = "presidents (1,0,0) NA", y = presidents, order = c(1, 0, 0)),
    list(name = "presidents (3,0,0) NA ML", y = presidents, order = c(3, 0, 0),
         method = "ML"),
    list(name = "presidents (2,0,0) NA CSS", y = presidents, order = c(2, 0, 0),
         method = "CSS"),
    list(name = "austres (1,2,0)", y = austres, order = c(1, 2, 0)),
    list(name = "uspop (0,2,1)", y = uspop, order = c(0, 2, 1)),
    list(name = "BJsales (0,1,1) xreg lead", y = BJsales, order = c(0, 1, 1),
         xreg = cbind(lead = as.numeric(BJsales.lead)),
         newxreg = cbind(lead = rep(as.numeric(BJsales.lead)[150], 24))),
    list(name = "UKDriverDeaths (1,0,0)(1,0,0) xreg law", y = log(UKDriverDeaths),
         order = c(1, 0, 0), seasonal = c(1, 0, 0),
         xreg = cbind(law = law), newxreg = cbind(law = rep(1, 24))),
    list(name = "discoveries (1,0,1) CSS-ML", y = discoveries, order = c(1, 0, 1)),
    list(name = "treering[1:300] (2,0,1)", y = treering[1:300], order = c(2, 0, 1)),
    list(name = "lh (2,0,0) fixed ar2", y = lh, order = c(2, 0, 0),
         fixed = c(NA, 0, NA), transform.pars = FALSE)
  )
}

# Fits one case with both packages; returns a one-row data.frame of
# deviations (NA where the optima differ, so only loglik is comparable).
arima_compare_case <- function(case, h = 24) {
  seasonal <- if (is.null(case$seasonal)) c(0, 0, 0) else case$seasonal
  method <- if (is.null(case$method)) "CSS-ML" else case$method
  include_mean <- if (is.null(case$include.mean)) TRUE else case$include.mean
  transform <- if (is.null(case$transform.pars)) TRUE else case$transform.pars
  ref <- suppressWarnings(stats::arima(case$y, order = case$order,
    seasonal = list(order = seasonal, period = frequency(case$y)),
    xreg = case$xreg, include.mean = include_mean, method = method,
    fixed = case$fixed, transform.pars = transform))
  fit <- suppressWarnings(arima_fit(case$y, order = case$order,
    seasonal = seasonal, xreg = case$xreg, include_mean = include_mean,
    method = method, fixed = case$fixed, transform_pars = transform))
  same <- abs(fit$loglik - ref$loglik) < 1e-4
  out <- data.frame(name = case$name, d_loglik = fit$loglik - ref$loglik,
                    d_aic = NA_real_, d_coef = NA_real_, d_sigma2 = NA_real_,
                    d_var = NA_real_, d_pred = NA_real_, d_se = NA_real_,
                    same_optimum = same)
  if (same) {
    p_ref <- stats::predict(ref, n.ahead = h, newxreg = case$newxreg)
    p_fit <- stats::predict(fit, n.ahead = h, newxreg = case$newxreg)
    out$d_aic <- if (is.na(ref$aic)) {
      if (is.na(fit$aic)) 0 else Inf
    } else abs(fit$aic - ref$aic)
    out$d_coef <- max(abs(coef(fit) - coef(ref)))
    out$d_sigma2 <- abs(fit$sigma2 / ref$sigma2 - 1)
    out$d_var <- if (length(ref$var.coef)) max(abs(fit$var.coef - ref$var.coef) /
                                                 pmax(abs(ref$var.coef), 1e-8)) else 0
    out$d_pred <- max(abs(as.numeric(p_fit$pred) / as.numeric(p_ref$pred) - 1))
    out$d_se <- max(abs(as.numeric(p_fit$se) / as.numeric(p_ref$se) - 1))
  }
  out
}
