import * as fs from 'node:fs';
import { promisify } from 'node:util';

/**
 * Promise versions of the descriptor calls the fs tools make on what `openFileBeneath`
 * returned (a plain descriptor: Node cannot wrap one in a `FileHandle`), so reading and
 * writing content stays off the event loop.
 */
export const fstat = promisify(fs.fstat);
export const read = promisify(fs.read);
export const write = promisify(fs.write);
export const ftruncate = promisify(fs.ftruncate);
export const close = promisify(fs.close);
