#!/usr/bin/env node
// vigie runs its TypeScript sources directly through tsx's loader: no build
// step, so a fresh clone works right after `npm install` (docs/architecture.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
