#!/usr/bin/env bats
# Hostile input: unprivileged users and their user namespaces, planted
# symlinks, names that try to become paths, oversized writes, a fake
# procfs and callers that vanish mid-request.

load ../helpers/common

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

local_setup() {
	rcfs_fixture
	# nobody must reach the mount point
	chmod 755 "$RCFS_TMP"
	NS1=$(rcfs_name a)
	NS2=$(rcfs_name b)
}

# needs_userns: unprivileged user namespaces are allowed here
needs_userns() {
	"${NOBODY[@]}" unshare -rn true 2>/dev/null ||
		skip "unprivileged user namespaces are disabled"
}

@test "reads from 1,000 (RCFS_STRESS=full; else 250) anonymous namespaces of an unprivileged user create no file" {
	needs_userns
	local before out count=250
	rcfs_stress_full && count=1000
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	before=$(rcfs_files "$BACKING")
	out=$("${NOBODY[@]}" sh -c '
		ok=0
		for i in $(seq "$2"); do
			unshare -rn cat "$1" > /dev/null && ok=$((ok + 1))
		done
		echo "$ok"' sh "$MP" "$count")
	rcfs_figure "$count unshare -rn reads as nobody: $out read the default, $(($(rcfs_files "$BACKING" | grep -c .) - $(grep -c . <<< "$before"))) files made"
	[ "$out" = "$count" ]
	[ "$(rcfs_files "$BACKING")" = "$before" ]
}

@test "root of an unprivileged user namespace cannot write, truncate or chmod its namespace's file: 100 of 100 refused" {
	needs_userns
	local pid ino out
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	# a "container": nobody's user and network namespace
	"${NOBODY[@]}" unshare -rn sleep 3600 &
	pid=$!
	rcfs_track_pid "$pid"
	local deadline=$((SECONDS + 10))
	while [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = \
		"$(stat -L -c %i /proc/self/ns/net)" ]; do
		[ $SECONDS -lt $deadline ]
		sleep 0.02
	done
	ino=$(stat -L -c %i "/proc/$pid/ns/net")
	printf 'nameserver 10.9.9.9\n' > "$BACKING/$ino.conf"
	cp "$BACKING/$ino.conf" "$RCFS_TMP/old"

	# root inside, nobody outside
	# (--preserve-credentials: nobody is root there already, and
	# setgroups is denied in a namespace made by unshare -r)
	run "${NOBODY[@]}" nsenter -t "$pid" -U -n --preserve-credentials \
		sh -c 'id -u; cat "$1"' sh "$MP"
	assert_success
	assert_output "$(printf '0\nnameserver 10.9.9.9')"
	out=$("${NOBODY[@]}" nsenter -t "$pid" -U -n --preserve-credentials sh -c '
		refused=0
		for i in $(seq 100); do
			case $((i % 5)) in
			0) (echo "nameserver 10.6.6.6" > "$1") ;;
			1) truncate -s 0 "$1" ;;
			2) (echo "nameserver 10.6.6.7" >> "$1") ;;
			3) (: > "$1") ;;
			4) chmod 666 "$1" ;;
			esac 2>/dev/null || refused=$((refused + 1))
		done
		echo "$refused"' sh "$MP")
	rcfs_figure "root of a user namespace: $out of 100 writes, truncates and chmods refused"
	[ "$out" = 100 ]
	cmp "$RCFS_TMP/old" "$BACKING/$ino.conf"
	[ "$(stat -c %a "$BACKING/$ino.conf")" = 644 ]
	[ "$(rcfs_files "$BACKING")" = "./$ino.conf" ]
}

@test "symlinks planted in the backing directory are never followed, read or written" {
	local n
	rcfs_ns_add "$NS1" "$NS2"
	# a scratch secret stands for /etc/shadow
	printf 'root:SECRET-HASH:19000::::::\n' > "$RCFS_TMP/secret"
	chmod 600 "$RCFS_TMP/secret"
	printf 'nameserver 10.7.7.7\n' > "$RCFS_TMP/outside.conf"
	cp "$RCFS_TMP/secret" "$RCFS_TMP/secret.orig"
	cp "$RCFS_TMP/outside.conf" "$RCFS_TMP/outside.orig"
	ln -s "$RCFS_TMP/secret" "$BACKING/$NS1.conf"
	ln -s ../outside.conf "$BACKING/$NS2.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	for n in "$NS1" "$NS2"; do
		run in_ns "$n" cat "$MP"
		assert_failure
		assert_output --partial "Too many levels of symbolic links"
		refute_output --partial SECRET
		refute_output --partial 10.7.7.7
		run in_ns "$n" sh -c "echo 'nameserver 10.6.6.6' > '$MP'"
		assert_failure
		run in_ns "$n" truncate -s 0 "$MP"
		assert_failure
		run in_ns "$n" stat -c %s "$MP"
		refute_output 29
	done
	cmp "$RCFS_TMP/secret.orig" "$RCFS_TMP/secret"
	cmp "$RCFS_TMP/outside.orig" "$RCFS_TMP/outside.conf"
	[ -L "$BACKING/$NS1.conf" ] && [ -L "$BACKING/$NS2.conf" ]
	rcfs_figure "symlinks to a secret and to ..: 0 reads, 0 writes went through"
}

