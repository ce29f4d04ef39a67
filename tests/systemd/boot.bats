#!/usr/bin/env bats
# Under a real systemd: a Debian root with this build installed, booted
# by systemd-nspawn, once with fstab lines of both types and once with
# resolvconffs.service over systemd-resolved's symlink.  Slow (the root
# is made by mmdebstrap from the Debian mirror, once per run).

load ../helpers/common
load boot

setup_file() {
	local why
	if ! why=$(boot_nspawn_usable); then
		export BOOT_SKIP=$why
		return
	fi
	export BOOT_ROOT
	BOOT_ROOT=$(mktemp -d "/tmp/rcfs-boot-$$-XXXXXX")
	boot_build_root "$BOOT_ROOT/root"
	export BOOT_SYSCONF BOOT_UNIT_IDLE
	# the state the root came in, for each test to start from
	R=$BOOT_ROOT/root
	cp -a "$R/etc/fstab" "$BOOT_ROOT/fstab"
	printf '127.0.0.1\tlocalhost\n192.0.2.80\thost-only.example\n' > "$R/etc/hosts"
	# one named namespace, made at boot like any service's
	cat > "$R/etc/systemd/system/rcfs-netns-blue.service" <<'UNIT'
[Unit]
Description=The named network namespace blue
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/ip netns add blue
ExecStop=/bin/ip netns delete blue
UNIT
	mkdir -p "$R/var/lib/resolvconffs" "$R/var/lib/rcfs-hosts"
	# readers that tell a whole file from a cut or another's (built
	# here, for the same release)
	install -m 0755 "$RCFS_STRESS_BIN" "$R/usr/local/bin/rcfs-stress"
	printf 'nameserver 10.1.1.1\n# blue, own file\n' > "$R/var/lib/resolvconffs/blue.conf"
	printf '10.1.1.2\tblue-only.example\n' > "$R/var/lib/rcfs-hosts/blue.conf"
}

teardown_file() {
	[ -n "${BOOT_ROOT:-}" ] || return 0
	# nothing may still be mounted in it (mmdebstrap cleans up after
	# itself; a container's mounts die with it)
	if ! grep -q " $BOOT_ROOT/" /proc/self/mountinfo; then
		rm -rf "$BOOT_ROOT"
	fi
}

local_setup() {
	[ -z "${BOOT_SKIP:-}" ] || skip "$BOOT_SKIP"
	R=$BOOT_ROOT/root
}

# probe_unit NAME REQUIREMENTS: a service in namespace blue that copies
# what it sees in /etc/resolv.conf and /etc/hosts to /run/NAME.out
probe_unit() {
	cat > "$R/etc/systemd/system/$1.service" <<UNIT
[Unit]
Description=Reads its files from inside namespace blue
Requires=rcfs-netns-blue.service
After=rcfs-netns-blue.service
$2
[Service]
Type=oneshot
RemainAfterExit=yes
NetworkNamespacePath=/run/netns/blue
ExecStart=/bin/sh -c 'cat /etc/resolv.conf /etc/hosts > /run/$1.out'
[Install]
WantedBy=multi-user.target
UNIT
	systemctl --root="$R" enable "$1.service" 2>/dev/null
}

# daemon_cmdlines: the command line of every resolvconffs process inside
daemon_cmdlines() {
	local pid
	for pid in $(in_root pgrep -x resolvconffs); do
		in_root cat "/proc/$pid/cmdline" | tr '\0' ' '
		echo
	done
}

