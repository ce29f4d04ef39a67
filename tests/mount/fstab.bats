#!/usr/bin/env bats
# /etc/fstab lines, as mount(8) reads them: type resolvconffs through
# mount.resolvconffs, type fuse.resolvconffs through mount.fuse3.  Each
# test uses a fstab file of its own (mount -T / --fstab).

load ../helpers/common

setup_file() {
	rcfs_sbin_overlay
}

teardown_file() {
	rcfs_sbin_overlay_remove
}

local_setup() {
	export RESOLVCONFFS_DAEMON=$RESOLVCONFFS
	rcfs_fixture
	NS1=$(rcfs_name a)
	NS2=$(rcfs_name b)
	rcfs_ns_add "$NS1" "$NS2"
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	FSTAB=$RCFS_TMP/fstab
	rcfs_track_mount "$MP"
}

# fstab_line TYPE OPTIONS [SPEC [FILE]]: write the test fstab
fstab_line() {
	printf '# test fstab\n%s\t%s\t%s\t%s\t0 0\n' "${3:-$BACKING}" \
		"${4:-$MP}" "$1" "$2" > "$FSTAB"
}

# track_daemon [MOUNTPOINT]: its daemon ends at teardown; sets DAEMON_PID
track_daemon() {
	DAEMON_PID=$(rcfs_daemon_pid "${1:-$MP}")
	[ -n "$DAEMON_PID" ] || return 1
	rcfs_track_pid "$DAEMON_PID"
}

# refute_mount_only_options PID: none of fstab's own options in its argv
refute_mount_only_options() {
	local cmdline opt
	cmdline=$(tr '\0' ' ' < "/proc/$1/cmdline")
	for opt in defaults nofail _netdev x-systemd comment=; do
		if [[ $cmdline == *"$opt"* ]]; then
			fail "\"$opt\" reached the daemon: $cmdline"
		fi
	done
}

@test "type resolvconffs: mount -T FSTAB -a mounts it, live at once" {
	fstab_line resolvconffs "default=$DEFAULT,nofail,_netdev,x-systemd.after=network.target,comment=test"
	run mount -T "$FSTAB" -a
	assert_success
	track_daemon
	run ip netns exec "$NS1" cat "$MP"
	assert_success
	assert_output 'nameserver 10.1.1.1'
	run ip netns exec "$NS2" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	refute_mount_only_options "$DAEMON_PID"
}

@test "type resolvconffs: mount --fstab FSTAB MOUNTPOINT mounts that line" {
	fstab_line resolvconffs "defaults,default=$DEFAULT"
	run mount --fstab "$FSTAB" "$MP"
	assert_success
	track_daemon
	run findmnt -n -o FSTYPE,SOURCE --mountpoint "$MP"
	assert_output "fuse.resolvconffs $BACKING"
	run ip netns exec "$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
}

@test "type resolvconffs: umount ends the daemon" {
	fstab_line resolvconffs "default=$DEFAULT,nofail"
	mount -T "$FSTAB" -a
	track_daemon
	kill -0 "$DAEMON_PID"
	umount "$MP"
	rcfs_wait_gone "$DAEMON_PID" 10
	run rcfs_is_mounted "$MP"
	assert_failure
	assert_file_not_exists "/run/resolvconffs/$(stat -c %d "$MP")"
}

@test "type resolvconffs: noauto lines are left to mount MOUNTPOINT" {
	fstab_line resolvconffs "noauto,default=$DEFAULT"
	run mount -T "$FSTAB" -a
	assert_success
	run rcfs_is_mounted "$MP"
	assert_failure
	run mount -T "$FSTAB" "$MP"
	assert_success
	track_daemon
	rcfs_is_mounted "$MP"
}

@test "type resolvconffs: a bad line fails with 32 and mounts nothing" {
	fstab_line resolvconffs "default=$DEFAULT,nofail" "$RCFS_TMP/nope"
	run mount -T "$FSTAB" "$MP"
	assert_equal "$status" 32
	assert_output --regexp "cannot access backing directory \"$RCFS_TMP/nope\""
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "type fuse.resolvconffs: mount.fuse3 runs the daemon, which accepts its arguments" {
	# mount.fuse3 runs `resolvconffs SPEC DIR -o OPTS` and waits for it:
	# the daemon must detach itself
	fstab_line fuse.resolvconffs "detach,default=$DEFAULT,nofail,_netdev,x-systemd.after=network.target,comment=test"
	run mount -T "$FSTAB" -a
	assert_success
	track_daemon
	run ip netns exec "$NS1" cat "$MP"
	assert_success
	assert_output 'nameserver 10.1.1.1'
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	# exactly what mount.fuse3 passed, and nothing only fstab should see
	run tr '\0' ' ' < "/proc/$DAEMON_PID/cmdline"
	assert_output --regexp "^resolvconffs $BACKING $MP -o [^ ]*default=$DEFAULT"
	refute_mount_only_options "$DAEMON_PID"
}

@test "type fuse.resolvconffs: umount ends the daemon" {
	fstab_line fuse.resolvconffs "detach,default=$DEFAULT"
	mount --fstab "$FSTAB" "$MP"
	track_daemon
	umount "$MP"
	rcfs_wait_gone "$DAEMON_PID" 10
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "type fuse.resolvconffs: a bad option fails and mounts nothing" {
	fstab_line fuse.resolvconffs "detach,colour=blue"
	run mount -T "$FSTAB" -a
	assert_failure
	assert_output --partial 'unknown mount option "colour=blue"'
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "the documented line on /etc/resolv.conf gives each namespace its own file" {
	# /etc is the suite's overlay: nothing here reaches the host's /etc
	cp /etc/resolv.conf /etc/resolv.conf.orig
	rcfs_track_mount /etc/resolv.conf
	fstab_line resolvconffs "default=/etc/resolv.conf.orig,nofail" \
		"$BACKING" /etc/resolv.conf
	run mount -T "$FSTAB" -a
	assert_success
	track_daemon /etc/resolv.conf
	run ip netns exec "$NS1" cat /etc/resolv.conf
	assert_output 'nameserver 10.1.1.1'
	run nsenter --net="/run/netns/$NS2" cat /etc/resolv.conf
	assert_output "$(cat /etc/resolv.conf.orig)"
	run cat /etc/resolv.conf
	assert_output "$(cat /etc/resolv.conf.orig)"
	umount /etc/resolv.conf
	rcfs_wait_gone "$DAEMON_PID" 10
}
