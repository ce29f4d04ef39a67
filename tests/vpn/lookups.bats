#!/usr/bin/env bats
# Lookups that skip /etc/resolv.conf: the host's nscd, and nsswitch.conf
# modules that ask a daemon of the host.  The host's DNS server answers
# on a loopback address of the host's namespace, the namespace's own on
# loopback inside it, each with its own address for the same name.

bats_require_minimum_version 1.5.0
load ../helpers/common
load vpn

PROBE=rcfs-probe.test
HOST_ANSWER=127.9.9.9
NS_ANSWER=127.1.1.1

setup_file() {
	export ROOT=$BATS_FILE_TMPDIR/root
	vpn_unpack "$ROOT" nscd
}

local_setup() {
	rcfs_fixture
	N=$(rcfs_name ns)
	rcfs_ns_add "$N"
	ip -n "$N" link set lo up
	rcfs_dns_serve - 127.53.0.9 "$PROBE" "$HOST_ANSWER"
	rcfs_dns_serve "$N" 127.0.0.1 "$PROBE" "$NS_ANSWER"
	vpn_host_resolv "$(printf 'nameserver 127.53.0.9\noptions timeout:1 attempts:2')"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' > "$BACKING/$N.conf"
	cp /etc/nsswitch.conf "$RCFS_TMP/nsswitch.conf.orig"
	rcfs_start_daemon -d "$DEFAULT" "$BACKING" /etc/resolv.conf
}

local_teardown() {
	rcfs_end_started
	cp "$RCFS_TMP/nsswitch.conf.orig" /etc/nsswitch.conf
	rm -rf /run/nscd /etc/nscd.conf /etc/resolvconffs
}

