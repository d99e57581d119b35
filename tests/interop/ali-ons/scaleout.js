// Scale-out with separate processes: two name servers and two brokers (broker-a, broker-b) of
// one cluster on loopback. A topic created on both brokers is routed to both by each name
// server; the ali-ons producer spreads its sends over the 8 queues of the 2 brokers; one
// consumer group reads every message back exactly once.
// Usage: node scaleout.js <path to tern> [N]. Exit 0 on success, 1 with a reason otherwise.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { Producer, Consumer, Message } = require('ali-ons');
const { freePort, startTern, stopTern, createTopic, route } = require('./lib');

const TERN = process.argv[2];
const N = Number(process.argv[3] || 80);
const TOPIC = 'TernScaleOut';

async function waitFor(what, fn, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setImmediate(r));
  }
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-scaleout-'));
  const procs = [];
  try {
    const ns = [await freePort(), await freePort()];
    const namesrvAddr = ns.map(p => `127.0.0.1:${p}`).join(';');
    for (let i = 0; i < 2; i++) {
      fs.mkdirSync(path.join(dir, `ns${i}`));
      procs.push(await startTern(TERN, ['namesrv', '--listen-port', String(ns[i]),
        '--home', path.join(dir, `ns${i}`)], 'name server listening'));
    }
    const brokers = [];
    for (const name of ['broker-a', 'broker-b']) {
      const port = await freePort();
      procs.push(await startTern(TERN, ['broker', '-n', namesrvAddr, '--listen-port', String(port),
        '--store', path.join(dir, name, 'store'), '--set', `brokerName=${name}`,
        '--set', 'vipChannelEnable=false'],
      'listening on'));
      brokers.push({ name, port });
    }
    for (const b of brokers) await createTopic(b.port, TOPIC, 4);
    // Both name servers route the topic to both brokers.
    for (const p of ns) {
      await waitFor(`route on name server ${p}`, async () => {
        const r = await route(p, TOPIC);
        return r && r.brokerDatas.length === 2 && r.queueDatas.length === 2;
      });
    }
    const opts = { httpclient: {}, nameSrv: ns.map(p => `127.0.0.1:${p}`),
      accessKeyId: 'none', accessKeySecret: 'none' };
    const producer = new Producer(Object.assign({}, opts, { producerGroup: 'PID_scaleout' }));
    await producer.ready();
    const queues = new Set();
    for (let i = 0; i < N; i++) {
      const r = await producer.send(new Message(TOPIC, 'T', `m-${i}`));
      if (r.sendStatus !== 'SEND_OK') throw new Error(`send ${i}: ${JSON.stringify(r)}`);
      queues.add(`${r.messageQueue.brokerName}/${r.messageQueue.queueId}`);
    }
    await producer.close();
    if (queues.size !== 8) throw new Error(`sends reached ${[...queues]} (expected 8 queues)`);
    console.log(`producer: ${N} messages over ${queues.size} queues on 2 brokers`);

    const consumer = new Consumer(Object.assign({}, opts, { consumerGroup: 'CID_scaleout' }));
    const seen = new Map();
    consumer.subscribe(TOPIC, '*', async msg => {
      const i = Number(msg.body.toString().split('-')[1]);
      seen.set(i, (seen.get(i) || 0) + 1);
    });
    consumer.on('error', err => console.error('consumer error:', err.message));
    await consumer.ready();
    await waitFor('every message', async () => seen.size === N, 90000);
    await consumer.close();
    const dup = [...seen.entries()].filter(([, n]) => n > 1).map(([i]) => i);
    if (dup.length) throw new Error(`duplicated: ${dup}`);
    console.log(`consumer group: ${N} messages from both brokers, each once`);
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    for (const p of procs.reverse()) await stopTern(p);
    if (fs.existsSync(dir)) console.error(`data and logs kept in ${dir}`);
  }
})().then(() => process.exit(0), err => {
  console.error('scale-out FAILED:', err.stack || err);
  process.exit(1);
});
