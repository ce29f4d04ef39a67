#!/usr/bin/env bats
# Signals, the published state and the daemon's warnings.

load ../helpers/common

bats_require_minimum_version 1.5.0

local_setup() {
	rcfs_fixture
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
	printf 'nameserver 10.50.0.1\n' > "$BACKING/$NS.conf"
	HOST_CONTENT=$(cat "$MP")
}

# stops_on SIGNAL: the daemon unmounts, removes its state and exits 0
stops_on() {
	local state
	state=$(rcfs_state_file "$MP")
	assert_file_exists "$state"
	run rcfs_daemon_pid "$MP"
	assert_output "$RCFS_DAEMON_PID"
	kill "-$1" "$RCFS_DAEMON_PID"
	local st=0
	wait "$RCFS_DAEMON_PID" || st=$?
	assert_equal "$st" 0
	run ! rcfs_is_mounted "$MP"
	assert_file_not_exists "$state"
	run cat "$MP"
	assert_output "$HOST_CONTENT"
}

@test "SIGTERM unmounts, removes the state file and exits 0" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.50.0.1'
	stops_on TERM
}

@test "SIGINT unmounts, removes the state file and exits 0" {
	# a background job of a script starts with SIGINT ignored, and
	# libfuse leaves an ignored signal alone: start it with the default
	RCFS_DAEMON_WRAPPER='env --default-signal=INT' \
		rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	stops_on INT
}

@test "SIGHUP keeps the daemon serving" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	kill -HUP "$RCFS_DAEMON_PID"
	run in_ns "$NS" cat "$MP"
	assert_success
	assert_output 'nameserver 10.50.0.1'
	kill -0 "$RCFS_DAEMON_PID"
	rcfs_is_mounted "$MP"
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
}

@test "SIGHUP checks the default file again" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run ! grep -q 'only loopback' "$RCFS_TMP/daemon.log"
	printf 'nameserver 127.0.0.53\n' > "$DEFAULT"
	kill -HUP "$RCFS_DAEMON_PID"
	local deadline=$((SECONDS + 10))
	until grep -q 'only loopback' "$RCFS_TMP/daemon.log"; do
		[ $SECONDS -lt $deadline ] || fail "no warning after SIGHUP"
		# the reload may wait for the next request
		unshare -n cat "$MP" >/dev/null
		sleep 0.05
	done
	kill -0 "$RCFS_DAEMON_PID"
}

@test "a loopback-only default gives one warning line at start" {
	printf 'nameserver 127.0.0.53\noptions edns0\n' > "$DEFAULT"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run grep -c "default file \"$DEFAULT\" lists only loopback nameservers" \
		"$RCFS_TMP/daemon.log"
	assert_output 1
}

@test "a default with a reachable nameserver gives no warning" {
	printf 'nameserver 127.0.0.53\nnameserver 192.0.2.1\n' > "$DEFAULT"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_success
	run ! grep -i 'warn\|loopback' "$RCFS_TMP/daemon.log"
}

@test "umount of the mount point ends the daemon" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	local state
	state=$(rcfs_state_file "$MP")
	umount "$MP"
	rcfs_wait_gone "$RCFS_DAEMON_PID" 10
	local st=0
	wait "$RCFS_DAEMON_PID" || st=$?
	assert_equal "$st" 0
	assert_file_not_exists "$state"
	run cat "$MP"
	assert_output "$HOST_CONTENT"
}

@test "-D returns once mounted and relative paths keep working detached" {
	local pid state
	printf 'nameserver 10.51.0.1\n' > "$RCFS_TMP/host.conf"
	# relative paths: the detached daemon has changed to /
	(cd "$RCFS_TMP" && exec "$RESOLVCONFFS" -D -d default.conf \
		-H host.conf backing mp)
	rcfs_track_mount "$MP"
	rcfs_is_mounted "$MP"
	pid=$(rcfs_daemon_pid "$MP")
	rcfs_track_pid "$pid"
	kill -0 "$pid"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.50.0.1'
	run unshare -n cat "$MP"
	assert_success
	assert_output "$(cat "$DEFAULT")"
	run cat "$MP"
	assert_output 'nameserver 10.51.0.1'
	# netnsctl finds the same files through the published state
	state=$(rcfs_state_file "$MP")
	run grep -x "default=$DEFAULT" "$state"
	assert_success
	kill -TERM "$pid"
	rcfs_wait_gone "$pid" 10
	run ! rcfs_is_mounted "$MP"
	assert_file_not_exists "$state"
}
