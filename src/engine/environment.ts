/** Variables of the editor's own process that would confuse a child (a Node child run as Electron, ...). */
function belongsToEditor(name: string): boolean {
  return name === 'ELECTRON_RUN_AS_NODE' || name.startsWith('VSCODE_');
}

/**
 * The environment a run gets: the host's (less the editor's own variables), then the env file,
 * then the definition's `env`. A definition may set an editor variable explicitly.
 */
export function buildEnvironment(
  host: Record<string, string | undefined>,
  fromFile: Record<string, string>,
  fromDefinition: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(host)) {
    if (value !== undefined && !belongsToEditor(name)) env[name] = value;
  }
  Object.assign(env, fromFile, fromDefinition);
  return env;
}
