/** Variables of the editor's own process that would confuse a child (a Node child run as Electron, ...). */
function belongsToEditor(name: string): boolean {
  return name === 'ELECTRON_RUN_AS_NODE' || name.startsWith('VSCODE_');
}

/** The host's environment less the editor's own variables: what every run starts from. */
export function inheritedEnvironment(host: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(host)) {
    if (value !== undefined && !belongsToEditor(name)) env[name] = value;
  }
  return env;
}

/**
 * The environment a run gets: the inherited one (see `inheritedEnvironment`), then the env file,
 * then the definition's `env`. A definition may set an editor variable explicitly.
 */
export function buildEnvironment(
  inherited: Readonly<Record<string, string>>,
  fromFile: Record<string, string>,
  fromDefinition: Record<string, string>,
): Record<string, string> {
  return { ...inherited, ...fromFile, ...fromDefinition };
}
