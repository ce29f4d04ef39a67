#!/usr/bin/env bats
# Crash-only serving: the daemon's PID is a small keeper that holds the
# mount's /dev/fuse; the process that serves requests may die (kill -9)
# or be replaced (SIGUSR2) and the mount goes on, while readers in the
# host and in a named namespace count every read.

bats_require_minimum_version 1.5.0
load ../helpers/common

local_setup() {
	rcfs_fixture
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
	# files rcfs-stress can tell apart: whole, cut, or another's
	"$RCFS_STRESS_BIN" gen host 0 > "$MP"
	"$RCFS_STRESS_BIN" gen "$NS" 0 > "$BACKING/$NS.conf"
	STOP=$RCFS_TMP/stop
	READERS=()
}

# readers_start: two threads reading the mount without pause, one in the
# host's namespace, one in NS, until readers_stop
readers_start() {
	rm -f "$STOP"
	"$RCFS_STRESS_BIN" read -t 2 -n 0 -p -s "$STOP" "$MP" \
		/proc/self/ns/net:host "/run/netns/$NS:$NS" \
		> "$RCFS_TMP/readers.out" 2>&1 &
	READERS_PID=$!
	rcfs_track_pid "$READERS_PID"
}

# readers_stop: stop them; none may be left hanging; READ is their tally
readers_stop() {
	touch "$STOP"
	rcfs_wait_gone "$READERS_PID" 30 || fail "a reader hangs: $(cat "$RCFS_TMP/readers.out")"
	wait "$READERS_PID" || true
	READ=$(cat "$RCFS_TMP/readers.out")
}

# tally KEY: one value of the readers' tally
tally() {
	sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$READ"
}

# both_read_right: the host and NS each read their own whole file now
both_read_right() {
	[ "$("$RCFS_STRESS_BIN" check host "$MP" 2>/dev/null)" = ok ] &&
		[ "$(in_ns "$NS" "$RCFS_STRESS_BIN" check "$NS" "$MP" 2>/dev/null)" = ok ]
}

# now_ms: a clock for the figures
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# kill_server_and_recover: kill -9 the serving process; wait until
# another serves and both namespaces read right; RECOVERED_MS is how long
kill_server_and_recover() {
	local srv t0 deadline
	srv=$(rcfs_server_pid "$MP") || fail "no serving process"
	t0=$(now_ms)
	kill -KILL "$srv"
	# (no timing asserted: a loaded or sanitized build is slow; the
	# figures say how long it took)
	deadline=$((SECONDS + 30))
	until [ "$(rcfs_server_pid "$MP")" != "$srv" ] && both_read_right; do
		[ $SECONDS -lt $deadline ] || fail "no recovery 30 s after killing $srv"
		sleep 0.01
	done
	RECOVERED_MS=$(($(now_ms) - t0))
	kill -0 "$RCFS_DAEMON_PID"
}

# kill_20_times: the crash test; prints the figures
kill_20_times() {
	local i worst=0
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	readers_start
	for ((i = 0; i < 20; i++)); do
		# a server that dies within a second of serving died "at
		# once", and a second such death in a row would make the next
		# start wait (the rate limit, tested below): let each serve
		# a while
		sleep 1.1
		kill_server_and_recover
		((RECOVERED_MS > worst)) && worst=$RECOVERED_MS
	done
	readers_stop
	rcfs_figure "20 x kill -9${1:+ ($1)}: slowest recovery ${worst} ms; readers: $READ"
	assert_equal "$(tally foreign)" 0
	assert_equal "$(tally partial)" 0
	assert_equal "$(tally empty)" 0
	# only a read in flight at a kill may fail: one per reader a kill
	[ "$(tally errors)" -le 40 ] || fail "$(tally errors) failed reads"
	[ "$(tally ok)" -gt 100 ] || fail "the readers hardly read: $READ"
	assert_equal "$(rcfs_state "$MP" restarts)" 20
	assert_equal "$(rcfs_state "$MP" restart_reason)" "killed by SIGKILL"
	run grep -c "killed by SIGKILL; process [0-9]* takes over" "$RCFS_TMP/daemon.log"
	assert_output 20
}

