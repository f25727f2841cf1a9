import { Type } from 'typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toViolation, type SchemaViolation } from '../../../contracts/index.js';
import { AppError, type ErrorCategory } from '../kernel/errors.js';

/** RFC 9457 problem details, with the failing fields of a validation error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: { field: string; location: string; message: string }[];
}

const statusOf: Record<ErrorCategory, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
};

const titleOf: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** How long a request refused for now is told to wait before it is tried again, unless said otherwise. */
const RETRY_AFTER_SECONDS = 1;

export const problemType = (code: string) => `urn:orders-domain:problem:${code}`;

export function problem(status: number, code: string, detail: string, errors?: Problem['errors']): Problem {
  return {
    type: problemType(code),
    title: titleOf[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, body: Problem): FastifyReply {
  return reply
    .status(body.status)
    .type('application/problem+json')
    .send({ ...body, instance: bounded(request.url) });
}

/** Refuses a request for now: the problem, and how many seconds to wait before trying again (`Retry-After`). */
export function sendRetryLater(
  reply: FastifyReply,
  request: FastifyRequest,
  body: Problem,
  afterSeconds = RETRY_AFTER_SECONDS,
): FastifyReply {
  return sendProblem(reply.header('retry-after', String(afterSeconds)), request, body);
}

/** Echoed text is cut short, so that an answer stays small whatever the request held. */
const bounded = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text);

const locatedViolations = (location: string, violations: readonly SchemaViolation[]) =>
  violations.map((violation) => ({ field: bounded(violation.field), location, message: violation.message }));

/** The one place where failures become HTTP responses. A 500 never echoes an internal message. */
export function toProblem(error: FastifyError | AppError | Error): Problem {
  if (error instanceof AppError) {
    const status = statusOf[error.category];
    return problem(
      status,
      error.code,
      error.message,
      error.violations.length ? locatedViolations('body', error.violations) : undefined,
    );
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const location = fastifyError.validationContext ?? 'body';
    const errors = locatedViolations(
      location,
      fastifyError.validation.map((v) => toViolation(v as Parameters<typeof toViolation>[0])),
    );
    const fields = errors.map((e) => `${e.location}${e.field}`).join(', ');
    return problem(
      400,
      'REQUEST.INVALID',
      `The ${location} is invalid: ${fields} (${errors[0]?.message ?? 'invalid'})`,
      errors,
    );
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'REQUEST.TOO_LARGE', 'The request body is larger than this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'REQUEST.EMPTY_BODY', 'The request needs a JSON body.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'REQUEST.MALFORMED_JSON', 'The request body is not valid JSON.');
    default:
      break;
  }
  if (error instanceof SyntaxError || fastifyError.statusCode === 400) {
    return problem(
      400,
      'REQUEST.MALFORMED',
      'The request could not be read: check that the body is valid JSON.',
    );
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return problem(fastifyError.statusCode, 'REQUEST.REJECTED', fastifyError.message);
  }
  return problem(500, 'INTERNAL', 'Something went wrong on our side. It was logged; try again later.');
}

/**
 * What the log keeps of a failure: its kind and where it happened, not its message, which may
 * quote the request (a database error echoes the value it refused).
 */
export function failureForLog(error: unknown): { type: string; code?: string; stack?: string } {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack ? { stack: error.stack.split('\n').slice(1).join('\n') } : {}),
  };
}

/** The JSON Schema of a problem response, for route documentation. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), location: Type.String(), message: Type.String() })),
    ),
  },
  { title: 'Problem', description: 'RFC 9457 problem details' },
);

/** A route's documented problem response, served as `application/problem+json`. */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
