#!/usr/bin/env node
// Entry point: registers the TypeScript loader (tsx) and runs the CLI from source, so the
// installed package needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
