#!/usr/bin/env bats
# docs/vpn.md's walk-through: wg-quick with "DNS =" inside a namespace,
# through a real WireGuard tunnel (wireguard-go where the kernel has no
# module) to a stand-in VPN server in a second namespace that answers
# DNS on its tunnel address.

bats_require_minimum_version 1.5.0
load ../helpers/common
load vpn

setup_file() {
	export ROOT=$BATS_FILE_TMPDIR/root
	vpn_unpack "$ROOT" openresolv wireguard-tools wireguard-go
}

local_setup() {
	rcfs_fixture
	VPN=$(rcfs_name vpn)
	PROV=$(rcfs_name prov)
	rcfs_ns_add "$VPN" "$PROV"
	vpn_openresolv "$ROOT"
	vpn_writable /usr/bin
	cp "$ROOT/usr/bin/wg" "$ROOT/usr/bin/wg-quick" "$ROOT/usr/bin/wireguard-go" /usr/bin/
	vpn_host_resolv 'nameserver 192.0.2.53'
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" /etc/resolv.conf
	vpn_ns_resolvconf
	ip link add rcfs-wgu netns "$VPN" type veth peer name rcfs-wgu netns "$PROV"
	ip -n "$PROV" addr add 10.99.1.1/24 dev rcfs-wgu
	ip -n "$VPN" addr add 10.99.1.2/24 dev rcfs-wgu
	local ns
	for ns in "$VPN" "$PROV"; do
		ip -n "$ns" link set rcfs-wgu up
		ip -n "$ns" link set lo up
	done
}

local_teardown() {
	local pid
	# wireguard-go runs on its own: end those of our namespaces
	for pid in $(ip netns pids "$VPN" 2>/dev/null) $(ip netns pids "$PROV" 2>/dev/null); do
		kill "$pid" 2>/dev/null
		rcfs_wait_gone "$pid" 5
	done
	rcfs_end_started
	vpn_openresolv_remove
	rm -rf /etc/wireguard /run/wireguard
}

@test "wg-quick with DNS = in a namespace resolves through the tunnel; the host keeps its DNS" {
	[ -c /dev/net/tun ] || skip "no /dev/net/tun for wireguard-go"
	local ckey skey
	ckey=$(wg genkey)
	skey=$(wg genkey)
	# the provider: wireguard-go, and a DNS server on its tunnel address
	# (the interface has another name than the client's: wireguard-go's
	# control socket is a path in /run, shared by all namespaces)
	ip netns exec "$PROV" wireguard-go rcfs-wgs >/dev/null 2>&1 3>&-
	ip -n "$PROV" addr add 10.8.0.1/24 dev rcfs-wgs
	ip netns exec "$PROV" wg set rcfs-wgs listen-port 51820 \
		private-key <(echo "$skey") \
		peer "$(wg pubkey <<<"$ckey")" allowed-ips 10.8.0.2/32
	ip -n "$PROV" link set rcfs-wgs up
	rcfs_dns_serve "$PROV" 10.8.0.1 intranet.vpn.example 10.8.0.80
	mkdir -p /etc/wireguard
	cat > /etc/wireguard/rcfs-wg0.conf <<-EOF
	[Interface]
	PrivateKey = $ckey
	Address = 10.8.0.2/24
	DNS = 10.8.0.1, vpn.example

	[Peer]
	PublicKey = $(wg pubkey <<<"$skey")
	Endpoint = 10.99.1.1:51820
	AllowedIPs = 10.8.0.0/24
	EOF
	run ip netns exec "$VPN" wg-quick up rcfs-wg0
	assert_success
	assert_output --partial '[#] resolvconf -a rcfs-wg0 -m 0 -x'
	run in_ns "$VPN" cat /etc/resolv.conf
	assert_line 'nameserver 10.8.0.1'
	assert_line 'search vpn.example'
	run in_ns "$VPN" getent hosts intranet.vpn.example
	assert_success
	assert_output --regexp '^10\.8\.0\.80 +intranet\.vpn\.example$'
	assert_equal "$(cat /etc/resolv.conf)" 'nameserver 192.0.2.53'
	run "$NETNSCTL" show "$VPN"
	assert_line --regexp '^10\.8\.0\.1 +rcfs-wg0$'
	run ip netns exec "$VPN" wg-quick down rcfs-wg0
	assert_success
	run in_ns "$VPN" cat /etc/resolv.conf
	refute_output --partial 10.8.0.1
	assert_equal "$(cat /etc/resolv.conf)" 'nameserver 192.0.2.53'
}
