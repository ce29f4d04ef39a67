#!/usr/bin/env bats
# /etc/fstab lines, as mount(8) reads them: type resolvconffs through
# mount.resolvconffs, type fuse.resolvconffs through the same helper
# installed as mount.fuse.resolvconffs; and mount.fuse3 run directly, which
# runs the daemon itself.  Each test uses a fstab file of its own
# (mount -T / --fstab).

load ../helpers/common

setup_file() {
	rcfs_sbin_overlay
}

teardown_file() {
	rcfs_sbin_overlay_remove
}

local_setup() {
	export RESOLVCONFFS_DAEMON=$RESOLVCONFFS
	rcfs_fixture_ns NS1 NS2
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

@test "mount -a with a line of each type, without detach: both live on return, each namespace sees its own file, umount ends both daemons" {
	local mp2=$RCFS_TMP/mp2 opts="nofail,_netdev,x-systemd.foo,comment=x"
	cp "$MP" "$mp2"
	rcfs_track_mount "$mp2"
	printf '%s\t%s\t%s\t%s\t0 0\n' \
		"$BACKING" "$MP" resolvconffs "default=$DEFAULT,$opts" \
		"$BACKING" "$mp2" fuse.resolvconffs "default=$DEFAULT,$opts" > "$FSTAB"
	# a hang (mount.fuse3 waiting for a daemon in the foreground) ends here
	run timeout 5 mount -a -T "$FSTAB"
	assert_success
	assert_output ''
	# live on return, no polling
	rcfs_is_mounted "$MP"
	rcfs_is_mounted "$mp2"
	local pid1 pid2
	pid1=$(rcfs_daemon_pid "$MP")
	pid2=$(rcfs_daemon_pid "$mp2")
	rcfs_track_pid "$pid1"
	rcfs_track_pid "$pid2"
	assert_not_equal "$pid1" "$pid2"
	run nsenter --net="/run/netns/$NS1" cat "$MP" "$mp2"
	assert_output "$(printf 'nameserver 10.1.1.1\nnameserver 10.1.1.1')"
	run unshare -n cat "$mp2"
	assert_output "$(cat "$DEFAULT")"
	refute_mount_only_options "$pid1"
	refute_mount_only_options "$pid2"
	run umount "$MP" "$mp2"
	assert_success
	rcfs_wait_gone "$pid1" 3
	rcfs_wait_gone "$pid2" 3
	run rcfs_is_mounted "$mp2"
	assert_failure
}

@test "type fuse.resolvconffs: mount(8) runs mount.fuse.resolvconffs, the helper, which detaches the daemon" {
	fstab_line fuse.resolvconffs "default=$DEFAULT,nofail,_netdev,x-systemd.after=network.target,comment=test"
	run timeout 5 mount -T "$FSTAB" -a
	assert_success
	track_daemon
	run ip netns exec "$NS1" cat "$MP"
	assert_success
	assert_output 'nameserver 10.1.1.1'
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	# the helper's command line, not mount.fuse3's
	run tr '\0' ' ' < "/proc/$DAEMON_PID/cmdline"
	assert_output --regexp "^resolvconffs -o ([a-z]+,)*default=$DEFAULT --detach -- $BACKING $MP \$"
}

@test "type fuse.resolvconffs: umount ends the daemon" {
	fstab_line fuse.resolvconffs "default=$DEFAULT"
	timeout 5 mount --fstab "$FSTAB" "$MP"
	track_daemon
	umount "$MP"
	rcfs_wait_gone "$DAEMON_PID" 10
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "type fuse.resolvconffs: a bad option fails with 32 and mounts nothing" {
	fstab_line fuse.resolvconffs "colour=blue"
	run mount -T "$FSTAB" -a
	assert_equal "$status" 32
	assert_output --partial 'unknown mount option "colour=blue"'
	run rcfs_is_mounted "$MP"
	assert_failure
}

@test "mount.fuse3 run directly with the type returns once the mount is live, the daemon detached" {
	# it runs `resolvconffs SPEC DIR -o OPTIONS,dev,suid` through
	# /bin/sh and waits for it to exit
	run timeout 5 mount.fuse3 "$BACKING" "$MP" -t fuse.resolvconffs \
		-o "default=$DEFAULT,nofail"
	assert_success
	rcfs_is_mounted "$MP"
	track_daemon
	run tr '\0' ' ' < "/proc/$DAEMON_PID/cmdline"
	assert_output "resolvconffs $BACKING $MP -o default=$DEFAULT,dev,suid "
	# detached: a session of its own, no longer mount.fuse3's child
	assert_equal "$(ps -o sid= -p "$DAEMON_PID" | tr -d ' ')" "$DAEMON_PID"
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	umount "$MP"
	rcfs_wait_gone "$DAEMON_PID" 3
}

@test "mount.fuse3 with the old TYPE#SPEC source works alike" {
	run timeout 5 mount.fuse3 "resolvconffs#$BACKING" "$MP" \
		-o "default=$DEFAULT,nodev"
	assert_success
	rcfs_is_mounted "$MP"
	track_daemon
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
}

@test "detach is still accepted, by the helper and by mount.fuse3" {
	fstab_line fuse.resolvconffs "detach,default=$DEFAULT"
	run timeout 5 mount -T "$FSTAB" -a
	assert_success
	track_daemon
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	umount "$MP"
	rcfs_wait_gone "$DAEMON_PID" 3
	# with nodev and nosuid mount.fuse3 adds nothing to the options, so
	# only detach says the daemon must not stay in the foreground
	run timeout 5 mount.fuse3 "$BACKING" "$MP" -t fuse.resolvconffs \
		-o "detach,nodev,nosuid,default=$DEFAULT"
	assert_success
	rcfs_is_mounted "$MP"
	track_daemon
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
}

@test "mount.fuse3 with a bad option: the daemon's error, nothing mounted" {
	run timeout 5 mount.fuse3 "$BACKING" "$MP" -t fuse.resolvconffs \
		-o "colour=blue"
	assert_failure
	assert_output --partial 'unknown mount option "colour=blue"'
	run rcfs_is_mounted "$MP"
	assert_failure
}

# by_hand ARGS...: start the daemon in the background as a shell would,
# wait for its mount on $MP; sets BY_HAND_PID (the process started)
by_hand() {
	"$RESOLVCONFFS" "$@" 2>>"$RCFS_TMP/daemon.log" 3>&- &
	BY_HAND_PID=$!
	rcfs_track_pid "$BY_HAND_PID"
	rcfs_wait_for_mount "$MP"
}

@test "run by hand, the daemon stays in the foreground, even with mount.fuse3's argument order" {
	by_hand "$BACKING" "$MP" -o "default=$DEFAULT"
	# the very process started serves, and keeps running
	assert_equal "$(rcfs_daemon_pid "$MP")" "$BY_HAND_PID"
	run nsenter --net="/run/netns/$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	kill -TERM "$BY_HAND_PID"
	wait "$BY_HAND_PID"
	rcfs_wait_for_unmount "$MP"
	# an explicit foreground wins over mount.fuse3's ",dev,suid"
	by_hand "$BACKING" "$MP" -o "default=$DEFAULT,foreground,dev,suid"
	assert_equal "$(rcfs_daemon_pid "$MP")" "$BY_HAND_PID"
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
