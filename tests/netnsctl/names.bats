#!/usr/bin/env bats
# Finding namespaces: list, resolve, identify, pids, against real
# namespaces from ip-netns and unshare.

bats_require_minimum_version 1.5.0
load ../helpers/common

local_setup() {
	NS=$(rcfs_name ns)
	rcfs_ns_add "$NS"
}


@test "resolve prints the inode stat shows for the name" {
	run "$NETNSCTL" resolve "$NS"
	assert_success
	assert_output "$(stat -L -c %i "/run/netns/$NS")"
}

@test "resolve -j gives the inode as a number" {
	run "$NETNSCTL" -j resolve "$NS"
	assert_success
	assert_equal "$(jq '.resolve[0].inode' <<<"$output")" "$(stat -L -c %i "/run/netns/$NS")"
}

@test "resolve of an unknown name fails" {
	run --separate-stderr "$NETNSCTL" resolve "$NS-missing"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: Cannot find network namespace \"$NS-missing\""
}

@test "resolve of a file that is no namespace fails" {
	touch "$RCFS_TMP/plain"
	run --separate-stderr "$NETNSCTL" --netns-dir "$RCFS_TMP" resolve plain
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: \"$RCFS_TMP/plain\" is not a network namespace"
}

@test "list shows a named namespace with no process in it" {
	run "$NETNSCTL" -j list
	assert_success
	row=$(jq -c --arg n "$NS" '.netns[] | select(.name == $n)' <<<"$output")
	assert_equal "$(jq .inode <<<"$row")" "$(stat -L -c %i "/run/netns/$NS")"
	assert_equal "$(jq .nprocs <<<"$row")" 0
	assert_equal "$(jq .pid <<<"$row")" null
}

@test "list shows an anonymous namespace with its process" {
	ANON_PID=$(rcfs_anon_ns)
	# tracked here: the helper runs in a subshell
	rcfs_track_pid "$ANON_PID"
	ino=$(stat -L -c %i /proc/$ANON_PID/ns/net)
	run "$NETNSCTL" -j list
	assert_success
	row=$(jq -c --argjson i "$ino" '.netns[] | select(.inode == $i)' <<<"$output")
	assert_equal "$(jq -r .name <<<"$row")" null
	assert_equal "$(jq .nprocs <<<"$row")" 1
	assert_equal "$(jq .pid <<<"$row")" "$ANON_PID"
	assert_equal "$(jq -r .command <<<"$row")" sleep
}

@test "list shows a namespace kept only by a bind mount outside the netns directory" {
	touch "$RCFS_TMP/nsfile"
	unshare --net="$RCFS_TMP/nsfile" true
	ino=$(stat -L -c %i "$RCFS_TMP/nsfile")
	run "$NETNSCTL" -j list
	umount "$RCFS_TMP/nsfile"
	assert_success
	jq -e --argjson i "$ino" '[.netns[] | select(.inode == $i)] | length == 1' <<<"$output"
}

@test "list text has the documented columns" {
	run "$NETNSCTL" list
	assert_success
	assert_line --index 0 --regexp '^NAME +INODE +NSID +NPROCS +PID +COMMAND +FILE +NAMESERVERS$'
	assert_line --regexp "^$NS +$(stat -L -c %i "/run/netns/$NS") "
}

@test "list shows the NSID the host gave a namespace" {
	ip netns set "$NS" 77
	run "$NETNSCTL" -j list
	assert_success
	assert_equal "$(jq --arg n "$NS" '.netns[] | select(.name == $n) | .nsid' <<<"$output")" 77
}

@test "identify names the namespace of a process in a named namespace" {
	ip netns exec "$NS" sleep 600 3>&- &
	pid=$!
	for _ in $(seq 100); do
		[[ $(stat -L -c %i /proc/$pid/ns/net) == $(stat -L -c %i "/run/netns/$NS") ]] && break
		sleep 0.05
	done
	run "$NETNSCTL" identify "$pid"
	kill "$pid"
	assert_success
	assert_output "$NS"
}

@test "identify gives the inode of an anonymous namespace" {
	ANON_PID=$(rcfs_anon_ns)
	# tracked here: the helper runs in a subshell
	rcfs_track_pid "$ANON_PID"
	run "$NETNSCTL" identify "$ANON_PID"
	assert_success
	assert_output "$(stat -L -c %i /proc/$ANON_PID/ns/net)"
}

@test "identify of a process that does not exist fails" {
	run --separate-stderr "$NETNSCTL" identify 999999999
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: Cannot find process 999999999"
}

@test "pids lists the processes in a namespace, by name, inode and pid" {
	ANON_PID=$(rcfs_anon_ns)
	# tracked here: the helper runs in a subshell
	rcfs_track_pid "$ANON_PID"
	ino=$(stat -L -c %i /proc/$ANON_PID/ns/net)
	run "$NETNSCTL" pids "$ino"
	assert_success
	assert_output "$ANON_PID"
	run "$NETNSCTL" -j pids pid "$ANON_PID"
	assert_success
	assert_equal "$(jq -c '[.pids[].pid]' <<<"$output")" "[$ANON_PID]"
	run "$NETNSCTL" pids "$NS"
	assert_success
	assert_output ""
}
