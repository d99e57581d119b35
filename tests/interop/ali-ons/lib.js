// Helpers shared by the ali-ons interop tests: free ports, starting and stopping tern
// processes, and the few raw RocketMQ requests the tests need (create a topic, read a route).
'use strict';

const { spawn } = require('child_process');
const net = require('net');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// Small store files for the brokers of a test (16 MiB CommitLog files, a small index) so a
// kept data dir costs megabytes, not the 1 GiB + 400 MiB of the defaults.
const SMALL_STORE = ['--set', 'mappedFileSizeCommitLog=16777216', '--set', 'maxIndexNum=400000',
  '--set', 'maxHashSlotNum=100000'];

// Starts `tern <args>` and resolves once its log contains `readyLine`.
function startTern(tern, args, readyLine) {
  const sizing = ['standalone', 'broker'].includes(args[0]) ? SMALL_STORE : [];
  const child = spawn(tern,
    ['--log-level', process.env.TERN_LOG_LEVEL || 'info', ...args, ...sizing],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tern ${args[0]} not ready:\n${log}`)), 20000);
    const onData = d => {
      log += d.toString();
      if (log.includes(readyLine)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', code => reject(new Error(`tern ${args[0]} exited early (${code}):\n${log}`)));
  });
}

function stopTern(child) {
  return new Promise(resolve => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.on('exit', code => resolve(code));
    child.kill('SIGTERM');
  });
}

// One RocketMQ request as a raw frame with a JSON header; resolves to {header, body}.
function call(port, code, extFields, body = Buffer.alloc(0)) {
  const header = Buffer.from(JSON.stringify({
    code, flag: 0, language: 'JAVA', opaque: 1, version: 373, extFields,
  }));
  const frame = Buffer.alloc(8 + header.length + body.length);
  frame.writeInt32BE(4 + header.length + body.length, 0);
  frame.writeInt32BE(header.length, 4);  // serialize type 0 (JSON) in the top byte
  header.copy(frame, 8);
  body.copy(frame, 8 + header.length);
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(frame));
    let buf = Buffer.alloc(0);
    sock.on('data', d => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      const hlen = buf.readInt32BE(4) & 0xffffff;
      const h = JSON.parse(buf.slice(8, 8 + hlen).toString());
      sock.end();
      resolve({ header: h, body: buf.slice(8 + hlen, 4 + buf.readInt32BE(0)).toString() });
    });
    sock.on('error', reject);
  });
}

// UPDATE_AND_CREATE_TOPIC (17), the way mqadmin creates a topic on one broker.
async function createTopic(brokerPort, topic, queues = 4) {
  const r = await call(brokerPort, 17, {
    topic, defaultTopic: 'TBW102', readQueueNums: String(queues), writeQueueNums: String(queues),
    perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false',
  });
  if (r.header.code !== 0) throw new Error(`create topic ${topic}: ${r.header.code} ${r.header.remark}`);
}

// GET_ROUTEINFO_BY_TOPIC (105) from a name server; null when it has no route.
async function route(nsPort, topic) {
  const r = await call(nsPort, 105, { topic });
  return r.header.code === 0 ? JSON.parse(r.body) : null;
}

module.exports = { freePort, startTern, stopTern, call, createTopic, route };
