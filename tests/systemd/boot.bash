# Helpers for tests/systemd/boot.bats: a Debian root made by mmdebstrap,
# this build installed in it, booted by systemd-nspawn.  Loaded after
# ../helpers/common.

# What the root holds besides minbase: systemd and what the daemon links,
# procps (/bin/kill, for ExecReload=), man-db (systemd-analyze verify
# checks Documentation=), systemd-resolved (the manager of the service
# test).
BOOT_PACKAGES=systemd,systemd-sysv,dbus,iproute2,fuse3,procps,man-db,systemd-resolved
BOOT_MIRROR=${RCFS_BOOT_MIRROR:-http://deb.debian.org/debian}

# boot_nspawn_usable: systemd-nspawn can start a container here at all
# (a throw-away one of the host's own /usr); else prints why
boot_nspawn_usable() {
	if ! command -v systemd-nspawn >/dev/null; then
		echo "systemd-nspawn is not installed (Debian: systemd-container)"
		return 1
	fi
	local out
	if ! out=$(systemd-nspawn --register=no --keep-unit --quiet -D / \
			--volatile=yes --private-network --pipe -- /bin/true 2>&1); then
		echo "systemd-nspawn cannot run here: $(tail -n 1 <<< "$out")"
		return 1
	fi
}

# boot_build_root DIR: a minbase root of the host's release with
# BOOT_PACKAGES, and this build in it (or RCFS_BOOT_DEB, a package built
# by dpkg-buildpackage, when set).  Sets BOOT_SYSCONF and BOOT_UNIT_IDLE.
boot_build_root() {
	local root=$1 suite
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	# with the host's resolver, not the suite's fixture
	if ! unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift &&
		exec "$@"' - "$RCFS_HOST_RESOLV_CONF" \
		mmdebstrap --quiet --variant=minbase --include="$BOOT_PACKAGES" \
		--aptopt='Acquire::Retries "3"' \
		"$suite" "$root" "$BOOT_MIRROR" > "$root.log" 2>&1; then
		echo "mmdebstrap $suite from $BOOT_MIRROR failed:" >&2
		tail -n 20 "$root.log" >&2
		return 1
	fi
	if [ -n "${RCFS_BOOT_DEB:-}" ]; then
		cp "$RCFS_BOOT_DEB" "$root/tmp/resolvconffs.deb" &&
			chroot "$root" dpkg -i /tmp/resolvconffs.deb >&2 || return 1
		BOOT_SYSCONF=/etc BOOT_UNIT_IDLE=disabled
		return
	fi
	case $(rcfs_make_var prefix)/ in
	/tmp/*)
		# systemd-nspawn mounts a tmpfs there
		echo "the build's prefix is under /tmp, hidden in a container" >&2
		return 1 ;;
	esac
	make -s --no-print-directory -C "$RCFS_BUILD" install \
		DESTDIR="$root" >/dev/null || return 1
	BOOT_SYSCONF=$(rcfs_make_var sysconfdir)
	# a build for another prefix (make distcheck's): put it where
	# mount(8) and systemd look
	local helperdir unitdir
	helperdir=$(rcfs_make_var mounthelperdir)
	unitdir=$(rcfs_make_var systemdsystemunitdir)
	if [ "$helperdir" != /usr/sbin ] && [ "$helperdir" != /sbin ]; then
		ln -s "$helperdir/mount.resolvconffs" "$root/usr/sbin/" &&
		ln -s "$helperdir/mount.fuse.resolvconffs" "$root/usr/sbin/" ||
			return 1
	fi
	# and the man pages where man(1) looks (the unit's Documentation=,
	# which systemd-analyze verify checks)
	local mandir m
	mandir=$(rcfs_make_var mandir)
	if [ "$mandir" != /usr/share/man ]; then
		mkdir -p "$root/usr/share/man/man8" || return 1
		for m in resolvconffs netnsctl mount.resolvconffs; do
			ln -s "$mandir/man8/$m.8" "$root/usr/share/man/man8/" ||
				return 1
		done
	fi
	# what systemctl is-enabled says of a unit installed, not enabled
	BOOT_UNIT_IDLE=disabled
	case $unitdir in
	/lib/systemd/system | /usr/lib/systemd/system | /etc/systemd/system) ;;
	*)
		ln -s "$unitdir/resolvconffs.service" "$root/etc/systemd/system/"
		BOOT_UNIT_IDLE=linked
		;;
	esac
}

# boot_start ROOT: boot it; sets BOOT_NSPAWN (ended at teardown) and
# BOOT_PID1, waits until the boot is over and sets BOOT_STATE to what
# `systemctl is-system-running` says then (running: no unit failed).
boot_start() {
	local root=$1 deadline
	systemd-nspawn --quiet -D "$root" -b --register=no --keep-unit \
		--machine="$(rcfs_name boot)" --bind=/dev/fuse --capability=all \
		--private-network --resolv-conf=off --timezone=off \
		--console=read-only > "$RCFS_TMP/console.log" 2>&1 </dev/null &
	BOOT_NSPAWN=$!
	rcfs_track_pid "$BOOT_NSPAWN"
	deadline=$((SECONDS + 60))
	until BOOT_PID1=$(pgrep -P "$BOOT_NSPAWN" -x systemd); do
		if [ $SECONDS -ge $deadline ] || ! kill -0 "$BOOT_NSPAWN" 2>/dev/null; then
			echo "the container's systemd did not start:" >&2
			cat "$RCFS_TMP/console.log" >&2
			return 1
		fi
		sleep 0.1
	done
	# systemctl needs the manager's socket
	until in_root test -S /run/systemd/private; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
	# (exits non-zero unless "running")
	BOOT_STATE=$(in_root timeout 300 systemctl is-system-running --wait) ||
		true
}

# in_root CMD...: run CMD in the booted container
in_root() {
	nsenter -t "$BOOT_PID1" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 "$@"
}

# boot_stop: power it off, and wait for systemd-nspawn to exit
boot_stop() {
	in_root systemctl poweroff --no-block || return 1
	rcfs_wait_gone "$BOOT_NSPAWN" 120
}

# boot_explain UNIT...: what went wrong, for a failed assertion
boot_explain() {
	in_root systemctl --no-pager --failed || true
	in_root systemctl --no-pager status "$@" || true
	in_root journalctl --no-pager -b -n 60 || true
}
