// A small RFC 4180 CSV reader (no CSV library is installed): quoted fields with doubled quotes
// and embedded separators or line breaks, CRLF / LF / CR line ends, a UTF-8 BOM, blank lines
// skipped, and the separator auto-detected between ',' and ';' (European exports use ';').
import { fail, ok, type Result } from '../../core/result.ts';

/** A parsed table: the header row and the data rows (cells as text, rows may differ in length). */
export interface CsvTable {
  header: string[];
  rows: string[][];
  separator: string;
}

/** Picks ',' or ';' by which occurs more often outside quotes in the first line (ties: ','). */
export function detectSeparator(text: string): ',' | ';' {
  let commas = 0;
  let semis = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (commas + semis > 0) break;
    } else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semis++;
  }
  return semis > commas ? ';' : ',';
}

/** Splits CSV text into records of fields; blank lines are skipped. */
export function parseCsvRecords(text: string, separator: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false; // distinguishes a blank line from a line with one empty field
  const endRecord = () => {
    if (fieldStarted || record.length > 0) {
      record.push(field);
      records.push(record);
    }
    record = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') {
      quoted = true;
      fieldStarted = true;
    } else if (c === separator) {
      record.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  endRecord();
  return records;
}

/** Parses a CSV with a header row; an empty text or one without a header is a failure value. */
export function parseCsv(text: string, separator?: string): Result<CsvTable> {
  const sep = separator ?? detectSeparator(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (sep.length !== 1 || sep === '"' || sep === '\n' || sep === '\r') return fail(`separator must be one character other than a quote or line break, got ${JSON.stringify(sep)}`);
  const records = parseCsvRecords(text, sep);
  const [header, ...rows] = records;
  if (!header) return fail('the file is empty (no header row)');
  return ok({ header: header.map((h) => h.trim()), rows, separator: sep });
}

/** Quotes a field for output when it holds a separator, quote or line break. */
export function csvField(value: string, separator = ','): string {
  return /["\r\n]/.test(value) || value.includes(separator) ? `"${value.replaceAll('"', '""')}"` : value;
}
