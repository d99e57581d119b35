// Runs the unmodified npm `ali-ons` RocketMQ client against `tern standalone`:
//  1. produce N messages with tags and keys; a clustering consumer group receives every body,
//     tag and key exactly once;
//  2. produce N more, restart the broker (SIGTERM, start again on the same data), and the same
//     group receives exactly the new ones: nothing acknowledged is lost, offsets survive.
// Usage: node interop.js <path to tern> [N]. Exit 0 on success, 1 with a reason otherwise.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { Producer, Consumer, Message } = require('ali-ons');
const { freePort, startTern, stopTern, createTopic } = require('./lib');

const TERN = process.argv[2];
const N = Number(process.argv[3] || 100);
const TOPIC = 'TernAliOns';
const GROUP = 'CID_tern_interop';
const TIMEOUT_MS = 90000;

function startStandalone(dataDir, nsPort, brokerPort) {
  return startTern(TERN, ['standalone', '--data', dataDir, '--namesrv-port', String(nsPort),
    '--listen-port', String(brokerPort), '--set', 'vipChannelEnable=false'],
  'tern standalone ready');
}

const clientOptions = nsPort => ({
  httpclient: {},  // ali-ons would look the name server up over HTTP without nameSrv
  nameSrv: [`127.0.0.1:${nsPort}`],
  accessKeyId: 'none',
  accessKeySecret: 'none',
});

async function produce(nsPort, from, count) {
  const producer = new Producer(Object.assign(clientOptions(nsPort), { producerGroup: 'PID_tern' }));
  await producer.ready();
  const sent = [];
  for (let i = from; i < from + count; i++) {
    const msg = new Message(TOPIC, i % 2 === 0 ? 'TagEven' : 'TagOdd', `body-${i}`);
    msg.keys = [`key-${i}`];
    const r = await producer.send(msg);
    if (r.sendStatus !== 'SEND_OK') throw new Error(`send ${i}: ${JSON.stringify(r)}`);
    sent.push(i);
  }
  await producer.close();
  return sent;
}

async function consume(nsPort, expected) {
  const consumer = new Consumer(Object.assign(clientOptions(nsPort), { consumerGroup: GROUP }));
  const seen = new Map();
  let resolveDone;
  const done = new Promise(r => { resolveDone = r; });
  consumer.subscribe(TOPIC, '*', async msg => {
    const body = msg.body.toString();
    const i = Number(body.split('-')[1]);
    const wantTag = i % 2 === 0 ? 'TagEven' : 'TagOdd';
    if (msg.tags !== wantTag) throw new Error(`message ${i}: tag ${msg.tags}, expected ${wantTag}`);
    if (msg.keys !== `key-${i}`) throw new Error(`message ${i}: keys ${msg.keys}`);
    seen.set(i, (seen.get(i) || 0) + 1);
    if (expected.every(e => seen.has(e))) resolveDone();
  });
  consumer.on('error', err => console.error('consumer error:', err.message));
  await consumer.ready();
  const timer = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(
      `timed out: got ${seen.size} of ${expected.length} messages`)), TIMEOUT_MS));
  await Promise.race([done, timer]);
  // Let the consumer acknowledge what it processed (its offsets move when a whole batch has
  // been handled) before closing, so the close commits them.
  const deadline = Date.now() + 10000;
  const busy = () => [...consumer._processQueueTable.values()].some(pq => pq && pq.msgCount > 0);
  while (busy() && Date.now() < deadline) await new Promise(r => setImmediate(r));
  await consumer.close();
  return seen;
}

// Every expected message exactly once. `earlier` messages (consumed before) may come again:
// a consumer commits its offset when it has handled a batch, so a message handled right
// before close() can be redelivered (RocketMQ is at-least-once); they are counted, not failed.
function check(seen, expected, phase, earlier = []) {
  const missing = expected.filter(i => !seen.has(i));
  const dup = expected.filter(i => seen.get(i) > 1);
  const redelivered = [...seen.keys()].filter(i => earlier.includes(i));
  const extra = [...seen.keys()].filter(i => !expected.includes(i) && !earlier.includes(i));
  if (missing.length || dup.length || extra.length) {
    throw new Error(`${phase}: missing ${missing}, duplicated ${dup}, unexpected ${extra}`);
  }
  console.log(`${phase}: ${expected.length} messages received exactly once` +
              (redelivered.length ? ` (+${redelivered.length} earlier ones redelivered)` : ''));
}

(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-ali-ons-'));
  const nsPort = await freePort();
  const brokerPort = await freePort();
  let tern = await startStandalone(dataDir, nsPort, brokerPort);
  try {
    await createTopic(brokerPort, TOPIC);
    const first = await produce(nsPort, 0, N);
    check(await consume(nsPort, first), first, 'phase 1 (produce, consume)');
    const second = await produce(nsPort, N, N);
    await stopTern(tern);
    tern = await startStandalone(dataDir, nsPort, brokerPort);
    check(await consume(nsPort, second), second, 'phase 2 (produce, restart broker, consume)',
          first);
    fs.rmSync(dataDir, { recursive: true, force: true });
  } finally {
    await stopTern(tern);
    if (fs.existsSync(dataDir)) console.error(`tern data and logs kept in ${dataDir}`);
  }
})().then(() => process.exit(0), err => {
  console.error('ali-ons interop FAILED:', err.stack || err);
  process.exit(1);
});
