#!/usr/bin/env bats
# A commit that failed is never retried into place: the writer was told
# its close failed, so what it wrote must not appear later, when a child
# that inherited the descriptor closes the last copy.
#
# The fault: the backing directory (a tmpfs) is made immutable (chattr
# +i) between the write and the writer's close, so that linking or
# renaming the new file in fails, and mutable again before the child's
# close.  (A read-only remount of the backing directory's mount is
# refused with EBUSY while the daemon holds the writer's copy open for
# writing on it.)

load ../helpers/common
load ../helpers/writes

local_setup() {
	rcfs_fixture
	mount -t tmpfs -o size=1m rcfs-backing "$BACKING"
	rcfs_track_mount "$BACKING"
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
	printf 'nameserver 10.164.0.1\n# old\n' > "$BACKING/$NS.conf"
}

local_teardown() {
	chattr -i "$BACKING" 2>/dev/null || true
}

@test "a commit that failed at the writer's close is not published when a child closes the last copy" {
	local base
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	base=$(rcfs_proc_fds "$(rcfs_server_pid "$MP")")
	# the writer: open, write, start a child that keeps the descriptor,
	# wait for the fault, close
	in_ns "$NS" "$RCFS_FDOPS" open:wt:"$MP" write:'nameserver 10.164.0.9' \
		hold:"$RCFS_TMP/child-go" touch:"$RCFS_TMP/written" \
		waitfor:"$RCFS_TMP/close-go" close > "$RCFS_TMP/writer.out" 3>&- &
	local writer=$!
	rcfs_track_pid "$writer"
	wait_for_file "$RCFS_TMP/written"
	chattr +i "$BACKING"
	touch "$RCFS_TMP/close-go"
	wait "$writer" || true
	chattr -i "$BACKING"
	run cat "$RCFS_TMP/writer.out"
	echo "$output"
	assert_line 'write ok'
	# the writer was told
	assert_line --regexp '^close E[A-Z]+$'
	# the child's exit closes the last copy: the daemon's RELEASE
	touch "$RCFS_TMP/child-go"
	daemon_settled "$base"
	run cat "$BACKING/$NS.conf"
	assert_output "$(printf 'nameserver 10.164.0.1\n# old')"
	run in_ns "$NS" cat "$MP"
	assert_output "$(printf 'nameserver 10.164.0.1\n# old')"
	run rcfs_files "$BACKING"
	assert_output "./$NS.conf"
}
