#!/usr/bin/env bats
# Writes through the mount replace the namespace's file atomically.

load ../helpers/common

local_setup() {
	rcfs_fixture
	NS=$(rcfs_name a)
	rcfs_ns_add "$NS"
	GEN=$RCFS_TMP/gen.bash
	# Version I of the file: "# begin I", I % 7 + 1 nameserver lines,
	# "# end I"; versions differ in length, so a cut anywhere shows.
	cat > "$GEN" <<'EOF'
# gen_into VAR I: version I into VAR, without a fork
gen_into() {
	local -n out=$1
	local i=$2 k
	out="# begin $i"$'\n'
	for ((k = 0; k <= i % 7; k++)); do
		out+="nameserver 10.40.$((i % 250)).$k"$'\n'
	done
	out+="# end $i"$'\n'
}

# gen I: version I on stdout, one write(2) per line, as an editor
# writes in pieces
gen() {
	local v line
	gen_into v "$1"
	while IFS= read -r line; do
		echo "$line"
	done <<< "${v%$'\n'}"
}

# reader FILE STOPFILE: open, read, close FILE and compare with the
# version its first line names, until STOPFILE exists
reader() {
	local mp=$1 stop=$2 reads=0 bad=0 seen=0 last= c g want done=
	while :; do
		[ -e "$stop" ] && done=1
		c=
		IFS= read -r -d '' c < "$mp"
		reads=$((reads + 1))
		g=${c%%$'\n'*}
		g=${g#"# begin "}
		want=
		[[ $g =~ ^[0-9]+$ ]] && gen_into want "$g"
		if [ -z "$want" ] || [ "$c" != "$want" ]; then
			bad=$((bad + 1))
			printf 'bad read %d: %q\n' "$reads" "$c" >&2
		elif [ "$g" != "$last" ]; then
			seen=$((seen + 1))
			last=$g
		fi
		[ -n "$done" ] && break
	done
	echo "reads=$reads bad=$bad versions=$seen"
}

# writer FILE FIRST LAST: write versions FIRST..LAST through FILE
writer() {
	local i
	for ((i = $2; i <= $3; i++)); do
		gen "$i" > "$1" || return 1
	done
}
EOF
}

# gen_run FUNCTION ARGS...: run a function of $GEN in the namespace
gen_run() {
	in_ns "$NS" bash -c '. "$0"; "$@"' "$GEN" "$@"
}

@test "a reader in the namespace never sees an empty or partial file during 300 rewrites" {
	local writes=300 reader out reads bad versions want
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	gen_run writer "$MP" 0 0

	gen_run reader "$MP" "$RCFS_TMP/stop" > "$RCFS_TMP/reader.out" \
		2> "$RCFS_TMP/reader.err" 3>&- &
	reader=$!
	rcfs_track_pid "$reader"
	run gen_run writer "$MP" 1 "$writes"
	assert_success
	touch "$RCFS_TMP/stop"
	# a failed wait must not end the test before the figures are out
	local rstatus=0
	wait "$reader" || rstatus=$?

	out=$(cat "$RCFS_TMP/reader.out")
	echo "# $out writes=$writes" >&3
	head -5 "$RCFS_TMP/reader.err"
	assert_equal "$rstatus" 0
	reads=$(sed -n 's/.*reads=\([0-9]*\).*/\1/p' <<< "$out")
	bad=$(sed -n 's/.*bad=\([0-9]*\).*/\1/p' <<< "$out")
	versions=$(sed -n 's/.*versions=\([0-9]*\).*/\1/p' <<< "$out")
	assert_equal "$bad" 0
	# the reader ran while the writer did
	[ "$reads" -ge 20 ]
	[ "$versions" -ge 3 ]
	# the last version is the file, whole; the default is untouched
	want=$(bash -c '. "$0"; gen "$1"' "$GEN" "$writes")
	run cat "$BACKING/$NS.conf"
	assert_output "$want"
	run in_ns "$NS" cat "$MP"
	assert_output "$want"
	run cat "$DEFAULT"
	assert_output "$(printf 'nameserver 198.51.100.1\n# default')"
}

@test "no temporary file is left beside the namespace's file" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	local i
	for i in 1 2 3 4 5; do
		in_ns "$NS" sh -c "echo 'nameserver 10.41.0.$i' > '$MP'"
	done
	run rcfs_files "$BACKING"
	assert_output "./$NS.conf"
	run cat "$BACKING/$NS.conf"
	assert_output 'nameserver 10.41.0.5'
}

@test "a full disk fails the writer and keeps the old content" {
	local small=$RCFS_TMP/small
	mkdir "$small"
	mount -t tmpfs -o size=64k rcfs-small "$small"
	rcfs_track_mount "$small"
	printf 'nameserver 10.42.0.1\n' > "$small/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$small" "$MP"
	run in_ns "$NS" sh -c "head -c 300000 /dev/zero | tr '\\0' x > '$MP'"
	assert_failure
	assert_output --partial 'No space left on device'
	run in_ns "$NS" cat "$MP"
	assert_output 'nameserver 10.42.0.1'
	run cat "$small/$NS.conf"
	assert_output 'nameserver 10.42.0.1'
	run rcfs_files "$small"
	assert_output "./$NS.conf"
}

@test "an open with O_TRUNC and no write publishes an empty file at its release" {
	printf 'nameserver 10.43.0.1\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	in_ns "$NS" sh -c ": > '$MP'"
	# release, which publishes it, is asynchronous to close(2)
	local deadline=$((SECONDS + 10))
	while [ -s "$BACKING/$NS.conf" ]; do
		[ $SECONDS -lt $deadline ] || fail "the file was not emptied"
		sleep 0.02
	done
	run in_ns "$NS" stat -c %s "$MP"
	assert_output 0
}
