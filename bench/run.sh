#!/usr/bin/env bash
# bench/run.sh — Pointsman side by side with HAProxy on loopback, and the cost of a swap.
#
#   bench/run.sh [--mode throughput|tls|reload|idle|startup|all] [--duration 10s] [--rounds 5]
#                [--warmup 5s] [--reloads 10] [--reload-clients keep-alive|close|both]
#                [--connections 50] [--idle-conns 9000]
#                [--jar PATH] [--out DIR] [--keep] [--also-without-access-log]
#                [--also-syslog udp,tcp,unix] [--also-syslog-udp]
#                [--profile DIR] [--profile-event cpu|alloc] [--syscalls DIR] [--perf DIR]
#                [--sched DIR]
#                [--alt-java-opts "JVM OPTIONS"] [--alt-jar PATH] [--pin] [--think-ms N] [--rules]
#
# throughput: rounds in rotating order of: direct to a backend, HAProxy http, Pointsman http,
#   HAProxy tcp, Pointsman tcp; `wrk -t1 -c50 -d<duration> --latency` each; one worker
#   thread per proxy; the same two nginx backends (or `pointsman backend` without nginx).
#   Reports median [min–max] of req/s, p50/p99, proxy CPU µs/request, and Pointsman/HAProxy
#   ratios taken round by round (median of the per-round ratios). --also-without-access-log
#   adds a sixth target: a second Pointsman with the per-request access log turned off.
#   --also-syslog KINDS adds, per kind, a Pointsman whose access log goes to syslog instead
#   of stderr (global.log, rfc3164, local0): udp (udp://, one datagram per line), tcp
#   (tcp://, octet-counted frames in one stream), unix (unix://, a local datagram socket
#   like /dev/log). One real rsyslogd started here takes all of them (imudp, imtcp, imuxsock
#   on loopback ports and a socket in the temp dir) and discards the lines (rsyslog from
#   Debian; for udp alone, a `socat` sink without it). Their ratios to the stderr Pointsman
#   of the same rounds are the cost of syslog (issue 15: within 5% req/s and CPU/request).
#   udp also adds an HAProxy frontend (same process, same backends) with `option httplog`
#   and `log 127.0.0.1:PORT local0`: what the same datagrams cost HAProxy, against its
#   frontend that logs nothing. --also-syslog-udp is --also-syslog udp.
#   --profile DIR: in round 1, async-profiler (CPU, kernel stacks included; fetched from Maven
#   Central) samples each Pointsman target while wrk drives it: DIR/<target>.html (flame
#   graph) and DIR/<target>.collapsed. That round's Pointsman figures carry the profiler's cost.
#   --profile-event alloc samples where the heap is allocated instead (every 512 KiB).
#   --syscalls DIR: in round 1, `strace -c -f` counts each proxy's system calls while wrk
#   drives it: DIR/<target>.txt, with calls per request. That round's figures carry strace's cost.
#   --perf DIR: in round 1, `perf record -e cpu-clock` samples each proxy (HAProxy too) while
#   wrk drives it: DIR/<target>.txt, the busiest symbols, kernel ones included (Java frames
#   show as one unnamed JIT block: use --profile for those). Also 3 s of the proxy's
#   epoll_wait returns and context switches (tracepoints) mid-run: DIR/<target>.loop.txt,
#   per thread: polls per second, events per poll, sleeps and preemptions per second.
#   --sched DIR: in round 1, 3 s of `perf sched record -a` (the whole machine) while wrk drives
#   each target: DIR/<target>.txt, the busiest tasks with their CPU time, switches, and
#   average/longest wait for a CPU once runnable (`perf sched latency`).
#   --alt-java-opts: a second Pointsman process with these extra JVM options (e.g. another GC)
#   is measured in the same rounds (targets pointsman-http-alt, pointsman-tcp-alt).
#   --alt-jar: the same, with another build of Pointsman (A/B of a change in one run);
#   both also print the alternative's ratios to the main Pointsman.
#   --pin: the proxies (every thread) on the last CPU, wrk and the backends on the others
#   (taskset), so a proxy competes with no load-side process for its CPU.
#   --rules: two more targets, HAProxy and Pointsman each with a second http frontend (same
#   process, same backends) carrying 10 typical rules: a request-rate limit, a redirect that
#   does not match, set/add/del of request headers, a path rewrite (wrk asks for
#   /legacy/index.html, the servers get /index.html), a header from %[path], and set/del/add
#   of response headers; as http-request/http-response lines and as proxy.yaml rules.
#   --think-ms N: each wrk connection waits N ms after a response before its next request
#   (wrk's Lua delay()), so every proxy is offered about the same request rate, below what
#   either can serve: latency compared at equal load rather than each at its own maximum.
# tls: TLS side by side with HAProxy (`bind … ssl crt`, one ECDSA P-256 certificate made by
#   openssl for the run, one worker thread each), rounds in rotating order, wrk -t1 each:
#   https-keepalive (wrk keep-alive over TLS to the proxy, plain to the nginx backends),
#   https-handshake (`Connection: close`: one new TLS connection per request; resumption
#   off on both sides, HAProxy `no-tls-tickets` + `tune.ssl.cachesize 0`, Pointsman
#   `tickets: false`, so every connection is a full handshake: handshakes/s = req/s), and
#   tls-to-servers (plain keep-alive to the proxy, TLS to an nginx `ssl` backend verified
#   against the certificate, server connections re-used: http-reuse always / http_reuse: always).
# reload: wrk keep-alive load for (reloads + 10) s while the config changes --reloads times
#   1 s apart: Pointsman through git (commit, push, POST /sync), HAProxy master-worker with
#   SIGUSR2. Counts wrk's socket errors and non-2xx responses.
# idle: memory of --idle-conns idle client connections through a tcp frontend (RSS delta,
#   and for Pointsman the JVM's native memory tracking).
# startup: `pointsman run --config`, time from exec to the first proxied 200.
#
# BENCH_BACKEND=pointsman uses `pointsman backend` instead of nginx; PM_JAVA_OPTS adds JVM
# options to every Pointsman process. Starts every process it uses itself, records their PIDs, and stops exactly those on exit.
# Loopback only. Needs root only to apt-get install haproxy, wrk, nginx when missing.
set -euo pipefail

MODE=throughput
DURATION=10s
ROUNDS=5
WARMUP=5s
RELOADS=10
RELOAD_CLIENTS=both
CONNS=50
IDLE_CONNS=9000
JAR=""
OUT=""
KEEP=0
NOLOG=0
SYSLOG_STATUS=""
PROFILE=""
PROFILE_EVENT=cpu
SYSCALLS=""
PIN=0
PERF=""
SCHED=""
ALT_OPTS=""
ALT_JAR=""
THINK_MS=0
THINK_SCRIPT=""
RULES=0
SYSLOG_KINDS=""
SINK_PID=""
ASYNC_PROFILER_VERSION=4.1
NOLOG_PROP=org.slf4j.simpleLogger.log.io.pointsman.access=warn

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --mode) MODE=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --reloads) RELOADS=$2; shift 2 ;;
        --reload-clients) RELOAD_CLIENTS=$2; shift 2 ;;
        --connections) CONNS=$2; shift 2 ;;
        --idle-conns) IDLE_CONNS=$2; shift 2 ;;
        --jar) JAR=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --also-without-access-log) NOLOG=1; shift ;;
        --also-syslog-udp) SYSLOG_KINDS=udp; shift ;;
        --also-syslog) SYSLOG_KINDS=${2//,/ }; shift 2 ;;
        --profile) PROFILE=$(realpath -m "$2"); shift 2 ;;
        --profile-event) PROFILE_EVENT=$2; shift 2 ;;
        --syscalls) SYSCALLS=$(realpath -m "$2"); shift 2 ;;
        --perf) PERF=$(realpath -m "$2"); shift 2 ;;
        --sched) SCHED=$(realpath -m "$2"); shift 2 ;;
        --pin) PIN=1; shift ;;
        --alt-java-opts) ALT_OPTS=$2; shift 2 ;;
        --alt-jar) ALT_JAR=$(realpath "$2"); shift 2 ;;
        --think-ms) THINK_MS=$2; shift 2 ;;
        --rules) RULES=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$MODE" in throughput|tls|reload|idle|startup|all) ;; *) echo "run.sh: bad --mode $MODE" >&2; exit 2 ;; esac
for k in $SYSLOG_KINDS; do
    case "$k" in udp|tcp|unix) ;; *) echo "run.sh: bad --also-syslog kind $k (udp, tcp, unix)" >&2; exit 2 ;; esac
done
case "$PROFILE_EVENT" in cpu|alloc) ;; *) echo "run.sh: bad --profile-event $PROFILE_EVENT" >&2; exit 2 ;; esac
case "$RELOAD_CLIENTS" in keep-alive|close|both) ;; *) echo "run.sh: bad --reload-clients $RELOAD_CLIENTS" >&2; exit 2 ;; esac
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad --rounds $ROUNDS" >&2; exit 2; }
[[ "$RELOADS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad --reloads $RELOADS" >&2; exit 2; }
[[ "$DURATION" =~ ^[1-9][0-9]*s$ ]] || { echo "run.sh: --duration wants seconds, e.g. 10s" >&2; exit 2; }
[[ "$WARMUP" =~ ^[0-9]+s$ ]] || { echo "run.sh: --warmup wants seconds, e.g. 5s" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/agent/target/pointsman.jar}
HZ=$(getconf CLK_TCK)
JAVA_OPTS=${PM_JAVA_OPTS:-}

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- what it needs ---------------------------------------------------------------------

install_missing() {
    local missing=()
    command -v haproxy >/dev/null || missing+=(haproxy)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || missing+=(nginx)
    command -v curl >/dev/null || missing+=(curl)
    command -v git >/dev/null || missing+=(git)
    [ -z "$SYSCALLS" ] || command -v strace >/dev/null || missing+=(strace)
    [ -z "$PERF$SCHED" ] || command -v perf >/dev/null || missing+=(linux-perf)
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            log "installing ${missing[*]}"
            # Debian starts packaged services on install unless told not to: we start our own.
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
                || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } \
                || log "apt-get install ${missing[*]} failed"
        else
            log "missing ${missing[*]} and not root: cannot install"
        fi
    fi
    for t in haproxy wrk curl java; do
        command -v "$t" >/dev/null || die "$t is required"
    done
    if [ ! -f "$JAR" ]; then
        log "building $JAR (mvn -B -q -o package -DskipTests)"
        (cd "$ROOT" && { mvn -B -q -o package -DskipTests || mvn -B -q package -DskipTests; }) >&2
        [ -f "$JAR" ] || die "no $JAR after the build"
    fi
}

# ---- processes we start, and only those --------------------------------------------------

TMP=""
PIDS=()
BACKEND_PIDS=()

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [ -n "$TMP" ] && [ "$KEEP" = 0 ]; then rm -rf "$TMP"; fi
    [ -n "$TMP" ] && [ "$KEEP" = 1 ] && log "kept $TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD... : runs CMD in the background, logs to $TMP/NAME.log; sets STARTED_PID.
# --pin: CPU lists for the proxies and for the load side (wrk, backends); empty: no pinning.
PROXY_CPUS=""
LOAD_CPUS=""
pin_setup() {
    [ "$PIN" = 1 ] || return 0
    local n; n=$(nproc)
    [ "$n" -ge 2 ] || die "--pin needs at least 2 CPUs"
    PROXY_CPUS=$(( n - 1 ))
    LOAD_CPUS="0-$(( n - 2 ))"
    log "pinning: proxies on CPU $PROXY_CPUS, wrk and backends on CPU $LOAD_CPUS"
}

