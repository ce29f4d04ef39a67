#!/usr/bin/env bats
# netnsctl status: the mounts, the host's DNS manager and the warnings,
# with the managers' file layouts recreated in the suite's private /run.

bats_require_minimum_version 1.5.0
load ../helpers/common

local_setup() {
	BACK="$RCFS_TMP/back"
	mkdir "$BACK"
	mkdir -p /run/systemd/resolve
	printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\n' >/run/systemd/resolve/stub-resolv.conf
	printf 'nameserver 192.0.2.53\n' >/run/systemd/resolve/resolv.conf
}

local_teardown() {
	rm -rf /run/systemd/resolve
}

@test "status with no mounts says so" {
	run "$NETNSCTL" status
	assert_success
	assert_line --index 0 "No resolvconffs mounts."
	assert_line --index 1 "Host DNS manager: systemd-resolved"
	run "$NETNSCTL" -j status
	assert_success
	assert_equal "$(jq -c . <<<"$output")" '{"mounts":[]}'
}

@test "status --mount on a path with no mount fails" {
	run --separate-stderr "$NETNSCTL" --mount "$RCFS_TMP/none" status
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: No resolvconffs mount on \"$RCFS_TMP/none\""
}

@test "a mount over the resolved symlink names the manager and its live file" {
	ln -s /run/systemd/resolve/stub-resolv.conf "$RCFS_TMP/resolv.conf"
	rcfs_start_daemon -d /run/systemd/resolve/resolv.conf "$BACK" "$RCFS_TMP/resolv.conf"
	run "$NETNSCTL" --mount "$RCFS_TMP/resolv.conf" -j status
	assert_success
	row=$(jq -c '.mounts[0]' <<<"$output")
	assert_equal "$(jq -r '."host-source"' <<<"$row")" /run/systemd/resolve/stub-resolv.conf
	assert_equal "$(jq -r '."host-kind"' <<<"$row")" symlink
	assert_equal "$(jq -r .manager <<<"$row")" systemd-resolved
	assert_equal "$(jq -c .warnings <<<"$row")" '[]'
}

@test "a regular-file mount point warns when a rename-style manager runs" {
	printf 'nameserver 192.0.2.1\n' >"$RCFS_TMP/resolv.conf"
	rcfs_start_daemon -d /run/systemd/resolve/resolv.conf "$BACK" "$RCFS_TMP/resolv.conf"
	run "$NETNSCTL" --mount "$RCFS_TMP/resolv.conf" -j status
	assert_success
	assert_equal "$(jq -r '.mounts[0].manager' <<<"$output")" systemd-resolved
	jq -e '.mounts[0].warnings[] | select(test("regular file mount point, but systemd-resolved replaces it by rename\\(2\\), which fails with EBUSY"))' <<<"$output"
	# and the warning is real: a rename onto the mount point fails
	echo "nameserver 192.0.2.2" >"$RCFS_TMP/new"
	run mv "$RCFS_TMP/new" "$RCFS_TMP/resolv.conf"
	assert_failure
	assert_output --partial "busy"
}

@test "the stub as default is warned about as loopback-only" {
	ln -s /run/systemd/resolve/stub-resolv.conf "$RCFS_TMP/resolv.conf"
	rcfs_start_daemon -d /run/systemd/resolve/stub-resolv.conf "$BACK" "$RCFS_TMP/resolv.conf"
	run "$NETNSCTL" --mount "$RCFS_TMP/resolv.conf" status
	assert_success
	assert_line "WARNINGS:    default file /run/systemd/resolve/stub-resolv.conf lists only loopback nameservers: unreachable from other namespaces"
}

@test "a daemon that published nothing is reported with defaults assumed" {
	printf 'nameserver 192.0.2.1\n' >"$RCFS_TMP/resolv.conf"
	rcfs_start_daemon "$BACK" "$RCFS_TMP/resolv.conf"
	rm -f /run/resolvconffs/*
	run "$NETNSCTL" --mount "$RCFS_TMP/resolv.conf" -j status
	assert_success
	jq -e '.mounts[0].warnings[] | select(startswith("no published settings in /run/resolvconffs/"))' <<<"$output"
	assert_equal "$(jq -r '.mounts[0].backing' <<<"$output")" "$BACK"
}
