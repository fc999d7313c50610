/**
 * Globs of store access policies. In key globs `*` and `?` stay inside one path segment and `**`
 * crosses "/", so "team-a/*" does not reach "team-a/admin/root"; a policy of just "*" or "**"
 * allows every key. Namespace names have no "/", so there `*` matches anything.
 */
export function matchesKeyGlob(pattern: string, key: string): boolean {
  if (pattern === '*' || pattern === '**') return true;
  return globToRegExp(pattern, '[^/]').test(key);
}

export function matchesNameGlob(pattern: string, name: string): boolean {
  return globToRegExp(pattern, '.').test(name);
}

const cache = new Map<string, RegExp>();

function globToRegExp(pattern: string, oneChar: string): RegExp {
  const cacheKey = `${oneChar}\u0000${pattern}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      src += '.*';
      i++;
    } else if (c === '*') {
      src += `${oneChar}*`;
    } else if (c === '?') {
      src += oneChar;
    } else {
      src += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const re = new RegExp(`^${src}$`, 's');
  if (cache.size > 1000) cache.clear();
  cache.set(cacheKey, re);
  return re;
}
