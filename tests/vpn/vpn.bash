# Helpers for tests/vpn: the tools that set DNS from inside a namespace
# (dhclient, udhcpc, openresolv's resolvconf, WireGuard's wg-quick) and
# the host's resolver caches, unpacked from their Debian packages
# (tests/vpn/fetch-debs, which make check runs) and put where they look
# for their files only inside the suite's private mount namespace.

VPN_DEBS=$RCFS_BUILD/tests/vpn/debs
# the resolvconf.conf namespaces are served (data/resolvconf.conf)
NS_RESOLVCONF_CONF=$RCFS_BUILD/data/resolvconf.conf
# where it runs netnsctl from (the configured sbindir)
VPN_SBIN=$(sed -n 's|^state_dir=\$(\(.*\)/netnsctl resolvconf).*|\1|p' \
	"$NS_RESOLVCONF_CONF" 2>/dev/null)

# vpn_unpack ROOT PKG...: unpack the packages' files into ROOT
vpn_unpack() {
	local root=$1 pkg deb
	shift
	mkdir -p "$root"
	for pkg in "$@"; do
		deb=$(find "$VPN_DEBS" -maxdepth 1 -name "${pkg}_*.deb" 2>/dev/null |
			sort | tail -n 1)
		if [ -z "$deb" ]; then
			echo "no $pkg package in $VPN_DEBS: make check fetches it (tests/vpn/fetch-debs $VPN_DEBS)" >&2
			return 1
		fi
		dpkg-deb -x "$deb" "$root" || return 1
	done
}

# vpn_writable DIR: an overlay over DIR for this test, so that files can
# be added to it (removed with the overlay at teardown)
vpn_writable() {
	local d=$1 o
	o=$RCFS_TMP/overlay$(tr / _ <<<"$d")
	mkdir -p "$o/upper" "$o/work"
	mount -t overlay "rcfs-vpn" \
		-o "lowerdir=$d,upperdir=$o/upper,workdir=$o/work" "$d" || return 1
	rcfs_track_mount "$d"
}

# vpn_openresolv ROOT: openresolv as its package installs it, from ROOT
# (unpacked): /sbin/resolvconf, its subscribers in /lib/resolvconf, the
# host's /etc/resolvconf.conf and dhclient's enter hook; and netnsctl
# where the namespaces' resolvconf.conf runs it.  Undone by
# vpn_openresolv_remove (from local_teardown).
vpn_openresolv() {
	local root=$1
	vpn_writable /usr/sbin || return 1
	cp "$root/sbin/resolvconf" /usr/sbin/resolvconf || return 1
	if [ "$VPN_SBIN" != /usr/sbin ]; then
		# a build for another prefix (make distcheck's) runs its
		# tests before anything is installed there
		mkdir -p "$VPN_SBIN" || return 1
		vpn_writable "$VPN_SBIN" || return 1
	fi
	ln -sf "$NETNSCTL" "$VPN_SBIN/netnsctl" || return 1
	vpn_writable /usr/lib || return 1
	cp -a "$root/lib/resolvconf" /usr/lib/ || return 1
	cp "$root/etc/resolvconf.conf" /etc/resolvconf.conf || return 1
	mkdir -p /etc/dhcp/dhclient-enter-hooks.d
	cp "$root/etc/dhcp/dhclient-enter-hooks.d/resolvconf" \
		/etc/dhcp/dhclient-enter-hooks.d/resolvconf
}

vpn_openresolv_remove() {
	rm -f /etc/resolvconf.conf /etc/dhcp/dhclient-enter-hooks.d/resolvconf
	rm -rf /run/resolvconf /run/netns-resolvconf
}

# vpn_ns_resolvconf: the one documented step, the fstab line of
# docs/vpn.md: namespaces are served data/resolvconf.conf, the host
# keeps its /etc/resolvconf.conf
vpn_ns_resolvconf() {
	mkdir -p /etc/netns
	rcfs_start_daemon -o layout=dir -d "$NS_RESOLVCONF_CONF" \
		/etc/netns /etc/resolvconf.conf
}

# vpn_host_resolv TEXT: the host's /etc/resolv.conf before the mount
vpn_host_resolv() {
	rm -f /etc/resolv.conf
	printf '%s\n' "$1" > /etc/resolv.conf
}

# in_ns_sh NS SCRIPT: sh -c SCRIPT inside the named namespace
in_ns_sh() {
	nsenter --net="/run/netns/$1" -- sh -c "$2"
}

# vpn_wait_file PATH [SECONDS]: until PATH exists
vpn_wait_file() {
	local deadline=$((SECONDS + ${2:-10}))
	until [ -e "$1" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}
