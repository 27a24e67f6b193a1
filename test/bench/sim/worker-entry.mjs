// Worker threads start as plain Node: load the TypeScript worker through tsx's API, so the
// simulator runs the same under `npm run bench` (tsx) and inside vitest.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
