#!/usr/bin/env bats
# A namespace's new content is published once, when its writer is done:
# never at the close of a copy of the descriptor that a child inherited.
# A shell script that writes its file in two steps, running commands in
# between, is the common case.

load ../helpers/common
load ../helpers/writes

local_setup() {
	rcfs_fixture_ns NS
}

# two_step WANTOLD: in NS, a bash script writes its file in two steps,
# with a child (/bin/true) between them, then waits for us; 200 reads in
# NS meanwhile must all see the content of the file WANTOLD; after the
# script, the whole new content
two_step() {
	local out
	mkfifo "$RCFS_TMP/go"
	in_ns "$NS" bash -c '{
		echo "nameserver 10.160.0.1"
		/bin/true
		touch "$2"
		read -r _ < "$3"
		echo "nameserver 10.160.0.2"
	} > "$1"' _ "$MP" "$RCFS_TMP/ready" "$RCFS_TMP/go" 3>&- &
	local writer=$!
	rcfs_track_pid "$writer"
	wait_for_file "$RCFS_TMP/ready"
	out=$(in_ns "$NS" bash -c "$READ_LOOP" _ "$MP" "$1" 200)
	echo "$out"
	rcfs_figure "reads during the write: ${out%%$'\n'*}"
	echo go > "$RCFS_TMP/go"
	wait "$writer"
	assert_equal "$(figure bad "$out")" 0
	run in_ns "$NS" cat "$MP"
	assert_output "$(printf 'nameserver 10.160.0.1\nnameserver 10.160.0.2')"
	run cat "$BACKING/$NS.conf"
	assert_output "$(printf 'nameserver 10.160.0.1\nnameserver 10.160.0.2')"
}

@test "a script writing in two steps with a child between: readers see the whole old file, then the whole new one" {
	printf 'nameserver 10.160.0.9\n# old\n' > "$BACKING/$NS.conf"
	cp "$BACKING/$NS.conf" "$RCFS_TMP/old"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	two_step "$RCFS_TMP/old"
}

@test "a namespace's first file, written in two steps with a child between, appears whole: readers see the default until then" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	two_step "$DEFAULT"
}

@test "a writer's own close publishes: the new file is there when close(2) returns, while a child still holds a copy" {
	printf 'nameserver 10.160.0.9\n# old\n' > "$BACKING/$NS.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run in_ns "$NS" "$RCFS_FDOPS" open:wt:"$MP" write:'nameserver 10.160.0.3' \
		hold:"$RCFS_TMP/child-go" close
	touch "$RCFS_TMP/child-go"
	assert_success
	run cat "$BACKING/$NS.conf"
	assert_output 'nameserver 10.160.0.3'
}
