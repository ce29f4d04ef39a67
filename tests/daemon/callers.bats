#!/usr/bin/env bats
# A thread that asks often (a resolver that looks names up all day) gets
# a descriptor of its /proc/TID/ns/net link in the daemon, so that its
# requests skip the walk to the link.  The link is still read at every
# request: a thread that enters another namespace, or a new thread given
# the same id, must see its own namespace's file at its next request.
#
# These are the daemon's ways without the BPF caller tap (--no-bpf, or a
# kernel without it: see tap.bats); a daemon in a pid namespace of its
# own reads the link even with the tap loaded.
#
# One bash process is one thread that asks as often as we like: the
# builtin test (`[ -f F ]`) is one stat(), and `read < F` opens and reads
# F in that same thread.

load ../helpers/common

local_setup() {
	rcfs_fixture_ns NS OTHER
	printf 'nameserver 10.61.0.1\n' > "$BACKING/$NS.conf"
	printf 'nameserver 10.62.0.1\n' > "$BACKING/$OTHER.conf"
}

# held DAEMON_PID TID: how many descriptors of TID's namespace link the
# daemon holds
held() {
	local n=0 fd
	for fd in "/proc/$1/fd/"*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "/proc/$2/ns/net" ] &&
			n=$((n + 1))
	done
	echo "$n"
}

# links DAEMON_PID: how many namespace links of threads the daemon holds
links() {
	local n=0 fd
	for fd in "/proc/$1/fd/"*; do
		[[ $(readlink "$fd" 2>/dev/null) == /proc/[0-9]*/ns/net ]] &&
			n=$((n + 1))
	done
	echo "$n"
}

# asker: a script for bash -c: stat $1 $2 times, then print
# "PID LINE" with the first line of $1, read in the same process
ASKER='for ((i = 0; i < $2; i++)); do [ -f "$1" ] || exit 3; done
read -r line < "$1" || exit 4
echo "$$ $line"'

# ask_then_look N: a thread of NS asks N times, then waits while we look;
# prints the line it read and how many links of it the daemon holds, and
# leaves its PID in ASKED_PID (when not run in a subshell)
ask_then_look() {
	local pid line apid
	coproc ASK { in_ns "$NS" bash -c "$ASKER"'; read -r _' _ "$MP" "$1" 3>&-; }
	# bash forgets ASK_PID as soon as the coprocess ends
	apid=$ASK_PID
	rcfs_track_pid "$apid"
	read -r pid line <&"${ASK[0]}"
	ASKED_PID=$pid
	echo "$line / $(held "$(rcfs_server_pid "$MP")" "$pid")"
	echo >&"${ASK[1]}"
	wait "$apid"
}

@test "a thread that asks often holds its link; one that asks a few times does not" {
	rcfs_start_daemon --no-bpf -d "$DEFAULT" "$BACKING" "$MP"
	# stat, then open's permission check and open: three requests
	run ask_then_look 1
	assert_success
	assert_output "nameserver 10.61.0.1 / 0"
	run ask_then_look 100
	assert_success
	assert_output "nameserver 10.61.0.1 / 1"
}

@test "a thread's link is let go within seconds of its exit" {
	local pid deadline
	rcfs_start_daemon --no-bpf -d "$DEFAULT" "$BACKING" "$MP"
	# held while the thread lives (not in a subshell: ASKED_PID)
	ask_then_look 100 > "$RCFS_TMP/asked"
	assert_equal "$(cat "$RCFS_TMP/asked")" "nameserver 10.61.0.1 / 1"
	pid=$ASKED_PID
	# gone with the thread, at the watch's next refresh (5 s)
	deadline=$((SECONDS + 10))
	while [ "$(held "$(rcfs_server_pid "$MP")" "$pid")" != 0 ]; do
		[ $SECONDS -lt $deadline ] || fail "the daemon still holds /proc/$pid/ns/net"
		sleep 0.1
	done
}

