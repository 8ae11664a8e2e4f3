/**
 * The console (packages/console, built by Vite into its dist/): its files and, for the console's
 * own routes, its single page. Served from the not-found path, so no route is registered for
 * it: `/api`, `/v1`, `/healthz`, `/readyz` and `/metrics` keep their answers, and a path the
 * console does not own (an unknown `/api/...` among them) still gets the JSON 404 envelope.
 *
 * Security headers on every console file: scripts and styles only from this origin (no inline
 * script can run, so an injected `<script>` does nothing), never framed (no clickjacking of
 * Approve or Revoke), no Referer sent anywhere (console URLs carry device codes and key ids).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** packages/console/dist, from packages/server/{src,dist}/http. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

/** The paths the console's router owns; anything else is not the console's to answer. */
const CONSOLE_ROUTE = /^\/(?:|auth\/(?:signin|signup)|settings(?:\/[a-z-]+)?|usage|audit|device|account)\/?$/;

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

function filesUnder(directory: string): Set<string> {
  const files = new Set<string>();
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.add(`/${relative(directory, join(entry.parentPath, entry.name)).split(sep).join('/')}`);
  }
  return files;
}

/**
 * Registers the file sender and returns the console's answer to a request no route matched,
 * or `undefined` when the console does not own the path (or is not built).
 */
export async function consoleFallback(
  app: FastifyInstance,
  directory = CONSOLE_DIST,
): Promise<(request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined> {
  if (!existsSync(join(directory, 'index.html'))) return () => undefined;
  // Read once: the build is fixed while the server runs, and a request never names a file
  // outside this set (no path traversal to guard at request time).
  const files = filesUnder(directory);
  await app.register(fastifyStatic, {
    root: directory,
    serve: false,
    setHeaders(reply, path) {
      reply.headers(CONSOLE_HEADERS);
      // Vite names assets by content hash; the page itself must always be fetched again.
      reply.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
  return (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const path = request.url.replace(/[?#].*$/s, '');
    if (path !== '/index.html' && files.has(path)) return reply.sendFile(path.slice(1));
    if (CONSOLE_ROUTE.test(path)) return reply.sendFile('index.html');
    return undefined;
  };
}
