// Shell completion, in the protocol kubectl uses for plugins (cobra's
// `__complete`): one candidate per line, then ":<directive>". kubectl runs
// `kubectl_complete-sts_storage ARGS...` for `kubectl sts-storage <TAB>`; the
// scripts from `completion SHELL` call `kubectl-sts-storage __complete`.
import type { IO } from './io.js';

const NO_FILE_COMPLETION = 4;

const CLUSTER_FLAGS = ['--kubeconfig', '--context', '--namespace', '-n', '--all-namespaces', '-A', '--request-timeout', '--debug', '--help'];
const REPAIR_FLAGS = ['--dry-run', '--yes', '--force', '--backup-dir'];
export const COMMAND_FLAGS: Record<string, string[]> = {
  audit: [
    '--selector',
    '-l',
    '--output',
    '-o',
    '--fail-on',
    '--pending-threshold',
    '--filename',
    '-f',
    '--recursive',
    '-R',
    '--preflight',
    '--continue-on-error',
  ],
  show: ['--output', '-o', '--ascii'],
  'fix-claimref': ['--full', '--all', ...REPAIR_FLAGS],
  prebind: ['--claim', '--statefulset', '--ordinal', '--template', ...REPAIR_FLAGS],
  'generate-template': ['--size', '--storage-class', '--access-mode', '--apply', '--roll-pods', ...REPAIR_FLAGS],
  'fix-mounts': ['--rename', ...REPAIR_FLAGS],
  undo: REPAIR_FLAGS,
  explain: [],
  version: [],
  completion: [],
};
const VALUES: Record<string, string[]> = {
  '--output': ['table', 'wide', 'json', 'yaml', 'sarif', 'tree'],
  '-o': ['table', 'wide', 'json', 'yaml', 'sarif', 'tree'],
  '--fail-on': ['error', 'warning', 'info', 'never'],
  '--dry-run': ['server', 'client', 'none'],
  '--access-mode': ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
};

function flagValue(words: string[], ...names: string[]): string | undefined {
  for (let i = words.length - 2; i >= 0; i--) if (names.includes(words[i]!)) return words[i + 1];
  return undefined;
}

/** Names from the cluster, quietly: completion must never print errors or hang. */
async function names(words: string[], path: (ns: string) => string): Promise<string[]> {
  try {
    const { KubeClient } = await import('../kube/client.js');
    const client = await KubeClient.fromOptions({
      kubeconfig: flagValue(words, '--kubeconfig'),
      context: flagValue(words, '--context'),
      requestTimeoutMs: 3000,
    });
    try {
      const ns = flagValue(words, '-n', '--namespace') ?? client.namespace;
      const items = await client.list<{ metadata?: { name?: string } }>(path(ns), { limit: 500 });
      return items.map((i) => i.metadata?.name ?? '').filter(Boolean);
    } finally {
      client.close();
    }
  } catch {
    return [];
  }
}

async function contexts(words: string[]): Promise<string[]> {
  try {
    const { loadKubeConfig } = await import('../kube/client.js');
    return (await loadKubeConfig({ kubeconfig: flagValue(words, '--kubeconfig') })).getContexts().map((c) => c.name);
  } catch {
    return [];
  }
}

export async function candidates(words: string[]): Promise<string[]> {
  const partial = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const command = before.find((w) => w in COMMAND_FLAGS);
  const previous = before.at(-1);
  if (previous && VALUES[previous]) return VALUES[previous]!;
  if (previous === '-n' || previous === '--namespace') return names(words, () => '/api/v1/namespaces');
  if (previous === '--context') return contexts(words);
  if (previous === '--statefulset') return names(words, (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`);
  if (!command) return partial.startsWith('-') ? CLUSTER_FLAGS : Object.keys(COMMAND_FLAGS);
  if (partial.startsWith('-')) return [...COMMAND_FLAGS[command]!, ...CLUSTER_FLAGS];
  switch (command) {
    case 'audit':
    case 'show':
    case 'fix-mounts':
    case 'generate-template':
      return names(words, (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`);
    case 'fix-claimref':
    case 'prebind':
      return names(words, () => '/api/v1/persistentvolumes');
    case 'completion':
      return ['bash', 'zsh', 'fish', 'powershell'];
    case 'explain': {
      const { ALL_CHECKS } = await import('../checks/index.js');
      return ALL_CHECKS.map((c) => c.code);
    }
    default:
      return [];
  }
}

export async function complete(words: string[], io: IO): Promise<number> {
  const partial = words.at(-1) ?? '';
  const found = (await candidates(words.length ? words : [''])).filter((c) => c.startsWith(partial));
  io.stdout.write(`${[...new Set(found)].join('\n')}${found.length ? '\n' : ''}:${NO_FILE_COMPLETION}\n`);
  return 0;
}

const PROGRAM = 'kubectl-sts-storage';

/** Scripts that feed the shell's words to `__complete`. */
export function completionScript(shell: string): string {
  switch (shell) {
    case 'bash':
      return `# kubectl-sts-storage bash completion: source <(kubectl-sts-storage completion bash)
_kubectl_sts_storage() {
  local out
  out=$(${PROGRAM} __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  COMPREPLY=( $(printf '%s\\n' "$out" | grep -v '^:') )
}
complete -F _kubectl_sts_storage ${PROGRAM} kubectl-sts_storage
`;
    case 'zsh':
      return `#compdef ${PROGRAM} kubectl-sts_storage
# kubectl-sts-storage zsh completion: source <(kubectl-sts-storage completion zsh)
_kubectl_sts_storage() {
  local -a out
  out=(\${(f)"$(${PROGRAM} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null | grep -v '^:')"})
  compadd -- $out
}
compdef _kubectl_sts_storage ${PROGRAM} kubectl-sts_storage
`;
    case 'fish':
      return `# kubectl-sts-storage fish completion: kubectl-sts-storage completion fish | source
function __kubectl_sts_storage_complete
    set -l words (commandline -opc) (commandline -ct)
    ${PROGRAM} __complete $words[2..-1] 2>/dev/null | string match -v -r '^:'
end
complete -c ${PROGRAM} -f -a '(__kubectl_sts_storage_complete)'
complete -c kubectl-sts_storage -f -a '(__kubectl_sts_storage_complete)'
`;
    case 'powershell':
      return `# kubectl-sts-storage PowerShell completion: kubectl-sts-storage completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName '${PROGRAM}', 'kubectl-sts_storage' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '' }
    & ${PROGRAM} __complete @words 2>$null | Where-Object { $_ -notmatch '^:' } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`;
    default:
      throw new Error(`no completion for shell "${shell}"`);
  }
}
