#!/usr/bin/env bats
# Faults: a full disk, backing files that change under the daemon, a
# daemon killed with SIGKILL, writers killed in the middle.  The rule in
# every case: the caller gets a clear error, no file is lost or cut, and
# the daemon goes on serving the others.

load ../helpers/common

local_setup() {
	rcfs_fixture_ns NS1 NS2
}

# tmpfs_at DIR OPTIONS: a small tmpfs on DIR, unmounted at teardown
tmpfs_at() {
	mkdir -p "$1"
	mount -t tmpfs -o "$2" rcfs-small "$1"
	rcfs_track_mount "$1"
}

@test "a full backing directory: the writer gets ENOSPC, the old content stays, 100 of 100, no temporary file left" {
	local small=$RCFS_TMP/small before used
	tmpfs_at "$small" size=256k
	"$RCFS_STRESS_BIN" gen "$NS1" 1 > "$small/$NS1.conf"
	cp "$small/$NS1.conf" "$RCFS_TMP/old"
	# fill it: the last block is taken
	dd if=/dev/zero of="$small/filler" bs=4k 2>/dev/null || true
	rcfs_start_daemon -d "$DEFAULT" "$small" "$MP"
	before=$(rcfs_files "$small")
	used=$(df --output=used "$small" | tail -1)

	# 64 KiB in 4 KiB writes, then close
	run "$RCFS_STRESS_BIN" try -r 100 -b 65536 "$MP" "/run/netns/$NS1"
	rcfs_figure "full disk, close: $output"
	assert_success
	[ "$(figure ok "$output")" = 0 ]
	[ "$(( $(figure failed_write "$output") + $(figure failed_fsync "$output") + $(figure failed_close "$output") ))" = 100 ]
	assert_output --partial first_error=ENOSPC
	# a small write with fsync, as an editor saves
	run "$RCFS_STRESS_BIN" try -r 100 -b 200 -f "$MP" "/run/netns/$NS1"
	rcfs_figure "full disk, fsync: $output"
	[ "$(figure ok "$output")" = 0 ]
	assert_output --partial first_error=ENOSPC

	cmp "$RCFS_TMP/old" "$small/$NS1.conf"
	run in_ns "$NS1" cat "$MP"
	assert_success
	assert_output "$(cat "$RCFS_TMP/old")"
	[ "$(rcfs_files "$small")" = "$before" ]
	[ "$(df --output=used "$small" | tail -1)" = "$used" ]
	# and once there is room again, the same write goes through
	rm "$small/filler"
	run "$RCFS_STRESS_BIN" try -r 1 -b 65536 "$MP" "/run/netns/$NS1"
	[ "$(figure ok "$output")" = 1 ]
	[ "$(stat -c %s "$small/$NS1.conf")" = 65536 ]
}

@test "no inode left in the backing directory: the writer gets ENOSPC and nothing changes" {
	local small=$RCFS_TMP/small before i
	tmpfs_at "$small" size=1m,nr_inodes=8
	"$RCFS_STRESS_BIN" gen "$NS1" 1 > "$small/$NS1.conf"
	cp "$small/$NS1.conf" "$RCFS_TMP/old"
	for ((i = 0; i < 16; i++)); do
		: > "$small/filler$i" 2>/dev/null || break
	done
	rcfs_start_daemon -d "$DEFAULT" "$small" "$MP"
	before=$(rcfs_files "$small")
	run "$RCFS_STRESS_BIN" try -r 100 -b 100 "$MP" "/run/netns/$NS1"
	rcfs_figure "no inodes: $output"
	[ "$(figure ok "$output")" = 0 ]
	assert_output --partial first_error=ENOSPC
	cmp "$RCFS_TMP/old" "$small/$NS1.conf"
	[ "$(rcfs_files "$small")" = "$before" ]
	# a namespace with no file yet cannot get one either, and says why
	run in_ns "$NS2" sh -c "echo 'nameserver 10.0.0.9' > '$MP'"
	assert_failure
	assert_output --partial "No space left on device"
	[ "$(rcfs_files "$small")" = "$before" ]
}

