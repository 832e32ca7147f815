// Entry point: importing this module defines <futures-playground>.
import { define } from './element.js';

define();

export { FuturesPlayground, define } from './element.js';
