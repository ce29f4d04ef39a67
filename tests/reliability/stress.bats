#!/usr/bin/env bats
# Load and concurrency: many readers, rewriting writers and namespaces
# that come and go never make a caller see an empty, half-written or
# another namespace's file, and the daemon does not grow.
#
# RCFS_STRESS=full runs the issue's full figures (a million reads, 10,000
# rewrites, 10,000 namespaces); the default is smaller and fits the CI.

load ../helpers/common

local_setup() {
	rcfs_stress_fixture
}

@test "4 readers in 3 namespaces see no empty, partial or foreign file while 2 writers rewrite them" {
	local writes sets min_reads stop out wout i n
	if rcfs_stress_full; then
		writes=9000 sets=1000 min_reads=1000000
	elif rcfs_sanitized; then
		# a sanitizer build serves a few hundred requests a second
		writes=300 sets=30 min_reads=10000
	else
		writes=1500 sets=150 min_reads=100000
	fi
	stop=$RCFS_TMP/stop
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"

	"$RCFS_STRESS_BIN" read -t 4 -n "$min_reads" -s "$stop" "$MP" \
		"${NSARGS[@]}" > "$RCFS_TMP/read.out" 2>&1 &
	local reader=$!
	rcfs_track_pid "$reader"
	# writer 1: through the mount, as an editor saves
	"$RCFS_STRESS_BIN" write -n "$writes" "$MP" "${NSARGS[@]}" \
		> "$RCFS_TMP/write.out" 2>&1 &
	local writer=$!
	rcfs_track_pid "$writer"
	# writer 2: netnsctl set, the scripts' way
	local set_failed=0
	for ((i = 0; i < sets; i++)); do
		n=${NS[i % 3]}
		"$NETNSCTL" set "$n" nameserver "10.200.$((i / 250)).$((i % 250 + 1))" \
			search "$n.test" >/dev/null 2>>"$RCFS_TMP/set.err" ||
			set_failed=$((set_failed + 1))
	done
	# a failed wait must not end the test before the figures are out
	local wstatus=0 rstatus=0
	wait "$writer" || wstatus=$?
	# the readers go on until they have done at least min_reads
	touch "$stop"
	wait "$reader" || rstatus=$?
	out=$(cat "$RCFS_TMP/read.out")
	wout=$(cat "$RCFS_TMP/write.out")
	rcfs_figure "readers: $out"
	rcfs_figure "writer through the mount: $wout; netnsctl set: $sets runs, $set_failed failed"
	rcfs_figure "rewrites: $((writes + sets)), bad reads: $(( $(figure empty "$out") + $(figure partial "$out") + $(figure foreign "$out") ))"
	[ "$(figure empty "$out")" = 0 ]
	[ "$(figure partial "$out")" = 0 ]
	[ "$(figure foreign "$out")" = 0 ]
	[ "$(figure errors "$out")" = 0 ]
	[ "$rstatus" = 0 ]
	[ "$wstatus" = 0 ]
	[ "$set_failed" = 0 ] || { cat "$RCFS_TMP/set.err"; false; }
	# every file is whole at the end, and is its own namespace's
	for n in "${NS[@]}"; do
		run "$RCFS_STRESS_BIN" check "$n" "$BACKING/$n.conf"
		assert_output ok
	done
	kill -0 "$RCFS_DAEMON_PID"
}

# churn_named PREFIX N: N named namespaces, each read once and deleted
churn_named() {
	local i n
	for ((i = 0; i < $2; i++)); do
		n=$(rcfs_name "$1-$i")
		ip netns add "$n" || return 1
		"$SETNS_CAT" "/run/netns/$n" "$MP" > /dev/null || return 1
		ip netns delete "$n" || return 1
	done
}

@test "10,000 namespaces made and destroyed under load leave the daemon's memory and descriptors as they were" {
	local count named stop rss0 fd0 th0 rss1 fd1 th1 out
	if rcfs_stress_full; then
		count=10000 named=500
	elif rcfs_sanitized; then
		count=200 named=5
	else
		count=1000 named=20
	fi
	stop=$RCFS_TMP/stop
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	"$RCFS_STRESS_BIN" read -t 4 -n 0 -s "$stop" "$MP" "${NSARGS[@]}" \
		> "$RCFS_TMP/read.out" 2>&1 &
	local reader=$!
	rcfs_track_pid "$reader"
	# warm up: the worker threads and their arenas exist from here on
	run "$RCFS_STRESS_BIN" churn -n 300 -j 4 "$MP"
	assert_success
	churn_named warm 5
	# the process that serves (the daemon's PID is its keeper's)
	local srv
	srv=$(rcfs_server_pid "$MP")
	rss0=$(rcfs_proc_rss_kb "$srv")
	fd0=$(rcfs_proc_fds "$srv")
	th0=$(ls "/proc/$srv/task" | wc -l)

	run "$RCFS_STRESS_BIN" churn -n "$count" -j 4 "$MP"
	assert_success
	out=$output
	# named ones too: the daemon's name map grows and shrinks
	churn_named churn "$named"
	touch "$stop"
	local rstatus=0
	wait "$reader" || rstatus=$?
	rss1=$(rcfs_proc_rss_kb "$srv")
	fd1=$(rcfs_proc_fds "$srv")
	th1=$(ls "/proc/$srv/task" | wc -l)
	rcfs_figure "anonymous namespaces: $out; named: $named"
	rcfs_figure "readers meanwhile: $(cat "$RCFS_TMP/read.out")"
	rcfs_figure "daemon RSS ${rss0} kB -> ${rss1} kB, fds $fd0 -> $fd1, threads $th0 -> $th1"
	[ "$rstatus" = 0 ]
	[ "$fd1" -le $((fd0 + fd0 / 10)) ]
	if rcfs_sanitized; then
		# ASan's quarantine keeps freed memory on purpose
		rcfs_figure "RSS not compared: sanitizer build"
	else
		[ "$rss1" -le $((rss0 + rss0 / 10)) ]
	fi
}
