/**
 * HTTP behaviours of simulated devices, as node:http request handlers.
 */
import type http from 'node:http';

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body>${body}</body></html>`;
}

/** A web UI behind HTTP Basic authentication (legacy cameras). */
export function basicAuthAdmin(opts: { realm: string; server?: string; title: string }): HttpHandler {
  return (req, res) => {
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    if (opts.server) headers.server = opts.server;
    if (!req.headers.authorization) {
      res.writeHead(401, { ...headers, 'www-authenticate': `Basic realm="${opts.realm}"` });
      res.end(page('401 Unauthorized', 'Authentication required'));
      return;
    }
    res.writeHead(401, { ...headers, 'www-authenticate': `Basic realm="${opts.realm}"` });
    res.end(page('401 Unauthorized', 'Wrong credentials'));
  };
}

/** Port 80 that only sends the browser to HTTPS (the hardened good case). */
export function redirectToHttps(opts: { httpsPort: number; server?: string }): HttpHandler {
  return (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const port = opts.httpsPort === 443 ? '' : `:${opts.httpsPort}`;
    res.writeHead(301, { location: `https://${host}${port}${req.url ?? '/'}`, ...(opts.server ? { server: opts.server } : {}) });
    res.end();
  };
}

/** A login form page (served over HTTPS on hardened devices, over HTTP on legacy ones). */
export function loginFormPage(opts: { title: string; server?: string }): HttpHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(opts.server ? { server: opts.server } : {}) });
    res.end(page(opts.title, '<form action="/login" method="post"><input name="user"><input type="password" name="pass"><button>Login</button></form>'));
  };
}
