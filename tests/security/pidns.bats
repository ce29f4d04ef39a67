#!/usr/bin/env bats
# Callers the daemon cannot identify get an error, never a wrong file.
# FUSE gives a caller's thread id as the daemon's pid namespace numbers
# it (0 when the caller is outside it), and the daemon finds the
# caller's network namespace in procfs: a procfs of another pid
# namespace would name other processes.

load ../helpers/common
load ../helpers/security

local_setup() {
	rcfs_fixture_ns NS1 NS2
	printf 'nameserver 10.153.0.1\n' > "$BACKING/$NS1.conf"
	printf 'nameserver 10.153.0.2\n' > "$BACKING/$NS2.conf"
}

# wait_exit_or_mount PID: until PID has exited or the mount is there
# (10 s at most); true when it exited
wait_exit_or_mount() {
	local deadline=$((SECONDS + 10))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
		rcfs_is_mounted "$MP" && stat "$MP" >/dev/null 2>&1 && return 1
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

@test "a daemon whose procfs numbers the tasks of another pid namespace refuses to start" {
	local pid status
	# unshare -pf without --mount-proc: /proc is still the first pid
	# namespace's, and the daemon runs in a new one
	unshare -pf --kill-child=SIGTERM "$RESOLVCONFFS" -d "$DEFAULT" \
		"$BACKING" "$MP" 2> "$RCFS_TMP/err" 3>&- &
	pid=$!
	rcfs_track_pid "$pid"
	rcfs_track_mount "$MP"
	if ! wait_exit_or_mount "$pid"; then
		# what a caller in that pid namespace would get
		rcfs_is_mounted "$MP" && echo "mounted on $MP: the daemon started"
		cat "$RCFS_TMP/err"
		# the daemon, unshare's child, by its PID
		kill -TERM $(cat "/proc/$pid/task/$pid/children") 2>/dev/null
		false
	fi
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 1
	run cat "$RCFS_TMP/err"
	echo "$output"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^resolvconffs: .*/proc'
	run rcfs_is_mounted "$MP"
	assert_failure
	run cat "$MP"
	assert_output "$(printf 'nameserver 203.0.113.1\n# host')"
}

@test "callers in the pid namespace of a daemon with a foreign procfs never get another namespace's file" {
	# the same start as above, with callers inside that pid namespace;
	# whatever the daemon does, it must not answer them with a file
	# that is not theirs (today's danger: /proc/TID names another task)
	cat > "$RCFS_TMP/pidns" <<'EOF'
daemon=$1 mp=$2 default=$3 backing=$4 ns1=$5 ns2=$6
"$daemon" -d "$default" "$backing" "$mp" 2>"$mp.log" 3>&- &
dpid=$!
deadline=$((SECONDS + 10))
until grep -q " $mp .* fuse\.resolvconffs " /proc/self/mountinfo; do
	kill -0 $dpid 2>/dev/null || { echo "daemon exited"; exit 0; }
	[ $SECONDS -lt $deadline ] || { echo "no mount"; exit 1; }
	sleep 0.02
done
for i in 1 2 3 4 5; do
	for ns in "$ns1" "$ns2"; do
		out=$(nsenter --net="/run/netns/$ns" cat "$mp" 2>&1 | head -n 1)
		echo "$ns: $out"
	done
done
kill $dpid
wait $dpid
EOF
	run unshare -pf --kill-child=SIGTERM bash "$RCFS_TMP/pidns" \
		"$RESOLVCONFFS" "$MP" "$DEFAULT" "$BACKING" "$NS1" "$NS2"
	rcfs_track_mount "$MP"
	echo "$output"
	assert_success
	local line ns seen bad=0
	for line in "${lines[@]}"; do
		[ "$line" = "daemon exited" ] && continue
		ns=${line%%: *}
		seen=${line#*: }
		case $ns:$seen in
		"$NS1:nameserver 10.153.0.1" | "$NS2:nameserver 10.153.0.2") ;;
		*": cat: $MP: Input/output error") ;;
		*) echo "wrong answer: $line"; bad=1 ;;
		esac
	done
	[ "$bad" = 0 ]
}

@test "a caller outside the daemon's pid namespace gets EIO, and one inside its own file" {
	# the daemon in a pid namespace of its own with a procfs of that
	# namespace (-P): it starts; the suite's shell is outside it
	mkdir "$RCFS_TMP/proc"
	unshare -pf --kill-child=SIGTERM sh -c \
		'mount -t proc proc "$1" && shift && exec "$@"' _ "$RCFS_TMP/proc" \
		"$RESOLVCONFFS" -P "$RCFS_TMP/proc" -d "$DEFAULT" "$BACKING" "$MP" \
		2> "$RCFS_TMP/daemon.log" 3>&- &
	local upid=$! deadline=$((SECONDS + 10))
	rcfs_track_pid "$upid"
	rcfs_track_mount "$MP"
	rcfs_track_mount "$RCFS_TMP/proc"
	# (not rcfs_wait_for_mount: our stat() is answered with EIO)
	until rcfs_is_mounted "$MP"; do
		[ $SECONDS -lt $deadline ] || { cat "$RCFS_TMP/daemon.log"; false; }
		sleep 0.02
	done
	run in_ns "$NS1" cat "$MP"
	assert_failure
	assert_output --partial 'Input/output error'
	run cat "$MP"
	assert_failure
	assert_output --partial 'Input/output error'
	run stat "$MP"
	assert_failure
	# inside its pid namespace, callers are found
	run nsenter --pid="/proc/$upid/ns/pid_for_children" --net="/run/netns/$NS1" \
		sh -c 'cat "$1"' _ "$MP"
	echo "$output"
	assert_output 'nameserver 10.153.0.1'
}
