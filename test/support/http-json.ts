/** JSON as base64url, as in a JWT's header and payload (tests forge tokens with it). */
export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JSON call to the sidecar's API with an optional bearer token; the body parsed when it is JSON. */
export const jsonCall = async (
  url: string,
  init: { token?: string | undefined; method?: string; json?: unknown } = {},
): Promise<{ status: number; body: any }> => {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
};
