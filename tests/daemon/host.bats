#!/usr/bin/env bats
# What the host namespace sees, a symlink as mount point, and the -o
# form of every option.

load ../helpers/common

local_setup() {
	rcfs_fixture
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
	HOST_INO=$(stat -L -c %i /proc/self/ns/net)
}

@test "--map-host maps the host like any other namespace" {
	printf 'nameserver 10.60.0.1\n' > "$BACKING/$HOST_INO.conf"
	rcfs_start_daemon --map-host -d "$DEFAULT" "$BACKING" "$MP"
	run cat "$MP"
	assert_output 'nameserver 10.60.0.1'
	rm "$BACKING/$HOST_INO.conf"
	run cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	# and its write creates its own file, leaving the original alone
	echo 'nameserver 10.60.0.2' > "$MP"
	run cat "$BACKING/$HOST_INO.conf"
	assert_output 'nameserver 10.60.0.2'
	rcfs_stop_daemon
	run cat "$MP"
	assert_output "$(printf 'nameserver 203.0.113.1\n# host')"
}

@test "-H FILE shows the host FILE, read live" {
	local hf=$RCFS_TMP/host.conf
	printf 'nameserver 10.61.0.1\n' > "$hf"
	rcfs_start_daemon -H "$hf" -d "$DEFAULT" "$BACKING" "$MP"
	run cat "$MP"
	assert_output 'nameserver 10.61.0.1'
	printf 'nameserver 10.61.0.2\n' > "$RCFS_TMP/.new"
	mv "$RCFS_TMP/.new" "$hf"
	run cat "$MP"
	assert_output 'nameserver 10.61.0.2'
	run stat -c '%s %i' "$MP"
	assert_output "$(stat -c '%s %i' "$hf")"
	# namespaces are not affected
	run unshare -n cat "$MP"
	assert_output "$(cat "$DEFAULT")"
}

@test "the host writes its original file in place" {
	local ino
	ino=$(stat -c %i "$MP")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	echo 'nameserver 10.62.0.1' > "$MP"
	run cat "$MP"
	assert_output 'nameserver 10.62.0.1'
	run rcfs_files "$BACKING"
	assert_output ''
	rcfs_stop_daemon
	run stat -c %i "$MP"
	assert_output "$ino"
	run cat "$MP"
	assert_output 'nameserver 10.62.0.1'
}

@test "a symlink mount point: the host sees the live target, which can be renamed over" {
	local run=$RCFS_TMP/run link=$RCFS_TMP/resolv.conf
	mkdir "$run"
	printf 'nameserver 127.0.0.53\n# stub\n' > "$run/stub.conf"
	ln -s run/stub.conf "$link"
	printf 'nameserver 10.63.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$link"
	run cat "$link"
	assert_output "$(printf 'nameserver 127.0.0.53\n# stub')"
	run in_ns "$NS" cat "$link"
	assert_output 'nameserver 10.63.0.1'
	# the manager's rename over its own file works (no EBUSY) and is seen
	printf 'nameserver 127.0.0.53\n# stub 2\n' > "$run/.stub.new"
	mv "$run/.stub.new" "$run/stub.conf"
	run cat "$link"
	assert_output "$(printf 'nameserver 127.0.0.53\n# stub 2')"
	run stat -c '%s %i' "$link"
	assert_output "$(stat -c '%s %i' "$run/stub.conf")"
	rcfs_stop_daemon
	run readlink "$link"
	assert_output 'run/stub.conf'
	run cat "$link"
	assert_output "$(printf 'nameserver 127.0.0.53\n# stub 2')"
}

@test "a symlink to a file that does not exist yet: ENOENT for the host until it does" {
	local link=$RCFS_TMP/resolv.conf
	mkdir "$RCFS_TMP/run"
	ln -s "$RCFS_TMP/run/stub.conf" "$link"
	# not rcfs_start_daemon: its wait stats the mount point as the host
	"$RESOLVCONFFS" -d "$DEFAULT" "$BACKING" "$link" 2>>"$RCFS_TMP/daemon.log" 3>&- &
	rcfs_track_pid $!
	rcfs_track_mount "$link"
	local deadline=$((SECONDS + 10))
	until rcfs_is_mounted "$link" && unshare -n stat "$link" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || fail "not mounted"
		sleep 0.02
	done
	run cat "$link"
	assert_failure
	assert_output --partial 'No such file or directory'
	printf 'nameserver 10.64.0.1\n' > "$RCFS_TMP/run/stub.conf"
	run cat "$link"
	assert_output 'nameserver 10.64.0.1'
}

# ---- -o key=value behaves like the flag ------------------------------

@test "-o extension= and -o extension=EXT" {
	printf 'nameserver 10.65.0.1\n' > "$BACKING/$NS"
	printf 'nameserver 10.65.0.2\n' > "$BACKING/$NS.txt"
	printf 'nameserver 10.65.0.3\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -o extension= -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.65.0.1'
	rcfs_stop_daemon
	rcfs_start_daemon -o extension=txt,default="$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.65.0.2'
}

@test "-o default= gives the default, read live" {
	rcfs_start_daemon -o "default=$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	printf 'nameserver 10.66.0.1\n' > "$DEFAULT"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.66.0.1'
}

@test "-o layout=dir" {
	mkdir "$BACKING/$NS"
	printf 'nameserver 10.67.0.1\n' > "$BACKING/$NS/mp"
	printf 'nameserver 10.67.0.2\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -o layout=dir -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.67.0.1'
}

@test "-o netns_dir=" {
	local pid dir=$RCFS_TMP/netns name
	pid=$(rcfs_anon_ns)
	name=$(rcfs_name x)
	mkdir "$dir"
	touch "$dir/$name"
	mount --bind "/proc/$pid/ns/net" "$dir/$name"
	rcfs_track_mount "$dir/$name"
	printf 'nameserver 10.68.0.1\n' > "$BACKING/$name.conf"
	rcfs_start_daemon -o "netns_dir=$dir" -d "$DEFAULT" "$BACKING" "$MP"
	run nsenter --net="/proc/$pid/ns/net" cat "$MP"
	assert_output 'nameserver 10.68.0.1'
	umount "$dir/$name"
}

@test "-o host=" {
	printf 'nameserver 10.69.0.1\n' > "$RCFS_TMP/host.conf"
	rcfs_start_daemon -o "host=$RCFS_TMP/host.conf" -d "$DEFAULT" \
		"$BACKING" "$MP"
	run cat "$MP"
	assert_output 'nameserver 10.69.0.1'
}

@test "-o map_host" {
	printf 'nameserver 10.70.0.1\n' > "$BACKING/$HOST_INO.conf"
	rcfs_start_daemon -o map_host -d "$DEFAULT" "$BACKING" "$MP"
	run cat "$MP"
	assert_output 'nameserver 10.70.0.1'
}