@test "kill -9 of the serving process, 20 times under load: each time both namespaces read their own file again, none another's, no reader hangs" {
	kill_20_times
	# where the kernel sends the dead server's requests again (6.9 and
	# later), not even a read in flight fails
	if grep -qas 'read=shared' "/proc/$(rcfs_server_pid "$MP")/cmdline"; then
		assert_equal "$(tally errors)" 0
	fi
}

@test "without the kernel's resend (as before Linux 6.9), a kill -9 fails at most the reads in flight, with ECONNABORTED" {
	RESOLVCONFFS_NO_RESEND=1 kill_20_times "no resend"
	grep -qas 'read=clone' "/proc/$(rcfs_server_pid "$MP")/cmdline"
	assert_equal "$(tally errors)" "$(($(tally econnaborted) + $(tally eio)))"
}

@test "netnsctl status shows the serving process, its restarts and the last reason" {
	local srv
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run "$NETNSCTL" --mount "$MP" -j status
	assert_success
	assert_equal "$(jq -r '.mounts[0].pid' <<<"$output")" "$RCFS_DAEMON_PID"
	srv=$(jq -r '.mounts[0].server' <<<"$output")
	assert_equal "$srv" "$(rcfs_server_pid "$MP")"
	[ "$srv" != "$RCFS_DAEMON_PID" ]
	assert_equal "$(jq -r '.mounts[0].restarts' <<<"$output")" 0
	assert_equal "$(jq -r '.mounts[0].reason' <<<"$output")" null
	assert_equal "$(jq -r '.mounts[0].version' <<<"$output")" \
		"$("$RESOLVCONFFS" -V | cut -d' ' -f2)"
	assert_equal "$(jq -r '.mounts[0].binary' <<<"$output")" \
		"$(readlink -f "$RESOLVCONFFS")"
	kill_server_and_recover
	run "$NETNSCTL" --mount "$MP" status
	assert_success
	assert_line "SERVER:      $(rcfs_server_pid "$MP")"
	assert_line "RESTARTS:    1"
	assert_line "REASON:      killed by SIGKILL"
}

@test "a server that dies at start is started again with a growing back-off, callers get EIO meanwhile, and the mount comes back by itself" {
	local n1 n2 delays deadline
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	sleep 1.1	# served long enough: its death is not "at once"
	# the fault: no backing directory, so a new server cannot start
	mv "$BACKING" "$BACKING.away"
	touch "$BACKING"
	kill -KILL "$(rcfs_server_pid "$MP")"
	# callers get an error, not a hang, and not another's file
	run timeout 10 cat "$MP"
	[ "$status" -ne 124 ] || fail "a reader hangs"
	assert_failure
	assert_output --partial "Input/output error"
	run timeout 10 nsenter --net="/run/netns/$NS" cat "$MP"
	[ "$status" -ne 124 ] || fail "a reader in $NS hangs"
	assert_output --partial "Input/output error"
	# not spinning: starts come ever further apart
	sleep 3
	n1=$(rcfs_state "$MP" restarts)
	sleep 2
	n2=$(rcfs_state "$MP" restarts)
	rcfs_figure "restarts after 3 s: $n1, after 5 s: $n2"
	[ "$n1" -ge 3 ] || fail "only $n1 restarts in 3 s"
	[ "$n2" -le 15 ] || fail "$n2 restarts in 5 s: spinning"
	assert_equal "$(rcfs_state "$MP" restart_reason)" \
		"exited with status 1 before it was ready"
	assert_equal "$(rcfs_state "$MP" server)" 0
	delays=$(sed -n 's/.*starting another in \([0-9.]*\) s.*/\1/p' \
		"$RCFS_TMP/daemon.log")
	rcfs_figure "back-off: $(echo $delays)"
	[ "$(sort -n <<<"$delays")" = "$delays" ] || fail "not growing: $delays"
	[ "$(head -n 1 <<<"$delays")" != "$(tail -n 1 <<<"$delays")" ]
	grep -q "cannot open /proc or $BACKING" "$RCFS_TMP/daemon.log"
	# the cause gone, the mount serves again by itself
	rm "$BACKING"
	mv "$BACKING.away" "$BACKING"
	deadline=$((SECONDS + 30))
	until both_read_right; do
		[ $SECONDS -lt $deadline ] || fail "the mount did not come back"
		sleep 0.1
	done
	[ "$(rcfs_state "$MP" server)" -gt 0 ]
	kill -0 "$RCFS_DAEMON_PID"
}