@test "a thread that asked often sees the new namespace's file after setns" {
	local script
	rcfs_start_daemon --no-bpf -d "$DEFAULT" "$BACKING" "$MP"
	# nsenter calls setns() and execs in the same thread: the daemon
	# must read the link again, not trust the descriptor's last answer
	script=$ASKER'
[ "$(readlink /proc/$3/fd/* | grep -cx "/proc/$$/ns/net")" = 1 ] || exit 5
exec nsenter --net="/run/netns/$4" -- bash -c '\''
	for ((i = 0; i < 20; i++)); do [ -f "$1" ] || exit 3; done
	read -r line < "$1" && echo "$$ $line"'\'' _ "$1"'
	run in_ns "$NS" bash -c "$script" _ "$MP" 100 "$(rcfs_server_pid "$MP")" "$OTHER"
	assert_success
	assert_equal "${#lines[@]}" 2
	# one thread, first in NS, then in OTHER
	assert_equal "${lines[0]%% *}" "${lines[1]%% *}"
	assert_equal "${lines[0]#* }" "nameserver 10.61.0.1"
	assert_equal "${lines[1]#* }" "nameserver 10.62.0.1"
}

@test "a new thread given the id of one that asked often sees its own namespace's file" {
	# Thread ids are chosen through ns_last_pid, in a pid namespace of
	# our own (the daemon too, so that FUSE reports ids in it).
	cat > "$RCFS_TMP/reuse" <<'EOF'
set -u
. "$RCFS_SRC/tests/helpers/pidns.bash"
daemon=$1 mp=$2 default=$3 backing=$4 first=$5 second=$6 asker=$7
pidns_daemon /dev/null "$daemon" -d "$default" "$backing" "$mp"
dpid=$DPID
out=$(nsenter --net="/run/netns/$first" -- bash -c "$asker" _ "$mp" 100)
echo "first $out"
tid=${out%% *}
# the serving process: the daemon's (the keeper's) child
srv=$(pgrep -P "$dpid")
readlink /proc/$srv/fd/* | grep -qx "/proc/$tid/ns/net" && echo "held $tid"
for ((try = 0; try < 20; try++)); do
	echo $((tid - 1)) > /proc/sys/kernel/ns_last_pid
	# "&" forks once and execs: the new process takes the id
	nsenter --net="/run/netns/$second" -- bash -c "$asker" _ "$mp" 1 \
		> "$mp.out" &
	wait $!
	out=$(cat "$mp.out")
	[ "${out%% *}" = "$tid" ] && break
done
echo "second $out"
# ended here, not killed with the namespace: its state file goes too
kill $dpid
wait $dpid
EOF
	run unshare -p -f --mount-proc bash "$RCFS_TMP/reuse" "$RESOLVCONFFS" \
		"$MP" "$DEFAULT" "$BACKING" "$NS" "$OTHER" "$ASKER"
	assert_success
	assert_equal "${#lines[@]}" 3
	local tid=${lines[0]#first }
	tid=${tid%% *}
	assert_equal "${lines[0]}" "first $tid nameserver 10.61.0.1"
	# the daemon held the first thread's link when the second came
	assert_equal "${lines[1]}" "held $tid"
	assert_equal "${lines[2]}" "second $tid nameserver 10.62.0.1"
}

@test "the links held stay within the table's 64 slots, however many threads ask" {
	local i pids=() fifo=$RCFS_TMP/go n
	rcfs_start_daemon --no-bpf -d "$DEFAULT" "$BACKING" "$MP"
	mkfifo "$fifo"
	# 100 live threads that each ask often, then wait together
	for ((i = 0; i < 100; i++)); do
		in_ns "$NS" bash -c "$ASKER"'; read -r _ < "$3"' _ "$MP" 40 \
			"$fifo" > "$RCFS_TMP/out.$i" 3>&- &
		pids+=($!)
		rcfs_track_pid $!
	done
	# every one has asked once it has printed
	for ((i = 0; i < 100; i++)); do
		local deadline=$((SECONDS + 30))
		until [ -s "$RCFS_TMP/out.$i" ]; do
			[ $SECONDS -lt $deadline ] || fail "asker $i did not finish"
			sleep 0.05
		done
	done
	n=$(links "$(rcfs_server_pid "$MP")")
	rcfs_figure "links held with 100 frequent threads alive: $n"
	[ "$n" -ge 1 ] || fail "no link held"
	[ "$n" -le 64 ] || fail "$n links held"
	# release them all: a line each, in the pipe even for late readers
	exec 4<>"$fifo"
	for ((i = 0; i < 100; i++)); do
		echo >&4
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	exec 4>&-
	# and each of them saw its namespace's file
	run cat "$RCFS_TMP"/out.*
	assert_equal "$(grep -c ' nameserver 10.61.0.1$' <<<"$output")" 100
}
