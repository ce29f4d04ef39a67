#!/usr/bin/env bats
# mount -t resolvconffs and the helper itself: mount(8)'s conventions,
# a live mount on return, umount ends the daemon, clear failures.

load ../helpers/common

setup_file() {
	rcfs_sbin_overlay
}

teardown_file() {
	rcfs_sbin_overlay_remove
}

local_setup() {
	# mount(8) resets PATH; the helper takes the daemon's path from here
	# instead of the installed one.
	export RESOLVCONFFS_DAEMON=$RESOLVCONFFS
	rcfs_fixture_ns NS1
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	HOST_CONTENT=$(cat "$MP")
	rcfs_track_mount "$MP"
}

# mount_and_track ARGS...: mount(8) with ARGS; on success remember the
# daemon for teardown.  Sets status/output as `run` does.
mount_and_track() {
	run mount "$@"
	if [ "$status" -eq 0 ] && rcfs_is_mounted "$MP"; then
		DAEMON_PID=$(rcfs_daemon_pid "$MP")
		rcfs_track_pid "$DAEMON_PID"
	fi
}

# assert_mount_failed STATUS REGEX: exit STATUS, exactly one line of
# output matching REGEX, nothing mounted, the mount point's file intact
assert_mount_failed() {
	assert_equal "$status" "$1"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "$2"
	run rcfs_is_mounted "$MP"
	assert_failure
	assert_equal "$(cat "$MP")" "$HOST_CONTENT"
}

