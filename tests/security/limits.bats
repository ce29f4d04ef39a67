#!/usr/bin/env bats
# No local user can starve the daemon: however many opens one user keeps
# in however many namespaces, the host and the other namespaces still
# read their files.

load ../helpers/common
load ../helpers/security

local_setup() {
	rcfs_fixture
	rcfs_reachable
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
	printf 'nameserver 10.154.0.1\n' > "$BACKING/$NS.conf"
	HOLD=$RCFS_TMP/hold
	mkdir "$HOLD"
	chown 65534:65534 "$HOLD"
}

# hold I N [PAUSE]: user nobody, in a new namespace, opens the mount N times and
# keeps the descriptors; HOLD/I says how many opens worked and why the
# others failed
hold() {
	unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all -- bash -c '
		ok=0
		for ((k = 0; k < $3; k++)); do
			if exec {fd}<"$1"; then
				ok=$((ok + 1))
			fi
			[ -z "$4" ] || sleep "$4"
		done 2>"$2.err"
		echo "ok=$ok" > "$2.tmp"
		mv "$2.tmp" "$2"
		exec sleep 3600' _ "$MP" "$HOLD/$1" "$2" "${3:-}" </dev/null >/dev/null 2>&1 3>&- &
	rcfs_track_pid $!
}

# held_opens N: wait (120 s at most) until holders 0 to N-1 have said
# how many opens worked; OPENS is their sum
held_opens() {
	local i deadline=$((SECONDS + 120))
	OPENS=0
	for ((i = 0; i < $1; i++)); do
		until [ -e "$HOLD/$i" ]; do
			[ $SECONDS -lt $deadline ] || fail "holder $i did not finish"
			sleep 0.05
		done
		OPENS=$((OPENS + $(figure ok "$(cat "$HOLD/$i")")))
	done
}

# others_served: the host, the named namespace and a new anonymous one
# read their own files, 20 times over
others_served() {
	local i
	for ((i = 0; i < 20; i++)); do
		run cat "$MP"
		assert_output "$(printf 'nameserver 203.0.113.1\n# host')"
		run in_ns "$NS" cat "$MP"
		assert_output 'nameserver 10.154.0.1'
		run unshare -n cat "$MP"
		assert_output "$(cat "$DEFAULT")"
	done
}

@test "user nobody holding 10 opens in each of 40 namespaces does not starve the host or a named namespace" {
	local i out
	# the wrapper execs: RCFS_DAEMON_PID is the daemon's
	RCFS_DAEMON_WRAPPER="prlimit --nofile=256:256 -- ${RCFS_DAEMON_WRAPPER:-}" \
		rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# the serving process inherits the keeper's limit, and raises
	# its soft limit to the hard one
	run prlimit --pid "$(rcfs_server_pid "$MP")" --nofile --noheadings -o SOFT,HARD
	assert_output --regexp '^ *256 +256$'
	for ((i = 0; i < 40; i++)); do
		hold "$i" 10
	done
	held_opens 40
	rcfs_figure "opens held by nobody: $OPENS of 400; daemon descriptors: $(rcfs_proc_fds "$(rcfs_server_pid "$MP")")"
	# an open refused to nobody is refused with EMFILE
	cat "$HOLD"/*.err | sort | uniq -c
	[ "$(cat "$HOLD"/*.err | grep -vc 'Too many open files')" = 0 ]
	# the others are served as ever, again and again
	others_served
	kill -0 "$RCFS_DAEMON_PID" && kill -0 "$(rcfs_server_pid "$MP")"
}

@test "a user's mount-table churn while it holds opens in 40 namespaces does not starve the host or a named namespace" {
	local i churn
	rcfs_user_fuse
	mkdir "$RCFS_TMP/user"
	touch "$RCFS_TMP/user/mp"
	chown -R 65534:65534 "$RCFS_TMP/user"
	# the churn may be stopped with its mount in place
	rcfs_track_mount "$RCFS_TMP/user/mp"
	RCFS_DAEMON_WRAPPER="prlimit --nofile=256:256 -- ${RCFS_DAEMON_WRAPPER:-}" \
		rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# every mount and unmount the daemon sees moves its generation on:
	# what it shared between opens before is no longer current
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		"$RCFS_USERMOUNT" -n 100000 "fsname=churn" "$RCFS_TMP/user/mp" \
		> "$RCFS_TMP/churn.out" 2>&1 &
	churn=$!
	rcfs_track_pid "$churn"
	for ((i = 0; i < 40; i++)); do
		hold "$i" 10 0.1
	done
	held_opens 40
	kill "$churn"
	wait "$churn" || true
	# stopped between a mount and its unmount: the mount stays, with
	# no server behind it (teardown's mountpoint check cannot stat it)
	umount -l "$RCFS_TMP/user/mp" 2>/dev/null || true
	rcfs_figure "opens held by nobody: $OPENS of 400; daemon descriptors: $(rcfs_proc_fds "$(rcfs_server_pid "$MP")")"
	cat "$HOLD"/*.err | sort | uniq -c
	[ "$(cat "$HOLD"/*.err | grep -vc 'Too many open files')" = 0 ]
	# (the daemon's log, should what follows fail)
	tail -5 "$RCFS_TMP/daemon.log"
	others_served
	kill -0 "$RCFS_DAEMON_PID" && kill -0 "$(rcfs_server_pid "$MP")"
}
