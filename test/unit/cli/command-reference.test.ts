// docs/commands.md covers every registered command and every flag it takes,
// read from the yargs definitions themselves (a reference that lists ten of
// fifteen commands misled users once).
import fs from 'node:fs';
import path from 'node:path';
import yargs, { type Argv } from 'yargs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandNames } from '../../../src/cli/commands/index.js';
import { ALL_CHECKS } from '../../../src/checks/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const reference = fs.readFileSync(path.join(ROOT, 'docs', 'commands.md'), 'utf8');
const sections = new Map(
  reference
    .split(/^## /m)
    .slice(1)
    .map((s) => [s.split('\n')[0]!.trim(), s] as const),
);

describe('docs/commands.md', () => {
  it('has a section for every registered command, and no other', () => {
    expect([...sections.keys()].sort()).toEqual(commandNames().sort());
    expect(commandNames().length).toBe(COMMANDS.length);
  });

  for (const make of COMMANDS) {
    const module = make({ io: undefined as never, exitCode: 0 });
    const name = String(module.command).split(' ')[0]!;
    it(`${name}: names every flag the command takes`, () => {
      const built = (module.builder as (y: Argv) => Argv)(yargs([]));
      const options = built.getOptions() as unknown as { key: Record<string, unknown>; hiddenOptions: string[] };
      // Positionals ("[volumes..]", "<sts>") are arguments, not flags; help and version are yargs' own.
      const positionals = [...String(module.command).matchAll(/[[<](\w[\w-]*)/g)].map((m) => m[1]!);
      const flags = Object.keys(options.key).filter(
        (k) => !options.hiddenOptions.includes(k) && !positionals.includes(k) && !['$0', 'help', 'version'].includes(k) && k.length > 1,
      );
      expect(flags.length).toBeGreaterThan(0);
      const missing = flags.filter((f) => !sections.get(name)?.includes(`--${f}`));
      expect(missing, `run npm run docs`).toEqual([]);
    });
  }

  it('and docs/checks.md has every finding code', () => {
    const catalog = fs.readFileSync(path.join(ROOT, 'docs', 'checks.md'), 'utf8');
    expect(ALL_CHECKS.filter((c) => !catalog.includes(c.code)).map((c) => c.code)).toEqual([]);
  });
});