@test "a directory symlink to .. in the dir layout is never followed" {
	rcfs_ns_add "$NS1"
	ln -s .. "$BACKING/$NS1"
	rcfs_start_daemon -l dir -d "$DEFAULT" "$BACKING" "$MP"
	# BACKING/NS1/mp would be the mount point's own directory
	run in_ns "$NS1" cat "$MP"
	assert_failure
	refute_output --partial 203.0.113.1
	run in_ns "$NS1" sh -c "echo 'nameserver 10.6.6.6' > '$MP'"
	assert_failure
	[ -L "$BACKING/$NS1" ]
	[ "$(rcfs_files "$BACKING")" = "./$NS1" ]
	[ "$(cat "$RCFS_TMP/mp")" = "$(printf 'nameserver 203.0.113.1\n# host')" ] ||
		umount -l "$MP"	# only to look under the mount
}

@test "names in the netns directory that are not safe file names never become paths" {
	local dir=$RCFS_TMP/netns pid ino name files=() i=0
	local names=($'new\nline' $'tab\there' $'del\x7f' "$(printf 'n%.0s' $(seq 255))" "a")
	mkdir "$dir"
	rcfs_start_daemon -n "$dir" -d "$DEFAULT" "$BACKING" "$MP"
	for name in "${names[@]}"; do
		pid=$(rcfs_anon_ns)
		ino=$(stat -L -c %i "/proc/$pid/ns/net")
		if [ "$name" = a ]; then
			# "a/b": a directory a, with b bound in it
			mkdir "$dir/a"
			touch "$dir/a/b"
			mount --bind "/proc/$pid/ns/net" "$dir/a/b"
			rcfs_track_mount "$dir/a/b"
		else
			touch "$dir/$name"
			mount --bind "/proc/$pid/ns/net" "$dir/$name"
			rcfs_track_mount "$dir/$name"
		fi
		run nsenter --net="/proc/$pid/ns/net" sh -c "echo 'nameserver 10.5.5.$i' > '$MP'"
		assert_success
		files+=("./$ino.conf")
		[ "$(cat "$BACKING/$ino.conf")" = "nameserver 10.5.5.$i" ]
		i=$((i + 1))
	done
	[ "$(rcfs_files "$BACKING")" = "$(printf '%s\n' "${files[@]}" | LC_ALL=C sort)" ]
	rcfs_figure "${#names[@]} unsafe names (newline, tab, DEL, 255 bytes, a/b): all mapped by inode, 0 other paths"
}

@test "writes beyond 1 MiB are refused with EFBIG and nothing changes" {
	local out
	rcfs_ns_add "$NS1"
	"$RCFS_STRESS_BIN" gen "$NS1" 3 > "$BACKING/$NS1.conf"
	cp "$BACKING/$NS1.conf" "$RCFS_TMP/old"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run "$RCFS_STRESS_BIN" try -r 10 -b $((1024 * 1024 + 1)) "$MP" "/run/netns/$NS1"
	rcfs_figure "1 MiB + 1 byte: $output"
	[ "$(figure ok "$output")" = 0 ]
	assert_output --partial first_error=EFBIG
	cmp "$RCFS_TMP/old" "$BACKING/$NS1.conf"
	run in_ns "$NS1" truncate -s 2M "$MP"
	assert_failure
	assert_output --partial "File too large"
	run in_ns "$NS1" sh -c "head -c 1048576 /dev/zero | tr '\\0' '#' >> '$MP'"
	assert_failure
	cmp "$RCFS_TMP/old" "$BACKING/$NS1.conf"
	[ "$(rcfs_files "$BACKING")" = "./$NS1.conf" ]
	# the limit itself is allowed
	run "$RCFS_STRESS_BIN" try -r 1 -b $((1024 * 1024)) "$MP" "/run/netns/$NS1"
	[ "$(figure ok "$output")" = 1 ]
	[ "$(stat -c %s "$BACKING/$NS1.conf")" = 1048576 ]
}

