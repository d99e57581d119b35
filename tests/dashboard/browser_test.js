// The dashboard in a real browser: headless Chromium (the system's `chromium`, driven by
// playwright-core from package-lock.json) against two `tern standalone` processes on free
// ports — one without logins, loaded with fixture traffic (tern bench produce/consume), one
// with dashboardUsers. Loads every page, asserts its content, creates a topic and sends a test
// message through the forms, checks refused writes (read-only role, logged out), and fails on
// any console error or uncaught exception. Screenshots go to OUT_DIR (CI artifacts).
//
// usage: node browser_test.js TERN_BINARY [OUT_DIR]
'use strict';
const { chromium } = require('playwright-core');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const tern = process.argv[2];
const outDir = path.resolve(process.argv[3] || 'dashboard-screenshots');
if (!tern) {
  console.error('usage: node browser_test.js TERN_BINARY [OUT_DIR]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const children = [];
const tmpDirs = [];
// Stops the tern processes (waiting up to 10 s for each to exit) and removes their data.
async function cleanup() {
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            c.kill('SIGKILL');
            resolve();
          }, 10000);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill('SIGTERM');
        })
    )
  );
  for (const d of tmpDirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch (e) {
      console.error('could not remove ' + d + ': ' + e.message);
    }
  }
}
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('  ok: ' + what);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what, fn, ms = 30000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

async function startStandalone(name, extraSets) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-dash-' + name + '-'));
  tmpDirs.push(dir);
  const ns = await freePort();
  const broker = await freePort();
  const http = await freePort();
  const args = ['standalone', '--data', dir, '--namesrv-port', String(ns), '--listen-port',
    String(broker), '--http-addr', '127.0.0.1:' + http, '--set', 'dashboardSampleIntervalMs=200',
    // Small store files: 16 MiB CommitLog files and a small index instead of 1 GiB + 400 MiB.
    '--set', 'mappedFileSizeCommitLog=16777216', '--set', 'maxIndexNum=400000',
    '--set', 'maxHashSlotNum=100000'];
  for (const s of extraSets) args.push('--set', s);
  const log = fs.openSync(path.join(outDir, name + '-tern.log'), 'w');
  const child = spawn(tern, args, { stdio: ['ignore', log, log] });
  children.push(child);
  const base = 'http://127.0.0.1:' + http;
  await waitFor(name + ' standalone', async () => (await fetch(base + '/healthz')).ok);
  return { base, namesrv: '127.0.0.1:' + ns, dir };
}

function bench(namesrv, args) {
  execFileSync(tern, ['bench', ...args, '-n', namesrv, '-q'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60000 });
}

