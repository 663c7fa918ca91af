/** Reading the CSV JITspace exports (RFC 4180: fields in double quotes where they hold a
 * comma, a quote or a line break, a quote doubled inside them; lines end in CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const lines: string[][] = [];
  let line: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      line.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      line.push(field);
      lines.push(line);
      line = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || line.length > 0) {
    line.push(field);
    lines.push(line);
  }
  return lines;
}
