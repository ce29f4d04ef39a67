#!/usr/bin/env bats
# The caller tap: where the kernel has the fuse_request_send tracepoint
# and BPF type information, the daemon learns each caller's network
# namespace from a BPF program at the moment the caller sends its
# request, and makes no system call for it.  Elsewhere, or with
# --no-bpf, it reads /proc/TID/ns/net.  Either way every caller sees its
# own namespace's file.  (The rest of the suite runs with the tap where
# it loads; tests/daemon/callers.bats covers the /proc way.)

load ../helpers/common

local_setup() {
	rcfs_fixture_ns NS OTHER
	printf 'nameserver 10.71.0.1\n' > "$BACKING/$NS.conf"
	printf 'nameserver 10.72.0.1\n' > "$BACKING/$OTHER.conf"
}

# tap_expected: this build has the tap and this kernel can run it here:
# root in the first user namespace, in the first pid namespace (its inode
# number is fixed, PROC_PID_INIT_INO), and bpf(2) not refused (a
# container's seccomp filter may refuse it: systemd-nspawn's does)
tap_expected() {
	grep -q '^#define HAVE_BPF 1' "$RCFS_BUILD/config.h" &&
		[ -r /sys/kernel/btf/vmlinux ] &&
		grep -qs btf_trace_fuse_request_send /sys/kernel/btf/vmlinux \
			/sys/kernel/btf/fuse &&
		[ "$(stat -L -c %i /proc/self/ns/pid)" = 4026531836 ] &&
		bpftool prog list >/dev/null 2>&1
}

skip_without_tap() {
	tap_expected ||
		skip "no BPF tap here: built without it, a kernel without BTF or the fuse_request_send tracepoint, or a container (not the first pid namespace, or bpf(2) refused)"
}

# count_readlinkats N [DAEMON ARGS...]: start the daemon with ARGS, make
# N stat() calls from one thread of NS under strace, and leave in
# READLINKATS how many readlinkat() calls the daemon made meanwhile (not
# in a subshell: the daemon and strace are the test's to end)
count_readlinkats() {
	local n=$1 st deadline srv
	shift
	rcfs_start_daemon "$@" -d "$DEFAULT" "$BACKING" "$MP"
	# the process that serves (the daemon's PID is its keeper's)
	srv=$(rcfs_server_pid "$MP")
	rm -f "$RCFS_TMP/strace.err"
	strace -f -c -e trace=readlinkat -o "$RCFS_TMP/strace" \
		-p "$srv" 2> "$RCFS_TMP/strace.err" 3>&- &
	st=$!
	rcfs_track_pid "$st"
	# strace says when it has attached to the daemon's threads
	deadline=$((SECONDS + 10))
	until grep -qs attached "$RCFS_TMP/strace.err"; do
		[ $SECONDS -lt $deadline ] || fail "strace did not attach"
		sleep 0.05
	done
	in_ns "$NS" bash -c 'for ((i = 0; i < $2; i++)); do
		[ -f "$1" ] || exit 3; done' _ "$MP" "$n" || fail "stat failed"
	kill -INT "$st"
	wait "$st" || true
	READLINKATS=$(awk '$NF == "readlinkat" { n = $4 } END { print n + 0 }' \
		"$RCFS_TMP/strace")
}

# flip_round N: one thread enters the host's namespace, NS and OTHER in
# turn, N times round, reading the mount in each: every read must show
# that namespace's file
flip_round() {
	run "$SETNS_FLIP" "$1" "$MP" /proc/self/ns/net "/run/netns/$NS" \
		"/run/netns/$OTHER"
	assert_success
	assert_equal "${#lines[@]}" $(($1 * 3))
	assert_equal "$(grep -cx '0 nameserver 203.0.113.1' <<<"$output")" "$1"
	assert_equal "$(grep -cx '1 nameserver 10.71.0.1' <<<"$output")" "$1"
	assert_equal "$(grep -cx '2 nameserver 10.72.0.1' <<<"$output")" "$1"
}

