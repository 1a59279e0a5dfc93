// A small CSV line codec (RFC 4180 quoting within one line): enough for recorded telemetry, where
// every record is one line of numbers. Quoted fields spanning several lines are not supported.

/** Splits one CSV line into fields; `"` quotes a field and `""` inside quotes is a literal quote. Never throws. */
export function parseCsvLine(line: string, separator = ','): string[] {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (line.startsWith(separator, i)) {
      fields.push(field);
      field = '';
      i += separator.length;
    } else {
      field += c;
      i++;
    }
  }
  // A trailing CR of a CRLF file belongs to the line ending, not the last field.
  fields.push(!quoted && field.endsWith('\r') ? field.slice(0, -1) : field);
  return fields;
}

/** Formats fields as one CSV line, quoting only fields that need it. */
export function formatCsvLine(fields: readonly string[], separator = ','): string {
  return fields
    .map((f) => (f.includes('"') || f.includes(separator) || f.includes('\n') || f.includes('\r') || f.startsWith(' ') || f.endsWith(' ') ? `"${f.replaceAll('"', '""')}"` : f))
    .join(separator);
}

/** Parses a number cell; null for empty or non-numeric text (so a bad row can be counted, not thrown). */
export function parseNumberCell(cell: string): number | null {
  const t = cell.trim();
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/**
 * Shortest decimal text that reads back to the same float32 (7–9 significant digits; IEEE 754
 * single needs at most 9), so a recorded sample equals what the binary frame carries.
 */
export function formatFloat32(v: number): string {
  const f = Math.fround(v);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  if (!Number.isFinite(f)) return String(f);
  for (let p = 6; p < 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}
