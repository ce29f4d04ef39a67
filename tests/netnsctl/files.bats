#!/usr/bin/env bats
# The files resolvconffs serves, through netnsctl, against a real daemon
# mounted over a scratch file: path, show, set, edit, rm, prune, status.

bats_require_minimum_version 1.5.0
load ../helpers/common

local_setup() {
	NS=$(rcfs_name ns)
	rcfs_ns_add "$NS"
	BACK="$RCFS_TMP/back"
	MP="$RCFS_TMP/resolv.conf"
	DEF="$RCFS_TMP/default.conf"
	mkdir "$BACK"
	echo "nameserver 192.0.2.1" >"$MP"
	printf 'nameserver 198.51.100.53\nsearch default.example\n' >"$DEF"
	rcfs_start_daemon -d "$DEF" "$BACK" "$MP"
	# every command below finds the daemon through --mount
	ctl() { "$NETNSCTL" --mount "$MP" "$@"; }
}

# what a process in namespace NS reads through the mount
read_in() {
	nsenter --net="/run/netns/$1" cat "$MP"
}


# an editor that runs the sed script in $1 on its file
make_editor() {
	printf '#!/bin/sh\nsed -i %q "$1"\n' "$1" >"$RCFS_TMP/editor"
	chmod +x "$RCFS_TMP/editor"
}

@test "path is the file the daemon serves to the namespace" {
	run ctl path "$NS"
	assert_success
	assert_output "$BACK/$NS.conf"
	echo "nameserver 203.0.113.7" >"$output"
	assert_equal "$(read_in "$NS")" "nameserver 203.0.113.7"
}

@test "path of an anonymous namespace uses its inode" {
	ANON_PID=$(rcfs_anon_ns)
	# tracked here: the helper runs in a subshell
	rcfs_track_pid "$ANON_PID"
	ino=$(stat -L -c %i /proc/$ANON_PID/ns/net)
	run ctl path pid "$ANON_PID"
	assert_success
	assert_output "$BACK/$ino.conf"
	echo "nameserver 203.0.113.8" >"$output"
	assert_equal "$(nsenter --net=/proc/$ANON_PID/ns/net cat "$MP")" "nameserver 203.0.113.8"
}

@test "path finds the daemon's layout and extension by itself" {
	rcfs_stop_daemon
	rcfs_start_daemon -l dir -p '' "$BACK" "$MP"
	run ctl path "$NS"
	assert_success
	assert_output "$BACK/$NS/resolv.conf"
	mkdir "$BACK/$NS"
	echo "nameserver 203.0.113.9" >"$output"
	assert_equal "$(read_in "$NS")" "nameserver 203.0.113.9"
}

@test "flags give the settings when no daemon runs" {
	run "$NETNSCTL" --backing-dir "$RCFS_TMP/other" --extension txt --mount "$RCFS_TMP/none" path "$NS"
	assert_failure 1
	rcfs_stop_daemon
	run --separate-stderr "$NETNSCTL" --backing-dir "$RCFS_TMP/other" path "$NS"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: Cannot open backing directory \"$RCFS_TMP/other\": No such file or directory"
	mkdir "$RCFS_TMP/other"
	run "$NETNSCTL" --backing-dir "$RCFS_TMP/other" --netns-dir /run/netns --extension txt path "$NS"
	assert_success
	assert_output "$RCFS_TMP/other/$NS.txt"
	run "$NETNSCTL" -b "$RCFS_TMP/other" -l dir path "$NS"
	assert_success
	assert_output "$RCFS_TMP/other/$NS/resolv.conf"
}

@test "list tells which namespaces have their own file" {
	ctl set "$NS" nameserver 203.0.113.10
	ANON_PID=$(rcfs_anon_ns)
	# tracked here: the helper runs in a subshell
	rcfs_track_pid "$ANON_PID"
	ino=$(stat -L -c %i /proc/$ANON_PID/ns/net)
	run ctl -j list
	assert_success
	assert_equal "$(jq -r --arg n "$NS" '.netns[] | select(.name == $n) | .file' <<<"$output")" own
	assert_equal "$(jq -c --arg n "$NS" '.netns[] | select(.name == $n) | .nameservers' <<<"$output")" '["203.0.113.10"]'
	assert_equal "$(jq -r --argjson i "$ino" '.netns[] | select(.inode == $i) | .file' <<<"$output")" default
	assert_equal "$(jq -r --argjson i "$(stat -L -c %i /proc/self/ns/net)" '.netns[] | select(.inode == $i) | .file' <<<"$output")" host
}

