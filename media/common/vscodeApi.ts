// The API a webview script gets from the editor, typed by the messages it sends and the state it keeps.

export interface VsCodeApi<Message, State> {
  postMessage(message: Message): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): unknown;

/** Call once per page: the editor refuses a second acquisition. */
export function vscodeApi<Message, State>(): VsCodeApi<Message, State> {
  return acquireVsCodeApi() as VsCodeApi<Message, State>;
}