@test "a backing file replaced, deleted or made unreadable while mounted: clear errors, the others served, recovery" {
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	printf 'nameserver 10.2.2.2\n' > "$BACKING/$NS2.conf"
	rcfs_start_daemon "$BACKING" "$MP"

	# replaced by rename: seen at the next read
	printf 'nameserver 10.1.1.11\n' > "$BACKING/.new"
	mv "$BACKING/.new" "$BACKING/$NS1.conf"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.11'

	# deleted: ENOENT (no default), the other namespace is served
	rm "$BACKING/$NS1.conf"
	run in_ns "$NS1" cat "$MP"
	assert_failure
	assert_output --partial "No such file or directory"
	run in_ns "$NS2" cat "$MP"
	assert_output 'nameserver 10.2.2.2'

	# unreadable for its readers: mode 000 refuses an unprivileged reader
	printf 'nameserver 10.1.1.12\n' > "$BACKING/$NS1.conf"
	chmod 000 "$BACKING/$NS1.conf"
	chmod 755 "$RCFS_TMP"
	run in_ns "$NS1" setpriv --reuid=65534 --regid=65534 --clear-groups cat "$MP"
	assert_failure
	assert_output --partial "Permission denied"
	chmod 644 "$BACKING/$NS1.conf"
	run in_ns "$NS1" setpriv --reuid=65534 --regid=65534 --clear-groups cat "$MP"
	assert_success
	assert_output 'nameserver 10.1.1.12'

	# not a regular file any more: a FIFO (a read must not block), a
	# directory, a symlink
	local kind
	for kind in fifo dir symlink; do
		rm -f "$BACKING/$NS1.conf"
		case $kind in
		fifo) mkfifo "$BACKING/$NS1.conf" ;;
		dir) mkdir "$BACKING/$NS1.conf" ;;
		symlink) ln -s "$NS2.conf" "$BACKING/$NS1.conf" ;;
		esac
		run timeout 10 nsenter --net="/run/netns/$NS1" cat "$MP"
		rcfs_figure "backing file is a $kind: status $status, $output"
		[ "$status" -ne 0 ] && [ "$status" -ne 124 ]
		refute_output --partial 10.2.2.2
		run in_ns "$NS2" cat "$MP"
		assert_output 'nameserver 10.2.2.2'
		rm -rf "$BACKING/$NS1.conf"
	done

	# back: served again
	printf 'nameserver 10.1.1.13\n' > "$BACKING/$NS1.conf"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.13'
	kill -0 "$RCFS_DAEMON_PID"
}

@test "the backing directory removed while mounted: clear errors, the host served, recovery when it is back" {
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	rcfs_start_daemon "$BACKING" "$MP"
	rm -rf "$BACKING"
	run in_ns "$NS1" cat "$MP"
	assert_failure
	assert_output --partial "No such file or directory"
	run in_ns "$NS1" sh -c "echo 'nameserver 10.1.1.2' > '$MP'"
	assert_failure
	run cat "$MP"
	assert_success
	assert_output "$(printf 'nameserver 203.0.113.1\n# host')"

	mkdir "$BACKING"
	printf 'nameserver 10.1.1.3\n' > "$BACKING/$NS1.conf"
	run in_ns "$NS1" cat "$MP"
	assert_success
	assert_output 'nameserver 10.1.1.3'
	run in_ns "$NS1" sh -c "echo 'nameserver 10.1.1.4' > '$MP'"
	assert_success
	[ "$(cat "$BACKING/$NS1.conf")" = 'nameserver 10.1.1.4' ]
	grep -q "backing directory .* was removed: opened it again" \
		"$RCFS_TMP/daemon.log"
}

