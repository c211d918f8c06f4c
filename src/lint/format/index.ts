import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

export type { FormatContext, Formatter } from './types.js';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type FormatName = (typeof FORMATS)[number];

/** The formatter of each `--format`. */
export const formatters: Record<FormatName, Formatter> = { text: formatText, json: formatJson, sarif: formatSarif, github: formatGithub };
