/**
 * WS-Discovery: parsing ProbeMatches (hostile datagrams too), the scope
 * rules of Net.udpCollect, hundreds of simulated responders answering at once
 * over loopback (unicast), and — inside a network namespace this file
 * creates — one multicast Probe answered by hundreds of group members.
 */
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Net } from '../src/core/net.ts';
import { Scope } from '../src/core/scope.ts';
import { ScopeViolation } from '../src/core/errors.ts';
import { reserveBlock } from '../src/lab/server.ts';
import { startWsdResponder, type WsdResponder } from '../src/lab/devices/wsdiscovery.ts';
import { parseProbeMatches, probeMessage, scopeFields, wsDiscover, wsDiscoveryScanner, WSD_GROUP } from '../scanners/wsdiscovery.ts';
import { XmlRejected } from '../scanners/lib/soap.ts';
import { ROOT } from '../src/core/paths.ts';
import { runCli } from './helpers.ts';

const MATCH = (relatesTo: string, extra = '') =>
  '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">' +
  `<e:Header><a:RelatesTo>${relatesTo}</a:RelatesTo><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></e:Header>` +
  '<e:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:1</a:Address></a:EndpointReference>' +
  '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>onvif://www.onvif.org/hardware/DS-2CD%202143 onvif://www.onvif.org/name/Lobby%20cam onvif://www.onvif.org/location/country/france</d:Scopes>' +
  `<d:XAddrs>http://192.0.2.5/onvif/device_service http://[fe80::1]/onvif/device_service</d:XAddrs>${extra}</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>`;

describe('ProbeMatches parsing', () => {
  it('reads types, scopes, XAddrs and RelatesTo, prefix-insensitively; scopes are URL-decoded', () => {
    const m = parseProbeMatches(MATCH('urn:uuid:abc'));
    expect(m.relatesTo).toBe('urn:uuid:abc');
    expect(m.matches).toEqual([
      expect.objectContaining({ endpoint: 'urn:uuid:1', types: ['dn:NetworkVideoTransmitter', 'tds:Device'], xaddrs: ['http://192.0.2.5/onvif/device_service', 'http://[fe80::1]/onvif/device_service'] }),
    ]);
    expect(scopeFields(m.matches[0]!.scopes)).toEqual({ hardware: 'DS-2CD 2143', name: 'Lobby cam', location: 'country/france' });
  });

  it.each([
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${MATCH('urn:uuid:a')}`],
    ['deep nesting', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`],
    ['a truncated datagram', MATCH('urn:uuid:a').slice(0, 300)],
  ])('refuses %s with a typed error', (_n, text) => {
    expect(() => parseProbeMatches(text)).toThrow(XmlRejected);
  });

  it('builds a Probe with our MessageID and the Types filter, or none', () => {
    expect(probeMessage('urn:uuid:x', 'tds:Device')).toMatch(/<a:MessageID>urn:uuid:x<\/a:MessageID>.*<d:Types>tds:Device<\/d:Types>/);
    expect(probeMessage('urn:uuid:x', '')).not.toContain('Types');
  });
});

