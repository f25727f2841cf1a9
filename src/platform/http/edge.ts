import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import { problem, sendProblem, type Problem } from './problem.js';
import { parseStrictJson } from './strict-json.js';

/**
 * What every HTTP server of the domain answers before a route runs, so that no failure Fastify
 * or Node's parser raises escapes the problem+json contract: malformed URLs, oversized headers,
 * unframed bodies, CONNECT.
 */
export const edgeOptions = {
  frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    void sendProblem(reply, request, frameworkProblem(error.code));
  },
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
    answerRaw(socket, clientErrorProblem(error.code));
  },
} satisfies Partial<FastifyServerOptions>;

/** Bodies are read as strict JSON; any other content type is refused with a 415. */
export function useStrictJson(
  app: Pick<FastifyInstance, 'removeAllContentTypeParsers' | 'addContentTypeParser'>,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseStrictJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Node drops a CONNECT request's socket unless someone listens for it. */
export function refuseConnect(server: Server): void {
  server.on('connect', (_request, socket: Socket) => {
    answerRaw(socket, problem(405, 'REQUEST.METHOD_NOT_ALLOWED', 'CONNECT is not supported here.'));
  });
}

function frameworkProblem(code: string): Problem {
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return problem(400, 'REQUEST.BAD_URL', 'The URL is not validly percent-encoded.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'REQUEST.PATH_TOO_LONG', 'A path segment is longer than any this API accepts.');
    default:
      return problem(400, 'REQUEST.REJECTED', 'The request could not be routed.');
  }
}

function clientErrorProblem(code: string | undefined): Problem {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem(
        431,
        'REQUEST.HEADERS_TOO_LARGE',
        'The request headers are larger than this server reads.',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'REQUEST.TIMEOUT', 'The request did not arrive in time.');
    case undefined:
    default:
      return problem(400, 'REQUEST.UNREADABLE', 'The request is not well-formed HTTP/1.1.');
  }
}

/** Answers on a socket Fastify never saw as a request, then closes it. */
function answerRaw(socket: Socket, body: Problem): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const payload = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${body.status} ${body.title}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n` +
      'Connection: close\r\n\r\n' +
      payload,
  );
}
