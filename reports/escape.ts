/**
 * The one escape function of the HTML report, and a tagged template that
 * applies it to every interpolated value. Devices are hostile: a banner or a
 * model name may hold `<script>`, quotes, control bytes or bidi overrides.
 * Only fragments built by `html` itself pass through unescaped.
 */

/** Escape text for HTML content and quoted attribute values (also inside SVG). */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Markup produced by `html`: already escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function render(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(v);
}

/** `html\`<p>${value}</p>\``: every value is escaped unless it is itself `html` output. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Markup written by vigie's own code that holds no outside value (inline style/script text). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
