import { createHash } from 'node:crypto';

/** sha256 of a migration's text with CRLF normalised, so a checkout on Windows does not look modified. */
export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}
