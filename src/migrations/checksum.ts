import { createHash } from 'node:crypto';

/** sha256 of a migration's text with CRLF normalised, so a checkout on Windows does not look modified. */
export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * The checksum of everything in a SQL migration before its down section's SQL: the header, the up
 * section and the `-- Down Migration` line. Equal for two versions of a file that differ only in
 * the down section. Undefined for a file without a down section, and for JS/TS migrations.
 */
export function checksumBeforeDown(file: { text: string; down: { offset: number } | undefined }): string | undefined {
  return file.down ? checksumOf(file.text.slice(0, file.down.offset)) : undefined;
}
