#!/usr/bin/env bats
# Type=notify without systemd: the daemon's one datagram to
# $NOTIFY_SOCKET, received by tests/helpers/notify-wait the way systemd
# receives it (the sender's PID from the kernel's credentials).

load ../helpers/common

bats_require_minimum_version 1.5.0

NOTIFY_WAIT=$RCFS_BUILD/tests/helpers/notify-wait

local_setup() {
	rcfs_fixture
	NS1=$(rcfs_name a)
	rcfs_ns_add "$NS1"
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	rcfs_track_mount "$MP"
}

# notify_wait ARGS...: the helper, without bats's descriptor 3 (the
# daemon it leaves running would hold it)
notify_wait() {
	"$NOTIFY_WAIT" "$@" 3>&-
}

# notify_run SOCKET DAEMON-ARGS...: the daemon under notify-wait; its
# output in $output, the PID it started in CHILD (ended at teardown)
notify_run() {
	local sock=$1
	shift
	run --separate-stderr notify_wait "$sock" "$MP" "$RESOLVCONFFS" "$@"
	CHILD=$(sed -n 's/^child=//p' <<< "$output")
	[ -z "$CHILD" ] || rcfs_track_pid "$CHILD"
}

@test "the daemon says READY=1 and its MAINPID once the mount is live" {
	notify_run "$RCFS_TMP/notify" -d "$DEFAULT" "$BACKING" "$MP"
	assert_success
	# from the daemon itself, which stays in the foreground
	assert_line "sender=$CHILD"
	assert_line READY=1
	assert_line "MAINPID=$CHILD"
	assert_line mounted=yes
	kill -0 "$CHILD"
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
}

@test "an abstract NOTIFY_SOCKET (@name) works alike" {
	notify_run "@$(rcfs_name notify)" -d "$DEFAULT" "$BACKING" "$MP"
	assert_success
	assert_line READY=1
	assert_line "MAINPID=$CHILD"
	assert_line mounted=yes
}

@test "detached, the daemon that serves names itself MAINPID before the one started exits" {
	notify_run "$RCFS_TMP/notify" --detach -d "$DEFAULT" "$BACKING" "$MP"
	assert_success
	assert_line READY=1
	assert_line mounted=yes
	local main
	main=$(sed -n 's/^MAINPID=//p' <<< "$output")
	rcfs_track_pid "$main"
	assert_line "sender=$main"
	assert_not_equal "$main" "$CHILD"
	assert_equal "$(rcfs_daemon_pid "$MP")" "$main"
	rcfs_wait_gone "$CHILD" 10
}

@test "a daemon that cannot mount never says READY=1" {
	notify_run "$RCFS_TMP/notify" -d "$DEFAULT" "$RCFS_TMP/nope" "$MP"
	assert_failure 1
	assert_line 'child exited: 1'
	refute_line READY=1
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "a NOTIFY_SOCKET nobody listens on: one warning, the mount still serves" {
	NOTIFY_SOCKET=$RCFS_TMP/nobody rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	run grep -c 'service manager' "$RCFS_TMP/daemon.log"
	assert_output 1
	assert_file_contains "$RCFS_TMP/daemon.log" \
		"^resolvconffs: cannot tell the service manager at $RCFS_TMP/nobody that the mount is live: No such file or directory\$"
}
