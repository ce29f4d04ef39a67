#!/usr/bin/env bats
# Backing files: replaced by rename, stat per namespace, missing files,
# reads that create nothing and writes that create a namespace's own file.

load ../helpers/common

local_setup() {
	rcfs_fixture_ns NS1 NS2
}

@test "a backing file replaced by rename is seen at the next read" {
	printf 'nameserver 10.30.0.1\n' > "$BACKING/$NS1.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.30.0.1'
	# as resolvconf and NetworkManager replace their files
	printf 'nameserver 10.30.0.2\nsearch example.test\n' > "$BACKING/.tmp"
	mv "$BACKING/.tmp" "$BACKING/$NS1.conf"
	run in_ns "$NS1" cat "$MP"
	assert_output "$(printf 'nameserver 10.30.0.2\nsearch example.test')"
	# a reader that opened the file before a rename reads what it opened
	mkfifo "$RCFS_TMP/ready" "$RCFS_TMP/go"
	in_ns "$NS1" sh -c "exec 4< '$MP'; echo ready > '$RCFS_TMP/ready'; \
		cat '$RCFS_TMP/go' >/dev/null; cat <&4 > '$RCFS_TMP/out'" 3>&- &
	local reader=$!
	rcfs_track_pid "$reader"
	run cat "$RCFS_TMP/ready"
	assert_output ready
	printf 'nameserver 10.30.0.3\n' > "$BACKING/.tmp"
	mv "$BACKING/.tmp" "$BACKING/$NS1.conf"
	echo go > "$RCFS_TMP/go"
	wait "$reader"
	run cat "$RCFS_TMP/out"
	assert_output "$(printf 'nameserver 10.30.0.2\nsearch example.test')"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.30.0.3'
}

@test "stat shows each namespace its own file's size and inode" {
	printf 'nameserver 10.31.0.1\n' > "$BACKING/$NS1.conf"
	printf 'nameserver 10.31.0.2\nnameserver 10.31.0.22\n' \
		> "$BACKING/$NS2.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	local s1 s2 sd sh
	s1=$(in_ns "$NS1" stat -c '%s %i' "$MP")
	s2=$(in_ns "$NS2" stat -c '%s %i' "$MP")
	sd=$(unshare -n stat -c '%s %i' "$MP")
	sh=$(stat -c '%s %i' "$MP")
	assert_equal "$s1" "$(stat -c '%s %i' "$BACKING/$NS1.conf")"
	assert_equal "$s2" "$(stat -c '%s %i' "$BACKING/$NS2.conf")"
	assert_equal "$sd" "$(stat -c '%s %i' "$DEFAULT")"
	[ "$s1" != "$s2" ]
	[ "$s1" != "$sd" ]
	[ "$sh" != "$s1" ]
	# after a rename the inode changes with it (glibc's reload check)
	printf 'nameserver 10.31.0.1\n' > "$BACKING/.tmp"
	mv "$BACKING/.tmp" "$BACKING/$NS1.conf"
	run in_ns "$NS1" stat -c '%s %i' "$MP"
	assert_output "$(stat -c '%s %i' "$BACKING/$NS1.conf")"
	refute_output "$s1"
}

@test "stat shows the backing file's mode, owner and mtime" {
	printf 'nameserver 10.32.0.1\n' > "$BACKING/$NS1.conf"
	chown 1234:5678 "$BACKING/$NS1.conf"
	chmod 0640 "$BACKING/$NS1.conf"
	touch -d '2001-02-03 04:05:06' "$BACKING/$NS1.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS1" stat -c '%a %u %g %Y' "$MP"
	assert_output "640 1234 5678 $(stat -c %Y "$BACKING/$NS1.conf")"
}

@test "without -d a namespace with no file gets ENOENT" {
	printf 'nameserver 10.33.0.1\n' > "$BACKING/$NS1.conf"
	rcfs_start_daemon "$BACKING" "$MP"
	run in_ns "$NS1" cat "$MP"
	assert_success
	run in_ns "$NS2" cat "$MP"
	assert_failure
	assert_output --partial 'No such file or directory'
	run unshare -n cat "$MP"
	assert_failure
	assert_output --partial 'No such file or directory'
	# the host still sees its file
	run cat "$MP"
	assert_output "$(printf 'nameserver 203.0.113.1\n# host')"
}

