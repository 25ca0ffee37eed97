// The example worker role: the same image, a different command. It ticks until told to stop.
const instance = process.env.KILN_INSTANCE_ID ?? 'unknown';
console.log(`worker ${instance} started`);
const timer = setInterval(() => console.log(`worker ${instance} tick`), 5000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
