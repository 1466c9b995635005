// The import rules `npm run lint` checks: no cycles, and dependencies point one way down the
// layers below. Moving a file to another folder only needs the path patterns here updated.

/**
 * The layers, lowest first: a module may import its own layer and those listed before it, never
 * one listed after it. A module belongs to the first layer with a matching pattern (regular
 * expressions on paths relative to the repository root).
 */
const LAYERS = [
  { name: 'core', paths: ['^src/core/', '^src/shared/'] },
  { name: 'platform', paths: ['^src/platform/'] },
  { name: 'engine', paths: ['^src/engine/(?!monitor/)'] },
  { name: 'monitor', paths: ['^src/engine/monitor/'] },
  { name: 'surfaces', paths: ['^src/config/', '^src/agents/', '^src/ui/', '^src/api/'] },
  { name: 'extension', paths: ['^src/(extension|start)\\.ts$'] },
];

/** Settings are read and validated with core types only, so that config stays beside the engine. */
const CONFIG = '^src/config/';
/** Layers that must run in plain Node: everything below the editor surfaces, and config. */
const EDITOR_FREE = ['core', 'platform', 'engine', 'monitor'];
/** The agents' tools, shared by the editor's language-model tools and the MCP server, which runs without the editor. */
const AGENTS = '^src/agents/';

const pathsUpTo = (index) => LAYERS.slice(0, index).flatMap((layer) => layer.paths);
const layerPaths = (name) => LAYERS.find((layer) => layer.name === name).paths;

const layerRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.name} imports only its own layer and those below it (${LAYERS.slice(0, index + 1).map((l) => l.name).join(', ')}).`,
  severity: 'error',
  from: { path: layer.paths, pathNot: pathsUpTo(index) },
  to: { path: LAYERS.slice(index + 1).flatMap((l) => l.paths), pathNot: pathsUpTo(index + 1) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle, type-only ones included: move the shared types to a leaf types.ts.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'config-imports-core',
      comment: 'config turns settings into engine specs with core types only.',
      severity: 'error',
      from: { path: CONFIG },
      to: { path: '^src/', pathNot: [CONFIG, ...layerPaths('core')] },
    },
    {
      name: 'no-editor-api',
      comment: 'Only the editor surfaces and extension.ts import vscode; the rest runs in plain Node.',
      severity: 'error',
      from: { path: [...EDITOR_FREE.flatMap(layerPaths), CONFIG, AGENTS] },
      // Resolves to its type declarations when installed, to the bare name when not.
      to: { path: ['^vscode$', 'node_modules/@types/vscode/'] },
    },
    {
      name: 'layer-unknown',
      comment: 'Every module under src/ belongs to a layer: add its folder to LAYERS.',
      severity: 'error',
      from: { path: '^src/', pathNot: pathsUpTo(LAYERS.length) },
      to: {},
    },
    {
      name: 'webview-imports-shared',
      comment: 'The webview runs in the browser and shares only the message protocol with the extension.',
      severity: 'error',
      from: { path: '^media/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
  ],
  options: {
    // Type-only imports count: they tie files together as much as value imports do.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^media/(vendor|metrics/dist|logs/dist)/'] },
  },
};
