/**
 * Interop: GStreamer's RTSP server (gst-rtsp-server 1.22, through python3-gi)
 * on 127.43.13.2:554 with two mounts, both paths of profiles/rtsp-paths.yaml:
 *
 *   /Streaming/Channels/101  Digest only (GstRTSPAuth), one account whose
 *                            password is a dictionary default (admin / generic-1)
 *                            → described without credentials: 401, so not open;
 *                              cred.default-accepted in mode credentials;
 *   /live                    open to the anonymous role → rtsp.unauthenticated-stream.
 *
 * The protected mount comes first in the dictionary's order, so the scan must
 * not take one 401 for the whole server. The stream is a 160×120 test pattern,
 * JPEG at 2 frames per second (videotestsrc, jpegenc, rtpjpegpay): little CPU.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackages, startDaemon, stopAll, waitForPort } from './support.ts';
import { runScan } from '../../src/engine/engine.ts';
import { loadProfile } from '../../src/core/profile.ts';
import { Scope } from '../../src/core/scope.ts';
import type { Result } from '../../src/core/model.ts';
import type { CredentialSummaryData, RtspDescribeData, RtspOptionsData } from '../../src/core/facts.ts';

const PYTHON = '/usr/bin/python3'; // Debian's: python3-gi is installed for it, not for any other python on PATH
const MULTIARCH = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
const ADDRESS = '127.43.13.2';
const PORT = 554;
const PROTECTED = '/Streaming/Channels/101';
const OPEN = '/live';
// The one account of the Digest mount: a Mirai-list default (generic-1).
const USER = 'admin';
const PASSWORD = 'admin';

const SERVER_SCRIPT = String.raw`
import sys, gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtsp, GstRtspServer, GLib

Gst.init(None)
address, port, open_path, protected_path, user, password = sys.argv[1:7]
# rtpjpegpay takes 4:2:0 JPEG only, hence format=I420.
LAUNCH = '( videotestsrc is-live=true ! video/x-raw,format=I420,width=160,height=120,framerate=2/1 ! jpegenc quality=30 ! rtpjpegpay name=pay0 pt=26 )'

def token(role):
    t = GstRtspServer.RTSPToken()
    t.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, role)
    return t

auth = GstRtspServer.RTSPAuth()
auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
auth.set_default_token(token('anonymous'))  # requests without credentials
auth.add_digest(user, password, token('viewer'))

def factory(anonymous_may_play):
    f = GstRtspServer.RTSPMediaFactory()
    f.set_launch(LAUNCH)
    f.set_shared(True)
    perms = GstRtspServer.RTSPPermissions()
    for role, construct in (('anonymous', anonymous_may_play), ('viewer', True)):
        # ACCESS without CONSTRUCT: the mount exists for the role, which is asked to authenticate (401).
        perms.add_permission_for_role(role, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        perms.add_permission_for_role(role, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, construct)
    f.set_permissions(perms)
    return f

server = GstRtspServer.RTSPServer()
server.set_address(address)
server.set_service(port)
server.set_auth(auth)
mounts = server.get_mount_points()
mounts.add_factory(open_path, factory(True))
mounts.add_factory(protected_path, factory(False))
if server.attach(None) == 0:
    sys.exit('gst-rtsp-server: cannot listen on %s:%s' % (address, port))
print('listening', flush=True)
GLib.MainLoop().run()
`;

let dir: string;
let result: Result;

beforeAll(async () => {
  ensurePackages({
    'python3-gi': '/usr/lib/python3/dist-packages/gi/__init__.py',
    'gir1.2-gst-rtsp-server-1.0': `/usr/lib/${MULTIARCH}/girepository-1.0/GstRtspServer-1.0.typelib`,
    'gstreamer1.0-plugins-base': `/usr/lib/${MULTIARCH}/gstreamer-1.0/libgstvideotestsrc.so`,
    'gstreamer1.0-plugins-good': `/usr/lib/${MULTIARCH}/gstreamer-1.0/libgstrtp.so`,
  });
  dir = mkdtempSync(join(tmpdir(), 'vigie-rtsp-'));
  const script = join(dir, 'rtsp-server.py');
  writeFileSync(script, SERVER_SCRIPT);
  const daemon = startDaemon(PYTHON, [script, ADDRESS, String(PORT), OPEN, PROTECTED, USER, PASSWORD], { env: { GST_DEBUG: '1' } });
  let stderr = '';
  daemon.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  await waitForPort(ADDRESS, PORT, 20_000).catch((err: Error) => {
    throw new Error(`${err.message}; the RTSP server said: ${stderr.trim() || '(nothing)'}`);
  });
  result = await runScan({
    targets: [{ address: ADDRESS }],
    specs: [ADDRESS],
    scope: Scope.parse(['127.43.13.0/24']),
    profile: loadProfile('anssi-base'),
    mode: 'credentials',
    ports: [PORT],
  });
});

afterAll(async () => {
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = (path: string) => `rtsp://${ADDRESS}:${PORT}${path}`;
const describes = () => result.facts.filter((f) => f.host === ADDRESS && f.type === 'rtsp.describe').map((f) => f.data as unknown as RtspDescribeData);
const checks = () => [...new Set(result.findings.filter((f) => f.host === ADDRESS && f.check !== 'inventory.device').map((f) => f.check))].sort();

describe('gst-rtsp-server with an open and a Digest-protected mount', () => {
  it('is read without errors', () => {
    expect(result.errors).toEqual([]);
    const options = result.facts.find((f) => f.host === ADDRESS && f.type === 'rtsp.options')!.data as unknown as RtspOptionsData;
    expect(options).toMatchObject({ status: 200, server: 'GStreamer RTSP server', public: expect.arrayContaining(['OPTIONS', 'DESCRIBE']) });
  });

  it('the protected mount answers 401 with a Digest challenge (no qop: the RFC 2069 form)', () => {
    const prot = describes().find((d) => d.url === url(PROTECTED));
    expect(prot).toMatchObject({ status: 401, sdp: false, auth: [{ scheme: 'digest', realm: 'GStreamer RTSP Server', nonce: true }] });
    expect(prot!.auth[0]!.qop).toBeUndefined();
  });

  it('the open mount is found after the 401 and gives a real session description', () => {
    const open = describes().find((d) => d.url === url(OPEN));
    expect(open).toMatchObject({ status: 200, sdp: true, media: ['video'] });
    // The dictionary paths this server does not have: 404, like every unknown mount.
    expect(describes().filter((d) => d.url !== url(OPEN) && d.url !== url(PROTECTED)).every((d) => d.status === 404)).toBe(true);
  });

  it('open mount → rtsp.unauthenticated-stream naming it; protected mount → not named; its default password proven', () => {
    expect(checks()).toEqual(['cred.default-accepted', 'rtsp.cleartext', 'rtsp.unauthenticated-stream']);
    const f = result.findings.find((x) => x.host === ADDRESS && x.check === 'rtsp.unauthenticated-stream')!;
    expect(f.detail).toContain(`DESCRIBE ${url(OPEN)} answered 200`);
    expect(f.detail).not.toContain(PROTECTED);
  });

  it('the credential engine logs in on the protected mount with Digest, confirmed by a refused wrong password', () => {
    const accepted = result.facts.filter((f) => f.host === ADDRESS && f.type === 'credential.accepted');
    expect(accepted.map((f) => f.data)).toEqual([expect.objectContaining({ protocol: 'rtsp', user: USER, entry: 'generic-1', where: url(PROTECTED), confirmed: true })]);
    const summary = result.facts.find((f) => f.host === ADDRESS && f.type === 'credential.summary')!.data as unknown as CredentialSummaryData;
    expect(summary.tried.map((t) => `${t.entry}:${t.result}`)).toEqual(['generic-1:accepted']);
    expect(result.findings.find((x) => x.host === ADDRESS && x.check === 'cred.default-accepted')?.detail).toMatch(/^rtsp: user "admin" accepted with default credential generic-1/);
  });
});
