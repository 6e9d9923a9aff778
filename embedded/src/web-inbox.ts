/**
 * maildev's web inbox over the mail catcher, for `npm start`: its web UI at `/` (the messages, newest
 * first, as HTML, text or headers, updated live) and its REST API under `/api` (e.g. `GET /api/email`: every
 * message as JSON, oldest first). Served by this process from the installed package: nothing is fetched.
 */
import { createAPIServer } from '@maildev/api';
import { registerUI } from '@maildev/ui/server';
import type { MailCatcher } from './mail-catcher.js';

export interface WebInbox {
  url: string;
  close(): Promise<void>;
}

export const startWebInbox = async (catcher: MailCatcher, port = 0): Promise<WebInbox> => {
  const api = createAPIServer({
    port,
    host: '127.0.0.1',
    basePath: '',
    ...catcher.maildev,
    // maildev answers any origin by default: no other site open in the browser may read the demo's links.
    cors: { origin: false },
  });
  await api.registerPlugins();
  await registerUI(api.server, { basePath: '' });
  await api.listen();
  return { url: `http://127.0.0.1:${api.getPort()}/`, close: () => api.stop() };
};
