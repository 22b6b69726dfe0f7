/**
 * A Redis URL fit for logs and reports: a password (and a user name beside it) becomes `***`,
 * e.g. `redis://:pw@host:6379/0` → `redis://:***@host:6379/0`. Text that is not a URL is
 * returned with anything between `//` and `@` masked.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    else if (u.username) u.username = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** `text` with every occurrence of `url`'s password replaced by `***`. */
export function redactIn(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text;
  }
  return password ? text.split(password).join('***') : text;
}