# install_copy SRC DST VERSION: install a copy of binary SRC at DST as
# dpkg does (a new file renamed over the old), its version string
# replaced by VERSION (of the same length)
install_copy() {
	local old
	old=$("$RESOLVCONFFS" -V | cut -d' ' -f2)
	perl -pe "s/\\x00\\Q$old\\E\\x00/\\x00$3\\x00/g" "$1" > "$2.new"
	chmod 755 "$2.new"
	mv -f "$2.new" "$2"
}

# exe_is PID PATH: PID runs the binary installed at PATH now
exe_is() {
	[ "$(readlink "/proc/$1/exe")" = "$2" ] &&
		[ "$(stat -L -c %i "/proc/$1/exe")" = "$(stat -c %i "$2")" ]
}

@test "SIGUSR2 under load, 20 times: no read fails, and the daemon runs the binaries installed at its paths" {
	local sbin=$RCFS_TMP/sbin daemon old srv chars=abcdefghijklmnopqrst
	local ver v i deadline
	ver=$("$RESOLVCONFFS" -V | cut -d' ' -f2)
	mkdir "$sbin"
	cp "$RESOLVCONFFS" "$sbin/resolvconffs"
	cp "$RCFS_BUILD/daemon/resolvconffs-keeper" "$sbin/resolvconffs-keeper"
	RESOLVCONFFS=$sbin/resolvconffs rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	daemon=$RCFS_DAEMON_PID
	readers_start
	for ((i = 0; i < 20; i++)); do
		v=${ver%?}${chars:i:1}
		install_copy "$RESOLVCONFFS" "$sbin/resolvconffs" "$v"
		install_copy "$RCFS_BUILD/daemon/resolvconffs-keeper" \
			"$sbin/resolvconffs-keeper" "$v"
		[ "$("$sbin/resolvconffs" -V)" = "resolvconffs $v" ]
		old=$(rcfs_server_pid "$MP")
		kill -USR2 "$daemon"
		deadline=$((SECONDS + 20))
		until [ "$(rcfs_state "$MP" version)" = "$v" ] &&
			! kill -0 "$old" 2>/dev/null &&
			exe_is "$daemon" "$sbin/resolvconffs-keeper"; do
			[ $SECONDS -lt $deadline ] || fail "upgrade $i did not finish: $(tail -n 3 "$RCFS_TMP/daemon.log")"
			sleep 0.02
		done
	done
	readers_stop
	rcfs_figure "20 x SIGUSR2: readers: $READ"
	assert_equal "$(tally errors)" 0
	assert_equal "$(tally foreign)" 0
	assert_equal "$(tally partial)" 0
	[ "$(tally ok)" -gt 100 ] || fail "the readers hardly read: $READ"
	# the same daemon, on the same mount, running what is installed now
	assert_equal "$(rcfs_daemon_pid "$MP")" "$daemon"
	srv=$(rcfs_server_pid "$MP")
	exe_is "$daemon" "$sbin/resolvconffs-keeper"
	exe_is "$srv" "$sbin/resolvconffs"
	run "$NETNSCTL" --mount "$MP" -j status
	assert_success
	assert_equal "$(jq -r '.mounts[0].version' <<<"$output")" "$v"
	assert_equal "$(jq -r '.mounts[0].binary' <<<"$output")" "$sbin/resolvconffs"
	assert_equal "$(jq -r '.mounts[0].reason' <<<"$output")" upgrade
	assert_equal "$(jq -r '.mounts[0].restarts' <<<"$output")" 20
	# a binary replaced since shows as such
	install_copy "$RESOLVCONFFS" "$sbin/resolvconffs" "$ver"
	run "$NETNSCTL" --mount "$MP" -j status
	assert_equal "$(jq -r '.mounts[0].binary' <<<"$output")" "$sbin/resolvconffs (deleted)"
}

