/** An AbortSignal that fires on the first Ctrl-C or SIGTERM, so the engine can clean up before exiting. */
export function interruptSignal(onInterrupt: (signal: string) => void = () => {}): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.once(name, () => {
      onInterrupt(name);
      controller.abort(new Error(`interrupted by ${name}`));
    });
  }
  return controller.signal;
}
