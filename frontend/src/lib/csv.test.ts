import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';

describe('CSV', () => {
  it('reads plain fields, line by line, whatever the line ending', () => {
    expect(parseCsv('a,b\r\nc,d\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\nc,')).toEqual([
      ['a', 'b'],
      ['c', ''],
    ]);
  });

  it('keeps commas, quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('ref,reasons\r\nNL-1,"US-02: used ""here"", then\nthere"\r\n')).toEqual([
      ['ref', 'reasons'],
      ['NL-1', 'US-02: used "here", then\nthere'],
    ]);
  });

  it('reads nothing from nothing', () => {
    expect(parseCsv('')).toEqual([]);
  });
});