# pin_proxy PID / pin_load PID: every thread of PID onto the proxies' / the load side's CPUs.
pin_proxy() { [ -z "$PROXY_CPUS" ] || taskset -a -p -c "$PROXY_CPUS" "$1" >/dev/null; }
pin_load() { [ -z "$LOAD_CPUS" ] || taskset -a -p -c "$LOAD_CPUS" "$1" >/dev/null; }

start() {
    local name=$1; shift
    "$@" >"$TMP/$name.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

# stop PID: TERM, then KILL after 5 s; only PIDs we started.
stop() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget "$pid"
}

forget() {
    local p keep=()
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]:-}")
}

USED_PORTS=" "
# Below the ephemeral range (ip_local_port_range), so thousands of client and server
# connections cannot take a port picked earlier.
EPHEMERAL_LOW=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
    local p lo=10000 span
    span=$(( EPHEMERAL_LOW - lo ))
    [ "$span" -gt 1000 ] || { lo=1025; span=$(( EPHEMERAL_LOW - lo )); }
    for _ in $(seq 200); do
        p=$(( lo + (RANDOM * 32768 + RANDOM) % span ))
        case "$USED_PORTS" in *" $p "*) continue ;; esac
        if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
            USED_PORTS+="$p "
            echo "$p"
            return
        fi
    done
    die "no free port"
}

# wait_http URL [seconds]: until URL answers 200 (bounded).
wait_http() {
    local url=$1 limit=${2:-30} i
    for i in $(seq $(( limit * 20 ))); do
        if [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "$url" 2>/dev/null)" = 200 ]; then return 0; fi
        sleep 0.05
    done
    return 1
}

# CPU ticks (utime + stime) of a whole process (every thread).
# thread_ticks PID: "tid<TAB>name<TAB>utime+stime ticks<TAB>voluntary<TAB>involuntary context
# switches" for each thread of PID.
thread_ticks() {
    local t s name cs
    for t in /proc/"$1"/task/*; do
        s=$(cat "$t/stat" 2>/dev/null) || continue
        name=$(cat "$t/comm" 2>/dev/null) || continue
        cs=$(awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {printf "%d\t%d", v, n}' "$t/status" 2>/dev/null) || continue
        s=${s##*) }
        # shellcheck disable=SC2086
        set -- $s
        printf '%s\t%s\t%s\t%s\n' "${t##*/}" "$name" $(( ${12} + ${13} )) "$cs"
    done
}

# thread_share BEFORE AFTER REQUESTS: each thread's share of the process's CPU between the
# two thread_ticks snapshots, busiest first (threads under 0.5% left out), with its
# voluntary/involuntary context switches per 1,000 requests.
thread_share() {
    awk -F'\t' -v n="$3" 'NR==FNR {b[$1]=$3; v[$1]=$4; w[$1]=$5; next}
        {d=$3-b[$1]; if (d>0) {name[$1]=$2; t[$1]=d; tot+=d; cv[$1]=$4-v[$1]; cw[$1]=$5-w[$1]}}
        END {if (n < 1) n = 1; for (k in t) if (t[k]*200 >= tot) printf "%5.1f%% %s (%.1f/%.1f)\n", 100*t[k]/tot, name[k],
             cv[k]*1000/n, cw[k]*1000/n}' "$1" "$2" | sort -rn
}

# ctx_switches PID: "voluntary involuntary" context switches of all of PID's threads so far.
ctx_switches() {
    cat /proc/"$1"/task/*/status 2>/dev/null \
        | awk '/^voluntary_ctxt_switches/ {v+=$2} /^nonvoluntary_ctxt_switches/ {n+=$2} END {print v+0, n+0}'
}

ticks() { # ticks PID: "utime stime" of the whole process (every thread), in clock ticks
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo "0 0"; return; }
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    echo "${12} ${13}"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---- backends -----------------------------------------------------------------------------

B1=""; B2=""; BACKEND_KIND=""
start_backends() {
    B1=$(free_port); B2=$(free_port)
    if command -v nginx >/dev/null && [ "${BENCH_BACKEND:-nginx}" = nginx ]; then
        BACKEND_KIND="nginx $(nginx -v 2>&1 | sed 's|.*nginx/||'), 1 worker each, return 200 \"ok\\n\""
        local i port
        for i in 1 2; do
            port=$([ $i = 1 ] && echo "$B1" || echo "$B2")
            mkdir -p "$TMP/nginx$i"
            cat >"$TMP/nginx$i/nginx.conf" <<EOF
# one process (master_process off): the PID we start is the process that serves
worker_processes 1;
master_process off;
daemon off;
pid $TMP/nginx$i/nginx.pid;
error_log $TMP/nginx$i/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 30000; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path $TMP/nginx$i/body;
    proxy_temp_path $TMP/nginx$i/proxy;
    fastcgi_temp_path $TMP/nginx$i/fastcgi;
    uwsgi_temp_path $TMP/nginx$i/uwsgi;
    scgi_temp_path $TMP/nginx$i/scgi;
    server {
        listen 127.0.0.1:$port backlog=4096;
        location / {
            add_header X-Served-By b$i always;
            return 200 "ok\n";
        }
    }
}
EOF
            start "nginx$i" nginx -e "$TMP/nginx$i/error.log" -p "$TMP/nginx$i" -c "$TMP/nginx$i/nginx.conf"
            eval "NGINX${i}_PID=$STARTED_PID"
            BACKEND_PIDS+=("$STARTED_PID")
        done
    else
        BACKEND_KIND="pointsman backend (nginx not installed, or BENCH_BACKEND=pointsman)"
        start backend1 java -jar "$JAR" backend --name b1 --bind "127.0.0.1:$B1"
        BACKEND_PIDS+=("$STARTED_PID")
        start backend2 java -jar "$JAR" backend --name b2 --bind "127.0.0.1:$B2"
        BACKEND_PIDS+=("$STARTED_PID")
    fi
    wait_http "http://127.0.0.1:$B1/" 30 || die "backend 1 did not start (see $TMP)"
    wait_http "http://127.0.0.1:$B2/" 30 || die "backend 2 did not start (see $TMP)"
    log "backends on 127.0.0.1:$B1 and :$B2 ($BACKEND_KIND)"
}

# ---- HAProxy -------------------------------------------------------------------------------

# haproxy_cfg FILE HTTP_PORT TCP_PORT VARIANT(0|1) [RULES_PORT]
haproxy_cfg() {
    local file=$1 hport=$2 tport=$3 v=${4:-0} rport=${5:-} w2=1 route=""
    w2=$(( 1 + v % 2 ))
    if [ $(( (v / 2) % 2 )) = 1 ]; then
        route="    acl is-api path_beg /api/
    use_backend be_alt if is-api"
    fi
    cat >"$file" <<EOF
global
    nbthread 1
    maxconn 9800    # 2 × 9800 descriptors must fit the hard limit (20,000 here)
    stats socket $TMP/haproxy.sock mode 600 level admin expose-fd listeners
    hard-stop-after 60s
defaults
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s
frontend fe_http
    mode http
    bind 127.0.0.1:$hport
$route
    default_backend be_http
backend be_http
    mode http
    balance roundrobin
    http-reuse always
    server b1 127.0.0.1:$B1 weight 1
    server b2 127.0.0.1:$B2 weight $w2
backend be_alt
    mode http
    balance roundrobin
    http-reuse always
    server b2 127.0.0.1:$B2
    server b1 127.0.0.1:$B1
frontend fe_tcp
    mode tcp
    bind 127.0.0.1:$tport
    default_backend be_tcp
backend be_tcp
    mode tcp
    balance roundrobin
    server b1 127.0.0.1:$B1
    server b2 127.0.0.1:$B2
EOF
    [ -z "$rport" ] || cat >>"$file" <<EOF
frontend fe_rules
    mode http
    bind 127.0.0.1:$rport
    stick-table type ip size 100k expire 30s store http_req_rate(10s)
    acl old-site hdr_beg(host) -i old.
    acl legacy path_beg /legacy/
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100000000 }
    http-request redirect prefix https://www.example.com code 301 if old-site
    http-request set-header X-Forwarded-Proto http
    http-request add-header X-Client-IP %[src]
    http-request del-header X-Debug
    http-request replace-path ^/legacy/(.*)$ /\\1 if legacy
    http-request set-header X-Original-Path %[path]
    http-response set-header Strict-Transport-Security max-age=63072000
    http-response del-header Server
    http-response add-header X-Content-Type-Options nosniff
    default_backend be_http
EOF
}

# ---- Pointsman -----------------------------------------------------------------------------

# pointsman_cfg FILE HTTP_PORT TCP_PORT VARIANT [RULES_PORT]
pointsman_cfg() {
    local file=$1 hport=$2 tport=$3 v=${4:-0} rport=${5:-} w2 acl="" use="" rules=""
    w2=$(( 1 + v % 2 ))
    if [ $(( (v / 2) % 2 )) = 1 ]; then
        acl="    acl:
      - { name: is-api, path_beg: [\"/api/\"] }"
        use="    use_backend:
      - { backend: alt, if: is-api }"
    fi
    if [ -n "$rport" ]; then
        # The same 10 rules as HAProxy's fe_rules.
        rules=$(cat <<EOF
  - name: bench-rules
    mode: http
    bind: ["127.0.0.1:$rport"]
    limits: [ { name: per-ip, key: src, requests: 100000000, per: 10s } ]
    acl:
      - { name: over, over_limit: per-ip }
      - { name: old-site, host_beg: ["old."] }
      - { name: legacy, path_beg: ["/legacy/"] }
    http_request:
      - { deny: { status: 429 }, if: over }
      - { redirect: { prefix: "https://www.example.com", code: 301 }, if: old-site }
      - { set_header: { name: X-Forwarded-Proto, value: http } }
      - { add_header: { name: X-Client-IP, value: "%[src]" } }
      - { del_header: { name: X-Debug } }
      - { replace_path: { regex: "^/legacy/(.*)\$", with: "/\\\\1" }, if: legacy }
      - { set_header: { name: X-Original-Path, value: "%[path]" } }
    http_response:
      - { set_header: { name: Strict-Transport-Security, value: max-age=63072000 } }
      - { del_header: { name: Server } }
      - { add_header: { name: X-Content-Type-Options, value: nosniff } }
    default_backend: farm-http
EOF
)
    fi
    cat >"$file" <<EOF
# generated by bench/run.sh (variant $v)
version: 1
global:
  threads: 1            # not read by the runtime today: --threads 1 on the command line is what counts
  maxconn: 9800
  hard_stop_after: 60s
defaults:
  mode: http
  timeout: { connect: 5s, client: 30s, server: 30s, http_keep_alive: 10s }
  retries: 3
  redispatch: true
frontends:
  - name: bench-http
    mode: http
    bind: ["127.0.0.1:$hport"]
$acl
$use
    default_backend: farm-http
  - name: bench-tcp
    mode: tcp
    bind: ["127.0.0.1:$tport"]
    default_backend: farm-tcp
$rules
backends:
  - name: farm-http
    mode: http
    balance: roundrobin
    http_reuse: always  # as HAProxy's be_http (the default is safe, HAProxy's default too)
    servers:
      - { name: b1, address: "127.0.0.1:$B1", weight: 1 }
      - { name: b2, address: "127.0.0.1:$B2", weight: $w2 }
  - name: alt
    mode: http
    balance: roundrobin
    http_reuse: always
    servers:
      - { name: b2, address: "127.0.0.1:$B2" }
      - { name: b1, address: "127.0.0.1:$B1" }
  - name: farm-tcp
    mode: tcp
    balance: roundrobin
    servers:
      - { name: b1, address: "127.0.0.1:$B1" }
      - { name: b2, address: "127.0.0.1:$B2" }
EOF
}

# What `mode: http` is in this jar: per-request balancing (HTTP mode) shows both backends on
# one keep-alive connection; a TCP passthrough sticks to one.
http_mode_label() {
    local url=$1 seen
    seen=$(curl -s -i -H 'Connection: keep-alive' "$url" "$url" "$url" "$url" 2>/dev/null \
        | tr -d '\r' | awk -F': *' 'tolower($1)=="x-served-by" {print $2}' | sort -u | wc -l)
    if [ "$seen" -ge 2 ]; then echo "http"; else echo "tcp-passthrough"; fi
}

# rules_check URL NAME: the rules frontend does what its rules say (so both proxies are
# measured doing the same work): response headers set and deleted as written.
rules_check() {
    local head
    head=$(curl -s -D - -o /dev/null -H 'X-Debug: 1' "$1" | tr -d '\r')
    echo "$head" | grep -q '^HTTP/1.1 200' || die "$2 rules: not a 200: $head"
    echo "$head" | grep -qi '^strict-transport-security: max-age=63072000' || die "$2 rules: no HSTS header: $head"
    echo "$head" | grep -qi '^x-content-type-options: nosniff' || die "$2 rules: no X-Content-Type-Options: $head"
    if echo "$head" | grep -qi '^server:'; then die "$2 rules: Server header not deleted: $head"; fi
}

# ---- wrk -----------------------------------------------------------------------------------

# to_ms VALUE: wrk's 405.00us / 2.31ms / 1.02s / 1.5m in milliseconds
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}

# wrk_run OUTFILE DURATION URL [extra wrk args]
wrk_run() {
    local out=$1 d=$2 url=$3; shift 3
    # bounded: wrk stops itself after d; timeout is the belt to its braces
    local pin=()
    [ -z "$LOAD_CPUS" ] || pin=(taskset -c "$LOAD_CPUS")
    local think=()
    [ -z "$THINK_SCRIPT" ] || think=(-s "$THINK_SCRIPT")
    timeout $(( ${d%s} + 30 )) "${pin[@]}" wrk -t1 -c"$CONNS" -d"$d" --latency --timeout 5s "${think[@]}" "$@" "$url" >"$out" 2>&1 || true
}

# wrk_bg OUTFILE DURATION URL [wrk args]: wrk in the background, a direct child we record (STARTED_PID)
wrk_bg() {
    local out=$1 d=$2 url=$3; shift 3
    timeout $(( ${d%s} + 30 )) wrk -t1 -c"$CONNS" -d"$d" --latency --timeout 5s "$@" "$url" >"$out" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

# wrk_field FILE what → requests | rps | p50 | p99 | errors | non2xx
wrk_field() {
    local f=$1 what=$2
    case "$what" in
        requests) awk '/ requests in / {print $1; f=1} END {if (!f) print 0}' "$f" ;;
        rps) awk '/^Requests\/sec:/ {print $2; f=1} END {if (!f) print 0}' "$f" ;;
        p50) to_ms "$(awk '$1=="50%" {print $2}' "$f")" ;;
        p99) to_ms "$(awk '$1=="99%" {print $2}' "$f")" ;;
        errors) awk '/Socket errors:/ {gsub(/,/, ""); print $4+$6+$8+$10; f=1} END {if (!f) print 0}' "$f" ;;
        errdetail) awk '/Socket errors:/ {sub(/^ */, ""); print; f=1} END {if (!f) print "none"}' "$f" ;;
        non2xx) awk '/Non-2xx or 3xx responses:/ {print $NF; f=1} END {if (!f) print 0}' "$f" ;;
    esac
}

