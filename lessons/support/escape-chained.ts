// Escaping as it is often first written: one `replace` per character, five passes over every
// message, and a new string from each pass that finds something.
export function escapeChained(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
