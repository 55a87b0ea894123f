import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../integration/io.js';

async function complete(...words: string[]) {
  const io = memoryIO({ KUBECONFIG: '/nonexistent' });
  const code = await main(['__complete', ...words], io);
  return { code, lines: io.out().trimEnd().split('\n') };
}

describe('__complete (cobra protocol, as kubectl plugin completion expects)', () => {
  it('completes commands, then flags, then flag values, ending with the no-file directive', async () => {
    expect(await complete('')).toEqual({
      code: 0,
      lines: ['audit', 'show', 'fix-claimref', 'prebind', 'generate-template', 'fix-mounts', 'undo', 'explain', 'version', 'completion', ':4'],
    });
    expect((await complete('fix-')).lines).toEqual(['fix-claimref', 'fix-mounts', ':4']);
    expect((await complete('fix-claimref', '--f')).lines).toEqual(['--full', '--force', ':4']);
    expect((await complete('audit', '-o', '')).lines).toEqual(['table', 'wide', 'json', 'yaml', 'sarif', 'tree', ':4']);
    expect((await complete('explain', 'PVC-00')).lines).toContain('PVC-003');
    expect((await complete('completion', 'p')).lines).toEqual(['powershell', ':4']);
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
