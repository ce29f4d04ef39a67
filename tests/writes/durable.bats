#!/usr/bin/env bats
# Durable: after the rename that publishes a namespace's file, the
# directory that holds it is fsynced through a real descriptor (one
# opened with O_PATH cannot be: fsync fails with EBADF), so that a power
# cut cannot lose a write that was reported done.

load ../helpers/common
load ../helpers/writes

local_setup() {
	rcfs_fixture_ns NS
}

# trace_fsyncs: strace the daemon's fsync and fdatasync calls into
# $RCFS_TMP/strace.out (descriptors shown with their paths, -y); returns
# once strace has attached to every thread
trace_fsyncs() {
	local server
	server=$(rcfs_server_pid "$MP") || return 1
	strace -f -y -qq -e trace=fsync,fdatasync -p "$server" \
		-o "$RCFS_TMP/strace.out" 2> "$RCFS_TMP/strace.err" 3>&- &
	STRACE=$!
	rcfs_track_pid "$STRACE"
	# strace stops each thread as it attaches; it is in place once the
	# daemon's threads all say so in /proc
	local deadline=$((SECONDS + 10)) t all
	while :; do
		all=1
		for t in /proc/"$server"/task/*; do
			[ "$(awk '/^TracerPid:/ { print $2 }' "$t/status")" = "$STRACE" ] || all=
		done
		[ -n "$all" ] && break
		[ $SECONDS -lt $deadline ] || { cat "$RCFS_TMP/strace.err"; return 1; }
		sleep 0.02
	done
}

# stop_trace: end strace (it detaches and writes out what it has)
stop_trace() {
	kill -INT "$STRACE"
	wait "$STRACE" || true
}

# dir_fsyncs: "PATH RESULT" for every fsync or fdatasync the daemon made
# on a descriptor of a directory
dir_fsyncs() {
	local line path result
	sed -n 's/.*\(fsync\|fdatasync\)([0-9]*<\([^>]*\)>) *= *\(-\?[0-9]*\).*/\2 \3/p' \
		"$RCFS_TMP/strace.out" | while read -r path result; do
		[ -d "$path" ] && echo "$path $result"
	done
	return 0
}

@test "after a write publishes a namespace's file, the backing directory is fsynced and the fsync succeeds" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	trace_fsyncs
	in_ns "$NS" sh -c "echo 'nameserver 10.163.0.1' > '$MP'"
	stop_trace
	run cat "$BACKING/$NS.conf"
	assert_output 'nameserver 10.163.0.1'
	echo "strace: $(cat "$RCFS_TMP/strace.out")"
	run dir_fsyncs
	rcfs_figure "fsyncs of directories: ${output:-none}"
	assert_line "$BACKING 0"
	refute_line --regexp ' -[0-9]+$'
}

@test "with -l dir, the namespace's directory is fsynced after the rename, and the fsync succeeds" {
	rcfs_start_daemon -l dir -d "$DEFAULT" "$BACKING" "$MP"
	mkdir "$BACKING/$NS"
	trace_fsyncs
	in_ns "$NS" sh -c "echo 'nameserver 10.163.0.2' > '$MP'"
	stop_trace
	run cat "$BACKING/$NS/mp"
	assert_output 'nameserver 10.163.0.2'
	echo "strace: $(cat "$RCFS_TMP/strace.out")"
	run dir_fsyncs
	rcfs_figure "fsyncs of directories: ${output:-none}"
	assert_line "$BACKING/$NS 0"
	refute_line --regexp ' -[0-9]+$'
}
