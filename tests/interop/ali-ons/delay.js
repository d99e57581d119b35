// Delayed delivery with the unmodified npm `ali-ons` client against `tern standalone`:
//  - delay levels (Message#delayTimeLevel; the broker runs with levels "1s 2s 3s" here), and
//  - an absolute delivery time (Message#setStartDeliverTime: the __STARTDELIVERTIME property of
//    ali-ons/ONS, served by Tern's timer wheel).
// Every message must arrive under its own topic with its tag, exactly once, and never before it
// is due (no upper bound is asserted beyond the test's deadline).
// Usage: node delay.js <path to tern> [N]. Exit 0 on success, 1 with a reason otherwise.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { Producer, Consumer, Message } = require('ali-ons');
const { freePort, startTern, stopTern, createTopic } = require('./lib');

const TERN = process.argv[2];
const N = Number(process.argv[3] || 20);
const TOPIC = 'TernAliOnsDelay';
const TIMEOUT_MS = 60000;
const LEVEL = 2;  // "2s" with the levels below
const LEVEL_MS = 2000;
const START_DELAY_MS = 1500;

const clientOptions = nsPort => ({
  httpclient: {},
  nameSrv: [`127.0.0.1:${nsPort}`],
  accessKeyId: 'none',
  accessKeySecret: 'none',
});

(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-ali-ons-delay-'));
  const nsPort = await freePort();
  const brokerPort = await freePort();
  const tern = await startTern(TERN, ['standalone', '--data', dataDir, '--namesrv-port',
    String(nsPort), '--listen-port', String(brokerPort), '--http-addr', 'off',
    '--set', 'vipChannelEnable=false', '--set', 'messageDelayLevel=1s 2s 3s'],
  'tern standalone ready');
  let consumer;
  try {
    await createTopic(brokerPort, TOPIC);
    consumer = new Consumer(Object.assign(clientOptions(nsPort), {
      consumerGroup: 'CID_tern_delay', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    }));
    const due = new Map();       // body -> earliest legal arrival (ms since epoch)
    const arrived = new Map();   // body -> [arrival times]
    const problems = [];
    let resolveDone;
    const done = new Promise(r => { resolveDone = r; });
    consumer.subscribe(TOPIC, '*', async msg => {
      const now = Date.now();
      const body = msg.body.toString();
      if (msg.topic !== TOPIC) problems.push(`${body}: delivered under ${msg.topic}`);
      if (msg.tags !== 'TagD') problems.push(`${body}: tag ${msg.tags}`);
      const times = arrived.get(body) || [];
      times.push(now);
      arrived.set(body, times);
      if (due.has(body) && now < due.get(body)) {
        problems.push(`${body}: arrived ${due.get(body) - now} ms before it was due`);
      }
      if (arrived.size === N) resolveDone();
    });
    consumer.on('error', err => console.error('consumer error:', err.message));
    await consumer.ready();

    const producer = new Producer(Object.assign(clientOptions(nsPort), { producerGroup: 'PID_delay' }));
    await producer.ready();
    for (let i = 0; i < N; i++) {
      const body = i % 2 === 0 ? `level-${i}` : `at-${i}`;
      const msg = new Message(TOPIC, 'TagD', body);
      const before = Date.now();
      if (i % 2 === 0) {
        msg.delayTimeLevel = LEVEL;
        due.set(body, before + LEVEL_MS);
      } else {
        msg.setStartDeliverTime(before + START_DELAY_MS);
        due.set(body, before + START_DELAY_MS);
      }
      const r = await producer.send(msg);
      if (r.sendStatus !== 'SEND_OK') throw new Error(`send ${body}: ${JSON.stringify(r)}`);
    }
    await producer.close();

    await Promise.race([done, new Promise((_, reject) => setTimeout(
      () => reject(new Error(`timed out: ${arrived.size} of ${N} delayed messages arrived`)),
      TIMEOUT_MS))]);
    for (const [body, times] of arrived) {
      if (times.length !== 1) problems.push(`${body}: delivered ${times.length} times`);
    }
    if (problems.length) throw new Error(problems.join('\n'));
    const late = [...arrived].map(([b, t]) => t[0] - due.get(b));
    console.log(`${N} delayed messages (delay level ${LEVEL} and __STARTDELIVERTIME) arrived ` +
                `on time; lateness ms min ${Math.min(...late)} max ${Math.max(...late)}`);
    await consumer.close();
    consumer = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  } finally {
    if (consumer) await consumer.close().catch(() => {});
    await stopTern(tern);
    if (fs.existsSync(dataDir)) console.error(`tern data and logs kept in ${dataDir}`);
  }
})().then(() => process.exit(0), err => {
  console.error('ali-ons delay FAILED:', err.stack || err);
  process.exit(1);
});
