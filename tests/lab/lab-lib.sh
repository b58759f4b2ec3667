# SPDX-License-Identifier: GPL-2.0-or-later
#
# lab-lib.sh - kernel lab helpers: build and tear down the three-namespace
# topology the replay tool injects into.  Source it from bash:
#
#   . "$top_srcdir/tests/lab/lab-lib.sh"
#   lab_check || skip "$LAB_SKIP_REASON"
#   lab_setup [KEY=VALUE]...      # sysctls for the firewall namespace only
#   ... ip netns exec "$LAB_INJ" ctlab-replay --dev "$LAB_INJ_DEV" ...
#   lab_teardown                  # also run from the EXIT/INT/TERM trap
#
#   injector ns  [$LAB_INJ_DEV] ==veth== [$LAB_FW_IN]  firewall ns
#   firewall ns  [$LAB_FW_OUT]  ==veth== [$LAB_SNK_DEV] sink ns
#
# The firewall forwards everything (IPv4 and IPv6 default routes towards the
# sink with permanent neighbour entries, so every packet is routed and its
# conntrack entry confirmed).  It has no IPv4/global IPv6 address of its own,
# so no replayed address can be local to it.  An inet table with
# `ct state invalid counter log prefix "${LAB_PREFIX}i "` switches conntrack
# on and logs every packet conntrack marked INVALID; the same chain, at
# priority -150 (after conntrack) raises TTL / hop limit <= 1 so such
# packets are forwarded and their flow stays tracked.  A netdev ingress chain
# logs the replay tool's marker frames (ethertype 0x88b5) with $LAB_PREFIX
# and drops them.
#
# net.netfilter.nf_log_all_netns is global.  Several labs may run at once, so
# it is reference counted under a lock: the first user saves the original
# value, the last one restores it (stale users whose process died are
# dropped).  Nothing is attached to the root namespace.

LAB_LOCK=/run/ctlab-nf_log_all_netns.lock
LAB_REFDIR=/run/ctlab-nf_log_all_netns.d
LAB_NSDIR=/run/ctlab-netns.d
LAB_MARKER_ETHERTYPE=0x88b5
LAB_ALLNETNS=/proc/sys/net/netfilter/nf_log_all_netns

# lab_check: 0 when the lab can run here, else 1 with $LAB_SKIP_REASON set.
lab_check()
{
	LAB_SKIP_REASON=
	if [ "$(id -u)" != 0 ]; then
		LAB_SKIP_REASON="kernel lab needs root"
	elif ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
		LAB_SKIP_REASON="no 'ip netns' (iproute2)"
	elif ! command -v nft >/dev/null 2>&1; then
		LAB_SKIP_REASON="no nft (nftables)"
	elif [ ! -r /dev/kmsg ] || [ ! -w /dev/kmsg ]; then
		LAB_SKIP_REASON="no readable /dev/kmsg"
	elif [ ! -e "$LAB_ALLNETNS" ]; then
		LAB_SKIP_REASON="kernel has no net.netfilter.nf_log_all_netns"
	fi
	[ -z "$LAB_SKIP_REASON" ]
}

# Drop registrations whose process is gone.  Called with the lock held.
lab__refs_prune()
{
	local f pid
	for f in "$LAB_REFDIR"/user.*; do
		[ -e "$f" ] || continue
		pid=${f##*.}	# user.[ID.]PID: the PID is always last
		kill -0 "$pid" 2>/dev/null || rm -f "$f"
	done
}

lab__refs_any()
{
	local f
	for f in "$LAB_REFDIR"/user.*; do
		[ -e "$f" ] && return 0
	done
	return 1
}

# Register this lab (owner PID + lab id) as a user of nf_log_all_netns=1.
lab_allnetns_get()
{
	(
		flock -w 30 9 || { echo "lab: cannot lock $LAB_LOCK" >&2; exit 1; }
		mkdir -p "$LAB_REFDIR" || exit 1
		lab__refs_prune
		# The value before any lab.  A saved value left by a lab that
		# died without its teardown is still that value (the current
		# one is the dead lab's 1), so it is kept.
		if [ ! -e "$LAB_REFDIR/saved" ]; then
			cat "$LAB_ALLNETNS" > "$LAB_REFDIR/saved" || exit 1
		fi
		: > "$LAB_REFDIR/user.$LAB_ID.$LAB_OWNER" || exit 1
		echo 1 > "$LAB_ALLNETNS" || exit 1
	) 9>"$LAB_LOCK"
}

# Unregister; the last user restores the saved value.
lab_allnetns_put()
{
	[ -d "$LAB_REFDIR" ] || return 0
	(
		flock -w 30 9 || { echo "lab: cannot lock $LAB_LOCK" >&2; exit 1; }
		rm -f "$LAB_REFDIR/user.$LAB_ID.$LAB_OWNER"
		lab__refs_prune
		if ! lab__refs_any && [ -e "$LAB_REFDIR/saved" ]; then
			cat "$LAB_REFDIR/saved" > "$LAB_ALLNETNS"
			rm -f "$LAB_REFDIR/saved"
		fi
	) 9>"$LAB_LOCK"
}

# Delete namespaces left behind by labs whose process died (SIGKILL...):
# each lab registers "$LAB_NSDIR/ID" holding its owner PID.
lab_prune_stale()
{
	local f id pid ns
	[ -d "$LAB_NSDIR" ] || return 0
	for f in "$LAB_NSDIR"/*; do
		[ -f "$f" ] || continue
		id=${f##*/}
		pid=$(cat "$f" 2>/dev/null)
		case $pid in ''|*[!0-9]*) continue ;; esac
		kill -0 "$pid" 2>/dev/null && continue
		for ns in "ctlab-inj-$id" "ctlab-fw-$id" "ctlab-snk-$id"; do
			ip netns del "$ns" 2>/dev/null
		done
		rm -f "$f"
	done
}

