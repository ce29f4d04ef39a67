#!/usr/bin/env bats
# stat() through the mount is answered from what the daemon found before,
# for as long as nothing it depends on has changed.  glibc compares the
# inode, size and mtime of /etc/resolv.conf before each lookup, so an
# answer kept past a change leaves a namespace on its old file.  Each test
# here first makes the daemon answer stat() for a namespace, then changes
# something beside the mount (never through it) and checks that stat()
# and cat through the mount follow.  A daemon that misses the change keeps
# its old answer for good: the polls below end at their deadline and fail.

load ../helpers/common

# what glibc compares, and the mode and owner besides
FMT='%i %s %a %u %g %.9Y'

local_setup() {
	rcfs_fixture_ns NS OTHER
}

# within WHO CMD...: run CMD in WHO's network namespace: a name in
# /run/netns, pid:PID for the namespace of that process, or host
within() {
	local who=$1
	shift
	case $who in
	host) "$@" ;;
	pid:*) nsenter --net="/proc/${who#pid:}/ns/net" -- "$@" ;;
	*) nsenter --net="/run/netns/$who" -- "$@" ;;
	esac
}

# seen WHO: stat() of the mount point in WHO's namespace
seen() {
	within "$1" stat -c "$FMT" "$MP"
}

# real FILE: stat() of FILE itself, beside the mount
real() {
	stat -L -c "$FMT" "$1"
}

