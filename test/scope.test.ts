import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandTargets, outOfScope, parseRange, Scope, formatIpv4 } from '../src/core/scope.ts';
import { UsageError } from '../src/core/errors.ts';

const addrs = (specs: string[], exclude: string[] = []) => expandTargets(specs, { exclude }).targets.map((t) => t.address);

describe('target parsing', () => {
  it.each([
    ['127.42.0.5', ['127.42.0.5']],
    ['127.42.0.1-3', ['127.42.0.1', '127.42.0.2', '127.42.0.3']],
    ['127.42.0.254-127.42.1.1', ['127.42.0.254', '127.42.0.255', '127.42.1.0', '127.42.1.1']],
    ['127.42.0.0/30', ['127.42.0.1', '127.42.0.2']],
    ['127.42.0.4/31', ['127.42.0.4', '127.42.0.5']],
    ['127.42.0.9/32', ['127.42.0.9']],
  ])('%s', (spec, expected) => {
    expect(addrs([spec])).toEqual(expected);
  });

  it('de-duplicates and sorts numerically', () => {
    expect(addrs(['127.42.0.10', '127.42.0.9', '127.42.0.9-10'])).toEqual(['127.42.0.9', '127.42.0.10']);
  });

  it('applies --exclude and counts what it removed', () => {
    const set = expandTargets(['127.42.0.1-5'], { exclude: ['127.42.0.2', '127.42.0.4-5'] });
    expect(set.targets.map((t) => t.address)).toEqual(['127.42.0.1', '127.42.0.3']);
    expect(set.excluded).toBe(3);
  });

  it.each([
    ['300.1.1.1', /not an address/],
    ['127.42.0.1/33', /not a valid CIDR/],
    ['127.42.0.1/24', /not aligned.*127\.42\.0\.0\/24/],
    ['127.42.0.9-3', /must not precede/],
    ['camera.local', /host names are not resolved/],
    ['::1', /IPv6/],
    ['010.0.0.1', /not an address/],
  ])('refuses %s with a clear message', (spec, message) => {
    expect(() => parseRange(spec)).toThrow(UsageError);
    expect(() => parseRange(spec)).toThrow(message);
  });

  it('caps the number of targets', () => {
    expect(() => expandTargets(['10.0.0.0/8'])).toThrow(/more than 65536/);
    expect(expandTargets(['127.42.0.0/24'], { maxTargets: 300 }).targets).toHaveLength(254);
  });

  it('formats back what it parses', () => {
    const r = parseRange('127.42.1.200');
    expect(formatIpv4(r.first)).toBe('127.42.1.200');
  });
});

describe('inventory files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-inv-'));

  it('reads CSV with a header, names and expected classes', () => {
    const path = join(dir, 'site.csv');
    writeFileSync(path, 'address,name,class\n# comment\n127.42.0.10,cam-1,camera\n127.42.0.11,nvr-1,NVR\n');
    const set = expandTargets([path]);
    expect(set.targets).toEqual([
      { address: '127.42.0.10', name: 'cam-1', expectedClass: 'camera' },
      { address: '127.42.0.11', name: 'nvr-1', expectedClass: 'nvr' },
    ]);
  });

  it('reads YAML (a devices: list)', () => {
    const path = join(dir, 'site.yaml');
    writeFileSync(path, 'devices:\n  - { address: 127.42.0.20, name: door-1, class: access-controller }\n  - 127.42.0.21\n');
    expect(expandTargets([path]).targets).toEqual([
      { address: '127.42.0.20', name: 'door-1', expectedClass: 'access-controller' },
      { address: '127.42.0.21' },
    ]);
  });

  it('names the line of a bad CSV row', () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'address,name\n127.42.0.1,ok\nnot-an-ip,bad\n');
    expect(() => expandTargets([path])).toThrow(/bad\.csv:3: not an IPv4 address/);
  });

  it('refuses an unknown class', () => {
    const path = join(dir, 'cls.csv');
    writeFileSync(path, '127.42.0.1,x,toaster\n');
    expect(() => expandTargets([path])).toThrow(/unknown device class "toaster"/);
  });

  it('says when the file cannot be read', () => {
    expect(() => expandTargets([join(dir, 'missing.csv')])).toThrow(/cannot read inventory file .*ENOENT/);
  });
});

describe('scope', () => {
  it('allows what is included and not excluded', () => {
    const scope = Scope.parse(['127.42.0.0/24'], ['127.42.0.7']);
    expect(scope.allows('127.42.0.6')).toBe(true);
    expect(scope.allows('127.42.0.7')).toBe(false);
    expect(scope.allows('127.42.1.6')).toBe(false);
    expect(scope.allows('not-an-address')).toBe(false);
  });

  it('lists targets outside the scope', () => {
    const set = expandTargets(['127.42.0.250-127.42.1.2']);
    expect(outOfScope(set.targets, Scope.parse(['127.42.0.0/24']))).toEqual(['127.42.1.0', '127.42.1.1', '127.42.1.2']);
  });
});
