import { stringify } from 'yaml';

export type MachineFormat = 'json' | 'yaml';

export function serialize(value: unknown, format: MachineFormat): string {
  return format === 'json' ? JSON.stringify(value, null, 2) + '\n' : stringify(value, { lineWidth: 0 });
}