# crash_and_recover CHECK...: kill -9 the process serving /etc/resolv.conf
# inside the booted root; wait until another serves and CHECK succeeds.
# CRASH_MS: how long that took (a figure: no timing is asserted, the
# machine is shared)
crash_and_recover() {
	local dev srv now t0 deadline
	dev=$(in_root mountpoint -d /etc/resolv.conf) || fail "/etc/resolv.conf: not a mount"
	srv=$(in_root sed -n 's/^server=//p' "/run/resolvconffs/$dev")
	[ -n "$srv" ] && [ "$srv" != 0 ] || fail "no serving process in /run/resolvconffs/$dev"
	t0=$(date +%s%N)
	in_root kill -KILL "$srv"
	deadline=$((SECONDS + 30))
	until now=$(in_root sed -n 's/^server=//p' "/run/resolvconffs/$dev") &&
	      [ -n "$now" ] && [ "$now" != "$srv" ] && [ "$now" != 0 ] && "$@"; do
		[ $SECONDS -lt $deadline ] || fail "no recovery 30 s after killing $srv"
		sleep 0.01
	done
	CRASH_MS=$((($(date +%s%N) - t0) / 1000000))
}

# reads_right HOST BLUE: the host and namespace blue read these now
reads_right() {
	[ "$(in_root cat /etc/resolv.conf 2>/dev/null)" = "$1" ] &&
		[ "$(in_root nsenter --net=/run/netns/blue cat /etc/resolv.conf 2>/dev/null)" = "$2" ]
}

# stress_right: the host and blue each read their whole rcfs-stress file
stress_right() {
	[ "$(in_root rcfs-stress check host /etc/resolv.conf 2>/dev/null)" = ok ] &&
		[ "$(in_root nsenter --net=/run/netns/blue rcfs-stress check blue /etc/resolv.conf 2>/dev/null)" = ok ]
}

