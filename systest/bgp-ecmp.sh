#!/usr/bin/env bash
# BGP + ECMP through real BIRD 2, for real (issue 18 / SPEC §13).
#
# Builds inside network namespaces it creates itself (all named pmbgp-<pid>-*):
#   - a switch (bridge) joining a router, three Pointsman nodes (n1-n3) and a server
#     namespace with three backends, on 198.18.0.0/24;
#   - a client namespace behind the router (198.18.1.0/24) with ten source addresses;
#   - the router runs BIRD with one eBGP session per node (BFD 100 ms x 5) and installs the
#     shared address 198.18.100.1 as one ECMP route (L4 hash); it pins each connection to the
#     node it first went to (nftables conntrack mark -> fwmark table), as a stateful router
#     or L4 tier does, so a withdrawal moves new connections only;
#   - each node runs its own BIRD whose bird.conf includes the file its Pointsman renders
#     (bgp.config_path) and exports `where source = RTS_STATIC`, and holds the shared
#     address on lo.
# One central git repo drives the three nodes. Checks, with the figures printed:
#   1. traffic from the clients spreads over the three nodes;
#   2. balance: source sends one client to one server whichever node its connections reach;
#   3. a planned stop (SIGTERM) of n1 under load: withdrawn, drained, closed; 0 requests and
#      0 connections lost (slow requests in flight on n1 finish); n1 back: announced again;
#   4. a refused commit (not a host route) never withdraws: the router keeps three next hops;
#   5. a crash of n2's Pointsman alone (SIGKILL, its BIRD up): the crash guard withdraws,
#      the router drops n2 within 1 s;
#   6. n3 goes dark (link down, then its BIRD and Pointsman killed): BFD on the router drops
#      it within 1 s and the clients are served by n1 and n2.
# Everything started is stopped (by PID) and every namespace deleted at the end, also on
# failure. Skips (exit 0, clear message) where namespaces cannot be made.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$root/agent/target/pointsman.jar"
tag="pmbgp-$$"                  # namespaces
link="pmb$$"                    # veth names while they are in the root namespace (<= 15 chars)
work="$(mktemp -d /tmp/pointsman-bgp.XXXXXX)"
VIP=198.18.100.1
PORT=8080
DRAIN_S=5
NODES=(n1 n2 n3)
declare -A NODE_IP=([n1]=198.18.0.11 [n2]=198.18.0.12 [n3]=198.18.0.13)
CLIENTS=(198.18.1.10 198.18.1.11 198.18.1.12 198.18.1.13 198.18.1.14 198.18.1.15 198.18.1.16 198.18.1.17 198.18.1.18 198.18.1.19)
declare -a PIDS=()
declare -a NETNS=()
declare -A PM_PID=()
declare -A BIRD_PID=()
# JVMs on a small shared machine: one GC thread, C1 only; they serve test traffic, not benchmarks.
JAVA=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m)

log() { printf '[bgp %s] %s\n' "$(date +%H:%M:%S.%3N)" "$*"; }
passed=0
pass() { passed=$((passed + 1)); log "ok $passed: $*"; }
failure=""
fail() { failure="$*"; log "FAIL: $*"; echo "bgp-ecmp: $passed passed, 1 failed"; exit 1; }

cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for n in "${NETNS[@]}"; do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill "$pid" 2>/dev/null; done
  done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for n in "${NETNS[@]}"; do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  done
  for ns in "${NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ $rc -ne 0 ]; then
    log "logs kept in $work"
    for f in "$work"/*/pointsman.log "$work"/*/bird.log; do
      [ -f "$f" ] && { echo "--- $f (last 25 lines)"; tail -n 25 "$f"; }
    done
    [ -n "$failure" ] && { log "FAIL (repeated after the logs): $failure"; echo "bgp-ecmp: $passed passed, 1 failed"; }
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

# ---------------------------------------------------------------- preconditions
if [ "$(id -u)" != 0 ] || ! ip netns add "${tag}-probe" 2>/dev/null; then
  echo "bgp-ecmp: SKIPPED: cannot create network namespaces here (needs root and ip netns)"
  echo "bgp-ecmp: 0 passed, 0 failed, 1 skipped"
  exit 0
