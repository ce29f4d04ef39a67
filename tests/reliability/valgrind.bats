#!/usr/bin/env bats
# The daemon under valgrind for the core reads and writes: no memory
# error, no leak at exit.  Skipped when valgrind is missing or when the
# build carries AddressSanitizer (the two cannot run together).

load ../helpers/common

local_setup() {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	rcfs_sanitized && skip "sanitizer build: valgrind cannot run it"
	rcfs_fixture_ns NS1 NS2
	printf 'nameserver 10.1.1.1\n' > "$BACKING/$NS1.conf"
	RCFS_DAEMON_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --trace-children=yes
		--suppressions=$RCFS_SRC/tests/helpers/valgrind.supp
		--show-leak-kinds=definite,indirect,possible
		--errors-for-leak-kinds=definite,indirect,possible"
}

local_teardown() {
	unset RCFS_DAEMON_WRAPPER
}

@test "under valgrind, reads, writes, truncates and a killed writer leave 0 errors and no leak" {
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" "$MP"
	run cat "$MP"
	assert_output "$(printf 'nameserver 203.0.113.1\n# host')"
	run in_ns "$NS1" cat "$MP"
	assert_output 'nameserver 10.1.1.1'
	run in_ns "$NS2" cat "$MP"
	assert_output "$(cat "$DEFAULT")"
	run in_ns "$NS2" sh -c "echo 'nameserver 10.2.2.2' > '$MP'"
	assert_success
	[ "$(cat "$BACKING/$NS2.conf")" = 'nameserver 10.2.2.2' ]
	run in_ns "$NS2" sh -c "echo 'search example.test' >> '$MP'"
	assert_success
	run in_ns "$NS1" truncate -s 5 "$MP"
	assert_success
	run in_ns "$NS1" stat -c %s "$MP"
	assert_output 5
	run in_ns "$NS1" chmod 640 "$MP"
	assert_success
	run "$RCFS_STRESS_BIN" try -r 5 -b 3000 -f "$MP" "/run/netns/$NS1"
	assert_output --partial "ok=5"
	run "$RCFS_STRESS_BIN" killwrite -r 2 "$MP" "/run/netns/$NS2" "$NS2"
	assert_success
	run "$RCFS_STRESS_BIN" try -r 2 -b $((2 * 1024 * 1024)) "$MP" "/run/netns/$NS1"
	assert_output --partial first_error=EFBIG
	run "$RCFS_STRESS_BIN" read -t 4 -n 400 "$MP" "/run/netns/$NS2:$NS2"
	# not `run`: wait needs the daemon to be this shell's child
	local status=0
	rcfs_stop_daemon || status=$?
	rcfs_figure "valgrind: exit status $status, $(grep -c '^==[0-9]*==' "$RCFS_TMP/daemon.log") report lines"
	if [ "$status" -ne 0 ]; then
		cat "$RCFS_TMP/daemon.log"
	fi
	[ "$status" = 0 ]
	! grep -q '^==[0-9]*==' "$RCFS_TMP/daemon.log"
}
