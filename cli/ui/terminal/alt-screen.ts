/**
 * Draw on the terminal's alternate screen, as full-screen programs do, so the shell's scrollback is
 * untouched. Returns the function that leaves it; it also runs on any exit, so a crash restores the screen.
 */
export function enterAltScreen(stream: NodeJS.WriteStream): () => void {
  stream.write('\u001b[?1049h\u001b[H');
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    process.off('exit', leave);
    stream.write('\u001b[?1049l\u001b[?25h');
  };
  process.on('exit', leave);
  return leave;
}