lab_teardown()
{
	local ns
	for ns in $LAB_NAMESPACES; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "${LAB_ID:-}" ] && rm -f "$LAB_NSDIR/$LAB_ID"
	LAB_NAMESPACES=
	if [ -n "$LAB_ALLNETNS_HELD" ]; then
		lab_allnetns_put
		LAB_ALLNETNS_HELD=
	fi
}

# Install the cleanup trap (EXIT, INT, TERM, HUP).  Callers with their own
# EXIT work call lab_teardown from their trap instead.
lab_trap()
{
	trap 'lab_teardown' EXIT
	trap 'lab_teardown; trap - EXIT; exit 130' INT
	trap 'lab_teardown; trap - EXIT; exit 143' TERM HUP
}

# Normalise a sysctl name: "nf_conntrack_tcp_loose" ->
# "net.netfilter.nf_conntrack_tcp_loose"; slashes become dots.
lab_sysctl_name()
{
	local k=$1
	k=${k//\//.}
	case $k in
	net.*|kernel.*|vm.*|fs.*) ;;
	*) k=net.netfilter.$k ;;
	esac
	printf '%s\n' "$k"
}

# Read a "key = value" sidecar file; print normalised KEY=VALUE lines.
lab_sysctl_file()
{
	local line k v
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		case $line in *=*) ;; *) continue ;; esac
		k=${line%%=*}; v=${line#*=}
		k=$(printf '%s' "$k" | tr -d ' \t')
		v=$(printf '%s' "$v" | sed 's/^[ \t]*//; s/[ \t]*$//')
		[ -n "$k" ] || continue
		printf '%s=%s\n' "$(lab_sysctl_name "$k")" "$v"
	done < "$1"
}

