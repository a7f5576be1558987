// npm run ws -- <ws://host:port/api/v1/ws/client_id>: a minimal WebSocket console for trying the gateway's socket
// with only what `npm install` brought. Each line read from stdin is sent as one message; each message received is
// printed on its own line prefixed "< ". End of input (Ctrl-D) closes the socket once what was sent is flushed.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const url = process.argv[2];
if (!url || !/^wss?:\/\//.test(url)) {
  console.error('usage: npm run ws -- ws://localhost:8000/api/v1/ws/<client_id>');
  process.exit(2);
}

const socket = new WebSocket(url);
socket.on('error', (error) => {
  console.error(`ws: ${url}: ${error.message}`);
  process.exit(1);
});
socket.on('close', (code, reason) => {
  console.error(`ws: closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
  process.exit(0);
});
socket.on('message', (data) => console.log(`< ${data.toString()}`));
socket.on('open', () => {
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    // A line copied from the README keeps its "> " prompt; send what follows it.
    const text = line.replace(/^>\s?/, '').trim();
    if (text) socket.send(text);
  });
  lines.on('close', () => socket.close(1000));
});