@test "an upgrade to a binary that cannot start leaves the old server serving" {
	local sbin=$RCFS_TMP/sbin srv
	mkdir "$sbin"
	cp "$RESOLVCONFFS" "$sbin/resolvconffs"
	cp "$RCFS_BUILD/daemon/resolvconffs-keeper" "$sbin/resolvconffs-keeper"
	RESOLVCONFFS=$sbin/resolvconffs rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	srv=$(rcfs_server_pid "$MP")
	printf '#!/bin/sh\nexit 3\n' > "$sbin/resolvconffs.new"
	chmod 755 "$sbin/resolvconffs.new"
	mv "$sbin/resolvconffs.new" "$sbin/resolvconffs"
	kill -USR2 "$RCFS_DAEMON_PID"
	local deadline=$((SECONDS + 10))
	until grep -q "upgrade failed" "$RCFS_TMP/daemon.log"; do
		[ $SECONDS -lt $deadline ] || fail "no word of the failed upgrade"
		sleep 0.05
	done
	assert_equal "$(rcfs_server_pid "$MP")" "$srv"
	both_read_right
}

@test "the keeper holds under 1 MiB and makes no system call while readers read" {
	local st calls rss
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	rm -f "$RCFS_TMP/strace.err"
	strace -f -c -o "$RCFS_TMP/strace" -p "$RCFS_DAEMON_PID" \
		2> "$RCFS_TMP/strace.err" 3>&- &
	st=$!
	rcfs_track_pid "$st"
	local deadline=$((SECONDS + 10))
	until grep -qs attached "$RCFS_TMP/strace.err"; do
		[ $SECONDS -lt $deadline ] || fail "strace did not attach"
		sleep 0.05
	done
	run "$RCFS_STRESS_BIN" read -t 2 -n 2000 "$MP" \
		/proc/self/ns/net:host "/run/netns/$NS:$NS"
	assert_success
	kill -INT "$st"
	wait "$st" || true
	calls=$(awk '$NF == "total" { n = $4 } END { print n + 0 }' \
		"$RCFS_TMP/strace")
	rss=$(rcfs_proc_rss_kb "$RCFS_DAEMON_PID")
	rcfs_figure "keeper: ${rss} kB RSS, $calls system calls for 2,000 reads ($(rcfs_proc_rss_kb "$(rcfs_server_pid "$MP")") kB for the server)"
	# strace's own attach may show as one restarted poll
	[ "$calls" -le 2 ] || fail "$calls system calls: $(cat "$RCFS_TMP/strace")"
	rcfs_sanitized || [ "$rss" -le 1024 ] || fail "keeper RSS $rss kB"
}

