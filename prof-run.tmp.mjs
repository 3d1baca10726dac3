// usage: node run.mjs <route> [seconds]  (runs from /work/main)
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { rmSync, mkdirSync } from 'node:fs';
const route = process.argv[2] ?? 'sign';
const secs = Number(process.argv[3] ?? 8);
const dir = process.env.PROFDIR ?? '/tmp/prof/out';
rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
rmSync('/tmp/prof/db.sqlite', { force: true });
const port = 4599;
const extra = process.env.NOPROF ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const child = spawn(process.execPath, [...(process.env.NODEFLAGS ? process.env.NODEFLAGS.split(' ') : []), ...extra, ...(process.env.SERVER_SCRIPT ? ['--import', 'tsx', process.env.SERVER_SCRIPT] : ['bin/undersign.js', 'serve'])], { cwd: process.env.APPDIR ?? '/work/main', env: { ...process.env, DEMO: '1', SIGNATURE_CONFIRMATION: 'none', RATE_LIMIT: 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(40), DATABASE_URL: process.env.DBURL ?? '/tmp/prof/db.sqlite', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` }, stdio: ['ignore', 'inherit', 'inherit'] });
const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 300; i++) { try { if ((await fetch(url + '/healthz')).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
const list = process.env.SERVER_SCRIPT ? { petitions: [{ slug: 'x' }] } : await (await fetch(url + '/api/v1/petitions')).json();
const slug = (list.petitions ?? list.items ?? list.data)[0].slug;
let n = 0;
const cpu = () => { const s = require_('/proc/' + child.pid + '/task/' + child.pid + '/stat'); const f = s.split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10000; };
import { readFileSync, readdirSync } from 'node:fs';
function threads() { const m = new Map(); for (const t of readdirSync(`/proc/${child.pid}/task`)) { try { const s = readFileSync(`/proc/${child.pid}/task/${t}/stat`, 'utf8'); const name = s.slice(s.indexOf('(')+1, s.lastIndexOf(')')); const f = s.split(') ')[1].split(' '); m.set(t, { name, t: (Number(f[11]) + Number(f[12])) * 10000 }); } catch {} } return m; }
function require_(p) { return readFileSync(p, 'utf8'); }
const req = route === 'sign'
  ? { method: 'POST', path: `/api/v1/petitions/${slug}/signatures`, headers: { 'content-type': 'application/json' }, setupRequest: (r) => ({ ...r, body: JSON.stringify({ name: 'Bench Signer', email: `p-${n++}@example.org`, consent: true }) }) }
  : route === 'count' ? { method: 'GET', path: `/api/v1/petitions/${slug}/count` } : { method: 'GET', path: `/petitions/${slug}` };
await autocannon({ url, connections: 256, duration: 2, requests: [req] });
const t0 = threads(); const c0 = cpu(); const me0 = process.cpuUsage();
const r = await autocannon({ url, connections: Number(process.env.CONN ?? 256), duration: secs, requests: [req] });
const c1 = cpu(); const t1 = threads(); const me = process.cpuUsage(me0); console.log(`  load generator: ${((me.user + me.system) / r.requests.total).toFixed(1)} µs/req, ${((me.user + me.system) / secs / 1e4).toFixed(0)} % of a core`);
console.log(`${route}: ${r.requests.average} req/s p50 ${r.latency.p50} p99 ${r.latency.p99} non2xx ${r.non2xx} errors ${r.errors}; main-thread µs/req ${((c1 - c0) / (r.requests.total)).toFixed(0)}`);
for (const [tid, v] of t1) { const d = v.t - (t0.get(tid)?.t ?? 0); if (d > 0.01 * secs * 1e6) console.log(`  thread ${tid} ${v.name}: ${(d / r.requests.total).toFixed(1)} µs/req, ${(d/secs/1e4).toFixed(0)} % of a core`); }
child.kill('SIGTERM');
await new Promise(r => child.once('exit', r));
