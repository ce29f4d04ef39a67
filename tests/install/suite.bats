#!/usr/bin/env bats
# The suite itself, run from where users put it: a clone under a directory
# only root may enter (/root), a host whose /etc is already on overlayfs
# (a container).  Each runs tests/run from inside this test.

load ../helpers/common

# a clean environment: bats puts its libexec first in PATH
SUITE_ENV=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	LANG=C.UTF-8)

@test "the tests that run the daemon as an unprivileged user pass from a tree under a 0700 directory" {
	# as a clone in /root: the tree and the build, seen through a
	# directory that user nobody may not enter
	local home=$RCFS_TMP/root
	mkdir -m 0700 "$home"
	mkdir "$home/src" "$home/build"
	mount --bind "$RCFS_SRC" "$home/src"
	rcfs_track_mount "$home/src"
	mount --bind "$RCFS_BUILD" "$home/build"
	rcfs_track_mount "$home/build"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -x "$home/build/daemon/resolvconffs"
	assert_failure
	# tests/daemon/cli.bats runs the daemon as nobody and as root of a
	# user namespace; elsewhere unprivileged users only read mounts
	run "${SUITE_ENV[@]}" RCFS_BUILD="$home/build" \
		"$home/src/tests/run" "$home/src/tests/daemon/cli.bats"
	assert_success
	assert_line --regexp '^ok [0-9]+ an unprivileged user is not permitted to mount$'
	assert_line --regexp '^ok [0-9]+ root of a user namespace is not permitted to mount$'
	assert_line --regexp '^[1-9][0-9]* passed, 0 failed, 0 skipped$'
}

@test "tests/run builds its /etc where /etc is already an overlay of an overlay" {
	local probe=$RCFS_TMP/probe.bats i
	# overlayfs stacks two deep: one more layer on this /etc fails
	for i in 1 2; do
		mkdir -p "$RCFS_TMP/u$i" "$RCFS_TMP/w$i"
	done
	printf '%s\n' '@test "probe" {' \
		'	grep -q "host file of the test suite" /etc/resolv.conf' \
		'	echo written > /etc/rcfs-probe' \
		'	findmnt -n -o FSTYPE /etc | tail -n 1 > "$PROBE_OUT"' '}' > "$probe"
	run "${SUITE_ENV[@]}" PROBE_OUT="$RCFS_TMP/fstype" RCFS_BUILD="$RCFS_BUILD" \
		unshare -m --propagation private sh -c '
		mount -t overlay rcfs-o1 -o "lowerdir=/etc,upperdir=$1/u1,workdir=$1/w1" /etc &&
		mount -t overlay rcfs-o2 -o "lowerdir=/etc,upperdir=$1/u2,workdir=$1/w2" /etc &&
		findmnt -n -o FSTYPE /etc | tail -n 1 && exec "$2" "$3"' - "$RCFS_TMP" \
		"$RCFS_SRC/tests/run" "$probe"
	assert_success
	assert_line --index 0 overlay
	assert_output --partial '1 passed, 0 failed'
	# the suite's /etc, and nothing it wrote reached the /etc below it
	assert_equal "$(cat "$RCFS_TMP/fstype")" tmpfs
	assert_file_not_exists "$RCFS_TMP/u2/rcfs-probe"
	assert_file_not_exists /etc/rcfs-probe
}

# make distcheck builds and tests from the release tarball: a file the
# tree needs but the tarball lacks breaks it (a header did once; the
# postinst its test reads, too).  Only .gitignore files stay out.
@test "the release tarball carries every file of the git tree" {
	git -C "$RCFS_SRC" rev-parse --git-dir >/dev/null 2>&1 ||
		skip "not a git checkout (a release tarball): nothing to compare"
	local dist=$RCFS_TMP/dist
	run make -s -C "$RCFS_BUILD" distdir distdir="$dist"
	assert_success
	git -C "$RCFS_SRC" ls-files | grep -Ev '(^|/)\.gitignore$' |
		sort > "$RCFS_TMP/git.list"
	(cd "$dist" && find . -type f | sed 's|^\./||' | sort) > "$RCFS_TMP/dist.list"
	run comm -23 "$RCFS_TMP/git.list" "$RCFS_TMP/dist.list"
	assert_output ''
}
