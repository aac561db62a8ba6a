/** A side of a diff that cannot be read or synthesized; the CLI prints it and exits 1. */
export class DiffSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffSourceError';
  }
}
