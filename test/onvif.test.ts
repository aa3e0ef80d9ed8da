/**
 * ONVIF: the safe XML parser against hostile input, the SOAP client against
 * simulated devices (faults are answers), the scanner and its checks through
 * a real scan over loopback, with and without site credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, scanSite, startSite, type RunningSite } from './helpers.ts';
import type { Fact, Result } from '../src/core/model.ts';
import { Net } from '../src/core/net.ts';
import { Scope } from '../src/core/scope.ts';
import { LAB_SECRETS } from '../src/lab/secrets.ts';
import { PERSONALITIES } from '../src/lab/personalities.ts';
import {
  at,
  parseSoap,
  parseXml,
  passwordDigest,
  prescanXml,
  redactSecurity,
  soapCall,
  textAt,
  usernameToken,
  XmlRejected,
  type XmlRejectReason,
} from '../scanners/lib/soap.ts';
import { onvifProtocol } from '../scanners/onvif.ts';
import type { OnvifOperationData } from '../src/core/facts.ts';
import { onvifUsersPrivilege } from '../src/checks/onvif/users-privilege.ts';
import { onvifNtpNotConfigured } from '../src/checks/onvif/ntp-not-configured.ts';
import { onvifUnauthenticated } from '../src/checks/onvif/unauthenticated.ts';
import { timeNtpNotConfigured } from '../src/checks/time/ntp-not-configured.ts';
import type { HostView } from '../src/checks/types.ts';

function rejection(fn: () => unknown): XmlRejectReason | 'accepted' | string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return err instanceof XmlRejected ? err.reason : `other error: ${String(err)}`;
  }
}

const ENV = 'http://www.w3.org/2003/05/soap-envelope';

describe('safe XML parsing (hostile device answers)', () => {
  const laughs = (() => {
    const ents = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    return `<?xml version="1.0"?><!DOCTYPE lolz [${ents.join('')}]><lolz>&lol9;</lolz>`;
  })();
  it.each([
    ['XXE (external entity)', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', 'doctype'],
    ['billion laughs', laughs, 'doctype'],
    ['a lower-case doctype', '<!doctype r><r/>', 'doctype'],
    ['a bare ENTITY declaration', '<r><!ENTITY x "y"></r>', 'doctype'],
    ['10 000-deep nesting', `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`, 'too-deep'],
    ['1 000 000-deep nesting', '<a>'.repeat(1_000_000), 'too-large'],
    ['10 MB body', `<r>${'A'.repeat(10 * 1024 * 1024)}</r>`, 'too-large'],
    ['mismatched tags', '<a><b></a></b>', 'malformed'],
    ['truncated', '<s:Envelope xmlns:s="x"><s:Body><tds:Foo>half', 'malformed'],
    ['binary garbage', '\u0000\u0001\u0002\uFFFD<<<>>>', 'malformed'],
    ['empty', '   ', 'empty'],
    ['a prototype-polluting element name', '<r><__proto__><polluted>1</polluted></__proto__></r>', 'malformed'],
  ])('%s is refused (%s)', (_name, xml, reason) => {
    expect(rejection(() => parseXml(xml))).toBe(reason);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses 100 000-deep nesting under the size cap without recursion (fails fast, no stack overflow)', () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    expect(rejection(() => parseXml(deep, { maxBytes: 2 * 1024 * 1024 }))).toBe('too-deep');
  });

  it('accepts nesting up to the cap, comments, CDATA and ">" inside attribute values', () => {
    const ok = `${'<a>'.repeat(64)}x${'</a>'.repeat(64)}`;
    expect(() => prescanXml(ok)).not.toThrow();
    expect(rejection(() => prescanXml(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`))).toBe('too-deep');
    const doc = parseXml('<r a="1 > 0"><!-- <b> --><![CDATA[<not><a><tag>]]><c/></r>');
    expect(at(doc, 'r')).toBeDefined();
  });

  it('decodes the predefined entities and character references, nothing else', () => {
    const doc = parseXml('<r><t>a &amp; b &lt;c&gt; &#65;&#xE9; &amp;#65; &copy;</t></r>');
    expect(textAt(doc, 'r', 't')).toBe('a & b <c> Aé &#65; &copy;');
  });
});

describe('SOAP messages', () => {
  const fault12 = (prefix: string) =>
    `<${prefix}:Envelope xmlns:${prefix}="${ENV}" xmlns:ter="http://www.onvif.org/ver10/error"><${prefix}:Body><${prefix}:Fault>` +
    `<${prefix}:Code><${prefix}:Value>${prefix}:Sender</${prefix}:Value><${prefix}:Subcode><${prefix}:Value>ter:NotAuthorized</${prefix}:Value>` +
    `<${prefix}:Subcode><${prefix}:Value>ter:Detail</${prefix}:Value></${prefix}:Subcode></${prefix}:Subcode></${prefix}:Code>` +
    `<${prefix}:Reason><${prefix}:Text xml:lang="de">Nicht</${prefix}:Text><${prefix}:Text xml:lang="en">Sender not Authorized</${prefix}:Text></${prefix}:Reason>` +
    `</${prefix}:Fault></${prefix}:Body></${prefix}:Envelope>`;

  it.each(['s', 'SOAP-ENV', 'env'])('reads a SOAP 1.2 fault whatever the prefix (%s)', (prefix) => {
    const m = parseSoap(fault12(prefix));
    expect(m).toMatchObject({ kind: 'fault', version: '1.2', fault: { code: `${prefix}:Sender`, subcode: 'ter:NotAuthorized', subcodes: ['NotAuthorized', 'Detail'], reason: 'Sender not Authorized' } });
  });

  it('reads a default-namespace answer like a prefixed one', () => {
    const a = parseSoap(`<Envelope xmlns="${ENV}"><Body><GetDeviceInformationResponse xmlns="http://www.onvif.org/ver10/device/wsdl"><Model>M1</Model></GetDeviceInformationResponse></Body></Envelope>`);
    const b = parseSoap(`<e:Envelope xmlns:e="${ENV}" xmlns:d="http://www.onvif.org/ver10/device/wsdl"><e:Body><d:GetDeviceInformationResponse><d:Model>M1</d:Model></d:GetDeviceInformationResponse></e:Body></e:Envelope>`);
    expect(a).toEqual(b);
    expect(a.kind === 'body' && a.name).toBe('GetDeviceInformationResponse');
  });

  it('reads a SOAP 1.1 fault that carries the ONVIF code in faultcode', () => {
    const m = parseSoap('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>ter:ActionNotSupported</faultcode><faultstring>no</faultstring></s:Fault></s:Body></s:Envelope>');
    expect(m).toMatchObject({ kind: 'fault', version: '1.1', fault: { subcode: 'ter:ActionNotSupported', subcodes: ['ActionNotSupported'], reason: 'no' } });
  });

  it('says not-soap for XML that is not an envelope', () => {
    expect(rejection(() => parseSoap('<html><body>404</body></html>'))).toBe('not-soap');
  });
});

describe('WS-UsernameToken', () => {
  it('computes PasswordDigest = Base64(SHA1(nonce + created + password)) (vector also reproduced with openssl)', () => {
    expect(passwordDigest(Buffer.from('LKqI6G/AikKCQrN0zqZFlg==', 'base64'), '2010-09-16T07:50:45Z', 'userpassword')).toBe('tuOSpGlFlIXsozq4HFNeeGeFLEI=');
  });

  it('dates the token with the given (skew-corrected) time and never lets the secret into evidence', () => {
    const t = usernameToken({ user: 'a<b', password: 'p@ss' }, new Date('2030-01-02T03:04:05.678Z'), Buffer.alloc(16, 7));
    expect(t.created).toBe('2030-01-02T03:04:05Z');
    expect(t.xml).toContain('<wsse:Username>a&lt;b</wsse:Username>');
    const shown = redactSecurity(t.xml, ['p@ss']);
    expect(shown).not.toContain(t.digest);
    expect(shown).not.toContain(t.nonce);
    expect(shown).toContain('a&lt;b');
  });
});

// ——— against simulated devices ———

const DEVICES = [
  { name: 'open-cam', personality: 'onvif-open-camera' },
  { name: 'secure-cam', personality: 'onvif-secure-camera' },
  { name: 'ntp-fault-nvr', personality: 'onvif-ntp-fault' },
  { name: 'hostile', personality: 'onvif-hostile' },
];
const CRED = LAB_SECRETS.onvifSecureCamera;

let site: RunningSite;
let anonymous: Result;
let withCreds: Result;
let net: Net;
const dev = (name: string) => site.devices.find((d) => d.name === name)!;
const addr = (name: string) => dev(name).address;
const ops = (r: Result, name: string, filter: Partial<OnvifOperationData> = {}) =>
  r.facts
    .filter((f) => f.type === 'onvif.operation' && f.host === addr(name))
    .map((f) => f.data as unknown as OnvifOperationData)
    .filter((o) => Object.entries(filter).every(([k, v]) => (o as unknown as Record<string, unknown>)[k] === v));

beforeAll(async () => {
  site = await startSite(DEVICES);
  // Short read time-out: the silent hostile port must not slow the file down.
  [anonymous, withCreds] = await Promise.all([
    scanSite(site, { readTimeoutMs: 1000 }),
    scanSite(site, { readTimeoutMs: 1000, params: { onvifCredentials: CRED } }),
  ]);
  net = new Net({ scope: Scope.parse([`127.42.${site.block}.0/24`]), readTimeoutMs: 1000 });
});
afterAll(async () => {
  await net?.close();
  await site?.stop();
});

describe.each([
  { check: 'onvif.unauthenticated', fires: ['open-cam', 'ntp-fault-nvr'], mustNotFire: ['secure-cam', 'hostile'] },
  { check: 'onvif.cleartext', fires: ['open-cam', 'ntp-fault-nvr', 'hostile'], mustNotFire: ['secure-cam'] },
  { check: 'onvif.users-privilege', fires: ['open-cam'], mustNotFire: ['secure-cam', 'ntp-fault-nvr', 'hostile'] },
  { check: 'onvif.ntp-not-configured', fires: ['open-cam'], mustNotFire: ['secure-cam', 'ntp-fault-nvr', 'hostile'] },
  { check: 'time.ntp-not-configured', fires: ['open-cam'], mustNotFire: ['secure-cam', 'ntp-fault-nvr', 'hostile'] },
  { check: 'inventory.onvif-discoverable', fires: ['open-cam', 'ntp-fault-nvr'], mustNotFire: ['secure-cam', 'hostile'] },
])('$check', ({ check, fires, mustNotFire }) => {
  it.each(fires)('fires on %s (with and without site credentials)', (name) => {
    for (const r of [anonymous, withCreds]) {
      const found = findingsOf(r, check, addr(name));
      expect(found.length).toBeGreaterThan(0);
      for (const f of found) {
        expect(f.references.length).toBeGreaterThan(0);
        expect(f.evidence?.received).toBeTruthy();
      }
    }
  });
  it.each(mustNotFire)('does not fire on %s', (name) => {
    expect(findingsOf(anonymous, check, addr(name))).toEqual([]);
    expect(findingsOf(withCreds, check, addr(name))).toEqual([]);
  });
});

describe('ground truth of each ONVIF personality', () => {
  it.each(DEVICES)('$name: findings are exactly the expected checks', ({ name, personality }) => {
    for (const r of [anonymous, withCreds]) {
      const got = [...new Set(r.findings.filter((f) => f.host === addr(name) && f.check !== 'inventory.device').map((f) => f.check))].sort();
      expect(got).toEqual([...PERSONALITIES[personality]!.expected].sort());
    }
  });
});

describe('faults are answers, never verdicts', () => {
  it('records ter:NotAuthorized with HTTP 401 as a fault, and GetSystemDateAndTime alone makes nothing fire', () => {
    const refused = ops(anonymous, 'secure-cam', { auth: 'none', op: 'GetDeviceInformation' })[0]!;
    expect(refused).toMatchObject({ outcome: 'fault', status: 401, fault: { subcode: 'ter:NotAuthorized', subcodes: ['NotAuthorized'] } });
    expect(ops(anonymous, 'secure-cam', { auth: 'none', op: 'GetSystemDateAndTime' })[0]).toMatchObject({ outcome: 'ok' });
    expect(ops(anonymous, 'secure-cam', { auth: 'none', op: 'GetServices' })[0]).toMatchObject({ outcome: 'ok' });
    expect(findingsOf(anonymous, 'onvif.unauthenticated', addr('secure-cam'))).toEqual([]);
  });

  it('reads a fault sent with HTTP 400 as an answer (GetStreamUri with an unknown profile)', async () => {
    const url = `http://${addr('open-cam')}:${dev('open-cam').ports.http}/onvif/media_service`;
    const r = await soapCall(net, addr('open-cam'), url, {
      action: 'http://www.onvif.org/ver10/media/wsdl/GetStreamUri',
      body: '<trt:GetStreamUri><trt:ProfileToken>nope</trt:ProfileToken></trt:GetStreamUri>',
      namespaces: { trt: 'http://www.onvif.org/ver10/media/wsdl' },
    });
    expect(r).toMatchObject({ outcome: 'fault', status: 400, fault: { code: 's:Sender', subcode: 'ter:InvalidArgVal' } });
  });

  it('reads ter:ActionNotSupported (HTTP 500) on GetNTP and GetUsers as not-evaluated', () => {
    expect(ops(anonymous, 'ntp-fault-nvr', { op: 'GetNTP' })[0]).toMatchObject({ outcome: 'fault', status: 500, fault: { subcodes: ['ActionNotSupported'] } });
    for (const check of ['onvif.ntp-not-configured', 'time.ntp-not-configured', 'onvif.users-privilege']) {
      const ne = anonymous.notEvaluated.filter((n) => n.check === check && n.host === addr('ntp-fault-nvr'));
      expect(ne.length, check).toBe(1);
      expect(ne[0]!.reason).toMatch(/ActionNotSupported/);
    }
  });

  it('without credentials, the protected camera leaves users and NTP not evaluated (NotAuthorized), not passed', () => {
    for (const check of ['onvif.users-privilege', 'onvif.ntp-not-configured']) {
      expect(anonymous.notEvaluated.filter((n) => n.check === check && n.host === addr('secure-cam'))[0]?.reason).toMatch(/NotAuthorized/);
    }
  });

  it('with the site credentials, the same checks are evaluated on the protected camera and pass', () => {
    for (const check of ['onvif.users-privilege', 'onvif.ntp-not-configured', 'time.ntp-not-configured']) {
      expect(withCreds.notEvaluated.filter((n) => n.check === check && n.host === addr('secure-cam'))).toEqual([]);
      expect(findingsOf(withCreds, check, addr('secure-cam'))).toEqual([]);
    }
    const users = withCreds.facts.find((f) => f.type === 'onvif.users' && f.host === addr('secure-cam'))!;
    expect(users.data).toMatchObject({ auth: 'digest', users: [{ name: CRED.user, level: 'Administrator' }, { name: 'operator', level: 'Operator' }, { name: 'viewer', level: 'User' }] });
  });
});

describe('the hostile device', () => {
  const expected: Record<string, string> = {
    'onvif-xxe': 'doctype',
    'onvif-billion-laughs': 'doctype',
    'onvif-deep': 'too-deep',
    'onvif-huge': 'too-large',
    'onvif-malformed': 'malformed',
  };
  it.each(Object.entries(expected))('%s: the answer is refused as %s, without a crash', async (service, reason) => {
    const port = dev('hostile').ports[service]!;
    const r = await soapCall(net, addr('hostile'), `http://${addr('hostile')}:${port}/onvif/device_service`, { action: 'http://www.onvif.org/ver10/device/wsdl/GetDeviceInformation', body: '<tds:GetDeviceInformation/>', namespaces: { tds: 'http://www.onvif.org/ver10/device/wsdl' } });
    expect(r).toMatchObject({ outcome: 'invalid', rejected: reason });
    expect((r.evidence.received ?? '').length).toBeLessThan(2000);
  });

  it('a silent answer is a time-out outcome', async () => {
    const port = dev('hostile').ports['onvif-silent']!;
    const r = await soapCall(net, addr('hostile'), `http://${addr('hostile')}:${port}/onvif/device_service`, { action: 'x/GetUsers', body: '<tds:GetUsers/>', timeoutMs: 300 });
    expect(r.outcome).toBe('timeout');
  });

  it('in a full scan: operations recorded as invalid, nothing expanded, protected checks not evaluated', () => {
    const hostileOps = ops(anonymous, 'hostile').filter((o) => o.op === 'GetDeviceInformation');
    expect(hostileOps.length).toBe(6);
    expect(new Set(hostileOps.map((o) => o.outcome))).toEqual(new Set(['invalid', 'timeout']));
    const text = JSON.stringify(anonymous.facts.filter((f) => f.host === addr('hostile')));
    expect(text).not.toMatch(/root:x:0:0|lollollol/);
    const ne = anonymous.notEvaluated.filter((n) => n.check === 'onvif.unauthenticated' && n.host === addr('hostile'));
    expect(ne.length).toBe(6);
    // The silent port stopped its round after two time-outs in a row, and said so.
    expect(anonymous.errors.some((e) => e.host === addr('hostile') && e.scanner === 'onvif' && /in a row/.test(e.message))).toBe(true);
  });
});

describe('identity, streams, credentials', () => {
  it('fills vendor, model, firmware and class from GetDeviceInformation and the services', () => {
    const host = (name: string) => anonymous.hosts.find((h) => h.address === addr(name))!;
    expect(host('open-cam')).toMatchObject({ class: 'camera', vendor: 'Hikvision', model: 'DS-2CD2143G0-I', firmware: 'V5.5.0 build 170725' });
    expect(host('ntp-fault-nvr')).toMatchObject({ class: 'nvr', vendor: 'Dahua', model: 'NVR4216-16P-4KS2' });
    expect(host('open-cam').sources.some((s) => s.field === 'model' && /onvif GetDeviceInformation/.test(s.source))).toBe(true);
    // Only with credentials does the protected camera say who it is.
    expect(withCreds.hosts.find((h) => h.address === addr('secure-cam'))).toMatchObject({ vendor: 'Axis', model: 'P3245-LVE' });
  });

  it('publishes stream URIs for the RTSP scanner', () => {
    const uris = anonymous.facts.filter((f) => f.type === 'onvif.stream-uri' && f.host === addr('open-cam')).map((f) => f.data.uri);
    expect(uris).toEqual([`rtsp://${addr('open-cam')}:554/Streaming/Channels/Profile_1`, `rtsp://${addr('open-cam')}:554/Streaming/Channels/Profile_2`]);
  });

  it('dates the token with the device clock (2 h ahead): accepted only with the skew corrected', async () => {
    const url = `https://${addr('secure-cam')}:${dev('secure-cam').ports.https}/onvif/device_service`;
    const call = (skewMs: number) => soapCall(net, addr('secure-cam'), url, { action: 'http://www.onvif.org/ver10/device/wsdl/GetUsers', body: '<tds:GetUsers/>', namespaces: { tds: 'http://www.onvif.org/ver10/device/wsdl' }, credential: CRED, skewMs });
    const dt = withCreds.facts.find((f) => f.type === 'onvif.datetime' && f.host === addr('secure-cam'))!.data as { skewMs: number };
    expect(Math.abs(dt.skewMs - 2 * 3600 * 1000)).toBeLessThan(5000);
    expect((await call(0)).fault?.subcode).toBe('ter:NotAuthorized');
    expect((await call(dt.skewMs)).outcome).toBe('ok');
  });

  it('the credential protocol: accepted, rejected, unknown — and no secret anywhere in the results', async () => {
    const https = { port: dev('secure-cam').ports.https!, proto: 'tcp' as const, kind: 'https', tls: true };
    const ctx = { net, mode: 'credentials' as const, signal: new AbortController().signal, params: {}, warn: () => undefined };
    expect((await onvifProtocol.attempt(ctx, addr('secure-cam'), https, CRED)).result).toBe('accepted');
    const wrong = await onvifProtocol.attempt(ctx, addr('secure-cam'), https, { user: CRED.user, password: 'not-the-password' });
    expect(wrong.result).toBe('rejected');
    expect(JSON.stringify(wrong)).not.toContain('not-the-password');
    const hostile = { port: dev('hostile').ports['onvif-malformed']!, proto: 'tcp' as const, kind: 'http', tls: false };
    expect((await onvifProtocol.attempt(ctx, addr('hostile'), hostile, CRED)).result).toBe('unknown');
    for (const r of [anonymous, withCreds]) expect(JSON.stringify(r)).not.toContain(CRED.password);
  });
});

describe('passive mode', () => {
  it('stops at the anonymous GetSystemDateAndTime probe: nothing protected is asked, so nothing protected is judged', async () => {
    const passive = await scanSite(site, { mode: 'passive', readTimeoutMs: 1000, params: { onvifCredentials: CRED } });
    expect(new Set(ops(passive, 'open-cam').map((o) => o.op))).toEqual(new Set(['GetSystemDateAndTime']));
    expect(findingsOf(passive, 'onvif.unauthenticated')).toEqual([]);
    expect(passive.notEvaluated.filter((n) => n.check === 'onvif.unauthenticated' && n.host === addr('open-cam'))[0]?.reason).toMatch(/passive/);
    // What the probe itself shows is still reported: plain HTTP, and a hand-set clock.
    expect(findingsOf(passive, 'onvif.cleartext', addr('open-cam')).length).toBe(1);
    expect(findingsOf(passive, 'onvif.ntp-not-configured', addr('open-cam')).length).toBe(1);
  });
});

// ——— checks over hand-made facts: the cases a lab device would not show ———

function view(facts: Omit<Fact, 'host' | 'scanner'>[]): HostView {
  return { address: '192.0.2.1', class: 'camera', services: [], facts: facts.map((f) => ({ host: '192.0.2.1', scanner: 'onvif', ...f })) };
}
const endpoint = { type: 'onvif.endpoint', port: 80, proto: 'tcp' as const, data: { url: 'http://192.0.2.1/onvif/device_service', scheme: 'http', soapVersion: '1.2' } };
const op = (o: Partial<OnvifOperationData>) => ({ type: 'onvif.operation', port: 80, proto: 'tcp' as const, data: { service: 'device', url: 'u', auth: 'none', ms: 1, ...o } });

describe('checks over facts', () => {
  it.each([
    ['one Administrator with a personal name', [{ name: 'jdupont', level: 'Administrator' }, { name: 'viewer', level: 'User' }], 0],
    ['two Administrators', [{ name: 'jdupont', level: 'Administrator' }, { name: 'mmartin', level: 'Administrator' }], 1],
    ['root as Operator (a default name at any level)', [{ name: 'jdupont', level: 'Administrator' }, { name: 'root', level: 'Operator' }], 1],
    ['a viewer with Administrator rights and a second admin', [{ name: 'viewer2', level: 'Administrator' }, { name: 'jdupont', level: 'Administrator' }], 2],
  ])('users-privilege: %s', (_n, users, count) => {
    const out = onvifUsersPrivilege.evaluate(view([endpoint, { type: 'onvif.users', port: 80, proto: 'tcp', data: { users, auth: 'none' } }]), {});
    expect(out.filter((o) => o.kind === 'finding').length).toBe(count);
  });

  it('users-privilege: a GetUsers time-out is not evaluated', () => {
    const out = onvifUsersPrivilege.evaluate(view([endpoint, op({ op: 'GetUsers', outcome: 'timeout', reason: 'UND_ERR_HEADERS_TIMEOUT' })]), {});
    expect(out).toEqual([expect.objectContaining({ kind: 'not-evaluated', reason: expect.stringMatching(/timeout/) })]);
  });

  it.each([
    ['NTP with a server', 'NTP', { fromDHCP: false, servers: [{ type: 'IPv4', address: '10.0.0.1', source: 'manual' }] }, 'pass'],
    ['NTP from DHCP, none received', 'NTP', { fromDHCP: true, servers: [] }, 'fires'],
    ['Manual, even with servers listed', 'Manual', { fromDHCP: false, servers: [{ type: 'DNS', address: 'ntp', source: 'manual' }] }, 'fires'],
    ['NTP, GetNTP faulted', 'NTP', undefined, 'not-evaluated'],
  ])('ntp-not-configured: %s', (_n, type, ntp, expected) => {
    const facts = [endpoint, { type: 'onvif.datetime', port: 80, proto: 'tcp' as const, data: { dateTimeType: type } }];
    if (ntp) facts.push({ type: 'onvif.ntp', port: 80, proto: 'tcp', data: { ...ntp, auth: 'none' } as never });
    else facts.push(op({ op: 'GetNTP', outcome: 'fault', status: 500, fault: { subcode: 'ter:ActionNotSupported', subcodes: ['ActionNotSupported'] } }) as never);
    for (const check of [onvifNtpNotConfigured, timeNtpNotConfigured]) {
      const out = check.evaluate(view(facts), {});
      const got = out.length === 0 ? 'pass' : out[0]!.kind === 'finding' ? 'fires' : 'not-evaluated';
      expect(got, check.meta.id).toBe(expected);
    }
  });

  it('unauthenticated: GetSystemDateAndTime answering while every protected operation times out is not a finding', () => {
    const out = onvifUnauthenticated.evaluate(
      view([endpoint, op({ op: 'GetSystemDateAndTime', outcome: 'ok' }), op({ op: 'GetDeviceInformation', outcome: 'timeout' }), op({ op: 'GetUsers', outcome: 'invalid', reason: 'doctype' })]),
      {},
    );
    expect(out).toEqual([expect.objectContaining({ kind: 'not-evaluated' })]);
  });
});
