// Apart from the reader, so that the CLI's error mapping does not load the YAML
// parser and the schema validator at every start-up.

/** A file, or one document of it, that could not be read as Kubernetes objects. */
export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly document: number | undefined,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${document !== undefined ? ` document ${document}` : ''}${line !== undefined ? ` (line ${line})` : ''}: ${reason}`);
    this.name = 'ManifestError';
  }
}
