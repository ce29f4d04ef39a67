#!/usr/bin/env bats
# Opening for writing creates nothing by itself: a namespace that sees
# the default keeps following it after an O_RDWR or O_WRONLY open (no
# O_TRUNC) that wrote nothing.

load ../helpers/common
load ../helpers/writes

local_setup() {
	rcfs_fixture_ns NS OWN
}

# new_default: the default changes (replaced by rename, as an
# administrator's editor saves)
new_default() {
	printf 'nameserver 198.51.100.99\n# the new default\n' > "$DEFAULT.new"
	mv "$DEFAULT.new" "$DEFAULT"
}

@test "open('r+') and close without writing, in a namespace that sees the default, creates no file" {
	local base
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	base=$(rcfs_proc_fds "$(rcfs_server_pid "$MP")")
	run in_ns "$NS" python3 -c 'import sys; open(sys.argv[1], "r+").close()' "$MP"
	assert_success
	# the last close reaches the daemon after close(2) returns
	daemon_settled "$base"
	run rcfs_files "$BACKING"
	assert_output ''
	new_default
	run in_ns "$NS" cat "$MP"
	assert_output "$(printf 'nameserver 198.51.100.99\n# the new default')"
}

@test "os.open(O_WRONLY) without O_TRUNC and close, in an anonymous namespace that sees the default, creates no file" {
	local base pid
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	pid=$(rcfs_anon_ns)
	base=$(rcfs_proc_fds "$(rcfs_server_pid "$MP")")
	run nsenter --net="/proc/$pid/ns/net" python3 -c \
		'import os, sys; os.close(os.open(sys.argv[1], os.O_WRONLY))' "$MP"
	assert_success
	daemon_settled "$base"
	run rcfs_files "$BACKING"
	assert_output ''
	new_default
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output "$(printf 'nameserver 198.51.100.99\n# the new default')"
}

@test "open('r+') and close without writing leave a namespace's own file as it was" {
	local base before
	printf 'nameserver 10.162.0.1\n' > "$BACKING/$OWN.conf"
	touch -d '2001-02-03 04:05:06' "$BACKING/$OWN.conf"
	before=$(stat -c '%i %s %Y' "$BACKING/$OWN.conf")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	base=$(rcfs_proc_fds "$(rcfs_server_pid "$MP")")
	run in_ns "$OWN" python3 -c 'import sys; open(sys.argv[1], "r+").close()' "$MP"
	assert_success
	daemon_settled "$base"
	run stat -c '%i %s %Y' "$BACKING/$OWN.conf"
	assert_output "$before"
	run rcfs_files "$BACKING"
	assert_output "./$OWN.conf"
}
