/**
 * Reads a secret the user hands the CLI: from a hidden prompt on a terminal, else the whole
 * of stdin (for `... | skytells login --token`). Never from argv, which every user of the
 * machine can read through `ps` and which lands in shell history.
 */
export async function readSecret(prompt: string): Promise<string> {
  if (process.stdin.isTTY) {
    const { read } = await import('read');
    return (await read({ prompt, silent: true, replace: '', input: process.stdin, output: process.stderr })).trim();
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
