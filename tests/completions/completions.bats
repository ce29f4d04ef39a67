#!/usr/bin/env bats
# Shell completions: bash driven through COMP_WORDS/COMP_CWORD, zsh on a
# pty through its completion system, fish through `complete -C`.

load ../helpers/common

COMPLETIONS=$RCFS_SRC/completions

local_setup() {
	NS1=$(rcfs_name red)
	NS2=$(rcfs_name blue)
	rcfs_ns_add "$NS1" "$NS2"
}

# bash_complete FILE WORDS...: the candidates bash offers for the last
# word (may be ''), sorted, one a line
bash_complete() {
	local file=$1
	shift
	bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		func=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		"$func" "$1" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$COMPLETIONS/bash/$file" "$@"
}

# zsh_complete WORDS: what zsh offers after typing WORDS and Tab
zsh_complete() {
	cat > "$RCFS_TMP/capture.zsh" <<'ZSH'
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
# report every candidate a completion function adds
zpty -w z 'compadd() { local -a __h; builtin compadd -A __h "$@"; (( $#__h )) && print -rl -- "<cand>"${^__h}; builtin compadd "$@"; }'
# type only once the line editor shows its prompt: before, the terminal
# is still in cooked mode and would eat the Tab and the ^U
zpty -w z 'zstyle ":completion:*" menu no; LISTMAX=100000; RPROMPT= PROMPT="<pro""mpt>"'
zpty -r z line '*<prompt>*' || exit 2
zpty -w -n z "$2"$'\t'
zpty -w z $'\C-u print -r -- "<do""ne>"'
while zpty -r z line; do
	line=${line//$'\r'/}
	[[ $line == *'<done>'* ]] && break
	[[ $line == *'<cand>'?* ]] && print -r -- "${line##*<cand>}"
done
zpty -d z
ZSH
	timeout 30 zsh -f "$RCFS_TMP/capture.zsh" "$COMPLETIONS/zsh" "$1" | grep -v '^$' | sort -u
}

# fish_complete FILE LINE: what fish offers for LINE, without descriptions
fish_complete() {
	fish --no-config -c "source $COMPLETIONS/fish/$1; complete -C '$2'" |
		cut -f1 | sort -u
}

@test "bash: netnsctl completes its commands" {
	run bash_complete netnsctl netnsctl ''
	assert_success
	assert_output "$(printf '%s\n' edit help identify list nsswitch path pids prune resolve resolvconf rm set show status | sort)"
}

@test "bash: netnsctl completes its options after -" {
	run bash_complete netnsctl netnsctl --
	assert_output "$(printf -- '--%s\n' backing-dir default-file extension help json layout mount netns-dir pretty version)"
	run bash_complete netnsctl netnsctl -l ''
	assert_output "$(printf '%s\n' dir flat)"
}

@test "bash: netnsctl offers the live namespace names where NS goes" {
	local cmd
	for cmd in show path pids edit rm set; do
		run bash_complete netnsctl netnsctl "$cmd" ''
		assert_line "$NS1"
		assert_line "$NS2"
		assert_line pid
	done
	run bash_complete netnsctl netnsctl show "${NS1%ed}"
	assert_output "$NS1"
	# live: a deleted namespace is gone from the list at once
	ip netns delete "$NS2"
	run bash_complete netnsctl netnsctl -j show ''
	assert_line "$NS1"
	refute_line "$NS2"
}

@test "bash: netnsctl reads names from --netns-dir" {
	mkdir "$RCFS_TMP/names"
	touch "$RCFS_TMP/names/elsewhere"
	run bash_complete netnsctl netnsctl --netns-dir "$RCFS_TMP/names" path ''
	assert_line elsewhere
	refute_line "$NS1"
}

@test "bash: netnsctl completes after a unique prefix, pid, set and prune" {
	run bash_complete netnsctl netnsctl sh ''
	assert_line "$NS1"
	run bash_complete netnsctl netnsctl show pid ''
	assert_line "$$"
	refute_line "$NS1"
	run bash_complete netnsctl netnsctl set "$NS1" ''
	assert_output "$(printf '%s\n' nameserver options search)"
	run bash_complete netnsctl netnsctl set "$NS1" nameserver ''
	assert_output ''
	run bash_complete netnsctl netnsctl prune ''
	assert_output "$(printf '%s\n' --dry-run help)"
	run bash_complete netnsctl netnsctl resolve ''
	assert_line "$NS1"
}

@test "bash: resolvconffs completes options and -o key=value lists" {
	run bash_complete resolvconffs resolvconffs --map
	assert_output --map-host
	run bash_complete resolvconffs resolvconffs --no-
	assert_output --no-bpf
	run bash_complete resolvconffs resolvconffs -o threads=2,no_
	assert_output threads=2,no_bpf
	run bash_complete resolvconffs resolvconffs -o lay
	assert_output layout=
	run bash_complete resolvconffs resolvconffs -o default=/x,layout=
	assert_output "$(printf '%s\n' default=/x,layout=dir default=/x,layout=flat)"
	run bash_complete resolvconffs resolvconffs --layout ''
	assert_output "$(printf '%s\n' dir flat)"
}

@test "bash: resolvconffs completes a directory, then a file" {
	mkdir "$RCFS_TMP/bdir"
	touch "$RCFS_TMP/bfile"
	run bash_complete resolvconffs resolvconffs "$RCFS_TMP/b"
	assert_output "$RCFS_TMP/bdir"
	run bash_complete resolvconffs resolvconffs -d /dev/null "$RCFS_TMP/bdir" "$RCFS_TMP/b"
	assert_line "$RCFS_TMP/bfile"
}

@test "bash: mount.resolvconffs completes types and mount options" {
	run bash_complete resolvconffs mount.resolvconffs -t ''
	assert_output "$(printf '%s\n' fuse.resolvconffs resolvconffs)"
	run bash_complete resolvconffs mount.resolvconffs -o nof
	assert_output nofail
}

@test "bash, zsh, fish: mount.fuse.resolvconffs completes as mount.resolvconffs" {
	run bash_complete resolvconffs mount.fuse.resolvconffs -o nof
	assert_output nofail
	run bash_complete resolvconffs mount.fuse.resolvconffs -t ''
	assert_output "$(printf '%s\n' fuse.resolvconffs resolvconffs)"
	run zsh_complete 'mount.fuse.resolvconffs -t '
	assert_output "$(printf '%s\n' fuse.resolvconffs resolvconffs)"
	run fish_complete mount.resolvconffs.fish 'mount.fuse.resolvconffs -t '
	assert_output "$(printf '%s\n' fuse.resolvconffs resolvconffs)"
}

@test "zsh: the completion functions load without error" {
	run zsh -fc "fpath=($COMPLETIONS/zsh \$fpath); autoload -Uz compinit; compinit -u -D
		autoload +X _netnsctl _resolvconffs && whence -w _netnsctl _resolvconffs"
	assert_success
	assert_output "$(printf '%s\n' '_netnsctl: function' '_resolvconffs: function')"
	run zsh -n "$COMPLETIONS/zsh/_netnsctl"
	assert_success
	run zsh -n "$COMPLETIONS/zsh/_resolvconffs"
	assert_success
}

@test "zsh: netnsctl completes commands and live namespace names" {
	run zsh_complete 'netnsctl '
	assert_line list
	assert_line prune
	assert_line status
	run zsh_complete 'netnsctl show '
	assert_line "$NS1"
	assert_line "$NS2"
	assert_line pid
}

@test "zsh: resolvconffs and mount.resolvconffs complete option values" {
	run zsh_complete 'resolvconffs --layout '
	assert_output "$(printf '%s\n' dir flat)"
	run zsh_complete 'mount.resolvconffs -t '
	assert_output "$(printf '%s\n' fuse.resolvconffs resolvconffs)"
}

@test "fish: the completion files parse" {
	local f
	for f in netnsctl resolvconffs mount.resolvconffs; do
		run fish --no-config -n "$COMPLETIONS/fish/$f.fish"
		assert_success
	done
}

@test "fish: netnsctl completes commands and live namespace names" {
	run fish_complete netnsctl.fish 'netnsctl '
	assert_line list
	assert_line status
	run fish_complete netnsctl.fish 'netnsctl show '
	assert_line "$NS1"
	assert_line "$NS2"
	assert_line pid
	run fish_complete netnsctl.fish "netnsctl set $NS1 "
	assert_output "$(printf '%s\n' nameserver options search)"
}

@test "fish: resolvconffs completes -o lists, mount.resolvconffs its types" {
	run fish_complete resolvconffs.fish 'resolvconffs -o default=/x,lay'
	assert_output "$(printf '%s\n' default=/x,layout=dir default=/x,layout=flat)"
	run fish_complete mount.resolvconffs.fish 'mount.resolvconffs -t '
	assert_output "$(printf '%s\n' fuse.resolvconffs resolvconffs)"
}
