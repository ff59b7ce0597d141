import WebSocket from 'ws';
import { startDemo } from '/work/main/pb-js/test/support/demo-server.js';
const demo = await startDemo();
function open(protocols, opts = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(demo.ws, protocols, opts);
    ws.on('unexpected-response', (req, res) => resolve({ status: res.statusCode }));
    ws.on('error', (e) => resolve({ error: e.message }));
    ws.on('open', () => resolve({ ws }));
  });
}
function closed(ws) { return new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() }))); }
let r = await open(['banana']); let c = closed(r.ws); r.ws.send('hello'); console.log('text', await c);
r = await open(['banana']); c = closed(r.ws); r.ws.send(Buffer.alloc(16 * 1024 * 1024 + 1)); console.log('big', await c);
r = await open(['msgpack']); c = closed(r.ws); r.ws.send(Buffer.alloc(16 * 1024 * 1024 + 1)); console.log('big msgpack', await c);
console.log('proto', await open(['nonesuch']));
console.log('origin', await open(['banana'], { origin: 'http://evil.example' }));
console.log('origin ok', Object.keys(await open(['banana'], { origin: demo.site.slice(0, -1) })));
r = await open(['banana']); c = closed(r.ws); r.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x99])); console.log('garbage', await c);
r = await open(['msgpack']); c = closed(r.ws); r.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x99, 1,2,3])); console.log('garbage msgpack', await c);
r = await open(['banana']); c = closed(r.ws); r.ws.send(Buffer.from([0x01, 0x80])); console.log('truncated banana', await c);
r = await open(['msgpack']); c = closed(r.ws); r.ws.send(Buffer.from([0,0,0,0x10, 0x91])); console.log('truncated msgpack', await c);
await demo.stop();
console.log(demo.stderr());
