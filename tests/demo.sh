#!/bin/sh
# tests/demo.sh - what muster does, end to end, with real output.
#
#   make demo        (MUSTER=build/muster FIXTURES=build/fixtures sh tests/demo.sh)
#
# Each step says what it shows, prints the command it runs and what came
# out, and checks the exit code and output it expects.  Every step runs:
# nothing is detected or skipped.  Every server the demo starts is stopped
# on exit.  Exit 0 when everything shown behaved as it should; 1 (after the
# whole demo) when anything did not.  Needs root (a PID namespace, a user
# to drop to) and the servers `make deps` installs (redis-server).
set -u

MUSTER=${MUSTER:-$(pwd)/build/muster}
FIXTURES=${FIXTURES:-$(pwd)/build/fixtures}
TMP=$(mktemp -d /tmp/muster-demo.XXXXXX) || exit 1
SERVERS=""
BAD=0

cleanup() {
	for p in $SERVERS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -t 1 ]; then
	B=$(printf '\033[1m') N=$(printf '\033[0m')
else
	B="" N=""
fi
step() { printf '\n%s=== %s%s\n' "$B" "$*" "$N"; }
say() { printf '    %s\n' "$*"; }
bad() {
	printf '!!! unexpected: %s\n' "$*"
	BAD=1
}
# The arguments, quoted the way a shell would need them.
quoted() {
	for a; do
		case $a in
		"" | *[!A-Za-z0-9_./:=@%+,-]*)
			printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")" ;;
		*) printf '%s ' "$a" ;;
		esac
	done
}
# Fail the demo unless the last run's output holds this line.
expect_line() { grep -qxF -- "$1" "$TMP/run.out" || bad "no line '$1' in the output"; }
# Print a command line, then run it (stderr with stdout, indented); its
# exit code goes to $rc.
run() {
	q=$(quoted "$@")
	printf '$ %s\n' "${q% }"
	"$@" >"$TMP/run.out" 2>&1
	rc=$?
	sed 's/^/    /' "$TMP/run.out"
	printf '    -> exit %s\n' "$rc"
}
expect_rc() { [ "$rc" = "$1" ] || bad "exit $rc, expected $1"; }

# A TCP port on 127.0.0.1 that nothing uses right now.
free_port() {
	while :; do
		p=$(shuf -i 20000-59999 -n 1)
		ss -Htan "( sport = :$p )" | grep -q . || break
	done
	echo "$p"
}