@test "show prints what the namespace sees, and its interfaces" {
	ip -n "$NS" link set lo up
	run ctl show "$NS"
	assert_success
	assert_line "FILE:        default"
	assert_line "PATH:        $DEF"
	assert_line "    nameserver 198.51.100.53"
	assert_line --regexp '^ +1 lo +UNKNOWN +127\.0\.0\.1/8,::1/128$'
	run ctl -j show "$NS"
	assert_success
	assert_equal "$(jq -r '.netns[0].content' <<<"$output")" "$(read_in "$NS")"
	assert_equal "$(jq -c '.netns[0].nameservers' <<<"$output")" '["198.51.100.53"]'
	assert_equal "$(jq -c '.interfaces[] | select(.ifname == "lo") | .addresses' <<<"$output")" '["127.0.0.1/8","::1/128"]'
}

@test "set writes the namespace's file and keeps other lines" {
	run ctl set "$NS" nameserver 203.0.113.1 2001:db8::1 fe80::1%lo options ndots:2 rotate
	assert_success
	assert_equal "$(read_in "$NS")" "$(printf 'search default.example\nnameserver 203.0.113.1\nnameserver 2001:db8::1\nnameserver fe80::1%%lo\noptions ndots:2 rotate')"
	run ctl set "$NS" search a.example b.example
	assert_success
	assert_equal "$(grep -c nameserver "$BACK/$NS.conf")" 3
	assert_equal "$(grep ^search "$BACK/$NS.conf")" "search a.example b.example"
}

@test "set keeps the old file's owner and mode and replaces it atomically" {
	ctl set "$NS" nameserver 203.0.113.1
	chown 123:456 "$BACK/$NS.conf"
	chmod 0640 "$BACK/$NS.conf"
	old_ino=$(stat -c %i "$BACK/$NS.conf")
	run ctl set "$NS" nameserver 203.0.113.2
	assert_success
	assert_equal "$(stat -c '%u:%g %a' "$BACK/$NS.conf")" "123:456 640"
	[[ $(stat -c %i "$BACK/$NS.conf") != "$old_ino" ]]
}

@test "set writes nothing when nothing changes" {
	ctl set "$NS" nameserver 203.0.113.1
	before=$(stat -c '%i %Y.%y' "$BACK/$NS.conf")
	sleep 0.01
	run ctl set "$NS" nameserver 203.0.113.1
	assert_success
	assert_equal "$(stat -c '%i %Y.%y' "$BACK/$NS.conf")" "$before"
}

