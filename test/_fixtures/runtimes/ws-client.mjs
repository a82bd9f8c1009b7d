// A WebSocket client under the runtime itself (the test runner's Node 20 has none):
// `bun ws-client.mjs URL` sends "ping", prints what comes back and exits 0, or exits 1.
const socket = new WebSocket(process.argv[2]);
const timer = setTimeout(() => {
  console.error('no echo within 5 s');
  process.exit(1);
}, 5000);
socket.onopen = () => socket.send('ping');
socket.onmessage = (event) => {
  console.log(`echo ${event.data}`);
  clearTimeout(timer);
  socket.close();
};
socket.onclose = () => process.exit(0);
socket.onerror = () => {
  console.error('websocket error');
  process.exit(1);
};
