/**
 * Names an attacker may choose (a device's label) shown in an email as inert text: no mail client may turn
 * them into a link, in the plain text or the HTML part. The rule, applied before any HTML escaping:
 * - control characters and line breaks become spaces, and the name is cut to 64 characters;
 * - `://` is broken as `:/ /` (no scheme link: `http:/ /evil`);
 * - every `.` becomes U+2024 ONE DOT LEADER, which looks the same but is no host separator, so neither
 *   `evil.example` nor `www.evil.example` nor `me@evil.example` is taken for an address;
 * - the result is shown between double quotes (a `"` inside becomes `'`), so it reads as a name.
 */
const MAX_NAME = 64;

export const inertName = (name: string): string => {
  const flat = [...name.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')].slice(0, MAX_NAME).join('');
  const defused = flat.replace(/:\/\//g, ':/ /').replace(/\./g, '\u2024').replace(/"/g, "'");
  return `"${defused}"`;
};
