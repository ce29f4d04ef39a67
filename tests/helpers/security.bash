# Helpers of the isolation tests (tests/security/): users, races,
# descriptors handed between namespaces, mounts made by a user.
#   load ../helpers/common
#   load ../helpers/security

RCFS_RACE=$RCFS_BUILD/tests/helpers/rcfs-race
RCFS_FDOPS=$RCFS_BUILD/tests/helpers/rcfs-fdops

# The unprivileged user of the tests: a uid with no account, as a
# container's or a service's user may be.
RCFS_USER=1234

# as_user UID CMD...: CMD as UID (its own gid, no other group, no
# capability; set-uid programs work as for any user)
as_user() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		--inh-caps=-all -- "$@"
}

# ns_user NS UID CMD...: as_user in the named namespace NS
ns_user() {
	local ns=$1 uid=$2
	shift 2
	nsenter --net="/run/netns/$ns" -- setpriv --reuid="$uid" \
		--regid="$uid" --clear-groups --inh-caps=-all -- "$@"
}

# ns_user_setns NS UID CMD...: as ns_user, keeping only CAP_SYS_ADMIN,
# which setns(2) needs; it grants no right on any file
ns_user_setns() {
	local ns=$1 uid=$2
	shift 2
	nsenter --net="/run/netns/$ns" -- setpriv --reuid="$uid" \
		--regid="$uid" --clear-groups --inh-caps=-all,+sys_admin \
		--ambient-caps=+sys_admin -- "$@"
}

# rcfs_reachable: let other users reach the files under $RCFS_TMP (the
# mount point); mktemp makes it 0700
rcfs_reachable() {
	chmod 0755 "$RCFS_TMP"
}

# fileinfo PATH: what must not change: mode, owner, size and content
fileinfo() {
	stat -c '%a %u:%g %s' "$1" && cat "$1"
}

RCFS_USERMOUNT=$RCFS_BUILD/tests/helpers/rcfs-usermount

# rcfs_user_fuse: let users open /dev/fuse, as on a stock Debian (0666),
# through a node bind-mounted over it in the suite's mount namespace
# alone; undone at teardown
rcfs_user_fuse() {
	[ "$(stat -c %a /dev/fuse)" = 666 ] && return 0
	rcfs_fuse_node || return 1
	mount --bind "$RCFS_FUSE_NODE" /dev/fuse || return 1
	rcfs_track_mount_once /dev/fuse
}