@test "a file open for reading across a kill -9 reads on; one open for writing fails with EIO and changes nothing" {
	local fifo=$RCFS_TMP/go before pid deadline
	mkfifo "$fifo"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	before=$(cat "$BACKING/$NS.conf")
	# opened now, read and written after the kill
	in_ns "$NS" bash -c 'exec 5<"$1" 6>>"$1"; : > "$3.opened"
		read -r _ < "$2"
		cat <&5 > "$3.read"; echo "read $?" > "$3.status"
		echo "nameserver 192.0.2.99" >&6 2> "$3.werr" &&
			exec 6>&- 2>> "$3.werr"
		echo "write $?" >> "$3.status"' _ "$MP" "$fifo" "$RCFS_TMP/out" &
	pid=$!
	rcfs_track_pid "$pid"
	deadline=$((SECONDS + 10))
	until [ -e "$RCFS_TMP/out.opened" ]; do
		[ $SECONDS -lt $deadline ] || fail "the files were not opened"
		sleep 0.02
	done
	kill_server_and_recover
	echo go > "$fifo"
	wait "$pid"
	run cat "$RCFS_TMP/out.status"
	assert_line "read 0"
	refute_line "write 0"
	assert_equal "$(cat "$RCFS_TMP/out.read")" "$before"
	assert_equal "$(cat "$BACKING/$NS.conf")" "$before"
	grep -q "Input/output error" "$RCFS_TMP/out.werr"
}

@test "umount and SIGTERM end the daemon and its serving process" {
	local srv
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	srv=$(rcfs_server_pid "$MP")
	umount "$MP"
	rcfs_wait_gone "$RCFS_DAEMON_PID" 10
	rcfs_wait_gone "$srv" 10
	rcfs_end_started
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	srv=$(rcfs_server_pid "$MP")
	kill -TERM "$RCFS_DAEMON_PID"
	local st=0
	wait "$RCFS_DAEMON_PID" || st=$?
	assert_equal "$st" 0
	rcfs_wait_gone "$srv" 10
	run ! rcfs_is_mounted "$MP"
	assert_equal "$("$RCFS_STRESS_BIN" check host "$MP")" ok
}

@test "started detached or by the mount helper, the mount survives kill -9 of its serving process" {
	local pid
	"$RESOLVCONFFS" -D -d "$DEFAULT" "$BACKING" "$MP"
	rcfs_track_mount "$MP"
	RCFS_DAEMON_PID=$(rcfs_daemon_pid "$MP")
	rcfs_track_pid "$RCFS_DAEMON_PID"
	kill_server_and_recover
	rcfs_end_started
	RESOLVCONFFS_DAEMON=$RESOLVCONFFS "$MOUNT_HELPER" "$BACKING" "$MP" \
		-o "default=$DEFAULT"
	rcfs_track_mount "$MP"
	RCFS_DAEMON_PID=$(rcfs_daemon_pid "$MP")
	rcfs_track_pid "$RCFS_DAEMON_PID"
	kill_server_and_recover
	pid=$(rcfs_server_pid "$MP")
	umount "$MP"
	rcfs_wait_gone "$RCFS_DAEMON_PID" 10
	rcfs_wait_gone "$pid" 10
}

@test "the package's postinst upgrades every running daemon after an upgrade, and signals nothing else" {
	local sleeper deadline
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# a state file of something else, which must not get SIGUSR2
	sleep 600 &
	sleeper=$!
	rcfs_track_pid "$sleeper"
	printf 'pid=%d\nreexec=SIGUSR2\n' "$sleeper" > /run/resolvconffs/0:9999
	run sh "$RCFS_SRC/debian/resolvconffs.postinst" configure 0.0.1
	assert_success
	deadline=$((SECONDS + 20))
	until [ "$(rcfs_state "$MP" restart_reason)" = upgrade ]; do
		[ $SECONDS -lt $deadline ] || fail "no upgrade"
		sleep 0.05
	done
	kill -0 "$sleeper"
	rm /run/resolvconffs/0:9999
	both_read_right
	# a first install signals nobody
	run sh "$RCFS_SRC/debian/resolvconffs.postinst" configure
	assert_success
	assert_equal "$(rcfs_state "$MP" restarts)" 1
}
