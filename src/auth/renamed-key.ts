import { z } from 'zod';

/**
 * A key that was renamed, kept in a strict object's shape so that writing the old name
 * fails with a message naming the new one (`dirs` was renamed to `fsRoots`) rather than a
 * bare "Unrecognized key". Its type is `undefined`, so TypeScript callers see the rename too.
 *
 * @example
 * z.strictObject({ fsRoots: z.array(root).optional(), dirs: renamedKey('dirs', 'fsRoots') });
 */
export function renamedKey(oldName: string, newName: string, hint = ''): z.ZodOptional<z.ZodNever> {
  return z.never({ error: `\`${oldName}\` was renamed to \`${newName}\`${hint ? ` ${hint}` : ''}` }).optional();
}
