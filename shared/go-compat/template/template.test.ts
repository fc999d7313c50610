import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateExecError, TemplateParseError } from './errors.js';
import { checkTemplateSyntax, parseTemplate, runTemplate, templateDataFrom } from './index.js';

const CANARY = 'Canary-91ab2c-DoNotLeak';
const data = templateDataFrom({
  user: new Uint8Array(Buffer.from('admin')),
  json: new Uint8Array(Buffer.from('{"a":{"b":"c"},"l":[1,2]}')),
});
const run = (t: string) => Buffer.from(runTemplate(t, data), 'latin1').toString('utf8');

describe('template grammar: accepted constructs', () => {
  it.each<[string, string, string]>([
    ['text only', 'plain', 'plain'],
    ['a field', '{{.user}}', 'admin'],
    ['spaces and newlines inside actions', '{{\n  .user\n}}', 'admin'],
    ['a pipeline', '{{ .user | upper | printf "%s!" }}', 'ADMIN!'],
    ['a parenthesised argument', '{{ printf "%s-%s" (.user | upper) .user }}', 'ADMIN-admin'],
    ['a chain on a parenthesised value', '{{ (fromJson .json).a.b }}', 'c'],
    ['a variable with a field chain', '{{ $j := fromJson .json }}{{ $j.a.b }}', 'c'],
    ['the root variable', '{{ range $x := list 1 }}{{ $.user }}{{ end }}', 'admin'],
    ['assignment', '{{ $v := 1 }}{{ $v = 2 }}{{ $v }}', '2'],
    ['if / else', '{{ if .user }}y{{ else }}n{{ end }}', 'y'],
    ['else if chains', '{{ if eq .user "x" }}x{{ else if eq .user "admin" }}a{{ else }}z{{ end }}', 'a'],
    ['with / else with', '{{ with "" }}no{{ else with .user }}{{ . }}{{ end }}', 'admin'],
    [
      'range with index and element',
      '{{ range $i, $e := (fromJson .json).l }}{{ $i }}={{ $e }} {{ end }}',
      '0=1 1=2 ',
    ],
    ['range with else', '{{ range list }}x{{ else }}empty{{ end }}', 'empty'],
    [
      'break and continue',
      '{{ range $i := list 1 2 3 4 }}{{ if eq $i 2 }}{{ continue }}{{ end }}{{ if eq $i 4 }}{{ break }}{{ end }}{{ $i }}{{ end }}',
      '13',
    ],
    ['comments with trim markers', 'a {{- /* note */ -}} b', 'ab'],
    ['trim markers', 'a  {{- .user -}}  b', 'aadminb'],
    ['a dash without a space is a number', '{{-3}}', '-3'],
    ['raw strings', '{{ `a\\nb` }}', 'a\\nb'],
    ['escapes in strings', '{{ "\\t\\x41\\u00e9" }}', '\tAé'],
    ['character constants', "{{ 'a' }}", '97'],
    ['hex, octal and float literals', '{{ 0x10 }} {{ 010 }} {{ 1.5 }} {{ 1e3 }}', '16 8 1.5 1000'],
    ['nil in comparisons', '{{ eq nil nil }}', 'true'],
    ['and/or returning operands', '{{ or "" "x" }}{{ and "y" "" }}', 'x'],
  ])('should accept %s', (_name, template, expected) => {
    expect(checkTemplateSyntax(template)).toBeUndefined();
    expect(run(template)).toBe(expected);
  });
});

describe('template grammar: rejected text, with its position', () => {
  it.each<[string, string, string]>([
    ['an unclosed action', 'ab\n{{ .user', '2:1: unclosed action'],
    ['a missing end', '{{ if .user }}x', 'missing {{end}}'],
    ['a stray end', 'x{{ end }}', '1:5: unexpected {{end}}'],
    ['a stray else', '{{ else }}', 'unexpected {{else}}'],
    ['an unknown function', '{{ .user | nosuch }}', '1:12: function nosuch not defined'],
    ['an undefined variable', '{{ $x }}', 'undefined variable $x'],
    ['an empty action', '{{ }}', 'missing value for command'],
    ['a literal after a pipe', '{{ .user | "x" }}', 'non executable command in pipeline stage 2'],
    ['an unterminated string', '{{ "abc }}', 'unterminated quoted string'],
    ['an unclosed comment', '{{/* x }}', 'unclosed comment'],
    ['a comment not ending at the delimiter', '{{/* x */ .a }}', 'comment ends before closing delimiter'],
    ['a bad number', '{{ 12ab }}', 'bad number syntax'],
    ['break outside range', '{{ break }}', '{{break}} outside {{range}}'],
    ['define', '{{ define "x" }}{{ end }}', '{{define}} is not supported'],
    ['template', '{{ template "x" }}', '{{template}} is not supported'],
    ['an unmatched paren', '{{ (.user }}', 'unclosed left paren'],
    ['an extra paren', '{{ .user) }}', 'unexpected right paren'],
    ['a field after a literal', '{{ "a".b }}', 'unexpected . after term'],
    ['= without a declared variable', '{{ $y = 1 }}', 'undefined variable $y'],
    ['a bad escape', '{{ "\\q" }}', 'invalid escape in string'],
  ])('should reject %s', (_name, template, message) => {
    expect(() => parseTemplate(template)).toThrow(TemplateParseError);
    expect(checkTemplateSyntax(template)).toContain(message);
  });
});

