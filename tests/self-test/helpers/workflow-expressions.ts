/**
 * The part of GitHub Actions' expression language our workflows use
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/expressions), for the
 * workflow harness (workflow-run.ts): `${{ … }}` in `env:`, `run:`, `name:` and `with:`
 * values, and `if:` conditions. Supported: context properties (`secrets.X`, `vars.X`,
 * `inputs.x`, `github.x`, `matrix.x`, `strategy.job-total`, `runner.os`), string, number,
 * boolean and null literals, `||`, `&&`, `!`, parentheses, and in `if:` the status functions
 * `success()`, `failure()`, `always()` and `cancelled()`. Anything else (comparisons,
 * indexing, `hashFiles()`, `steps.*`, `needs.*`) throws `UnsupportedWorkflowSyntax`: a
 * harness that skipped what it cannot run would pass workflows that GitHub runs differently.
 */

export type ExpressionValue = string | number | boolean | null;

/** Workflow syntax the harness cannot run: the run stops with it, never carries on without it. */
export class UnsupportedWorkflowSyntax extends Error {
  override name = 'UnsupportedWorkflowSyntax';
}

export type ExpressionScope = {
  /** The contexts this expression may read, by name; a context missing here is not available where it is used. */
  contexts: Record<string, Record<string, ExpressionValue>>;
  /**
   * Contexts whose missing properties are null, as GitHub gives them (an unset secret, an
   * input a scheduled run has not got); in the others a missing property is a mistake.
   */
  lenient: string[];
  /** In `if:` only: the status of what ran before (the job's steps, or a job's needs). */
  status?: { success: boolean; failure: boolean };
};

type Token =
  { kind: 'literal'; value: ExpressionValue } | { kind: 'word'; text: string } | { kind: 'op'; text: string };

const OPERATORS = ['||', '&&', '!', '(', ')', '.'];
const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const string = /^'((?:[^']|'')*)'/.exec(rest);
    if (string) {
      tokens.push({ kind: 'literal', value: (string[1] ?? '').replaceAll("''", "'") });
      at += string[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?(?![\w-])/.exec(rest);
    if (number) {
      tokens.push({ kind: 'literal', value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w-]*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      at += word[0].length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!operator)
      throw new UnsupportedWorkflowSyntax(`expression \`${source}\`: \`${rest.slice(0, 2)}\` is not supported`);
    tokens.push({ kind: 'op', text: operator });
    at += operator.length;
  }
  return tokens;
}

/** GitHub's truthiness: false, 0, '' and null are falsy. */
export function truthy(value: ExpressionValue): boolean {
  return value !== false && value !== 0 && value !== '' && value !== null && !Number.isNaN(value);
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
    private readonly scope: ExpressionScope,
  ) {}

  parse(): ExpressionValue {
    const value = this.or();
    if (this.at < this.tokens.length) this.fail(`unexpected \`${describe(this.tokens[this.at])}\``);
    return value;
  }

  private or(): ExpressionValue {
    let value = this.and();
    while (this.take('||')) {
      const next = this.and();
      value = truthy(value) ? value : next;
    }
    return value;
  }

  private and(): ExpressionValue {
    let value = this.unary();
    while (this.take('&&')) {
      const next = this.unary();
      value = truthy(value) ? next : value;
    }
    return value;
  }

  private unary(): ExpressionValue {
    if (this.take('!')) return !truthy(this.unary());
    return this.primary();
  }

  private primary(): ExpressionValue {
    const token = this.tokens[this.at++];
    if (!token) return this.fail('it ends too early');
    if (token.kind === 'literal') return token.value;
    if (token.kind === 'op') {
      if (token.text !== '(') return this.fail(`unexpected \`${token.text}\``);
      const value = this.or();
      if (!this.take(')')) this.fail('a `(` is not closed');
      return value;
    }
    if (token.text === 'true' || token.text === 'false') return token.text === 'true';
    if (token.text === 'null') return null;
    if (this.take('(')) return this.call(token.text);
    return this.property(token.text);
  }

  private call(name: string): ExpressionValue {
    if (!STATUS_FUNCTIONS.includes(name)) this.fail(`the function \`${name}()\` is not supported`);
    if (!this.take(')')) this.fail(`\`${name}(…)\` takes no arguments`);
    const status = this.scope.status;
    if (!status) return this.fail(`\`${name}()\` is only available in \`if:\``);
    if (name === 'always') return true;
    // Nothing cancels a harness run.
    if (name === 'cancelled') return false;
    return name === 'success' ? status.success : status.failure;
  }

  private property(context: string): ExpressionValue {
    const values = this.scope.contexts[context];
    if (!values) return this.fail(`the context \`${context}\` is not available here`);
    if (!this.take('.')) return this.fail(`\`${context}\` is used as a whole`);
    const name = this.tokens[this.at++];
    if (name?.kind !== 'word') return this.fail(`\`${context}.\` is not followed by a name`);
    if (this.tokens[this.at]?.kind === 'op' && (this.tokens[this.at] as { text: string }).text === '.') {
      this.fail(`\`${context}.${name.text}.…\`: nested properties are not supported`);
    }
    if (Object.hasOwn(values, name.text)) return values[name.text] ?? null;
    if (this.scope.lenient.includes(context)) return null;
    return this.fail(`\`${context}.${name.text}\` is not stood in by the harness`);
  }

  private take(operator: string): boolean {
    const token = this.tokens[this.at];
    if (token?.kind !== 'op' || token.text !== operator) return false;
    this.at += 1;
    return true;
  }

  private fail(why: string): never {
    throw new UnsupportedWorkflowSyntax(`expression \`${this.source}\`: ${why}`);
  }
}

function describe(token: Token | undefined): string {
  if (!token) return '';
  return token.kind === 'literal' ? JSON.stringify(token.value) : token.text;
}

/** The value of one expression (the text inside `${{ }}`). */
export function evaluate(expression: string, scope: ExpressionScope): ExpressionValue {
  return new Parser(tokenize(expression), expression, scope).parse();
}

function asText(value: ExpressionValue): string {
  return value === null ? '' : String(value);
}

/** `text` with each `${{ … }}` replaced by its value, as GitHub does before a step sees it. */
export function interpolate(text: string, scope: ExpressionScope): string {
  if (text.includes('${{') && !/\$\{\{[\s\S]*?\}\}/.test(text)) {
    throw new UnsupportedWorkflowSyntax(`\`${text}\`: a \`\${{\` is not closed`);
  }
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => asText(evaluate(expression, scope)));
}

/**
 * An `if:` condition. With no status function in it, GitHub reads it as `success() && (…)`;
 * without `if:`, as `success()`. The whole value may be wrapped in `${{ }}`.
 */
export function condition(value: string | boolean | undefined, scope: ExpressionScope): boolean {
  if (value === undefined) return scope.status?.success ?? true;
  if (typeof value === 'boolean') return value && (scope.status?.success ?? true);
  const wrapped = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
  const expression = wrapped ? (wrapped[1] ?? '') : value;
  if (expression.includes('${{')) throw new UnsupportedWorkflowSyntax(`if: \`${value}\` mixes text and expressions`);
  const usesStatus = tokenize(expression).some(
    (token, index, all) =>
      token.kind === 'word' &&
      STATUS_FUNCTIONS.includes(token.text) &&
      all[index + 1]?.kind === 'op' &&
      (all[index + 1] as { text: string }).text === '(',
  );
  const result = truthy(evaluate(expression, scope));
  return usesStatus ? result : (scope.status?.success ?? true) && result;
}