# nscd_start HOSTS_CACHE: the package's nscd.conf with the hosts cache
# "yes" or "no", nothing kept on disk, nscd in the suite's /run (ended
# at teardown)
nscd_start() {
	sed -e "s/^\(\s*enable-cache\s\+hosts\s\+\)yes/\1$1/" \
	    -e 's/^\(\s*persistent\s\+\S\+\s\+\)yes/\1no/' \
		"$ROOT/etc/nscd.conf" > /etc/nscd.conf
	grep -Eq "^\s*enable-cache\s+hosts\s+$1" /etc/nscd.conf || return 1
	mkdir -p /run/nscd
	"$ROOT/usr/sbin/nscd" -F -f /etc/nscd.conf >/dev/null 2>&1 3>&- &
	rcfs_track_pid $!
	vpn_wait_file /run/nscd/socket
	# it answers once it listens (asked for its statistics: a lookup
	# would depend on what /etc/hosts holds, and a minimal root has none)
	local deadline=$((SECONDS + 10))
	until "$ROOT/usr/sbin/nscd" -g >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

# the warnings on the /etc/resolv.conf mount, one a line
warnings() {
	"$NETNSCTL" -j status |
		jq -r '.mounts[] | select(.mountpoint == "/etc/resolv.conf") | .warnings[]'
}

@test "without nscd, getent in a namespace asks the namespace's server" {
	run in_ns "$N" getent hosts "$PROBE"
	assert_output --regexp "^${NS_ANSWER//./\\.} +$PROBE\$"
	run getent hosts "$PROBE"
	assert_output --regexp "^${HOST_ANSWER//./\\.} +$PROBE\$"
	run warnings
	refute_output --partial nscd
}

@test "a host's nscd that caches hosts answers namespaces from the host, and status says so" {
	nscd_start yes
	# the leak: glibc in the namespace asks the host's nscd
	run in_ns "$N" getent hosts "$PROBE"
	assert_output --regexp "^${HOST_ANSWER//./\\.} +$PROBE\$"
	run warnings
	assert_line "nscd caches host lookups (/var/run/nscd/socket): glibc in every namespace asks it first, and it answers from the host's namespace with the host's DNS; set \"enable-cache hosts no\" in /etc/nscd.conf and restart nscd (docs/vpn.md)"
}

@test "with nscd's hosts cache off, a namespace's lookup is its own and status is quiet" {
	nscd_start no
	run in_ns "$N" getent hosts "$PROBE"
	assert_output --regexp "^${NS_ANSWER//./\\.} +$PROBE\$"
	run getent hosts "$PROBE"
	assert_output --regexp "^${HOST_ANSWER//./\\.} +$PROBE\$"
	run warnings
	refute_output --partial nscd
	# nscd still runs, for the rest
	[ -S /run/nscd/socket ]
}

@test "a hosts: line with resolve is warned about, naming the fix" {
	sed -i 's/^hosts:.*/hosts:          files resolve [!UNAVAIL=return] dns/' /etc/nsswitch.conf
	run warnings
	assert_line --partial "/etc/nsswitch.conf's hosts: line uses resolve, which asks a daemon of the host: lookups in every namespace get the host's answers; serve namespaces their own: netnsctl nsswitch > /etc/resolvconffs/nsswitch.conf, then mount -t resolvconffs -o layout=dir,default=/etc/resolvconffs/nsswitch.conf /etc/netns /etc/nsswitch.conf"
}

@test "namespaces served the nsswitch.conf of netnsctl nsswitch resolve through their own server" {
	# no dns on the host's line: only the namespaces' line can find it
	sed -i 's/^hosts:.*/hosts:          files resolve [!UNAVAIL=return]/' /etc/nsswitch.conf
	run in_ns "$N" getent hosts "$PROBE"
	assert_failure
	mkdir -p /etc/resolvconffs /etc/netns
	"$NETNSCTL" nsswitch > /etc/resolvconffs/nsswitch.conf
	rcfs_start_daemon -o layout=dir -d /etc/resolvconffs/nsswitch.conf \
		/etc/netns /etc/nsswitch.conf
	run in_ns "$N" grep '^hosts:' /etc/nsswitch.conf
	assert_output 'hosts:          files dns'
	run grep '^hosts:' /etc/nsswitch.conf
	assert_output 'hosts:          files resolve [!UNAVAIL=return]'
	run in_ns "$N" getent hosts "$PROBE"
	assert_success
	assert_output --regexp "^${NS_ANSWER//./\\.} +$PROBE\$"
	# the other databases are the host's
	assert_equal "$(in_ns "$N" grep -v '^#' /etc/nsswitch.conf | grep -v '^hosts:')" \
		"$(grep -v '^#' /etc/nsswitch.conf | grep -v '^hosts:')"
	run warnings
	refute_output --partial nsswitch
}

@test "a namespaces' nsswitch.conf that still asks a host daemon is warned about" {
	sed -i 's/^hosts:.*/hosts:          files mdns4_minimal [NOTFOUND=return] dns/' /etc/nsswitch.conf
	mkdir -p /etc/netns
	cp /etc/nsswitch.conf "$RCFS_TMP/ns-nsswitch.conf"
	rcfs_start_daemon -o layout=dir -d "$RCFS_TMP/ns-nsswitch.conf" \
		/etc/netns /etc/nsswitch.conf
	run warnings
	assert_line "the /etc/nsswitch.conf that namespaces see by default ($RCFS_TMP/ns-nsswitch.conf) still uses mdns4_minimal: write it with netnsctl nsswitch (docs/vpn.md)"
}

@test "netnsctl nsswitch takes host daemons off hosts: and keeps every other line" {
	cat > /etc/nsswitch.conf <<-'EOF'
	passwd:         files systemd sss
	group:          files systemd
	hosts:          files mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] myhostname dns
	networks:       files
	# hosts: resolve in a comment stays
	EOF
	run "$NETNSCTL" nsswitch
	assert_success
	assert_line 'passwd:         files systemd sss'
	assert_line 'hosts:          files myhostname dns'
	assert_line '# hosts: resolve in a comment stays'
	assert_line 'networks:       files'
	# with no dns left, dns is added: namespaces need their resolv.conf
	printf 'hosts: files resolve [!UNAVAIL=return] mymachines\n' > /etc/nsswitch.conf
	run "$NETNSCTL" nsswitch
	assert_line 'hosts: files dns'
}

@test "netnsctl nsswitch without an nsswitch.conf fails with one line" {
	rm /etc/nsswitch.conf
	run --separate-stderr "$NETNSCTL" nsswitch
	assert_failure 1
	assert_equal "$stderr" 'netnsctl: Cannot read "/etc/nsswitch.conf": No such file or directory'
	assert_equal "$output" ""
}
