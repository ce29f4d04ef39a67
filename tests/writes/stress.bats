#!/usr/bin/env bats
# The torn-read stress of tests/reliability/stress.bats, with writers
# that write as shell scripts do: a child process that inherits the
# descriptor starts and exits between the writes.  Its exit closes its
# copy of the descriptor, which must publish nothing.
#
# RCFS_STRESS=full runs the full figures (a million reads); the default
# is smaller and fits the CI.

load ../helpers/common
load ../helpers/writes

local_setup() {
	rcfs_stress_fixture
}

@test "4 readers in 3 namespaces see no empty, partial or foreign file while writers that spawn children rewrite them" {
	local writes min_reads stop out wout n
	if rcfs_stress_full; then
		writes=10000 min_reads=1000000
	elif rcfs_sanitized; then
		writes=300 min_reads=10000
	else
		writes=1500 min_reads=100000
	fi
	stop=$RCFS_TMP/stop
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"

	"$RCFS_STRESS_BIN" read -t 4 -n "$min_reads" -s "$stop" "$MP" \
		"${NSARGS[@]}" > "$RCFS_TMP/read.out" 2>&1 &
	local reader=$!
	rcfs_track_pid "$reader"
	# two writers, each with a child after each of its three writes
	"$RCFS_STRESS_BIN" write -c -n "$writes" "$MP" "${NSARGS[@]}" \
		> "$RCFS_TMP/write1.out" 2>&1 &
	local w1=$!
	rcfs_track_pid "$w1"
	"$RCFS_STRESS_BIN" write -c -n "$writes" -g 1000000 "$MP" \
		"${NSARGS[2]}" "${NSARGS[0]}" "${NSARGS[1]}" \
		> "$RCFS_TMP/write2.out" 2>&1 &
	local w2=$!
	rcfs_track_pid "$w2"
	local s1=0 s2=0 rstatus=0
	wait "$w1" || s1=$?
	wait "$w2" || s2=$?
	touch "$stop"
	wait "$reader" || rstatus=$?
	out=$(cat "$RCFS_TMP/read.out")
	wout="$(cat "$RCFS_TMP/write1.out"); $(cat "$RCFS_TMP/write2.out")"
	rcfs_figure "readers: $out"
	rcfs_figure "writers with children: $wout"
	rcfs_figure "rewrites: $((2 * writes)), bad reads: $(( $(figure empty "$out") + $(figure partial "$out") + $(figure foreign "$out") ))"
	assert_equal "$(figure empty "$out")" 0
	assert_equal "$(figure partial "$out")" 0
	assert_equal "$(figure foreign "$out")" 0
	assert_equal "$(figure errors "$out")" 0
	assert_equal "$rstatus" 0
	assert_equal "$s1" 0
	assert_equal "$s2" 0
	[ "$(figure reads "$out")" -ge "$min_reads" ]
	for n in "${NS[@]}"; do
		run "$RCFS_STRESS_BIN" check "$n" "$BACKING/$n.conf"
		assert_output ok
	done
	kill -0 "$RCFS_DAEMON_PID" && kill -0 "$(rcfs_server_pid "$MP")"
}
