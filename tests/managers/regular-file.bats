#!/usr/bin/env bats
# A regular-file /etc/resolv.conf under the mount: writers that replace it
# by rename (dhclient-script, udhcpc, NetworkManager's rc-manager=symlink
# on a regular file) get EBUSY, since nothing can be renamed over a mount
# point; in-place writers work.  netnsctl status says so when it sees
# such a manager.

bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/managers

local_setup() {
	rcfs_manager_setup
	DEFAULT=$RCFS_TMP/default.conf
	printf 'nameserver 198.51.100.40\n' >"$DEFAULT"
	printf '# host file\nnameserver 192.0.2.40\n' >/etc/resolv.conf
	HOST_INO=$(stat -c %i /etc/resolv.conf)
}

local_teardown() {
	rcfs_manager_teardown /run/NetworkManager \
		"/etc/NetworkManager/conf.d/$(rcfs_name rc).conf"
}

@test "mv over a regular-file mount point fails with EBUSY and changes nothing" {
	local ns anon
	rcfs_manager_namespaces ns anon 'nameserver 198.51.100.41'
	rcfs_start_daemon -d "$DEFAULT" "$BACK" /etc/resolv.conf

	# what dhclient-script does: write resolv.conf.dhclient-new, mv it over
	printf 'nameserver 192.0.2.99\n' >/etc/resolv.conf.dhclient-new
	run mv -f /etc/resolv.conf.dhclient-new /etc/resolv.conf
	assert_failure
	assert_output --partial "Device or resource busy"
	assert [ -e /etc/resolv.conf.dhclient-new ]
	rm -f /etc/resolv.conf.dhclient-new
	# nothing changed: the mount, the host's file, the namespaces' files
	assert rcfs_is_mounted /etc/resolv.conf
	assert_equal "$(cat /etc/resolv.conf)" "$(printf '# host file\nnameserver 192.0.2.40')"
	assert_equal "$(in_ns "$ns" cat /etc/resolv.conf)" "nameserver 198.51.100.41"
	assert_equal "$(nsenter -t "$anon" -n cat /etc/resolv.conf)" "nameserver 198.51.100.40"
	assert_equal "$(ls -A "$BACK")" "$ns.conf"
	run umount /etc/resolv.conf
	assert_success
	rcfs_wait_for_unmount /etc/resolv.conf
	assert_equal "$(stat -c %i /etc/resolv.conf)" "$HOST_INO"
	assert_equal "$(sed -n 2p /etc/resolv.conf)" "nameserver 192.0.2.40"
}

@test "in-place writes by the host land in the host's file and namespaces are unaffected" {
	local ns anon
	rcfs_manager_namespaces ns anon 'nameserver 198.51.100.42'
	rcfs_start_daemon -d "$DEFAULT" "$BACK" /etc/resolv.conf
	printf 'nameserver 192.0.2.42\n' >/etc/resolv.conf
	printf 'nameserver 192.0.2.43\n' >>/etc/resolv.conf
	assert_equal "$(cat /etc/resolv.conf)" "$(printf 'nameserver 192.0.2.42\nnameserver 192.0.2.43')"
	assert_equal "$(in_ns "$ns" cat /etc/resolv.conf)" "nameserver 198.51.100.42"
	assert_equal "$(nsenter -t "$anon" -n cat /etc/resolv.conf)" "nameserver 198.51.100.40"
	assert_equal "$(cat "$DEFAULT")" "nameserver 198.51.100.40"
	rcfs_release
	# the host's own file, written in place: same inode
	assert_equal "$(stat -c %i /etc/resolv.conf)" "$HOST_INO"
	assert_equal "$(cat /etc/resolv.conf)" "$(printf 'nameserver 192.0.2.42\nnameserver 192.0.2.43')"
}

@test "netnsctl status warns of EBUSY when a rename-style manager runs beside a regular-file mount point" {
	mkdir -p /run/NetworkManager
	printf 'nameserver 192.0.2.44\n' >/run/NetworkManager/resolv.conf
	rcfs_start_daemon -d "$DEFAULT" "$BACK" /etc/resolv.conf
	run --separate-stderr "$NETNSCTL" -j status
	assert_success
	local row
	row=$(jq -c '.mounts[] | select(.mountpoint == "/etc/resolv.conf")' <<<"$output")
	assert_equal "$(jq -r .manager <<<"$row")" NetworkManager
	assert_equal "$(jq -r '."host-kind"' <<<"$row")" original
	assert_equal "$(jq -r '."host-source"' <<<"$row")" /etc/resolv.conf
	jq -e '.warnings[] | select(test("/etc/resolv.conf is a regular file mount point, but NetworkManager replaces it by rename\\(2\\), which fails with EBUSY"))' <<<"$row"
	jq -e '.warnings[] | select(test("rc-manager=file"))' <<<"$row"
	# and the text form says it too
	run --separate-stderr "$NETNSCTL" status
	assert_success
	assert_output --partial "which fails with EBUSY"
}

@test "netnsctl status has no EBUSY warning when no manager is seen" {
	rm -rf /run/NetworkManager /run/resolvconf /run/systemd/resolve
	rcfs_start_daemon -d "$DEFAULT" "$BACK" /etc/resolv.conf
	run --separate-stderr "$NETNSCTL" -j status
	assert_success
	local row
	row=$(jq -c '.mounts[] | select(.mountpoint == "/etc/resolv.conf")' <<<"$output")
	assert_equal "$(jq -r '.manager // "none"' <<<"$row")" none
	assert_equal "$(jq -c .warnings <<<"$row")" '[]'
}

@test "netnsctl status does not warn when NetworkManager is set to rc-manager=file" {
	mkdir -p /run/NetworkManager /etc/NetworkManager/conf.d
	printf 'nameserver 192.0.2.45\n' >/run/NetworkManager/resolv.conf
	printf '[main]\nrc-manager=file\n' >"/etc/NetworkManager/conf.d/$(rcfs_name rc).conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACK" /etc/resolv.conf
	run --separate-stderr "$NETNSCTL" -j status
	assert_success
	local row
	row=$(jq -c '.mounts[] | select(.mountpoint == "/etc/resolv.conf")' <<<"$output")
	assert_equal "$(jq -r .manager <<<"$row")" NetworkManager
	assert_equal "$(jq -c .warnings <<<"$row")" '[]'
	# and with the setting gone, the warning is back
	rm "/etc/NetworkManager/conf.d/$(rcfs_name rc).conf"
	run --separate-stderr "$NETNSCTL" -j status
	jq -e '.mounts[0].warnings[] | select(test("EBUSY"))' <<<"$output"
}
