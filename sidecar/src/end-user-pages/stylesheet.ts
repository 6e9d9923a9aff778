/**
 * The end-user pages' look, in the spirit of Keycloak 26's sign-in pages (keycloak.v2, PatternFly 5): the
 * realm's name above a white card on a light grey background, the system's fonts, one clear primary button.
 * Kept in a module rather than an asset file so the production build (plain tsc) carries it without a copy
 * step; served as a file under a name that changes with its content, so browsers may keep it for a year.
 */
import { createHash } from 'node:crypto';

export const END_USER_CSS = `*,
*::before,
*::after {
  box-sizing: border-box;
}
html {
  -webkit-text-size-adjust: 100%;
  text-size-adjust: 100%;
}
body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  flex-direction: column;
  align-items: center;
  padding: 2.5rem 1rem 2rem;
  background: #f0f0f0;
  color: #151515;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans",
    Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.5;
  overflow-wrap: break-word;
}
.realm {
  width: 100%;
  max-width: 36rem;
  margin: 0 0 1.5rem;
  text-align: center;
}
.realm-name {
  margin: 0;
  font-size: 1.75rem;
  font-weight: 400;
  line-height: 1.3;
  color: #151515;
}
main {
  width: 100%;
  max-width: 36rem;
  padding: 2rem 2rem 1.5rem;
  background: #fff;
  border-radius: 3px;
  box-shadow: 0 0.25rem 0.5rem rgba(3, 3, 3, 0.12), 0 0 0.25rem rgba(3, 3, 3, 0.06);
}
h1 {
  margin: 0 0 1.5rem;
  font-size: 1.5rem;
  font-weight: 500;
  line-height: 1.3;
}
h2 {
  margin: 1.5rem 0 0.75rem;
  font-size: 1.125rem;
  font-weight: 600;
}
p,
ol {
  margin: 0 0 1rem;
}
ol {
  padding-left: 1.5rem;
}
li {
  margin-bottom: 0.75rem;
  padding-left: 0.25rem;
}
li::marker {
  font-weight: 600;
  color: #0066cc;
}
a {
  color: #0066cc;
}
a:hover {
  color: #004080;
}
a:focus-visible,
button:focus-visible,
input:focus-visible {
  outline: 2px solid #0066cc;
  outline-offset: 2px;
}
form {
  margin: 1.5rem 0 0.5rem;
}
label {
  display: block;
  margin-bottom: 0.5rem;
  font-weight: 600;
}
input[type="text"] {
  display: block;
  width: 100%;
  min-height: 2.75rem;
  padding: 0.5rem 0.75rem;
  font: inherit;
  color: #151515;
  background: #fff;
  border: 1px solid #8a8d90;
  border-radius: 3px;
}
.button {
  display: block;
  width: 100%;
  min-height: 2.75rem;
  margin-top: 1.5rem;
  padding: 0.625rem 1rem;
  font: inherit;
  font-weight: 600;
  line-height: 1.5;
  text-align: center;
  text-decoration: none;
  color: #fff;
  background: #0066cc;
  border: 0;
  border-radius: 3px;
  cursor: pointer;
}
.button:hover {
  color: #fff;
  background: #004080;
}
.warning {
  margin: 1.5rem 0 1rem;
  padding: 0.75rem 1rem;
  background: #fdf7e7;
  border-top: 2px solid #f0ab00;
}
.warning p:last-child {
  margin-bottom: 0;
}
.warning strong {
  color: #795600;
}
.more {
  margin: 1.5rem 0 0;
  padding: 0.75rem 0 0;
  list-style: none;
  border-top: 1px solid #d2d2d2;
}
.more li {
  margin: 0;
  padding: 0;
}
.more a {
  display: inline-block;
  padding: 0.5rem 0;
}
@media (max-width: 30rem) {
  body {
    padding: 1.25rem 0.75rem 1rem;
  }
  .realm-name {
    font-size: 1.375rem;
  }
  main {
    padding: 1.5rem 1rem 1rem;
  }
}
`;

/** where the end-user pages' files are served */
export const END_USER_ASSETS = '/end-user';
/** the stylesheet's name carries its content's hash, so a new version is a new URL */
export const END_USER_CSS_FILE = `page-${createHash('sha256').update(END_USER_CSS).digest('hex').slice(0, 12)}.css`;
export const END_USER_CSS_PATH = `${END_USER_ASSETS}/${END_USER_CSS_FILE}`;
