/**
 * The reference documents checks cite, in one place so that a citation is
 * written once and verified once. Recommendation numbers are only those read
 * in the source document (see docs/references.md for how each was checked).
 */
import type { Reference } from '../core/model.ts';

const PA072_URL = 'https://cyber.gouv.fr/publications/recommandations-sur-la-securisation-des-systemes-de-controle-dacces-physique-et-de';

export const REF = {
  /** ANSSI-PA-072 R18: disable the unused ports of the supporting networks. */
  pa072R18: { id: 'ANSSI-PA-072 R18', title: 'Désactiver les ports non utilisés des réseaux supports', url: PA072_URL },
  /** ANSSI-PA-072 R25: flows over an uncontrolled network are encrypted and authenticated. */
  pa072R25: { id: 'ANSSI-PA-072 R25', title: 'Chiffrer et authentifier les flux transitant sur un réseau non maîtrisé', url: PA072_URL },
  /** ANSSI-PA-072 R8: user rights according to responsibilities. */
  pa072R8: { id: 'ANSSI-PA-072 R8', title: 'Identifier les types de droits des usagers en fonction de leurs responsabilités', url: PA072_URL },
  iso_5_9: { id: 'ISO/IEC 27001:2022 A.5.9', title: 'Inventory of information and other associated assets' },
  iso_5_17: { id: 'ISO/IEC 27001:2022 A.5.17', title: 'Authentication information' },
  iso_8_5: { id: 'ISO/IEC 27001:2022 A.8.5', title: 'Secure authentication' },
  iso_8_8: { id: 'ISO/IEC 27001:2022 A.8.8', title: 'Management of technical vulnerabilities' },
  iso_8_9: { id: 'ISO/IEC 27001:2022 A.8.9', title: 'Configuration management' },
  iso_8_20: { id: 'ISO/IEC 27001:2022 A.8.20', title: 'Networks security' },
  iso_8_24: { id: 'ISO/IEC 27001:2022 A.8.24', title: 'Use of cryptography' },
  nis2_21_2_g: { id: 'NIS2 Art. 21(2)(g)', title: 'Basic cyber hygiene practices and cybersecurity training' },
  nis2_21_2_e: { id: 'NIS2 Art. 21(2)(e)', title: 'Security in network and information systems acquisition, development and maintenance, including vulnerability handling and disclosure' },
  nis2_21_2_h: { id: 'NIS2 Art. 21(2)(h)', title: 'Policies and procedures regarding the use of cryptography and, where appropriate, encryption' },
  nis2_21_2_i: { id: 'NIS2 Art. 21(2)(i)', title: 'Human resources security, access control policies and asset management' },
  gdpr_32: { id: 'GDPR Art. 32', title: 'Security of processing (images of people are personal data)' },
  mirai: { id: 'Mirai botnet (2016)', title: 'Default credentials of cameras and DVRs used to build the Mirai botnet (US-CERT alert TA16-288A)', url: 'https://www.cisa.gov/news-events/alerts/2016/10/14/heightened-ddos-threat-posed-mirai-and-other-botnets' },
  /** ANSSI's SSH guide, cited by title: its recommendation numbers are not verified here. */
  anssiSsh: { id: "ANSSI DAT-NT-007", title: "Recommandations pour un usage sécurisé d'(Open)SSH", url: 'https://www.ssi.gouv.fr/nt-ssh' },
  /** ANSSI's TLS guide (v1.2, 26 March 2020), cited by title: its recommendation numbers are not verified here. */
  anssiTls: { id: 'ANSSI — Recommandations de sécurité relatives à TLS', title: 'Recommandations de sécurité relatives à TLS (ANSSI guide, v1.2, 2020)' },
  terrapin: { id: 'CVE-2023-48795', title: 'Terrapin: SSH prefix truncation attack (strict key exchange counter-measure)', url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-48795' },
  iso_5_15: { id: 'ISO/IEC 27001:2022 A.5.15', title: 'Access control' },
  iso_5_34: { id: 'ISO/IEC 27001:2022 A.5.34', title: 'Privacy and protection of PII' },
  rfc7826: { id: 'RFC 7826', title: 'Real-Time Streaming Protocol Version 2.0 (rtsps: RTSP over TLS)', url: 'https://www.rfc-editor.org/rfc/rfc7826' },
  rfc7617: { id: 'RFC 7617', title: "The 'Basic' HTTP Authentication Scheme (credentials only Base64-encoded)", url: 'https://www.rfc-editor.org/rfc/rfc7617' },
  rfc5630: { id: 'RFC 5630', title: 'The Use of the SIPS URI Scheme in the Session Initiation Protocol (SIP)', url: 'https://www.rfc-editor.org/rfc/rfc5630' },
  callStranger: { id: 'CVE-2020-12695', title: 'CallStranger: UPnP SUBSCRIBE callback abuse (data exfiltration, reflected traffic)', url: 'https://nvd.nist.gov/vuln/detail/CVE-2020-12695' },
  iso_5_18: { id: 'ISO/IEC 27001:2022 A.5.18', title: 'Access rights' },
  iso_8_2: { id: 'ISO/IEC 27001:2022 A.8.2', title: 'Privileged access rights' },
  iso_8_17: { id: 'ISO/IEC 27001:2022 A.8.17', title: 'Clock synchronization' },
  /** ANSSI's logging guide, cited by title (it asks for a common, synchronised time source): no recommendation number. */
  anssiLogging: { id: 'ANSSI — Recommandations de sécurité pour la mise en œuvre d’un système de journalisation', title: 'Recommandations de sécurité pour la mise en œuvre d’un système de journalisation (ANSSI guide)' },
  /** ONVIF Core Specification: WS-UsernameToken, access classes (PRE_AUTH …), discovery modes. Cited without a section number. */
  onvifCore: { id: 'ONVIF Core Specification', title: 'ONVIF Core Specification: user authentication (WS-UsernameToken), access classes of operations, discovery mode', url: 'https://www.onvif.org/profiles/specifications/' },
  rfc3416: { id: 'RFC 3416 §4.2.5', title: 'Version 2 of the Protocol Operations for SNMP: the SetRequest-PDU (access is checked before the value type)', url: 'https://www.rfc-editor.org/rfc/rfc3416#section-4.2.5' },
  rfc3414: { id: 'RFC 3414', title: 'User-based Security Model (USM) for SNMPv3', url: 'https://www.rfc-editor.org/rfc/rfc3414' },
  rfc3826: { id: 'RFC 3826', title: 'The Advanced Encryption Standard (AES) Cipher Algorithm in the SNMP User-based Security Model', url: 'https://www.rfc-editor.org/rfc/rfc3826' },
} as const satisfies Record<string, Reference>;
