import type { Signer } from '@signet/sdk';
import type { InputFile, OutputFile } from '../files.js';
import { table, type Result } from '../output.js';

/**
 * What every `signet sign` format reports: one line for one file, a table for several, and the
 * same JSON shape with each format's own fields per file.
 */
export function signedSummary(
  signer: Signer,
  format: string,
  inputs: readonly InputFile[],
  targets: readonly Pick<OutputFile, 'name'>[],
  details: (i: number) => { text?: string; json?: Record<string, unknown> } = () => ({}),
): Result {
  const how = `${signer.algorithm.id}, ${format}`;
  const extra = (i: number) => (details(i).text ? `, ${details(i).text}` : '');
  return {
    status: true,
    text:
      inputs.length === 1
        ? `Signed ${inputs[0]!.name} -> ${targets[0]!.name} (${how}${extra(0)})`
        : `Signed with ${signer.key.uri} (${how}):\n${table(inputs.map((input, i) => ['  ' + input.name, '->', targets[i]!.name, details(i).text ?? '']))}`,
    json: {
      key: signer.key.uri,
      algorithm: signer.algorithm.id,
      format,
      signatures: inputs.map((input, i) => ({ file: input.name, signature: targets[i]!.name, ...details(i).json })),
    },
  };
}
