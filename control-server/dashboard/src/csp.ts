import { z } from 'zod';

// Imported first by the entry: the dashboard's Content-Security-Policy (control-server/api/
// security-headers.ts) has no 'unsafe-eval', so zod must not even probe `new Function` (a probe is a
// CSP violation report on every start). Schemas parsed while other modules load must already see this.
z.config({ jitless: true });
