/**
 * Writing a large JSON document (a result of a thousand devices) without
 * building it as one string: the top levels are written member by member, so
 * the memory needed is that of the largest fact or finding, not of the whole
 * file. The bytes are exactly those of `JSON.stringify(value, null, 2)` plus a
 * final newline.
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

const CHUNK = 256 * 1024;

/** Levels written member by member; below them each value is one JSON.stringify. */
const STREAMED_DEPTH = 2;

function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function write(out: (s: string) => void, value: unknown, indent: string, depth: number): void {
  const plain = value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
  if (depth < STREAMED_DEPTH && plain) {
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      if (!value.length) return out('[]');
      out('[\n');
      value.forEach((v, i) => {
        out(inner);
        write(out, skipped(v) ? null : v, inner, depth + 1);
        out(i < value.length - 1 ? ',\n' : '\n');
      });
      return out(`${indent}]`);
    }
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => !skipped(v));
    if (!entries.length) return out('{}');
    out('{\n');
    entries.forEach(([k, v], i) => {
      out(`${inner}${JSON.stringify(k)}: `);
      write(out, v, inner, depth + 1);
      out(i < entries.length - 1 ? ',\n' : '\n');
    });
    return out(`${indent}}`);
  }
  // Newlines inside JSON strings are escaped: every raw newline is structure, to indent.
  const text = JSON.stringify(value, null, 2);
  out(indent ? text.replace(/\n/g, `\n${indent}`) : text);
}

/** `JSON.stringify(value, null, 2)` + newline, streamed into `path` through a temporary file renamed at the end (mode 0600). */
export function writeJsonFile(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    let pending: string[] = [];
    let size = 0;
    const flush = () => {
      if (!pending.length) return;
      writeSync(fd, pending.join(''));
      pending = [];
      size = 0;
    };
    const out = (s: string) => {
      pending.push(s);
      size += s.length;
      if (size >= CHUNK) flush();
    };
    write(out, value, '', 0);
    out('\n');
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
