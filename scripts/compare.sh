#!/usr/bin/env bash
# Runs the same `tern bench` workloads against `tern standalone` and against the Java
# RocketMQ 4.8.0 broker, one after the other in one sitting, and prints a markdown table with
# Tern/Java ratios (optionally written to a file, for bench/RESULTS.md). A by-hand tool: CI
# never runs it.
#
#   scripts/compare.sh [options] [JAVA_ROCKETMQ_HOME]
#
# JAVA_ROCKETMQ_HOME is an unpacked RocketMQ 4.8.0 binary release (bin/ conf/ lib/); it is
# started with /work/shared/tools/java-rocketmq.sh (or $JAVA_ROCKETMQ_SH) on the `java` in
# PATH, 512 MiB broker heap. When it is absent the Java side is skipped with a message and the
# table has Tern only. Nothing of the Java release is copied into this repository.
#
# Options:
#   --tern BIN       the tern binary (default build/release/tools/tern)
#   --seconds S      seconds per throughput/latency workload (default 15)
#   --drain N        backlog size for the consume workloads (default 2000000)
#   --ports P        the digit P in the ports listed under "Ports" below (default 4)
#   --only SIDE      run one side only: tern or java
#   --out FILE       also write the table to FILE (overwritten)
#   --keep           keep the work directory (Tern's ASYNC_FLUSH store, logs, JSON results,
#                    per-thread CPU)
#
# Workloads (128-byte bodies with tag TagA, a key and UNIQ_KEY; every run is a
# `tern bench ... --json`; one broker start per side for all but SYNC_FLUSH):
#   sync1       produce --mode sync -c 1 -w 1
#   sync16      produce --mode sync -c 16 -w 1
#   async16x64  produce --mode async -c 16 -w 64
#   batch64     produce --mode batch --batch 64 -c 4 -w 1
#   push, pull  produce a backlog of N (batch mode), then consume --mode push (and pull)
#               --expect N, each with a new group: drain throughput, verified
#   rate10k     produce --mode async -c 4 -w 16 --rate 10000 (open loop): p99 / p99.9
#   syncflush64 the broker restarted with flushDiskType=SYNC_FLUSH, produce --mode sync -c 64
#               -w 1; Tern's messages per fsync from /metrics (tern_flush_latency_seconds_count)
#   idle RSS    RssAnon after start-up (once the broker is idle), before any load (Java: name server + broker, as Tern
#               standalone is both)
# Each broker start is followed by a 5 s async warm-up run (not reported) and a wait until the
# broker is idle (Tern pre-faults CommitLog files after start, the JVM compiles). Next to every
# figure: the 1-minute load average when the run started, and the CPU seconds
# the broker process(es) and the bench client used during it (2 cores are shared by both).
#
# Ports (P = --ports): Tern name server 4P876, broker 5P911 (+5P909), HTTP 4P880;
# Java name server 4P877, broker 5P921 (+5P919, 5P922).
set -euo pipefail
cd "$(dirname "$0")/.."

TERN=build/release/tools/tern
SECONDS_PER=15
DRAIN=2000000
OUT=""
KEEP=0
ONLY=""
P=4
JAVA_HOME_DIR=""
JAVA_SH=${JAVA_ROCKETMQ_SH:-/work/shared/tools/java-rocketmq.sh}
while [ $# -gt 0 ]; do
  case "$1" in
    --tern) TERN=$2; shift 2 ;;
    --seconds) SECONDS_PER=$2; shift 2 ;;
    --drain) DRAIN=$2; shift 2 ;;
    --ports) P=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,43p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) JAVA_HOME_DIR=$1; shift ;;
  esac
