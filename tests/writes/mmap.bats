#!/usr/bin/env bats
# Memory maps: the file is opened with direct_io, yet the kernel serves a
# private mapping (MAP_PRIVATE) from the page cache of the mount's one
# inode, which every namespace shares.  A mapping in one namespace must
# never show another namespace's content: it shows the caller's own
# content, or mmap fails, or reading it raises SIGBUS.

load ../helpers/common
load ../helpers/security

local_setup() {
	rcfs_fixture_ns NS1 NS2
	# the same length: another namespace's content shows as other
	# bytes, not as a fault past the end
	printf 'nameserver 10.165.0.1\n# first namespace\n' > "$BACKING/$NS1.conf"
	printf 'nameserver 10.165.0.2\n# other namespace\n' > "$BACKING/$NS2.conf"
}

@test "private maps of the file in two namespaces at once never show the other namespace's content" {
	local secs=5 min=300 out1 out2 n
	rcfs_stress_full && secs=30 min=3000
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	in_ns "$NS1" "$RCFS_RACE" mmap -s "$secs" -n "$min" "$MP" \
		"$BACKING/$NS1.conf" > "$RCFS_TMP/1.out" 2>&1 &
	local m1=$!
	rcfs_track_pid "$m1"
	in_ns "$NS2" "$RCFS_RACE" mmap -s "$secs" -n "$min" "$MP" \
		"$BACKING/$NS2.conf" > "$RCFS_TMP/2.out" 2>&1 &
	local m2=$!
	rcfs_track_pid "$m2"
	# a failed wait must not end the test before the figures are out
	local s1=0 s2=0
	wait "$m1" || s1=$?
	wait "$m2" || s2=$?
	out1=$(cat "$RCFS_TMP/1.out")
	out2=$(cat "$RCFS_TMP/2.out")
	rcfs_figure "first namespace: $out1"
	rcfs_figure "second namespace: $out2"
	assert_equal "$s1" 0
	assert_equal "$s2" 0
	for out in "$out1" "$out2"; do
		n=$(figure maps "$out")
		[ "$n" -ge "$min" ]
		# the mount was open for each try
		assert_equal "$(figure open_failed "$out")" 0
		assert_equal "$(figure foreign "$out")" 0
		# own + mmap_failed + sigbus account for every map
		assert_equal $(( $(figure own "$out") + $(figure mmap_failed "$out") + $(figure sigbus "$out") )) "$n"
	done
}
