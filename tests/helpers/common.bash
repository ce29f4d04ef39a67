# Shared helpers for the bats suite.  Every test file starts with
#   load ../helpers/common
# and gets setup/teardown that give it a scratch directory and remove every
# namespace, mount and process it made.  Tests run as root inside the
# private mount namespace of tests/run (/etc is an overlay, /run a tmpfs).

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

: "${RCFS_BUILD:?run the suite through tests/run}"
RESOLVCONFFS=$RCFS_BUILD/daemon/resolvconffs
NETNSCTL=$RCFS_BUILD/netnsctl/netnsctl
MOUNT_HELPER=$RCFS_BUILD/mount.resolvconffs/mount.resolvconffs
SETNS_CAT=$RCFS_BUILD/tests/helpers/setns-cat
SETNS_FLIP=$RCFS_BUILD/tests/helpers/setns-flip

# rcfs_name N: a name unique to this run and test: rcfs-test-PID-TEST-N
rcfs_name() {
	echo "rcfs-test-$$-${BATS_TEST_NUMBER:-0}-$1"
}

setup() {
	RCFS_TMP=$(mktemp -d "/tmp/rcfs-test-$$-XXXXXX")
	RCFS_NETNS=()
	RCFS_PIDS=()
	RCFS_MOUNTS=()
	if declare -F local_setup >/dev/null; then
		local_setup
	fi
}

teardown() {
	if declare -F local_teardown >/dev/null; then
		local_teardown
	fi
	local ns
	rcfs_end_started
	for ns in "${RCFS_NETNS[@]}"; do
		ip netns delete "$ns" 2>/dev/null
	done
	rm -rf "$RCFS_TMP"
}

