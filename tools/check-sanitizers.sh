#!/usr/bin/env bash
# Builds lagrs with -fsanitize=address,undefined into a private library and
# runs the whole test suite against it. R itself is not instrumented, so the
# ASan runtime is preloaded. Leak detection is off: R's own allocations at
# exit are not ours (valgrind covers leaks). Exits non-zero on any report.
set -uo pipefail
cd "$(dirname "$0")/.."
lib=$(mktemp -d)
log=$(mktemp)
R_MAKEVARS_USER="$PWD/tools/sanitize.mk" R CMD INSTALL --preclean --no-multiarch --no-test-load --library="$lib" . > "$log" 2>&1 || { cat "$log"; exit 1; }
rm -f src/*.o src/*.so
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
out=$(mktemp)
LD_PRELOAD="$asan $ubsan" \
ASAN_OPTIONS="detect_leaks=0" \
UBSAN_OPTIONS="print_stacktrace=1" \
R_LIBS="$lib" Rscript tools/run-tests.R 2>&1 | tee "$out"
test_status=${PIPESTATUS[0]}
reports=$(grep -cE "ERROR: AddressSanitizer|runtime error:" "$out")
if [ "$reports" -gt 0 ] || [ "$test_status" -ne 0 ]; then
  echo "sanitizers: $reports reports, test exit status $test_status"
  exit 1
fi
echo "sanitizers: 0 reports"
