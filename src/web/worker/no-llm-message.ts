/** Shown (and thrown by every turn) when the browser runtime has no LLM endpoint. */
export const NO_LLM_MESSAGE =
  'No LLM endpoint is configured for the browser runtime: give an OpenAI-compatible base URL and model ' +
  '(for this page: ?mode=browser&baseUrl=http://127.0.0.1:11434/v1&model=llama3.2), or use the server mode.';