# ---- statistics (awk; no python needed) ------------------------------------------------------

# med_min_max: numbers on stdin → "median min max"
med_min_max() {
    sort -g | awk '{a[NR]=$1} END {
        if (NR == 0) { print "nan nan nan"; exit }
        m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
        print m, a[1], a[NR] }'
}

fmt_int() { awk -v v="$1" 'BEGIN { s = sprintf("%.0f", v); r = ""; while (length(s) > 3) { r = "," substr(s, length(s)-2) r; s = substr(s, 1, length(s)-3) } print s r }'; }
fmt() { awk -v v="$1" -v p="$2" 'BEGIN { if (v == "nan" || v == "") print "–"; else printf "%." p "f", v }'; }

# ---- a syslog daemon for --also-syslog -----------------------------------------------------------

# start_syslog_sink UDP_PORT TCP_PORT SOCKET: one rsyslogd taking the --also-syslog kinds
# (udp on 127.0.0.1:UDP_PORT, tcp on 127.0.0.1:TCP_PORT, a unix datagram socket at SOCKET)
# and discarding what it gets; for udp alone without rsyslog, a socat sink.
start_syslog_sink() {
    local udp=$1 tcp=$2 sock=$3 k
    if [ -x /usr/sbin/rsyslogd ]; then
        mkdir -p "$TMP/rsyslog"
        {
            echo "global(workDirectory=\"$TMP/rsyslog\")"
            for k in $SYSLOG_KINDS; do
                case "$k" in
                    udp) printf '%s\n' 'module(load="imudp")' "input(type=\"imudp\" address=\"127.0.0.1\" port=\"$udp\")" ;;
                    tcp) printf '%s\n' 'module(load="imtcp")' "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$tcp\")" ;;
                    # SysSock.Use="off": never the machine's /dev/log, only the socket of this run
                    unix) printf '%s\n' 'module(load="imuxsock" SysSock.Use="off")' "input(type=\"imuxsock\" Socket=\"$sock\")" ;;
                esac
            done
            # (rsyslogd refuses to run without an action: a config of only `stop` leaves no one
            # listening, and the proxy would be measured sending into ICMP "port unreachable")
            echo '*.* action(type="omfile" file="/dev/null")'
        } >"$TMP/rsyslog/rsyslog.conf"
        start rsyslogd /usr/sbin/rsyslogd -n -f "$TMP/rsyslog/rsyslog.conf" -i "$TMP/rsyslog/rsyslogd.pid"
    elif [ "$SYSLOG_KINDS" = udp ] && command -v socat >/dev/null; then
        start udp-sink socat -u "UDP-RECV:$udp,bind=127.0.0.1" /dev/null
    else
        die "--also-syslog $SYSLOG_KINDS needs rsyslog (apt-get install rsyslog)"
    fi
    local pid=$STARTED_PID ready
    SINK_PID=$pid
    for _ in $(seq 50); do
        ready=1
        for k in $SYSLOG_KINDS; do
            case "$k" in
                udp) ss -Hlun "sport = :$udp" | grep -q . || ready=0 ;;
                tcp) ss -Hltn "sport = :$tcp" | grep -q . || ready=0 ;;
                unix) [ -S "$sock" ] || ready=0 ;;
            esac
        done
        [ "$ready" = 1 ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    die "the syslog sink is not taking $SYSLOG_KINDS (see $TMP/rsyslogd.log or $TMP/udp-sink.log)"
}

# haproxy_syslog_frontend FILE PORT UDP_PORT: HAProxy's counterpart of the udp syslog target,
# a frontend like fe_http whose httplog lines go to the sink as datagrams
haproxy_syslog_frontend() {
    cat >>"$1" <<EOF
frontend fe_http_syslog
    mode http
    bind 127.0.0.1:$2
    log 127.0.0.1:$3 local0
    option httplog
    default_backend be_http
EOF
}

# ---- throughput ------------------------------------------------------------------------------

