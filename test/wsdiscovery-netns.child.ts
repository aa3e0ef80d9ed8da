/**
 * Runs ONLY inside a network namespace that test/wsdiscovery.test.ts creates
 * (`unshare -rn`, or `ip netns` as a fallback): its loopback is the only
 * interface, so the multicast Probe reaches the responders started here and
 * nothing else. Prints one JSON line on stdout.
 *
 *   mode "collect": N responders joined to 239.255.255.250 on lo (127.42.1.x
 *   and 127.42.2.x, in scope) + 3 outside the scope (127.43.0.x); one
 *   multicast Probe per type from 127.0.0.1; count what comes back.
 *   mode "engine": a scan of one target with --interface semantics: the other
 *   responders of the scope are added as hosts by the engine.
 */
import { startWsdResponder, type WsdResponder } from '../src/lab/devices/wsdiscovery.ts';
import { Net } from '../src/core/net.ts';
import { Scope } from '../src/core/scope.ts';
import { wsDiscover, wsDiscoveryScanner, WSD_GROUP } from '../scanners/wsdiscovery.ts';
import { runScan } from '../src/engine/engine.ts';
import { loadProfile } from '../src/core/profile.ts';

const mode = process.argv[2] ?? 'collect';
const n = Number(process.argv[3] ?? 200);
const maxDelayMs = Number(process.argv[4] ?? 300);

function address(i: number): string {
  return `127.42.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`;
}

const responders: WsdResponder[] = [];
const start = async (addr: string) =>
  responders.push(
    await startWsdResponder({
      address: addr,
      types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
      scopes: [`onvif://www.onvif.org/name/cam-${addr}`],
      xaddrs: [`http://${addr}/onvif/device_service`],
      maxDelayMs,
      multicast: { group: WSD_GROUP, interfaceAddress: '127.0.0.1' },
    }),
  );
for (let i = 0; i < n; i++) await start(address(i));
for (let i = 1; i <= 3; i++) await start(`127.43.0.${i}`);

const scope = Scope.parse(['127.42.1.0/24', '127.42.2.0/24']);
const t0 = Date.now();
if (mode === 'collect') {
  const net = new Net({ scope });
  const report = await wsDiscover(net, { targets: [], multicastInterface: '127.0.0.1', windowMs: maxDelayMs + 1200 });
  await net.close();
  const answers = responders.reduce((s, r) => s + r.stats.answers, 0);
  process.stdout.write(
    `${JSON.stringify({ responders: report.responders.length, probeMatches: report.probeMatches, outOfScope: report.outOfScope, uncorrelated: report.uncorrelated, invalid: report.invalid, overCap: report.overCap, answersSentByDevices: answers, recvBufferBytes: report.recvBufferBytes, elapsedMs: Date.now() - t0, viaMulticast: report.responders.every((r) => r.via === 'multicast') })}\n`,
  );
} else {
  const profile = loadProfile('anssi-base');
  const result = await runScan({
    targets: [{ address: address(0) }],
    specs: [address(0)],
    scope,
    profile,
    mode: 'passive',
    ports: [80],
    scanners: [],
    hostScanners: [wsDiscoveryScanner],
    udpPorts: { wsdiscovery: [3702] },
    params: { interface: '127.0.0.1', wsdiscovery: { multicastWindowMs: maxDelayMs + 1200 } },
  });
  const discoverable = new Set(result.findings.filter((f) => f.check === 'inventory.onvif-discoverable').map((f) => f.host));
  process.stdout.write(
    `${JSON.stringify({ hosts: result.hosts.length, discoverable: discoverable.size, outOfScopeHosts: result.hosts.filter((h) => h.address.startsWith('127.43.')).length, elapsedMs: Date.now() - t0 })}\n`,
  );
}
await Promise.all(responders.map((r) => r.close()));
