// Shell completion, in the protocol kubectl uses for plugins (cobra's
// `__complete`): one candidate per line, then ":<directive>". kubectl runs
// `kubectl_complete-sts_storage ARGS...` for `kubectl sts-storage <TAB>`; the
// scripts from `completion SHELL` call `kubectl-sts-storage __complete`.
import type { IO } from './io.js';

const NO_FILE_COMPLETION = 4;

/** What completion offers, read from the commands' own yargs definitions, so it cannot drift from them. */
interface Grammar {
  commands: string[];
  /** per command: every visible flag, long and short */
  flags: Record<string, string[]>;
  /** per command: a flag's choices */
  values: Record<string, Record<string, string[]>>;
  /** the flags every command takes (kubectl's), before a command is typed */
  common: string[];
}

interface ParsedOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  choices: Record<string, string[]>;
  hiddenOptions: string[];
}

let grammar: Grammar | undefined;

async function readGrammar(): Promise<Grammar> {
  if (grammar) return grammar;
  const [{ default: yargs }, { COMMANDS }] = await Promise.all([import('yargs'), import('./commands/index.js')]);
  const g: Grammar = { commands: [], flags: {}, values: {}, common: [] };
  const dash = (k: string) => (k.length === 1 ? `-${k}` : `--${k}`);
  for (const make of COMMANDS) {
    const module = make({ io: undefined as never, exitCode: 0 });
    const name = String(module.command).split(' ')[0]!;
    const positionals = [...String(module.command).matchAll(/[[<](\w[\w-]*)/g)].map((m) => m[1]!);
    const built = (module.builder as (y: ReturnType<typeof yargs>) => ReturnType<typeof yargs>)(yargs([]));
    // getOptions() is yargs' own view of what the builder declared (public at run time, not in its types).
    const o = (built as unknown as { getOptions(): ParsedOptions }).getOptions();
    const keys = Object.keys(o.key).filter(
      (k) => !o.hiddenOptions.includes(k) && !positionals.includes(k) && k !== 'version' && !(k.length > 1 && /[A-Z]/.test(k)),
    );
    g.commands.push(name);
    g.flags[name] = [...new Set(keys.flatMap((k) => [k, ...(o.alias[k] ?? []).filter((a) => a.length === 1 || !/[A-Z]/.test(a))]))].map(dash);
    g.values[name] = {};
    for (const [k, choices] of Object.entries(o.choices ?? {})) for (const n of [k, ...(o.alias[k] ?? [])]) g.values[name]![dash(n)] = choices.map(String);
  }
  // The flags every command shares are kubectl's own (withClusterOptions).
  g.common = g.flags[g.commands[0]!]!.filter((f) => g.commands.every((c) => g.flags[c]!.includes(f)));
  return (grammar = g);
}

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
  const g = await readGrammar();
  const partial = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const command = before.find((w) => g.commands.includes(w));
  const previous = before.at(-1);
  const choices = previous && command ? g.values[command]![previous] : undefined;
  if (choices) return choices;
  if (previous === '-n' || previous === '--namespace') return names(words, () => '/api/v1/namespaces');
  if (previous === '--context') return contexts(words);
  if (previous === '--statefulset') return names(words, (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`);
  if (!command) return partial.startsWith('-') ? g.common : g.commands;
  if (partial.startsWith('-')) return g.flags[command]!;
  // What the command's first argument names.
  switch (command) {
    case 'audit':
    case 'show':
    case 'fix-mounts':
    case 'generate-template':
    case 'restore':
    case 'protect':
    case 'resize':
      return names(words, (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`);
    case 'fix-claimref':
    case 'prebind':
      return names(words, () => '/api/v1/persistentvolumes');
    case 'recover-expansion':
      return names(words, (ns) => `/api/v1/namespaces/${ns}/persistentvolumeclaims`);
    case 'recover-node':
      return names(words, () => '/api/v1/nodes');
    case 'explain': {
      const { ALL_CHECKS } = await import('../checks/index.js');
      return ALL_CHECKS.map((c) => c.code);
    }
    default:
      // A positional with choices (completion SHELL).
      return Object.values(g.values[command]!).flat();
  }
}

export async function complete(words: string[], io: IO): Promise<number> {
  const partial = words.at(-1) ?? '';
  const found = (await candidates(words.length ? words : [''])).filter((c) => c.startsWith(partial));
  io.stdout.write(`${[...new Set(found)].join('\n')}${found.length ? '\n' : ''}:${NO_FILE_COMPLETION}\n`);
  return 0;
}
