# Helpers of the write tests (tests/writes/): readers that count what
# they saw, and waiting for the daemon to be done with a writer.
#   load ../helpers/common
#   load ../helpers/writes

RCFS_FDOPS=$RCFS_BUILD/tests/helpers/rcfs-fdops

# A reader's loop, run where the reader is (a namespace, the host):
#   bash -c "$READ_LOOP" _ FILE WANTFILE N
# reads FILE N times whole (open, read to the end, close) and compares
# each read with WANTFILE's content; prints "reads=N bad=N" and the
# first bad read, quoted.
READ_LOOP='
want= c= first= bad=0
IFS= read -r -d "" want < "$2"
for ((i = 0; i < $3; i++)); do
	c=
	IFS= read -r -d "" c < "$1"
	if [ "$c" != "$want" ]; then
		bad=$((bad + 1))
		[ -n "$first" ] || first=$(printf "%q" "$c")
	fi
done
echo "reads=$3 bad=$bad"
[ -z "$first" ] || echo "first bad read: $first"'

# wait_for_file PATH [SECONDS]: poll until PATH exists
wait_for_file() {
	local deadline=$((SECONDS + ${2:-30}))
	until [ -e "$1" ]; do
		[ $SECONDS -lt $deadline ] || { echo "no $1" >&2; return 1; }
		sleep 0.02
	done
}

# daemon_settled BASE: wait (10 s at most) until the daemon holds no more
# than BASE descriptors: a writer's last close (RELEASE) reaches the
# daemon after close(2) returned, and the daemon lets go of the writer's
# files then
daemon_settled() {
	local deadline=$((SECONDS + 10))
	until [ "$(rcfs_proc_fds "$(rcfs_server_pid "$MP")")" -le "$1" ]; do
		[ $SECONDS -lt $deadline ] || {
			echo "the daemon still holds $(rcfs_proc_fds "$(rcfs_server_pid "$MP")") descriptors, not $1" >&2
			return 1
		}
		sleep 0.02
	done
}
