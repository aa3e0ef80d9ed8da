/**
 * The shapes of fact data, shared by the scanners that write them and the
 * checks that read them (so that a check never imports a scanner).
 * Fact type names are part of the canonical result: never rename one.
 */

/** `tcp.port`: a TCP connect probe. */
export interface TcpPortData {
  state: 'open' | 'closed' | 'filtered';
  banner?: string;
  bannerBytes?: number;
}

/** `service`: a scanner's identification of what runs on a port. */
export interface ServiceData {
  kind: string;
  tls: boolean;
  via: 'banner' | 'port' | 'probe' | 'none';
}

export interface AuthChallenge {
  scheme: string;
  realm?: string;
  qop?: string;
  algorithm?: string;
}

/** `http.response`: the front page of an HTTP(S) service and its redirect chain. */
export interface HttpResponseData {
  scheme: 'http' | 'https';
  url: string;
  status: number;
  server?: string;
  title?: string;
  auth: AuthChallenge[];
  location?: string;
  /** The first answer is a redirect to an https:// URL. */
  redirectsToHttps: boolean;
  loginForm: boolean;
  chain: { url: string; status: number; location?: string }[];
  final: { url: string; status: number; title?: string; auth: AuthChallenge[]; loginForm: boolean };
  bodyTruncated: boolean;
}

export type PromptKind = 'login' | 'password' | 'shell' | 'none';

/** `telnet.greeting`: what a telnet service says before any login. */
export interface TelnetGreetingData {
  answered: boolean;
  negotiations: string[];
  text: string;
  prompt: PromptKind;
  bytes: number;
}