@test "where the kernel has the tracepoint, the daemon learns its callers' namespaces from the BPF tap" {
	skip_without_tap
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_equal "$(rcfs_state "$MP" callers)" bpf
	run grep -c "callers' namespaces from the BPF tap" "$RCFS_TMP/daemon.log"
	assert_output 1
	run "$NETNSCTL" -j status
	assert_success
	assert_equal "$(jq -r --arg m "$MP" \
		'.mounts[] | select(.mountpoint == $m) | .callers' <<<"$output")" bpf
}

@test "--no-bpf and -o no_bpf read each caller's /proc link instead" {
	local opt
	for opt in --no-bpf "-o no_bpf"; do
		# shellcheck disable=SC2086 # two words for -o
		rcfs_start_daemon $opt -d "$DEFAULT" "$BACKING" "$MP"
		assert_equal "$(rcfs_state "$MP" callers)" proc
		run in_ns "$NS" cat "$MP"
		assert_output "nameserver 10.71.0.1"
		rcfs_end_started
	done
	run grep -c "BPF" "$RCFS_TMP/daemon.log"
	assert_output 0
}

@test "with the tap, a stat costs the daemon no readlinkat; without it, one each" {
	skip_without_tap
	local with without
	count_readlinkats 300
	with=$READLINKATS
	rcfs_end_started
	count_readlinkats 300 --no-bpf
	without=$READLINKATS
	rcfs_figure "readlinkat calls for 300 stat calls: $with with the tap, $without without"
	[ "$with" -lt 30 ] || fail "$with readlinkat calls with the tap"
	[ "$without" -ge 300 ] || fail "only $without readlinkat calls without it"
}

@test "with the tap, one thread that enters namespaces in turn sees each one's file at every request" {
	skip_without_tap
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_equal "$(rcfs_state "$MP" callers)" bpf
	flip_round 200
}

@test "without the tap, the same thread entering namespaces in turn sees each one's file" {
	rcfs_start_daemon --no-bpf -d "$DEFAULT" "$BACKING" "$MP"
	assert_equal "$(rcfs_state "$MP" callers)" proc
	flip_round 200
}

@test "with the tap, 200 threads in two namespaces at once each see their own file" {
	skip_without_tap
	local i pids=()
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# far more threads than CPUs: many wait for answers at once
	for ((i = 0; i < 200; i++)); do
		in_ns "$([ $((i % 2)) = 0 ] && echo "$NS" || echo "$OTHER")" \
			bash -c 'for ((j = 0; j < 20; j++)); do
				read -r l < "$1" || exit 3; echo "$l"; done' \
			_ "$MP" > "$RCFS_TMP/out.$i" 3>&- &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || fail "reader $i failed"
	done
	for ((i = 0; i < 200; i += 2)); do
		assert_equal "$(grep -cx 'nameserver 10.71.0.1' "$RCFS_TMP/out.$i")" 20
		assert_equal "$(grep -cx 'nameserver 10.72.0.1' "$RCFS_TMP/out.$((i + 1))")" 20
	done
}

@test "a daemon in a pid namespace of its own does without the tap, and serves each namespace its file" {
	# FUSE numbers callers in the daemon's pid namespace, the tap in the
	# first one: the daemon must not take one for the other
	cat > "$RCFS_TMP/pidns" <<'EOF'
set -u
. "$RCFS_SRC/tests/helpers/pidns.bash"
daemon=$1 mp=$2 default=$3 backing=$4 flip=$5 a=$6 b=$7
pidns_daemon "$mp.log" "$daemon" -d "$default" "$backing" "$mp"
dpid=$DPID
"$flip" 100 "$mp" "/run/netns/$a" "/run/netns/$b"
grep -h '^callers=' /run/resolvconffs/*
kill $dpid
wait $dpid
EOF
	run unshare -p -f --mount-proc bash "$RCFS_TMP/pidns" "$RESOLVCONFFS" \
		"$MP" "$DEFAULT" "$BACKING" "$SETNS_FLIP" "$NS" "$OTHER"
	assert_success
	assert_equal "${#lines[@]}" 201
	assert_equal "$(grep -cx '0 nameserver 10.71.0.1' <<<"$output")" 100
	assert_equal "$(grep -cx '1 nameserver 10.72.0.1' <<<"$output")" 100
	assert_line callers=proc
	if tap_expected; then
		run grep -c "no BPF tap (not in the first pid namespace)" "$MP.log"
		assert_output 1
	fi
}
