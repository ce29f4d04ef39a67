#!/usr/bin/env bats
# openresolv's resolvconf run inside namespaces, as wg-quick and openvpn's
# update-resolv-conf run it: each namespace's interfaces in a state of its
# own, its file alone written, the host's updates blind to namespaces.

bats_require_minimum_version 1.5.0
load ../helpers/common
load vpn

setup_file() {
	export ROOT=$BATS_FILE_TMPDIR/root DEBROOT=$BATS_FILE_TMPDIR/debian
	vpn_unpack "$ROOT" openresolv
	vpn_unpack "$DEBROOT" resolvconf
}

local_setup() {
	rcfs_fixture
	V=$(rcfs_name vpn)
	O=$(rcfs_name other)
	rcfs_ns_add "$V" "$O"
	vpn_openresolv "$ROOT"
	vpn_host_resolv 'nameserver 192.0.2.53'
	# O's file, set by hand
	printf 'nameserver 203.0.113.7\n' > "$BACKING/$O.conf"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" /etc/resolv.conf
}

local_teardown() {
	rcfs_end_started
	vpn_openresolv_remove
	rm -rf /etc/resolvconf
}

# vpn_up NS SERVER [DOMAIN]: what wg-quick does for "DNS = SERVER, DOMAIN"
vpn_up() {
	printf 'nameserver %s\n%s' "$2" "${3:+search $3
}" | nsenter --net="/run/netns/$1" resolvconf -a tun0 -m 0 -x
}

@test "resolvconf -a tun0 in a namespace sets that namespace's file alone" {
	vpn_ns_resolvconf
	run vpn_up "$V" 10.8.0.1 vpn.example
	assert_success
	run in_ns "$V" cat /etc/resolv.conf
	assert_line 'nameserver 10.8.0.1'
	assert_line 'search vpn.example'
	assert_equal "$(cat /etc/resolv.conf)" 'nameserver 192.0.2.53'
	assert_equal "$(in_ns "$O" cat /etc/resolv.conf)" 'nameserver 203.0.113.7'
	# its state is its own: nothing in the host's
	assert_file_exists "/run/netns-resolvconf/$V/interfaces/tun0"
	assert_equal "$(find /run/resolvconf -type f 2>/dev/null)" ""
}

@test "the host's resolvconf -a eth0 lists the host's interfaces only, and the VPN keeps its own" {
	vpn_ns_resolvconf
	vpn_up "$V" 10.8.0.1 vpn.example
	run sh -c "printf 'nameserver 192.0.2.99\n' | resolvconf -a eth0"
	assert_success
	run cat /etc/resolv.conf
	assert_line 'nameserver 192.0.2.99'
	refute_output --partial 10.8.0.1
	refute_output --partial vpn.example
	run in_ns "$V" cat /etc/resolv.conf
	assert_line 'nameserver 10.8.0.1'
	refute_output --partial 192.0.2.99
	assert_equal "$(in_ns "$O" cat /etc/resolv.conf)" 'nameserver 203.0.113.7'
	run resolvconf -i
	assert_output 'eth0 '
	run in_ns "$V" resolvconf -i
	assert_output 'tun0 '
}

@test "resolvconf -d tun0 in the namespace takes its server away and leaves the host alone" {
	vpn_ns_resolvconf
	printf 'nameserver 192.0.2.99\n' | resolvconf -a eth0
	vpn_up "$V" 10.8.0.1 vpn.example
	run in_ns "$V" resolvconf -d tun0
	assert_success
	run in_ns "$V" cat /etc/resolv.conf
	refute_output --partial 10.8.0.1
	refute_output --partial vpn.example
	# what it saw before the VPN came up: the default's servers
	assert_line 'nameserver 198.51.100.1'
	run cat /etc/resolv.conf
	assert_line 'nameserver 192.0.2.99'
	refute_output --partial 198.51.100.1
	assert_file_exists /run/resolvconf/interfaces/eth0
}