mode_throughput() {
    local hh ht ph pt sp res="$TMP/throughput.tsv"
    if [ "$THINK_MS" -gt 0 ]; then
        THINK_SCRIPT="$TMP/think.lua"
        printf 'function delay()\n  return %d\nend\n' "$THINK_MS" >"$THINK_SCRIPT"
    fi
    hh=$(free_port); ht=$(free_port); ph=$(free_port); pt=$(free_port); sp=$(free_port)
    local hr="" pr=""
    if [ "$RULES" = 1 ]; then hr=$(free_port); pr=$(free_port); fi

    haproxy_cfg "$TMP/haproxy.cfg" "$hh" "$ht" 0 "$hr"
    local su="" stp="" ssock="" hs=""
    if [ -n "$SYSLOG_KINDS" ]; then
        su=$(free_port); stp=$(free_port); ssock="$TMP/rsyslog/log.sock"
        start_syslog_sink "$su" "$stp" "$ssock"
        if [[ " $SYSLOG_KINDS " == *" udp "* ]]; then
            hs=$(free_port)
            haproxy_syslog_frontend "$TMP/haproxy.cfg" "$hs" "$su"
        fi
    fi
    haproxy -c -q -f "$TMP/haproxy.cfg" || die "haproxy config invalid"
    start haproxy haproxy -db -f "$TMP/haproxy.cfg"
    local hpid=$STARTED_PID

    mkdir -p "$TMP/pm"
    pointsman_cfg "$TMP/pm/proxy.yaml" "$ph" "$pt" 0 "$pr"
    # shellcheck disable=SC2086
    start pointsman java $JAVA_OPTS -jar "$JAR" run --config "$TMP/pm" --node bench --threads 1 \
        --status-bind "127.0.0.1:$sp"
    local ppid=$STARTED_PID

    wait_http "http://127.0.0.1:$hh/" 20 || die "haproxy http not serving (see $TMP/haproxy.log)"
    wait_http "http://127.0.0.1:$ht/" 20 || die "haproxy tcp not serving"
    wait_http "http://127.0.0.1:$ph/" 60 || die "pointsman http not serving (see $TMP/pointsman.log)"
    wait_http "http://127.0.0.1:$pt/" 20 || die "pointsman tcp not serving"
    PM_HTTP_KIND=$(http_mode_label "http://127.0.0.1:$ph/")
    HAP_HTTP_KIND=$(http_mode_label "http://127.0.0.1:$hh/")
    log "haproxy pid $hpid (http $hh, tcp $ht: $HAP_HTTP_KIND); pointsman pid $ppid (http $ph: $PM_HTTP_KIND, tcp $pt)"

    local names=(direct haproxy-http pointsman-http haproxy-tcp pointsman-tcp)
    local urls=("http://127.0.0.1:$B1/" "http://127.0.0.1:$hh/" "http://127.0.0.1:$ph/" "http://127.0.0.1:$ht/" "http://127.0.0.1:$pt/")
    local pids=("" "$hpid" "$ppid" "$hpid" "$ppid")
    if [ "$RULES" = 1 ]; then
        wait_http "http://127.0.0.1:$hr/legacy/" 20 || die "haproxy rules frontend not serving"
        wait_http "http://127.0.0.1:$pr/legacy/" 20 || die "pointsman rules frontend not serving"
        rules_check "http://127.0.0.1:$hr/legacy/index.html" haproxy
        rules_check "http://127.0.0.1:$pr/legacy/index.html" pointsman
        names+=(haproxy-http-rules pointsman-http-rules)
        urls+=("http://127.0.0.1:$hr/legacy/index.html" "http://127.0.0.1:$pr/legacy/index.html")
        pids+=("$hpid" "$ppid")
    fi
    if [ "$NOLOG" = 1 ]; then
        # A second Pointsman, identical but for the per-request access log (logger
        # io.pointsman.access, INFO by default) turned off: what the log costs.
        local qh qt qs
        qh=$(free_port); qt=$(free_port); qs=$(free_port)
        mkdir -p "$TMP/pm-nolog"
        pointsman_cfg "$TMP/pm-nolog/proxy.yaml" "$qh" "$qt" 0
        # shellcheck disable=SC2086
        start pointsman-nolog java -D$NOLOG_PROP $JAVA_OPTS -jar "$JAR" run --config "$TMP/pm-nolog" --node bench \
            --threads 1 --status-bind "127.0.0.1:$qs"
        local qpid=$STARTED_PID
        wait_http "http://127.0.0.1:$qh/" 60 || die "pointsman (no access log) not serving"
        names+=(pointsman-http-nolog)
        urls+=("http://127.0.0.1:$qh/")
        pids+=("$qpid")
    fi
    local kind
    for kind in $SYSLOG_KINDS; do
        # A Pointsman whose access lines go to the syslog daemon (over UDP: the usual
        # deployment), against the stderr one above: what syslog costs per request.
        local lh lt ls target
        lh=$(free_port); lt=$(free_port); ls=$(free_port)
        case "$kind" in
            udp) target="udp://127.0.0.1:$su" ;;
            tcp) target="tcp://127.0.0.1:$stp" ;;
            unix) target="unix://$ssock" ;;
        esac
        mkdir -p "$TMP/pm-syslog-$kind"
        pointsman_cfg "$TMP/pm-syslog-$kind/proxy.yaml" "$lh" "$lt" 0
        sed -i "s|^global:|global:\n  log: [{ target: \"$target\", format: rfc3164, facility: local0 }]|" \
            "$TMP/pm-syslog-$kind/proxy.yaml"
        # shellcheck disable=SC2086
        start "pointsman-syslog-$kind" java $JAVA_OPTS -jar "$JAR" run --config "$TMP/pm-syslog-$kind" --node bench \
            --threads 1 --status-bind "127.0.0.1:$ls"
        local lpid=$STARTED_PID
        wait_http "http://127.0.0.1:$lh/" 60 || die "pointsman (syslog over $kind) not serving"
        names+=("pointsman-http-syslog-$kind")
        urls+=("http://127.0.0.1:$lh/")
        pids+=("$lpid")
        SYSLOG_STATUS+=" $kind=127.0.0.1:$ls"
    done
    if [ -n "$hs" ]; then
        wait_http "http://127.0.0.1:$hs/" 20 || die "haproxy syslog frontend not serving"
        names+=(haproxy-http-syslog-udp)
        urls+=("http://127.0.0.1:$hs/")
        pids+=("$hpid")
    fi
    if [ -n "$ALT_OPTS$ALT_JAR" ]; then
        # The same Pointsman with other JVM options or another build, measured in the same rounds (same noise).
        local xh xt xs
        xh=$(free_port); xt=$(free_port); xs=$(free_port)
        mkdir -p "$TMP/pm-alt"
        pointsman_cfg "$TMP/pm-alt/proxy.yaml" "$xh" "$xt" 0
        if [ -n "$ALT_JAR" ] && ! java -jar "$ALT_JAR" validate "$TMP/pm-alt" >/dev/null 2>&1; then
            # A build older than http_reuse: it always reused server connections, which is
            # what http_reuse: always says, so the key can go and the two stay alike.
            sed -i '/http_reuse:/d' "$TMP/pm-alt/proxy.yaml"
            java -jar "$ALT_JAR" validate "$TMP/pm-alt" >&2 || die "the --alt-jar build refuses the bench config"
            log "alt jar: http_reuse left out of its config (older build; it always reuses)"
        fi
        # shellcheck disable=SC2086
        start pointsman-alt java $JAVA_OPTS $ALT_OPTS -jar "${ALT_JAR:-$JAR}" run --config "$TMP/pm-alt" --node bench \
            --threads 1 --status-bind "127.0.0.1:$xs"
        local xpid=$STARTED_PID
        wait_http "http://127.0.0.1:$xh/" 60 || die "pointsman (alt JVM options) not serving"
        names+=(pointsman-http-alt pointsman-tcp-alt)
        urls+=("http://127.0.0.1:$xh/" "http://127.0.0.1:$xt/")
        pids+=("$xpid" "$xpid")
    fi
    local nt=${#names[@]}
    if [ "$PIN" = 1 ]; then
        # After start: a JVM started on one CPU would size itself (and pick its GC) for one.
        pin_setup
        local p
        for p in $(printf '%s\n' "${pids[@]}" | sort -u); do pin_proxy "$p"; done
        for p in "${BACKEND_PIDS[@]}"; do pin_load "$p"; done
    fi

    if [ "${WARMUP%s}" -gt 0 ]; then
        log "warm-up: $WARMUP on each proxied target (not counted)"
        local i
        for i in $(seq $(( nt - 1 ))); do wrk_run "$TMP/warmup-$i.txt" "$WARMUP" "${urls[$i]}"; done
    fi

    printf 'round\ttarget\trps\tp50\tp99\tcpu_us\trequests\terrors\tnon2xx\tuser_us\tidle_pct\tsegs\tsink_us\n' >"$res"
    local r k i t0 t1 reqs cpu user idle m0 g0 segs f
    for r in $(seq "$ROUNDS"); do
        local order=""
        for k in $(seq 0 $(( nt - 1 ))); do
            i=$(( (r - 1 + k) % nt ))
            order+="${names[$i]} "
            f="$TMP/wrk-r$r-${names[$i]}.txt"
            local profiled=0
            if [ -n "$PROFILE" ] && [ "$r" = 1 ] && [[ ${names[$i]} == pointsman* ]]; then
                profiled=1; profile_start "${pids[$i]}"
            fi
            [ "$r" = 1 ] && [[ ${names[$i]} == pointsman* ]] && thread_ticks "${pids[$i]}" >"$TMP/threads0-${names[$i]}"
            local tracer=""
            if [ -n "$SYSCALLS" ] && [ "$r" = 1 ] && [ -n "${pids[$i]}" ]; then
                mkdir -p "$SYSCALLS"
                strace -c -f -q -p "${pids[$i]}" -o "$TMP/strace-${names[$i]}.txt" &
                tracer=$!; PIDS+=("$tracer")
                sleep 1 # strace attaches to every thread before the load starts
            fi
            if [ -n "$PERF" ] && [ "$r" = 1 ] && [ -n "${pids[$i]}" ]; then
                mkdir -p "$PERF"
                perf record -q -e cpu-clock -F 4000 -g -p "${pids[$i]}" -o "$TMP/perf-${names[$i]}.data" >/dev/null 2>&1 &
                tracer=$!; PIDS+=("$tracer")
                sleep 0.5
                ( sleep 3
                  timeout 20 perf record -q -e syscalls:sys_exit_epoll_wait -e syscalls:sys_exit_epoll_pwait2 \
                      -e sched:sched_switch -p "${pids[$i]}" -o "$TMP/loop-${names[$i]}.data" -- sleep 3 >/dev/null 2>&1
                  loop_summary "$TMP/loop-${names[$i]}.data" 3 >"$PERF/${names[$i]}.loop.txt"
                  log "${names[$i]}, round 1, event loop: $(head -1 "$PERF/${names[$i]}.loop.txt")"
                  rm -f "$TMP/loop-${names[$i]}.data" ) &
                PIDS+=("$!")
            fi
            local sched_rec=""
            if [ -n "$SCHED" ] && [ "$r" = 1 ]; then
                mkdir -p "$SCHED"
                ( sleep 3; timeout 20 perf sched record -q -a -o "$TMP/sched-${names[$i]}.data" -- sleep 3 >/dev/null 2>&1 ) &
                sched_rec=$!; PIDS+=("$sched_rec")
            fi
            local cs0="" cs1=""
            [ "$r" = 1 ] && [ -n "${pids[$i]}" ] && cs0=$(ctx_switches "${pids[$i]}")
            t0="0 0"; [ -n "${pids[$i]}" ] && t0=$(ticks "${pids[$i]}")
            local k0="0 0" k1="0 0"
            [ -n "$SINK_PID" ] && k0=$(ticks "$SINK_PID")
            m0=$(machine_ticks); g0=$(tcp_out_segs)
            wrk_run "$f" "$DURATION" "${urls[$i]}"
            t1="0 0"; [ -n "${pids[$i]}" ] && t1=$(ticks "${pids[$i]}")
            [ -n "$SINK_PID" ] && k1=$(ticks "$SINK_PID")
            idle=$(awk -v a="$m0" -v b="$(machine_ticks)" 'BEGIN {split(a,x," "); split(b,y," "); d=y[1]-x[1]; if (d < 1) d = 1
                printf "%.1f\n", 100*(y[2]-x[2])/d}')
            segs=$(awk -v a="$g0" -v b="$(tcp_out_segs)" -v n="$(wrk_field "$f" requests)" 'BEGIN {if (n < 1) n = 1; printf "%.2f\n", (b-a)/n}')
            if [ -n "$cs0" ]; then
                cs1=$(ctx_switches "${pids[$i]}")
                log "${names[$i]}, round 1, context switches per 1,000 requests: $(awk -v a="$cs0" -v b="$cs1" -v n="$(wrk_field "$f" requests)" \
                    'BEGIN {split(a,x," "); split(b,y," "); if (n > 0) printf "%.1f voluntary, %.1f involuntary", (y[1]-x[1])*1000/n, (y[2]-x[2])*1000/n}')"
            fi
            if [ -n "$sched_rec" ]; then
                wait "$sched_rec" 2>/dev/null || true
                sched_summary "$TMP/sched-${names[$i]}.data" >"$SCHED/${names[$i]}.txt"
                rm -f "$TMP/sched-${names[$i]}.data"
                log "${names[$i]}, round 1, waits for a CPU (3 s, whole machine): $(awk -F'\t' 'NR > 1 && NR <= 5 {printf "%s%s avg %s ms, max %s ms", (NR > 2 ? "; " : ""), $1, $4, $5}' "$SCHED/${names[$i]}.txt")"
            fi
            if [ -n "$tracer" ] && [ -n "$PERF" ]; then
                kill -INT "$tracer" 2>/dev/null; wait "$tracer" 2>/dev/null || true
                perf_summary "$TMP/perf-${names[$i]}.data" >"$PERF/${names[$i]}.txt"
                mv "$TMP/perf-${names[$i]}.data" "$PERF/${names[$i]}.data"
                log "${names[$i]}, round 1, perf: $PERF/${names[$i]}.txt"
            elif [ -n "$tracer" ]; then
                kill -INT "$tracer" 2>/dev/null; wait "$tracer" 2>/dev/null || true
                syscalls_per_request "$TMP/strace-${names[$i]}.txt" "$(wrk_field "$f" requests)" >"$SYSCALLS/${names[$i]}.txt"
                log "${names[$i]}, round 1, system calls per request: $(head -8 "$SYSCALLS/${names[$i]}.txt" | paste -sd, | sed 's/,/, /g')"
            fi
            if [ "$r" = 1 ] && [[ ${names[$i]} == pointsman* ]]; then
                thread_ticks "${pids[$i]}" >"$TMP/threads1-${names[$i]}"
                thread_share "$TMP/threads0-${names[$i]}" "$TMP/threads1-${names[$i]}" "$(wrk_field "$f" requests)" \
                    >"$TMP/threads-${names[$i]}.txt"
                log "${names[$i]}, round 1, CPU by thread (context switches per 1,000 requests, voluntary/involuntary):" \
                    "$(paste -sd, "$TMP/threads-${names[$i]}.txt" | sed 's/,/, /g')"
            fi
            [ "$profiled" = 1 ] && profile_stop "${pids[$i]}" "$PROFILE/${names[$i]}" "$(wrk_field "$f" requests)"
            reqs=$(wrk_field "$f" requests)
            if [ -n "${pids[$i]}" ] && [ "$reqs" -gt 0 ]; then
                read -r cpu user < <(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v n="$reqs" 'BEGIN {split(a,x," "); split(b,y," ")
                    printf "%.2f %.2f\n", (y[1]+y[2]-x[1]-x[2])*1e6/hz/n, (y[1]-x[1])*1e6/hz/n}')
            else
                cpu=nan; user=nan
            fi
            # The syslog daemon's CPU per request while this target ran (it shares the machine's cores)
            local sink=nan
            [ -n "$SINK_PID" ] && [ "$reqs" -gt 0 ] && sink=$(awk -v a="$k0" -v b="$k1" -v hz="$HZ" -v n="$reqs" \
                'BEGIN {split(a,x," "); split(b,y," "); printf "%.2f\n", (y[1]+y[2]-x[1]-x[2])*1e6/hz/n}')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "${names[$i]}" "$(wrk_field "$f" rps)" \
                "$(wrk_field "$f" p50)" "$(wrk_field "$f" p99)" "$cpu" "$reqs" "$(wrk_field "$f" errors)" \
                "$(wrk_field "$f" non2xx)" "$user" "$idle" "$segs" "$sink" >>"$res"
        done
        log "round $r/$ROUNDS done ($order)"
    done
    kill -0 "$hpid" 2>/dev/null || die "haproxy died during the run"
    kill -0 "$ppid" 2>/dev/null || die "pointsman died during the run"
    [ -n "$OUT" ] && cp "$res" "$OUT/throughput.tsv" && cp "$TMP"/wrk-*.txt "$TMP"/threads-*.txt "$OUT/" 2>/dev/null || true
    report_throughput "$res"
}

