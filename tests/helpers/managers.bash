# Helpers for tests/managers/*.bats: the host DNS managers' file layouts
# and write patterns, recreated under the suite's private /etc and /run.
#   load ../helpers/common
#   load ../helpers/managers

# rcfs_poll SECONDS CMD...: run CMD until it succeeds, for at most SECONDS
rcfs_poll() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

# rcfs_mounted_anywhere PATH: any mount at all sits on PATH (taken as
# written: PATH must be absolute and free of symlinks)
rcfs_mounted_anywhere() {
	awk -v p="$1" '$5 == p { found = 1 } END { exit !found }' \
		/proc/self/mountinfo
}

# rcfs_replace_by_rename PATH [CONTENT]: replace PATH with CONTENT (or
# stdin) the way DNS managers and DHCP scripts do: a temporary file in
# PATH's directory, then rename(2) over it.  Fails as mv fails (EBUSY on a
# mount point) and then leaves no temporary file behind.
rcfs_replace_by_rename() {
	local tmp
	tmp=$(dirname "$1")/.$(basename "$1").$BASHPID.$RANDOM$RANDOM
	if [ $# -ge 2 ]; then
		printf '%s' "$2" >"$tmp" || return 1
	else
		cat >"$tmp" || { rm -f "$tmp"; return 1; }
	fi
	if ! mv -f -T "$tmp" "$1"; then
		rm -f "$tmp"
		return 1
	fi
}

# rcfs_etc_resolv_save / rcfs_etc_resolv_restore: keep the suite's
# /etc/resolv.conf (a regular file) while a test makes it a manager's
# symlink.  Restore after rcfs_release: nothing may be mounted on it.
rcfs_etc_resolv_save() {
	cp -a /etc/resolv.conf "$RCFS_TMP/etc-resolv.conf.saved"
}

rcfs_etc_resolv_restore() {
	[ -e "$RCFS_TMP/etc-resolv.conf.saved" ] || return 0
	rm -f /etc/resolv.conf
	cp -a "$RCFS_TMP/etc-resolv.conf.saved" /etc/resolv.conf
}

# rcfs_release: end the processes and mounts this test made now, not at
# teardown (which comes after local_teardown), so that local_teardown can
# put back what was under the mounts.
rcfs_release() {
	rcfs_end_started
}

# rcfs_mount_helper_ready: mount(8) can run the built mount.resolvconffs
# (from setup_file, after rcfs_sbin_overlay)
rcfs_mount_helper_ready() {
	[ -x "$MOUNT_HELPER" ] && [ -x /sbin/mount.resolvconffs ]
}

# setup_file / teardown_file: put the built mount helper where mount(8)
# looks, when it has been built, so that rcfs_mount_rcfs mounts the way an
# administrator does.
setup_file() {
	if [ -x "$MOUNT_HELPER" ] && declare -F rcfs_sbin_overlay >/dev/null; then
		rcfs_sbin_overlay
	fi
}

teardown_file() {
	if declare -F rcfs_sbin_overlay_remove >/dev/null; then
		rcfs_sbin_overlay_remove
	fi
}

# rcfs_manager_setup [LINK]: a backing directory BACK, the suite's
# /etc/resolv.conf kept aside and, given LINK, replaced by a symlink to
# LINK, as the manager installs it (from local_setup)
rcfs_manager_setup() {
	BACK=$RCFS_TMP/back
	mkdir "$BACK" || return 1
	rcfs_etc_resolv_save || return 1
	if [ $# -gt 0 ]; then
		rm -f /etc/resolv.conf
		ln -s "$1" /etc/resolv.conf
	fi
}

# rcfs_manager_teardown PATH...: end what the test started, put the
# suite's /etc/resolv.conf back and remove the manager's PATHs (from
# local_teardown)
rcfs_manager_teardown() {
	rcfs_release
	rcfs_etc_resolv_restore
	rm -rf "$@"
}

# rcfs_mount_rcfs BACKING MOUNTPOINT DAEMON-OPTIONS: mount through
# `mount -t resolvconffs` when the helper is there, else start the daemon
# itself (-o options, in the foreground); tracked for teardown either way.
rcfs_mount_rcfs() {
	local back=$1 mp=$2 opts=$3
	if rcfs_mount_helper_ready; then
		rcfs_track_mount "$mp"
		# if it lands on the symlink's target, remove it all the same
		[ -L "$mp" ] && rcfs_track_mount "$(readlink -f "$mp")"
		RESOLVCONFFS_DAEMON=$RESOLVCONFFS \
			mount -t resolvconffs "$back" "$mp" -o "$opts" || return 1
		rcfs_wait_for_mount "$mp" 10 || return 1
		RCFS_DAEMON_PID=$(rcfs_daemon_pid "$mp")
		[ -n "$RCFS_DAEMON_PID" ] && rcfs_track_pid "$RCFS_DAEMON_PID"
	else
		echo "# mount.resolvconffs not built: daemon started directly" >&3
		rcfs_start_daemon -o "$opts" "$back" "$mp"
	fi
}

# rcfs_rename_storm FILE N NS ANONPID OWN DEFAULT: N times, replace the
# manager's FILE by rename (as the manager does) and check that the host
# reads the new content through /etc/resolv.conf; every tenth time, that
# the named namespace NS still reads OWN and the anonymous namespace of
# ANONPID the default file DEFAULT.  Prints what went wrong; fails if
# anything did.
rcfs_rename_storm() {
	local file=$1 n=$2 ns=$3 anon=$4 own=$5 def=$6 i want out bad=0
	for ((i = 1; i <= n; i++)); do
		want="nameserver 192.0.2.$((i % 250 + 1))"$'\n'"# generation $i"$'\n'
		if ! rcfs_replace_by_rename "$file" "$want"; then
			echo "rename $i failed"
			bad=$((bad + 1))
			continue
		fi
		out=
		IFS= read -r -d '' out </etc/resolv.conf || true
		[ "$out" = "$want" ] || { echo "host $i: $out"; bad=$((bad + 1)); }
		((i % 10 == 0)) || continue
		out=$(in_ns "$ns" cat /etc/resolv.conf)
		[ "$out" = "$(cat "$own")" ] || { echo "named $i: $out"; bad=$((bad + 1)); }
		out=$(nsenter -t "$anon" -n cat /etc/resolv.conf)
		[ "$out" = "$(cat "$def")" ] || { echo "anonymous $i: $out"; bad=$((bad + 1)); }
		rcfs_mounted_anywhere "$file" && { echo "$file mounted at $i"; bad=$((bad + 1)); }
	done
	echo "renames: $n, failures: $bad"
	[ "$bad" -eq 0 ]
}

# rcfs_manager_namespaces NSVAR ANONVAR LINE...: a named namespace whose
# backing file ($BACK) holds the LINEs, and an anonymous one without a
# file; its name and the PID holding the other go to the caller's NSVAR
# and ANONVAR (rcfs_anon_ns ends that process at teardown).
rcfs_manager_namespaces() {
	local -n _rmn_ns=$1 _rmn_anon=$2
	shift 2
	_rmn_ns=$(rcfs_name named)
	rcfs_ns_add "$_rmn_ns"
	printf '%s\n' "$@" >"$BACK/$_rmn_ns.conf"
	_rmn_anon=$(rcfs_anon_ns)
}
