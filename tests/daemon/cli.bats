#!/usr/bin/env bats
# The command line: bad ones fail before anything is mounted, with one
# clear line and the documented exit status (1 failure, 2 usage).

load ../helpers/common

bats_require_minimum_version 1.5.0

local_setup() {
	rcfs_fixture
	HOST_CONTENT=$(cat "$MP")
}

# refuse STATUS MESSAGE ARGS...: resolvconffs ARGS fails with STATUS, its
# stderr's first line is "resolvconffs: ..." containing MESSAGE (a usage
# error may add the --help hint), nothing is mounted and the mount
# point is as it was.
refuse() {
	local want=$1 message=$2
	shift 2
	run --separate-stderr timeout 10 "$RESOLVCONFFS" "$@"
	printf 'stderr: %s\n' "${stderr_lines[@]}"
	assert_equal "$status" "$want"
	assert_equal "$output" ''
	[[ ${stderr_lines[0]} == *resolvconffs:* ]]
	[[ ${stderr_lines[0]} == *"$message"* ]]
	if [ "$want" -eq 2 ] && [ "${#stderr_lines[@]}" -eq 2 ]; then
		assert_equal "${stderr_lines[1]}" \
			"Try 'resolvconffs --help' for more information."
	else
		assert_equal "${#stderr_lines[@]}" 1
	fi
	assert_nothing_mounted
}

assert_nothing_mounted() {
	run ! rcfs_is_mounted "$MP"
	run ! grep ' - fuse\.resolvconffs ' /proc/self/mountinfo
	run cat "$MP"
	assert_output "$HOST_CONTENT"
}

@test "a missing mount point fails, creating nothing" {
	refuse 1 'cannot access mount point' "$BACKING" "$RCFS_TMP/nope"
	assert_file_not_exists "$RCFS_TMP/nope"
}

@test "a directory as mount point fails" {
	mkdir "$RCFS_TMP/dir"
	touch "$RCFS_TMP/dir/keep"
	refuse 1 'is not a regular file or a symlink' "$BACKING" "$RCFS_TMP/dir"
	run rcfs_files "$RCFS_TMP/dir"
	assert_output './keep'
}

@test "a missing backing directory fails" {
	refuse 1 'No such file or directory' "$RCFS_TMP/nope" "$MP"
	assert_file_not_exists "$RCFS_TMP/nope"
}

@test "a regular file as backing directory fails" {
	refuse 1 'Not a directory' "$DEFAULT" "$MP"
}

@test "a missing or non-regular default file fails" {
	refuse 1 'cannot read default file' -d "$RCFS_TMP/nope" "$BACKING" "$MP"
	refuse 1 'not a regular file' -d "$RCFS_TMP" "$BACKING" "$MP"
	mkfifo "$RCFS_TMP/fifo"
	refuse 1 'not a regular file' -d "$RCFS_TMP/fifo" "$BACKING" "$MP"
	refuse 1 'cannot read default file' -o "default=$RCFS_TMP/nope" \
		"$BACKING" "$MP"
}

@test "a missing host file fails" {
	refuse 1 'cannot read host file' -H "$RCFS_TMP/nope" "$BACKING" "$MP"
}

@test "an unknown option is a usage error" {
	refuse 2 'resolvconffs: unknown option "--bogus"' --bogus "$BACKING" "$MP"
	refuse 2 'resolvconffs: unknown option "-Z"' -Z "$BACKING" "$MP"
}

@test "an unknown -o option is a usage error" {
	refuse 2 'unknown mount option "bogus"' -o bogus "$BACKING" "$MP"
	refuse 2 'unknown mount option "bogus=1"' -o ro,bogus=1 "$BACKING" "$MP"
}

@test "a bad -l value is a usage error, in both forms" {
	refuse 2 'invalid value for --layout' -l tree "$BACKING" "$MP"
	refuse 2 'invalid value for option "layout"' -o layout=tree \
		"$BACKING" "$MP"
}

@test "bad values of other options are usage errors" {
	refuse 2 'invalid value for --extension' -p a/b "$BACKING" "$MP"
	refuse 2 'invalid number of threads' -t 0 "$BACKING" "$MP"
	refuse 2 'invalid number of threads' -o threads=x "$BACKING" "$MP"
	refuse 2 'invalid value for --default-file' -d '' "$BACKING" "$MP"
}

