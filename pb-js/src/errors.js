/**
 * PBJ's errors: one small hierarchy rooted in {@link PbjError}, one class per case a caller handles
 * differently. Every class sets `name` to its own class name, so `err.name` tells the case in logs too.
 */

/** The root of every error this package raises. */
export class PbjError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The error a remote method raises for its callers: Twisted's `pb.Error`. A peer sees a remote error of type
 * `twisted.spread.pb.Error` (or {@link PbError#remoteType}, for a subclass naming a more specific one) whose
 * message is this error's message; it is not reported as a bug of the method that raised it.
 */
export class PbError extends PbjError {
  /** The Python type name sent to the peer. */
  get remoteType() {
    return PbError.TWISTED_TYPE;
  }
}
PbError.TWISTED_TYPE = 'twisted.spread.pb.Error';

/**
 * A remote method failed: the peer sent a failure record (Twisted's CopyableFailure). `remoteType` is the
 * qualified name of the remote exception (`twisted.spread.pb.Error`, `builtins.ValueError`,
 * `java.lang.IllegalStateException` …), `message` its text, `parents` the names of its class and bases.
 */
export class RemoteError extends PbjError {
  constructor(remoteType, message, remoteTraceback = 'Traceback unavailable\n', parents = [remoteType]) {
    super(message);
    this.remoteType = remoteType;
    this.remoteTraceback = remoteTraceback;
    this.parents = Object.freeze([...parents]);
  }

  /** Whether the remote exception is of type `qualifiedName` or a subclass (checked against `parents`). */
  isA(qualifiedName) {
    return this.remoteType === qualifiedName || this.parents.includes(qualifiedName);
  }

  /** Whether the peer raised its application error, `pb.Error` (or a subclass). */
  get isPbError() {
    return this.isA(PbError.TWISTED_TYPE);
  }
}

/** A login was refused (wrong password or unknown user): Twisted's `twisted.cred.error.UnauthorizedLogin`. */
export class UnauthorizedLoginError extends RemoteError {
  constructor(message = '', remoteTraceback = 'Traceback unavailable\n') {
    super(UnauthorizedLoginError.TWISTED_TYPE, message, remoteTraceback, [
      UnauthorizedLoginError.TWISTED_TYPE,
      'twisted.cred.error.LoginFailed',
      'twisted.cred.error.Unauthorized',
      'builtins.Exception',
      'builtins.BaseException',
      'builtins.object',
    ]);
  }
}
UnauthorizedLoginError.TWISTED_TYPE = 'twisted.cred.error.UnauthorizedLogin';

/** The connection dropped while a call was waiting for its answer (Twisted's `PBConnectionLost`). */
export class ConnectionLostError extends PbjError {}

/**
 * A call through a {@link ReconnectingConnection} found no connection, so it was never sent: unlike a
 * ConnectionLostError of a call that was waiting for its answer, the server cannot have run it, and trying again is
 * safe. `cause` says why there is none (the last connection's loss, or the attempt that failed).
 */
export class NotConnectedError extends ConnectionLostError {}

/**
 * A call's deadline passed before its answer came (gRPC's `DEADLINE_EXCEEDED`, Java's
 * `DeadlineExceededException`). The call is forgotten: its late answer is dropped, and a PBJ peer is told to stop
 * working on it. `deadline` is the time the call was given, in milliseconds.
 */
export class DeadlineExceededError extends PbjError {
  constructor(message, deadline) {
    super(message);
    this.deadline = deadline;
  }
}

/** A call through a reference whose connection is closed (Twisted's `DeadReferenceError`). */
export class DeadReferenceError extends PbjError {}

/** The peer broke the protocol (garbage, an unknown message, a bad version …); the connection is closed. */
export class ProtocolError extends PbjError {}

/**
 * A value went over one of the connection's limits. Names the limit (`limitName`, the key of the `limits`
 * option), the value seen and the maximum. Receiving, the connection is closed; sending, only that call fails
 * and nothing is written.
 */
export class LimitExceededError extends ProtocolError {
  constructor(what, limitName, value, maximum) {
    super(`${what} (${value}) exceeds the maximum allowed (${maximum}, from limits.${limitName})`);
    this.limitName = limitName;
    this.value = value;
    this.maximum = maximum;
  }
}

/**
 * The wire named a type this side does not build: a copy or cache of a type that is not registered
 * (`registerCopy`, `registerCache`). Only the call that carried it fails; nothing is ever built from a name
 * the application did not register.
 */
export class InsecureJellyError extends PbjError {
  constructor(typeName, message) {
    super(message);
    this.typeName = typeName;
  }
}
InsecureJellyError.TWISTED_TYPE = 'twisted.spread.jelly.InsecureJelly';
