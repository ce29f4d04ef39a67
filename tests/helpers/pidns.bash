# Sourced by the scripts that tests run in a pid namespace of their own
# (unshare -p -f --mount-proc bash SCRIPT), where the suite's helpers are
# not loaded.

# pidns_daemon LOG DAEMON ARGS... MOUNTPOINT: start DAEMON with its
# arguments, stderr to LOG, and wait (10 s at most) for its mount; its PID
# goes to DPID
pidns_daemon() {
	local log=$1 mp=${!#} deadline
	shift
	"$@" 2>"$log" 3>&- &
	DPID=$!
	deadline=$((SECONDS + 10))
	until grep -q " $mp .* fuse\.resolvconffs " /proc/self/mountinfo; do
		[ $SECONDS -lt $deadline ] || { echo "no mount"; exit 1; }
		sleep 0.02
	done
}
