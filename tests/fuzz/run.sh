#!/bin/sh
# make fuzz: run every libFuzzer target, one after the other, and print
# executions and crashes per target (also in build/fuzz/report.txt).
#   FUZZ_TIME=S   each target S seconds: exploration, different every run
#   FUZZ_RUNS=N   each target N inputs with seed 1, from the committed
#                 seeds only (what CI runs: the seeds, which include every
#                 input that ever crashed, then mutations that are largely,
#                 not bit-for-bit, the same from run to run)
# The working corpus grows in build/corpus/NAME (seeded from
# tests/fuzz/corpus/NAME; not with FUZZ_RUNS); crash inputs land in
# build/fuzz/crashes/.  Exits 1 if any target crashed.
# usage: run.sh BINARY...
set -u
mkdir -p build/fuzz/crashes build/fuzz/logs
report=build/fuzz/report.txt
if [ -n "${FUZZ_RUNS:-}" ]; then
	how="-runs=$FUZZ_RUNS -seed=1"
	printf '%-18s %12s %10s %8s   (FUZZ_RUNS=%s, seed 1)\n' target executions exec/s crashes \
		"$FUZZ_RUNS" >"$report"
else
	how="-max_total_time=${FUZZ_TIME:-30}"
	printf '%-18s %12s %10s %8s   (FUZZ_TIME=%ss each)\n' target executions exec/s crashes \
		"${FUZZ_TIME:-30}" >"$report"
fi
bad=0
for f in "$@"; do
	n=$(basename "$f")
	log=build/fuzz/logs/$n.log
	if [ -n "${FUZZ_RUNS:-}" ]; then
		corpus=$(mktemp -d) # a scratch corpus: the seeds alone decide the inputs
	else
		corpus=build/corpus/$n
		mkdir -p "$corpus"
	fi
	before=$(ls build/fuzz/crashes | grep -c "^$n-" || true)
	# shellcheck disable=SC2086
	"$f" $how -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$n-" \
		"$corpus" "tests/fuzz/corpus/${n#fuzz_}" >"$log" 2>&1
	rc=$?
	[ -n "${FUZZ_RUNS:-}" ] && rm -rf "$corpus"
	after=$(ls build/fuzz/crashes | grep -c "^$n-" || true)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	crashes=$((after - before))
	[ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1 # e.g. a leak or OOM without an artifact
	[ "$crashes" -ne 0 ] && bad=1
	printf '%-18s %12s %10s %8s\n' "$n" "${execs:-?}" "${rate:-?}" "$crashes" >>"$report"
	[ "$crashes" -ne 0 ] && grep -E 'ERROR|SUMMARY' "$log" | head -n 3
done
cat "$report"
exit $bad
