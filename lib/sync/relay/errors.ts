/**
 * Why the relay stopped, in words an operator can act on. Messages never carry the MongoDB URI,
 * its credentials or a document's content: every driver message passes through `redact` first.
 */
export class RelayStopped extends Error {
  override name = 'RelayStopped';
}

/** Removes every given secret (the URI, its user and password) and any `user:password@` from `text`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('<redacted>');
  }
  return out.replace(/(mongodb(?:\+srv)?:\/\/)[^@\s/]*@/gi, '$1<redacted>@');
}

/** The secrets a MongoDB URI carries: itself and its (decoded) user and password. */
export function secretsOf(mongoUrl: string): string[] {
  const secrets = [mongoUrl];
  const credentials = /^mongodb(?:\+srv)?:\/\/([^@/]*)@/i.exec(mongoUrl)?.[1];
  if (credentials) {
    for (const part of credentials.split(':')) {
      secrets.push(part);
      try {
        secrets.push(decodeURIComponent(part));
      } catch {
        // A malformed escape stays as written.
      }
    }
  }
  return secrets.filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
}

/** An error as log fields (the functions' names, errorName and errorMessage), its message redacted. */
export function errorFields(error: unknown, secrets: readonly string[]): { errorName: string; errorMessage: string } {
  return error instanceof Error ? { errorName: redact(error.name, secrets), errorMessage: redact(error.message, secrets) } : { errorName: 'Unknown', errorMessage: redact(String(error), secrets) };
}

const HISTORY_LOST = 286;
const UNAUTHORIZED = 13;
const NOT_A_REPLICA_SET = 40573;

/** An error from the change stream or the driver, as the reason the relay stops. */
export function streamFailure(error: unknown, secrets: readonly string[]): RelayStopped {
  const code = (error as { code?: unknown }).code;
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  if (code === HISTORY_LOST || (error as { codeName?: unknown }).codeName === 'ChangeStreamHistoryLost') {
    return new RelayStopped(
      'MongoDB no longer has the checkpoint in its oplog (ChangeStreamHistoryLost, code 286): the relay was stopped longer than ' +
        'the oplog window, so changes since then cannot be replayed. Run the relay once with --resnapshot to forget the checkpoint ' +
        'and load a fresh snapshot (then consider a larger oplog so a stopped relay can catch up).',
    );
  }
  if (code === NOT_A_REPLICA_SET) {
    return new RelayStopped(`MongoDB does not offer change streams here (${message}): the relay needs a replica set (a one-member replica set is enough).`);
  }
  if (code === UNAUTHORIZED) {
    return new RelayStopped(`MongoDB refused the change stream (${message}): the user needs the "find" and "changeStream" actions on the database.`);
  }
  const name = error instanceof Error ? error.name : 'Error';
  return new RelayStopped(`the change stream failed and cannot resume: ${name}${typeof code === 'number' ? ` (code ${code})` : ''}: ${message}`);
}