@test "set refuses an invalid address and writes nothing" {
	run --separate-stderr ctl set "$NS" nameserver 300.1.2.3
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: $NS:2: invalid nameserver address \"300.1.2.3\""
	assert_equal "${stderr_lines[1]}" "netnsctl: Not saved: the file of network namespace \"$NS\" is unchanged"
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "set refuses more nameservers than glibc uses" {
	run --separate-stderr ctl set "$NS" nameserver 192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: $NS:5: more than 3 nameservers: glibc uses only the first 3"
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "set refuses more than 6 search domains and unknown options" {
	run ctl set "$NS" search a b c d e f g
	assert_failure 1
	assert_output --partial "more than 6 search domains"
	run --separate-stderr ctl set "$NS" options ndots:x
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: $NS:3: unknown option \"ndots:x\""
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "set with a bad keyword is a usage error" {
	run --separate-stderr ctl set "$NS" dns 192.0.2.1
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: Unknown keyword "dns": expected nameserver, search or options'
}

@test "set on the host's namespace is refused" {
	run --separate-stderr ctl set pid $$ nameserver 192.0.2.9
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: Network namespace \"pid $$\" is the host's: it sees $MP, not a file in $BACK"
	assert_equal "$(cat "$MP")" "nameserver 192.0.2.1"
}

@test "edit creates the file from the default" {
	make_editor 's/198.51.100.53/203.0.113.53/'
	EDITOR="$RCFS_TMP/editor" VISUAL= run ctl edit "$NS" </dev/null
	assert_success
	assert_equal "$(read_in "$NS")" "$(printf 'nameserver 203.0.113.53\nsearch default.example')"
	assert_equal "$(stat -c '%u:%g %a' "$BACK/$NS.conf")" "0:0 644"
}

@test "edit changes an existing file and VISUAL wins over EDITOR" {
	ctl set "$NS" nameserver 203.0.113.1
	make_editor 's/203.0.113.1/203.0.113.2/'
	VISUAL="$RCFS_TMP/editor" EDITOR=false run ctl edit "$NS" </dev/null
	assert_success
	assert_equal "$(read_in "$NS")" "$(printf 'search default.example\nnameserver 203.0.113.2')"
}

@test "edit writes nothing when the content is unchanged" {
	ctl set "$NS" nameserver 203.0.113.1
	before=$(stat -c '%i %y' "$BACK/$NS.conf")
	EDITOR=true run ctl edit "$NS" </dev/null
	assert_success
	assert_equal "$(stat -c '%i %y' "$BACK/$NS.conf")" "$before"
	EDITOR=true run ctl edit "$NS-none" </dev/null
	assert_failure 1
}

@test "edit of an untouched default writes nothing" {
	EDITOR=true run ctl edit "$NS" </dev/null
	assert_success
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "edit without a terminal rejects an invalid nameserver and writes nothing" {
	make_editor 's/198.51.100.53/not-an-address/'
	EDITOR="$RCFS_TMP/editor" run --separate-stderr ctl edit "$NS" </dev/null
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: $NS:1: invalid nameserver address \"not-an-address\""
	assert_equal "${stderr_lines[1]}" "netnsctl: Not saved: the file of network namespace \"$NS\" is unchanged"
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "edit on a terminal asks, and Q saves anyway" {
	command -v script >/dev/null || skip "script(1) is not installed"
	make_editor 's/198.51.100.53/not-an-address/'
	printf 'Q\n' | EDITOR="$RCFS_TMP/editor" script -qec "$(printf '%q ' "$NETNSCTL" --mount "$MP" edit "$NS")" /dev/null >"$RCFS_TMP/out"
	grep -q "What now?" "$RCFS_TMP/out"
	assert_equal "$(head -1 "$BACK/$NS.conf")" "nameserver not-an-address"
}

@test "edit on a terminal asks, and x discards" {
	command -v script >/dev/null || skip "script(1) is not installed"
	make_editor 's/198.51.100.53/not-an-address/'
	run bash -c "printf 'x\n' | EDITOR=$RCFS_TMP/editor script -qec '$NETNSCTL --mount $MP edit $NS' /dev/null"
	assert_output --partial "What now?"
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "edit fails when the editor fails, writing nothing" {
	run --separate-stderr env EDITOR=false "$NETNSCTL" --mount "$MP" edit "$NS" </dev/null
	assert_failure 1
	assert_equal "${stderr_lines[0]}" 'netnsctl: Editor "false" failed (exit status 1): nothing saved'
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "rm removes the own file and the namespace sees the default again" {
	ctl set "$NS" nameserver 203.0.113.1
	run ctl rm "$NS"
	assert_success
	assert_file_not_exists "$BACK/$NS.conf"
	assert_equal "$(read_in "$NS")" "$(cat "$DEF")"
	run --separate-stderr ctl rm "$NS"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: Network namespace \"$NS\" has no file of its own"
}

@test "prune --dry-run lists, prune removes, only gone anonymous namespaces" {
	ANON_PID=$(rcfs_anon_ns)
	# tracked here: the helper runs in a subshell
	rcfs_track_pid "$ANON_PID"
	live=$(stat -L -c %i /proc/$ANON_PID/ns/net)
	echo "nameserver 192.0.2.1" >"$BACK/$live.conf"
	echo "nameserver 192.0.2.2" >"$BACK/$NS.conf"
	# a namespace that existed and is gone: its inode is free now
	unshare -n sh -c 'stat -L -c %i /proc/self/ns/net' >"$RCFS_TMP/gone"
	gone=$(cat "$RCFS_TMP/gone")
	echo "nameserver 192.0.2.3" >"$BACK/$gone.conf"
	run ctl -j prune --dry-run
	assert_success
	assert_equal "$(jq -c '[.prune[] | [.key, .action]]' <<<"$output")" "[[$gone,\"would remove\"]]"
	assert_file_exists "$BACK/$gone.conf"
	run ctl prune
	assert_success
	assert_file_not_exists "$BACK/$gone.conf"
	assert_file_exists "$BACK/$live.conf"
	assert_file_exists "$BACK/$NS.conf"
}

@test "prune with a bad argument is a usage error" {
	run --separate-stderr ctl prune --now
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" 'netnsctl: Unknown argument "--now" for "prune"'
}

@test "status reports the mount and its settings" {
	run ctl -j status
	assert_success
	row=$(jq -c --arg m "$MP" '.mounts[] | select(.mountpoint == $m)' <<<"$output")
	assert_equal "$(jq -r .backing <<<"$row")" "$BACK"
	assert_equal "$(jq -r .default <<<"$row")" "$DEF"
	assert_equal "$(jq -r .layout <<<"$row")" flat
	assert_equal "$(jq -r '."host-kind"' <<<"$row")" original
	assert_equal "$(jq .pid <<<"$row")" "$RCFS_DAEMON_PID"
	assert_equal "$(jq -c .warnings <<<"$row")" '[]'
	run ctl status
	assert_success
	assert_line "MOUNTPOINT:  $MP"
	assert_line "BACKING:     $BACK"
}

@test "status warns about a loopback-only default" {
	echo "nameserver 127.0.0.53" >"$DEF"
	run ctl -j status
	assert_success
	jq -e '.mounts[0].warnings[] | select(test("lists only loopback nameservers"))' <<<"$output"
}

@test "set and edit check IPv6 scopes and IPv4 without one" {
	run ctl set "$NS" nameserver fe80::1%2 2001:db8::53
	assert_success
	run --separate-stderr ctl set "$NS" nameserver 192.0.2.1%eth0
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: $NS:2: invalid nameserver address \"192.0.2.1%eth0\""
	run --separate-stderr ctl set "$NS" nameserver fe80::1%
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: $NS:2: invalid nameserver address \"fe80::1%\""
}

@test "edit rejects a line glibc would ignore" {
	make_editor 's/^nameserver/ nameserver/'
	EDITOR="$RCFS_TMP/editor" run --separate-stderr ctl edit "$NS" </dev/null
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "netnsctl: $NS:1: line starts with a blank: glibc ignores it"
	assert_file_not_exists "$BACK/$NS.conf"
}

@test "edit does not overwrite a file changed while it was being edited" {
	ctl set "$NS" nameserver 203.0.113.1
	printf '#!/bin/sh\necho "nameserver 203.0.113.99" >%q\nsed -i s/203.0.113.1/203.0.113.2/ "$1"\n' \
		"$BACK/$NS.conf" >"$RCFS_TMP/editor"
	chmod +x "$RCFS_TMP/editor"
	EDITOR="$RCFS_TMP/editor" run --separate-stderr ctl edit "$NS" </dev/null
	assert_failure 1
	[[ "${stderr_lines[0]}" == "netnsctl: \"$BACK/$NS.conf\" changed while you edited it: not saved, your version is in /"*"/resolv.conf" ]]
	assert_equal "$(cat "$BACK/$NS.conf")" "nameserver 203.0.113.99"
	# the user's version is kept where the message says
	kept=${stderr_lines[0]##* is in }
	grep -q 203.0.113.2 "$kept"
	rm -r "$(dirname "$kept")"
}

@test "the dir layout: set creates the namespace's directory, rm removes it" {
	rcfs_stop_daemon
	rcfs_start_daemon -l dir "$BACK" "$MP"
	run ctl set "$NS" nameserver 203.0.113.4
	assert_success
	assert_file_exists "$BACK/$NS/resolv.conf"
	assert_equal "$(read_in "$NS")" "nameserver 203.0.113.4"
	run ctl rm "$NS"
	assert_success
	assert_not_exists "$BACK/$NS"
}
