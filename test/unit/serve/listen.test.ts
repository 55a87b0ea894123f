import { describe, expect, it } from 'vitest';
import { parseListen } from '../../../src/cli/handlers/serve.js';

describe('serve --listen', () => {
  it('takes HOST:PORT as Go does: a name, an IPv4, a bracketed IPv6, or :PORT for every address', () => {
    expect(parseListen('127.0.0.1:9847')).toEqual({ host: '127.0.0.1', port: 9847 });
    expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListen('[::1]:9847')).toEqual({ host: '::1', port: 9847 });
    expect(parseListen(':9847')).toEqual({ host: undefined, port: 9847 });
    expect(parseListen('localhost:80')).toEqual({ host: 'localhost', port: 80 });
  });

  it('refuses what is not an address and a port', () => {
    for (const bad of ['9847', '127.0.0.1', '127.0.0.1:65536', '::1:9847', 'host:port', '']) expect(() => parseListen(bad), bad).toThrow(/expected HOST:PORT/);
  });
});