# lab_setup [KEY=VALUE]...: build the topology.  Sets LAB_INJ LAB_FW LAB_SNK
# (namespaces), LAB_INJ_DEV LAB_FW_IN LAB_FW_OUT LAB_SNK_DEV (devices),
# LAB_FW_MAC (MAC of the firewall ingress), LAB_PREFIX (marker log prefix),
# LAB_SYSCTLS (the applied KEY=VALUE list).  Returns non-zero on failure
# (whatever was created is still torn down by lab_teardown).
lab_setup()
{
	local id kv k v snk_mac
	LAB_OWNER=${LAB_OWNER:-$$}
	# Unique per run: PID plus a random part (several labs in one process).
	id=$(printf '%x%04x' "$LAB_OWNER" "$((RANDOM & 0xffff))")
	[ ${#id} -le 9 ] || id=${id: -9}
	LAB_ID=$id
	LAB_INJ=ctlab-inj-$id
	LAB_FW=ctlab-fw-$id
	LAB_SNK=ctlab-snk-$id
	LAB_INJ_DEV=cti$id
	LAB_FW_IN=ctf$id
	LAB_FW_OUT=cto$id
	LAB_SNK_DEV=cts$id
	LAB_PREFIX="ctlabm$id"
	LAB_SYSCTLS=
	LAB_NAMESPACES=

	lab_prune_stale
	mkdir -p "$LAB_NSDIR" && echo "$LAB_OWNER" > "$LAB_NSDIR/$LAB_ID" || return 1
	lab_allnetns_get || return 1
	LAB_ALLNETNS_HELD=1

	for ns in "$LAB_INJ" "$LAB_FW" "$LAB_SNK"; do
		ip netns add "$ns" || return 1
		LAB_NAMESPACES="$LAB_NAMESPACES $ns"
		ip -n "$ns" link set lo up || return 1
	done
	ip -n "$LAB_INJ" link add "$LAB_INJ_DEV" type veth peer name "$LAB_FW_IN" netns "$LAB_FW" || return 1
	ip -n "$LAB_FW" link add "$LAB_FW_OUT" type veth peer name "$LAB_SNK_DEV" netns "$LAB_SNK" || return 1

	# Quiet injector and sink: no IPv6 autoconf traffic into the firewall.
	ip netns exec "$LAB_INJ" sysctl -qw "net.ipv6.conf.$LAB_INJ_DEV.disable_ipv6=1" || return 1
	ip netns exec "$LAB_SNK" sysctl -qw "net.ipv6.conf.$LAB_SNK_DEV.disable_ipv6=1" || return 1

	ip netns exec "$LAB_FW" sh -e -c "
		sysctl -qw net.ipv4.ip_forward=1
		sysctl -qw net.ipv4.conf.all.rp_filter=0
		sysctl -qw net.ipv4.conf.default.rp_filter=0
		sysctl -qw net.ipv4.conf.$LAB_FW_IN.rp_filter=0
		sysctl -qw net.ipv4.conf.$LAB_FW_OUT.rp_filter=0
		sysctl -qw net.ipv6.conf.all.forwarding=1
		sysctl -qw net.ipv6.conf.default.forwarding=1
		sysctl -qw net.ipv6.conf.all.accept_dad=0
		sysctl -qw net.ipv6.conf.$LAB_FW_IN.accept_dad=0
		sysctl -qw net.ipv6.conf.$LAB_FW_OUT.accept_dad=0
		sysctl -qw net.ipv6.conf.$LAB_FW_IN.accept_ra=0
		sysctl -qw net.ipv6.conf.$LAB_FW_OUT.accept_ra=0
	" || return 1

	for d in "$LAB_INJ:$LAB_INJ_DEV" "$LAB_FW:$LAB_FW_IN" "$LAB_FW:$LAB_FW_OUT" "$LAB_SNK:$LAB_SNK_DEV"; do
		ip -n "${d%%:*}" link set "${d#*:}" mtu 65535 2>/dev/null ||
			ip -n "${d%%:*}" link set "${d#*:}" mtu 9000 || return 1
		ip netns exec "${d%%:*}" ethtool -K "${d#*:}" tso off gso off gro off tx off rx off \
			>/dev/null 2>&1
		ip -n "${d%%:*}" link set "${d#*:}" up || return 1
	done

	snk_mac=$(ip netns exec "$LAB_SNK" cat "/sys/class/net/$LAB_SNK_DEV/address") || return 1
	LAB_FW_MAC=$(ip netns exec "$LAB_FW" cat "/sys/class/net/$LAB_FW_IN/address") || return 1

	ip -n "$LAB_FW" route add default via 203.0.113.254 dev "$LAB_FW_OUT" onlink || return 1
	ip -n "$LAB_FW" neigh replace 203.0.113.254 lladdr "$snk_mac" dev "$LAB_FW_OUT" nud permanent || return 1
	ip -n "$LAB_FW" -6 route add default via fe80::1 dev "$LAB_FW_OUT" || return 1
	ip -n "$LAB_FW" -6 neigh replace fe80::1 lladdr "$snk_mac" dev "$LAB_FW_OUT" nud permanent || return 1

	ip netns exec "$LAB_FW" nft -f - <<EOF || return 1
table inet ctlab {
	chain pre {
		type filter hook prerouting priority -150; policy accept;
		ct state invalid counter log prefix "${LAB_PREFIX}i "
		ip ttl < 2 ip ttl set 64
		ip6 hoplimit < 2 ip6 hoplimit set 64
	}
}
table netdev ctlabm {
	chain in {
		type filter hook ingress device "$LAB_FW_IN" priority 0; policy accept;
		ether type $LAB_MARKER_ETHERTYPE log prefix "$LAB_PREFIX " drop
	}
}
EOF
	ip netns exec "$LAB_FW" sh -e -c "
		echo nf_log_netdev > /proc/sys/net/netfilter/nf_log/5 2>/dev/null || true
		sysctl -qw net.netfilter.nf_conntrack_log_invalid=255
	" || return 1

	for kv in "$@"; do
		case $kv in *=*) ;; *) echo "lab: bad sysctl '$kv' (want KEY=VALUE)" >&2; return 1 ;; esac
		k=$(lab_sysctl_name "${kv%%=*}")
		v=${kv#*=}
		ip netns exec "$LAB_FW" sysctl -qw "$k=$v" || {
			echo "lab: cannot set $k=$v in the firewall namespace" >&2
			return 1
		}
		LAB_SYSCTLS="$LAB_SYSCTLS $k=$v"
	done
	return 0
}
