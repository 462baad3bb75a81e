/** `@dc/core/node`: Node-only helpers (file system). The main `@dc/core` entry stays browser-safe. */
export { writeFileAtomic } from './write-file-atomic.js';