@test "reading and stat create no file, from named or anonymous namespaces" {
	local pid before
	pid=$(rcfs_anon_ns)
	printf 'nameserver 10.34.0.1\n' > "$BACKING/$NS1.conf"
	before=$(rcfs_files "$BACKING")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	in_ns "$NS1" cat "$MP" >/dev/null
	in_ns "$NS2" cat "$MP" >/dev/null
	in_ns "$NS2" stat "$MP" >/dev/null
	nsenter --net="/proc/$pid/ns/net" cat "$MP" >/dev/null
	nsenter --net="/proc/$pid/ns/net" stat "$MP" >/dev/null
	unshare -n cat "$MP" >/dev/null
	run rcfs_files "$BACKING"
	assert_output "$before"
	rcfs_stop_daemon
	# and without a default
	rcfs_start_daemon "$BACKING" "$MP"
	in_ns "$NS2" cat "$MP" 2>/dev/null || true
	nsenter --net="/proc/$pid/ns/net" stat "$MP" 2>/dev/null || true
	run rcfs_files "$BACKING"
	assert_output "$before"
}

@test "a write from a namespace creates its own file and leaves the default alone" {
	local def
	def=$(cat "$DEFAULT")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	in_ns "$NS1" sh -c "echo 'nameserver 10.35.0.1' > '$MP'"
	assert_file_exists "$BACKING/$NS1.conf"
	run cat "$BACKING/$NS1.conf"
	assert_output 'nameserver 10.35.0.1'
	run cat "$DEFAULT"
	assert_output "$def"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.35.0.1'
	run in_ns "$NS2" cat "$MP"
	assert_output "$def"
	assert_file_not_exists "$BACKING/$NS2.conf"
}

@test "an anonymous namespace's write creates BACKING/INODE.conf" {
	local pid ino
	pid=$(rcfs_anon_ns)
	ino=$(stat -L -c %i "/proc/$pid/ns/net")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	nsenter --net="/proc/$pid/ns/net" sh -c "echo 'nameserver 10.36.0.1' >> '$MP'"
	run cat "$BACKING/$ino.conf"
	assert_output "$(cat "$DEFAULT"; echo 'nameserver 10.36.0.1')"
	run rcfs_files "$BACKING"
	assert_output "./$ino.conf"
}

@test "a namespace's new file takes the default's owner and mode" {
	chown 1234:5678 "$DEFAULT"
	chmod 0640 "$DEFAULT"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	in_ns "$NS1" sh -c "echo 'nameserver 10.37.0.1' > '$MP'"
	run stat -c '%a %u %g' "$BACKING/$NS1.conf"
	assert_output '640 1234 5678'
	run stat -c '%a %u %g' "$DEFAULT"
	assert_output '640 1234 5678'
}

@test "a rewrite keeps the namespace's file's owner and mode" {
	printf 'nameserver 10.38.0.1\n' > "$BACKING/$NS1.conf"
	chown 4321:8765 "$BACKING/$NS1.conf"
	chmod 0604 "$BACKING/$NS1.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	in_ns "$NS1" sh -c "echo 'nameserver 10.38.0.2' > '$MP'"
	run cat "$BACKING/$NS1.conf"
	assert_output 'nameserver 10.38.0.2'
	run stat -c '%a %u %g' "$BACKING/$NS1.conf"
	assert_output '604 4321 8765'
}

@test "the backing file's owner and mode decide who may write" {
	chmod 0755 "$RCFS_TMP"
	printf 'nameserver 10.39.0.1\n' > "$BACKING/$NS1.conf"
	chown 1234:1234 "$BACKING/$NS1.conf"
	chmod 0644 "$BACKING/$NS1.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# anyone may read (allow_other), only the owner may write
	run in_ns "$NS1" setpriv --reuid=65534 --regid=65534 --clear-groups \
		cat "$MP"
	assert_output 'nameserver 10.39.0.1'
	run in_ns "$NS1" setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c "echo 'nameserver 10.39.0.2' > '$MP'"
	assert_failure
	assert_output --partial 'Permission denied'
	run cat "$BACKING/$NS1.conf"
	assert_output 'nameserver 10.39.0.1'
	in_ns "$NS1" setpriv --reuid=1234 --regid=1234 --clear-groups \
		sh -c "echo 'nameserver 10.39.0.3' > '$MP'"
	run cat "$BACKING/$NS1.conf"
	assert_output 'nameserver 10.39.0.3'
	run stat -c '%u %a' "$BACKING/$NS1.conf"
	assert_output '1234 644'
}
