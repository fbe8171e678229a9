/** The demo catalogue (public API): generated in code from a seed, loaded only into an empty store. */
export { generateDemoData, type DemoData, type DemoOptions } from './generate';
export { loadDemoData, type DemoLoadOptions, type DemoLoadResult } from './load';
