/** What the firmware checks share: the device's firmware with the observation that reported it. */
import type { Evidence } from '../../core/model.ts';
import type { HostView } from '../types.ts';

/** Evidence naming where vendor, model and firmware came from (ONVIF GetDeviceInformation, SNMP sysDescr, a page title …). */
export function identityEvidence(host: HostView): { evidence?: Evidence } {
  const said = (host.sources ?? []).filter((s) => s.field === 'firmware' || s.field === 'model' || s.field === 'vendor');
  if (!said.length) return {};
  const lines = [...new Set(said.map((s) => `${s.field} ${s.value} (${s.source})`))];
  return { evidence: { note: lines.join('; ').slice(0, 600) } };
}

/** "Hikvision DS-2CD2032-I V5.2.0 build 140721" with what is known. */
export function deviceLabel(host: HostView): string {
  return [host.vendor, host.model, host.firmware].filter(Boolean).join(' ');
}
