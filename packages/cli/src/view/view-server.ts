import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cli-error';
import { describeError } from '../run-action';
import type { ViewError } from './view-api';
import { type ViewData, ViewRequestError } from './view-data';

const here = dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));

/**
 * The folder of the built viewer page: `dist/viewer` beside the bundled CLI (`dist/bin.js`), or the
 * package's `dist/viewer` when the CLI runs from its sources (`pnpm tubekit`, jest).
 */
export function viewerStaticDir(): string {
  const candidates = [join(here, 'viewer'), join(here, '..', '..', 'dist', 'viewer')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined)
    throw new CliError(
      `the viewer page is not built (no index.html in ${candidates.join(' or ')}); run: pnpm --filter tubekit build`,
    );
  return found;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Options of {@link startViewServer}. */
export interface ViewServerOptions {
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** The built page (default {@link viewerStaticDir}). */
  staticDir?: string;
}

/** A running viewer server. */
export interface ViewServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

function param(url: URL, key: string): string {
  const value = url.searchParams.get(key);
  if (value === null) throw new ViewRequestError(400, `missing query parameter ${key}`);
  return value;
}

async function answer(
  data: ViewData,
  staticDir: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new ViewRequestError(405, `method ${req.method} not allowed`);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  switch (url.pathname) {
    case '/api/session':
      return sendJson(res, 200, data.session());
    case '/api/video':
      return sendJson(
        res,
        200,
        data.videoView(
          param(url, 'name'),
          url.searchParams.get('protocol') ?? data.defaultProtocol,
          Number(url.searchParams.get('iou') ?? data.defaultIoU),
          url.searchParams.get('level') ?? 'frame',
        ),
      );
    case '/api/proposals':
      return sendJson(res, 200, data.proposals(param(url, 'video')));
    case '/api/frame':
      return send(
        res,
        200,
        'image/jpeg',
        await data.frame(param(url, 'video'), Number(param(url, 'frame'))),
      );
  }
  const relative = normalize(
    decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname),
  );
  const file = join(staticDir, relative);
  if (!file.startsWith(staticDir + sep)) throw new ViewRequestError(404, 'not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    throw new ViewRequestError(404, `not found: ${url.pathname.slice(0, 80)}`);
  }
  send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
}

/**
 * Serves the viewer page and its JSON endpoints (`/api/session`, `/api/video`, `/api/proposals`,
 * `/api/frame`) on 127.0.0.1 only. A bad request gets its status and `{"error": "<one line>"}`.
 *
 * @example
 * const server = await startViewServer(await ViewData.load({ preset: 'smoke' }));
 * console.log(server.url); // http://127.0.0.1:40123/
 * await server.close();
 */
export async function startViewServer(
  data: ViewData,
  options: ViewServerOptions = {},
): Promise<ViewServer> {
  const staticDir = options.staticDir ?? viewerStaticDir();
  const server = createServer((req, res) => {
    answer(data, staticDir, req, res).catch((error: unknown) => {
      const status = error instanceof ViewRequestError ? error.status : 500;
      const body: ViewError = { error: describeError(error) };
      if (!res.headersSent) sendJson(res, status, body);
      else res.destroy();
    });
  });
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new CliError(
              `port ${port} on 127.0.0.1 is in use; pass another --port (0: any free port)`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