@test "two VPN namespaces, each with its own tun0, each see only their own" {
	local V2
	V2=$(rcfs_name vpn2)
	rcfs_ns_add "$V2"
	ip -n "$V" tuntap add tun0 mode tun
	ip -n "$V2" tuntap add tun0 mode tun
	vpn_ns_resolvconf
	vpn_up "$V" 10.8.1.1 one.example
	vpn_up "$V2" 10.8.2.1 two.example
	run in_ns "$V" cat /etc/resolv.conf
	assert_line 'nameserver 10.8.1.1'
	refute_output --partial 10.8.2.1
	refute_output --partial two.example
	run in_ns "$V2" cat /etc/resolv.conf
	assert_line 'nameserver 10.8.2.1'
	refute_output --partial 10.8.1.1
	refute_output --partial one.example
	run in_ns "$V" resolvconf -l
	assert_output --partial 10.8.1.1
	refute_output --partial 10.8.2.1
	assert_equal "$(cat /etc/resolv.conf)" 'nameserver 192.0.2.53'
	assert_equal "$(in_ns "$O" cat /etc/resolv.conf)" 'nameserver 203.0.113.7'
}

@test "without a resolvconf.conf of their own, namespaces share openresolv's state, and status says so" {
	# the state of things before the second mount: the reproduction
	vpn_up "$V" 10.8.0.1 vpn.example
	printf 'nameserver 192.0.2.99\n' | resolvconf -a eth0
	run cat /etc/resolv.conf
	assert_line 'nameserver 10.8.0.1'
	run "$NETNSCTL" -j status
	assert_success
	jq -e '.mounts[] | select(.mountpoint == "/etc/resolv.conf") | .warnings[] |
		select(test("^openresolv keeps the interfaces of every network namespace in one state directory, /run/resolvconf: .*mount -t resolvconffs -o layout=dir,default=.*/resolvconf.conf /etc/netns /etc/resolvconf.conf"))' <<<"$output"
}

@test "with the namespaces' resolvconf.conf mounted, status does not warn about openresolv" {
	vpn_ns_resolvconf
	run "$NETNSCTL" -j status
	assert_success
	run jq -r '.mounts[] | select(.mountpoint == "/etc/resolv.conf") | .warnings[]' <<<"$output"
	refute_output --partial openresolv
}

@test "a namespaces' resolvconf.conf that keeps the shared state is warned about" {
	printf 'resolv_conf=/etc/resolv.conf\n' > "$RCFS_TMP/plain.conf"
	mkdir -p /etc/netns
	rcfs_start_daemon -o layout=dir -d "$RCFS_TMP/plain.conf" /etc/netns /etc/resolvconf.conf
	run "$NETNSCTL" -j status
	assert_success
	jq -e --arg w "the /etc/resolvconf.conf that namespaces see by default ($RCFS_TMP/plain.conf) does not move openresolv's state_dir: they share the host's" \
		'.mounts[] | .warnings[] | select(startswith($w))' <<<"$output"
}

@test "a namespace with a dead namespace's name starts with no interfaces" {
	vpn_ns_resolvconf
	vpn_up "$V" 10.8.0.1 vpn.example
	ip netns delete "$V"
	ip netns add "$V"
	run in_ns "$V" resolvconf -l
	refute_output --partial 10.8.0.1
	run "$NETNSCTL" -j show "$V"
	assert_success
	assert_equal "$(jq -c '.resolvconf' <<<"$output")" '[]'
	assert_equal "$(jq -r '.netns[0].resolvconf' <<<"$output")" null
	# its next update lists its own interfaces alone
	printf 'nameserver 10.99.0.53\n' | in_ns "$V" resolvconf -a eth0
	run in_ns "$V" cat /etc/resolv.conf
	assert_line 'nameserver 10.99.0.53'
	refute_output --partial 10.8.0.1
}

@test "an unnamed namespace keeps its state under its inode" {
	local pid ino
	vpn_ns_resolvconf
	pid=$(rcfs_anon_ns)
	ino=$(stat -L -c %i "/proc/$pid/ns/net")
	printf 'nameserver 10.8.3.1\n' | nsenter --net="/proc/$pid/ns/net" resolvconf -a tun0
	assert_file_exists "/run/netns-resolvconf/$ino/interfaces/tun0"
	run nsenter --net="/proc/$pid/ns/net" cat /etc/resolv.conf
	assert_line 'nameserver 10.8.3.1'
	run "$NETNSCTL" show "$ino"
	assert_line "RESOLVCONF:  /run/netns-resolvconf/$ino"
}

