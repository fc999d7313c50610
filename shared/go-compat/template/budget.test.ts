import { describe, expect, it } from 'vitest';
import { TEMPLATE_LIMITS, TemplateBudget } from './budget.js';
import { TemplateExecError } from './errors.js';
import { runTemplate, templateDataFrom } from './index.js';

const CANARY = 'Canary-5e1f-DoNotLeak';
const data = templateDataFrom({
  user: new Uint8Array(Buffer.from('admin')),
  secret: new Uint8Array(Buffer.from(CANARY)),
  json: new Uint8Array(Buffer.from('{"hosts":["a","b"],"port":5432}')),
});

/** Runs `template` and returns the budget error it must end with. */
function budgetError(template: string, budget = new TemplateBudget()): TemplateExecError {
  try {
    runTemplate(template, data, budget);
  } catch (e) {
    if (e instanceof TemplateExecError && e.budget) return e;
    throw e;
  }
  throw new Error('the template finished within its budget');
}

describe('template execution budget', () => {
  it('should leave a normal template unaffected', () => {
    const budget = new TemplateBudget();
    const out = runTemplate(
      '{{ $j := .json | fromJson }}{{ range $i, $h := $j.hosts }}{{ $i }}={{ $h | upper }};{{ end }}' +
        '{{ printf "%s:%v" .user $j.port | b64enc | b64dec }}{{ repeat 3 "-" }}{{ indent 2 "x" }}',
      data,
      budget,
    );
    expect(out).toBe('0=A;1=B;admin:5432---  x');
    expect(budget.steps).toBeLessThan(100);
  });

  it('should stop nested ranges when the step budget runs out, after exactly that many steps', () => {
    const budget = new TemplateBudget();
    const e = budgetError('{{ range 20000 }}{{ range 20000 }}{{ end }}{{ end }}', budget);
    expect(e.budget).toBe('steps');
    expect(e.message).toMatch(/^1:\d+: template exceeded its steps budget \(1000000\)$/);
    expect(budget.steps).toBe(TEMPLATE_LIMITS.steps + 1);
  });

  it('should refuse a range over a huge integer before its first iteration', () => {
    const budget = new TemplateBudget();
    const e = budgetError('{{ range 100000000000 }}x{{ end }}', budget);
    expect(e.budget).toBe('range size');
    expect(e.message).toContain('(100000)');
    expect(budget.steps).toBeLessThan(5);
  });

  it('should allow a range of exactly the range budget', () => {
    expect(runTemplate(`{{ range ${TEMPLATE_LIMITS.rangeItems} }}{{ end }}`, data)).toBe('');
  });

  it('should stop output beyond the output budget, counted across the templates sharing a budget', () => {
    const budget = new TemplateBudget();
    runTemplate('{{ repeat 600000 "x" }}', data, budget);
    expect(budgetError('{{ repeat 600000 "x" }}', budget).budget).toBe('output size');
  });

  it.each([
    ['repeat with a huge count', '{{ repeat 1000000000000 "x" }}'],
    ['repeat of a secret value', '{{ repeat 10000000 .secret }}'],
    ['indent with a huge width', '{{ indent 1000000000 .user }}'],
    ['nindent with a huge width', '{{ nindent 1000000000 .user }}'],
    ['printf with a huge width', '{{ printf "%1000000000d" 1 }}'],
    ['printf with a huge precision', '{{ printf "%.1000000000s" .user }}'],
    ['replace that multiplies its input', '{{ replace "" (repeat 4000 "y") (repeat 4000 "x") }}'],
    [
      'nested lists that double',
      '{{ $l := list .secret }}{{ range 64 }}{{ $l = list $l $l }}{{ end }}{{ $l | toJson }}',
    ],
    [
      'dicts that double',
      '{{ $d := dict "k" .user }}{{ range 64 }}{{ $d = dict "a" $d "b" $d }}{{ end }}{{ $d }}',
    ],
    [
      'join of a doubled list',
      '{{ $l := list (repeat 1000 "x") }}{{ range 20 }}{{ $l = list $l $l }}{{ end }}{{ join "," $l }}',
    ],
    ['cat of large values', '{{ $s := repeat 2000000 "x" }}{{ cat $s $s $s }}'],
  ])('should refuse %s on the value-size budget, naming no value', (_name, template) => {
    const e = budgetError(template);
    expect(e.budget).toBe('value size');
    expect(e.message).toContain(`(${TEMPLATE_LIMITS.valueBytes})`);
    expect(e.message).not.toContain(CANARY);
  });

  it('should stop on the time budget, by the budget clock', () => {
    let t = 0;
    // Every clock read moves the clock a second on: the second read is past the 2 s bound.
    const budget = new TemplateBudget({}, () => (t += 1000));
    const e = budgetError('{{ range 100000 }}{{ . }}{{ end }}', budget);
    expect(e.budget).toBe('time');
    expect(e.message).toContain('time budget (2000)');
    expect(budget.steps).toBe(3 * 1024);
  });
});