describe('--interface', () => {
  it('an unknown interface is a usage error before anything is sent', async () => {
    const r = await runCli(['scan', '127.42.250.9', '--interface', 'no-such-if0', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--interface no-such-if0: no such local interface/);
  });
});

describe('Net.udpCollect scope rules', () => {
  it('refuses an out-of-scope destination, and multicast without an explicit interface, before sending anything', async () => {
    const net = new Net({ scope: Scope.parse(['127.42.250.0/24']) });
    await expect(net.udpCollect([{ host: '127.42.251.9', port: 3702, payload: Buffer.from('x') }], { windowMs: 10 })).rejects.toThrow(ScopeViolation);
    await expect(net.udpCollect([{ host: WSD_GROUP, port: 3702, payload: Buffer.from('x') }], { windowMs: 10 })).rejects.toThrow(ScopeViolation);
    expect(net.stats).toMatchObject({ connections: 0, refusedByScope: 2 });
    await net.close();
  });
});

// ——— hundreds of responders over loopback, unicast from one socket ———

const COUNT = 300;
let blocks: { block: number; release: () => Promise<void> }[] = [];
let responders: WsdResponder[] = [];
let outside: { block: number; release: () => Promise<void> };

beforeAll(async () => {
  blocks = [await reserveBlock(), await reserveBlock()];
  outside = await reserveBlock();
  const addresses = Array.from({ length: COUNT }, (_, i) => `127.42.${blocks[Math.floor(i / 240)]!.block}.${10 + (i % 240)}`);
  responders = await Promise.all(
    addresses.map((address, i) =>
      startWsdResponder({
        address,
        // One in ten is a recorder that only says tds:Device: a camera-only probe would miss it.
        types: i % 10 === 0 ? ['tds:Device'] : ['dn:NetworkVideoTransmitter', 'tds:Device'],
        scopes: [`onvif://www.onvif.org/name/device-${i}`, 'onvif://www.onvif.org/hardware/LAB-1'],
        xaddrs: [`http://${address}/onvif/device_service`],
      }),
    ),
  );
});
afterAll(async () => {
  await Promise.all(responders.map((r) => r.close()));
  await Promise.all([...blocks, outside].filter(Boolean).map((b) => b.release()));
});

describe(`${COUNT} responders, unicast`, () => {
  it('counts every ProbeMatch: none lost in a burst of answers to one socket', async () => {
    const scope = Scope.parse(blocks.map((b) => `127.42.${b.block}.0/24`));
    const net = new Net({ scope });
    const t0 = performance.now();
    const report = await wsDiscover(net, { targets: responders.map((r) => ({ address: r.address, port: r.port })), windowMs: 1500 });
    const ms = Math.round(performance.now() - t0);
    await net.close();
    const recorders = responders.filter((_, i) => i % 10 === 0).length;
    // Cameras answer all three probes (no filter, NVT, Device); recorders the two that match tds:Device.
    const expected = (COUNT - recorders) * 3 + recorders * 2;
    const sentByDevices = responders.reduce((s, r) => s + r.stats.answers, 0);
    console.info(`WS-Discovery unicast: ${report.responders.length} responders, ${report.probeMatches} ProbeMatches (devices sent ${sentByDevices}), ${report.sent} probes sent, receive buffer ${report.recvBufferBytes} B, ${ms} ms for a ${report.windowMs} ms window`);
    expect(report.sent).toBe(COUNT * 3);
    expect(sentByDevices).toBe(expected);
    expect(report.probeMatches).toBe(expected);
    expect(report.responders.length).toBe(COUNT);
    expect(report).toMatchObject({ uncorrelated: 0, invalid: 0, overCap: 0, outOfScope: 0 });
    const recorder = report.responders.find((r) => r.address === responders[0]!.address)!;
    expect(recorder.answered.sort()).toEqual(['', 'tds:Device']);
    expect(recorder).toMatchObject({ name: 'device-0', hardware: 'LAB-1', via: 'unicast' });
  });

  it('through the host scanner, as the engine calls it: per-target facts, batches of at most maxBatch targets', async () => {
    const scope = Scope.parse(blocks.map((b) => `127.42.${b.block}.0/24`));
    const net = new Net({ scope });
    const ctx = { net, mode: 'safe' as const, signal: new AbortController().signal, params: { wsdiscovery: { maxBatch: 128, windowMs: 800 } }, warn: () => undefined };
    const sockets: number[] = [];
    const collect = net.udpCollect.bind(net);
    net.udpCollect = (d, o) => (sockets.push(d.length), collect(d, o));
    const silent = `127.42.${blocks[1]!.block}.200`;
    const all = await Promise.all([...responders.map((r) => r.address), silent].map((a) => wsDiscoveryScanner.discoverHost!(ctx, a, [3702])));
    await net.close();
    // 301 targets, three probe types each, one socket per batch of at most 128 targets.
    expect(sockets).toEqual([128 * 3, 128 * 3, 45 * 3]);
    const matched = all.filter((facts) => facts.some((f) => f.type === 'wsdiscovery.match'));
    expect(matched.length).toBe(COUNT);
    expect(all.at(-1)).toEqual([expect.objectContaining({ type: 'wsdiscovery.probe', host: silent, data: { answered: false, matches: 0, windowMs: 800 } })]);
    expect(all[1]!.find((f) => f.type === 'service')).toMatchObject({ proto: 'udp', port: 3702, data: { kind: 'ws-discovery' } });
  });

  it('control: with the smallest receive buffer the kernel drops part of the same burst (what the large buffer prevents)', async () => {
    const net = new Net({ scope: Scope.parse(blocks.map((b) => `127.42.${b.block}.0/24`)) });
    const report = await wsDiscover(net, { targets: responders.map((r) => ({ address: r.address, port: r.port })), windowMs: 800, recvBufferBytes: 1 });
    await net.close();
    console.info(`WS-Discovery control: receive buffer ${report.recvBufferBytes} B kept ${report.probeMatches} ProbeMatches of ${COUNT * 3 - COUNT / 10}`);
    expect(report.recvBufferBytes).toBeLessThan(64 * 1024);
    expect(report.probeMatches).toBeLessThan(COUNT * 3 - COUNT / 10);
  });

  it('ignores answers from outside the scope and answers that relate to no Probe of ours', async () => {
    const scopeBlock = blocks[0]!.block;
    const rogueAddress = `127.42.${scopeBlock}.250`;
    const rogue = dgram.createSocket('udp4');
    const spoofer = dgram.createSocket('udp4');
    await new Promise<void>((r) => rogue.bind(3702, rogueAddress, () => r()));
    await new Promise<void>((r) => spoofer.bind(0, `127.42.${outside.block}.10`, () => r()));
    rogue.on('message', (msg, rinfo) => {
      const id = /<a:MessageID>([^<]+)</.exec(msg.toString())![1]!;
      rogue.send(MATCH('urn:uuid:not-ours'), rinfo.port, rinfo.address); // in scope, uncorrelated
      spoofer.send(MATCH(id), rinfo.port, rinfo.address); // correlated, but from outside the scope
    });
    const net = new Net({ scope: Scope.parse([`127.42.${scopeBlock}.0/24`]) });
    const report = await wsDiscover(net, { targets: [{ address: rogueAddress, port: 3702 }], windowMs: 500 });
    await net.close();
    rogue.close();
    spoofer.close();
    expect(report.responders).toEqual([]);
    expect(report).toMatchObject({ outOfScope: 3, uncorrelated: 3, probeMatches: 0 });
  });
});

// ——— multicast, only inside a network namespace created here ———

/** How to run a command inside a fresh network namespace, or why it cannot be done here. */
function namespaceRunner(): { prefix: string[]; cleanup?: () => void } | { reason: string } {
  const unshare = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (unshare.status === 0) return { prefix: ['unshare', '-rn'] };
  const name = `vigie-wsd-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status === 0) return { prefix: ['ip', 'netns', 'exec', name], cleanup: () => void spawnSync('ip', ['netns', 'del', name]) };
  return { reason: `no network namespace: unshare -rn said "${(unshare.stderr || unshare.error?.message || '').trim()}", ip netns add said "${(add.stderr || add.error?.message || '').trim()}"` };
}

const runner = namespaceRunner();
const skipReason = 'reason' in runner ? runner.reason : undefined;

function inNamespace(args: string[]): Promise<Record<string, unknown>> {
  if ('reason' in runner) throw new Error(runner.reason);
  const child = join(ROOT, 'test', 'wsdiscovery-netns.child.ts');
  const script = `ip link set lo up && exec "${process.execPath}" --import tsx "${child}" ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const p = spawn(runner.prefix[0]!, [...runner.prefix.slice(1), 'sh', '-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 25_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`namespace child exited ${code}: ${err.slice(-800)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`namespace child said: ${out.slice(-400)} ${err.slice(-400)}`));
      }
    });
  });
}

describe('multicast WS-Discovery in a network namespace', () => {
  afterAll(() => {
    if (!('reason' in runner)) runner.cleanup?.();
  });

  it.skipIf(skipReason !== undefined)(`one multicast Probe per type, 300 group members answering within 300 ms: every ProbeMatch counted${skipReason ? ` (skipped: ${skipReason})` : ''}`, async () => {
    const r = await inNamespace(['collect', '300', '300']);
    console.info(`WS-Discovery multicast (netns): ${JSON.stringify(r)}`);
    expect(r).toMatchObject({ responders: 300, probeMatches: 900, uncorrelated: 0, invalid: 0, overCap: 0, viaMulticast: true });
    // Three responders outside the scope answered the three probes: dropped unread.
    expect(r.outOfScope).toBe(9);
    expect(r.answersSentByDevices).toBe(909);
  });

  it.skipIf(skipReason !== undefined)(`the engine adds in-scope multicast responders that were not targets as hosts${skipReason ? ` (skipped: ${skipReason})` : ''}`, async () => {
    const r = await inNamespace(['engine', '20', '200']);
    expect(r).toMatchObject({ hosts: 20, discoverable: 20, outOfScopeHosts: 0 });
  });
});
