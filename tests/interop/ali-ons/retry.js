// Retry and dead letters with the unmodified npm `ali-ons` client against `tern standalone`
// (one-second delay levels so retries come back quickly):
//  1. a consumer that asks to retry each message once (ACTION_RETRY) gets it back after the
//     delay, under its own topic, with reconsumeTimes 1 (ali-ons sends CONSUMER_SEND_MSG_BACK
//     with delayLevel 0 and maxReconsumeTimes, version 121);
//  2. a consumer with maxReconsumeTimes 1 that never succeeds: the message lands in
//     %DLQ%<group> after its one retry.
// Usage: node retry.js <path to tern> [N]. Exit 0 on success, 1 with a reason otherwise.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { Producer, Consumer, Message } = require('ali-ons');
const { freePort, startTern, stopTern, call, createTopic } = require('./lib');

const TERN = process.argv[2];
const N = Number(process.argv[3] || 10);
const TOPIC = 'TernAliOnsRetry';
const TIMEOUT_MS = 90000;

const clientOptions = nsPort => ({
  httpclient: {},
  nameSrv: [`127.0.0.1:${nsPort}`],
  accessKeyId: 'none',
  accessKeySecret: 'none',
});

async function produce(nsPort, prefix, count) {
  const producer = new Producer(Object.assign(clientOptions(nsPort), { producerGroup: 'PID_retry' }));
  await producer.ready();
  for (let i = 0; i < count; i++) {
    const r = await producer.send(new Message(TOPIC, 'TagR', `${prefix}-${i}`));
    if (r.sendStatus !== 'SEND_OK') throw new Error(`send ${prefix}-${i}: ${JSON.stringify(r)}`);
  }
  await producer.close();
}

function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`timed out: ${what()}`)), TIMEOUT_MS))]);
}

// Phase 1: every message fails once, then succeeds.
async function retryOnce(nsPort) {
  const consumer = new Consumer(Object.assign(clientOptions(nsPort), {
    consumerGroup: 'CID_tern_retry', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  }));
  const deliveries = new Map();  // body -> [reconsumeTimes...]
  let resolveDone;
  const done = new Promise(r => { resolveDone = r; });
  consumer.subscribe(TOPIC, '*', async msg => {
    const body = msg.body.toString();
    if (!body.startsWith('once-')) return;
    if (msg.topic !== TOPIC) throw new Error(`${body}: delivered under ${msg.topic}`);
    const seen = deliveries.get(body) || [];
    seen.push(msg.reconsumeTimes);
    deliveries.set(body, seen);
    if ([...deliveries.values()].filter(v => v.length >= 2).length === N) resolveDone();
    if (seen.length === 1) return Consumer.ACTION_RETRY;
  });
  consumer.on('error', err => console.error('consumer error:', err.message));
  await consumer.ready();
  await produce(nsPort, 'once', N);
  await withTimeout(done, () => `${[...deliveries.values()].filter(v => v.length >= 2).length} ` +
                    `of ${N} messages came back`);
  await consumer.close();
  for (const [body, times] of deliveries) {
    if (times[0] !== 0 || times[1] !== 1) {
      throw new Error(`${body}: reconsumeTimes ${times}, expected 0 then 1`);
    }
  }
  console.log(`phase 1: ${N} messages retried once and redelivered with reconsumeTimes 1`);
}

// Phase 2: nothing succeeds; after one retry each message is a dead letter.
async function deadLetters(nsPort, brokerPort) {
  const group = 'CID_tern_dlq';
  const consumer = new Consumer(Object.assign(clientOptions(nsPort), {
    consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', maxReconsumeTimes: 1,
  }));
  // A throwing listener, not ACTION_RETRY: ali-ons 3.12 wraps the listener of the retry topic and
  // drops its return value, so only an exception gets a redelivered message sent back again.
  consumer.subscribe(TOPIC, '*', async msg => {
    if (msg.body.toString().startsWith('dead-')) throw new Error(`refusing ${msg.body}`);
  });
  consumer.on('error', err => {
    if (!/refusing dead-/.test(err.message)) console.error('consumer error:', err.message);
  });
  await consumer.ready();
  await produce(nsPort, 'dead', N);
  // GET_MAX_OFFSET (30) of %DLQ%<group> queue 0: the dead letters stored there.
  const dlq = async () => {
    const r = await call(brokerPort, 30, { topic: `%DLQ%${group}`, queueId: '0' });
    return r.header.code === 0 ? Number(r.header.extFields.offset) : 0;
  };
  const deadline = Date.now() + TIMEOUT_MS;
  let n = 0;
  while ((n = await dlq()) < N) {
    if (Date.now() > deadline) throw new Error(`timed out: ${n} of ${N} dead letters`);
    await new Promise(r => setTimeout(r, 100));
  }
  await consumer.close();
  if (n !== N) throw new Error(`${n} dead letters, expected ${N}`);
  console.log(`phase 2: ${N} messages moved to %DLQ%${group} after maxReconsumeTimes`);
}

(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-ali-ons-retry-'));
  const nsPort = await freePort();
  const brokerPort = await freePort();
  const tern = await startTern(TERN, ['standalone', '--data', dataDir, '--namesrv-port',
    String(nsPort), '--listen-port', String(brokerPort), '--set', 'vipChannelEnable=false',
    '--set', 'messageDelayLevel=1s 1s 1s 1s 1s 1s'], 'tern standalone ready');
  try {
    await createTopic(brokerPort, TOPIC);
    await retryOnce(nsPort);
    await deadLetters(nsPort, brokerPort);
    fs.rmSync(dataDir, { recursive: true, force: true });
  } finally {
    await stopTern(tern);
    if (fs.existsSync(dataDir)) console.error(`tern data and logs kept in ${dataDir}`);
  }
})().then(() => process.exit(0), err => {
  console.error('ali-ons retry FAILED:', err.stack || err);
  process.exit(1);
});
