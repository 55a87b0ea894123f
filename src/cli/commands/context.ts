import type { IO } from '../io.js';

/** What every command handler gets: its streams, and where to leave its exit code. */
export interface CommandContext {
  io: IO;
  exitCode: number;
  /** the arguments as the user typed them, for the record a repair's backup keeps */
  argv?: string[];
}
