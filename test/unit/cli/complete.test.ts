import yargs, { type Argv } from 'yargs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { COMMANDS, commandNames } from '../../../src/cli/commands/index.js';
import { memoryIO } from '../../integration/io.js';

async function complete(...words: string[]) {
  const io = memoryIO({ KUBECONFIG: '/nonexistent' });
  const code = await main(['__complete', ...words], io);
  return { code, lines: io.out().trimEnd().split('\n') };
}

describe('__complete (cobra protocol, as kubectl plugin completion expects)', () => {
  it('completes commands, then flags, then flag values, ending with the no-file directive', async () => {
    expect(await complete('')).toEqual({ code: 0, lines: [...commandNames(), ':4'] });
    expect((await complete('fix-')).lines).toEqual(['fix-claimref', 'fix-mounts', ':4']);
    expect((await complete('fix-claimref', '--f')).lines).toEqual(['--force', '--full', ':4']);
    expect((await complete('audit', '-o', '')).lines).toEqual(['table', 'wide', 'json', 'yaml', 'sarif', ':4']);
    expect((await complete('show', '-o', '')).lines).toEqual(['tree', 'json', 'yaml', ':4']);
    expect((await complete('prebind', '--s')).lines).toEqual(['--size', '--storage-class', '--statefulset', ':4']);
    expect((await complete('explain', 'PVC-00')).lines).toContain('PVC-003');
    expect((await complete('completion', 'p')).lines).toEqual(['powershell', ':4']);
  });

  it('offers every registered command and every flag each one takes, read from the commands themselves', async () => {
    expect(commandNames()).toHaveLength(COMMANDS.length);
    for (const make of COMMANDS) {
      const module = make({ io: undefined as never, exitCode: 0 });
      const name = String(module.command).split(' ')[0]!;
      expect((await complete(name.slice(0, -1))).lines, name).toContain(name);
      const positionals = [...String(module.command).matchAll(/[[<](\w[\w-]*)/g)].map((m) => m[1]!);
      const options = (
        (module.builder as (y: Argv) => Argv)(yargs([])) as unknown as { getOptions(): { key: Record<string, unknown>; hiddenOptions: string[] } }
      ).getOptions();
      const flags = Object.keys(options.key).filter(
        (k) => k.length > 1 && !/[A-Z]/.test(k) && !positionals.includes(k) && !options.hiddenOptions.includes(k) && k !== 'version',
      );
      const offered = (await complete(name, '--')).lines;
      expect(
        flags.filter((f) => !offered.includes(`--${f}`)),
        name,
      ).toEqual([]);
    }
  });

  it('stays quiet without a cluster: no candidates, no error text', async () => {
    expect((await complete('show', '')).lines).toEqual([':4']);
  });

  it('prints a completion script for each shell that calls __complete', async () => {
    for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
      const io = memoryIO();
      expect(await main(['completion', shell], io)).toBe(0);
      expect(io.out()).toContain('kubectl-sts-storage __complete');
    }
  });
});