done
[[ "$P" =~ ^[0-9]$ ]] || { echo "--ports takes one digit" >&2; exit 2; }
case "$ONLY" in ""|tern|java) ;; *) echo "--only takes tern or java" >&2; exit 2 ;; esac
[ -x "$TERN" ] || { echo "no tern binary at $TERN (scripts/build.sh release, or --tern)" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is required" >&2; exit 2; }
TERN=$(realpath "$TERN")
T_NS=4${P}876 T_BROKER=5${P}911 T_HTTP=4${P}880 J_NS=4${P}877 J_BROKER=5${P}921
CLK_TCK=$(getconf CLK_TCK)

WORK=$(mktemp -d /tmp/tern-compare.XXXXXX)
TERN_PID=""
JAVA_RUN=""
java_env() {
  env RUN_DIR="$JAVA_RUN" NAMESRV_PORT=$J_NS BROKER_PORT=$J_BROKER ROCKETMQ_HOME="$JAVA_HOME_DIR" \
    BROKER_HEAP=512m "$@"
}
stop_tern() {
  if [ -n "$TERN_PID" ]; then kill "$TERN_PID" 2>/dev/null || true; wait "$TERN_PID" 2>/dev/null || true; fi
  TERN_PID=""
}
stop_java() {
  if [ -n "$JAVA_RUN" ]; then java_env "$JAVA_SH" stop >/dev/null 2>&1 || true; fi
}
cleanup() {
  stop_tern
  stop_java
  if [ "$KEEP" = 1 ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "[compare] $(date -u +%H:%M:%S) $*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
rss_anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# CPU ticks (user + system) of the processes in $BROKER_PIDS.
broker_ticks() {
  local p t=0
  for p in $BROKER_PIDS; do
    t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat")))
  done
  echo "$t"
}
# Per-thread CPU ticks of the processes in $BROKER_PIDS: "pid/tid comm ticks" lines.
thread_ticks() {
  local p f
  for p in $BROKER_PIDS; do
    for f in /proc/"$p"/task/*/stat; do
      awk -v p="$p" '{ s = $0; c = s; sub(/^[^(]*\(/, "", c); sub(/\) .*$/, "", c); gsub(/ /, "_", c);
        sub(/^.*\) /, "", s); split(s, a, " "); print p "/" $1, c, a[12] + a[13] }' "$f" 2>/dev/null || true
    done
  done
}
# The busiest broker threads between two thread_ticks snapshots, as "comm NN%" (of one core).
busiest_threads() {  # busiest_threads BEFORE AFTER SECONDS
  awk -v secs="$3" -v hz="$CLK_TCK" 'NR == FNR { b[$1] = $3; next }
    { d = $3 - b[$1]; if (d > 0) { c[$2] += d } }
    END { for (k in c) printf "%s %.0f%%\n", k, 100 * c[k] / hz / secs }' "$1" "$2" |
    sort -k2 -t' ' -rn | head -6 | paste -sd' ' -
}

# bench NAME ARGS...: one `tern bench` run. Kept in $DIR: NAME.json (summary), NAME.err,
# NAME.meta (load average at the start, broker and client CPU seconds, elapsed seconds,
# busiest broker threads).
bench() {
  local name=$1; shift
  log "$SIDE $name: tern bench $*"
  echo "tern bench $*" >>"$DIR/commands"
  local load t0 b0 c0 c1 th0=$DIR/$name.threads0 th1=$DIR/$name.threads1
  load=$(load1)
  b0=$(broker_ticks)
  thread_ticks >"$th0"
  t0=$(date +%s.%N)
  local TIMEFORMAT='%3U %3S'
  c1=$({ time "$TERN" bench "$@" --json -q >"$DIR/$name.json" 2>"$DIR/$name.err"; } 2>&1 || true)
  local secs bcpu
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  bcpu=$(awk -v a="$b0" -v b="$(broker_ticks)" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", (b - a) / hz }')
  thread_ticks >"$th1"
  c0=$(echo "$c1" | tail -1 | awk '{ printf "%.1f", $1 + $2 }')
  jq -n --arg load "$load" --arg secs "$secs" --arg bcpu "$bcpu" --arg ccpu "$c0" \
    --arg threads "$(busiest_threads "$th0" "$th1" "$secs")" \
    '{load: $load, wall_s: $secs, broker_cpu_s: $bcpu, client_cpu_s: $ccpu, threads: $threads}' \
    >"$DIR/$name.meta"
  if ! jq -e . "$DIR/$name.json" >/dev/null 2>&1; then
    log "$SIDE $name produced no summary: $(tail -3 "$DIR/$name.err")"
    echo '{}' >"$DIR/$name.json"
  fi
}

# Waits (at most 90 s) until the broker process(es) use less than 5 % of a core over a second:
# Tern pre-faults its first CommitLog files after start, Java compiles; neither is measured.
wait_idle() {
  local a b
  for _ in $(seq 1 90); do
    a=$(broker_ticks); sleep 1; b=$(broker_ticks)
    [ $((b - a)) -le $((CLK_TCK / 20)) ] && return 0
  done
  log "$SIDE broker still busy after 90 s; measuring anyway"
}

# The ASYNC_FLUSH workloads against name server $1; results in $DIR. A 5 s async warm-up run
# (not reported) goes first: it creates the client-side connections' code paths and lets the
# JVM compile the send path, so Java is measured warm.
run_suite() {
  local ns=$1 s=$SECONDS_PER
  local common=(-n "$ns" -s 128 --tag TagA --duration "$s")
  bench warmup produce -n "$ns" -s 128 --tag TagA --duration 5 -t CmpWarmup --mode async -c 4 -w 16
  wait_idle
  bench sync1 produce "${common[@]}" -t CmpSync1 --mode sync -c 1 -w 1
  bench sync16 produce "${common[@]}" -t CmpSync16 --mode sync -c 16 -w 1
  bench async16x64 produce "${common[@]}" -t CmpAsync --mode async -c 16 -w 64
  bench batch64 produce "${common[@]}" -t CmpBatch --mode batch --batch 64 -c 4 -w 1
  bench backlog produce -n "$ns" -s 128 --tag TagA --duration 900 -t CmpDrain --mode batch \
    --batch 64 -c 4 -w 1 --messages "$DRAIN"
  bench push consume -n "$ns" -t CmpDrain -g cmp_push --mode push --duration 600 --expect "$DRAIN"
  bench pull consume -n "$ns" -t CmpDrain -g cmp_pull --mode pull --duration 600 --expect "$DRAIN"
  bench rate10k produce "${common[@]}" -t CmpRate --mode async -c 4 -w 16 --rate 10000
}
run_syncflush() {
  bench syncflush64 produce -n "$1" -s 128 --tag TagA --duration "$SECONDS_PER" -t CmpSyncFlush \
    --mode sync -c 64 -w 1
}

flushes() {  # "COUNT SECONDS": CommitLog syncs so far and their total time (Tern /metrics; curl)
  curl -s --max-time 5 "http://127.0.0.1:$T_HTTP/metrics" |
    awk '/^tern_flush_latency_seconds_count/ { c = $NF } /^tern_flush_latency_seconds_sum/ { s = $NF }
      END { if (c != "") print c, s }'
}

start_tern() {  # start_tern DATA_DIR [--set k=v ...]
  local data=$1; shift
  mkdir -p "$data"
  if listening "$T_NS" || listening "$T_BROKER"; then log "port $T_NS or $T_BROKER in use"; exit 2; fi
  "$TERN" standalone --data "$data" --namesrv-port "$T_NS" --listen-port "$T_BROKER" \
    --http-addr "127.0.0.1:$T_HTTP" "$@" >>"$WORK/tern.out" 2>&1 &
  TERN_PID=$!
  BROKER_PIDS=$TERN_PID
  for _ in $(seq 1 100); do listening "$T_BROKER" && break; sleep 0.1; done
  listening "$T_BROKER" || { log "tern did not start: $(tail -5 "$WORK/tern.out")"; exit 2; }
}

run_tern() {
  SIDE=tern
  DIR=$WORK/tern-results
  mkdir -p "$DIR"
  echo "$TERN standalone --data DIR --namesrv-port $T_NS --listen-port $T_BROKER --http-addr 127.0.0.1:$T_HTTP" >"$DIR/commands"
  start_tern "$WORK/tern-data"
  sleep 5
  wait_idle  # settle, then measure idle memory
  rss_anon_kb "$TERN_PID" >"$DIR/idle_rss_kb"
  run_suite "127.0.0.1:$T_NS"
  stop_tern
  [ "$KEEP" = 1 ] || rm -rf "$WORK/tern-data"
  echo "$TERN standalone ... --set flushDiskType=SYNC_FLUSH" >>"$DIR/commands"
  start_tern "$WORK/tern-data-sync" --set flushDiskType=SYNC_FLUSH
  bench warmup-sync produce -n "127.0.0.1:$T_NS" -s 128 --tag TagA --duration 5 -t CmpWarmup \
    --mode async -c 4 -w 16
  wait_idle
  local f0 f1
  f0=$(flushes)
  run_syncflush "127.0.0.1:$T_NS"
  f1=$(flushes)
  echo "${f0:-- -} ${f1:-- -}" >"$DIR/syncflush_fsyncs"
  stop_tern
  rm -rf "$WORK/tern-data-sync"
}

start_java() {  # start_java [BROKER_EXTRA]
  JAVA_RUN=$1; shift
  java_env BROKER_EXTRA="${1:-}" "$JAVA_SH" start >"$WORK/java-start.out" 2>&1 ||
    { log "the Java broker did not start: $(tail -5 "$WORK/java-start.out")"; exit 2; }
  BROKER_PIDS="$(cat "$JAVA_RUN/namesrv.pid") $(cat "$JAVA_RUN/broker.pid")"
}

run_java() {
  SIDE=java
  DIR=$WORK/java-results
  mkdir -p "$DIR"
  echo "RUN_DIR=DIR NAMESRV_PORT=$J_NS BROKER_PORT=$J_BROKER BROKER_HEAP=512m ROCKETMQ_HOME=$JAVA_HOME_DIR $JAVA_SH start" >"$DIR/commands"
  start_java "$WORK/java-run"
  sleep 5
  wait_idle
  local ns_kb broker_kb
  ns_kb=$(rss_anon_kb "$(cat "$JAVA_RUN/namesrv.pid")")
  broker_kb=$(rss_anon_kb "$(cat "$JAVA_RUN/broker.pid")")
  echo $((ns_kb + broker_kb)) >"$DIR/idle_rss_kb"
  echo "$broker_kb" >"$DIR/idle_rss_broker_kb"
  run_suite "127.0.0.1:$J_NS"
  stop_java
  rm -rf "$WORK/java-run"
  echo "... BROKER_EXTRA=flushDiskType=SYNC_FLUSH $JAVA_SH start" >>"$DIR/commands"
  start_java "$WORK/java-run-sync" "flushDiskType=SYNC_FLUSH"
  bench warmup-sync produce -n "127.0.0.1:$J_NS" -s 128 --tag TagA --duration 5 -t CmpWarmup \
    --mode async -c 4 -w 16
  wait_idle
  run_syncflush "127.0.0.1:$J_NS"
  stop_java
  rm -rf "$WORK/java-run-sync"
  JAVA_RUN=""
}

# ---- run ----
HAVE_TERN=0
HAVE_JAVA=0
if [ "$ONLY" != java ]; then run_tern; HAVE_TERN=1; fi
if [ "$ONLY" != tern ]; then
  if [ -z "$JAVA_HOME_DIR" ] || [ ! -d "$JAVA_HOME_DIR/lib" ]; then
    log "Java side skipped: no RocketMQ release at '${JAVA_HOME_DIR:-<not given>}' (pass its directory)"
  elif [ ! -x "$JAVA_SH" ]; then
    log "Java side skipped: no $JAVA_SH (set JAVA_ROCKETMQ_SH)"
  elif ! command -v java >/dev/null; then
    log "Java side skipped: no java in PATH"
  else
    JAVA_HOME_DIR=$(realpath "$JAVA_HOME_DIR")
    run_java
    HAVE_JAVA=1
  fi
fi

# ---- table ----
have() { { [ "$1" = tern ] && [ "$HAVE_TERN" = 1 ]; } || { [ "$1" = java ] && [ "$HAVE_JAVA" = 1 ]; }; }
val() {  # val SIDE FILE JQ
  local f=$WORK/$1-results/$2.json
  have "$1" && [ -f "$f" ] || { echo ""; return; }
  jq -r "$3 // empty" "$f"
}
meta() {  # meta SIDE NAME -> "load 1.2, broker 3.4 s / client 5.6 s CPU"
  local f=$WORK/$1-results/$2.meta
  have "$1" && [ -f "$f" ] || { echo "—"; return; }
  jq -r '"\(.load) · \(.broker_cpu_s)/\(.client_cpu_s) s"' "$f"
}
fmt_rate() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf "%\047d msg/s", v }' || echo "n/a"; }
fmt_us() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { if (v < 1000) printf "%d µs", v; else printf "%.2f ms", v / 1000 }' || echo "n/a"; }
fmt_kb() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf "%.1f MiB", v / 1024 }' || echo "n/a"; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }' || echo "n/a"; }
# verdict KIND TERN JAVA TARGET: KIND "x" (Tern >= TARGET × Java), "min" (Tern >= TARGET),
# "max" (Tern <= TARGET), "none" (no target).
verdict() {
  local kind=$1 t=$2 j=$3 target=$4
  [ "$kind" = none ] && { echo "—"; return; }
  [ -n "$t" ] || { echo "n/a"; return; }
  case "$kind" in
    x) [ -n "$j" ] || { echo "n/a (no Java)"; return; }
       awk -v t="$t" -v j="$j" -v k="$target" 'BEGIN { print (t >= k * j) ? "yes" : "**no**" }' ;;
    min) awk -v t="$t" -v k="$target" 'BEGIN { print (t >= k) ? "yes" : "**no**" }' ;;
    max) awk -v t="$t" -v k="$target" 'BEGIN { print (t <= k) ? "yes" : "**no**" }' ;;
  esac
}
row() {  # row LABEL FORMATTER TERN JAVA TARGET_TEXT KIND TARGET NAME
  local label=$1 fmt=$2 t=$3 j=$4 target_text=$5 kind=$6 target=$7 name=$8
  echo "| $label | $($fmt "$t") | $($fmt "$j") | $(ratio "$t" "$j") | $target_text | $(verdict "$kind" "$t" "$j" "$target") | $(meta tern "$name") | $(meta java "$name") |"
}
rate() { val "$1" "$2" '.msgs_per_sec'; }
lat() { val "$1" rate10k ".latency_us.$2"; }
rss() { have "$1" && [ -f "$WORK/$1-results/idle_rss_kb" ] && cat "$WORK/$1-results/idle_rss_kb" || echo ""; }
check() {  # passed/verify note of a consume run
  local f=$WORK/$1-results/$2.json
  [ -f "$f" ] && jq -r 'if .verify then "\(.verify.unique) unique, \(.verify.redelivered) redelivered, \(.verify.checksum_failures) checksum failures, \(.verify.gaps) gaps, passed=\(.passed)" else "no result" end' "$f" || echo "not run"
}
errs() { local f=$WORK/$1-results/$2.json; [ -f "$f" ] && jq -r '.errors.total // "n/a"' "$f" || echo "n/a"; }
per_fsync() {
  local f=$WORK/tern-results/syncflush_fsyncs msgs
  [ -f "$f" ] || { echo "n/a"; return; }
  msgs=$(val tern syncflush64 '.msgs')
  read -r a as b bs <"$f"
  [ "$a" != - ] && [ "$b" != - ] && [ -n "$msgs" ] && [ "$b" != "$a" ] &&
    awk -v m="$msgs" -v a="$a" -v b="$b" -v as="$as" -v bs="$bs" 'BEGIN {
      printf "%.1f messages per fsync (%d fsyncs, mean %.2f ms each)", m / (b - a), b - a,
        1000 * (bs - as) / (b - a) }' ||
    echo "n/a (no /metrics)"
}

TABLE=$WORK/table.md
{
  echo "### tern bench: Tern vs Java RocketMQ 4.8.0 ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Host: $(nproc) cores, $(uname -r); checkout $(git rev-parse --short HEAD 2>/dev/null || echo '?'), binary $TERN;" \
    "$SECONDS_PER s per workload, 128-byte bodies with a tag, a key and UNIQ_KEY; backlog $DRAIN messages." \
    "Both brokers ASYNC_FLUSH except the SYNC_FLUSH row; default pull caps (32 messages per pull);" \
    "Java 512 MiB heap. Ratio is Tern/Java (for latency and memory, lower is better)." \
    "\"load · CPU\" is the 1-minute load average when the run started, then the CPU seconds the" \
    "broker process(es) / the bench client used during it."
  echo
  echo "| workload | Tern | Java | ratio | target | met | Tern load · CPU | Java load · CPU |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  row "sync, 1 connection, 1 in flight" fmt_rate "$(rate tern sync1)" "$(rate java sync1)" "≥ 4× Java" x 4 sync1
  row "sync, 16 connections" fmt_rate "$(rate tern sync16)" "$(rate java sync16)" "≥ 5× Java" x 5 sync16
  row "async, 16 connections × 64 in flight" fmt_rate "$(rate tern async16x64)" "$(rate java async16x64)" "≥ 10× Java" x 10 async16x64
  row "batch(64), 4 connections" fmt_rate "$(rate tern batch64)" "$(rate java batch64)" "≥ 1 M msg/s" min 1000000 batch64
  row "push consume, drain $DRAIN" fmt_rate "$(rate tern push)" "$(rate java push)" "≥ 500 k msg/s" min 500000 push
  row "pull consume, drain $DRAIN" fmt_rate "$(rate tern pull)" "$(rate java pull)" "—" none 0 pull
  row "SYNC_FLUSH, sync, 64 connections" fmt_rate "$(rate tern syncflush64)" "$(rate java syncflush64)" "≥ 50 k msg/s" min 50000 syncflush64
  row "p99 at 10 k msg/s (open loop)" fmt_us "$(lat tern p99)" "$(lat java p99)" "≤ 1 ms" max 1000 rate10k
  row "p99.9 at 10 k msg/s (open loop)" fmt_us "$(lat tern p999)" "$(lat java p999)" "≤ 5 ms" max 5000 rate10k
  row "idle RssAnon" fmt_kb "$(rss tern)" "$(rss java)" "≤ 10 MB" max 10240 idle
  echo
  if [ "$HAVE_TERN" = 1 ]; then
    echo "- Tern SYNC_FLUSH group commit: $(per_fsync)."
    echo "- Verification of the drains (push / pull): Tern $(check tern push) / $(check tern pull)."
  fi
  if [ "$HAVE_JAVA" = 1 ]; then
    echo "- Java drains: $(check java push) / $(check java pull)."
    echo "- Java idle RssAnon is name server + broker (broker alone: $(fmt_kb "$(cat "$WORK/java-results/idle_rss_broker_kb")"))."
  else
    echo "- Java: not run."
  fi
  for s in tern java; do
    have "$s" || continue
    echo "- $s send errors (sync1, sync16, async, batch, rate10k, syncflush64): $(errs $s sync1), $(errs $s sync16), $(errs $s async16x64), $(errs $s batch64), $(errs $s rate10k), $(errs $s syncflush64)."
  done
  for s in tern java; do
    have "$s" || continue
    echo
    echo "Busiest $s broker threads per workload (% of one core, over the run's wall time):"
    echo
    for n in sync1 sync16 async16x64 batch64 backlog push pull rate10k syncflush64; do
      [ -f "$WORK/$s-results/$n.meta" ] || continue
      echo "- $n ($(jq -r '.wall_s' "$WORK/$s-results/$n.meta") s): $(jq -r '.threads' "$WORK/$s-results/$n.meta")"
    done
  done
  for s in tern java; do
    have "$s" || continue
    echo
    echo "Commands ($s):"
    echo
    echo '```'
    cat "$WORK/$s-results/commands"
    echo '```'
  done
} >"$TABLE"

cat "$TABLE"
[ -n "$OUT" ] && cp "$TABLE" "$OUT"
exit 0
