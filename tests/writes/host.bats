#!/usr/bin/env bats
# The host's own file, on a regular-file mount point, is all or nothing
# for host readers: they see the last complete content while a host
# writer works; the new content appears whole when the writer is done; a
# writer killed mid-way, or one that runs out of space, leaves the old
# content, and the out-of-space writer is told.

load ../helpers/common
load ../helpers/writes

local_setup() {
	rcfs_fixture
	cp "$MP" "$RCFS_TMP/old"
	OLD=$(cat "$MP")
}

# host_two_step SCRIPT: a host writer (bash SCRIPT, with $1 the file,
# $2 a file to create once it has begun, $3 a FIFO to wait on) works in
# two steps; 200 host reads meanwhile see the old content whole, and
# then the new one is whole
host_two_step() {
	local out
	mkfifo "$RCFS_TMP/go"
	bash -c "$1" _ "$MP" "$RCFS_TMP/ready" "$RCFS_TMP/go" 3>&- &
	local writer=$!
	rcfs_track_pid "$writer"
	wait_for_file "$RCFS_TMP/ready"
	out=$(bash -c "$READ_LOOP" _ "$MP" "$RCFS_TMP/old" 200)
	echo "$out"
	rcfs_figure "host reads during the write: ${out%%$'\n'*}"
	echo go > "$RCFS_TMP/go"
	wait "$writer"
	assert_equal "$(figure bad "$out")" 0
	run cat "$MP"
	assert_output "$(printf 'nameserver 192.0.2.9\nnameserver 192.0.2.10')"
	run stat -c %s "$MP"
	assert_output "$(printf 'nameserver 192.0.2.9\nnameserver 192.0.2.10\n' | wc -c)"
}

@test "a host writer that opens, then writes: host readers see the whole old file meanwhile, then the whole new one" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	host_two_step '
		exec 3>"$1"
		touch "$2"
		read -r _ < "$3"
		echo "nameserver 192.0.2.9" >&3
		echo "nameserver 192.0.2.10" >&3'
}

@test "a host script writing in two steps with a child between: host readers never see a part" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	host_two_step '{
		echo "nameserver 192.0.2.9"
		/bin/true
		touch "$2"
		read -r _ < "$3"
		echo "nameserver 192.0.2.10"
	} > "$1"'
}

@test "a host writer killed between its write and its close leaves the old content" {
	local base
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	base=$(rcfs_proc_fds "$(rcfs_server_pid "$MP")")
	bash -c 'exec 3>"$1"; echo "nameserver 192.0.2.66" >&3; touch "$2"
		exec sleep 3600' _ "$MP" "$RCFS_TMP/written" 3>&- &
	local writer=$!
	rcfs_track_pid "$writer"
	wait_for_file "$RCFS_TMP/written"
	kill -KILL "$writer"
	wait "$writer" || true
	daemon_settled "$base"
	run cat "$MP"
	assert_output "$OLD"
	run stat -c %s "$MP"
	assert_output "$(stat -c %s "$RCFS_TMP/old")"
}

@test "a host writer that fills the file system fails and leaves the old content" {
	local small=$RCFS_TMP/small
	mkdir "$small"
	mount -t tmpfs -o size=64k rcfs-small "$small"
	rcfs_track_mount "$small"
	cp "$RCFS_TMP/old" "$small/resolv.conf"
	# nothing left: the file's own page is all it has
	dd if=/dev/zero of="$small/filler" bs=4k 2>/dev/null || true
	MP=$small/resolv.conf
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run sh -c "head -c 300000 /dev/zero | tr '\\0' x > '$MP'"
	assert_failure
	assert_output --partial 'No space left on device'
	# (cmp: the cut file would fill the screen)
	run cmp "$MP" "$RCFS_TMP/old"
	assert_success
	# and once there is room again, a host write goes through whole
	rm "$small/filler"
	run sh -c "echo 'nameserver 192.0.2.77' > '$MP'"
	assert_success
	run cat "$MP"
	assert_output 'nameserver 192.0.2.77'
}

# While a server retires (SIGUSR2) another serves the same file, and either
# may be the one committing.  What they share is a record lock on the file:
# here another process holds it for writing with the file half rewritten,
# as a committing server would, and no host read may see that half.
@test "a host file rewritten in place under a write lock by another process is never read half done" {
	local stop=$RCFS_TMP/stop out
	mkfifo "$RCFS_TMP/go"
	"$RCFS_STRESS_BIN" gen host 0 > "$MP"
	# opened before the mount, as the servers' descriptor was
	python3 - "$MP" "$RCFS_TMP" "$RCFS_STRESS_BIN" <<-'PY' &
	import fcntl, os, subprocess, sys, time
	path, tmp, stress = sys.argv[1:4]
	fd = os.open(path, os.O_RDWR)
	open(tmp + "/opened", "w").close()
	open(tmp + "/go").read()
	new = subprocess.check_output([stress, "gen", "host", "1"])
	half = len(new) // 2
	fcntl.lockf(fd, fcntl.LOCK_EX)
	os.ftruncate(fd, 0)
	os.pwrite(fd, new[:half], 0)
	open(tmp + "/held", "w").close()
	time.sleep(1.5)
	os.pwrite(fd, new[half:], half)
	fcntl.lockf(fd, fcntl.LOCK_UN)
	PY
	local writer=$!
	rcfs_track_pid "$writer"
	wait_for_file "$RCFS_TMP/opened"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	echo go > "$RCFS_TMP/go"
	wait_for_file "$RCFS_TMP/held"
	"$RCFS_STRESS_BIN" read -t 2 -n 0 -p -s "$stop" "$MP" \
		/proc/self/ns/net:host > "$RCFS_TMP/readers.out" 2>&1 &
	local readers=$!
	rcfs_track_pid "$readers"
	wait "$writer"
	touch "$stop"
	wait "$readers" || true
	out=$(cat "$RCFS_TMP/readers.out")
	rcfs_figure "host reads while another process held the file: $out"
	[[ $out == *" partial=0"* && $out == *" empty=0"* ]] ||
		fail "a host read saw the file half done: $out"
	[[ $out =~ \ ok=[1-9] ]] || fail "no host read went through: $out"
	assert_equal "$("$RCFS_STRESS_BIN" check host "$MP")" ok
	run head -n 1 "$MP"
	assert_output '# rcfs-stress host gen=1'
}
