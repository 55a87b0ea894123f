// Text helpers the renderers share.
import wrapAnsi from 'wrap-ansi';

/**
 * The one way human output wraps: at spaces only, so an identifier (a uid, a
 * name, a path, a command word) is never split across lines and stays
 * copy-pasteable; one longer than the width stands alone on its line.
 * Continuation lines start with `indent`. Without a width (a pipe), lines
 * stay whole, for grep.
 */
export function wrapText(text: string, width: number | undefined, indent = ''): string[] {
  if (!width) return text.split('\n');
  const room = Math.max(1, width - indent.length);
  return text.split('\n').flatMap((paragraph, p) => {
    // A paragraph's own leading spaces are its first line's indent, not something to trim.
    const lead = /^ */.exec(paragraph)![0];
    const first = p === 0 ? lead : `${indent}${lead}`;
    return wrapAnsi(paragraph.slice(lead.length), Math.max(1, Math.min(room, width - first.length)), { hard: false, trim: true, wordWrap: true })
      .split('\n')
      .map((line, i) => (i === 0 ? `${first}${line}` : `${indent}${line}`));
  });
}

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
