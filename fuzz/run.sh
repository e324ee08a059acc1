#!/usr/bin/env bash
# Builds the libFuzzer harnesses over lagrs's plain-C kernels, without R:
# the kernels' files (every src/ file but the *R.c entry points) include
# lagrs_c.h and no R header, and nothing links libR.  Runs each for
# FUZZ_SECONDS (default 60). Replays the
# regression corpus in fuzz/corpus/<target> first. Exits non-zero on a
# crash, a sanitizer report or a failed invariant.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"rolling arima ets"}

if ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a > /dev/null 2>&1; then
  echo "fuzz: installing libclang-rt-14-dev (libFuzzer and sanitizer runtimes)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y libclang-rt-14-dev > /dev/null || { echo "fuzz: apt-get failed"; exit 1; }
  else
    echo "fuzz: libclang-rt-14-dev is missing; run as root or install it"; exit 1
  fi
fi
build=${FUZZ_BUILD:-/tmp/lagrs-fuzz}
mkdir -p "$build"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Wno-unknown-pragmas"
status=0
for t in $targets; do
  case $t in
    rolling) srcs="fuzz/fuzz_rolling.c src/rolling.c src/rolling_sum.c src/rolling_order.c src/rolling_quantile.c src/threads.c" ;;
    arima) srcs="fuzz/fuzz_arima.c src/arima_spec.c src/arima_params.c src/arima_kalman.c src/arima_arma_filter.c src/arima_css.c src/arima_likelihood.c src/arima_fit.c src/arima_forecast.c src/arima_optim.c src/linalg.c" ;;
    ets) srcs="fuzz/fuzz_ets.c src/model.c src/model_ets.c src/ets_recursion.c src/ets_init.c src/ets_optim.c src/ets_select.c src/ets_forecast.c src/decompose.c src/unitroot.c src/stl.c src/nelder_mead.c src/linalg.c src/threads.c src/model_arima.c src/model_auto_arima.c src/model_baseline.c src/model_croston.c src/model_adida.c src/model_theta.c src/arima_spec.c src/arima_params.c src/arima_kalman.c src/arima_arma_filter.c src/arima_css.c src/arima_likelihood.c src/arima_fit.c src/arima_forecast.c src/arima_optim.c src/auto_arima.c src/auto_arima_plan.c" ;;
    *) echo "unknown target $t"; exit 1 ;;
  esac
  bin="$build/fuzz_$t"
  if ! clang-14 $cflags $srcs -o "$bin" -lm; then
    echo "fuzz: build of $t failed"; exit 1
  fi
  corpus="$build/corpus-$t"
  mkdir -p "$corpus" "fuzz/corpus/$t"
  # the committed regression inputs first
  if ls fuzz/corpus/$t/* > /dev/null 2>&1; then
    if ! "$bin" fuzz/corpus/$t/* > "$build/replay-$t.log" 2>&1; then
      tail -n 40 "$build/replay-$t.log"; echo "fuzz: $t: a regression input fails"; status=1; continue
    fi
  fi
  echo "== fuzz $t for ${seconds}s"
  "$bin" -max_total_time="$seconds" -max_len=2048 -len_control=10 -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$build/crash-$t-" "$corpus" "fuzz/corpus/$t" > "$build/$t.log" 2>&1
  rc=$?
  grep -E "^(#[0-9]+\s+DONE|Done [0-9]+ runs)" "$build/$t.log" | tail -n 2
  execs=$(grep -oE "^#[0-9]+" "$build/$t.log" | tail -n 1 | tr -d '#')
  echo "fuzz $t: ${seconds}s, ${execs:-?} executions, exit $rc"
  if [ $rc -ne 0 ]; then
    tail -n 60 "$build/$t.log"
    echo "fuzz: $t crashed; the input is in $build/crash-$t-*"
    status=1
  fi
done
exit $status