# assert_usage_error REGEX: exit 1, the message and the --help hint
assert_usage_error() {
	assert_equal "$status" 1
	assert_line --index 0 --regexp "^mount\.resolvconffs: $1"
	assert_line --index 1 "Try 'mount.resolvconffs --help' for more information."
	assert_equal "${#lines[@]}" 2
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "mount -t resolvconffs returns with the mount live for every namespace" {
	mount_and_track -t resolvconffs "$BACKING" "$MP" -o "default=$DEFAULT"
	assert_success
	# no waiting: the mount must answer the moment mount(8) returns
	run ip netns exec "$NS1" cat "$MP"
	assert_success
	assert_output 'nameserver 10.1.1.1'
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	run cat "$MP"
	assert_output "$HOST_CONTENT"
}

@test "the daemon stays in the background and umount ends it" {
	mount_and_track -t resolvconffs "$BACKING" "$MP" -o "default=$DEFAULT"
	assert_success
	[ -n "$DAEMON_PID" ]
	run cat "/proc/$DAEMON_PID/comm"
	assert_output resolvconffs
	# detached: not a child of this shell, in a session of its own
	assert_not_equal "$(awk '{ print $4 }' "/proc/$DAEMON_PID/stat")" "$$"
	umount "$MP"
	rcfs_wait_gone "$DAEMON_PID" 10
	run rcfs_is_mounted "$MP"
	assert_failure
	assert_equal "$(cat "$MP")" "$HOST_CONTENT"
}

@test "mount-only options never reach the daemon" {
	mount_and_track -t resolvconffs "$BACKING" "$MP" \
		-o "defaults,auto,nofail,_netdev,x-systemd.requires=foo.service,comment=hello,users,default=$DEFAULT"
	assert_success
	local cmdline
	cmdline=$(tr '\0' ' ' < "/proc/$DAEMON_PID/cmdline")
	assert_regex "$cmdline" "default=$DEFAULT"
	local opt
	for opt in defaults auto nofail _netdev x-systemd comment= users; do
		if [[ $cmdline == *"$opt"* ]]; then
			fail "\"$opt\" reached the daemon: $cmdline"
		fi
	done
	run ip netns exec "$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
}

@test "the daemon's options work by their -o key=value names" {
	mkdir "$BACKING/$NS1"
	printf 'nameserver 10.7.7.7\n' > "$BACKING/$NS1/mp"
	mount_and_track -t resolvconffs "$BACKING" "$MP" \
		-o "layout=dir,default=$DEFAULT,threads=2,ro"
	assert_success
	run ip netns exec "$NS1" cat "$MP"
	assert_output 'nameserver 10.7.7.7'
	run findmnt -n -o OPTIONS --mountpoint "$MP"
	assert_output --regexp '^ro,'
}

@test "mount -f mounts nothing and starts no daemon" {
	local fake=$RCFS_TMP/fake-daemon
	printf '#!/bin/sh\ntouch %s/daemon-ran\n' "$RCFS_TMP" > "$fake"
	chmod +x "$fake"
	RESOLVCONFFS_DAEMON=$fake run mount -f -t resolvconffs "$BACKING" "$MP"
	assert_success
	assert_output ''
	assert_file_not_exists "$RCFS_TMP/daemon-ran"
	run rcfs_is_mounted "$MP"
	assert_failure
	# the same daemon does run without -f: the check above can fail
	RESOLVCONFFS_DAEMON=$fake run mount -t resolvconffs "$BACKING" "$MP"
	assert_file_exists "$RCFS_TMP/daemon-ran"
}

@test "mount -v shows the daemon's command line" {
	mount_and_track -v -t resolvconffs "$BACKING" "$MP" -o "nofail,default=$DEFAULT"
	assert_success
	# mount(8) adds rw; nofail stays behind
	assert_line "mount.resolvconffs: running $RESOLVCONFFS -o rw,default=$DEFAULT --detach -- $BACKING $MP"
}

@test "-N mounts inside another mount namespace only" {
	unshare --mount --propagation private sleep 3600 &
	local holder=$!
	rcfs_track_pid "$holder"
	local deadline=$((SECONDS + 10))
	while [ "$(readlink "/proc/$holder/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ]; do
		[ $SECONDS -lt $deadline ] || fail "unshare did not start"
		sleep 0.02
	done
	run "$MOUNT_HELPER" "$BACKING" "$MP" -N "$holder" -o "default=$DEFAULT"
	assert_success
	# there, not here
	run rcfs_is_mounted "$MP"
	assert_failure
	run grep -c " $MP .* - fuse\.resolvconffs " "/proc/$holder/mountinfo"
	assert_output 1
	run nsenter --mount="/proc/$holder/ns/mnt" --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	nsenter --mount="/proc/$holder/ns/mnt" umount "$MP"
	run grep -c " $MP .* - fuse\.resolvconffs " "/proc/$holder/mountinfo"
	assert_output 0
}

@test "a missing backing directory: exit 32, one line, nothing mounted" {
	mount_and_track -t resolvconffs "$RCFS_TMP/nope" "$MP"
	assert_mount_failed 32 "cannot access backing directory \"$RCFS_TMP/nope\": No such file or directory"
}

@test "a backing directory that is a file: exit 32, one line" {
	mount_and_track -t resolvconffs "$DEFAULT" "$MP"
	assert_mount_failed 32 "backing directory \"$DEFAULT\": Not a directory"
}

@test "a missing mount point: exit 32, one line" {
	MP=$RCFS_TMP/nope
	HOST_CONTENT=
	mount_and_track -t resolvconffs "$BACKING" "$MP"
	assert_equal "$status" 32
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "mount point \"$MP\": No such file or directory"
	assert_file_not_exists "$MP"
}

@test "a directory as the mount point: exit 32, one line" {
	local dir=$RCFS_TMP/dir
	mkdir "$dir"
	run mount -t resolvconffs "$BACKING" "$dir"
	assert_equal "$status" 32
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "\"$dir\" is not a regular file"
	run mountpoint -q "$dir"
	assert_failure
}

@test "an unknown option: exit 32, one line, nothing mounted" {
	mount_and_track -t resolvconffs "$BACKING" "$MP" -o "default=$DEFAULT,colour=blue"
	assert_mount_failed 32 'unknown mount option "colour=blue"'
}

@test "a bad option value: exit 32, one line, nothing mounted" {
	mount_and_track -t resolvconffs "$BACKING" "$MP" -o layout=sideways
	assert_mount_failed 32 'invalid value for option "layout"'
}

@test "a missing default file: exit 32, one line, nothing mounted" {
	mount_and_track -t resolvconffs "$BACKING" "$MP" -o "default=$RCFS_TMP/nope"
	assert_mount_failed 32 "cannot read default file \"$RCFS_TMP/nope\""
}

@test "a daemon that cannot be run: exit 32, one line, nothing mounted" {
	RESOLVCONFFS_DAEMON=$RCFS_TMP/no-daemon mount_and_track -t resolvconffs "$BACKING" "$MP"
	assert_mount_failed 32 "^mount\.resolvconffs: cannot run $RCFS_TMP/no-daemon: No such file or directory$"
}

@test "a daemon that dies without a word still gets one line" {
	local crash=$RCFS_TMP/crash
	printf '#!/bin/sh\nkill -KILL $$\n' > "$crash"
	chmod +x "$crash"
	RESOLVCONFFS_DAEMON=$crash mount_and_track -t resolvconffs "$BACKING" "$MP"
	assert_mount_failed 32 "^mount\.resolvconffs: mounting $BACKING on $MP failed: .* killed by signal 9$"
}

@test "a mount namespace that does not exist: exit 32, one line" {
	run "$MOUNT_HELPER" "$BACKING" "$MP" -N 2147483647
	assert_mount_failed 32 '^mount\.resolvconffs: cannot enter mount namespace "2147483647": No such file or directory$'
}

@test "the helper without arguments: exit 1, usage" {
	run "$MOUNT_HELPER"
	assert_usage_error 'expected BACKING_DIR and MOUNTPOINT'
}

@test "the helper with one argument: exit 1, usage" {
	run "$MOUNT_HELPER" "$BACKING"
	assert_usage_error 'expected BACKING_DIR and MOUNTPOINT'
}

@test "the helper with three arguments: exit 1, usage" {
	run "$MOUNT_HELPER" "$BACKING" "$MP" "$MP"
	assert_usage_error 'too many arguments'
}

@test "the helper with an unknown flag: exit 1, usage" {
	run "$MOUNT_HELPER" "$BACKING" "$MP" -Z
	assert_equal "$status" 1
	assert_line --index 0 --regexp "invalid option -- 'Z'"
	assert_line --index 1 "Try 'mount.resolvconffs --help' for more information."
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "the helper with a foreign -t type: exit 1, usage" {
	run "$MOUNT_HELPER" "$BACKING" "$MP" -t nfs
	assert_usage_error 'unsupported file system type "nfs"'
}

@test "the helper accepts -s and -n and both type names" {
	run "$MOUNT_HELPER" "$BACKING" "$MP" -s -n -t fuse.resolvconffs -o "default=$DEFAULT"
	assert_success
	rcfs_track_pid "$(rcfs_daemon_pid "$MP")"
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	umount "$MP"
	run "$MOUNT_HELPER" "$BACKING" "$MP" -t resolvconffs -o "default=$DEFAULT"
	assert_success
	rcfs_track_pid "$(rcfs_daemon_pid "$MP")"
	rcfs_is_mounted "$MP"
}

@test "the helper's --help and --version" {
	run "$MOUNT_HELPER" --help
	assert_success
	assert_line --index 0 --regexp '^Usage: mount\.resolvconffs BACKING_DIR MOUNTPOINT'
	run "$MOUNT_HELPER" --version
	assert_success
	assert_output --regexp '^mount\.resolvconffs [0-9]+\.[0-9]+'
}