# ---- tls -------------------------------------------------------------------------------------

# tls_certificate DIR: an ECDSA P-256 self-signed certificate for bench.example (and
# 127.0.0.1), DIR/site.pem + DIR/site.key, and DIR/site-combined.pem for HAProxy's crt.
tls_certificate() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.example \
        -addext "subjectAltName=DNS:bench.example,IP:127.0.0.1" \
        -keyout "$1/site.key" -out "$1/site.pem" >/dev/null 2>&1 || die "openssl could not make the certificate"
    cat "$1/site.pem" "$1/site.key" >"$1/site-combined.pem"
}

# start_tls_backend PORT: one nginx (1 worker) answering 200 "ok" over TLS with the bench certificate.
start_tls_backend() {
    local port=$1 d="$TMP/nginx-tls"
    mkdir -p "$d"
    cat >"$d/nginx.conf" <<NGINX
worker_processes 1;
master_process off;
daemon off;
pid $d/nginx.pid;
error_log $d/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 30000; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path $d/body;
    proxy_temp_path $d/proxy;
    fastcgi_temp_path $d/fastcgi;
    uwsgi_temp_path $d/uwsgi;
    scgi_temp_path $d/scgi;
    server {
        listen 127.0.0.1:$port ssl backlog=4096;
        ssl_certificate $TMP/tls/site.pem;
        ssl_certificate_key $TMP/tls/site.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 200 "ok\n"; }
    }
}
NGINX
    start nginx-tls nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf"
    BACKEND_PIDS+=("$STARTED_PID")
    wait_https "https://127.0.0.1:$port/" 30 || die "nginx TLS backend did not start (see $d/error.log)"
}

