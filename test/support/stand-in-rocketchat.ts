/** A stand-in for Rocket.Chat behind a proxy: answers every path as Rocket.Chat's REST API would a request without a login, and says which path it got. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_HEADER = 'x-rocketchat-stand-in';

export interface StandIn {
  url: string;
  port: number;
  /** Paths requested, in order. */
  paths: string[];
  close(): Promise<void>;
}

export async function startStandInRocketChat(): Promise<StandIn> {
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    paths.push(request.url ?? '/');
    const body = JSON.stringify({ status: 'error', message: 'You must be logged in to do this.' });
    response.writeHead(401, { 'Content-Type': 'application/json', [STAND_IN_HEADER]: '1', 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
