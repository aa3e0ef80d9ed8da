/**
 * An SSDP responder bound to the device's own address on udp/1900 (unicast
 * only: the lab never joins a multicast group). It answers M-SEARCH with one
 * answer per advertised type, as UPnP stacks do for `ssdp:all` — from the
 * bound port, or from another port like many embedded stacks. Counts
 * `ssdp.msearch`.
 */
import type dgram from 'node:dgram';
import type { Tally } from '../server.ts';
import { bindUdp } from './sip.ts';

export interface SsdpDeviceOptions {
  server: string;
  uuid: string;
  /** Port of the (not served) description document named in LOCATION. */
  descriptionPort?: number;
  types?: string[];
  /** Answer from a second socket on another port of the same address. */
  answerFromOtherPort?: boolean;
}

export function startSsdp(opts: SsdpDeviceOptions, tally: Tally, address: string, port: number): Promise<{ close(): Promise<void> }> {
  let other: { socket: dgram.Socket | undefined } = { socket: undefined };
  const types = opts.types ?? ['upnp:rootdevice', 'urn:schemas-upnp-org:device:Basic:1'];
  return bindUdp(address, port, (socket) => {
    socket.on('message', (msg, rinfo) => {
      const text = msg.subarray(0, 2048).toString('latin1');
      if (!/^M-SEARCH \* HTTP\/1\.1\r\n/i.test(text)) return;
      tally.count('ssdp.msearch');
      const st = /^ST:\s*(.+)$/im.exec(text)?.[1]?.trim() ?? '';
      const wanted = st === 'ssdp:all' ? types : types.filter((t) => t === st);
      const from = opts.answerFromOtherPort && other.socket ? other.socket : socket;
      for (const type of wanted) {
        const answer = [
          'HTTP/1.1 200 OK',
          'CACHE-CONTROL: max-age=1800',
          'EXT:',
          `LOCATION: http://${address}:${opts.descriptionPort ?? 49152}/rootDesc.xml`,
          `SERVER: ${opts.server}`,
          `ST: ${type}`,
          `USN: uuid:${opts.uuid}::${type}`,
          '',
          '',
        ].join('\r\n');
        from.send(answer, rinfo.port, rinfo.address);
      }
    });
    if (opts.answerFromOtherPort) {
      void bindUdp(address, 0, (s) => {
        other = { socket: s };
        socket.once('close', () => s.close());
      });
    }
  });
}
