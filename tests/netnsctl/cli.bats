#!/usr/bin/env bats
# netnsctl's grammar: commands, prefixes, help, usage errors, exit codes.

bats_require_minimum_version 1.5.0
load ../helpers/common

@test "help lists every command and exits 0" {
	run "$NETNSCTL" help
	assert_success
	for cmd in list identify resolve pids path show edit set rm prune status resolvconf nsswitch help; do
		assert_output --partial "  $cmd"
	done
}

@test "no command prints the usage on stderr and exits 2" {
	run --separate-stderr "$NETNSCTL"
	assert_equal "$status" 2
	assert_equal "$output" ""
	[[ "$stderr" == *"Usage: netnsctl"* ]]
}

@test "COMMAND help describes that command" {
	run "$NETNSCTL" set help
	assert_success
	assert_line --index 0 "Usage: netnsctl set NS [nameserver ADDR...] [search DOMAIN...] [options OPT...]"
}

@test "a unique prefix runs the command" {
	run "$NETNSCTL" -j l
	assert_success
	jq -e '.netns | length > 0' <<<"$output"
}

@test "an ambiguous prefix is a usage error listing the candidates" {
	run --separate-stderr "$NETNSCTL" p
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: Ambiguous command "p": pids, path, prune'
}

@test "an unknown command is a usage error" {
	run --separate-stderr "$NETNSCTL" frobnicate
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: Unknown command "frobnicate"'
}

@test "an unknown option is a usage error" {
	run "$NETNSCTL" --no-such-option list
	assert_equal "$status" 2
}

@test "a bad --layout is a usage error" {
	run --separate-stderr "$NETNSCTL" --layout sideways list
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: Invalid layout "sideways"'
}

@test "a missing argument is a usage error" {
	run --separate-stderr "$NETNSCTL" resolve
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: "resolve" needs NAME'
}

@test "too many arguments are a usage error" {
	run --separate-stderr "$NETNSCTL" list extra
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: Too many arguments for "list"'
}

@test "-V prints the package version" {
	run "$NETNSCTL" -V
	assert_success
	version=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' "$BATS_TEST_DIRNAME/../../configure.ac")
	assert_output "netnsctl (resolvconffs) $version"
}

@test "the man page shows every usage line and option of help" {
	man=$(MANWIDTH=200 man -l "$BATS_TEST_DIRNAME/../../man/netnsctl.8" 2>/dev/null | col -b)
	while IFS= read -r line; do
		# "  name ARGS   description" and continuation lines
		usage=$(sed -E 's/^  ([a-z]+( [^ ]+)*)( {2,}.*)?$/\1/' <<<"$line")
		grep -qF "netnsctl $usage" <<<"$man" ||
			fail "man page lacks: netnsctl $usage"
	done < <("$NETNSCTL" help | sed -n '/^Commands:/,/^$/p' | grep -E '^  [a-z]')
	while IFS= read -r opt; do
		grep -qF -- "$opt" <<<"$man" || fail "man page lacks option: $opt"
	done < <("$NETNSCTL" help | grep -oE -- '-[a-zA-Z], --[a-z-]+')
}

@test "a command needing settings fails without a daemon or --backing-dir" {
	run --separate-stderr "$NETNSCTL" --mount "$RCFS_TMP/nothing-mounted" path pid $$
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: No resolvconffs mount on \"$RCFS_TMP/nothing-mounted\""
}

@test "a missing namespace is an error naming it" {
	run --separate-stderr "$NETNSCTL" -b "$RCFS_TMP" path rcfs-no-such-ns
	assert_failure 1
	assert_equal "${stderr_lines[0]}" 'netnsctl: Cannot find network namespace "rcfs-no-such-ns"'
}

@test "an inode that is no namespace is an error" {
	run --separate-stderr "$NETNSCTL" -b "$RCFS_TMP" path 1
	assert_failure 1
	assert_equal "${stderr_lines[0]}" 'netnsctl: Cannot find network namespace "1"'
}

@test "pid of a process that does not exist is an error" {
	run --separate-stderr "$NETNSCTL" -b "$RCFS_TMP" show pid 999999999
	assert_failure 1
	assert_equal "${stderr_lines[0]}" 'netnsctl: Cannot find process 999999999'
}

@test "identify of a non-number is a usage error" {
	run --separate-stderr "$NETNSCTL" identify self
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: Invalid pid "self"'
}

@test "-j -p indents the JSON, -j alone prints one line" {
	run "$NETNSCTL" -j list
	assert_success
	assert_equal "${#lines[@]}" 1
	run "$NETNSCTL" -j -p list
	assert_success
	(( ${#lines[@]} > 3 ))
	jq -e '.netns | length > 0' <<<"$output"
}
