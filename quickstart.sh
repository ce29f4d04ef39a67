#!/bin/bash
# resolvconffs quick start for Debian 12, as root.
#
#   ./quickstart.sh            install build dependencies, build, and show two
#                              network namespaces seeing different
#                              /etc/resolv.conf files, inside a private mount
#                              namespace: the host's files are not touched
#   ./quickstart.sh --install  the same build, then `make install` (prefix /usr)
#   ./quickstart.sh --test     the same build, then the whole test suite, and
#                              the core tests again under ASan and UBSan with
#                              a short fuzz run (FUZZ_SECONDS each, default 10)
#
# Exit status: 0 success, 1 failure, 2 usage.
set -euo pipefail

PACKAGES=(
	build-essential autoconf automake libtool pkg-config
	fuse3 libfuse3-dev libmnl-dev libsmartcols-dev
	iproute2 util-linux procps
	bats bats-assert bats-support bats-file
	dnsmasq-base jq bash-completion zsh fish man-db python3
	clang libclang-rt-14-dev valgrind
	bpftool libbpf-dev strace attr
	mmdebstrap systemd-container
)

mode=demo
case "${1:-}" in
"") ;;
--install) mode=install ;;
--test) mode=test ;;
-h|--help)
	sed -n '2,14s/^# \{0,1\}//p' "$0"
	exit 0 ;;
*)
	echo "quickstart.sh: unknown argument \"$1\" (try --help)" >&2
	exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
	echo "quickstart.sh: run as root (it installs packages, mounts and creates namespaces)" >&2
	exit 1
fi
cd "$(dirname "$0")"
src=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

# The whole suite on this build, then the core tests again on a build with
# ASan and UBSan and a short run of every fuzz target.  The last line adds
# up both: "N passed, N failed, N skipped".
SANITIZED_TESTS=(tests/daemon/mapping.bats tests/daemon/files.bats
	tests/daemon/atomic.bats tests/daemon/keys.bats tests/netnsctl/files.bats
	tests/writes/publish.bats tests/writes/host.bats
	tests/security/handles.bats)
run_tests() {
	local log status=0 p=0 f=0 s=0 line
	log=$(mktemp /tmp/resolvconffs-tests-XXXXXX)
	step "Running the test suite"
	make -s check 2>&1 | tee "$log" || status=1
	step "Sanitizers (ASan, UBSan) and fuzzing"
	FUZZ_SECONDS=${FUZZ_SECONDS:-10} tests/sanitize /tmp/resolvconffs-san \
		"${SANITIZED_TESTS[@]}" 2>&1 | tee -a "$log" || status=1
	while read -r line; do
		set -- $line
		p=$((p + $1)) f=$((f + $3)) s=$((s + ${5:-0}))
	done < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tr -d ',')
	rm -f "$log"
	# a build or fuzz failure has no test line of its own
	[ "$status" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	echo
	echo "$p passed, $f failed, $s skipped"
	[ "$status" -eq 0 ] && [ "$f" -eq 0 ]
	exit
}

step "Installing build and test dependencies"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -q
apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${PACKAGES[@]}"

step "Building"
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var --enable-werror --enable-bpf
make -j"$(nproc)"

case $mode in
install)
	step "Installing into /usr"
	make install
	echo "Installed. See README.md, 'Mounting at boot', for the fstab line."
	exit 0 ;;
test)
	run_tests ;;
esac

step "Demonstration (in a private mount namespace; the host is not touched)"
exec unshare --mount --propagation private -- bash -euo pipefail -c '
	src=$1
	say() { printf "\n\$ %s\n" "$*"; }
	demo=$(mktemp -d /tmp/resolvconffs-demo-XXXXXX)
	trap "kill \$daemon 2>/dev/null; wait \$daemon 2>/dev/null; \
	      ip netns delete red 2>/dev/null; ip netns delete blue 2>/dev/null; \
	      rm -rf $demo" EXIT
	mount -t tmpfs demo-run /run
	# no service manager waits on this daemon: a NOTIFY_SOCKET inherited
	# (as in a container) leads into the /run just hidden
	unset NOTIFY_SOCKET
	mkdir -p /run/netns "$demo/backing"
	echo "nameserver 192.0.2.1   # default: namespaces without a file" \
		> "$demo/default.conf"

	say ip netns add red\; ip netns add blue
	ip netns add red
	ip netns add blue
	echo "nameserver 10.0.0.53   # red" > "$demo/backing/red.conf"
	echo "nameserver 10.9.9.53   # blue" > "$demo/backing/blue.conf"

	say resolvconffs -d $demo/default.conf $demo/backing /etc/resolv.conf \&
	"$src/daemon/resolvconffs" -d "$demo/default.conf" "$demo/backing" /etc/resolv.conf &
	daemon=$!
	for _ in $(seq 200); do
		grep -q " /etc/resolv.conf .* fuse.resolvconffs " /proc/self/mountinfo && break
		sleep 0.05
	done

	say cat /etc/resolv.conf "   # the host: its own file"
	cat /etc/resolv.conf
	say ip netns exec red cat /etc/resolv.conf
	ip netns exec red cat /etc/resolv.conf
	say nsenter --net=/run/netns/blue cat /etc/resolv.conf
	nsenter --net=/run/netns/blue cat /etc/resolv.conf
	say unshare -n cat /etc/resolv.conf "   # anonymous: the default"
	unshare -n cat /etc/resolv.conf
	say netnsctl set red nameserver 10.0.0.54 search red.example
	"$src/netnsctl/netnsctl" set red nameserver 10.0.0.54 search red.example
	say nsenter --net=/run/netns/red cat /etc/resolv.conf
	nsenter --net=/run/netns/red cat /etc/resolv.conf
	say netnsctl path red
	"$src/netnsctl/netnsctl" path red
' demo "$src"
