#!/usr/bin/env bats
# make install DESTDIR=…: every file where its program, shell or service
# manager looks for it, nothing else, and uninstall takes it all away
# again.

load ../helpers/common

local_setup() {
	ROOT=$RCFS_TMP/root
}

# make_var NAME: a variable of the build's Makefile, with prefix=/usr
# (as install_tree installs)
make_var() {
	rcfs_make_var "$1" prefix=/usr
}

install_tree() {
	make -s --no-print-directory -C "$RCFS_BUILD" install DESTDIR="$ROOT" prefix=/usr >/dev/null
}

# the installed files and links, relative to $ROOT, sorted
installed() {
	(cd "$ROOT" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
}

@test "make install puts binaries, man pages, completions and the service where they are looked for" {
	install_tree
	local sbin helper man bash zsh fish keeper unitdir sysconf
	sbin=$(make_var sbindir)
	keeper=$(make_var pkglibexecdir)
	helper=$(make_var mounthelperdir)
	man=$(make_var man8dir)
	bash=$(make_var BASH_COMPLETION_DIR)
	zsh=$(make_var ZSH_COMPLETION_DIR)
	fish=$(make_var FISH_COMPLETION_DIR)
	unitdir=$(make_var systemdsystemunitdir)
	sysconf=$(make_var sysconfdir)
	assert_equal "$sbin" /usr/sbin
	assert_equal "$helper" /usr/sbin	# where mount(8) finds /sbin/mount.TYPE
	assert_regex "$bash" '/bash-completion/completions$'
	assert_regex "$unitdir" '/lib/systemd/system$'
	run installed
	assert_output "$(printf '%s\n' \
		"${sbin#/}/netnsctl" \
		"${sbin#/}/resolvconffs" \
		"${keeper#/}/resolvconffs-keeper" \
		"${helper#/}/mount.resolvconffs" \
		"${helper#/}/mount.fuse.resolvconffs" \
		"${man#/}/mount.resolvconffs.8" \
		"${man#/}/netnsctl.8" \
		"${man#/}/resolvconffs.8" \
		"${bash#/}/mount.fuse.resolvconffs" \
		"${bash#/}/mount.resolvconffs" \
		"${bash#/}/netnsctl" \
		"${bash#/}/resolvconffs" \
		"${zsh#/}/_netnsctl" \
		"${zsh#/}/_resolvconffs" \
		"${fish#/}/mount.fuse.resolvconffs.fish" \
		"${fish#/}/mount.resolvconffs.fish" \
		"${fish#/}/netnsctl.fish" \
		"${fish#/}/resolvconffs.fish" \
		"${unitdir#/}/resolvconffs.service" \
		"${sysconf#/}/default/resolvconffs" \
		"$(make_var pkgdatadir | sed 's|^/||')/resolvconf.conf" | sort)"
	assert_file_executable "$ROOT$helper/mount.resolvconffs"
	assert_file_executable "$ROOT$sbin/resolvconffs"
	assert_file_executable "$ROOT$sbin/netnsctl"
	# the daemon's keeper, where the installed daemon looks for it
	assert_equal "$keeper" /usr/libexec/resolvconffs
	assert_file_executable "$ROOT$keeper/resolvconffs-keeper"
	# mount(8) runs mount.fuse.resolvconffs for type fuse.resolvconffs
	assert_equal "$(readlink "$ROOT$helper/mount.fuse.resolvconffs")" mount.resolvconffs
	# bash-completion and fish load a command's completion by its name
	assert_equal "$(readlink "$ROOT$bash/mount.resolvconffs")" resolvconffs
	assert_equal "$(readlink "$ROOT$bash/mount.fuse.resolvconffs")" resolvconffs
	assert_equal "$(readlink "$ROOT$fish/mount.fuse.resolvconffs.fish")" mount.resolvconffs.fish
}

@test "the installed service runs the installed daemon with the installed settings" {
	install_tree
	local unit sbin sysconf
	unit=$ROOT$(make_var systemdsystemunitdir)/resolvconffs.service
	# the paths the unit was built with (make install's prefix= moves
	# files, not what they say)
	sbin=$(rcfs_make_var sbindir)
	sysconf=$(rcfs_make_var sysconfdir)
	assert_file_contains "$unit" "^ExecStart=$sbin/resolvconffs \\\$OPTIONS \\\${BACKING_DIR} \\\${MOUNTPOINT}\$"
	assert_file_contains "$unit" "^EnvironmentFile=-$sysconf/default/resolvconffs\$"
	# every setting the unit reads is in the settings file, and the
	# settings file sets nothing the unit does not read
	run sed -n 's/^\([A-Z_]*\)=.*/\1/p' "$ROOT$(make_var sysconfdir)/default/resolvconffs"
	assert_output "$(printf '%s\n' BACKING_DIR MOUNTPOINT OPTIONS)"
	run sed -n 's/^Environment="\{0,1\}\([A-Z_]*\)=.*/\1/p' "$unit"
	assert_output "$(printf '%s\n' BACKING_DIR MOUNTPOINT OPTIONS)"
}

@test "make install keeps an edited settings file" {
	install_tree
	local settings
	settings=$ROOT$(make_var sysconfdir)/default/resolvconffs
	echo 'OPTIONS="-d /run/resolvconf/resolv.conf"' >> "$settings"
	cp "$settings" "$RCFS_TMP/edited"
	install_tree
	assert_equal "$(cat "$settings")" "$(cat "$RCFS_TMP/edited")"
}

@test "the installed helper runs the daemon by its configured path, not PATH" {
	install_tree
	local sbin
	sbin=$(printf 'print-%%:\n\t@echo $($*)\n' |
		make -s --no-print-directory -C "$RCFS_BUILD" -f Makefile -f - print-sbindir)
	run env -u RESOLVCONFFS_DAEMON PATH=/nonexistent \
		"$ROOT/usr/sbin/mount.resolvconffs" -fv /srv/backing /etc/resolv.conf -o nofail,ro
	assert_success
	assert_output "mount.resolvconffs: would run $sbin/resolvconffs -o ro --detach -- /srv/backing /etc/resolv.conf"
}

@test "the installed man pages are well-formed" {
	install_tree
	local page
	for page in resolvconffs mount.resolvconffs netnsctl; do
		run env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l \
			"$ROOT/usr/share/man/man8/$page.8"
		assert_success
		assert_line --partial "$page"
		refute_output --partial 'warning:'
	done
}

@test "make uninstall leaves nothing behind" {
	install_tree
	run installed
	refute_output ''
	make -s --no-print-directory -C "$RCFS_BUILD" uninstall DESTDIR="$ROOT" prefix=/usr >/dev/null
	run installed
	assert_output ''
}
