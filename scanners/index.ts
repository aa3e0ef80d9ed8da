/** Every protocol scanner the engine runs in the collect phase. */
import type { Scanner } from '../src/core/scanner.ts';
import { telnetScanner } from './telnet.ts';
import { httpScanner } from './http.ts';

export const SCANNERS: readonly Scanner[] = [telnetScanner, httpScanner];