# wait_https URL [seconds]: until URL answers 200 over TLS (certificate not checked).
wait_https() {
    local url=$1 limit=${2:-30} i
    for i in $(seq $(( limit * 20 ))); do
        [ "$(curl -sk -o /dev/null -m 1 -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
        sleep 0.05
    done
    return 1
}

mode_tls() {
    local res="$TMP/tls.tsv" hk hf hu pk pf pu sp bs
    command -v openssl >/dev/null || die "openssl is required for --mode tls"
    command -v nginx >/dev/null || die "nginx is required for --mode tls (the TLS backend)"
    mkdir -p "$TMP/tls"
    tls_certificate "$TMP/tls"
    bs=$(free_port)
    start_tls_backend "$bs"
    hk=$(free_port); hf=$(free_port); hu=$(free_port); pk=$(free_port); pf=$(free_port); pu=$(free_port); sp=$(free_port)
    cat >"$TMP/haproxy-tls.cfg" <<HAPROXY
global
    nbthread 1
    maxconn 9800
    tune.ssl.cachesize 0        # no session-id resumption: https-handshake makes full handshakes
defaults
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s
frontend fe_https
    mode http
    bind 127.0.0.1:$hk ssl crt $TMP/tls/site-combined.pem
    default_backend be_http
frontend fe_https_full
    mode http
    bind 127.0.0.1:$hf ssl crt $TMP/tls/site-combined.pem no-tls-tickets
    default_backend be_http
frontend fe_to_tls
    mode http
    bind 127.0.0.1:$hu
    default_backend be_tls
backend be_http
    mode http
    balance roundrobin
    http-reuse always
    server b1 127.0.0.1:$B1
    server b2 127.0.0.1:$B2
backend be_tls
    mode http
    http-reuse always
    server s 127.0.0.1:$bs ssl verify required ca-file $TMP/tls/site.pem sni str(bench.example)
HAPROXY
    haproxy -c -q -f "$TMP/haproxy-tls.cfg" || die "haproxy tls config invalid"
    start haproxy-tls haproxy -db -f "$TMP/haproxy-tls.cfg"
    local hpid=$STARTED_PID
    mkdir -p "$TMP/pm-tls"
    cat >"$TMP/pm-tls/proxy.yaml" <<POINTSMAN
# generated by bench/run.sh --mode tls
version: 1
global: { maxconn: 9800 }
defaults:
  mode: http
  timeout: { connect: 5s, client: 30s, server: 30s, http_keep_alive: 10s }
frontends:
  - name: https
    bind: { address: "127.0.0.1:$pk", tls: { cert: $TMP/tls/site.pem, key: $TMP/tls/site.key } }
    default_backend: farm-http
  - name: https-full
    bind: { address: "127.0.0.1:$pf", tls: { cert: $TMP/tls/site.pem, key: $TMP/tls/site.key, tickets: false } }
    default_backend: farm-http
  - name: to-tls
    bind: "127.0.0.1:$pu"
    default_backend: farm-tls
backends:
  - name: farm-http
    http_reuse: always
    servers:
      - { name: b1, address: "127.0.0.1:$B1" }
      - { name: b2, address: "127.0.0.1:$B2" }
  - name: farm-tls
    http_reuse: always
    tls: { ca: $TMP/tls/site.pem, sni: bench.example }
    servers: [ { name: s, address: "127.0.0.1:$bs" } ]
POINTSMAN
    # shellcheck disable=SC2086
    start pointsman-tls java $JAVA_OPTS -jar "$JAR" run --config "$TMP/pm-tls" --node bench --threads 1 \
        --status-bind "127.0.0.1:$sp"
    local ppid=$STARTED_PID
    wait_https "https://127.0.0.1:$hk/" 20 || die "haproxy https not serving (see $TMP/haproxy-tls.log)"
    wait_http "http://127.0.0.1:$hu/" 20 || die "haproxy to-tls not serving"
    wait_https "https://127.0.0.1:$pk/" 60 || die "pointsman https not serving (see $TMP/pointsman-tls.log)"
    wait_http "http://127.0.0.1:$pu/" 20 || die "pointsman to-tls not serving"
    log "tls: haproxy pid $hpid (https $hk, full handshakes $hf, to TLS servers $hu); pointsman pid $ppid" \
        "($pk, $pf, $pu); TLS backend nginx on $bs; negotiated: pointsman" \
        "$(openssl s_client -connect "127.0.0.1:$pk" </dev/null 2>/dev/null | awk '/^New,/ {print $2, $NF}'), haproxy" \
        "$(openssl s_client -connect "127.0.0.1:$hk" </dev/null 2>/dev/null | awk '/^New,/ {print $2, $NF}')"

    local names=(haproxy-https-keepalive pointsman-https-keepalive haproxy-https-handshake pointsman-https-handshake
                 haproxy-tls-to-servers pointsman-tls-to-servers)
    local urls=("https://127.0.0.1:$hk/" "https://127.0.0.1:$pk/" "https://127.0.0.1:$hf/" "https://127.0.0.1:$pf/"
                "http://127.0.0.1:$hu/" "http://127.0.0.1:$pu/")
    local extra=("" "" "Connection: close" "Connection: close" "" "")
    local pids=("$hpid" "$ppid" "$hpid" "$ppid" "$hpid" "$ppid")
    local nt=${#names[@]} i k r f t0 t1 reqs cpu user
    if [ "${WARMUP%s}" -gt 0 ]; then
        log "warm-up: $WARMUP on each tls target (not counted)"
        for i in $(seq 0 $(( nt - 1 ))); do
            if [ -n "${extra[$i]}" ]; then wrk_run "$TMP/warmup-tls-$i.txt" "$WARMUP" "${urls[$i]}" -H "${extra[$i]}"
            else wrk_run "$TMP/warmup-tls-$i.txt" "$WARMUP" "${urls[$i]}"; fi
        done
    fi
    printf 'round\ttarget\trps\tp50\tp99\tcpu_us\trequests\terrors\tnon2xx\tuser_us\n' >"$res"
    for r in $(seq "$ROUNDS"); do
        for k in $(seq 0 $(( nt - 1 ))); do
            i=$(( (r - 1 + k) % nt ))
            f="$TMP/wrk-tls-r$r-${names[$i]}.txt"
            t0=$(ticks "${pids[$i]}")
            if [ -n "${extra[$i]}" ]; then wrk_run "$f" "$DURATION" "${urls[$i]}" -H "${extra[$i]}"
            else wrk_run "$f" "$DURATION" "${urls[$i]}"; fi
            t1=$(ticks "${pids[$i]}")
            reqs=$(wrk_field "$f" requests)
            if [ "$reqs" -gt 0 ]; then
                read -r cpu user < <(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v n="$reqs" 'BEGIN {split(a,x," "); split(b,y," ")
                    printf "%.2f %.2f\n", (y[1]+y[2]-x[1]-x[2])*1e6/hz/n, (y[1]-x[1])*1e6/hz/n}')
            else
                cpu=nan; user=nan
            fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "${names[$i]}" "$(wrk_field "$f" rps)" \
                "$(wrk_field "$f" p50)" "$(wrk_field "$f" p99)" "$cpu" "$reqs" "$(wrk_field "$f" errors)" \
                "$(wrk_field "$f" non2xx)" "$user" >>"$res"
        done
        log "tls round $r/$ROUNDS done"
    done
    kill -0 "$hpid" 2>/dev/null || die "haproxy died during the tls run"
    kill -0 "$ppid" 2>/dev/null || die "pointsman died during the tls run"
    [ -n "$OUT" ] && cp "$res" "$OUT/tls.tsv" && cp "$TMP"/wrk-tls-*.txt "$OUT/" 2>/dev/null || true
    report_tls "$res"
}

report_tls() {
    local res=$1 t m lo hi p50 p99 p99lo p99hi cpu cpulo cphi err non s
    echo
    echo "### TLS: wrk -t1 -c$CONNS -d$DURATION --latency, $ROUNDS rounds (rotating order), warm-up $WARMUP"
    echo
    echo "One worker thread per proxy; one ECDSA P-256 certificate; backends: $BACKEND_KIND (plain), nginx \`ssl\` (TLS to servers)."
    echo "https-handshake: \`Connection: close\`, resumption off on both sides: req/s = full handshakes/s."
    echo
    echo "| target | req/s median [min–max] | p50 ms | p99 ms median [min–max] | proxy CPU µs/req median [min–max] | socket errors | non-2xx |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for t in haproxy-https-keepalive pointsman-https-keepalive haproxy-https-handshake pointsman-https-handshake \
             haproxy-tls-to-servers pointsman-tls-to-servers; do
        read -r m lo hi < <(col "$res" "$t" rps | med_min_max)
        read -r p50 _ _ < <(col "$res" "$t" p50 | med_min_max)
        read -r p99 p99lo p99hi < <(col "$res" "$t" p99 | med_min_max)
        read -r cpu cpulo cphi < <(col "$res" "$t" cpu_us | med_min_max)
        err=$(col "$res" "$t" errors | awk '{s+=$1} END {print s+0}')
        non=$(col "$res" "$t" non2xx | awk '{s+=$1} END {print s+0}')
        echo "| $t | $(fmt_int "$m") [$(fmt_int "$lo")–$(fmt_int "$hi")] | $(fmt "$p50" 2) | $(fmt "$p99" 2) [$(fmt "$p99lo" 2)–$(fmt "$p99hi" 2)] | $(fmt "$cpu" 1) [$(fmt "$cpulo" 1)–$(fmt "$cphi" 1)] | $err | $non |"
    done
    echo
    echo "| Pointsman / HAProxy (median of per-round ratios [min–max]) | req/s (target ≥ 1.2; to servers ≥ 1.0) | p99 | CPU µs/req | user-space CPU µs/req |"
    echo "| --- | --- | --- | --- | --- |"
    for s in https-keepalive https-handshake tls-to-servers; do
        ratio_row "$res" "$s" "pointsman-$s" "haproxy-$s"
    done
    echo
}

# syscalls_per_request STRACE-C-FILE REQUESTS: "calls/request syscall", most frequent first.
syscalls_per_request() {
    awk -v n="$2" '$1 ~ /^[0-9.]+$/ && NF >= 5 {c=$4; name=$NF; if (c ~ /^[0-9]+$/ && n > 0) printf "%.3f %s\n", c/n, name}' "$1" \
        | sort -rn
}

# loop_summary PERF-DATA SECONDS: per thread that polled, busiest first: epoll_wait calls
# per second, events per call, and how often it left the CPU asleep (nothing ready) or
# preempted (someone else's turn).
loop_summary() {
    perf script -i "$1" 2>/dev/null | awk -v secs="$2" '
        function hex(h,   i, c, v) { v = 0; h = tolower(h); sub(/^0x/, "", h)
            for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", substr(h, i, 1)) - 1; v = v * 16 + c }
            return v }
        { tid = $2 }
        /sys_exit_epoll/ { polls[tid]++; events[tid] += hex($NF); name[tid] = $1 }
        /sched_switch/ { if ($0 ~ /prev_state=S/) slept[tid]++; else if ($0 ~ /prev_state=R/) preempted[tid]++ }
        END { for (t in polls) printf "%s: %.0f polls/s, %.1f events per poll, %.0f sleeps/s, %.0f preemptions/s\n",
                  name[t], polls[t] / secs, events[t] / polls[t], slept[t] / secs, preempted[t] / secs }' \
        | sort -t: -k2 -rn
}

# sched_summary PERF-SCHED-DATA: the busiest tasks of the machine in those seconds (a TSV:
# task, CPU ms, switches, average and longest wait for a CPU once runnable, in ms), from
# `perf sched latency`, which counts a wait from a wake-up or a preemption to running again.
sched_summary() {
    printf 'task\truntime_ms\tswitches\tavg_delay_ms\tmax_delay_ms\n'
    perf sched latency -i "$1" 2>/dev/null | awk -F'|' 'NF >= 5 && $2 ~ /ms/ {
            task = $1; gsub(/^ +| +$/, "", task); rt = $2; sw = $3; avg = $4; mx = $5
            gsub(/[^0-9.]/, "", rt); gsub(/[^0-9]/, "", sw); sub(/.*avg: */, "", avg); sub(/ *ms.*/, "", avg)
            sub(/.*max: */, "", mx); sub(/ *ms.*/, "", mx)
            printf "%s\t%s\t%s\t%s\t%s\n", task, rt, sw, avg, mx }' | sort -t$'\t' -k2 -rn | head -12
}

# perf_summary PERF-DATA: kernel vs user share, then the busiest symbols (self time).
perf_summary() {
    perf report -i "$1" --stdio --no-children --sort sym 2>/dev/null \
        | awk '/^ *[0-9.]+%/ {p=$1; sub(/%/,"",p); if ($0 ~ /\[k\]/) k+=p; else u+=p; if (n++ < 40) top=top $0 "\n"}
               END {printf "kernel %.1f%%, user %.1f%%\n\n%s", k, u, top}'
}

# async-profiler's agent library, from Maven Central (tools.profiler:async-profiler), unpacked into $TMP.
profiler_lib() {
    local lib="$TMP/async-profiler/linux-x64/libasyncProfiler.so"
    if [ ! -f "$lib" ]; then
        local jar="$HOME/.m2/repository/tools/profiler/async-profiler/$ASYNC_PROFILER_VERSION/async-profiler-$ASYNC_PROFILER_VERSION.jar"
        [ -f "$jar" ] || mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" >&2 \
            || die "cannot fetch async-profiler $ASYNC_PROFILER_VERSION from Maven Central"
        mkdir -p "$TMP/async-profiler"
        (cd "$TMP/async-profiler" && jar xf "$jar" linux-x64/libasyncProfiler.so) || die "cannot unpack $jar"
    fi
    echo "$lib"
}

profile_start() { # profile_start PID
    # jcmd reads name=value as its own argument syntax: the agent's options go in quotes.
    local what='event=cpu,interval=200us'
    [ "$PROFILE_EVENT" = alloc ] && what='event=alloc,alloc=512k'
    jcmd "$1" JVMTI.agent_load "$(profiler_lib)" "\"start,$what\"" >/dev/null \
        || die "async-profiler did not start in pid $1"
}

profile_stop() { # profile_stop PID FILE-PREFIX REQUESTS
    mkdir -p "$(dirname "$2")"
    local total=""
    [ "$PROFILE_EVENT" = alloc ] && total=",total" # counts in bytes, not samples
    jcmd "$1" JVMTI.agent_load "$(profiler_lib)" "\"dump,file=$2.html$total\"" >/dev/null
    jcmd "$1" JVMTI.agent_load "$(profiler_lib)" "\"stop,file=$2.collapsed,collapsed$total\"" >/dev/null
    if [ "$PROFILE_EVENT" = alloc ]; then
        log "profile of pid $1: $2.html; heap allocated: $(awk -v n="$3" '{b+=$NF} END {if (n < 1) n = 1; printf "%.0f bytes per request (sampled)", b/n}' "$2.collapsed")"
    else
        log "profile of pid $1: $2.html"
    fi
}

ratio_row() { # ratio_row FILE LABEL NUM DEN: a table row of NUM/DEN ratios (req/s, p99, CPU, user-space CPU)
    local line="| $2" c m lo hi
    for c in rps p99 cpu_us user_us; do
        read -r m lo hi < <(ratios "$1" "$3" "$4" "$c" | med_min_max)
        line+=" | $(fmt "$m" 2)× [$(fmt "$lo" 2)–$(fmt "$hi" 2)]"
    done
    echo "$line |"
}

alt_desc() { # what the alternative Pointsman differs in
    local d=""
    [ -n "$ALT_JAR" ] && d="jar \`$(basename "$ALT_JAR")\`"
    [ -n "$ALT_OPTS" ] && d="${d:+$d, }JVM options \`$ALT_OPTS\`"
    echo "$d"
}

col() { # col FILE TARGET COLUMN(name)
    awk -F'\t' -v t="$2" -v c="$3" 'NR==1 {for (i=1;i<=NF;i++) h[$i]=i; next} $2==t && $h[c] != "nan" {print $h[c]}' "$1"
}

ratios() { # ratios FILE NUM DEN COLUMN → per-round NUM/DEN
    awk -F'\t' -v a="$2" -v b="$3" -v c="$4" 'NR==1 {for (i=1;i<=NF;i++) h[$i]=i; next}
        $2==a {x[$1]=$h[c]} $2==b {y[$1]=$h[c]}
        END {for (r in x) if ((r in y) && y[r] > 0 && x[r] != "nan") printf "%.4f\n", x[r]/y[r]}' "$1"
}

report_throughput() {
    local res=$1 t m lo hi p50 p99 p99lo p99hi cpu cpulo cphi user idle segs err non label
    echo
    echo "### Throughput: wrk -t1 -c$CONNS -d$DURATION --latency$([ "$THINK_MS" -gt 0 ] && echo ", ${THINK_MS} ms think time per connection (--think-ms)"), $ROUNDS rounds (rotating order), warm-up $WARMUP"
    echo
    echo "Backends: $BACKEND_KIND. One worker thread per proxy (HAProxy \`nbthread 1\`; Pointsman \`run --threads 1\`)."
    echo "Pointsman \`mode: http\` frontend served as: **$PM_HTTP_KIND** (per-request balancing seen on one connection = http)."
    echo
    echo "| target | req/s median [min–max] | p50 ms | p99 ms median [min–max] | proxy CPU µs/req median [min–max] | of which user space | machine idle | TCP segments/req | socket errors | non-2xx |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    local targets="direct haproxy-http pointsman-http haproxy-tcp pointsman-tcp"
    [ "$RULES" = 1 ] && targets+=" haproxy-http-rules pointsman-http-rules"
    [ "$NOLOG" = 1 ] && targets+=" pointsman-http-nolog"
    for kind in $SYSLOG_KINDS; do targets+=" pointsman-http-syslog-$kind"; done
    [[ " $SYSLOG_KINDS " == *" udp "* ]] && targets+=" haproxy-http-syslog-udp"
    [ -n "$ALT_OPTS$ALT_JAR" ] && targets+=" pointsman-http-alt pointsman-tcp-alt"
    for t in $targets; do
        read -r m lo hi < <(col "$res" "$t" rps | med_min_max)
        read -r p50 _ _ < <(col "$res" "$t" p50 | med_min_max)
        read -r p99 p99lo p99hi < <(col "$res" "$t" p99 | med_min_max)
        read -r cpu cpulo cphi < <(col "$res" "$t" cpu_us | med_min_max)
        read -r user _ _ < <(col "$res" "$t" user_us | med_min_max)
        read -r idle _ _ < <(col "$res" "$t" idle_pct | med_min_max)
        read -r segs _ _ < <(col "$res" "$t" segs | med_min_max)
        err=$(col "$res" "$t" errors | awk '{s+=$1} END {print s+0}')
        non=$(col "$res" "$t" non2xx | awk '{s+=$1} END {print s+0}')
        case "$t" in
            direct) label="direct to a backend" ;;
            haproxy-http) label="HAProxy $(haproxy -v | awk 'NR==1{print $3}' | cut -d- -f1) mode http, http-reuse always" ;;
            pointsman-http) label="Pointsman mode http ($PM_HTTP_KIND)" ;;
            haproxy-tcp) label="HAProxy mode tcp" ;;
            pointsman-tcp) label="Pointsman mode tcp" ;;
            haproxy-http-rules) label="HAProxy mode http, 10 rules (--rules)" ;;
            pointsman-http-rules) label="Pointsman mode http, 10 rules (--rules)" ;;
            pointsman-http-nolog) label="Pointsman mode http ($PM_HTTP_KIND), access log off" ;;
            pointsman-http-syslog-udp) label="Pointsman mode http ($PM_HTTP_KIND), access log to syslog over UDP" ;;
            pointsman-http-syslog-tcp) label="Pointsman mode http ($PM_HTTP_KIND), access log to syslog over TCP" ;;
            pointsman-http-syslog-unix) label="Pointsman mode http ($PM_HTTP_KIND), access log to syslog over a unix datagram socket" ;;
            haproxy-http-syslog-udp) label="HAProxy mode http, option httplog to syslog over UDP" ;;
            pointsman-http-alt) label="Pointsman mode http, $(alt_desc)" ;;
            pointsman-tcp-alt) label="Pointsman mode tcp, $(alt_desc)" ;;
        esac
        if [ "$cpu" = nan ]; then cpu="–"; else cpu="$(fmt "$cpu" 1) [$(fmt "$cpulo" 1)–$(fmt "$cphi" 1)]"; fi
        if [ -z "$user" ] || [ "$user" = nan ]; then user="–"; else user="$(fmt "$user" 2)"; fi
        echo "| $label | $(fmt_int "$m") [$(fmt_int "$lo")–$(fmt_int "$hi")] | $(fmt "$p50" 2) | $(fmt "$p99" 2) [$(fmt "$p99lo" 2)–$(fmt "$p99hi" 2)] | $cpu | $user | $(fmt "$idle" 1)% | $(fmt "$segs" 2) | $err | $non |"
    done
    echo
    echo "| Pointsman / HAProxy (median of per-round ratios [min–max]) | req/s (target ≥ 1.0) | p99 (target ≤ 1.0) | CPU µs/req (target ≤ 1.0) | user-space CPU µs/req (no target) |"
    echo "| --- | --- | --- | --- | --- |"
    local kind label
    for kind in http tcp; do
        label=$kind
        if [ "$kind" = http ]; then label+=" (Pointsman $PM_HTTP_KIND vs HAProxy http)"; fi
        ratio_row "$res" "$label" "pointsman-$kind" "haproxy-$kind"
    done
    if [ "$RULES" = 1 ]; then
        ratio_row "$res" "http with 10 rules (target ≥ 1.2 req/s, ≤ 0.85 CPU)" pointsman-http-rules haproxy-http-rules
        ratio_row "$res" "Pointsman with 10 rules ÷ Pointsman without (not HAProxy)" pointsman-http-rules pointsman-http
    fi
    if [ "$NOLOG" = 1 ]; then
        ratio_row "$res" "http, Pointsman access log off" pointsman-http-nolog haproxy-http
    fi
    if [ -n "$SYSLOG_KINDS" ]; then
        for kind in $SYSLOG_KINDS; do
            ratio_row "$res" "http, Pointsman access log to syslog over $kind ÷ Pointsman to stderr (target within 5%)" \
                "pointsman-http-syslog-$kind" pointsman-http
        done
        if [[ " $SYSLOG_KINDS " == *" udp "* ]]; then
            ratio_row "$res" "http, HAProxy httplog to syslog over udp ÷ HAProxy logging nothing" \
                haproxy-http-syslog-udp haproxy-http
            [ "$NOLOG" = 1 ] && ratio_row "$res" "http, Pointsman access log to syslog over udp ÷ Pointsman logging nothing" \
                pointsman-http-syslog-udp pointsman-http-nolog
        fi
        local lines="" st
        for st in $SYSLOG_STATUS; do
            lines+=$(curl -s "http://${st#*=}/metrics" \
                | awk -v k="${st%%=*}" '/^pointsman_log_lines_(sent|dropped|failed)_total\{target="(udp|tcp|unix)/ {printf "%s: %s %s; ", k, $1, $2}')
        done
        echo
        echo "Syslog target counts at the end: ${lines:-(none read)}"
        local sinks="" t
        for t in $(for kind in $SYSLOG_KINDS; do echo "pointsman-http-syslog-$kind"; done) \
                 $([[ " $SYSLOG_KINDS " == *" udp "* ]] && echo haproxy-http-syslog-udp); do
            sinks+="$t $(fmt "$(col "$res" "$t" sink_us | med_min_max | cut -d' ' -f1)" 1); "
        done
        echo
        echo "The syslog daemon's own CPU µs per request (median), on the same cores, while each ran: $sinks"
    fi
    if [ -n "$ALT_OPTS$ALT_JAR" ]; then
        for kind in http tcp; do
            ratio_row "$res" "$kind, Pointsman with $(alt_desc)" "pointsman-$kind-alt" "haproxy-$kind"
        done
        for kind in http tcp; do
            ratio_row "$res" "$kind, Pointsman with $(alt_desc) ÷ Pointsman (not HAProxy)" "pointsman-$kind-alt" "pointsman-$kind"
        done
    fi
    echo
}

