// Label selector text as kubectl writes it (`app=web,tier in (a,b)`): the one piece of parsing
// the API server simulation and the watch hub both need.

/** The requirements of a selector: split at commas outside parentheses, trimmed, empty ones dropped. */
export function splitSelector(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}
