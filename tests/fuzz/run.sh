#!/bin/sh
# make fuzz: run every libFuzzer target for FUZZ_TIME seconds, one after the
# other, and print executions and crashes per target.  The working corpus
# grows in build/corpus/NAME (seeded from tests/fuzz/corpus/NAME); crash
# inputs land in build/fuzz/crashes/.  Exits 1 if any target crashed.
# usage: run.sh SECONDS BINARY...
set -u
t=$1
shift
mkdir -p build/fuzz/crashes build/fuzz/logs
report=build/fuzz/report.txt
printf '%-18s %8s %12s %10s %8s\n' target seconds executions exec/s crashes >"$report"
bad=0
for f in "$@"; do
	n=$(basename "$f")
	log=build/fuzz/logs/$n.log
	mkdir -p "build/corpus/$n"
	before=$(ls build/fuzz/crashes | grep -c "^$n-" || true)
	"$f" -max_total_time="$t" -print_final_stats=1 \
		-artifact_prefix="build/fuzz/crashes/$n-" \
		"build/corpus/$n" "tests/fuzz/corpus/${n#fuzz_}" >"$log" 2>&1
	rc=$?
	after=$(ls build/fuzz/crashes | grep -c "^$n-" || true)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	crashes=$((after - before))
	[ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1 # e.g. a leak or OOM without an artifact
	[ "$crashes" -ne 0 ] && bad=1
	printf '%-18s %8s %12s %10s %8s\n' "$n" "$t" "${execs:-?}" "${rate:-?}" "$crashes" >>"$report"
	[ "$crashes" -ne 0 ] && grep -E 'ERROR|SUMMARY' "$log" | head -n 3
done
cat "$report"
exit $bad