@test "at boot, fstab lines of both types mount before local-fs.target, and a NetworkNamespacePath= unit reads its namespace's files" {
	# the host: a plain /etc/resolv.conf, no DNS manager
	systemctl --root="$R" mask systemd-resolved.service 2>/dev/null
	rm -f "$R/etc/resolv.conf"
	printf 'nameserver 192.0.2.1\n# the host, own file\n' > "$R/etc/resolv.conf"
	cp "$R/etc/resolv.conf" "$R/etc/resolv.conf.orig"
	cp "$R/etc/hosts" "$R/etc/hosts.orig"
	# fuse.resolvconffs without detach, required by local-fs.target (no
	# nofail): it used to hold the boot until systemd's timeout
	{ cat "$BOOT_ROOT/fstab"
	  printf '/var/lib/resolvconffs\t/etc/resolv.conf\tfuse.resolvconffs\tdefault=/etc/resolv.conf.orig\t0 0\n'
	  printf '/var/lib/rcfs-hosts\t/etc/hosts\tresolvconffs\tdefault=/etc/hosts.orig,nofail,_netdev,x-systemd.foo,comment=x\t0 0\n'
	} > "$R/etc/fstab"
	probe_unit rcfs-probe 'RequiresMountsFor=/etc/resolv.conf /etc/hosts'

	boot_start "$R"
	echo "system: $BOOT_STATE"
	[ "$BOOT_STATE" = running ] || boot_explain etc-resolv.conf.mount etc-hosts.mount
	assert_equal "$BOOT_STATE" running

	# what systemd-fstab-generator made of the lines
	run in_root systemctl show -p Type -p Where -p What etc-resolv.conf.mount
	assert_output "$(printf '%s\n' Where=/etc/resolv.conf \
		What=/var/lib/resolvconffs Type=fuse.resolvconffs)"
	run in_root systemctl is-active etc-resolv.conf.mount etc-hosts.mount \
		rcfs-probe.service
	rcfs_figure "boot with fstab: system $BOOT_STATE;" \
		"etc-resolv.conf.mount, etc-hosts.mount, rcfs-probe.service:" $output
	assert_output "$(printf 'active\nactive\nactive')"
	run in_root findmnt -n -o FSTYPE /etc/resolv.conf
	assert_output fuse.resolvconffs
	run in_root findmnt -n -o FSTYPE /etc/hosts
	assert_output fuse.resolvconffs

	# the unit in namespace blue, started at boot, read blue's files
	run in_root cat /run/rcfs-probe.out
	assert_output "$(cat "$R/var/lib/resolvconffs/blue.conf" "$R/var/lib/rcfs-hosts/blue.conf")"
	# the host its own
	run in_root cat /etc/resolv.conf /etc/hosts
	assert_output "$(cat "$R/etc/resolv.conf.orig" "$R/etc/hosts.orig")"
	# an anonymous namespace the defaults
	run in_root unshare -n cat /etc/resolv.conf
	assert_output "$(cat "$R/etc/resolv.conf.orig")"

	# two mounts, each a keeper and the process that serves it; none
	# with fstab's own options on its command line
	run daemon_cmdlines
	echo "$output"
	assert_equal "${#lines[@]}" 4
	assert_equal "$(grep -c -- ' --serve ' <<<"$output")" 2
	refute_output --regexp 'nofail|_netdev|x-systemd|comment'

	# kill -9 of the serving process, readers in the host and in blue
	# counting every read: systemd's mount stays active and right
	in_root sh -c 'rcfs-stress gen host 0 > /etc/resolv.conf'
	in_root nsenter --net=/run/netns/blue sh -c \
		'rcfs-stress gen blue 0 > /etc/resolv.conf'
	stress_right || fail "the rcfs-stress files do not read back"
	in_root rm -f /run/rcfs-stop
	in_root rcfs-stress read -t 2 -n 0 -p -s /run/rcfs-stop /etc/resolv.conf \
		/proc/self/ns/net:host /run/netns/blue:blue \
		> "$RCFS_TMP/boot-readers.out" 2>&1 &
	local readers=$! read
	rcfs_track_pid "$readers"
	sleep 1	# let them read a while before the kill
	crash_and_recover stress_right
	sleep 0.5
	in_root touch /run/rcfs-stop
	rcfs_wait_gone "$readers" 30 || fail "a reader hangs"
	read=$(cat "$RCFS_TMP/boot-readers.out")
	rcfs_figure "boot with fstab, kill -9 of the server: both read right" \
		"after $CRASH_MS ms; readers: $read"
	assert_regex "$read" ' foreign=0 '
	assert_regex "$read" ' partial=0 '
	assert_regex "$read" ' empty=0 '
	# a read in flight at the kill, at most, one per reader
	[[ $read =~ errors=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -le 2 ] ||
		fail "reads failed: $read"
	run in_root systemctl is-active etc-resolv.conf.mount
	assert_output active
	run daemon_cmdlines
	assert_equal "${#lines[@]}" 4

	# stopping the units unmounts and ends the daemons
	run in_root systemctl stop etc-resolv.conf.mount etc-hosts.mount
	assert_success
	rcfs_figure "after systemctl stop of both mounts:" \
		"$(in_root systemctl is-active etc-resolv.conf.mount etc-hosts.mount | xargs)"
	run in_root findmnt -n /etc/resolv.conf
	assert_output ''
	run in_root pgrep -x resolvconffs
	assert_output ''
	# the host's own file, as the host last wrote it through the mount
	run in_root cat /etc/resolv.conf
	assert_output "$("$RCFS_STRESS_BIN" gen host 0)"

	boot_stop
}

@test "resolvconffs.service over systemd-resolved's symlink: shipped disabled, active at boot, stop gives the symlink back" {
	# systemd-resolved owns /etc/resolv.conf, with one real server
	systemctl --root="$R" unmask systemd-resolved.service 2>/dev/null
	rm -f "$R/etc/resolv.conf"
	ln -s ../run/systemd/resolve/stub-resolv.conf "$R/etc/resolv.conf"
	mkdir -p "$R/etc/systemd/resolved.conf.d"
	printf '[Resolve]\nDNS=192.0.2.53\n' > "$R/etc/systemd/resolved.conf.d/rcfs-test.conf"
	cp "$BOOT_ROOT/fstab" "$R/etc/fstab"
	systemctl --root="$R" disable rcfs-probe.service 2>/dev/null
	probe_unit rcfs-probe2 'Requires=resolvconffs.service
After=resolvconffs.service'
	# installed, its settings the shipped ones (systemd-resolved's
	# default file), not enabled
	assert_file_exists "$R$BOOT_SYSCONF/default/resolvconffs"
	run systemctl --root="$R" is-enabled resolvconffs.service
	assert_output "$BOOT_UNIT_IDLE"
	systemctl --root="$R" enable resolvconffs.service 2>/dev/null

	boot_start "$R"
	echo "system: $BOOT_STATE"
	[ "$BOOT_STATE" = running ] || boot_explain resolvconffs.service
	assert_equal "$BOOT_STATE" running

	run in_root systemd-analyze verify resolvconffs.service
	rcfs_figure "systemd-analyze verify resolvconffs.service: status $status," \
		"${#lines[@]} lines of output"
	assert_success
	assert_output ''

	run in_root systemctl is-active systemd-resolved.service \
		resolvconffs.service rcfs-probe2.service
	rcfs_figure "boot with the service: system $BOOT_STATE;" \
		"systemd-resolved, resolvconffs, rcfs-probe2:" $output
	assert_output "$(printf 'active\nactive\nactive')"
	# the service's main process is the daemon, which says so itself
	local pid
	pid=$(in_root systemctl show -P MainPID resolvconffs.service)
	run in_root cat "/proc/$pid/comm"
	assert_output resolvconffs
	run in_root findmnt -n -o FSTYPE /etc/resolv.conf
	assert_output fuse.resolvconffs
	run in_root sh -c 'cat /run/resolvconffs/*'
	assert_line host_kind=symlink
	assert_line host_source=/run/systemd/resolve/stub-resolv.conf

	# the host sees resolved's stub, namespace blue its own file (read
	# by a unit started at boot), an anonymous one the real servers
	run in_root cat /etc/resolv.conf
	assert_output --partial 'nameserver 127.0.0.53'
	run in_root cat /run/rcfs-probe2.out
	assert_output "$(cat "$R/var/lib/resolvconffs/blue.conf" "$R/etc/hosts")"
	run in_root unshare -n cat /etc/resolv.conf
	assert_output "$(in_root cat /run/systemd/resolve/resolv.conf)"
	assert_output --partial 'nameserver 192.0.2.53'
	# the hardening leaves it able to write the namespace's file
	in_root nsenter --net=/run/netns/blue sh -c \
		'printf "nameserver 10.3.3.3\n" > /etc/resolv.conf'
	assert_equal "$(cat "$R/var/lib/resolvconffs/blue.conf")" 'nameserver 10.3.3.3'

	# kill -9 of the serving process: the service stays active, with
	# the same main process, and both read right again
	local host
	host=$(in_root cat /etc/resolv.conf)
	crash_and_recover reads_right "$host" 'nameserver 10.3.3.3'
	rcfs_figure "service, kill -9 of the server: both read right after $CRASH_MS ms"
	run in_root systemctl is-active resolvconffs.service
	assert_output active
	assert_equal "$(in_root systemctl show -P MainPID resolvconffs.service)" "$pid"

	# reload: SIGHUP, the same daemon goes on
	run in_root systemctl reload resolvconffs.service
	assert_success
	assert_equal "$(in_root systemctl show -P MainPID resolvconffs.service)" "$pid"
	run in_root systemctl is-active resolvconffs.service
	assert_output active

	# stop: unmounted, the daemon gone, resolved's symlink as it was
	run in_root systemctl stop resolvconffs.service
	assert_success
	run in_root readlink /etc/resolv.conf
	rcfs_figure "after systemctl stop resolvconffs:" \
		"$(in_root systemctl is-active resolvconffs.service)," \
		"/etc/resolv.conf -> $output"
	assert_output ../run/systemd/resolve/stub-resolv.conf
	run in_root findmnt -n /etc/resolv.conf
	assert_output ''
	run in_root pgrep -x resolvconffs
	assert_output ''

	# start returns once the mount is live: no waiting here
	run in_root systemctl start resolvconffs.service
	assert_success
	run in_root unshare -n cat /etc/resolv.conf
	assert_output --partial 'nameserver 192.0.2.53'
	run in_root nsenter --net=/run/netns/blue cat /etc/resolv.conf
	assert_output 'nameserver 10.3.3.3'

	boot_stop
}
