/** Small, valid results built by hand, for store and diff tests that need no network. */
import { Result as ResultSchema, type Result, type Severity } from '../src/core/model.ts';

export interface FakeHost {
  address: string;
  name?: string;
  firmware?: string;
  model?: string;
  serial?: string;
  incomplete?: boolean;
}

export interface FakeFinding {
  check: string;
  host: string;
  port?: number;
  severity: Severity;
  status?: 'open' | 'waived';
  key?: string;
}

export function fakeResult(o: { id: string; started: string; hosts: FakeHost[]; findings?: FakeFinding[]; marker?: string }): Result {
  const result: Result = {
    schema: 'vigie.result/1',
    scan: {
      id: o.id,
      started: o.started,
      finished: new Date(Date.parse(o.started) + 60_000).toISOString(),
      vigieVersion: '0.0.0-test',
      mode: 'safe',
      profile: 'anssi-base',
      scope: { include: ['192.0.2.0/24'], exclude: [] },
      targets: o.hosts.map((h) => h.address),
      ports: [23],
      partial: false,
      timings: {},
      stats: { targets: o.hosts.length, hostsReported: o.hosts.length, connections: 0 },
      limits: { perHost: 2, global: 64 },
    },
    hosts: o.hosts.map((h) => ({
      address: h.address,
      // The marker lets a test find this result's bytes in the database file.
      ...(h.name || o.marker ? { name: h.name ?? o.marker } : {}),
      class: 'camera',
      vendor: 'Axis',
      ...(h.model ? { model: h.model } : {}),
      ...(h.firmware ? { firmware: h.firmware } : {}),
      sources: [],
      services: [],
      ...(h.incomplete ? { incomplete: true } : {}),
    })),
    facts: o.hosts.filter((h) => h.serial).map((h) => ({ type: 'device.identity', host: h.address, scanner: 'onvif', data: { serialNumber: h.serial } })),
    findings: (o.findings ?? []).map((f) => ({
      check: f.check,
      host: f.host,
      ...(f.port !== undefined ? { port: f.port, proto: 'tcp' as const } : {}),
      severity: f.severity,
      title: { en: `${f.check} title`, fr: `titre ${f.check}` },
      ...(f.key ? { key: f.key } : {}),
      references: [],
      remediation: { en: 'fix it', fr: 'corriger' },
      status: f.status ?? 'open',
    })),
    notEvaluated: [],
    errors: [],
  };
  return ResultSchema.parse(result);
}
