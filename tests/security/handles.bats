#!/usr/bin/env bats
# A handle stays with its file: what is done through a descriptor opened
# in namespace A acts on A's file, even once the thread has entered
# namespace B with setns(2) or the descriptor was passed to a process in
# B.  fchmod, fchown and futimens reach the daemon without the handle
# (the kernel's chmod_common() and chown_common() pass no ATTR_FILE), so
# the daemon can only act on the caller's current namespace's file: it
# must then check the caller's rights on that file.

load ../helpers/common
load ../helpers/security

local_setup() {
	rcfs_fixture_ns NSA NSB
	rcfs_reachable
	# A's file is the user's; B's is root's, which the user may read
	printf 'nameserver 10.151.0.1\n' > "$BACKING/$NSA.conf"
	chown "$RCFS_USER:$RCFS_USER" "$BACKING/$NSA.conf"
	chmod 0644 "$BACKING/$NSA.conf"
	printf 'nameserver 10.151.0.2\n# B\n' > "$BACKING/$NSB.conf"
	chmod 0644 "$BACKING/$NSB.conf"
	touch -d '2001-02-03 04:05:06' "$BACKING/$NSA.conf" "$BACKING/$NSB.conf"
}

# state NS: NS's backing file: mode, owner, size, mtime and content
state() {
	stat -c '%a %u:%g %s %Y' "$BACKING/$1.conf" && cat "$BACKING/$1.conf"
}

@test "write, ftruncate and fsync after setns to another namespace change the file that was opened" {
	local b_before
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	b_before=$(state "$NSB")
	run ns_user_setns "$NSA" "$RCFS_USER" "$RCFS_FDOPS" open:rw:"$MP" \
		setns:"/run/netns/$NSB" ftruncate:0 write:'nameserver 10.151.0.9' \
		fsync close
	assert_success
	assert_output "$(printf '%s ok\n' open setns ftruncate write fsync close)"
	run cat "$BACKING/$NSA.conf"
	assert_output 'nameserver 10.151.0.9'
	assert_equal "$(state "$NSB")" "$b_before"
	run in_ns "$NSA" cat "$MP"
	assert_output 'nameserver 10.151.0.9'
	run in_ns "$NSB" cat "$MP"
	assert_output "$(printf 'nameserver 10.151.0.2\n# B')"
}

@test "a descriptor passed to a process in another namespace writes the file that was opened" {
	local b_before sock=$RCFS_TMP/user/sock
	mkdir "$RCFS_TMP/user"
	chown "$RCFS_USER:$RCFS_USER" "$RCFS_TMP/user"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	b_before=$(state "$NSB")
	# the receiver in B, the sender in A: a unix socket in the file
	# system reaches across network namespaces
	ns_user "$NSB" "$RCFS_USER" "$RCFS_FDOPS" recvfd:"$sock" ftruncate:0 \
		write:'nameserver 10.151.0.8' fsync close \
		> "$RCFS_TMP/recv.out" 2>&1 &
	local receiver=$!
	rcfs_track_pid "$receiver"
	run ns_user "$NSA" "$RCFS_USER" "$RCFS_FDOPS" open:w:"$MP" \
		sendfd:"$sock" close
	assert_success
	wait "$receiver"
	run cat "$RCFS_TMP/recv.out"
	assert_output "$(printf '%s ok\n' recvfd ftruncate write fsync close)"
	run cat "$BACKING/$NSA.conf"
	assert_output 'nameserver 10.151.0.8'
	assert_equal "$(state "$NSB")" "$b_before"
}

@test "fchmod, fchown and futimens after setns to a namespace whose file the user does not own fail with EPERM and change neither file" {
	local a_before b_before
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	a_before=$(state "$NSA")
	b_before=$(state "$NSB")
	# A stat() in A leaves A's file's attributes (the user's) in the
	# kernel, which checks the owner's right against them and asks
	# nothing: the daemon alone can refuse.  Before each call, as a
	# program that looked at its file before it moved.
	run ns_user_setns "$NSA" "$RCFS_USER" "$RCFS_FDOPS" open:r:"$MP" \
		fstat setns:"/run/netns/$NSB" fchmod:666 \
		setns:"/run/netns/$NSA" fstat setns:"/run/netns/$NSB" \
		fchown:"$RCFS_USER:$RCFS_USER" \
		setns:"/run/netns/$NSA" fstat setns:"/run/netns/$NSB" \
		futimens:1000000000 close
	assert_equal "${lines[0]}" 'open ok'
	assert_equal "${lines[1]}" "fstat mode=644 uid=$RCFS_USER gid=$RCFS_USER size=22"
	assert_equal "${lines[3]}" 'fchmod EPERM'
	assert_equal "${lines[5]}" "${lines[1]}"
	assert_equal "${lines[7]}" 'fchown EPERM'
	assert_equal "${lines[9]}" "${lines[1]}"
	assert_equal "${lines[11]}" 'futimens EPERM'
	assert_equal "${lines[12]}" 'close ok'
	assert_equal "$(state "$NSA")" "$a_before"
	assert_equal "$(state "$NSB")" "$b_before"
	run stat -c '%a %u' "$BACKING/$NSB.conf"
	assert_output "644 0"
}
