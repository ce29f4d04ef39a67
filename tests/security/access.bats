#!/usr/bin/env bats
# The daemon decides access for the file each caller maps to.  Every
# namespace shares the mount's one kernel inode, whose attributes are
# whichever caller's stat() came last: a user who owns one namespace's
# file must not get, through a race, any right on the host's file or
# another namespace's.

load ../helpers/common
load ../helpers/security
load ../helpers/writes

local_setup() {
	rcfs_fixture
	rcfs_reachable
	NS1=$(rcfs_name own)
	NS2=$(rcfs_name other)
	rcfs_ns_add "$NS1" "$NS2"
	# the user's own file in NS1
	printf 'nameserver 10.150.0.1\n# the user'"'"'s own\n' > "$BACKING/$NS1.conf"
	chown "$RCFS_USER:$RCFS_USER" "$BACKING/$NS1.conf"
	chmod 0644 "$BACKING/$NS1.conf"
	# root's file in NS2, readable by root alone
	printf 'nameserver 10.150.0.2\n# secret of the other namespace\n' \
		> "$BACKING/$NS2.conf"
	chmod 0600 "$BACKING/$NS2.conf"
	chmod 0644 "$MP"
}

# attack_summary OUT: the attack's lines, for the TAP output
attack_summary() {
	local line
	while IFS= read -r line; do
		rcfs_figure "$1: $line"
	done < "$RCFS_TMP/$1.out"
}

# attacks_end HOST NS2 STATTER STOP: wait for the attacks HOST and NS2,
# then stop the stat loop STATTER; print the figures, and only then fail
# if one of them failed (under set -e a bare wait would end the test
# before they are out)
attacks_end() {
	local s_host=0 s_ns2=0 s_stat=0
	wait "$1" || s_host=$?
	wait "$2" || s_ns2=$?
	touch "$4"
	wait "$3" || s_stat=$?
	rcfs_figure "user's stat loop in its own namespace: $(cat "$RCFS_TMP/stat.out")"
	attack_summary host
	attack_summary ns2
	assert_equal "$s_host" 0
	assert_equal "$s_ns2" 0
	assert_equal "$s_stat" 0
}

# refused_only NAME: every call of the attack NAME was refused with
# EACCES (opens, truncate) or EPERM (chmod, chown, utimes)
refused_only() {
	local f=$RCFS_TMP/$1.out line op ok other eacces eperm bad=0
	[ -s "$f" ] || { echo "no result from $1"; return 1; }
	while IFS= read -r line; do
		op=${line%% *}
		ok=$(figure ok "$line")
		other=$(figure other "$line")
		eacces=$(figure EACCES "$line")
		eperm=$(figure EPERM "$line")
		if [ "$ok" != 0 ] || [ "$other" != 0 ]; then
			echo "$1: $line"
			bad=1
		fi
		case $op in
		chmod|chown|utime)
			[ "$eacces" = 0 ] || { echo "$1: $op gave EACCES, not EPERM: $line"; bad=1; } ;;
		*)
			[ "$eperm" = 0 ] || { echo "$1: $op gave EPERM, not EACCES: $line"; bad=1; } ;;
		esac
	done < "$f"
	return "$bad"
}