# ---- reload ------------------------------------------------------------------------------------

mode_reload() {
    local dur=$(( RELOADS + 10 )) hh ht ph pt sp i
    hh=$(free_port); ht=$(free_port); ph=$(free_port); pt=$(free_port); sp=$(free_port)
    echo
    echo "### Reload under load: wrk -t1 -c$CONNS -d${dur}s on the http frontend, $RELOADS config changes 1 s apart"
    echo
    echo "Changes alternate: server b2's weight 1↔2, and an \`acl is-api path_beg /api/\` + \`use_backend\` added/removed."
    echo "Clients: $RELOAD_CLIENTS (keep-alive; or \`Connection: close\`, a new connection per request)."
    echo
    RELOAD_ROWS=()

    # HAProxy master-worker; SIGUSR2 to the master reloads (listeners handed over via the master).
    haproxy_cfg "$TMP/haproxy-reload.cfg" "$hh" "$ht" 0
    start haproxy-mw haproxy -W -S "$TMP/haproxy-master.sock" -f "$TMP/haproxy-reload.cfg"
    local hmaster=$STARTED_PID
    wait_http "http://127.0.0.1:$hh/" 20 || die "haproxy (master-worker) not serving (see $TMP/haproxy-mw.log)"
    log "haproxy master-worker: master pid $hmaster"
    local hv; hv="HAProxy $(haproxy -v | awk 'NR==1{print $3}' | cut -d- -f1)"
    HAP_VARIANT=0
    local c
    for c in keep-alive close; do
        [ "$RELOAD_CLIENTS" = both ] || [ "$RELOAD_CLIENTS" = "$c" ] || continue
        reload_pass haproxy "$c" "$hh" "$dur" "$hv" "master-worker \`-W -S\`, SIGUSR2 ×$RELOADS" "$hmaster" "$ht"
    done
    stop "$hmaster"

    # Pointsman: a bare repo, the agent polling every 60 s, each change pushed and POST /sync.
    local bare="$TMP/central.git" work="$TMP/work"
    git init -q --bare -b main "$bare"
    git init -q -b main "$work"
    git -C "$work" config user.email bench@localhost
    git -C "$work" config user.name bench
    pointsman_cfg "$work/proxy.yaml" "$ph" "$pt" 0
    git -C "$work" add proxy.yaml
    git -C "$work" commit -q -m "bench: variant 0"
    git -C "$work" push -q "$bare" main
    # shellcheck disable=SC2086
    start pointsman-agent java $JAVA_OPTS -jar "$JAR" run --repo "$bare" --branch main --node bench \
        --state-dir "$TMP/state" --poll 60s --status-bind "127.0.0.1:$sp" --threads 1
    local ppid=$STARTED_PID
    wait_http "http://127.0.0.1:$ph/" 60 || die "pointsman agent not serving (see $TMP/pointsman-agent.log)"
    [ -n "$PM_HTTP_KIND" ] || PM_HTTP_KIND=$(http_mode_label "http://127.0.0.1:$ph/")
    log "pointsman agent pid $ppid (http frontend served as $PM_HTTP_KIND)"
    # warm the JIT a little so the first seconds are not all interpreter
    wrk_run "$TMP/wrk-reload-pm-warmup.txt" 5s "http://127.0.0.1:$ph/"
    PM_VARIANT=0; PM_WORK=$work; PM_BARE=$bare; PM_STATUS=$sp; PM_LAT=()
    local pv="Pointsman (mode http served as $PM_HTTP_KIND)"
    for c in keep-alive close; do
        [ "$RELOAD_CLIENTS" = both ] || [ "$RELOAD_CLIENTS" = "$c" ] || continue
        reload_pass pointsman "$c" "$ph" "$dur" "$pv" "git commit + push + POST /sync ×$RELOADS" "$ppid" "$pt"
    done
    local s final_ok=no
    s=$(curl -s -m 2 "http://127.0.0.1:$sp/status" || true)
    printf '%s\n' "$s" >"$TMP/status-after-reload.json"
    case "$s" in *"main@sha1:$(git -C "$work" rev-parse HEAD)"*) final_ok=yes ;; esac
    stop "$ppid"

    echo "| proxy | reload | clients | requests | socket errors | non-2xx | wrk's socket error line |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${RELOAD_ROWS[@]}"
    echo
    local lmed lmin lmax
    read -r lmed lmin lmax < <(printf '%s\n' "${PM_LAT[@]:-}" | grep . | med_min_max)
    echo "Pointsman: ${#PM_LAT[@]}/$PM_VARIANT changes seen applied within 0.9 s of the commit (last commit applied at the end: $final_ok);"
    echo "commit → applied (write, commit, push, POST /sync, fetch, validate, swap; seen by polling /status every 20 ms): median $(fmt "$lmed" 0) ms [$(fmt "$lmin" 0)–$(fmt "$lmax" 0)]."
    echo
    [ -n "$OUT" ] && cp "$TMP"/wrk-reload-*.txt "$TMP/status-after-reload.json" "$OUT/" 2>/dev/null || true
}

# reload_pass haproxy|pointsman keep-alive|close PORT DURATION LABEL HOW PID TCPPORT
reload_pass() {
    local who=$1 clients=$2 port=$3 dur=$4 label=$5 how=$6 pid=$7 tport=$8 f i
    f="$TMP/wrk-reload-$who-$clients.txt"
    if [ "$clients" = close ]; then
        wrk_bg "$f" "${dur}s" "http://127.0.0.1:$port/" -H "Connection: close"
    else
        wrk_bg "$f" "${dur}s" "http://127.0.0.1:$port/"
    fi
    local wpid=$STARTED_PID
    sleep 5
    for i in $(seq "$RELOADS"); do
        if [ "$who" = haproxy ]; then
            HAP_VARIANT=$(( HAP_VARIANT + 1 ))
            haproxy_cfg "$TMP/haproxy-reload.cfg" "$port" "$tport" "$HAP_VARIANT"
            kill -USR2 "$pid"
            sleep 1
        else
            pointsman_change "$port" "$tport"
        fi
    done
    wait "$wpid" || true
    forget "$wpid"
    RELOAD_ROWS+=("| $label | $how | $clients | $(fmt_int "$(wrk_field "$f" requests)") | $(wrk_field "$f" errors) | $(wrk_field "$f" non2xx) | $(wrk_field "$f" errdetail) |")
    log "reload pass $who/$clients: $(wrk_field "$f" errors) socket errors, $(wrk_field "$f" non2xx) non-2xx"
}

