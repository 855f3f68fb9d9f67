/**
 * Credentials out of everything people read. A queue's URL may carry a user and password
 * (`redis://user:pass@host`); logs, events, reports and error messages show it as `redis://***@host`.
 */

/** Every `scheme://userinfo@` in `text`, with the userinfo replaced by `***`. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@');
}

/**
 * A redaction for text that may quote a password on its own (a client library's error): the URL's userinfo as
 * above, and each given secret wherever it appears, as written and URL-decoded.
 */
export function redactor(secrets: readonly (string | null)[]): (text: string) => string {
  const forms = [...new Set(secrets.flatMap((s) => (s ? [s, safeDecode(s)] : [])))].filter((s) => s.length > 0);
  return (text) => forms.reduce((t, s) => t.split(s).join('***'), redactCredentials(text));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
