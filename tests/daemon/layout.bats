#!/usr/bin/env bats
# Where a key's file lives: the extension and the two layouts.

load ../helpers/common

local_setup() {
	rcfs_fixture
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
}

@test "the flat layout serves BACKING/NAME.conf by default" {
	printf 'nameserver 10.20.0.1\n' > "$BACKING/$NS.conf"
	printf 'nameserver 10.20.0.2\n' > "$BACKING/$NS"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.20.0.1'
}

@test "-p '' serves the bare key, with no dot" {
	printf 'nameserver 10.21.0.1\n' > "$BACKING/$NS.conf"
	printf 'nameserver 10.21.0.2\n' > "$BACKING/$NS"
	printf 'nameserver 10.21.0.3\n' > "$BACKING/$NS."
	rcfs_start_daemon -p '' -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.21.0.2'
	# and a write goes to the bare key too
	rm "$BACKING/$NS"
	in_ns "$NS" sh -c "echo 'nameserver 10.21.0.4' > '$MP'"
	run cat "$BACKING/$NS"
	assert_output 'nameserver 10.21.0.4'
	run cat "$BACKING/$NS.conf"
	assert_output 'nameserver 10.21.0.1'
}

@test "-p other serves BACKING/NAME.other" {
	printf 'nameserver 10.22.0.1\n' > "$BACKING/$NS.conf"
	printf 'nameserver 10.22.0.2\n' > "$BACKING/$NS.other"
	rcfs_start_daemon -p other -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.22.0.2'
	# the .conf file is not ours any more: no file, the default
	rm "$BACKING/$NS.other"
	run in_ns "$NS" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
}

@test "-l dir serves BACKING/KEY/BASENAME for named and anonymous namespaces" {
	local pid ino
	pid=$(rcfs_anon_ns)
	ino=$(stat -L -c %i "/proc/$pid/ns/net")
	mkdir "$BACKING/$NS" "$BACKING/$ino"
	printf 'nameserver 10.23.0.1\n' > "$BACKING/$NS/mp"
	printf 'nameserver 10.23.0.2\n' > "$BACKING/$ino/mp"
	printf 'nameserver 10.23.0.3\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -l dir -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.23.0.1'
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.23.0.2'
}

@test "with BACKING=/etc/netns and -l dir, ip netns exec and resolvconffs agree" {
	local other
	other=$(rcfs_name b)
	rcfs_ns_add "$other"
	mkdir -p "/etc/netns/$NS"
	printf 'nameserver 10.24.0.1\n# %s\n' "$NS" > "/etc/netns/$NS/resolv.conf"
	rcfs_start_daemon -l dir -d "$DEFAULT" /etc/netns /etc/resolv.conf
	run ip netns exec "$NS" cat /etc/resolv.conf
	assert_output "$(printf 'nameserver 10.24.0.1\n# %s' "$NS")"
	run in_ns "$NS" cat /etc/resolv.conf
	assert_output "$(printf 'nameserver 10.24.0.1\n# %s' "$NS")"
	# no /etc/netns/OTHER: ip netns exec binds nothing, both see the mount
	run ip netns exec "$other" cat /etc/resolv.conf
	assert_output "$(cat "$DEFAULT")"
	run in_ns "$other" cat /etc/resolv.conf
	assert_output "$(cat "$DEFAULT")"
}

@test "-l dir: a write creates the namespace's directory and file" {
	rcfs_start_daemon -l dir -d "$DEFAULT" "$BACKING" "$MP"
	in_ns "$NS" sh -c "echo 'nameserver 10.25.0.1' > '$MP'"
	assert_file_exists "$BACKING/$NS/mp"
	run cat "$BACKING/$NS/mp"
	assert_output 'nameserver 10.25.0.1'
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.25.0.1'
	run cat "$DEFAULT"
	assert_output "$(printf 'nameserver 198.51.100.1\n# default')"
}
