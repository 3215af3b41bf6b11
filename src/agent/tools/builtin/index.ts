import type { Tool } from '../tool.js';
import { calculatorTool } from './calculator.js';
import { currentTimeTool } from './current-time.js';

export { calculatorTool, currentTimeTool };
export { evaluateExpression } from './evaluate-expression.js';

/** The portable built-in tools, enabled by default. */
export function builtinTools(): Tool[] {
  return [calculatorTool, currentTimeTool];
}
