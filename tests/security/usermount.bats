#!/usr/bin/env bats
# netnsctl trusts only real daemons.  Any local user can make a FUSE
# mount of type fuse.resolvconffs naming any directory as its source
# (fusermount3 -o subtype=resolvconffs,fsname=DIR); root's netnsctl must
# never write or unlink in a directory a user chose.

load ../helpers/common
load ../helpers/security

local_setup() {
	rcfs_user_fuse
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
	rcfs_reachable
	# the user's own mount point and the directory it names
	USERDIR=$RCFS_TMP/user
	UMP=$USERDIR/resolv.conf
	mkdir -p "$USERDIR/dir"
	touch "$UMP"
	printf 'nameserver 10.155.0.1\n# the user'"'"'s\n' > "$USERDIR/dir/$NS.conf"
	# a file prune would take for a gone namespace's
	printf 'nameserver 10.155.0.2\n' > "$USERDIR/dir/4000000000.conf"
	chown -R 65534:65534 "$USERDIR"
	as_user 65534 "$RCFS_USERMOUNT" "subtype=resolvconffs,fsname=$USERDIR/dir" "$UMP"
	rcfs_track_mount "$UMP"
	grep -q " $UMP .* - fuse\.resolvconffs $USERDIR/dir .*user_id=65534" \
		/proc/self/mountinfo
}

# snapshot: the user's directory, entries with their owner, mode, size
# and content
snapshot() {
	(cd "$USERDIR/dir" && find . -mindepth 1 -printf '%p %u %m %s\n' |
		LC_ALL=C sort && find . -type f | LC_ALL=C sort | xargs -r cat)
}

# try NETNSCTL-ARGS...: run netnsctl; "status|stderr" into TRIED
try() {
	local err st=0
	err=$("$NETNSCTL" "$@" 2>&1 >/dev/null) || st=$?
	TRIED+=("$st|$err")
	echo "netnsctl $*: status $st: $err"
}

# untouched BEFORE: the user's directory is as it was (else show how)
untouched() {
	local after
	after=$(snapshot)
	[ "$after" = "$1" ] && return 0
	echo "the user's directory changed:"
	diff <(echo "$1") <(echo "$after")
	return 1
}

@test "without a real daemon, set, rm and prune ignore a user's mount and touch nothing in its directory" {
	local before t
	before=$(snapshot)
	TRIED=()
	try set "$NS" nameserver 10.155.0.9
	try rm "$NS"
	try prune
	untouched "$before"
	for t in "${TRIED[@]}"; do
		assert_equal "$t" '1|netnsctl: No resolvconffs mount found: give --backing-dir'
	done
}

@test "--mount naming a user's mount: set, rm and prune refuse it as not owned by root and touch nothing" {
	local before t
	before=$(snapshot)
	TRIED=()
	try --mount "$UMP" set "$NS" nameserver 10.155.0.9
	try --mount "$UMP" rm "$NS"
	try --mount "$UMP" prune
	try --mount "$UMP" prune --dry-run
	untouched "$before"
	for t in "${TRIED[@]}"; do
		# one line, naming the mount
		[[ $t != *$'\n'* ]]
		assert_regex "$t" "^1\|netnsctl: .*$UMP.*not owned by root"
	done
}

@test "a user's mount beside a real daemon is ignored: netnsctl acts on the daemon's backing directory" {
	local before
	rcfs_fixture
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	before=$(snapshot)
	run "$NETNSCTL" set "$NS" nameserver 10.155.0.8
	echo "$output"
	assert_success
	run cat "$BACKING/$NS.conf"
	assert_line 'nameserver 10.155.0.8'
	run "$NETNSCTL" rm "$NS"
	assert_success
	assert_file_not_exists "$BACKING/$NS.conf"
	run "$NETNSCTL" prune
	assert_success
	assert_equal "$(snapshot)" "$before"
}
