// Worker threads start as plain Node: load the TypeScript parse worker through tsx's API, so that it
// runs the same under `npm run server` (tsx) and inside vitest.
import { tsImport } from 'tsx/esm/api';

await tsImport('./parse-worker.ts', import.meta.url);