async function newPage(browser, errors) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught exception on ${page.url()}: ${e.message}`));
  return { context, page };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, name + '.png'), fullPage: true });
}

async function openAnonymousCluster(browser, errors, open) {
  const { page } = await newPage(browser, errors);
  // A fresh document per page: rows of the previous page can never satisfy the next wait.
  const nav = async (hash, selector) => {
    await page.goto('about:blank');
    await page.goto(open.base + '/' + hash);
    if (selector) await page.waitForSelector(selector, { timeout: 15000 });
  };

  console.log('Cluster page');
  await nav('#/cluster', 'tr.broker-row');
  const broker = await page.textContent('tr.broker-row');
  check(broker.includes('broker-a') && broker.includes('MASTER'), 'cluster page lists broker-a as MASTER');
  check(/Tern|V\d/.test(broker), 'cluster page shows the broker version: ' + broker.replace(/\s+/g, ' ').trim());
  await page.waitForSelector('#tps svg polyline', { timeout: 15000 });
  check(true, 'cluster page draws the TPS chart');
  await shot(page, '01-cluster');

  console.log('Topics page');
  await nav('#/topics', 'tr.topic-row');
  check((await page.textContent('#list')).includes('FixtureA'), 'topics page lists FixtureA');
  await page.selectOption('#kind', 'system');
  // The list is re-rendered from /api/topics?kind=system: wait until every row is a system topic.
  await waitFor('system topics', async () => {
    const kinds = await page.$$eval('tr.topic-row td:nth-child(2)', (tds) => tds.map((td) => td.textContent.trim()));
    return kinds.length > 0 && kinds.every((k) => k === 'system');
  });
  const systemList = await page.textContent('#list');
  check(systemList.includes('TBW102') && !systemList.includes('FixtureA'), 'the system filter shows TBW102, hides FixtureA');
  await shot(page, '02-topics-system');
  await nav('#/topics', 'form#create-topic');
  await page.fill('#create-topic input[name=topic]', 'UiTopic');
  await page.fill('#create-topic input[name=readQueueNums]', '2');
  await page.fill('#create-topic input[name=writeQueueNums]', '2');
  await page.click('#create-topic button[type=submit]');
  await page.waitForSelector('h1:has-text("Topic UiTopic")', { timeout: 15000 });
  check((await page.textContent('#banner')).includes('done'), 'creating UiTopic through the form succeeds');
  const queueRows = await page.$$('tr.queue-row');
  check(queueRows.length === 2, 'UiTopic has 2 queues');
  await page.fill('#send-form input[name=tag]', 'uitag');
  await page.fill('#send-form input[name=keys]', 'uikey');
  await page.fill('#send-form textarea[name=body]', 'hello from the browser test');
  await page.click('#send-form button[type=submit]');
  await page.waitForSelector('#send-result a', { timeout: 15000 });
  const sendResult = await page.textContent('#send-result');
  check(sendResult.includes('SEND_OK'), 'the test message is sent: ' + sendResult);
  await shot(page, '03-topic-uitopic');
  await page.click('#send-result a');
  await page.waitForSelector('pre.body', { timeout: 15000 });
  check((await page.textContent('pre.body')).includes('hello from the browser test'), 'message detail shows the body');
  check((await page.textContent('main')).includes('uikey'), 'message detail shows the keys');
  const msgId = (await page.textContent('h1')).replace('Message', '').trim();
  await shot(page, '04-message');
  await page.click('a:has-text("Message trace")');
  await page.waitForSelector('h1:has-text("Trace of")', { timeout: 15000 });
  await shot(page, '05-trace');
  await nav('#/topic/FixtureA', 'tr.group-row');
  check((await page.textContent('main')).includes('fixture_cg'), 'FixtureA lists its consumer group');
  check((await page.textContent('#total')).trim() === '30', 'FixtureA holds 30 messages');

  console.log('Consumers page');
  await nav('#/consumers', 'tr.consumer-row');
  const first = await page.textContent('tr.consumer-row');
  check(first.includes('fixture_cg') && first.includes('10'), 'fixture_cg leads with lag 10: ' + first.replace(/\s+/g, ' ').trim());
  await shot(page, '06-consumers');
  await page.click('tr.consumer-row a');
  await page.waitForSelector('#reset-form', { timeout: 15000 });
  check((await page.textContent('#lag')).trim() === '10', 'the group page shows lag 10');
  const queueTopics = await page.$$eval('tr.queue-row td:first-child', (tds) => tds.map((td) => td.textContent));
  check(queueTopics.filter((t) => t === 'FixtureA').length === 4, 'the group page lists the 4 queues of FixtureA');
  await shot(page, '07-consumer-group');

  console.log('Producers page');
  await nav('#/producers', '#producer-form');
  await page.fill('#producer-form input[name=topic]', 'UiTopic');
  await page.fill('#producer-form input[name=group]', 'TERN_DASHBOARD_PRODUCER');
  await page.click('#producer-form button[type=submit]');
  await page.waitForSelector('tr.producer-row', { timeout: 15000 });
  check((await page.$$('tr.producer-row')).length === 1, 'the dashboard producer is online');
  await shot(page, '08-producers');

  console.log('Messages page');
  await nav('#/messages?mode=topic&topic=FixtureA&begin=0&end=' + (Date.now() + 60000), 'tr.message-row');
  check((await page.$$('tr.message-row')).length === 20, 'the first page holds 20 messages');
  check((await page.textContent('.pageinfo')).includes('30 in all'), 'the pager counts 30 messages');
  await shot(page, '09-messages-topic');
  await page.click('button[data-go=next]');
  await waitFor('page 2', async () => (await page.$$('tr.message-row')).length === 10);
  check(true, 'page 2 holds the other 10');
  await nav('#/messages?mode=key&topic=UiTopic&key=uikey', 'tr.message-row');
  check((await page.textContent('#list')).includes(msgId), 'by key finds the test message');
  await nav('#/messages?mode=id&topic=UiTopic&msgId=' + msgId, 'tr.message-row');
  check((await page.$$('tr.message-row')).length === 1, 'by id finds the test message');
  await shot(page, '10-messages-id');
  await nav('#/messages?mode=dlq&group=fixture_cg', '#list');
  await waitFor('DLQ view', async () => (await page.textContent('#list')).length > 0);
  check((await page.textContent('#list')).includes('no dead letters'), 'the DLQ view of fixture_cg is empty');
  await shot(page, '11-messages-dlq');
}

// `tern dashboard -n NAMESRV` alone (no broker in its process) against the open cluster.
async function standaloneDashboard(browser, errors, open) {
  const child = spawn(tern, ['dashboard', '-n', open.namesrv, '--http-addr', '127.0.0.1:0',
    '--sample-interval-ms', '200'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const base = await waitFor('tern dashboard to listen', async () => {
    const m = /tern dashboard: (http:\/\/[0-9.]+:\d+)\//.exec(out);
    return m && m[1];
  });
  const { page } = await newPage(browser, errors);
  await page.goto(base + '/#/cluster');
  await page.waitForSelector('tr.broker-row', { timeout: 15000 });
  check((await page.textContent('tr.broker-row')).includes('broker-a'), 'tern dashboard -n shows the cluster\'s broker');
  await page.goto(base + '/#/topics?filter=FixtureA');
  await page.waitForSelector('tr.topic-row', { timeout: 15000 });
  check((await page.textContent('#list')).includes('FixtureA'), 'tern dashboard -n lists the cluster\'s topics');
  await shot(page, '15-tern-dashboard');
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)));
  check(code === 0, 'tern dashboard exits 0 on SIGTERM');
}

async function openWithUsers(browser, errors, secured) {
  const { context, page } = await newPage(browser, errors);
  await page.goto(secured.base + '/#/topics');
  await page.waitForSelector('#login-form', { timeout: 15000 });
  check(true, 'with dashboardUsers the page asks for a login');
  await shot(page, '12-login');
  await page.fill('#login-form input[name=user]', 'viewer');
  await page.fill('#login-form input[name=password]', 'pw');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('form#create-topic', { timeout: 15000 });
  check((await page.textContent('#who')).includes('viewer'), 'logged in as viewer');
  check((await page.textContent('main')).includes('read-only role'), 'the page tells a viewer that writes will be refused');
  await page.fill('#create-topic input[name=topic]', 'ViewerTopic');
  await page.click('#create-topic button[type=submit]');
  await waitFor('refusal banner', async () => (await page.textContent('#banner')).includes('refused'));
  const banner = await page.textContent('#banner');
  check(banner.includes('read-only'), 'a viewer\'s create is refused: ' + banner);
  await shot(page, '13-viewer-refused');
  await page.click('#logout');
  await page.waitForSelector('#login-form', { timeout: 15000 });
  await page.fill('#login-form input[name=user]', 'admin');
  await page.fill('#login-form input[name=password]', 'secret');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('form#create-topic', { timeout: 15000 });
  check((await page.textContent('#who')).includes('admin'), 'logged in as admin');
  // The session ends behind the page's back (logged out in another tab, expired): the write
  // is refused and the page asks for a login again.
  await context.clearCookies();
  await page.fill('#create-topic input[name=topic]', 'LoggedOutTopic');
  await page.click('#create-topic button[type=submit]');
  await page.waitForSelector('#login-form', { timeout: 15000 });
  const refused = await page.textContent('#banner');
  check(refused.includes('refused') && refused.includes('login required'), 'a logged-out write is refused: ' + refused);
  await shot(page, '14-logged-out-refused');
  const topics = await (await fetch(secured.base + '/api/topics?filter=LoggedOutTopic')).status;
  check(topics === 401, 'the API refuses an anonymous read too');
}

(async () => {
  const executablePath = process.env.CHROMIUM || execFileSync('sh', ['-c', 'command -v chromium']).toString().trim();
  const [open, secured] = await Promise.all([
    startStandalone('open', []),
    startStandalone('secured', ['dashboardUsers=admin:secret:admin,viewer:pw:read']),
  ]);
  console.log('fixture: 20 messages on FixtureA, consumed by fixture_cg, then 10 more (lag 10)');
  bench(open.namesrv, ['produce', '-t', 'FixtureA', '--queues', '4', '--messages', '20', '--duration', '30']);
  bench(open.namesrv, ['consume', '-t', 'FixtureA', '-g', 'fixture_cg', '--expect', '20', '--duration', '30']);
  bench(open.namesrv, ['produce', '-t', 'FixtureA', '--queues', '4', '--messages', '10', '--duration', '30']);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const errors = [];
  try {
    await openAnonymousCluster(browser, errors, open);
    console.log('tern dashboard -n');
    await standaloneDashboard(browser, errors, open);
    console.log('Logins (dashboardUsers)');
    await openWithUsers(browser, errors, secured);
  } finally {
    await browser.close();
  }
  // 401 responses are expected on the secured cluster; anything else is a bug.
  const unexpected = errors.filter((e) => !/status of 401|status of 403/.test(e));
  for (const e of unexpected) console.error(e);
  check(unexpected.length === 0, 'no console errors or uncaught exceptions');
  console.log('PASS (screenshots in ' + outDir + ')');
  await cleanup();
  process.exit(0);
})().catch(async (e) => {
  console.error('FAIL: ' + (e.stack || e.message));
  await cleanup();
  process.exit(1);
});
