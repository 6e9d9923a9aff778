/**
 * How the container image runs the sidecar, read from the Dockerfile, so the tests and the benchmark run
 * the compiled build the same way: NODE_OPTIONS from its ENV, the Node flags and script from its CMD.
 */
import { readFileSync } from 'node:fs';

export const imageCommand = (dockerfile = readFileSync('Dockerfile', 'utf8')) => {
  const nodeOptions = /NODE_OPTIONS=(\S+)/.exec(dockerfile)?.[1];
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  const [node, ...args] = cmd ? (JSON.parse(cmd) as string[]) : [];
  const script = args.at(-1);
  if (!nodeOptions || node !== 'node' || !script)
    throw new Error('The Dockerfile no longer shows how it runs the sidecar');
  return { nodeOptions, nodeFlags: [...nodeOptions.split(' '), ...args.slice(0, -1)], script };
};
