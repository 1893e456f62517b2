/**
 * Requests whose path reaches the server byte for byte. fetch() normalises URLs first (`..`,
 * `%2e%2e` and `\` segments are resolved in the client), which would hide exactly what the abuse
 * suite means to send; node:http sends the request target as given.
 */
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any;
  text: string;
}

export function rawRequest(base: string, method: string, target: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    // Node sends no length for a DELETE body unless told, and the server would read the body as a next request.
    const length = options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {};
    const request = http.request({ host: hostname, port, method, path: target, headers: { ...options.headers, ...length }, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON: the caller's checks report it.
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
