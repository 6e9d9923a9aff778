/** Words every email and page shares. English is the reference: the other languages have exactly its keys. */
export const common = {
  greeting: 'Hello {{username}},',
  yourAccount: 'Your account',
};
