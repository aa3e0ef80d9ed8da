/**
 * YAML files the user writes (profiles, site files, advisories): parsed with
 * positions kept, validated with a zod schema, and every error reported as
 * `file:line:column: field: message` — the place to fix, not a stack trace.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { UsageError } from './errors.ts';

export type YamlPath = readonly PropertyKey[];

export interface YamlFile<T> {
  path: string;
  data: T;
  /** `file:line:column` of the node at `path` (or of its closest existing parent). */
  where(path: YamlPath): string;
  /** A UsageError pointing at `path`. */
  error(path: YamlPath, message: string): UsageError;
}

type Doc = ReturnType<typeof parseDocument>;

function locate(doc: Doc, counter: LineCounter, path: YamlPath): string {
  let node: unknown = doc.contents;
  let last: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown })?.value === key);
      if (!pair) break;
      last = (pair.value as Node) ?? (pair.key as Node);
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      last = node as Node;
    } else break;
  }
  const offset = last?.range?.[0] ?? 0;
  const { line, col } = counter.linePos(offset);
  return `${line}:${col}`;
}

function fieldName(path: YamlPath): string {
  return path.map(String).join('.') || '(top level)';
}

/** Parse and validate YAML text; `path` names the file in messages. */
export function parseYamlFile<S extends z.ZodType>(text: string, path: string, schema: S): YamlFile<z.output<S>> {
  const counter = new LineCounter();
  // uniqueKeys: a key written twice is a mistake, not "the last one wins".
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const { line, col } = counter.linePos(e.pos[0]);
    throw new UsageError(`${path}:${line}:${col}: ${e.message.split('\n')[0]}`);
  }
  const where = (p: YamlPath) => `${path}:${locate(doc, counter, p)}`;
  const error = (p: YamlPath, message: string) => new UsageError(`${where(p)}: ${fieldName(p)}: ${message}`);
  const parsed = schema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw error(issue.path, issue.message);
  }
  return { path, data: parsed.data, where, error };
}

/** Read, parse and validate a YAML file; `what` names it in the "cannot read" message. */
export function readYamlFile<S extends z.ZodType>(path: string, schema: S, what: string): YamlFile<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseYamlFile(text, path, schema);
}
