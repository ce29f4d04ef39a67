#!/usr/bin/env bats
# Namespace identity beyond the inode number: the kernel gives a new
# network namespace the inode number of one that just died, so a file
# keyed by an inode belongs to the namespace it was written for (its
# netns cookie, never reused), and a later namespace with the same inode
# sees the default, never that file.  netnsctl list calls such a file
# stale, and prune removes it.

load ../helpers/common
load ../helpers/security

local_setup() {
	rcfs_fixture
	ctl() { "$NETNSCTL" --mount "$MP" "$@"; }
}

# reuse_inode INO: start processes in new anonymous namespaces until one
# has inode INO; print its PID.  The others stay alive meanwhile: the
# kernel hands out the lowest free number, and a lower one freed by
# someone else would be handed out again at each try.  They end with
# the test.
reuse_inode() {
	local want=$1 pid ino tries=0 deadline=$((SECONDS + 60))
	while [ $SECONDS -lt $deadline ] && [ $tries -lt 300 ]; do
		pid=$(rcfs_anon_ns) || return 1
		tries=$((tries + 1))
		ino=$(stat -L -c %i "/proc/$pid/ns/net")
		if [ "$ino" = "$want" ]; then
			rcfs_figure "inode $want given again after $tries tries"
			echo "$pid"
			return 0
		fi
		# the dead namespace may not be freed yet
		sleep 0.1
	done
	echo "inode $want was not given again in $tries tries" >&2
	return 1
}

# stale_checks PID INO: the namespace of PID, which has the inode INO of
# a dead namespace whose file is still there, sees the default; list says
# stale; prune removes the file
stale_checks() {
	local pid=$1 ino=$2
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	run nsenter --net="/proc/$pid/ns/net" stat -c %s "$MP"
	assert_output "$(stat -c %s "$DEFAULT")"
	run ctl -j list
	assert_success
	assert_equal "$(jq -r --argjson i "$ino" '.netns[] | select(.inode == $i) | .file' <<<"$output")" stale
	run ctl list
	assert_success
	assert_line --regexp "^ +$ino +.* stale( |$)"
	run ctl -j prune --dry-run
	assert_success
	assert_equal "$(jq -c '[.prune[] | [.key, .action]]' <<<"$output")" "[[$ino,\"would remove\"]]"
	assert_file_exists "$BACKING/$ino.conf"
	run ctl -j prune
	assert_success
	assert_equal "$(jq -c '[.prune[] | [.key, .action]]' <<<"$output")" "[[$ino,\"removed\"]]"
	assert_file_not_exists "$BACKING/$ino.conf"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
}

@test "a new namespace given a dead namespace's inode never sees the file written for it" {
	local ino pid
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# a container's namespace writes its file and dies
	unshare -n sh -c 'stat -L -c %i /proc/self/ns/net > "$1"
		echo "nameserver 10.152.0.1" > "$2"' _ "$RCFS_TMP/ino" "$MP"
	ino=$(cat "$RCFS_TMP/ino")
	run cat "$BACKING/$ino.conf"
	assert_output 'nameserver 10.152.0.1'
	pid=$(reuse_inode "$ino")
	stale_checks "$pid" "$ino"
}

@test "a file set with netnsctl for an anonymous namespace is not served to a later namespace with its inode" {
	local ino pid old
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	old=$(rcfs_anon_ns)
	ino=$(stat -L -c %i "/proc/$old/ns/net")
	run ctl set pid "$old" nameserver 10.152.0.2
	assert_success
	run nsenter --net="/proc/$old/ns/net" cat "$MP"
	assert_line 'nameserver 10.152.0.2'
	refute_line 'nameserver 198.51.100.1'
	kill "$old"
	rcfs_wait_gone "$old"
	wait "$old" 2>/dev/null || true
	pid=$(reuse_inode "$ino")
	stale_checks "$pid" "$ino"
}

@test "a living anonymous namespace keeps seeing the file it wrote" {
	local pid ino
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	pid=$(rcfs_anon_ns)
	ino=$(stat -L -c %i "/proc/$pid/ns/net")
	nsenter --net="/proc/$pid/ns/net" sh -c "echo 'nameserver 10.152.0.3' > '$MP'"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.152.0.3'
	run ctl -j list
	assert_equal "$(jq -r --argjson i "$ino" '.netns[] | select(.inode == $i) | .file' <<<"$output")" own
	run ctl -j prune --dry-run
	assert_success
	assert_equal "$(jq -c '[.prune[]]' <<<"$output")" "[]"
	# and after the daemon starts again
	rcfs_stop_daemon
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.152.0.3'
}

@test "at start, a file without a record is given to the living namespace with its inode, and one of a dead inode is stale" {
	local live dead pid
	# written beside the mount while no daemon ran (or by an older one)
	pid=$(rcfs_anon_ns)
	live=$(stat -L -c %i "/proc/$pid/ns/net")
	printf 'nameserver 10.153.0.1\n' > "$BACKING/$live.conf"
	unshare -n sh -c 'stat -L -c %i /proc/self/ns/net > "$1"' _ "$RCFS_TMP/ino"
	dead=$(cat "$RCFS_TMP/ino")
	printf 'nameserver 10.153.0.2\n' > "$BACKING/$dead.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run grep -c '1 claimed by their namespace, 1 marked stale' "$RCFS_TMP/daemon.log"
	assert_output 1
	run getfattr --absolute-names --only-values -n trusted.resolvconffs.netns "$BACKING/$dead.conf"
	assert_output 0
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.153.0.1'
	run ctl -j prune --dry-run
	assert_success
	assert_equal "$(jq -c '[.prune[] | [.key, .action]]' <<<"$output")" "[[$dead,\"would remove\"]]"
}

@test "a file written by hand for a living anonymous namespace is served to it and recorded as its own" {
	local ino pid
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	pid=$(rcfs_anon_ns)
	ino=$(stat -L -c %i "/proc/$pid/ns/net")
	printf 'nameserver 10.153.0.3\n' > "$BACKING/$ino.conf"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.153.0.3'
	run getfattr --absolute-names --only-values -n trusted.resolvconffs.netns "$BACKING/$ino.conf"
	assert_success
	refute_output 0
	run ctl -j list
	assert_equal "$(jq -r --argjson i "$ino" '.netns[] | select(.inode == $i) | .file' <<<"$output")" own
}