# wait_seen WHO FILE: poll until stat() through the mount in WHO's
# namespace shows what stat() of FILE shows, for at most 10 seconds
wait_seen() {
	local want deadline=$((SECONDS + 10))
	want=$(real "$2") || return 1
	until [ "$(seen "$1" 2>&1)" = "$want" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

# assert_follows WHO FILE: stat() through the mount in WHO's namespace
# comes to show FILE's inode, size, mode, owner and mtime, and cat shows
# FILE's content (left in $output, for the caller to check further)
assert_follows() {
	local who=$1 file=$2
	wait_seen "$who" "$file" || true
	run seen "$who"
	assert_success
	assert_output "$(real "$file")"
	run within "$who" cat "$MP"
	assert_success
	assert_output "$(cat "$file")"
}

# wait_enoent WHO: poll until stat() through the mount in WHO's namespace
# fails with ENOENT, for at most 10 seconds
wait_enoent() {
	local deadline=$((SECONDS + 10))
	until [[ $(seen "$1" 2>&1) == *'No such file or directory'* ]]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

# replace FILE LINE...: write the LINEs to a new file beside FILE and
# rename it over FILE, as DNS managers and editors do
replace() {
	local file=$1 tmp
	shift
	tmp=$(dirname "$file")/.$(basename "$file").new
	printf '%s\n' "$@" > "$tmp"
	mv -f -T "$tmp" "$file"
}

# a search domain N letters long: a file size that changes with N
domain() {
	printf 'd%*s.test' "$1" '' | tr ' ' x
}

# ---- a namespace's own file --------------------------------------------

@test "stat in a namespace follows each netnsctl set" {
	local i before
	printf 'nameserver 10.80.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	for ((i = 1; i <= 20; i++)); do
		before=$(seen "$NS")
		"$NETNSCTL" --mount "$MP" set "$NS" nameserver "10.80.1.$i" \
			search "$(domain $((i * 7 % 23 + 1)))"
		assert_follows "$NS" "$BACKING/$NS.conf"
		assert_output --partial "nameserver 10.80.1.$i"
		# the file glibc compares against did change
		assert_not_equal "$(seen "$NS")" "$before"
	done
	# the other namespace kept the default all along
	assert_follows "$OTHER" "$DEFAULT"
}

@test "stat in a namespace follows each file renamed into the backing directory" {
	local i
	printf 'nameserver 10.81.0.1\n' > "$BACKING/$NS.conf"
	printf 'nameserver 10.81.0.2\n' > "$BACKING/$OTHER.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	assert_follows "$OTHER" "$BACKING/$OTHER.conf"
	for ((i = 1; i <= 20; i++)); do
		replace "$BACKING/$NS.conf" "nameserver 10.81.1.$i" \
			"search $(domain $((i * 5 % 17 + 1)))"
		assert_follows "$NS" "$BACKING/$NS.conf"
		assert_output --partial "nameserver 10.81.1.$i"
		# the other namespace's answer stays its own file
		run seen "$OTHER"
		assert_output "$(real "$BACKING/$OTHER.conf")"
	done
}

@test "stat in a namespace follows appends to its file in place" {
	local i ino
	printf 'nameserver 10.82.0.1\n' > "$BACKING/$NS.conf"
	ino=$(stat -c %i "$BACKING/$NS.conf")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	for ((i = 1; i <= 5; i++)); do
		printf 'nameserver 10.82.1.%d\n' "$i" >> "$BACKING/$NS.conf"
		assert_follows "$NS" "$BACKING/$NS.conf"
		assert_output --partial "nameserver 10.82.1.$i"
	done
	# the same inode throughout: size and mtime alone told the change
	run stat -c %i "$BACKING/$NS.conf"
	assert_output "$ino"
	# the mtime alone (touch), as after a rewrite of the same length
	touch -m -d '2001-02-03 04:05:06.789' "$BACKING/$NS.conf"
	assert_follows "$NS" "$BACKING/$NS.conf"
	run within "$NS" stat -c %Y "$MP"
	assert_output "$(stat -c %Y "$BACKING/$NS.conf")"
}

@test "stat in a namespace follows a chmod and a chown of its file" {
	printf 'nameserver 10.83.0.1\n' > "$BACKING/$NS.conf"
	chmod 0644 "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	chmod 0600 "$BACKING/$NS.conf"
	assert_follows "$NS" "$BACKING/$NS.conf"
	run within "$NS" stat -c %a "$MP"
	assert_output 600
	chmod 0640 "$BACKING/$NS.conf"
	assert_follows "$NS" "$BACKING/$NS.conf"
	run within "$NS" stat -c %a "$MP"
	assert_output 640
	chown 1234:5678 "$BACKING/$NS.conf"
	assert_follows "$NS" "$BACKING/$NS.conf"
	run within "$NS" stat -c '%u %g' "$MP"
	assert_output '1234 5678'
}

@test "stat in a namespace falls back to the default when its file is removed, and back when it returns" {
	local i
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	for ((i = 1; i <= 5; i++)); do
		printf 'nameserver 10.84.0.%d\n' "$i" > "$BACKING/$NS.conf"
		assert_follows "$NS" "$BACKING/$NS.conf"
		rm "$BACKING/$NS.conf"
		assert_follows "$NS" "$DEFAULT"
	done
	run within "$NS" stat -c %i "$MP"
	assert_output "$(stat -c %i "$DEFAULT")"
}

@test "without a default, stat goes from ENOENT to a new file and back" {
	rcfs_start_daemon "$BACKING" "$MP"
	run seen "$NS"
	assert_failure
	assert_output --partial 'No such file or directory'
	printf 'nameserver 10.85.0.1\n' > "$BACKING/$NS.conf"
	assert_follows "$NS" "$BACKING/$NS.conf"
	rm "$BACKING/$NS.conf"
	wait_enoent "$NS" || true
	run seen "$NS"
	assert_failure
	assert_output --partial 'No such file or directory'
	# and made by a rename this time
	replace "$BACKING/$NS.conf" 'nameserver 10.85.0.2'
	assert_follows "$NS" "$BACKING/$NS.conf"
}

# ---- the default file --------------------------------------------------

@test "stat in a namespace without a file follows the default changed in place and replaced by rename" {
	local i
	printf 'nameserver 10.86.0.1\n' > "$BACKING/$OTHER.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$DEFAULT"
	for ((i = 1; i <= 5; i++)); do
		# in place, as `echo >>` or an editor that writes through
		printf 'nameserver 10.86.1.%d\n' "$i" >> "$DEFAULT"
		assert_follows "$NS" "$DEFAULT"
		assert_output --partial "nameserver 10.86.1.$i"
		# a new file renamed over it, as vim, sed -i or a DHCP script
		replace "$DEFAULT" "nameserver 10.86.2.$i" \
			"search $(domain $((i * 3)))"
		assert_follows "$NS" "$DEFAULT"
		assert_output --partial "nameserver 10.86.2.$i"
	done
	# the namespace with a file of its own was not moved by any of it
	assert_follows "$OTHER" "$BACKING/$OTHER.conf"
	# and the new default's inode is watched too: changed in place again
	chmod 0600 "$DEFAULT"
	assert_follows "$NS" "$DEFAULT"
}

# default_link: DEFAULT becomes $RCFS_TMP/etc/default.conf, a symlink to
# TARGET, $RCFS_TMP/run/x/default.conf: the link and its target in
# directories of their own, neither of which holds the other
default_link() {
	TARGET=$RCFS_TMP/run/x/default.conf
	DEFAULT=$RCFS_TMP/etc/default.conf
	mkdir -p "$(dirname "$TARGET")" "$(dirname "$DEFAULT")"
	printf 'nameserver 10.87.0.1\n' > "$TARGET"
	ln -s ../run/x/default.conf "$DEFAULT"
}

@test "a default reached through a symlink: stat follows its target changed in place, replaced by rename, removed and made again" {
	local i
	default_link
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$TARGET"
	for ((i = 1; i <= 3; i++)); do
		printf 'nameserver 10.87.1.%d\n' "$i" >> "$TARGET"
		assert_follows "$NS" "$TARGET"
		assert_output --partial "nameserver 10.87.1.$i"
		replace "$TARGET" "nameserver 10.87.2.$i" "search $(domain "$i")"
		assert_follows "$NS" "$TARGET"
		assert_output --partial "nameserver 10.87.2.$i"
	done
	# removed: no default, so ENOENT; then made again where it was
	rm "$TARGET"
	wait_enoent "$NS" || true
	run seen "$NS"
	assert_failure
	assert_output --partial 'No such file or directory'
	printf 'nameserver 10.87.4.1\n' > "$TARGET"
	assert_follows "$NS" "$TARGET"
	assert_output 'nameserver 10.87.4.1'
}

@test "a default reached through a symlink: stat follows its target's directory removed and made anew" {
	local i
	default_link
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$TARGET"
	for ((i = 1; i <= 3; i++)); do
		# as a service's runtime directory goes with the service
		rm -rf "$(dirname "$TARGET")"
		wait_enoent "$NS" || true
		run seen "$NS"
		assert_failure
		assert_output --partial 'No such file or directory'
		mkdir "$(dirname "$TARGET")"
		printf 'nameserver 10.87.3.%d\n' "$i" > "$TARGET"
		assert_follows "$NS" "$TARGET"
		assert_output "nameserver 10.87.3.$i"
	done
}

# ---- the dir layout ----------------------------------------------------

@test "-l dir: a namespace named with a leading dot, there before the start, follows changes in place and by rename" {
	local dot=.x$NS
	rcfs_ns_add "$dot"
	mkdir "$BACKING/$dot"
	printf 'nameserver 10.87.0.1\n' > "$BACKING/$dot/mp"
	rcfs_start_daemon -l dir -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$dot" "$BACKING/$dot/mp"
	printf 'nameserver 10.87.0.2\n' >> "$BACKING/$dot/mp"
	assert_follows "$dot" "$BACKING/$dot/mp"
	assert_output --partial 'nameserver 10.87.0.2'
	replace "$BACKING/$dot/mp" 'nameserver 10.87.1.1'
	assert_follows "$dot" "$BACKING/$dot/mp"
	assert_output 'nameserver 10.87.1.1'
}

@test "-l dir: stat follows a namespace directory and file made after the first stat, then changed in place" {
	local i
	rcfs_start_daemon -l dir -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$DEFAULT"
	assert_follows "$OTHER" "$DEFAULT"
	# the directory and its file at once, faster than a watch can follow
	mkdir "$BACKING/$NS" && printf 'nameserver 10.88.0.1\n' > "$BACKING/$NS/mp"
	assert_follows "$NS" "$BACKING/$NS/mp"
	for ((i = 1; i <= 5; i++)); do
		printf 'nameserver 10.88.1.%d\n' "$i" >> "$BACKING/$NS/mp"
		assert_follows "$NS" "$BACKING/$NS/mp"
		assert_output --partial "nameserver 10.88.1.$i"
	done
	chmod 0600 "$BACKING/$NS/mp"
	assert_follows "$NS" "$BACKING/$NS/mp"
	# a directory made elsewhere and renamed in, then its file renamed over
	mkdir "$RCFS_TMP/$OTHER"
	printf 'nameserver 10.88.2.1\n' > "$RCFS_TMP/$OTHER/mp"
	mv "$RCFS_TMP/$OTHER" "$BACKING/$OTHER"
	assert_follows "$OTHER" "$BACKING/$OTHER/mp"
	replace "$BACKING/$OTHER/mp" 'nameserver 10.88.2.2'
	assert_follows "$OTHER" "$BACKING/$OTHER/mp"
	printf 'nameserver 10.88.2.3\n' >> "$BACKING/$OTHER/mp"
	assert_follows "$OTHER" "$BACKING/$OTHER/mp"
	# and the file removed: the default again
	rm "$BACKING/$NS/mp"
	assert_follows "$NS" "$DEFAULT"
}

# ---- names -------------------------------------------------------------

@test "an anonymous namespace named by ip netns attach sees the name's file at the next stat, and its own after ip netns delete" {
	local pid ino i name
	pid=$(rcfs_anon_ns)
	ino=$(stat -L -c %i "/proc/$pid/ns/net")
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	for ((i = 1; i <= 5; i++)); do
		name=$(rcfs_name "r$i")
		printf 'nameserver 10.89.%d.1\n' "$i" > "$BACKING/$name.conf"
		# unnamed: its inode's file in odd rounds, the default in even
		if ((i % 2)); then
			printf 'nameserver 10.89.%d.2\n' "$i" > "$BACKING/$ino.conf"
			assert_follows "pid:$pid" "$BACKING/$ino.conf"
		else
			rm -f "$BACKING/$ino.conf"
			assert_follows "pid:$pid" "$DEFAULT"
		fi
		ip netns attach "$name" "$pid"
		RCFS_NETNS+=("$name")
		assert_follows "pid:$pid" "$BACKING/$name.conf"
		assert_output "nameserver 10.89.$i.1"
		ip netns delete "$name"
		if ((i % 2)); then
			assert_follows "pid:$pid" "$BACKING/$ino.conf"
		else
			assert_follows "pid:$pid" "$DEFAULT"
		fi
	done
}

@test "a name moved to another namespace by bind mounts alone is seen by both" {
	local a b ino_a ino_b dir=$RCFS_TMP/netns name
	a=$(rcfs_anon_ns)
	b=$(rcfs_anon_ns)
	ino_a=$(stat -L -c %i "/proc/$a/ns/net")
	ino_b=$(stat -L -c %i "/proc/$b/ns/net")
	name=$(rcfs_name x)
	mkdir "$dir"
	touch "$dir/$name"
	mount --bind "/proc/$a/ns/net" "$dir/$name"
	rcfs_track_mount "$dir/$name"
	printf 'nameserver 10.90.0.1\n' > "$BACKING/$name.conf"
	printf 'nameserver 10.90.0.2\n' > "$BACKING/$ino_a.conf"
	printf 'nameserver 10.90.0.3\n' > "$BACKING/$ino_b.conf"
	rcfs_start_daemon -n "$dir" -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "pid:$a" "$BACKING/$name.conf"
	assert_follows "pid:$b" "$BACKING/$ino_b.conf"
	# no entry of the directory is made, removed or renamed: only the
	# mount table tells
	umount "$dir/$name"
	mount --bind "/proc/$b/ns/net" "$dir/$name"
	assert_follows "pid:$a" "$BACKING/$ino_a.conf"
	assert_follows "pid:$b" "$BACKING/$name.conf"
	# and back again
	umount "$dir/$name"
	mount --bind "/proc/$a/ns/net" "$dir/$name"
	assert_follows "pid:$a" "$BACKING/$name.conf"
	assert_follows "pid:$b" "$BACKING/$ino_b.conf"
}

@test "-n DIR renamed away unnames its namespaces, and renamed back names them again" {
	# in a directory of its own, which nothing else watched holds
	local a ino_a dir=$RCFS_TMP/names/netns name i
	a=$(rcfs_anon_ns)
	ino_a=$(stat -L -c %i "/proc/$a/ns/net")
	name=$(rcfs_name x)
	mkdir -p "$dir"
	touch "$dir/$name"
	mount --bind "/proc/$a/ns/net" "$dir/$name"
	# the mount goes where its directory goes
	rcfs_track_mount "$dir/$name"
	rcfs_track_mount "$dir.away/$name"
	printf 'nameserver 10.96.0.1\n' > "$BACKING/$name.conf"
	printf 'nameserver 10.96.0.2\n' > "$BACKING/$ino_a.conf"
	rcfs_start_daemon -n "$dir" -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "pid:$a" "$BACKING/$name.conf"
	for ((i = 1; i <= 3; i++)); do
		# a rename moves no mount: only the directory's events tell
		mv "$dir" "$dir.away"
		assert_follows "pid:$a" "$BACKING/$ino_a.conf"
		mv "$dir.away" "$dir"
		assert_follows "pid:$a" "$BACKING/$name.conf"
	done
}

# ---- the backing directory ---------------------------------------------

@test "stat follows the backing directory removed and made anew" {
	local i
	printf 'nameserver 10.91.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	for ((i = 1; i <= 3; i++)); do
		rm -rf "$BACKING"
		assert_follows "$NS" "$DEFAULT"
		mkdir "$BACKING"
		printf 'nameserver 10.91.%d.1\n' "$i" > "$BACKING/$NS.conf"
		assert_follows "$NS" "$BACKING/$NS.conf"
		assert_output "nameserver 10.91.$i.1"
		# the new directory is watched: a change in place is seen
		printf 'nameserver 10.91.%d.2\n' "$i" >> "$BACKING/$NS.conf"
		assert_follows "$NS" "$BACKING/$NS.conf"
		assert_output --partial "nameserver 10.91.$i.2"
	done
}

@test "stat and writes follow a backing directory replaced by rename" {
	local i
	printf 'nameserver 10.93.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	for ((i = 1; i <= 3; i++)); do
		# a directory made aside, then swapped in as deployment tools do
		mkdir "$RCFS_TMP/next"
		printf 'nameserver 10.93.%d.1\n' "$i" > "$RCFS_TMP/next/$NS.conf"
		mv -T "$BACKING" "$RCFS_TMP/old.$i"
		mv -T "$RCFS_TMP/next" "$BACKING"
		assert_follows "$NS" "$BACKING/$NS.conf"
		assert_output "nameserver 10.93.$i.1"
		# a write through the mount lands in the new directory
		in_ns "$NS" sh -c "echo 'nameserver 10.93.$i.2' > '$MP'"
		run cat "$BACKING/$NS.conf"
		assert_output "nameserver 10.93.$i.2"
		run cat "$RCFS_TMP/old.$i/$NS.conf"
		assert_output "nameserver 10.93.$((i - 1)).$((i == 1 ? 1 : 2))"
	done
	# and the administrator is told
	run grep -c "backing directory $BACKING was replaced" "$RCFS_TMP/daemon.log"
	assert_output 3
}

@test "a backing directory renamed away with nothing in its place is kept until one comes" {
	printf 'nameserver 10.94.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	mv -T "$BACKING" "$RCFS_TMP/away"
	# still served (a directory being swapped is briefly missing)
	assert_follows "$NS" "$RCFS_TMP/away/$NS.conf"
	mkdir "$BACKING"
	printf 'nameserver 10.94.1.1\n' > "$BACKING/$NS.conf"
	assert_follows "$NS" "$BACKING/$NS.conf"
	assert_output "nameserver 10.94.1.1"
}

@test "-l dir: stat follows the backing directory removed and made anew with a namespace directory" {
	local i
	mkdir "$BACKING/$NS"
	printf 'nameserver 10.92.0.1\n' > "$BACKING/$NS/mp"
	rcfs_start_daemon -l dir -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS/mp"
	for ((i = 1; i <= 3; i++)); do
		rm -rf "$BACKING"
		assert_follows "$NS" "$DEFAULT"
		mkdir -p "$BACKING/$NS"
		printf 'nameserver 10.92.%d.1\n' "$i" > "$BACKING/$NS/mp"
		assert_follows "$NS" "$BACKING/$NS/mp"
		# the new namespace directory is watched too
		printf 'nameserver 10.92.%d.2\n' "$i" >> "$BACKING/$NS/mp"
		assert_follows "$NS" "$BACKING/$NS/mp"
		assert_output --partial "nameserver 10.92.$i.2"
	done
}

@test "stat follows a file changed in place in the backing directory while the default's directory in it is missing" {
	local i
	mkdir "$BACKING/defaults"
	DEFAULT=$BACKING/defaults/resolv.conf
	printf 'nameserver 10.97.0.1\n' > "$DEFAULT"
	printf 'nameserver 10.97.0.2\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
	assert_follows "$OTHER" "$DEFAULT"
	# the default goes: the namespace without a file sees none
	rm -r "$BACKING/defaults"
	wait_enoent "$OTHER" || true
	run seen "$OTHER"
	assert_failure
	assert_output --partial 'No such file or directory'
	# the backing directory's own files are still watched
	for ((i = 1; i <= 3; i++)); do
		printf 'nameserver 10.97.1.%d\n' "$i" >> "$BACKING/$NS.conf"
		assert_follows "$NS" "$BACKING/$NS.conf"
		assert_output --partial "nameserver 10.97.1.$i"
	done
	chmod 0600 "$BACKING/$NS.conf"
	assert_follows "$NS" "$BACKING/$NS.conf"
}

# ---- the host ----------------------------------------------------------

@test "the host's stat of a symlink mount point follows its target replaced by rename and changed in place" {
	local i etc=$RCFS_TMP/etc stub=$RCFS_TMP/run/resolve/stub-resolv.conf
	mkdir -p "$etc" "$(dirname "$stub")"
	printf 'nameserver 127.0.0.53\n# stub\n' > "$stub"
	# as systemd-resolved's package makes /etc/resolv.conf
	ln -s ../run/resolve/stub-resolv.conf "$etc/resolv.conf"
	MP=$etc/resolv.conf
	printf 'nameserver 10.93.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows host "$stub"
	assert_follows "$NS" "$BACKING/$NS.conf"
	for ((i = 1; i <= 10; i++)); do
		replace "$stub" 'nameserver 127.0.0.53' "# generation $i" \
			"search $(domain "$i")"
		assert_follows host "$stub"
		assert_output --partial "# generation $i"
	done
	printf '# appended\n' >> "$stub"
	assert_follows host "$stub"
	assert_output --partial '# appended'
	assert_follows "$NS" "$BACKING/$NS.conf"
	# the symlink is still there under the mount
	rcfs_stop_daemon
	run readlink "$etc/resolv.conf"
	assert_output ../run/resolve/stub-resolv.conf
}

@test "the host's stat follows its original file changed beside the mount" {
	# a second name for the file the mount will hide, in a directory
	# nothing else watched holds
	mkdir "$RCFS_TMP/side"
	ln "$MP" "$RCFS_TMP/side/mp.orig"
	printf 'nameserver 10.94.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows host "$RCFS_TMP/side/mp.orig"
	assert_follows "$NS" "$BACKING/$NS.conf"
	printf 'nameserver 10.94.1.1\n' >> "$RCFS_TMP/side/mp.orig"
	assert_follows host "$RCFS_TMP/side/mp.orig"
	assert_output --partial 'nameserver 10.94.1.1'
	printf 'nameserver 10.94.1.2\n' > "$RCFS_TMP/side/mp.orig"
	assert_follows host "$RCFS_TMP/side/mp.orig"
	assert_output 'nameserver 10.94.1.2'
	chmod 0600 "$RCFS_TMP/side/mp.orig"
	assert_follows host "$RCFS_TMP/side/mp.orig"
	run stat -c %a "$MP"
	assert_output 600
	assert_follows "$NS" "$BACKING/$NS.conf"
}

@test "-H FILE: the host's stat follows FILE changed in place and replaced by rename" {
	local hf=$RCFS_TMP/side/host.conf i
	mkdir "$RCFS_TMP/side"
	printf 'nameserver 10.95.0.1\n' > "$hf"
	rcfs_start_daemon -H "$hf" -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows host "$hf"
	for ((i = 1; i <= 3; i++)); do
		printf 'nameserver 10.95.1.%d\n' "$i" >> "$hf"
		assert_follows host "$hf"
		replace "$hf" "nameserver 10.95.2.$i" "search $(domain "$i")"
		assert_follows host "$hf"
		assert_output --partial "nameserver 10.95.2.$i"
	done
	assert_follows "$NS" "$DEFAULT"
}

# ---- changes through the mount -----------------------------------------

@test "a writer's next stat sees its own write through the mount at once, 30 of 30" {
	local i out want stale=0
	printf 'nameserver 10.80.9.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	seen "$NS" > /dev/null
	# no polling: the stat right after the writer's close must match
	for ((i = 1; i <= 30; i++)); do
		out=$(within "$NS" bash -c '
			printf "nameserver 10.80.9.%s\nsearch %s\n" "$2" "$3" > "$1" &&
			stat -c "%i %s" "$1"' _ "$MP" "$i" "$(domain "$i")")
		want=$(stat -c '%i %s' "$BACKING/$NS.conf")
		[ "$out" = "$want" ] || stale=$((stale + 1))
	done
	echo "# figure: stale stat right after a write: $stale of 30" >&3
	assert_equal "$stale" 0
	run within "$NS" cat "$MP"
	assert_output "$(cat "$BACKING/$NS.conf")"
	assert_output --partial "search $(domain 30)"
}

# rename_then_look [DAEMON ARGS...]: 2,000 times in NS, a new file renamed
# over NS's backing file beside the mount (as a DNS manager replaces its
# file), then stat and read through the mount at once, by the same
# thread: no polling, no answer of the file before
rename_then_look() {
	"$RCFS_STRESS_BIN" gen "$NS" 0 > "$BACKING/$NS.conf"
	rcfs_start_daemon "$@" -d "$DEFAULT" "$BACKING" "$MP"
	seen "$NS" > /dev/null
	run "$RCFS_STRESS_BIN" rename -n 2000 "$MP" "$BACKING/$NS.conf" \
		"/run/netns/$NS" "$NS"
	rcfs_figure "renamed beside the mount, then stat and read at once${1:+ ($1)}: $output"
	assert_success
	assert_output "renames=2000 stale_stat=0 stale_read=0 errors=0"
}

@test "a file renamed over beside the mount is what the very next stat and read show, 2,000 of 2,000" {
	rename_then_look
}

@test "--no-bpf: a file renamed over beside the mount is what the very next stat and read show, 2,000 of 2,000" {
	rename_then_look --no-bpf
}

# ---- what no event shows -------------------------------------------------

# hard_link_elsewhere N: NS's backing file (nameserver 10.N.0.1) with a
# second name in a directory nobody watches; the daemon started and its
# answer kept
hard_link_elsewhere() {
	mkdir "$RCFS_TMP/unwatched"
	printf 'nameserver 10.%d.0.1\n' "$1" > "$BACKING/$NS.conf"
	ln "$BACKING/$NS.conf" "$RCFS_TMP/unwatched/link"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	assert_follows "$NS" "$BACKING/$NS.conf"
}

# assert_refreshed N: a write through the other name, which inotify
# reports only to watches on that name's directory (there are none), is
# seen by stat and cat within 15 s
assert_refreshed() {
	local want deadline
	printf 'nameserver 10.%d.0.2\n# a longer file\n' "$1" \
		>> "$RCFS_TMP/unwatched/link"
	want=$(real "$BACKING/$NS.conf")
	deadline=$((SECONDS + 15))
	until [ "$(seen "$NS")" = "$want" ]; do
		[ $SECONDS -lt $deadline ] || break
		sleep 0.2
	done
	run seen "$NS"
	assert_output "$want"
	run within "$NS" cat "$MP"
	assert_output --partial "nameserver 10.$1.0.2"
}

@test "a backing file written through a hard link outside the watched directories is seen after the refresh" {
	hard_link_elsewhere 96
	assert_refreshed 96
}

@test "the refresh comes even while another file in a watched directory changes all the time" {
	hard_link_elsewhere 97
	# a neighbour of the default file, rewritten five times a second:
	# each write wakes the watch, and none of them matters
	while :; do date > "$RCFS_TMP/neighbour"; sleep 0.2; done 3>&- &
	rcfs_track_pid $!
	assert_refreshed 97
}
