#!/usr/bin/env bats
# The key of a namespace: its ip-netns name, or its inode number.

load ../helpers/common

local_setup() {
	rcfs_fixture
	RCFS_BINDS=()
}

# ns_ino PID: the inode of PID's network namespace
ns_ino() {
	stat -L -c %i "/proc/$1/ns/net"
}

# bind_ns PID PATH: an nsfs bind mount of PID's namespace on PATH (as
# ip netns attach makes), removed at teardown
bind_ns() {
	touch "$2" && RCFS_BINDS+=("$2") &&
		mount --bind "/proc/$1/ns/net" "$2"
}

local_teardown() {
	local b
	for b in "${RCFS_BINDS[@]}"; do
		umount "$b" 2>/dev/null
		rm -f "$b"
	done
}

@test "an anonymous namespace sees BACKING/INODE.conf" {
	local pid ino
	pid=$(rcfs_anon_ns)
	ino=$(ns_ino "$pid")
	printf 'nameserver 10.3.3.3\n' > "$BACKING/$ino.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_success
	assert_output 'nameserver 10.3.3.3'
	# another anonymous namespace has no file: the default
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
}

@test "a named namespace is keyed by its name, not its inode" {
	local ns ino
	ns=$(rcfs_name a)
	rcfs_ns_add "$ns"
	ino=$(stat -L -c %i "/run/netns/$ns")
	printf 'nameserver 10.4.4.4\n' > "$BACKING/$ns.conf"
	printf 'nameserver 10.5.5.5\n' > "$BACKING/$ino.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$ns" cat "$MP"
	assert_output 'nameserver 10.4.4.4'
}

@test "a namespace named a moment ago is seen by its name at the very next request" {
	local i ns
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	for i in 1 2 3 4 5 6 7 8; do
		ns=$(rcfs_name "n$i")
		printf 'nameserver 10.6.6.%s\n' "$i" > "$BACKING/$ns.conf"
		# a request just before, so the daemon has read the names
		cat "$MP" >/dev/null
		rcfs_ns_add "$ns"
		run in_ns "$ns" cat "$MP"
		assert_output "nameserver 10.6.6.$i"
	done
}

@test "ip netns attach names a running namespace at the next request" {
	local pid ino ns
	pid=$(rcfs_anon_ns)
	ino=$(ns_ino "$pid")
	ns=$(rcfs_name a)
	printf 'nameserver 10.7.7.1\n' > "$BACKING/$ino.conf"
	printf 'nameserver 10.7.7.2\n' > "$BACKING/$ns.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.7.7.1'
	ip netns attach "$ns" "$pid"
	RCFS_NETNS+=("$ns")
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.7.7.2'
}

@test "ip netns delete falls back to the inode key" {
	local ns pid ino
	ns=$(rcfs_name a)
	rcfs_ns_add "$ns"
	# a process keeps the namespace alive once its name is gone
	nsenter --net="/run/netns/$ns" sleep 3600 3>&- &
	pid=$!
	rcfs_track_pid "$pid"
	ino=$(stat -L -c %i "/run/netns/$ns")
	local deadline=$((SECONDS + 10))
	until [ "$(ns_ino "$pid" 2>/dev/null)" = "$ino" ]; do
		[ $SECONDS -lt $deadline ] || fail "sleep did not enter $ns"
		sleep 0.02
	done
	printf 'nameserver 10.8.8.1\n' > "$BACKING/$ns.conf"
	printf 'nameserver 10.8.8.2\n' > "$BACKING/$ino.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.8.8.1'
	ip netns delete "$ns"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.8.8.2'
	# and with no file for the inode, the default
	rm "$BACKING/$ino.conf"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
}

@test "a name that is not a safe file name is never used: the inode is" {
	local pid ino bad long
	pid=$(rcfs_anon_ns)
	ino=$(ns_ino "$pid")
	bad=$'bad\001name'
	long=$(printf 'x%.0s' {1..230})
	bind_ns "$pid" "/run/netns/$bad"
	bind_ns "$pid" "/run/netns/$long"
	# sort before the others, so a bug would pick them first
	bind_ns "$pid" $'/run/netns/\tab'
	bind_ns "$pid" $'/run/netns/\nnewline'
	# a write's temporary name: it could be taken for a leftover
	bind_ns "$pid" "/run/netns/.a.rcfs-1-2"
	printf 'nameserver 10.9.9.3\n' > "$BACKING/"$'\ttab.conf'
	printf 'nameserver 10.9.9.3\n' > "$BACKING/"$'\nnewline.conf'
	printf 'nameserver 10.9.9.5\n' > "$BACKING/.a.rcfs-1-2.conf"
	printf 'nameserver 10.9.9.1\n' > "$BACKING/$bad.conf"
	printf 'nameserver 10.9.9.2\n' > "$BACKING/$long.conf"
	printf 'nameserver 10.9.9.4\n' > "$BACKING/$ino.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_success
	assert_output 'nameserver 10.9.9.4'
}

@test "a namespace with several names is keyed by the first in byte order" {
	local pid
	pid=$(rcfs_anon_ns)
	bind_ns "$pid" "/run/netns/$(rcfs_name b)"
	bind_ns "$pid" "/run/netns/$(rcfs_name B)"
	bind_ns "$pid" "/run/netns/$(rcfs_name c)"
	printf 'nameserver 10.10.0.1\n' > "$BACKING/$(rcfs_name b).conf"
	printf 'nameserver 10.10.0.2\n' > "$BACKING/$(rcfs_name B).conf"
	printf 'nameserver 10.10.0.3\n' > "$BACKING/$(rcfs_name c).conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# "B" (0x42) sorts before "b" and "c" in byte order
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.10.0.2'
}

@test "-n DIR takes the names from another directory" {
	local pid dir ns
	pid=$(rcfs_anon_ns)
	dir=$RCFS_TMP/netns
	ns=$(rcfs_name a)
	mkdir "$dir"
	bind_ns "$pid" "$dir/$ns"
	printf 'nameserver 10.11.0.1\n' > "$BACKING/$ns.conf"
	rcfs_start_daemon -n "$dir" -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.11.0.1'
	# names in /run/netns are no longer ours
	local other
	other=$(rcfs_name b)
	rcfs_ns_add "$other"
	printf 'nameserver 10.11.0.2\n' > "$BACKING/$other.conf"
	run in_ns "$other" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
}