@test "show names the interface each nameserver came from" {
	vpn_ns_resolvconf
	printf 'nameserver 10.99.0.53\nsearch dhcp.example\n' | in_ns "$V" resolvconf -a eth0
	printf 'nameserver 10.8.0.1\n' | in_ns "$V" resolvconf -a tun0
	run "$NETNSCTL" show "$V"
	assert_success
	assert_line "RESOLVCONF:  /run/netns-resolvconf/$V"
	assert_line --regexp '^NAMESERVER +FROM$'
	assert_line --regexp '^10\.99\.0\.53 +eth0$'
	assert_line --regexp '^10\.8\.0\.1 +tun0$'
	run "$NETNSCTL" -j show "$V"
	assert_equal "$(jq -c '[.resolvconf[] | [.nameserver, .from]] | sort' <<<"$output")" \
		'[["10.8.0.1",["tun0"]],["10.99.0.53",["eth0"]]]'
	# the host's own state, where openresolv keeps it
	printf 'nameserver 192.0.2.99\n' | resolvconf -a eth0
	run "$NETNSCTL" show pid $$
	assert_line "RESOLVCONF:  /run/resolvconf"
	assert_line --regexp '^192\.0\.2\.99 +eth0$'
	# a namespace with a file set by hand has no state to show
	run "$NETNSCTL" show "$O"
	assert_line 'RESOLVCONF:  '
	refute_line --regexp '^NAMESERVER +FROM$'
}

@test "a resolvconf that cannot tell its namespace changes nothing rather than the host's state" {
	vpn_ns_resolvconf
	rm "$VPN_SBIN/netnsctl"
	run vpn_up "$V" 10.8.0.1 vpn.example
	assert_failure
	assert_equal "$(in_ns "$V" cat /etc/resolv.conf)" "$(cat "$DEFAULT")"
	assert_equal "$(find /run/resolvconf -type f 2>/dev/null)" ""
}

@test "netnsctl resolvconf fails with one line when the state directory cannot be made" {
	touch /run/netns-resolvconf
	run --separate-stderr in_ns "$V" "$NETNSCTL" resolvconf
	assert_failure 1
	assert_equal "$stderr" "netnsctl: Cannot make \"/run/netns-resolvconf/$V\": Not a directory"
	assert_equal "$output" ""
}

@test "netnsctl resolvconf on the host names openresolv's own state directory and makes nothing" {
	run "$NETNSCTL" resolvconf
	assert_success
	assert_output /run/resolvconf
	assert_not_exist /run/netns-resolvconf
	printf 'state_dir=/run/elsewhere\n' >> /etc/resolvconf.conf
	run "$NETNSCTL" resolvconf
	assert_output /run/elsewhere
}

@test "Debian's resolvconf inside a namespace writes the host's resolv.conf, and status says what to do" {
	# the package's files, as it installs them
	cp "$DEBROOT/sbin/resolvconf" /usr/sbin/resolvconf
	cp -a "$DEBROOT/etc/resolvconf" /etc/
	cp "$DEBROOT/lib/resolvconf/list-records" "$DEBROOT/lib/resolvconf/normalize-resolvconf" \
		/usr/lib/resolvconf/
	mkdir -p /run/resolvconf/interface
	touch /run/resolvconf/enable-updates
	vpn_up "$V" 10.8.0.1 vpn.example
	# the file a Debian host's /etc/resolv.conf links to, not the namespace's
	run cat /run/resolvconf/resolv.conf
	assert_line 'nameserver 10.8.0.1'
	assert_equal "$(in_ns "$V" cat /etc/resolv.conf)" "$(cat "$DEFAULT")"
	run "$NETNSCTL" -j status
	jq -e '.mounts[] | select(.mountpoint == "/etc/resolv.conf") | .warnings[] |
		select(startswith("/sbin/resolvconf is Debian'"'"'s resolvconf: it keeps one state for the whole host in /run/resolvconf") and contains("replace it with openresolv"))' <<<"$output"
}

@test "systemd's resolvconf is named with what it does inside a namespace" {
	ln -sf resolvectl /usr/sbin/resolvconf
	run "$NETNSCTL" -j status
	jq -e '.mounts[] | select(.mountpoint == "/etc/resolv.conf") | .warnings[] |
		select(startswith("systemd-resolved: resolvectl, and a resolvconf that links to it, set DNS in the host'"'"'s resolved from any namespace"))' <<<"$output"
}
