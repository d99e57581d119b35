#!/usr/bin/env bash
# The dashboard's list pages at scale: 10,000 topics and 10,000 consumer groups (each with
# committed offsets on 4 queues of one of the topics), served by `tern standalone`.
#
# The fixture is written in bulk as the broker's metadata files (config/topics.json,
# subscriptionGroup.json, consumerOffset.json — what a migrated Java broker would have) before
# the broker starts: creating 10,000 topics with one UPDATE_AND_CREATE_TOPIC each would
# rewrite (and fsync) the whole topics.json 10,000 times, O(n^2). The broker registers all
# topics with the name server once at start.
#
# Then it times, with curl, each list request cold (the dashboard's cache empty: the name
# server / broker round trips included) and warm (from the cache), and prints a Markdown table.
#
# usage: bench/dashboard/list_scale.sh [TERN_BINARY] [N]   (defaults: build/release/tools/tern 10000)
set -euo pipefail
TERN=${1:-build/release/tools/tern}
N=${2:-10000}
PORT_BASE=${PORT_BASE:-47000}
NS_PORT=$((PORT_BASE + 876))
BROKER_PORT=$((PORT_BASE + 911))
HTTP_PORT=$((PORT_BASE + 80))
DIR=$(mktemp -d /tmp/tern-dash-scale.XXXXXX)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT

mkdir -p "$DIR/store/config"
python3 - "$DIR/store/config" "$N" <<'PY'
import json, sys, time
out, n = sys.argv[1], int(sys.argv[2])
version = {"counter": 1, "timestamp": int(time.time() * 1000)}
topics = {}
for i in range(n):
    name = "scale_topic_%05d" % i
    topics[name] = {"order": False, "perm": 6, "readQueueNums": 4, "topicFilterType": "SINGLE_TAG",
                    "topicName": name, "topicSysFlag": 0, "writeQueueNums": 4}
json.dump({"dataVersion": version, "topicConfigTable": topics}, open(out + "/topics.json", "w"))
groups, offsets = {}, {}
for i in range(n):
    g = "scale_group_%05d" % i
    groups[g] = {"brokerId": 0, "consumeBroadcastEnable": True, "consumeEnable": True,
                 "consumeFromMinEnable": True, "groupName": g, "notifyConsumerIdsChangedEnable": True,
                 "retryMaxTimes": 16, "retryQueueNums": 1, "whichBrokerWhenConsumeSlowly": 1}
    offsets["scale_topic_%05d@%s" % (i, g)] = {str(q): 0 for q in range(4)}
json.dump({"dataVersion": version, "subscriptionGroupTable": groups},
          open(out + "/subscriptionGroup.json", "w"))
json.dump({"offsetTable": offsets}, open(out + "/consumerOffset.json", "w"))
PY

"$TERN" standalone --data "$DIR" --namesrv-port "$NS_PORT" --listen-port "$BROKER_PORT" \
  --http-addr "127.0.0.1:$HTTP_PORT" >"$DIR/tern.out" 2>&1 &
PID=$!
BASE="http://127.0.0.1:$HTTP_PORT"
for _ in $(seq 1 300); do
  if curl -sf "$BASE/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
# Wait until the name server lists every topic (the broker's registration has landed).
for _ in $(seq 1 300); do
  total=$(curl -s "$BASE/api/topics?kind=normal&size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total",0))' 2>/dev/null || echo 0)
  if [ "$total" -ge "$N" ]; then break; fi
  sleep 1
done

# time URL: seconds for one GET (cold caches are emptied by waiting out the 5 s list TTL).
t() { curl -s -o /dev/null -w '%{time_total}' "$BASE$1"; }
count() {
  curl -s "$BASE$1" | python3 -c 'import json,sys
d = json.load(sys.stdin)
print("error: " + d["error"] if "error" in d else "%s, %d" % (d["total"], len(d["items"])) if "items" in d else "(one object)")'
}

echo "| request | rows (total, page) | cold s | warm s |"
echo "|---|---|---|---|"
for url in \
  "/api/topics?page=1&size=50" \
  "/api/topics?kind=normal&page=200&size=50" \
  "/api/topics?filter=topic_0999&size=50" \
  "/api/consumers?page=1&size=50" \
  "/api/consumers?kind=normal&page=1&size=50" \
  "/api/consumers?sort=name&page=100&size=50" \
  "/api/consumers?filter=group_0042&size=50" \
  "/api/cluster" \
  "/api/topic?topic=scale_topic_05000" \
  "/api/consumer?group=scale_group_05000"; do
  sleep 5.5  # the list cache (5 s TTL) expires: the next call is cold
  cold=$(t "$url")
  warm=$(t "$url")
  rows=$(count "$url" 2>/dev/null || echo "-")
  echo "| \`GET $url\` | $rows | $cold | $warm |"
done
