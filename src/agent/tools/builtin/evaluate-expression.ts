import { AgentboxError } from '../../../errors/agentbox-error.js';

/**
 * A small arithmetic expression evaluator: a tokenizer plus a Pratt parser. Never `eval`:
 * only numbers, the operators below, parentheses, and a fixed table of functions and
 * constants exist, so model-written input cannot reach anything else.
 */

const functions: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  cbrt: { arity: [1, 1], fn: Math.cbrt },
  abs: { arity: [1, 1], fn: Math.abs },
  sin: { arity: [1, 1], fn: Math.sin },
  cos: { arity: [1, 1], fn: Math.cos },
  tan: { arity: [1, 1], fn: Math.tan },
  asin: { arity: [1, 1], fn: Math.asin },
  acos: { arity: [1, 1], fn: Math.acos },
  atan: { arity: [1, 1], fn: Math.atan },
  ln: { arity: [1, 1], fn: Math.log },
  log: { arity: [1, 2], fn: (x, base) => (base === undefined ? Math.log10(x) : Math.log(x) / Math.log(base)) },
  log2: { arity: [1, 1], fn: Math.log2 },
  exp: { arity: [1, 1], fn: Math.exp },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  round: { arity: [1, 1], fn: Math.round },
  pow: { arity: [2, 2], fn: Math.pow },
  min: { arity: [1, 64], fn: Math.min },
  max: { arity: [1, 64], fn: Math.max },
};

const constants: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

type Token = { kind: 'num'; value: number; at: number } | { kind: 'id'; value: string; at: number } | { kind: 'op'; value: string; at: number };

const maxLength = 2000;
const maxDepth = 200;

function fail(message: string, at?: number): never {
  throw new AgentboxError('INVALID_INPUT', at === undefined ? message : `${message} at position ${at + 1}`);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (/[0-9.]/.test(ch)) {
      const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
      if (!match) fail(`invalid number`, i);
      tokens.push({ kind: 'num', value: Number(match[0].replace(/_/g, '')), at: i });
      i += match[0].length;
    } else if (/[a-zA-Z_]/.test(ch)) {
      const match = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'id', value: match[0].toLowerCase(), at: i });
      i += match[0].length;
    } else if (source.startsWith('**', i)) {
      tokens.push({ kind: 'op', value: '^', at: i });
      i += 2;
    } else if ('+-*/%^(),×÷'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch === '×' ? '*' : ch === '÷' ? '/' : ch, at: i });
      i += 1;
    } else {
      fail(`unexpected character '${ch}'`, i);
    }
  }
  return tokens;
}

const infix: Record<string, { power: number; right?: boolean; apply: (a: number, b: number) => number }> = {
  '+': { power: 10, apply: (a, b) => a + b },
  '-': { power: 10, apply: (a, b) => a - b },
  '*': { power: 20, apply: (a, b) => a * b },
  '/': { power: 20, apply: (a, b) => a / b },
  '%': { power: 20, apply: (a, b) => a % b },
  '^': { power: 40, right: true, apply: (a, b) => a ** b },
};

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): number {
    if (this.tokens.length === 0) fail('empty expression');
    const value = this.expression(0, 0);
    const rest = this.tokens[this.pos];
    if (rest) fail(`unexpected '${rest.value}'`, rest.at);
    return value;
  }

  private expression(minPower: number, depth: number): number {
    if (depth > maxDepth) fail('expression nested too deeply');
    let left = this.prefix(depth);
    for (;;) {
      const token = this.tokens[this.pos];
      if (token?.kind !== 'op') break;
      const op = infix[token.value];
      if (!op || op.power < minPower) break;
      this.pos += 1;
      const right = this.expression(op.right ? op.power : op.power + 1, depth + 1);
      left = op.apply(left, right);
    }
    return left;
  }

  private prefix(depth: number): number {
    const token = this.tokens[this.pos++];
    if (!token) fail('unexpected end of expression');
    if (token.kind === 'num') return token.value;
    if (token.kind === 'op') {
      if (token.value === '-') return -this.expression(30, depth + 1);
      if (token.value === '+') return this.expression(30, depth + 1);
      if (token.value === '(') {
        const value = this.expression(0, depth + 1);
        this.expect(')');
        return value;
      }
      fail(`unexpected '${token.value}'`, token.at);
    }
    const constant = Object.hasOwn(constants, token.value) ? constants[token.value] : undefined;
    if (constant !== undefined && this.tokens[this.pos]?.value !== '(') return constant;
    const fn = Object.hasOwn(functions, token.value) ? functions[token.value] : undefined;
    if (!fn) fail(`unknown name '${token.value}'`, token.at);
    this.expect('(');
    const args: number[] = [];
    if (this.tokens[this.pos]?.value !== ')') {
      args.push(this.expression(0, depth + 1));
      while (this.tokens[this.pos]?.value === ',') {
        this.pos += 1;
        args.push(this.expression(0, depth + 1));
      }
    }
    this.expect(')');
    const [lo, hi] = fn.arity;
    if (args.length < lo || args.length > hi) {
      fail(`${token.value}() takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${args.length}`);
    }
    return fn.fn(...args);
  }

  private expect(value: string): void {
    const token = this.tokens[this.pos];
    if (!token || token.value !== value) fail(`expected '${value}'`, token?.at);
    this.pos += 1;
  }
}

/** Evaluates an arithmetic expression such as `17 * 23` or `sqrt(2) ^ 2 + max(1, 2)`. */
export function evaluateExpression(source: string): number {
  if (source.length > maxLength) fail(`expression longer than ${maxLength} characters`);
  const value = new Parser(tokenize(source)).parseAll();
  if (Number.isNaN(value)) fail('result is not a number');
  return value;
}
