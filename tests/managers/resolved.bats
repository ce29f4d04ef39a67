#!/usr/bin/env bats
# systemd-resolved: /etc/resolv.conf is a symlink to its stub file in
# /run/systemd/resolve, which resolved replaces by rename(2).  The mount
# sits on the symlink itself, so those renames keep working while every
# namespace gets its own file.

bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/managers

RESOLVED_DIR=/run/systemd/resolve
STUB=$RESOLVED_DIR/stub-resolv.conf
UPLINK=$RESOLVED_DIR/resolv.conf
# what Ubuntu's systemd-resolved package installs
LINK=../run/systemd/resolve/stub-resolv.conf

local_setup() {
	rcfs_manager_setup "$LINK"
	mkdir -p "$RESOLVED_DIR"
	printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n' >"$STUB"
	printf 'nameserver 192.0.2.10\nsearch example.test\n' >"$UPLINK"
}

local_teardown() {
	rcfs_manager_teardown "$RESOLVED_DIR"
}

# rcfs_reader_script: a bash loop, run inside a namespace as
#   bash -c SCRIPT reader STOPFILE own|default
# that reads /etc/resolv.conf (no process per read) until STOPFILE
# exists, pausing a little between reads, and prints "bad: ..." for any content that is not the named
# namespace's own file ("own") or a whole generation of resolved's
# uplink file ("default"), then "reads=N".
rcfs_reader_script() {
	cat <<'SCRIPT'
stop=$1 kind=$2 n=0
own=$'nameserver 198.51.100.7\n# own\n'
# a pause without a process: a read from a FIFO nobody writes to
mkfifo "$stop.$kind.fifo" && exec 9<>"$stop.$kind.fifo"
echo started
until [ -e "$stop" ]; do
	read -r -t 0.005 -u 9 || true
	c=
	IFS= read -r -d '' c </etc/resolv.conf || true
	n=$((n + 1))
	if [ "$kind" = own ]; then
		[ "$c" = "$own" ] && continue
	elif [ "$c" = $'nameserver 192.0.2.10\nsearch example.test\n' ]; then
		continue
	elif [[ $c =~ ^nameserver\ 192\.0\.2\.([0-9]+)$'\n'#\ generation\ ([0-9]+)$'\n'$ ]] &&
		[ "${BASH_REMATCH[1]}" = $((BASH_REMATCH[2] % 250 + 1)) ]; then
		continue
	fi
	echo "bad: $c"
done
echo "reads=$n"
SCRIPT
}

# resolved_replace N: what resolved does on a DNS change: write a
# temporary file in its directory, rename it over its file; every tenth
# time its uplink file too (that is the namespaces' default).
resolved_replace() {
	rcfs_replace_by_rename "$STUB" \
		"nameserver 127.0.0.53"$'\n'"options edns0 trust-ad"$'\n'"# generation $1"$'\n' ||
		return 1
	(($1 % 10 == 0)) || return 0
	rcfs_replace_by_rename "$UPLINK" \
		"nameserver 192.0.2.$(($1 % 250 + 1))"$'\n'"# generation $1"$'\n'
}

@test "200 renames of resolved's stub under a mount on its symlink all succeed and the host sees each" {
	local ns anon i out want fails=0 wrong=0 named_log anon_log
	rcfs_manager_namespaces ns anon 'nameserver 198.51.100.7' '# own'
	rcfs_start_daemon -d "$UPLINK" "$BACK" /etc/resolv.conf
	assert rcfs_is_mounted /etc/resolv.conf
	refute rcfs_mounted_anywhere "$STUB"

	# Readers in both namespaces for as long as the writer runs.
	named_log=$RCFS_TMP/named.log
	anon_log=$RCFS_TMP/anon.log
	in_ns "$ns" bash -c "$(rcfs_reader_script)" reader \
		"$RCFS_TMP/stop" own >"$named_log" 2>&1 3>&- &
	rcfs_track_pid $!
	nsenter -t "$anon" -n bash -c "$(rcfs_reader_script)" reader \
		"$RCFS_TMP/stop" default >"$anon_log" 2>&1 3>&- &
	rcfs_track_pid $!
	rcfs_poll 10 grep -q started "$named_log"
	rcfs_poll 10 grep -q started "$anon_log"

	for i in $(seq 1 200); do
		want=$(printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\n# generation %s\n_' "$i")
		want=${want%_}
		if ! resolved_replace "$i" 2>>"$RCFS_TMP/mv.err"; then
			fails=$((fails + 1))
			continue
		fi
		out=
		IFS= read -r -d '' out </etc/resolv.conf || true
		[ "$out" = "$want" ] || { wrong=$((wrong + 1)); echo "host $i: $out"; }
		if ((i % 50 == 0)); then
			rcfs_mounted_anywhere "$STUB" && { wrong=$((wrong + 1)); echo "stub mounted at $i"; }
		fi
	done
	touch "$RCFS_TMP/stop"
	rcfs_poll 10 grep -q '^reads=' "$named_log"
	rcfs_poll 10 grep -q '^reads=' "$anon_log"
	echo "rename failures: $fails, wrong host reads: $wrong"
	cat "$RCFS_TMP/mv.err" "$named_log" "$anon_log"
	assert_equal "$fails" 0
	assert_equal "$wrong" 0
	refute grep -q busy "$RCFS_TMP/mv.err"
	# each reader read many times, always its own file / the live default
	refute grep -q '^bad' "$named_log" "$anon_log"
	assert [ "$(sed -n 's/^reads=//p' "$named_log")" -ge 20 ]
	assert [ "$(sed -n 's/^reads=//p' "$anon_log")" -ge 20 ]
	# the default's last generation reached the anonymous namespace
	assert_equal "$(nsenter -t "$anon" -n cat /etc/resolv.conf)" "$(cat "$UPLINK")"
	assert_equal "$(sed -n 3p /etc/resolv.conf)" "# generation 200"

	run umount /etc/resolv.conf
	assert_success
	rcfs_wait_for_unmount /etc/resolv.conf
	rcfs_wait_gone "$RCFS_DAEMON_PID"
	assert [ -L /etc/resolv.conf ]
	assert_equal "$(readlink /etc/resolv.conf)" "$LINK"
	assert_equal "$(sed -n 3p /etc/resolv.conf)" "# generation 200"
	refute rcfs_mounted_anywhere "$STUB"
}

@test "the host's stat shows the stub's inode, size and mtime, and follows a rename" {
	rcfs_start_daemon -d "$UPLINK" "$BACK" /etc/resolv.conf
	assert_equal "$(stat -c '%i %s %Y %a' /etc/resolv.conf)" \
		"$(stat -L -c '%i %s %Y %a' "$STUB")"
	local before
	before=$(stat -c %i /etc/resolv.conf)
	printf 'nameserver 127.0.0.53\n# a longer file than before, after a rename\n' |
		rcfs_replace_by_rename "$STUB"
	assert_equal "$(stat -c '%i %s %Y %a' /etc/resolv.conf)" \
		"$(stat -L -c '%i %s %Y %a' "$STUB")"
	assert_not_equal "$(stat -c %i /etc/resolv.conf)" "$before"
}

@test "a host write through the mount replaces the stub by rename and leaves the symlink" {
	local before
	rcfs_start_daemon -d "$UPLINK" "$BACK" /etc/resolv.conf
	before=$(stat -c %i "$STUB")
	printf 'nameserver 192.0.2.99\n# written by the host\n' >/etc/resolv.conf
	assert_equal "$(cat "$STUB")" "$(printf 'nameserver 192.0.2.99\n# written by the host')"
	assert_not_equal "$(stat -c %i "$STUB")" "$before"
	# no temporary file left next to it
	assert_equal "$(ls -A "$RESOLVED_DIR" | sort | tr '\n' ' ')" "resolv.conf stub-resolv.conf "
	# the default and the namespaces did not change
	assert_equal "$(unshare -n cat /etc/resolv.conf)" "$(cat "$UPLINK")"
	umount /etc/resolv.conf
	rcfs_wait_for_unmount /etc/resolv.conf
	assert_equal "$(readlink /etc/resolv.conf)" "$LINK"
}

@test "a dangling symlink at start (resolved not up yet) serves the stub once it appears" {
	local ns
	ns=$(rcfs_name named)
	rcfs_ns_add "$ns"
	printf 'nameserver 198.51.100.8\n' >"$BACK/$ns.conf"
	rm -f "$STUB"
	"$RESOLVCONFFS" -d "$UPLINK" "$BACK" /etc/resolv.conf 2>>"$RCFS_TMP/daemon.log" 3>&- &
	RCFS_DAEMON_PID=$!
	rcfs_track_pid "$RCFS_DAEMON_PID"
	rcfs_track_mount /etc/resolv.conf
	rcfs_poll 10 rcfs_is_mounted /etc/resolv.conf
	assert_equal "$(rcfs_state /etc/resolv.conf host_source)" "$STUB"

	run cat /etc/resolv.conf
	assert_failure
	assert_output --partial "No such file or directory"
	# namespaces are served meanwhile
	assert_equal "$(in_ns "$ns" cat /etc/resolv.conf)" "nameserver 198.51.100.8"
	assert_equal "$(unshare -n cat /etc/resolv.conf)" "$(cat "$UPLINK")"

	printf 'nameserver 127.0.0.53\n# resolved started\n' | rcfs_replace_by_rename "$STUB"
	assert_equal "$(cat /etc/resolv.conf)" "$(printf 'nameserver 127.0.0.53\n# resolved started')"
	assert_equal "$(stat -c %i /etc/resolv.conf)" "$(stat -c %i "$STUB")"

	kill -TERM "$RCFS_DAEMON_PID"
	rcfs_wait_gone "$RCFS_DAEMON_PID"
	refute rcfs_is_mounted /etc/resolv.conf
	assert_equal "$(readlink /etc/resolv.conf)" "$LINK"
}

@test "umount gives back the very same symlink: inode, target and times" {
	local before
	before=$(stat -c '%i %N %Y %Z' /etc/resolv.conf)
	rcfs_start_daemon -d "$UPLINK" "$BACK" /etc/resolv.conf
	assert_equal "$(stat -c %F /etc/resolv.conf)" "regular file"
	printf 'nameserver 127.0.0.53\n# changed while mounted\n' | rcfs_replace_by_rename "$STUB"
	run umount /etc/resolv.conf
	assert_success
	rcfs_wait_for_unmount /etc/resolv.conf
	assert_equal "$(stat -c '%i %N %Y %Z' /etc/resolv.conf)" "$before"
	local st=0
	wait "$RCFS_DAEMON_PID" || st=$?
	assert_equal "$st" 0
}

@test "the stub as default is warned about at start: loopback only" {
	rcfs_start_daemon -d "$STUB" "$BACK" /etc/resolv.conf
	run cat "$RCFS_TMP/daemon.log"
	assert_output --partial "resolvconffs: default file \"$STUB\" lists only loopback nameservers, which other network namespaces cannot reach"
	# and the right default is not
	rcfs_release
	: >"$RCFS_TMP/daemon.log"
	rcfs_start_daemon -d "$UPLINK" "$BACK" /etc/resolv.conf
	refute grep -q loopback "$RCFS_TMP/daemon.log"
}

@test "netnsctl status -j names resolved, the live stub as host source, and warns of a loopback default" {
	rcfs_start_daemon -d "$STUB" "$BACK" /etc/resolv.conf
	run --separate-stderr "$NETNSCTL" -j status
	assert_success
	local row
	row=$(jq -c '.mounts[] | select(.mountpoint == "/etc/resolv.conf")' <<<"$output")
	assert_equal "$(jq -r '."host-source"' <<<"$row")" "$STUB"
	assert_equal "$(jq -r '."host-kind"' <<<"$row")" symlink
	assert_equal "$(jq -r .manager <<<"$row")" systemd-resolved
	assert_equal "$(jq -r .default <<<"$row")" "$STUB"
	jq -e '.warnings[] | select(test("lists only loopback nameservers"))' <<<"$row"
}

@test "the daemon handed the stub's path (as mount(8) hands it) mounts over the symlink" {
	"$RESOLVCONFFS" -d "$UPLINK" "$BACK" "$STUB" 2>>"$RCFS_TMP/daemon.log" 3>&- &
	rcfs_track_pid $!
	rcfs_track_mount /etc/resolv.conf
	rcfs_track_mount "$STUB"
	rcfs_poll 10 rcfs_is_mounted /etc/resolv.conf
	refute rcfs_mounted_anywhere "$STUB"
	assert_equal "$(rcfs_state /etc/resolv.conf host_source)" "$STUB"
	run cat "$RCFS_TMP/daemon.log"
	assert_output --partial "\"$STUB\" is the file the symlink /etc/resolv.conf leads to: mounting over the symlink"
	printf 'nameserver 127.0.0.53\n# renamed\n' | rcfs_replace_by_rename "$STUB"
	assert_equal "$(sed -n 2p /etc/resolv.conf)" "# renamed"
}

@test "one fstab line: mount -a mounts over the symlink, and resolved's renames go on" {
	rcfs_mount_helper_ready || skip "mount.resolvconffs is not built"
	printf '%s /etc/resolv.conf resolvconffs default=%s,nofail 0 0\n' \
		"$BACK" "$UPLINK" >"$RCFS_TMP/fstab"
	rcfs_track_mount /etc/resolv.conf
	rcfs_track_mount "$STUB"
	RESOLVCONFFS_DAEMON=$RESOLVCONFFS run mount -a -T "$RCFS_TMP/fstab"
	assert_success
	assert rcfs_is_mounted /etc/resolv.conf
	refute rcfs_mounted_anywhere "$STUB"
	rcfs_track_pid "$(rcfs_state /etc/resolv.conf pid)"
	local i
	for i in 1 2 3 4 5; do
		run rcfs_replace_by_rename "$STUB" "nameserver 127.0.0.53"$'\n'"# fstab $i"$'\n'
		assert_success
		assert_equal "$(sed -n 2p /etc/resolv.conf)" "# fstab $i"
	done
	assert_equal "$(unshare -n cat /etc/resolv.conf)" "$(cat "$UPLINK")"
	run umount /etc/resolv.conf
	assert_success
	rcfs_wait_for_unmount /etc/resolv.conf
	assert_equal "$(readlink /etc/resolv.conf)" "$LINK"
}

@test "systemd's fstab generator turns /etc/resolv.conf into a mount unit for the stub" {
	local gen=/usr/lib/systemd/system-generators/systemd-fstab-generator
	[ -x "$gen" ] || skip "systemd-fstab-generator is not installed"
	mkdir "$RCFS_TMP/units"
	printf '/var/lib/resolvconffs /etc/resolv.conf resolvconffs default=%s,nofail 0 0\n' \
		"$UPLINK" >"$RCFS_TMP/fstab"
	SYSTEMD_FSTAB=$RCFS_TMP/fstab run "$gen" "$RCFS_TMP/units" "$RCFS_TMP/units" "$RCFS_TMP/units"
	assert_success
	# what docs/managers.md says: the unit is for the stub, not the symlink
	local unit="$RCFS_TMP/units/run-systemd-resolve-stub\\x2dresolv.conf.mount"
	assert [ -f "$unit" ]
	run grep -x "Where=$STUB" "$unit"
	assert_success
	assert [ ! -e "$RCFS_TMP/units/etc-resolv.conf.mount" ]
}

# notify_wait ARGS...: tests/helpers/notify-wait, standing in for
# systemd's end of Type=notify (without bats's descriptor 3, which the
# daemon it leaves running would hold)
notify_wait() {
	"$RCFS_BUILD/tests/helpers/notify-wait" "$@" 3>&-
}

@test "resolvconffs.service's command, with the shipped settings, mounts over the symlink and says READY once live" {
	local unit=$RCFS_BUILD/systemd/resolvconffs.service pid
	local BACKING_DIR MOUNTPOINT OPTIONS
	assert_file_exists "$unit"
	assert_file_contains "$unit" '^Type=notify$'
	# the settings the package ships, as EnvironmentFile= reads them
	eval "$(grep -E '^(BACKING_DIR|MOUNTPOINT|OPTIONS)=' \
		"$RCFS_SRC/systemd/resolvconffs.default")"
	assert_equal "$OPTIONS" "-d $UPLINK"
	assert_equal "$MOUNTPOINT" /etc/resolv.conf
	assert_file_contains "$unit" '^ExecStart=[^ ]*/resolvconffs $OPTIONS ${BACKING_DIR} ${MOUNTPOINT}$'
	rcfs_track_mount /etc/resolv.conf
	# shellcheck disable=SC2086 # $OPTIONS is split, as systemd splits it
	run --separate-stderr notify_wait "$RCFS_TMP/notify" /etc/resolv.conf \
		"$RESOLVCONFFS" $OPTIONS "$BACK" "$MOUNTPOINT"
	assert_success
	pid=$(sed -n 's/^child=//p' <<< "$output")
	rcfs_track_pid "$pid"
	assert_line READY=1
	assert_line "MAINPID=$pid"
	assert_line mounted=yes
	assert_equal "$(rcfs_state /etc/resolv.conf pid)" "$pid"
	assert_equal "$(unshare -n cat /etc/resolv.conf)" "$(cat "$UPLINK")"
	run rcfs_replace_by_rename "$STUB" $'nameserver 127.0.0.53\n# unit\n'
	assert_success
	assert_equal "$(sed -n 2p /etc/resolv.conf)" "# unit"
	# systemctl reload: SIGHUP, the daemon goes on
	kill -HUP "$pid"
	assert_equal "$(unshare -n cat /etc/resolv.conf)" "$(cat "$UPLINK")"
	# systemctl stop: SIGTERM to the main process
	kill -TERM "$pid"
	rcfs_wait_gone "$pid"
	rcfs_wait_for_unmount /etc/resolv.conf
	assert_equal "$(readlink /etc/resolv.conf)" "$LINK"
}
