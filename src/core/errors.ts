// Every named failure of edge-pdm, in one place (nats.js errors.ts, fastify's coded errors).
// Expected outcomes such as a malformed payload are values (see result.ts), not these.

/** Base class: a stable `code` for programs, a message for people, an optional `cause`. */
export class EdgePdmError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A configuration file or option is invalid; the message names the field. */
export class ConfigError extends EdgePdmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PDM_CONFIG', message, options);
  }
}

/** A broker, bus or database could not be reached or refused an operation. */
export class ServiceUnavailableError extends EdgePdmError {
  readonly service: string;
  constructor(service: string, message: string, options?: { cause?: unknown }) {
    super('PDM_SERVICE_UNAVAILABLE', `${service}: ${message}`, options);
    this.service = service;
  }
}

/** The transport was used after close() or failed to deliver. */
export class TransportError extends EdgePdmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PDM_TRANSPORT', message, options);
  }
}

/** The SQL store failed (constraint, connection, migration). */
export class StoreError extends EdgePdmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PDM_STORE', message, options);
  }
}

/** The outbox refused an entry because its size limit is reached (nothing was written). */
export class OutboxFullError extends EdgePdmError {
  constructor(message: string) {
    super('PDM_OUTBOX_FULL', message);
  }
}

/** The enterprise API answered with an error status. */
export class EnterpriseApiError extends EdgePdmError {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super('PDM_ENTERPRISE_API', `enterprise API ${status}: ${message}`, options);
    this.status = status;
  }
}
