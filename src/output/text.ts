// Text helpers the renderers share.

/** Splits a command at spaces into lines ending in " \\", as a shell accepts it. */
export function wrapCommand(command: string, firstRoom: number, room: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of command.split(' ')) {
    const limit = (lines.length === 0 ? firstRoom : room) - 2;
    if (line && line.length + 1 + word.length > limit) {
      lines.push(`${line} \\`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}