# Wait (up to 5 s) until something listens on 127.0.0.1:$1.
await_port() {
	i=0
	while [ $i -lt 100 ]; do
		ss -Htln "( sport = :$1 )" | grep -q . && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (PID namespaces)" >&2
	exit 1
fi
if [ ! -x "$MUSTER" ]; then
	echo "demo: MUSTER=$MUSTER is not an executable (run make first)" >&2
	exit 1
fi

step "muster: $("$MUSTER" --version)  ($MUSTER)"
file -L "$MUSTER" | sed 's/^[^:]*: /    /; s/, BuildID[^,]*//'

# --------------------------------------------------------------------------
step "1. PID 1: a workload in a fresh PID namespace, a forwarded TERM, zombies reaped"
say "muster is PID 1; the workload (PID 2) leaves 3 orphans behind, which PID 1"
say "must reap, starts a background sleep, then waits.  From outside we send TERM"
say "to muster: it forwards it, the workload exits 42, the leftover sleep is stopped,"
say "and muster exits 42 too."
cat >"$TMP/workload.sh" <<'EOF'
echo "workload: I am PID $$; PID 1 is $(cat /proc/1/comm)"
for i in 1 2 3; do sh -c 'sleep 0.2 &'; done
sleep 0.5
echo "workload: my 3 orphans have exited; processes in this namespace now:"
ps -eo pid,ppid,stat,args | sed 's/^/    | /'
zombies=$(ps -eo stat= | grep -c '^Z')
echo "workload: zombies: $zombies"
trap 'echo "workload: got TERM, exiting with 42"; exit 42' TERM
sleep 300 &
echo "workload: ready"
wait
EOF
printf '$ unshare --pid --fork --mount-proc %s -- sh workload.sh &   # then: kill -TERM <muster>\n' "$MUSTER"
unshare --pid --fork --mount-proc "$MUSTER" -- sh "$TMP/workload.sh" >"$TMP/pid1.out" 2>&1 &
upid=$!
mpid=""
i=0
while [ $i -lt 100 ] && ! grep -q 'workload: ready' "$TMP/pid1.out"; do
	sleep 0.05
	i=$((i + 1))
done
read -r mpid _ <"/proc/$upid/task/$upid/children" 2>/dev/null
if [ -n "$mpid" ] && grep -q 'workload: ready' "$TMP/pid1.out"; then
	say "(muster is PID $mpid on the host; sending it TERM)"
	kill -TERM "$mpid"
else
	bad "the workload did not get ready"
	kill -KILL "$upid" 2>/dev/null
fi
wait "$upid"
rc=$?
sed 's/^/    /' "$TMP/pid1.out"
printf '    -> exit %s\n' "$rc"
expect_rc 42
grep -q 'workload: zombies: 0' "$TMP/pid1.out" || bad "zombies were left"

step "1b. exit codes: killed by a signal is 128+N, not found is 127"
run unshare --pid --fork --mount-proc "$MUSTER" -- sh -c 'kill -KILL $$'
expect_rc 137
run unshare --pid --fork --mount-proc "$MUSTER" -- /no/such/program
expect_rc 127

# --------------------------------------------------------------------------
step "2. waiting for a real redis-server that starts late"
command -v redis-server >/dev/null || bad "redis-server is not installed (make deps)"
port=$(free_port)
say "muster waits for redis://127.0.0.1:$port; redis-server starts 1 s later."
printf '$ %s wait --timeout 15s redis://127.0.0.1:%s &\n' "$MUSTER" "$port"
"$MUSTER" wait --timeout 15s "redis://127.0.0.1:$port" &
wpid=$!
sleep 1
printf '$ redis-server --port %s --bind 127.0.0.1 --save "" &\n' "$port"
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
	--logfile "$TMP/redis.log" &
SERVERS="$SERVERS $!"
wait "$wpid"
rc=$?
printf '    -> muster wait: exit %s\n' "$rc"
expect_rc 0
say "and as PID 1, waiting before the workload starts:"
run "$MUSTER" -w "redis://127.0.0.1:$port" -- redis-cli -p "$port" ping
expect_rc 0
expect_line "PONG"
closed=$(free_port)
say "a dependency that never comes: exit 69 at the deadline, with the reason"
run "$MUSTER" wait --timeout 1s "tcp://127.0.0.1:$closed"
expect_rc 69

# --------------------------------------------------------------------------
step "3. a pre-start hook (a migration) before the workload"
run "$MUSTER" --pre "sh -c 'echo migrating: schema 1 to 2; sleep 0.2; echo migrated'" \
	-- sh -c 'echo "workload starts after the hook"'
expect_rc 0
expect_line "migrated"
expect_line "workload starts after the hook"
say "a failing hook stops the start; muster exits with the hook's code:"
run "$MUSTER" --pre "sh -c 'echo migration failed >&2; exit 3'" -- echo "never printed"
expect_rc 3
grep -q "never printed" "$TMP/run.out" && bad "the workload ran after a failed hook"

# --------------------------------------------------------------------------
step "4. a secret from a _FILE variable"
mkdir -p "$TMP/secrets"
printf 's3cr3t-pw' >"$TMP/secrets/db_password"
say "DB_PASSWORD_FILE points into --secrets-dir; the workload gets DB_PASSWORD"
say "(we print its length only: muster itself never logs a secret)."
printf '$ DB_PASSWORD_FILE=%s %s --secrets-dir %s -- sh -c ...\n' \
	"$TMP/secrets/db_password" "$MUSTER" "$TMP/secrets"
DB_PASSWORD_FILE="$TMP/secrets/db_password" "$MUSTER" --secrets-dir "$TMP/secrets" -- \
	sh -c 'echo "workload: DB_PASSWORD has ${#DB_PASSWORD} characters"' >"$TMP/run.out" 2>&1
rc=$?
sed 's/^/    /' "$TMP/run.out"
printf '    -> exit %s\n' "$rc"
expect_rc 0
expect_line "workload: DB_PASSWORD has 9 characters"

# --------------------------------------------------------------------------
step "5. dropping root: --user nobody"
run "$MUSTER" --user nobody -- sh -c \
	'id; grep -E "^(CapPrm|CapEff|CapBnd|NoNewPrivs):" /proc/self/status'
expect_rc 0
expect_line "CapEff:	0000000000000000"
expect_line "NoNewPrivs:	1"
grep -q "^uid=65534" "$TMP/run.out" || bad "the workload did not run as uid 65534"

# --------------------------------------------------------------------------
step "6. a health probe without curl"
hport=$(free_port)
mkdir -p "$TMP/www"
echo ok >"$TMP/www/index.html"
busybox httpd -f -p "127.0.0.1:$hport" -h "$TMP/www" &
SERVERS="$SERVERS $!"
await_port "$hport" || bad "busybox httpd did not start"
say "(a busybox httpd on 127.0.0.1:$hport; HEALTHCHECK CMD [\"/muster\", \"health\", URL])"
run "$MUSTER" health "http://127.0.0.1:$hport/"
expect_rc 0
run "$MUSTER" health "http://127.0.0.1:$hport/missing"
expect_rc 1

# --------------------------------------------------------------------------
step "7. muster config: the effective configuration, secrets redacted"
printf '$ DB_PASSWORD_FILE=... %s config --secrets-dir %s --grace 5s\n' "$MUSTER" "$TMP/secrets"
DB_PASSWORD_FILE="$TMP/secrets/db_password" "$MUSTER" config --secrets-dir "$TMP/secrets" \
	--grace 5s >"$TMP/run.out" 2>&1
rc=$?
sed 's/^/    /' "$TMP/run.out"
printf '    -> exit %s\n' "$rc"
expect_rc 0
expect_line "grace = 5s ; command line"
grep -q 's3cr3t-pw' "$TMP/run.out" && bad "the secret value was printed"

echo
if [ $BAD = 0 ]; then
	echo "demo: done, everything shown behaved as expected"
else
	echo "demo: done, but something above did not behave as expected (see !!!)"
fi
exit $BAD
