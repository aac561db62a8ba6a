import { redactText } from '../model/redaction';

/** Where the CLI writes; tests capture both streams. */
export interface CliIo {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Every line the CLI prints passes here: any secret string this process has seen is hidden. */
export function redactingIo(io: CliIo): CliIo {
  return { out: (text) => io.out(redactText(text)), err: (text) => io.err(redactText(text)) };
}