@test "missing arguments are a usage error" {
	refuse 2 'expected BACKING_DIR and MOUNTPOINT'
	refuse 2 'expected BACKING_DIR and MOUNTPOINT' "$BACKING"
	refuse 2 'option "-d" needs an argument' "$BACKING" "$MP" -d
	refuse 2 'option "--layout" needs an argument' "$BACKING" "$MP" --layout
	refuse 2 'empty BACKING_DIR or MOUNTPOINT' "$BACKING" ''
}

@test "too many arguments are a usage error" {
	refuse 2 'too many arguments' "$BACKING" "$MP" "$MP"
}

@test "no /dev/fuse fails before mounting" {
	# a /dev without fuse, in a mount namespace of its own; the check
	# for mounts runs in there too
	run --separate-stderr unshare -m sh -c '
		mount -t tmpfs rcfs-nodev /dev || exit 99
		timeout 10 "$@"
		rc=$?
		grep " - fuse\.resolvconffs " /proc/self/mountinfo >&2
		exit $rc' - "$RESOLVCONFFS" "$BACKING" "$MP"
	printf 'stderr: %s\n' "${stderr_lines[@]}"
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" \
		'resolvconffs: cannot open "/dev/fuse": No such file or directory'
	assert_nothing_mounted
}

@test "an unprivileged user is not permitted to mount" {
	chmod 0755 "$RCFS_TMP"
	# run a copy that user nobody can reach: the build may sit in a
	# directory only root may enter (a clone in /root)
	install -m 0755 "$RESOLVCONFFS" "$RCFS_TMP/resolvconffs"
	# a /dev/fuse anyone may open (as on most distributions), in a mount
	# namespace of its own: what refuses is mount(2) itself
	rcfs_fuse_node
	run --separate-stderr unshare -m sh -c '
		mount --bind "$1" /dev/fuse || exit 99
		shift
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			timeout 10 "$@"
		rc=$?
		grep " - fuse\.resolvconffs " /proc/self/mountinfo >&2
		exit $rc' - "$RCFS_FUSE_NODE" "$RCFS_TMP/resolvconffs" "$BACKING" "$MP"
	printf 'stderr: %s\n' "${stderr_lines[@]}"
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" \
		"resolvconffs: cannot mount on \"$MP\": Operation not permitted"
	assert_nothing_mounted
}

@test "root of a user namespace is not permitted to mount" {
	chmod 0755 "$RCFS_TMP"
	run --separate-stderr unshare -r timeout 10 "$RESOLVCONFFS" \
		"$BACKING" "$MP"
	printf 'stderr: %s\n' "${stderr_lines[@]}"
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 1
	[[ ${stderr_lines[0]} == *"Operation not permitted"* ]]
	assert_nothing_mounted
}

@test "-V and --version print the version and exit 0" {
	local version
	version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
		"$RCFS_BUILD/config.h")
	[ -n "$version" ]
	run --separate-stderr "$RESOLVCONFFS" -V
	assert_success
	assert_output "resolvconffs $version"
	assert_equal "$stderr" ''
	run "$RESOLVCONFFS" --version
	assert_output "resolvconffs $version"
}

@test "-h and --help print the usage on stdout and exit 0" {
	run --separate-stderr "$RESOLVCONFFS" --help
	assert_success
	assert_line --index 0 'Usage: resolvconffs [OPTIONS] BACKING_DIR MOUNTPOINT'
	assert_output --partial 'Exit status: 0 success, 1 failure, 2 bad usage.'
	assert_equal "$stderr" ''
	local long=$output
	run "$RESOLVCONFFS" -h
	assert_output "$long"
}

@test "every -o form --help shows is one the -o parser knows" {
	local forms key
	forms=$("$RESOLVCONFFS" --help | grep -o -- '-o [a-z_]*\(=[A-Z]*\)\?' |
		sed 's/^-o //')
	# the settings, and the daemon's own (detach, threads, ...)
	[ "$(wc -l <<<"$forms")" -ge 10 ]
	for key in $forms; do
		# a value of the right name but wrong (or absent) content,
		# and no mount point: whatever fails, it is not the key
		run --separate-stderr "$RESOLVCONFFS" -o "$key" \
			"$BACKING" "$RCFS_TMP/no-mount-point"
		echo "-o $key: $stderr"
		[ "$status" -ne 0 ]
		[[ $stderr != *"unknown mount option"* ]]
	done
	assert_nothing_mounted
}