@test "kill -9 of the daemon and its serving process: callers get ENOTCONN at once, umount -l and a new mount work, no file lost" {
	local n before server
	"$RCFS_STRESS_BIN" gen "$NS1" 0 > "$BACKING/$NS1.conf"
	"$RCFS_STRESS_BIN" gen "$NS2" 0 > "$BACKING/$NS2.conf"
	rcfs_start_daemon "$BACKING" "$MP"
	# killed in the middle of a stream of rewrites
	"$RCFS_STRESS_BIN" write -n 1000000 "$MP" "/run/netns/$NS1:$NS1" \
		"/run/netns/$NS2:$NS2" > "$RCFS_TMP/write.out" 2>&1 &
	local writer=$!
	rcfs_track_pid "$writer"
	local deadline=$((SECONDS + 10))
	while grep -q 'gen=0$' "$BACKING/$NS1.conf"; do
		[ $SECONDS -lt $deadline ]
		sleep 0.05
	done
	# the keeper first, or it would start another server (keeper.bats
	# tests that the mount outlives the serving process alone)
	server=$(rcfs_server_pid "$MP")
	kill -KILL "$RCFS_DAEMON_PID"
	kill -KILL "$server"
	# reaped, not only a zombie: the thread group leader turns zombie
	# while other threads may still be exiting with /dev/fuse open, and
	# a request queued then fails with ECONNABORTED, not ENOTCONN
	wait "$RCFS_DAEMON_PID" || true
	# its threads too: wait for init to reap it (a zombie at worst)
	local deadline=$((SECONDS + 10))
	while [ -d "/proc/$server" ] && [ $SECONDS -lt $deadline ]; do
		sleep 0.02
	done

	run timeout 10 cat "$MP"
	assert_failure
	[ "$status" -ne 124 ]
	assert_output --partial "Transport endpoint is not connected"
	run timeout 10 nsenter --net="/run/netns/$NS1" cat "$MP"
	[ "$status" -ne 124 ]
	assert_output --partial "Transport endpoint is not connected"
	# the writer stops with an error rather than hanging
	rcfs_wait_gone "$writer" 10
	rcfs_figure "writer after the kill: $(cat "$RCFS_TMP/write.out")"

	for n in "$NS1" "$NS2"; do
		run "$RCFS_STRESS_BIN" check "$n" "$BACKING/$n.conf"
		assert_output ok
	done

	umount -l "$MP"
	rcfs_wait_for_unmount "$MP"
	# killed between linking the new file in and renaming it, the daemon
	# leaves a temporary name: the next one removes it at start
	rcfs_start_daemon "$BACKING" "$MP"
	before=$(rcfs_files "$BACKING")
	[ "$before" = "$(printf './%s.conf\n./%s.conf' "$NS1" "$NS2")" ]
	run in_ns "$NS2" cat "$MP"
	assert_success
	assert_output "$(cat "$BACKING/$NS2.conf")"
	run in_ns "$NS1" "$RCFS_STRESS_BIN" write -n 10 "$MP" "/run/netns/$NS1:$NS1"
	assert_success
	[ "$(rcfs_files "$BACKING")" = "$before" ]
}

@test "temporary files of a daemon killed mid-commit are removed at the next start, others kept" {
	local dead live=$$
	printf 'nameserver 10.1.2.1\n' > "$BACKING/$NS1.conf"
	true & dead=$!
	wait "$dead"
	# what a commit leaves when killed between its link and its rename
	printf 'half\n' > "$BACKING/.$NS1.conf.rcfs-$dead-7"
	printf 'busy\n' > "$BACKING/.$NS1.conf.rcfs-$live-8"
	printf 'mine\n' > "$BACKING/.notes.rcfs-x"
	rcfs_start_daemon "$BACKING" "$MP"
	assert_file_not_exists "$BACKING/.$NS1.conf.rcfs-$dead-7"
	# a live process's may be a commit under way; other names are not ours
	assert_file_exists "$BACKING/.$NS1.conf.rcfs-$live-8"
	assert_file_exists "$BACKING/.notes.rcfs-x"
	grep -q "removed 1 temporary file of writes cut short in $BACKING" \
		"$RCFS_TMP/daemon.log"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.1.2.1'
}

@test "a writer killed between write and close leaves the old content, 20 of 20" {
	"$RCFS_STRESS_BIN" gen "$NS1" 7 > "$BACKING/$NS1.conf"
	cp "$BACKING/$NS1.conf" "$RCFS_TMP/old"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run "$RCFS_STRESS_BIN" killwrite -r 20 "$MP" "/run/netns/$NS1" "$NS1"
	rcfs_figure "killed writers: $output"
	assert_success
	assert_output "tries=20 killed=20"
	cmp "$RCFS_TMP/old" "$BACKING/$NS1.conf"
	run in_ns "$NS1" cat "$MP"
	assert_output "$(cat "$RCFS_TMP/old")"
	[ "$(rcfs_files "$BACKING")" = "./$NS1.conf" ]
	# a namespace with no file: a killed first writer creates none
	run "$RCFS_STRESS_BIN" killwrite -r 4 "$MP" "/run/netns/$NS2" "$NS2"
	assert_success
	[ "$(rcfs_files "$BACKING")" = "./$NS1.conf" ]
}
