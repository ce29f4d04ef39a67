#!/usr/bin/env bats
# Real name resolution: a DNS server in each namespace, glibc's resolver
# reading /etc/resolv.conf through the mount.

load ../helpers/common

PROBE=rcfs-probe.test
SETNS_RESOLVE=$RCFS_BUILD/tests/helpers/setns-resolve

local_setup() {
	rcfs_fixture_ns NS1 NS2
	ip -n "$NS1" link set lo up
	ip -n "$NS2" link set lo up
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		> "$BACKING/$NS1.conf"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		> "$BACKING/$NS2.conf"
}

# dns_start NS ADDRESS ANSWER: a dnsmasq in NS on ADDRESS:53 that answers
# $PROBE with ANSWER and knows nothing else; ended at teardown.
dns_start() {
	rcfs_dns_serve "$1" "$2" "$PROBE" "$3"
}

@test "getent through nsenter asks each namespace's own DNS server" {
	dns_start "$NS1" 127.0.0.1 10.53.1.1
	dns_start "$NS2" 127.0.0.1 10.53.2.2
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" /etc/resolv.conf

	run nsenter --net="/run/netns/$NS1" getent hosts "$PROBE"
	assert_success
	assert_output --regexp "^10\.53\.1\.1 +$PROBE\$"
	run nsenter --net="/run/netns/$NS2" getent hosts "$PROBE"
	assert_success
	assert_output --regexp "^10\.53\.2\.2 +$PROBE\$"
}

@test "ip netns exec and a setns(2) thread resolve through their namespace's server" {
	dns_start "$NS1" 127.0.0.1 10.53.1.1
	dns_start "$NS2" 127.0.0.1 10.53.2.2
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" /etc/resolv.conf

	run ip netns exec "$NS2" getent hosts "$PROBE"
	assert_success
	assert_output --regexp "^10\.53\.2\.2 +$PROBE\$"
	run "$SETNS_RESOLVE" "/run/netns/$NS1" "$PROBE"
	assert_success
	assert_output 10.53.1.1
}

@test "replacing a namespace's file by rename switches its server at the next lookup" {
	dns_start "$NS1" 127.0.0.1 10.53.1.1
	dns_start "$NS1" 127.0.0.2 10.53.1.2
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" /etc/resolv.conf

	run nsenter --net="/run/netns/$NS1" getent hosts "$PROBE"
	assert_output --regexp "^10\.53\.1\.1 +$PROBE\$"
	printf 'nameserver 127.0.0.2\noptions timeout:1 attempts:1\n' \
		> "$BACKING/.new"
	mv "$BACKING/.new" "$BACKING/$NS1.conf"
	run nsenter --net="/run/netns/$NS1" getent hosts "$PROBE"
	assert_success
	assert_output --regexp "^10\.53\.1\.2 +$PROBE\$"
}

@test "a namespace without a server of its own gets no answer from another's" {
	dns_start "$NS1" 127.0.0.1 10.53.1.1
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" /etc/resolv.conf

	run nsenter --net="/run/netns/$NS1" getent hosts "$PROBE"
	assert_success
	# NS2's file names the same address, but nothing listens there in NS2
	run nsenter --net="/run/netns/$NS2" getent hosts "$PROBE"
	assert_failure 2
	assert_output ''
}