fi
ip netns del "${tag}-probe"
for cmd in bird birdc nft curl git java; do
  command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || fail "$cmd is not installed (./test installs it)"
done
BIRD="$(command -v bird || echo /usr/sbin/bird)"
BIRDC="$(command -v birdc || echo /usr/sbin/birdc)"
NFT="$(command -v nft || echo /usr/sbin/nft)"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)

ns() { echo "${tag}-$1"; }
# Background processes are started with `ip netns exec` directly (it execs, so $! is the
# process itself); in_ns is for foreground commands.
in_ns() { local n; n="$(ns "$1")"; shift; ip netns exec "$n" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Timings come from the kernel's own notifications, not from polling: `ip -ts monitor` in the
# router (route changes) and the switch (link changes) stamps every event, and clock_ms gives
# the same clock (milliseconds since local midnight) for the moment an action starts.
clock_ms() { date +%H:%M:%S.%N | awk -F: '{printf "%d\n", ($1 * 3600 + $2 * 60 + $3) * 1000}'; }
utc_ms() { date -u +%H:%M:%S.%N | awk -F: '{printf "%d\n", ($1 * 3600 + $2 * 60 + $3) * 1000}'; }
# log_utc_ms 2026-12-07T16:32:07.191Z: the agent's log time as utc_ms gives it.
log_utc_ms() { echo "${1#*T}" | tr -d Z | awk -F: '{printf "%d\n", ($1 * 3600 + $2 * 60 + $3) * 1000}'; }
# route_event T0 present|absent NODE: when (clock_ms) the router's route to the shared address
# first changed, at or after T0, to one with (present) or without (absent) NODE as a next hop.
route_event() {
  awk -v t0="$1" -v want="$2" -v hop="via ${NODE_IP[$3]} " -v vip="$VIP " '
    function stamp(s,  p) { split(substr(s, 13, 15), p, ":"); return int((p[1] * 3600 + p[2] * 60 + p[3]) * 1000) }
    function judge() {
      if (ev == "" || ts < t0 || !(index(ev, vip) == 1 || index(ev, "Deleted " vip) == 1)) return
      absent = (index(ev, "Deleted") == 1) || index(ev, hop) == 0
      if ((want == "absent") == absent) { print ts; found = 1; exit }
    }
    /^\[/ { judge(); ts = stamp($1); ev = substr($0, index($0, "]") + 2); next }
    { ev = ev " " $0 }
    END { if (!found) judge() }' "$work/r/routes.log"
}
# link_event T0 NAME: when the switch saw its port NAME lose its carrier, at or after T0.
link_event() {
  awk -v t0="$1" -v port="$2" '
    function stamp(s,  p) { split(substr(s, 13, 15), p, ":"); return int((p[1] * 3600 + p[2] * 60 + p[3]) * 1000) }
    /^\[/ && index($0, port "@") && (index($0, "NO-CARRIER") || index($0, "state DOWN")) {
      ts = stamp($1); if (ts >= t0) { print ts; exit } }' "$work/sw/links.log"
}
# since T0 present|absent NODE LIMIT_S: waits for that route event, prints its delay from T0 in ms.
since() {
  local t0=$1 want=$2 node=$3 limit=$4 at="" deadline=$((SECONDS + $4))
  while [ -z "$at" ]; do
    at=$(route_event "$t0" "$want" "$node")
    [ -n "$at" ] && break
    [ $SECONDS -lt $deadline ] || fail "timed out after ${limit}s waiting for $node $want in the router's route"
    sleep 0.05
  done
  echo $(( at - t0 ))
}
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${limit}s waiting for: $what"
    sleep 0.1
  done
}

# ---------------------------------------------------------------- topology
log "building namespaces ($tag-*) in $work"
for n in sw r cl srv "${NODES[@]}"; do ip netns add "$(ns $n)"; NETNS+=("$(ns $n)"); in_ns $n ip link set lo up; done
in_ns sw ip link add br0 type bridge
in_ns sw ip link set br0 up
attach() { # attach NAME ADDR...: a veth from the switch to namespace NAME, named eth0 there
  local name=$1; shift
  ip link add "${link}${name}" type veth peer name "${link}${name}p"
  ip link set "${link}${name}" netns "$(ns sw)"
  ip link set "${link}${name}p" netns "$(ns "$name")"
  in_ns sw ip link set "${link}${name}" master br0
  in_ns sw ip link set "${link}${name}" up
  in_ns "$name" ip link set "${link}${name}p" name eth0
  for a in "$@"; do in_ns "$name" ip addr add "$a/24" dev eth0; done
  in_ns "$name" ip link set eth0 up
}
attach r 198.18.0.1
attach srv 198.18.0.21 198.18.0.22 198.18.0.23
for n in "${NODES[@]}"; do
  attach "$n" "${NODE_IP[$n]}"
  in_ns "$n" ip addr add "$VIP/32" dev lo            # the shared address: every node accepts it
  in_ns "$n" ip route add default via 198.18.0.1
done
# The clients sit behind the router on a link of their own.
ip link add "${link}cl" type veth peer name "${link}clp"
ip link set "${link}cl" netns "$(ns r)"
ip link set "${link}clp" netns "$(ns cl)"
in_ns r ip link set "${link}cl" name eth1
in_ns r ip addr add 198.18.1.1/24 dev eth1
in_ns r ip link set eth1 up
in_ns cl ip link set "${link}clp" name eth0
for a in "${CLIENTS[@]}"; do in_ns cl ip addr add "$a/24" dev eth0; done
in_ns cl ip link set eth0 up
in_ns cl ip route add default via 198.18.1.1
# Router: forward, and hash flows on L4 (the default hashes addresses only: one client would
# always land on one node).
in_ns r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1

# Router: pin each connection to the next hop its first packet took. The mark a connection
# gets from its next hop routes its later packets through table 100+i (that node only),
# whatever the ECMP route holds by then.
{
  echo "table ip pmpin {"
  echo "  map hop { type ipv4_addr : mark; elements = { 198.18.0.11 : 1, 198.18.0.12 : 2, 198.18.0.13 : 3 } }"
  echo "  chain restore { type filter hook prerouting priority mangle; policy accept;"
  echo "    ip daddr $VIP ct mark != 0 meta mark set ct mark"
  echo "  }"
  echo "  chain pin { type filter hook forward priority filter; policy accept;"
  echo "    ip daddr $VIP ct state new ct mark set rt ip nexthop map @hop"
  echo "  }"
  echo "}"
} > "$work/pin.nft"
in_ns r "$NFT" -f "$work/pin.nft"
for i in 1 2 3; do
  in_ns r ip rule add fwmark "$i" table "10$i"
  in_ns r ip route add "$VIP" via "198.18.0.1$i" table "10$i"
done

# Route and link notifications, stamped, for the timings.
mkdir -p "$work/r" "$work/sw"
ip netns exec "$(ns r)" ip -ts monitor route >"$work/r/routes.log" 2>&1 &
PIDS+=($!)
ip netns exec "$(ns sw)" ip -ts monitor link >"$work/sw/links.log" 2>&1 &
PIDS+=($!)

# ---------------------------------------------------------------- BIRD: router and nodes
mkdir -p "$work/r"
cat > "$work/r/bird.conf" <<CONF
router id 198.18.0.1;
log "$work/r/bird.log" all;
protocol device { scan time 10; }
# One route, every node that announces it as a next hop (ECMP).
protocol kernel { ipv4 { import none; export all; }; merge paths on; }
protocol bfd { interface "eth0" { min rx interval 100 ms; min tx interval 100 ms; multiplier 5; }; }
template bgp lbnode { local 198.18.0.1 as 65000; passive on; bfd on; ipv4 { import all; export none; }; }
protocol bgp n1 from lbnode { neighbor 198.18.0.11 as 65001; }
protocol bgp n2 from lbnode { neighbor 198.18.0.12 as 65001; }
protocol bgp n3 from lbnode { neighbor 198.18.0.13 as 65001; }
CONF
start_bird() { # start_bird NAME
  local n=$1
  ip netns exec "$(ns "$n")" "$BIRD" -f -c "$work/$n/bird.conf" -s "$work/$n/bird.ctl" -P "$work/$n/bird.pid" \
      >>"$work/$n/bird.out" 2>&1 &
  BIRD_PID[$n]=$!
  PIDS+=($!)
}
start_bird r
for n in "${NODES[@]}"; do
  mkdir -p "$work/$n"
  ip="${NODE_IP[$n]}"
  # bird.conf as an operator writes it (examples/bgp-ecmp/bird-node.conf): the include Pointsman
  # renders, BFD, and one eBGP session exporting only the include's static routes.
  cat > "$work/$n/bird.conf" <<CONF
router id $ip;
log "$work/$n/bird.log" all;
protocol device { scan time 10; }
include "$work/$n/pointsman.conf";
protocol bfd { interface "eth0" { min rx interval 100 ms; min tx interval 100 ms; multiplier 5; }; }
protocol bgp uplink {
  local $ip as 65001;
  neighbor 198.18.0.1 as 65000;
  bfd on;
  connect delay time 1; connect retry time 1; error wait time 1, 5;
  ipv4 { import none; export where source = RTS_STATIC; };
}
CONF
  : > "$work/$n/pointsman.conf"   # BIRD needs its include to exist; Pointsman fills it
  start_bird "$n"
done

# ---------------------------------------------------------------- backends
mkdir -p "$work/srv"
ip netns exec "$(ns srv)" "${JAVA[@]}" -jar "$jar" backend --name web1 --bind 198.18.0.21:8081 --name web2 \
    --bind 198.18.0.22:8081 --name web3 --bind 198.18.0.23:8081 >"$work/srv/backend.log" 2>&1 &
PIDS+=($!)

# ---------------------------------------------------------------- central repo
central="$work/central.git"
git init -q --bare -b main "$central"
git clone -q "$central" "$work/checkout" 2>/dev/null
cd "$work/checkout"
git config user.email bgp@test.invalid
git config user.name "bgp test"
mkdir -p hosts
cat > proxy.yaml <<YAML
version: 1
global: { threads: 1 }
frontends:
  - name: web
    mode: http
    bind: ["*:$PORT"]
    default_backend: farm
backends:
  - name: farm
    mode: http
    balance: source
    check: { type: http, path: /health, interval: 1s, rise: 1, fall: 2 }
    servers:
      - { name: web1, address: "198.18.0.21:8081", check: true }
      - { name: web2, address: "198.18.0.22:8081", check: true }
      - { name: web3, address: "198.18.0.23:8081", check: true }
bgp:
  announce: ["$VIP/32"]
  drain: ${DRAIN_S}s
YAML
for n in "${NODES[@]}"; do
  cat > "hosts/$n.yaml" <<YAML
bgp:
  config_path: $work/$n/pointsman.conf
  control_socket: $work/$n/bird.ctl
YAML
done
git add -A && git commit -qm "bgp rig: one shared address, three nodes" && git push -q origin main

# ---------------------------------------------------------------- nodes
start_pointsman() {
  local n=$1
  ip netns exec "$(ns "$n")" "${JAVA[@]}" -jar "$jar" run --repo "$central" --branch main --node "$n" \
      --state-dir "$work/$n/state" --poll 2s --status-bind 127.0.0.1:9900 >>"$work/$n/pointsman.log" 2>&1 &
  PM_PID[$n]=$!
  PIDS+=($!)
}
healthy() { in_ns "$1" curl -fsS -m 1 -o /dev/null http://127.0.0.1:9900/healthz; }
status_of() { in_ns "$1" curl -fsS -m 2 http://127.0.0.1:9900/status; }
# hops: the nodes the router's route to the shared address points at now, e.g. "n1 n2 n3".
hops() {
  local r out=""
  r="$(in_ns r ip -4 route show "$VIP" 2>/dev/null)" || return 1
  for n in "${NODES[@]}"; do [[ "$r" == *"via ${NODE_IP[$n]} "* ]] && out+="$n "; done
  echo "${out% }"
}
hops_are() { [ "$(hops)" = "$1" ]; }
# sessions NODE: the node's frontend sessions so far (its /metrics).
sessions() {
  in_ns "$1" curl -fsS -m 2 http://127.0.0.1:9900/metrics \
    | awk '/^pointsman_frontend_sessions_total\{frontend="web"\}/ {print $2; found=1} END {if (!found) print 0}'
}
declare -A BASE=()
mark_sessions() { for n in "$@"; do BASE[$n]=$(sessions "$n"); done; }
delta() { echo $(( $(sessions "$1") - ${BASE[$1]} )); }
# burst SRC COUNT PATH: COUNT requests from address SRC, each on a new connection (so each
# is hashed to a node afresh); prints one line per request: the HTTP code and the server that
# answered (X-Served-By), e.g. "200 web2"; a failed request prints "000 ".
burst() {
  in_ns cl curl -s -m 5 --interface "$1" -H 'Connection: close' -o /dev/null \
      -w '%{http_code} %header{x-served-by}\n' "http://$VIP:$PORT$3/[1-$2]" 2>/dev/null || true
}
served() { [ "$(burst "$1" "$2" "$3" | grep -c '^200 ')" = "$2" ]; }   # served SRC COUNT PATH: all 200

for n in "${NODES[@]}"; do start_pointsman "$n"; done
for n in "${NODES[@]}"; do wait_for 90 "$n Pointsman healthy" healthy "$n"; done
wait_for 60 "the router's route through all three nodes" hops_are "n1 n2 n3"
log "router: $VIP via $(hops) ($(in_ns r "$BIRDC" -s "$work/r/bird.ctl" show protocols | grep -c Established) BGP sessions up)"
for n in "${NODES[@]}"; do
  grep -q "route $VIP/32 blackhole" "$work/$n/pointsman.conf" || fail "$n's include does not announce $VIP/32"
done
wait_for 20 "backends healthy on every node" served "${CLIENTS[0]}" 6 /

# ---------------------------------------------------------------- 1. spread over the nodes
mark_sessions "${NODES[@]}"
: > "$work/spread.out"
declare -a JOBS=()
for src in "${CLIENTS[@]}"; do burst "$src" 30 /spread >>"$work/spread.out" & JOBS+=($!); done
for p in "${JOBS[@]}"; do wait "$p"; done
ok=$(grep -c '^200 ' "$work/spread.out" || true)
total=$(wc -l < "$work/spread.out")
[ "$ok" = 300 ] && [ "$total" = 300 ] || fail "spread: $ok/$total of 300 requests answered 200"
spread=""; for n in "${NODES[@]}"; do d=$(delta "$n"); spread+="$n $d, "; [ "$d" -ge 45 ] || low="$n $d"; done
[ -z "${low:-}" ] || fail "spread: a node got under 15% of 300 connections ($spread)"
pass "1. spread: 300/300 requests from ${#CLIENTS[@]} client addresses, connections per node: ${spread%, }"
echo "BGP_SPREAD=${spread%, }"

# ---------------------------------------------------------------- 2. balance: source across nodes
src=${CLIENTS[3]}
mark_sessions "${NODES[@]}"
burst "$src" 60 /source > "$work/source.out"
servers=$(awk '$1 == 200 {print $2}' "$work/source.out" | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')
nodes_hit=0; per_node=""
for n in "${NODES[@]}"; do d=$(delta "$n"); per_node+="$n $d, "; [ "$d" -gt 0 ] && nodes_hit=$((nodes_hit + 1)); done
[ "$(grep -c '^200 ' "$work/source.out")" = 60 ] || fail "balance source: not every request answered 200"
[ "$(awk '{print $2}' "$work/source.out" | sort -u | wc -l)" = 1 ] || fail "balance source: $src reached several servers (${servers%, })"
[ "$nodes_hit" -ge 2 ] || fail "balance source: $src's connections reached only one node (${per_node%, }): proves nothing"
pass "2. balance source: $src -> ${servers%, } (60/60) through $nodes_hit nodes (${per_node%, })"

# ---------------------------------------------------------------- 3. planned stop of n1 under load
# Slow requests (2 s), two per client address: the router pins each to the node it reached.
# Wait until n1 holds some, so the stop has connections in flight to drain. (Under load the
# curls start over seconds; one that reaches n1 after the stop began but before the withdrawal
# still ends within the drain.)
: > "$work/slow.out"
declare -a SLOW=()
for src in "${CLIENTS[@]}" "${CLIENTS[@]}"; do
  in_ns cl curl -s -m 15 --interface "$src" -o /dev/null -w '%{http_code} %header{x-served-by}\n' \
      "http://$VIP:$PORT/slow?ms=2000" >>"$work/slow.out" &
  SLOW+=($!)
done
inflight() { # inflight NODE: its frontend sessions open now
  in_ns "$1" curl -fsS -m 1 http://127.0.0.1:9900/metrics \
    | awk '/^pointsman_frontend_current_sessions\{frontend="web"\}/ {print $2; found=1} END {if (!found) print 0}'
}
n1_busy() { [ "$(inflight n1)" -ge 1 ]; }
wait_for 20 "a slow request in flight on n1" n1_busy
slow_on_n1=$(inflight n1)
# Client load: every client address sends requests on new connections until told to stop.
rm -f "$work/load.stop"; : > "$work/load.out"
declare -a LOAD=()
for src in "${CLIENTS[@]}"; do
  ( for round in $(seq 200); do
      [ -f "$work/load.stop" ] && break
      burst "$src" 10 /load >>"$work/load.out"
    done ) &
  LOAD+=($!)
done
sleep 0.3
c0=$(clock_ms); u0=$(utc_ms); t0=$(now_ms)
kill -TERM "${PM_PID[n1]}"
withdraw_ms=$(since "$c0" absent n1 10)
for i in $(seq 150); do kill -0 "${PM_PID[n1]}" 2>/dev/null || break; sleep 0.1; done
kill -0 "${PM_PID[n1]}" 2>/dev/null && fail "n1 did not exit within 15 s of SIGTERM"
exit_ms=$(( $(now_ms) - t0 ))
for p in "${SLOW[@]}"; do wait "$p" || true; done
touch "$work/load.stop"
for p in "${LOAD[@]}"; do wait "$p" || true; done
slow_ok=$(grep -c '^200 ' "$work/slow.out" || true)
load_total=$(wc -l < "$work/load.out"); load_ok=$(grep -c '^200 ' "$work/load.out" || true)
[ "$slow_ok" = "${#SLOW[@]}" ] || fail "planned stop: slow requests in flight: $slow_ok/${#SLOW[@]} answered 200"
[ "$load_ok" = "$load_total" ] || fail "planned stop: $((load_total - load_ok)) of $load_total requests under load lost"
[ "$exit_ms" -ge $((DRAIN_S * 1000)) ] || fail "planned stop: n1 exited after ${exit_ms} ms, before its ${DRAIN_S} s drain"
grep -q "withdrawn (stopping)" "$work/n1/pointsman.conf" || fail "planned stop: n1's include is not withdrawn"
# Where the time went, from n1's own log: the line the agent writes once BIRD answered.
line=$(grep -m1 "withdrawn (stopping)" "$work/n1/pointsman.log" || true)
if [ -n "$line" ]; then
  logged=$(log_utc_ms "${line%% *}"); took=$(echo "$line" | sed -n 's/.*(\([0-9.]*\) ms)$/\1/p')
  log "n1's withdrawal: include written and birdc answered in ${took} ms, done $(( logged - u0 )) ms after SIGTERM"
fi
pass "3. planned stop of n1: withdrawn from the router after ${withdraw_ms} ms, exited after ${exit_ms} ms (drain ${DRAIN_S} s); lost 0 of $load_total requests under load; ${slow_ok}/${#SLOW[@]} slow requests finished, $slow_on_n1 of them in flight on n1 at the stop"
echo "BGP_PLANNED_STOP_WITHDRAW_MS=$withdraw_ms BGP_PLANNED_STOP_LOST=0/$load_total"
c0=$(clock_ms)
start_pointsman n1
wait_for 90 "n1 Pointsman healthy again" healthy n1
back_ms=$(since "$c0" present n1 20)
wait_for 20 "n1 announced again" hops_are "n1 n2 n3"
log "n1 back: on the router ${back_ms} ms after its start (JVM start, first apply from the local clone, birdc)"

# ---------------------------------------------------------------- 4. a refused commit never withdraws
cd "$work/checkout"
c0=$(clock_ms)
sed -i "s#announce: \[\"$VIP/32\"\]#announce: [\"198.18.100.0/24\"]#" proxy.yaml
git commit -qam "bgp: announce a /24 (refused: not a host route)" && git push -q origin main
for n in "${NODES[@]}"; do in_ns "$n" curl -fsS -m 2 -X POST -o /dev/null http://127.0.0.1:9900/sync || true; done
refused_everywhere() { for n in "${NODES[@]}"; do status_of "$n" | grep -q '"reason" : "ValidationFailed"' || return 1; done; }
wait_for 30 "every node to refuse the commit" refused_everywhere
sleep 2
# Every change of the router's route since the push was recorded: none may lack a node.
for n in "${NODES[@]}"; do
  lost=$(route_event "$c0" absent "$n")
  [ -z "$lost" ] || fail "refused commit: the router's route lost $n $(( lost - c0 )) ms after the push"
done
hops_are "n1 n2 n3" || fail "refused commit: the router's route is $(hops)"
status_of n2 | grep -q "is not a host route" || fail "refused commit: n2's status does not say why"
pass "4. refused commit (a /24): every node refused it (ValidationFailed); no route change without a node since the push"
git revert -q --no-edit HEAD && git push -q origin main
for n in "${NODES[@]}"; do in_ns "$n" curl -fsS -m 2 -X POST -o /dev/null http://127.0.0.1:9900/sync || true; done

# ---------------------------------------------------------------- 5. n2's Pointsman crashes, its BIRD stays up
c0=$(clock_ms)
kill -KILL "${PM_PID[n2]}"
crash_ms=$(since "$c0" absent n2 10)
wait_for 5 "n2 withdrawn after its crash" hops_are "n1 n3"
kill -0 "${BIRD_PID[n2]}" 2>/dev/null || fail "crash: n2's BIRD is not running (the test needs it up)"
grep -q "the Pointsman process is gone" "$work/n2/pointsman.conf" || fail "crash: n2's include was not withdrawn by its crash guard"
[ "$crash_ms" -le 1000 ] || fail "crash: n2 withdrawn after ${crash_ms} ms (target: 1000 ms)"
served "${CLIENTS[5]}" 30 /after-crash || fail "crash: clients not served by n1 and n3"
pass "5. crash of n2's Pointsman (SIGKILL, BIRD up): withdrawn from the router after ${crash_ms} ms (target 1000); 30/30 requests served by n1 and n3"
echo "BGP_CRASH_WITHDRAW_MS=$crash_ms"
start_pointsman n2
wait_for 90 "n2 Pointsman healthy again" healthy n2
wait_for 20 "n2 announced again" hops_are "n1 n2 n3"

# ---------------------------------------------------------------- 6. n3 goes dark
c0=$(clock_ms); t0=$(now_ms)
in_ns n3 ip link set eth0 down        # first: nothing it does afterwards reaches the router
kill -KILL "${PM_PID[n3]}" "${BIRD_PID[n3]}"
down_at=$(link_event "$c0" "${link}n3")
[ -n "$down_at" ] || { log "note: no link event for ${link}n3 seen; timing from the command"; down_at=$c0; }
dark_ms=$(since "$down_at" absent n3 10)
wait_for 5 "n3 out of the router's route (BFD)" hops_are "n1 n2"
wait_for 5 "clients served by n1 and n2" served "${CLIENTS[7]}" 20 /after-dark
served_ms=$(( $(now_ms) - t0 ))
[ "$dark_ms" -le 1000 ] || fail "dark: n3 left the router's route after ${dark_ms} ms (target: 1000 ms)"
in_ns r "$BIRDC" -s "$work/r/bird.ctl" show bfd sessions | grep -q "198.18.0.13 .* Down" \
  || log "note: the router's BFD session to n3 is not shown Down: $(in_ns r "$BIRDC" -s "$work/r/bird.ctl" show bfd sessions | tail -n +2 | tr '\n' ';')"
pass "6. n3 dark (link down, BIRD and Pointsman killed): out of the router's route ${dark_ms} ms after its link went down (BFD 100 ms x 5; target 1000); 20/20 requests served ${served_ms} ms after the command"
echo "BGP_DARK_REROUTE_MS=$dark_ms"

echo "bgp-ecmp: $passed passed, 0 failed"