describe('template execution errors', () => {
  it.each<[string, string]>([
    ['{{ .missing }}', 'map has no entry for key "missing"'],
    ['{{ .user.x }}', "can't evaluate field x in type string"],
    ['{{ (fromJson "null").x }}', 'nil data; no entry for key "x"'],
    ['{{ upper 3 }}', 'expected string; found a number'],
    ['{{ index (fromJson .json).l 5 }}', 'error calling index: index out of range: 5'],
    ['{{ .user 1 }}', 'user is not a method but has arguments'],
    ['{{ "a" | upper | len | upper }}', 'wrong type for value; expected string; got int'],
    ['{{ lt 1 "a" }}', 'incompatible types for comparison'],
    ['{{ range .user }}{{ end }}', "range can't iterate over string"],
    ['{{ nil }}', 'nil is not a command'],
    ['{{ b64enc }}', 'wrong number of args for b64enc: want 1 got 0'],
  ])('%s should fail with %s', (template, message) => {
    expect(() => run(template)).toThrow(TemplateExecError);
    try {
      run(template);
    } catch (e) {
      expect((e as Error).message).toContain(message);
    }
  });

  it('should stop a template that writes more than the 1 MiB output budget', () => {
    const big = templateDataFrom({ big: new Uint8Array(64 * 1024).fill(97) });
    expect(() => runTemplate('{{ range 17 }}{{ $.big }}{{ end }}', big)).toThrow('output size budget');
    expect(runTemplate('{{ range 16 }}{{ $.big }}{{ end }}', big).length).toBe(1024 * 1024);
  });

  it('should never quote string literals or values in its errors', () => {
    const secretData = templateDataFrom({ s: new Uint8Array(Buffer.from(CANARY)) });
    const templates = [
      `{{ "${CANARY}" | nosuch }}`,
      `{{ "${CANARY}" 1 }}`,
      `{{ index "${CANARY}" 99 }}`,
      `{{ upper (list "${CANARY}") }}`,
      '{{ .s.field }}',
      '{{ index .s 999 }}',
      '{{ .s | fromJson | upper }}',
      '{{ lt .s 1 }}',
      `{{ if "${CANARY}" }}`,
      `{{ "${CANARY}`,
      `{{ \`${CANARY}`,
      `{{ printf "%s" "${CANARY}" | .s }}`,
    ];
    for (const t of templates) {
      let message = '';
      try {
        runTemplate(t, secretData);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, t).not.toBe('');
      expect(message, t).not.toContain(CANARY.slice(0, 12));
    }
  });
});

describe('template properties', () => {
  it('should copy text without actions unchanged', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!s.includes('{{'));
        expect(run(s)).toBe(s);
      }),
    );
  });

  it('should pass any bytes through {{ .v }} and b64enc | b64dec unchanged', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const d = templateDataFrom({ v: bytes });
        expect(Buffer.from(runTemplate('{{ .v }}', d), 'latin1').equals(Buffer.from(bytes))).toBe(true);
        expect(
          Buffer.from(runTemplate('{{ .v | b64enc | b64dec }}', d), 'latin1').equals(Buffer.from(bytes)),
        ).toBe(true);
      }),
    );
  });

  it('should round-trip text through toJson | fromJson', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!/[\ud800-\udfff]/.test(s));
        const d = templateDataFrom({ v: new Uint8Array(Buffer.from(s)) });
        expect(Buffer.from(runTemplate('{{ .v | toJson | fromJson }}', d), 'latin1').toString('utf8')).toBe(
          s,
        );
      }),
    );
  });
});