# One Pointsman change: commit, push, POST /sync; waits (≤ 0.9 s) to see it applied, then
# sleeps out the rest of the second.
pointsman_change() {
    local ph=$1 pt=$2 t0 t1 sha s
    t0=$(date +%s%N)
    PM_VARIANT=$(( PM_VARIANT + 1 ))
    pointsman_cfg "$PM_WORK/proxy.yaml" "$ph" "$pt" "$PM_VARIANT"
    git -C "$PM_WORK" commit -q -am "bench: variant $PM_VARIANT"
    git -C "$PM_WORK" push -q "$PM_BARE" main
    sha=$(git -C "$PM_WORK" rev-parse HEAD)
    curl -s -o /dev/null -m 2 -X POST "http://127.0.0.1:$PM_STATUS/sync" || true
    for _ in $(seq 45); do
        s=$(curl -s -m 1 "http://127.0.0.1:$PM_STATUS/status" 2>/dev/null || true)
        case "$s" in *"\"lastAppliedRevision\":\"main@sha1:$sha\""*|*"\"lastAppliedRevision\" : \"main@sha1:$sha\""*)
            t1=$(date +%s%N); PM_LAT+=( $(( (t1 - t0) / 1000000 )) ); break ;; esac
        sleep 0.02
    done
    t1=$(date +%s%N)
    local left=$(( 1000 - (t1 - t0) / 1000000 ))
    if [ "$left" -gt 0 ]; then sleep "$(awk -v l="$left" 'BEGIN{printf "%.3f", l/1000}')"; fi
}

PM_HTTP_KIND=""

# ---- idle connections -------------------------------------------------------------------------

mode_idle() {
    local n=$IDLE_CONNS pt ht sp
    ht=$(free_port); pt=$(free_port); sp=$(free_port)
    local hh ph; hh=$(free_port); ph=$(free_port)
    # Each idle client connection costs the proxy two descriptors (client + server side);
    # the hard limit here may be low (20,000 in this sandbox, not raisable): stay under it.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    local cap=$(( ( $(ulimit -n) - 1000 ) / 2 ))
    if [ "$n" -gt "$cap" ]; then log "idle: $n connections need 2×$n descriptors; limit $(ulimit -n): using $cap"; n=$cap; IDLE_CONNS=$cap; fi
    echo
    echo "### Idle connections: $n idle client connections through a tcp frontend (each with its server connection)"
    echo
    echo "| proxy | idle client connections | RSS Δ per connection | live heap Δ (after full GC) | direct Δ (NMT "Other") | heap + direct per connection (target ≤ 4 KiB) |"
    echo "| --- | --- | --- | --- | --- | --- |"
    local tool="$ROOT/bench/tools/IdleClients.java"

    haproxy_cfg "$TMP/haproxy-idle.cfg" "$hh" "$ht" 0
    start haproxy-idle haproxy -db -f "$TMP/haproxy-idle.cfg"
    local hpid=$STARTED_PID
    wait_http "http://127.0.0.1:$ht/" 20 || die "haproxy not serving"
    idle_one "HAProxy (nbthread 1)" "$hpid" "$ht" "" "$tool"
    stop "$hpid"

    mkdir -p "$TMP/pm-idle"
    pointsman_cfg "$TMP/pm-idle/proxy.yaml" "$ph" "$pt" 0
    # shellcheck disable=SC2086
    start pointsman-idle java -XX:NativeMemoryTracking=summary $JAVA_OPTS -jar "$JAR" run --config "$TMP/pm-idle" \
        --node bench --threads 1 --status-bind "127.0.0.1:$sp"
    local ppid=$STARTED_PID
    wait_http "http://127.0.0.1:$pt/" 60 || die "pointsman not serving"
    # a little traffic first so the steady-state buffers exist before the baseline
    wrk_run "$TMP/wrk-idle-warm.txt" 3s "http://127.0.0.1:$pt/"
    idle_one "Pointsman (--threads 1)" "$ppid" "$pt" java "$tool"
    stop "$ppid"
    echo
}

# jvm_mem PID → "liveHeapKiB directKiB" after a full GC: heap used, and NMT's "Other"
# (Unsafe.allocateMemory: Netty's direct buffers, pooled or not) committed (NMT must be on)
jvm_mem() {
    local pid=$1 heap nmt
    jcmd "$pid" GC.run >/dev/null 2>&1 || true
    sleep 1
    heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub(/K,?$/, "", v); print v; exit}}')
    nmt=$(jcmd "$pid" VM.native_memory summary 2>/dev/null | awk '
        /- +Other \(/ {match($0, /committed=[0-9]+/); o=substr($0, RSTART+10, RLENGTH-10)}
        END {print o+0}')
    echo "${heap:-0} ${nmt:-0}"
}

# idle_one LABEL PID PORT java|'' TOOL
idle_one() {
    local label=$1 pid=$2 port=$3 isjava=$4 tool=$5 before after hb=0 nb=0 ha=0 na=0
    [ -n "$isjava" ] && read -r hb nb < <(jvm_mem "$pid")
    before=$(rss_kib "$pid")
    # the client opens n connections, says "ready N", and holds them until $TMP/idle.release exists
    rm -f "$TMP/idle.release"
    start idle-client java "$tool" 127.0.0.1 "$port" "$IDLE_CONNS" 120 "$TMP/idle.release"
    local cpid=$STARTED_PID ok=no
    for _ in $(seq 1200); do
        if grep -q '^ready' "$TMP/idle-client.log" 2>/dev/null; then ok=yes; break; fi
        kill -0 "$cpid" 2>/dev/null || break
        sleep 0.1
    done
    sleep 2
    local open; open=$(ss -Htn state established "( sport = :$port )" 2>/dev/null | wc -l)
    if [ -n "$isjava" ]; then
        read -r ha na < <(jvm_mem "$pid")
        jcmd "$pid" VM.native_memory summary >"$TMP/nmt-idle.txt" 2>&1 || true
    fi
    after=$(rss_kib "$pid")
    local conns; conns=$(awk '/^ready/ {print $2}' "$TMP/idle-client.log" 2>/dev/null || echo 0)
    conns=${conns:-0}
    touch "$TMP/idle.release"
    stop "$cpid"
    if [ "$ok" != yes ] || [ "$conns" -le 0 ]; then
        echo "| $label | – | – | – | – | client failed: $(tail -1 "$TMP/idle-client.log" 2>/dev/null) |"
        return
    fi
    local per; per() { awk -v a="$1" -v b="$2" -v n="$conns" 'BEGIN {printf "%.2f KiB", (b-a)/n}'; }
    if [ -n "$isjava" ]; then
        echo "| $label | $conns ($open established at the proxy) | $(per "$before" "$after") | $(per "$hb" "$ha") | $(per "$nb" "$na") | $(per $((hb + nb)) $((ha + na))) |"
    else
        echo "| $label | $conns ($open established at the proxy) | $(per "$before" "$after") | – | – | – |"
    fi
}

# ---- start to serving ---------------------------------------------------------------------------

mode_startup() {
    local runs=5 m lo hi
    echo
    echo "### Start to serving: \`pointsman run --config DIR --threads 1\`, exec → first proxied 200 ($runs runs each)"
    echo
    echo "| what | median [min–max] | runs | target |"
    echo "| --- | --- | --- | --- |"
    local ms=() i t0 t1
    for i in $(seq $runs); do
        t0=$(date +%s%N); java -jar "$JAR" --version >/dev/null 2>&1 || true; t1=$(date +%s%N)
        ms+=( $(( (t1 - t0) / 1000000 )) )
    done
    read -r m lo hi < <(printf '%s\n' "${ms[@]}" | med_min_max)
    echo "| \`java -jar pointsman.jar --version\` (JVM start + CLI, for scale) | $(fmt "$m" 0) ms [$(fmt "$lo" 0)–$(fmt "$hi" 0)] | $runs/$runs | – |"
    startup_runs "$runs" "" "exec → first proxied 200 (JVM start, config load, bind, one request through)"
    # AppCDS (JDK 17: a dynamic archive written at exit of one run, used by the next ones)
    startup_runs 1 "-XX:ArchiveClassesAtExit=$TMP/pointsman.jsa" "" quiet
    if [ -f "$TMP/pointsman.jsa" ]; then
        startup_runs "$runs" "-XX:SharedArchiveFile=$TMP/pointsman.jsa" "the same with an AppCDS archive (\`-XX:SharedArchiveFile\`, made by one \`-XX:ArchiveClassesAtExit\` run)"
    fi
    echo
}

# startup_runs N JVM_OPTS LABEL [quiet]
startup_runs() {
    local runs=$1 jopts=$2 label=$3 quiet=${4:-} i ph pt sp t0 t1 ms=() m lo hi
    for i in $(seq "$runs"); do
        ph=$(free_port); pt=$(free_port); sp=$(free_port)
        mkdir -p "$TMP/pm-start"
        pointsman_cfg "$TMP/pm-start/proxy.yaml" "$ph" "$pt" 0
        t0=$(date +%s%N)
        # shellcheck disable=SC2086
        start "pointsman-start" java $jopts $JAVA_OPTS -jar "$JAR" run --config "$TMP/pm-start" --node bench \
            --threads 1 --status-bind "127.0.0.1:$sp"
        local pid=$STARTED_PID ok=no
        for _ in $(seq 3000); do
            if [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$ph/" 2>/dev/null)" = 200 ]; then ok=yes; break; fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.01
        done
        t1=$(date +%s%N)
        [ "$ok" = yes ] && ms+=( $(( (t1 - t0) / 1000000 )) )
        stop "$pid"
    done
    [ -n "$quiet" ] && return 0
    read -r m lo hi < <(printf '%s\n' "${ms[@]:-}" | grep . | med_min_max)
    echo "| $label | $(fmt "$m" 0) ms [$(fmt "$lo" 0)–$(fmt "$hi" 0)] | ${#ms[@]}/$runs | ≤ 1,500 ms |"
}

# ---- main --------------------------------------------------------------------------------------

install_missing
TMP=$(mktemp -d /tmp/pointsman-bench.XXXXXX)
[ -n "$OUT" ] && mkdir -p "$OUT"
log "work dir $TMP; jar $JAR"
# With --out, the report also goes to OUT/report.md. The modes run in this shell (not in a
# pipeline's subshell), so every PID they start is known to cleanup.
if [ -n "$OUT" ]; then exec > >(tee -a "$OUT/report.md"); fi

{
    echo "## Pointsman benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Tools: $(haproxy -v | head -1 | cut -d' ' -f1-3), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(java -version 2>&1 | head -1); jar $(basename "$JAR") ($(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC'))."
}

# cpu_ticks: "total steal" ticks of all CPUs so far (/proc/stat): on a VM, steal is time the
# hypervisor gave our CPUs to someone else; a run with much of it measured a busy host.
cpu_ticks() { awk '/^cpu / {t=0; for (i=2;i<=NF;i++) t+=$i; print t, $9; exit}' /proc/stat; }
# machine_ticks: "total idle" ticks of all CPUs so far (idle + iowait): how much of the
# machine nobody used while a target ran (a saturated run should leave little).
machine_ticks() { awk '/^cpu / {t=0; for (i=2;i<=NF;i++) t+=$i; print t, $5 + $6; exit}' /proc/stat; }
# tcp_out_segs: TCP segments the machine has sent so far (/proc/net/snmp OutSegs): on loopback
# each is one pass through the TCP stack, so segments per request count work a proxy causes.
tcp_out_segs() { awk '/^Tcp:/ {if (!h) {for (i = 1; i <= NF; i++) if ($i == "OutSegs") c = i; h = 1} else {print $c; exit}}' /proc/net/snmp; }
STEAL0=$(cpu_ticks)

start_backends
case "$MODE" in
    throughput) mode_throughput ;;
    tls) mode_tls ;;
    reload) mode_reload ;;
    idle) mode_idle ;;
    startup) mode_startup ;;
    all) mode_throughput; mode_tls; mode_reload; mode_startup; mode_idle ;;
esac
log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); CPU time stolen by the hypervisor during the run:" \
    "$(awk -v a="$STEAL0" -v b="$(cpu_ticks)" 'BEGIN {split(a,x," "); split(b,y," "); d=y[1]-x[1]; if (d < 1) d = 1; printf "%.1f%%", 100*(y[2]-x[2])/d}')"
