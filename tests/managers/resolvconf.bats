#!/usr/bin/env bats
# Debian's resolvconf: /etc/resolv.conf is a symlink to
# /run/resolvconf/resolv.conf, which resolvconf replaces by rename(2) in
# /run/resolvconf.  Mounted the way an administrator does it, through
# mount(8) and the helper, over the symlink.

bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/managers

RC_DIR=/run/resolvconf
RC_FILE=$RC_DIR/resolv.conf
# what the resolvconf package installs
LINK=../run/resolvconf/resolv.conf

local_setup() {
	rcfs_manager_setup "$LINK"
	mkdir -p "$RC_DIR/interface"
	printf 'nameserver 192.0.2.20\nsearch lan.test\n' >"$RC_FILE"
	# resolvconf has no stub: its own file is the right default
	DEFAULT=$RC_FILE
}

local_teardown() {
	rcfs_manager_teardown "$RC_DIR"
}

@test "resolvconf: 200 renames in /run/resolvconf under a mount -t resolvconffs on the symlink" {
	local ns anon
	rcfs_manager_namespaces ns anon 'nameserver 198.51.100.20'
	# the default changes with every rename: the namespaces without a file
	# of their own follow the host's DNS
	rcfs_mount_rcfs "$BACK" /etc/resolv.conf "default=$DEFAULT"
	assert rcfs_is_mounted /etc/resolv.conf
	refute rcfs_mounted_anywhere "$RC_FILE"
	assert_equal "$(rcfs_state /etc/resolv.conf host_source)" "$RC_FILE"

	run rcfs_rename_storm "$RC_FILE" 200 "$ns" "$anon" "$BACK/$ns.conf" "$DEFAULT"
	assert_success
	assert_line "renames: 200, failures: 0"

	run --separate-stderr "$NETNSCTL" -j status
	assert_success
	assert_equal "$(jq -r '.mounts[] | select(.mountpoint == "/etc/resolv.conf") | .manager' <<<"$output")" resolvconf

	run umount /etc/resolv.conf
	assert_success
	rcfs_wait_for_unmount /etc/resolv.conf
	assert [ -L /etc/resolv.conf ]
	assert_equal "$(readlink /etc/resolv.conf)" "$LINK"
	assert_equal "$(sed -n 2p /etc/resolv.conf)" "# generation 200"
	refute rcfs_mounted_anywhere "$RC_FILE"
	rcfs_poll 10 rcfs_wait_gone "$RCFS_DAEMON_PID"
}
