import { defineTool } from '../tool.js';
import { evaluateExpression } from './evaluate-expression.js';

export const calculatorTool = defineTool<{ expression: string }, { result: number }>({
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly. Supports + - * / % ^, parentheses, pi, e, and sqrt, abs, sin, cos, tan, ln, log, exp, floor, ceil, round, pow, min, max.',
  parameters: {
    type: 'object',
    properties: { expression: { type: 'string', description: 'e.g. "17 * 23" or "sqrt(2) * 10"', maxLength: 2000 } },
    required: ['expression'],
    additionalProperties: false,
  },
  execute: ({ expression }) => ({ result: evaluateExpression(expression) }),
});