@test "a user who owns one namespace's file cannot change the host's or another namespace's file, nor read a file it may not read" {
	local host_before ns2_before ns1_before def_before stop=$RCFS_TMP/stop
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	host_before=$(fileinfo "$MP")
	ns2_before=$(fileinfo "$BACKING/$NS2.conf")
	ns1_before=$(fileinfo "$BACKING/$NS1.conf")
	def_before=$(fileinfo "$DEFAULT")
	# the user may read its own file and the host's, not NS2's
	run ns_user "$NS1" "$RCFS_USER" cat "$MP"
	assert_output "$(printf 'nameserver 10.150.0.1\n# the user'"'"'s own')"
	run ns_user "$NS2" "$RCFS_USER" cat "$MP"
	assert_failure
	assert_output --partial 'Permission denied'

	# the user's stat() loop in NS1 keeps the kernel's copy of the
	# attributes at its own file's: owner $RCFS_USER, 0644
	ns_user "$NS1" "$RCFS_USER" "$RCFS_RACE" stat "$MP" "$stop" \
		> "$RCFS_TMP/stat.out" 2>&1 &
	local statter=$!
	rcfs_track_pid "$statter"
	# meanwhile the same user goes for the host's file and NS2's
	as_user "$RCFS_USER" "$RCFS_RACE" attack -s 5 -n 200 "$MP" \
		> "$RCFS_TMP/host.out" 2>&1 &
	local host=$!
	rcfs_track_pid "$host"
	ns_user "$NS2" "$RCFS_USER" "$RCFS_RACE" attack -s 5 -n 200 \
		-o chmod,chown,utime,trunc,write,truncate,read "$MP" \
		> "$RCFS_TMP/ns2.out" 2>&1 &
	local ns2=$!
	rcfs_track_pid "$ns2"
	attacks_end "$host" "$ns2" "$statter" "$stop"
	# the race ran: the stat loop went on during the whole attack
	[ "$(figure stats "$(cat "$RCFS_TMP/stat.out")")" -ge 100 ]
	# nothing changed, nothing leaked, every call refused as the kernel
	# refuses it
	assert_equal "$(fileinfo "$MP")" "$host_before"
	assert_equal "$(fileinfo "$BACKING/$NS2.conf")" "$ns2_before"
	assert_equal "$(fileinfo "$BACKING/$NS1.conf")" "$ns1_before"
	assert_equal "$(fileinfo "$DEFAULT")" "$def_before"
	run rcfs_files "$BACKING"
	assert_output "$(printf './%s\n./%s' "$NS1.conf" "$NS2.conf" | LC_ALL=C sort)"
	refused_only host
	refused_only ns2
}

@test "opens race no better: a root's 0600 file is never read, the host's never truncated or written, by a user" {
	local host_before ns2_before stop=$RCFS_TMP/stop
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	host_before=$(fileinfo "$MP")
	ns2_before=$(fileinfo "$BACKING/$NS2.conf")
	# no chmod or chown here: each open is checked against attributes
	# the kernel asks for again, but that the user's stat() loop may
	# have brought back a moment before
	ns_user "$NS1" "$RCFS_USER" "$RCFS_RACE" stat "$MP" "$stop" \
		> "$RCFS_TMP/stat.out" 2>&1 &
	local statter=$!
	rcfs_track_pid "$statter"
	as_user "$RCFS_USER" "$RCFS_RACE" attack -s 5 -n 500 \
		-o trunc,write,truncate "$MP" > "$RCFS_TMP/host.out" 2>&1 &
	local host=$!
	rcfs_track_pid "$host"
	ns_user "$NS2" "$RCFS_USER" "$RCFS_RACE" attack -s 5 -n 500 \
		-o read,trunc,write,truncate "$MP" > "$RCFS_TMP/ns2.out" 2>&1 &
	local ns2=$!
	rcfs_track_pid "$ns2"
	attacks_end "$host" "$ns2" "$statter" "$stop"
	[ "$(figure stats "$(cat "$RCFS_TMP/stat.out")")" -ge 100 ]
	assert_equal "$(fileinfo "$MP")" "$host_before"
	assert_equal "$(fileinfo "$BACKING/$NS2.conf")" "$ns2_before"
	refused_only host
	refused_only ns2
}

# The host's file is committed under a record lock on the file beneath the
# mount (tests/writes/host.bats).  A user's lock on the mount is the
# kernel's, on the FUSE inode: it never reaches that file, so it cannot
# hold back the host's writers or readers.
@test "a user's write lock on the mount from its own namespace holds back no host write or read" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	mkdir -m 0777 "$RCFS_TMP/user"
	# the system's python3 (a PATH under /root may not be the user's to run)
	ns_user "$NS1" "$RCFS_USER" /usr/bin/python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)' "$MP" "$RCFS_TMP/user/locked" 3>&- &
	local holder=$!
	rcfs_track_pid "$holder"
	wait_for_file "$RCFS_TMP/user/locked"
	run timeout 10 sh -c 'echo "nameserver 192.0.2.44" > "$1"' - "$MP"
	assert_success
	run timeout 10 cat "$MP"
	assert_output 'nameserver 192.0.2.44'
	kill -0 "$holder"
}
