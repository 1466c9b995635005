/** The JSON answers of the tools, as far as the tests read them. */
export interface RunAnswer {
  id: string;
  state: string;
  ready: boolean;
  failure: { code: string; explanation: string };
}
export interface Answer {
  outcome: string;
  message: string;
  runs: RunAnswer[];
  recentOutput: string;
  definitions: { name: string; kind: string; runs: RunAnswer[] }[];
}
