/** The functions the stack deploys, in the order it creates them: the names the invoker, the stack and the CLI share. */
export const FUNCTION_NAMES = ['rotation', 'sweep', 'ingest', 'reconcile-cluster', 'api'] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];
