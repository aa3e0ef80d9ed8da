/** What the RTSP checks read of one host: its RTSP services and their OPTIONS and DESCRIBE facts. */
import type { Fact, Service } from '../../core/model.ts';
import type { RtspDescribeData, RtspOptionsData } from '../../core/facts.ts';
import { factsOf, type HostView } from '../types.ts';

export interface RtspServiceView {
  service: Service;
  tls: boolean;
  options?: { fact: Fact; data: RtspOptionsData };
  describes: { fact: Fact; data: RtspDescribeData }[];
}

export function rtspServices(host: HostView): RtspServiceView[] {
  return host.services
    .filter((s) => s.proto === 'tcp' && (s.kind === 'rtsp' || s.kind === 'rtsps'))
    .map((service) => {
      const options = factsOf(host, 'rtsp.options', service.port)[0];
      const view: RtspServiceView = {
        service,
        tls: service.tls || service.kind === 'rtsps',
        describes: factsOf(host, 'rtsp.describe', service.port).map((fact) => ({ fact, data: fact.data as unknown as RtspDescribeData })),
      };
      if (options) view.options = { fact: options, data: options.data as unknown as RtspOptionsData };
      return view;
    });
}

/** "404 ×5, 200 without SDP ×3": what the DESCRIBEs got, for not-evaluated reasons. */
export function answersSummary(describes: RtspServiceView['describes']): string {
  const counts = new Map<string, number>();
  for (const { data } of describes) {
    const label = data.status === 200 && !data.sdp ? '200 without SDP' : String(data.status);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}
