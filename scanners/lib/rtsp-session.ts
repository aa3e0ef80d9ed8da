/**
 * A sequence of RTSP requests to one server over as few connections as the
 * server allows (RTSP/1.0 connections are persistent): each request is sent,
 * its answer read within a time-out and the size caps, then the caller
 * decides the next request from that answer.
 *
 * A connection is only reused while the server keeps it open and behaves: a
 * time-out, a parse error or a cap hit ends that connection (its state is
 * unknown), and the caller usually stops there.
 */
import type { Conversation, Net } from '../../src/core/net.ts';
import { ProbeTimeout, SizeLimitExceeded } from '../../src/core/errors.ts';
import { buildRtspRequest, header, parseRtspResponse, RTSP_LIMITS, type RtspResponse } from './rtsp-message.ts';
import type { ParseOutcome } from './header-message.ts';

export interface RtspRequest {
  method: 'OPTIONS' | 'DESCRIBE';
  url: string;
  headers?: Record<string, string>;
}

export interface RtspExchange {
  request: RtspRequest;
  /** The request exactly as sent (for evidence; the caller redacts secrets). */
  sent: string;
  response?: RtspResponse;
  error?: Error;
}

export class ConnectionClosed extends Error {
  override name = 'ConnectionClosed';
  constructor(
    message: string,
    readonly code: string,
    /** Nothing at all was received for the request. */
    readonly beforeAnswer: boolean,
  ) {
    super(message);
  }
}

/** Bytes buffered per connection: one capped answer and a little slack. */
const CONVERSATION_CAP = RTSP_LIMITS.maxHeaderBytes + RTSP_LIMITS.maxBody + 1024;

/** Read one complete answer from the conversation (and consume it). */
export async function readRtspResponse(conv: Conversation, timeoutMs: number): Promise<{ response?: RtspResponse; error?: ConnectionClosed | Error }> {
  let outcome: ParseOutcome | Error | undefined;
  const r = await conv.read({
    timeoutMs,
    until: (b) => {
      if (!b.length) return false;
      try {
        outcome = parseRtspResponse(b);
        return outcome.state === 'complete';
      } catch (err) {
        outcome = err as Error;
        return true;
      }
    },
  });
  if (outcome instanceof Error) return { error: outcome };
  if (outcome?.state === 'complete') {
    conv.consume(outcome.message.length);
    return { response: outcome.message };
  }
  if (r.reason === 'overflow') return { error: new SizeLimitExceeded(`RTSP answer larger than ${CONVERSATION_CAP} bytes`) };
  if (r.reason === 'timeout') return { error: new ProbeTimeout(`no complete RTSP answer within ${timeoutMs} ms (${r.data.length} bytes received)`) };
  const code = (conv.closeError as NodeJS.ErrnoException | undefined)?.code ?? 'ECONNRESET';
  return r.data.length
    ? { error: new ConnectionClosed(`connection closed in the middle of an RTSP answer (${r.data.length} bytes received)`, code, false) }
    : { error: new ConnectionClosed('connection closed before any RTSP answer', code, true) };
}

/**
 * Run requests until `next` returns undefined. `next` sees each exchange
 * (answer or error) and returns the following request.
 * Connection failures (refused, TLS failure, scope) throw.
 */
export async function rtspSession(
  net: Net,
  host: string,
  port: number,
  opts: { tls: boolean; timeoutMs: number },
  first: RtspRequest | undefined,
  next: (exchange: RtspExchange) => RtspRequest | undefined,
): Promise<void> {
  let pending = first;
  let cseq = 0;
  while (pending) {
    await net.withConnection(host, port, { tls: opts.tls, maxBytes: CONVERSATION_CAP, readTimeoutMs: opts.timeoutMs }, async (conv) => {
      let answered = 0;
      while (pending) {
        if (conv.isClosed && answered > 0) return; // the server closed an idle connection: the next request gets a new one
        const request: RtspRequest = pending;
        const sent = buildRtspRequest(request.method, request.url, ++cseq, request.headers);
        conv.write(sent);
        const { response, error } = await readRtspResponse(conv, opts.timeoutMs);
        // A kept-alive connection the server dropped between two requests: retry once on a new one.
        if (error instanceof ConnectionClosed && error.beforeAnswer && answered > 0) return;
        answered++;
        const exchange: RtspExchange = { request, sent };
        if (response) exchange.response = response;
        if (error) exchange.error = error;
        pending = next(exchange);
        if (error) return;
        if (/close/i.test(header(response!, 'connection') ?? '')) return;
      }
    });
  }
}