@test "-P pointing at a missing or empty proc tree fails with one clear line, nothing mounted" {
	mkdir "$RCFS_TMP/fakeproc"
	run "$RESOLVCONFFS" -P "$RCFS_TMP/missing" "$BACKING" "$MP"
	assert_failure 1
	assert_output "resolvconffs: cannot open \"$RCFS_TMP/missing\": No such file or directory"
	run "$RESOLVCONFFS" -P "$RCFS_TMP/fakeproc" "$BACKING" "$MP"
	assert_failure 1
	assert_output --partial "resolvconffs: cannot open \"$RCFS_TMP/fakeproc\""
	[ "${#lines[@]}" = 1 ]
	! rcfs_is_mounted "$MP"
}

@test "-P pointing at a fake proc tree without the callers: each caller gets an error, the daemon lives" {
	local fake=$RCFS_TMP/fakeproc
	rcfs_ns_add "$NS1"
	mkdir -p "$fake/self/ns"
	touch "$fake/self/ns/net"
	mount --bind /proc/self/ns/net "$fake/self/ns/net"
	rcfs_track_mount "$fake/self/ns/net"
	# not rcfs_start_daemon: it waits for a stat to succeed, and here
	# none can.  The BPF tap learns namespaces without procfs: --no-bpf
	# makes every lookup go through the fake tree.
	"$RESOLVCONFFS" --no-bpf -P "$fake" -d "$DEFAULT" "$BACKING" "$MP" \
		2>> "$RCFS_TMP/daemon.log" &
	RCFS_DAEMON_PID=$!
	rcfs_track_pid "$RCFS_DAEMON_PID"
	rcfs_track_mount "$MP"
	local deadline=$((SECONDS + 10))
	until rcfs_is_mounted "$MP"; do
		[ $SECONDS -lt $deadline ]
		sleep 0.02
	done
	run cat "$MP"
	assert_failure
	run in_ns "$NS1" cat "$MP"
	assert_failure
	run in_ns "$NS1" sh -c "echo 'nameserver 10.6.6.6' > '$MP'"
	assert_failure
	rcfs_figure "fake proc: a caller gets \"${output##*: }\""
	kill -0 "$RCFS_DAEMON_PID"
	[ "$(rcfs_files "$BACKING")" = "" ]
}

@test "1,000 callers killed in the middle of their requests: no crash, the others served" {
	rcfs_ns_add "$NS1"
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS1" "$RCFS_STRESS_BIN" killstorm -n 1000 "$MP"
	rcfs_figure "killed callers: $output"
	assert_success
	kill -0 "$RCFS_DAEMON_PID"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	[ "$(rcfs_files "$BACKING")" = "./$NS1.conf" ]
}

@test "a newline in an option's value is refused: it would forge the published settings" {
	run "$RESOLVCONFFS" -d $'/etc/hosts\nprocfs=/tmp' "$BACKING" "$MP"
	assert_failure 2
	assert_line --index 0 "resolvconffs: invalid value for --default-file"
	run "$RESOLVCONFFS" -o $'extension=a\nb' "$BACKING" "$MP"
	assert_failure 2
	assert_line --index 0 'resolvconffs: invalid value for option "extension"'
	! rcfs_is_mounted "$MP"
}

@test "tests/run with an inherited private-namespace marker still runs in a mount namespace of its own" {
	local probe=$RCFS_TMP/probe.bats mark
	# a suite of one test that writes down its mount namespace (printf:
	# bats would rewrite a test line in a here-document of this file)
	printf '%s\n' '@test "probe" {' \
		'	readlink /proc/self/ns/mnt > "$PROBE_OUT"' '}' > "$probe"
	for mark in 1 "$$:$(readlink /proc/self/ns/mnt)"; do
		rm -f "$RCFS_TMP/ns"
		# a clean environment: bats puts its libexec first in PATH
		run env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			RCFS_BUILD="$RCFS_BUILD" \
			RCFS_PRIVATE_NS="$mark" PROBE_OUT="$RCFS_TMP/ns" \
			"$RCFS_SRC/tests/run" "$probe"
		assert_success
		assert_output --partial "1 passed, 0 failed"
		# the copy went private: its /etc overlay never reached ours
		assert_file_exists "$RCFS_TMP/ns"
		assert_not_equal "$(cat "$RCFS_TMP/ns")" "$(readlink /proc/self/ns/mnt)"
	done
}
