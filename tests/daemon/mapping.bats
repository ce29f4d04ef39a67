#!/usr/bin/env bats
# Each way of entering a namespace sees that namespace's file.

load ../helpers/common

local_setup() {
	rcfs_fixture_ns NS1 NS2
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	printf 'nameserver 10.2.2.2\n' > "$BACKING/$NS2.conf"
}

@test "the original README example works as written" {
	cp /etc/resolv.conf /etc/resolv.conf.bak
	mkdir "$RCFS_TMP/resolvconfs"
	rcfs_start_daemon -d /etc/resolv.conf.bak "$RCFS_TMP/resolvconfs" /etc/resolv.conf
	run cat /etc/resolv.conf
	assert_success
	assert_output "$(cat /etc/resolv.conf.bak)"
	run ip netns exec "$NS1" cat /etc/resolv.conf
	assert_output "$(cat /etc/resolv.conf.bak)"
	echo 'nameserver 10.9.9.9' > "$RCFS_TMP/resolvconfs/$NS1.conf"
	run ip netns exec "$NS1" cat /etc/resolv.conf
	assert_output 'nameserver 10.9.9.9'
}

@test "ip netns exec sees the namespace's own file" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run ip netns exec "$NS1" cat "$MP"
	assert_success
	assert_output 'nameserver 10.1.1.1'
	run ip netns exec "$NS2" cat "$MP"
	assert_output 'nameserver 10.2.2.2'
}

@test "nsenter --net into a named namespace sees its own file" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	run nsenter --net="/run/netns/$NS2" cat "$MP"
	assert_output 'nameserver 10.2.2.2'
}

@test "a thread that entered by setns(2) sees its namespace's file" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run "$SETNS_CAT" "/run/netns/$NS2" "$MP"
	assert_success
	assert_output 'nameserver 10.2.2.2'
}

@test "an anonymous namespace from unshare -n sees the default" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run unshare -n cat "$MP"
	assert_success
	assert_output "$(cat "$DEFAULT")"
}

@test "the host sees its original file" {
	local host
	host=$(cat "$MP")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run cat "$MP"
	assert_output "$host"
}