# rcfs_end_started: end every process the test started and unmount every
# mount it made, newest first.  Teardown calls it; a test that must put
# back what was under a mount before teardown can call it sooner.
rcfs_end_started() {
	local pid m i
	if [ -f "$RCFS_TMP/.pids" ]; then
		mapfile -t -O "${#RCFS_PIDS[@]}" RCFS_PIDS < "$RCFS_TMP/.pids"
		rm -f "$RCFS_TMP/.pids"
	fi
	for pid in "${RCFS_PIDS[@]}"; do
		# one may have ended already (a test waited for it)
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${RCFS_PIDS[@]}"; do
		rcfs_wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
	done
	for ((i = ${#RCFS_MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${RCFS_MOUNTS[i]}
		if [[ $m == once:* ]]; then
			umount -l "${m#once:}" 2>/dev/null
			continue
		fi
		while mountpoint -q "$m" 2>/dev/null || rcfs_is_mounted "$m"; do
			umount -l "$m" 2>/dev/null || break
		done
	done
	RCFS_PIDS=()
	RCFS_MOUNTS=()
}

# rcfs_ns_add NAME...: ip netns add, removed at teardown
rcfs_ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		RCFS_NETNS+=("$ns")
	done
}

# rcfs_anon_ns: start a process in a new anonymous network namespace;
# prints its PID (ended at teardown).  Its namespace: /proc/PID/ns/net.
rcfs_anon_ns() {
	unshare -n sleep 3600 </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	# callers use $(rcfs_anon_ns): a subshell, so keep the PID in a file
	echo "$pid" >> "$RCFS_TMP/.pids"
	# wait until the child is in its own namespace
	local deadline=$((SECONDS + 10))
	while [ "$(stat -L -c %i /proc/$pid/ns/net 2>/dev/null)" = \
		"$(stat -L -c %i /proc/self/ns/net)" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
	echo "$pid"
}

# rcfs_fuse_node: make RCFS_FUSE_NODE a /dev/fuse node anyone may open
# (as on a stock Debian, 0666), for a test to bind-mount over /dev/fuse.
# On a small tmpfs of the test's own: the test's directory may sit on a
# file system mounted nodev (a container's /tmp), where no device opens.
rcfs_fuse_node() {
	local dir=$RCFS_TMP/dev
	mkdir -p "$dir" || return 1
	if ! mountpoint -q "$dir"; then
		mount -t tmpfs -o mode=0755,size=16k rcfs-dev "$dir" || return 1
		rcfs_track_mount "$dir"
	fi
	[ -c "$dir/fuse" ] || mknod -m 0666 "$dir/fuse" c 10 229 || return 1
	RCFS_FUSE_NODE=$dir/fuse
}

# rcfs_track_pid PID: end it at teardown
rcfs_track_pid() {
	RCFS_PIDS+=("$1")
}

# rcfs_track_mount PATH: unmount it at teardown
rcfs_track_mount() {
	RCFS_MOUNTS+=("$1")
}

# rcfs_track_mount_once PATH: at teardown, take off the one mount the
# test put on PATH, and only that: PATH had a mount of its own before
# (a container's /dev/fuse is a bind mount of the host's)
rcfs_track_mount_once() {
	RCFS_MOUNTS+=("once:$1")
}

# rcfs_is_mounted PATH: a resolvconffs mount sits on PATH
rcfs_is_mounted() {
	local p
	p=$(rcfs_abspath "$1")
	awk -v p="$p" '$5 == p && $0 ~ / - fuse\.resolvconffs / { found = 1 }
		END { exit !found }' /proc/self/mountinfo
}

# rcfs_abspath PATH: absolute, without following the last component
rcfs_abspath() {
	local d b
	d=$(dirname "$1")
	b=$(basename "$1")
	d=$(cd "$d" 2>/dev/null && pwd -P) || d=$(dirname "$1")
	[ "$d" = / ] && d=
	echo "$d/$b"
}

# rcfs_wait_for_mount PATH [SECONDS]: poll the mount table until PATH is a
# resolvconffs mount and answers a stat.
rcfs_wait_for_mount() {
	local deadline=$((SECONDS + ${2:-10}))
	while ! rcfs_is_mounted "$1"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
	while ! stat "$1" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

# rcfs_wait_for_unmount PATH [SECONDS]
rcfs_wait_for_unmount() {
	local deadline=$((SECONDS + ${2:-10}))
	while rcfs_is_mounted "$1"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

# rcfs_wait_gone PID [SECONDS]: wait until PID has exited
rcfs_wait_gone() {
	local deadline=$((SECONDS + ${2:-10}))
	while kill -0 "$1" 2>/dev/null; do
		# a zombie child of this shell is gone for our purposes
		[ "$(awk '{print $3}' /proc/$1/stat 2>/dev/null)" = Z ] && return 0
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

# rcfs_start_daemon ARGS...: start resolvconffs in the foreground (its last
# argument is the mount point), wait for the mount; sets RCFS_DAEMON_PID.
# Its stderr goes to $RCFS_TMP/daemon.log.  RCFS_DAEMON_WRAPPER, when set,
# is put in front of the daemon (valgrind ...); it must exec the daemon in
# its own process, so that RCFS_DAEMON_PID is the daemon's.
rcfs_start_daemon() {
	local mp=${!#}
	# shellcheck disable=SC2086 # the wrapper is a command line
	${RCFS_DAEMON_WRAPPER:-} "$RESOLVCONFFS" "$@" 2>>"$RCFS_TMP/daemon.log" 3>&- &
	RCFS_DAEMON_PID=$!
	RCFS_PIDS+=("$RCFS_DAEMON_PID")
	RCFS_MOUNTS+=("$mp")
	if ! rcfs_wait_for_mount "$mp" "$([ -n "${RCFS_DAEMON_WRAPPER:-}" ] && echo 60 || echo 10)"; then
		echo "resolvconffs did not mount $mp:" >&2
		cat "$RCFS_TMP/daemon.log" >&2
		return 1
	fi
}

# rcfs_stop_daemon [PID]: SIGTERM and wait for the exit; prints its status
rcfs_stop_daemon() {
	local pid=${1:-$RCFS_DAEMON_PID}
	kill -TERM "$pid" || return 1
	wait "$pid"
}

# rcfs_fixture: the usual layout under $RCFS_TMP:
#   backing/        the backing directory
#   default.conf    the default file
#   mp              a regular file to mount on, with the host's content
rcfs_fixture() {
	BACKING=$RCFS_TMP/backing
	DEFAULT=$RCFS_TMP/default.conf
	MP=$RCFS_TMP/mp
	mkdir -p "$BACKING"
	printf 'nameserver 198.51.100.1\n# default\n' > "$DEFAULT"
	printf 'nameserver 203.0.113.1\n# host\n' > "$MP"
}

# rcfs_fixture_ns VAR...: rcfs_fixture, and a named namespace for each
# VAR, its name in VAR: rcfs_name a for the first, b for the second, ...
rcfs_fixture_ns() {
	local _var _tags=(a b c d e f) _i=0
	rcfs_fixture
	for _var in "$@"; do
		printf -v "$_var" '%s' "$(rcfs_name "${_tags[_i]}")"
		_i=$((_i + 1))
		rcfs_ns_add "${!_var}" || return 1
	done
}

# in_ns NAME CMD...: run CMD in the named network namespace via nsenter
in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" -- "$@"
}

# rcfs_dns_serve NS|- ADDRESS NAME ANSWER: a dnsmasq in NS ("-": the host's
# namespace) on ADDRESS:53 that answers NAME with ANSWER and knows
# nothing else; ended at teardown
rcfs_dns_serve() {
	local ns=$1 addr=$2 name=$3 answer=$4 tag pid deadline enter=()
	tag="$ns-$addr"
	[ "$ns" = - ] || enter=(nsenter --net="/run/netns/$ns")
	"${enter[@]}" /usr/sbin/dnsmasq --keep-in-foreground \
		--no-resolv --no-hosts --user=root --port=53 \
		--listen-address="$addr" --bind-interfaces \
		--address="/$name/$answer" \
		--pid-file="$RCFS_TMP/dnsmasq-$tag.pid" \
		--log-facility="$RCFS_TMP/dnsmasq-$tag.log" \
		>/dev/null 2>&1 3>&- &
	pid=$!
	rcfs_track_pid "$pid"
	# nsenter execs dnsmasq: $! is the server, which writes its pid file
	# once its socket is bound
	deadline=$((SECONDS + 10))
	until [ "$(cat "$RCFS_TMP/dnsmasq-$tag.pid" 2>/dev/null)" = "$pid" ]; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.02
	done
}

# rcfs_sbin_overlay: make the built mount.resolvconffs (also as
# mount.fuse.resolvconffs) and resolvconffs appear in /usr/sbin (/sbin),
# where mount(8) looks for mount.TYPE and mount.fuse3 for the daemon, through an overlay that exists only in the
# suite's private mount namespace.  From setup_file; undo with
# rcfs_sbin_overlay_remove in teardown_file.  Exports RCFS_SBIN_OVERLAY.
rcfs_sbin_overlay() {
	local dir
	dir=$(mktemp -d "/tmp/rcfs-sbin-$$-XXXXXX") || return 1
	mkdir "$dir/upper" "$dir/work"
	ln -s "$MOUNT_HELPER" "$dir/upper/mount.resolvconffs"
	ln -s "$MOUNT_HELPER" "$dir/upper/mount.fuse.resolvconffs"
	ln -s "$RESOLVCONFFS" "$dir/upper/resolvconffs"
	mount -t overlay rcfs-sbin \
		-o "lowerdir=/usr/sbin,upperdir=$dir/upper,workdir=$dir/work" \
		/usr/sbin || { rm -rf "$dir"; return 1; }
	export RCFS_SBIN_OVERLAY=$dir
}

rcfs_sbin_overlay_remove() {
	[ -n "${RCFS_SBIN_OVERLAY:-}" ] || return 0
	umount /usr/sbin && rm -rf "$RCFS_SBIN_OVERLAY"
}

# rcfs_state_file MOUNTPOINT: the file in which the daemon serving
# MOUNTPOINT publishes its state, /run/resolvconffs/MAJOR:MINOR
rcfs_state_file() {
	local p dev
	p=$(rcfs_abspath "$1")
	dev=$(awk -v p="$p" '$5 == p && $0 ~ / - fuse\.resolvconffs / { d = $3 }
		END { print d }' /proc/self/mountinfo)
	[ -n "$dev" ] || return 1
	echo "/run/resolvconffs/$dev"
}

# rcfs_state MOUNTPOINT KEY: a value the daemon serving MOUNTPOINT
# published (host_source, host_kind, callers, pid, ...)
rcfs_state() {
	local file
	file=$(rcfs_state_file "$1") || return 1
	sed -n "s/^$2=//p" "$file"
}

# rcfs_daemon_pid MOUNTPOINT: the PID the daemon serving MOUNTPOINT
# published
rcfs_daemon_pid() {
	rcfs_state "$1" pid
}

# rcfs_server_pid MOUNTPOINT: the PID of the process serving MOUNTPOINT's
# requests (the daemon's PID is its keeper's), once one serves
rcfs_server_pid() {
	local pid
	pid=$(rcfs_state "$1" server) || return 1
	[ -n "$pid" ] && [ "$pid" != 0 ] && echo "$pid"
}

# rcfs_make_var NAME [ASSIGNMENT...]: a variable of the build's Makefile,
# as configured or with the ASSIGNMENTs (prefix=/usr)
rcfs_make_var() {
	local name=$1
	shift
	printf 'print-%%:\n\t@echo $($*)\n' |
		make -s --no-print-directory -C "$RCFS_BUILD" -f Makefile -f - \
			"$@" "print-$name"
}

# ---- reliability: load, faults, hostile input ---------------------------
RCFS_STRESS_BIN=$RCFS_BUILD/tests/helpers/rcfs-stress

# rcfs_stress_full: RCFS_STRESS=full asks for the issue's full figures
# (a million reads, 10,000 rewrites and namespaces); the default is a
# smaller run that fits the CI's time.
rcfs_stress_full() {
	[ "${RCFS_STRESS:-}" = full ]
}

# rcfs_stress_fixture: rcfs_fixture with the backing directory on a tmpfs
# (a stress test is about the daemon, not about how long the disk under
# /tmp takes to fsync), and three named namespaces NS[0..2], each with
# its file's generation 0 from rcfs-stress gen; NSARGS names them the way
# rcfs-stress takes them (NETNS:NAME)
rcfs_stress_fixture() {
	local i
	rcfs_fixture
	mount -t tmpfs -o size=64m rcfs-backing "$BACKING" || return 1
	rcfs_track_mount "$BACKING"
	NS=()
	for i in 1 2 3; do
		NS+=("$(rcfs_name "s$i")")
	done
	rcfs_ns_add "${NS[@]}" || return 1
	NSARGS=()
	for i in 0 1 2; do
		"$RCFS_STRESS_BIN" gen "${NS[i]}" 0 > "$BACKING/${NS[i]}.conf" ||
			return 1
		NSARGS+=("/run/netns/${NS[i]}:${NS[i]}")
	done
}

# rcfs_figure TEXT: print a figure into the TAP output
rcfs_figure() {
	echo "# figure: $*" >&3
}

# figure KEY LINE: the value of KEY=... in a result line such as a test
# helper's "reads=N bad=N ..."
figure() {
	sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<< "$2"
}

# rcfs_proc_rss_kb PID, rcfs_proc_fds PID: memory and open descriptors
rcfs_proc_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

rcfs_proc_fds() {
	local fds=("/proc/$1/fd/"*)
	echo "${#fds[@]}"
}

# rcfs_files DIR: every entry beneath DIR, one a line, sorted (to compare
# a backing directory before and after)
rcfs_files() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort)
}

# rcfs_sanitized: the binaries are built with AddressSanitizer (their
# memory use then says nothing about ours)
rcfs_sanitized() {
	grep -q __asan_init "$RESOLVCONFFS" 2>/dev/null
}

# Sanitizer builds: libfuse cancels its worker threads at exit
# (pthread_cancel), and a cancelled thread's stack keeps
# AddressSanitizer's redzones; ASan's own teardown of the thread's signal
# stack then reports a stack-buffer-overflow that is not ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-use_sigaltstack=0:detect_leaks=1}
